"""Rotation: hand one person's open work to their successor, in one audited unit of work.

Every open request naming them (as target, as the one who acknowledged it, or as a party it
was referred to), every draft return they were writing and every broadcast they have not yet
acknowledged moves to the successor; both are told, so are the requesters of the moved
requests; then the predecessor's identities are revoked. A UserError rolls all of it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Person
from bot.directory.repo import revoke
from bot.errors import UserError
from bot.events import Button
from bot.text import counted
from bot.work import Work

_OPEN = "status != 'closed'"


@dataclass
class Moved:
    """What a handover moved."""

    requests: list[str] = field(default_factory=list)
    drafts: int = 0
    broadcasts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``2 requests, 1 draft return and 1 broadcast to acknowledge``."""
        return (
            f"{counted(len(self.requests), 'open request')}, {counted(self.drafts, 'draft return')}"
            f" and {counted(len(self.broadcasts), 'broadcast')} to acknowledge"
        )


def parse_pair(text: str) -> tuple[str, str]:
    """``<from> <to>``: two person ids."""
    words = text.lower().split()
    if len(words) != 2:
        raise UserError("Give two person ids: who hands over, then who takes over.")
    return words[0], words[1]


def handover(work: Work, old_id: str, new_id: str) -> Moved:
    """Move ``old_id``'s open work to ``new_id``, tell everyone concerned, revoke ``old_id``."""
    old, new = _pair(work, old_id, new_id)
    moved = Moved(_move_requests(work, old, new), _move_drafts(work, old, new))
    moved.broadcasts = _move_broadcasts(work, old, new)
    _confirm_successor(work, new)
    work.audit("roster.handover", f"{old.id}>{new.id}", moved.summary())
    _tell(work, old, new, moved)
    revoke(work.db, old.id, work.stamp, work.actor.id if work.actor else "cli")
    work.directory_changed = True
    return moved


def _pair(work: Work, old_id: str, new_id: str) -> tuple[Person, Person]:
    people = work.directory.people
    old, new = people.get(old_id), people.get(new_id)
    if old is None or not old.active:
        raise UserError(f"No active person {old_id[:40]!r} in the directory.")
    if new is None or not new.active:
        raise UserError(
            f"No active person {new_id[:40]!r} in the directory; add them (bot.toml or a "
            "directory import) before the handover."
        )
    if old.id == new.id:
        raise UserError("That is the same person; name their successor.")
    if old.country != new.country:
        raise UserError(
            f"{old.name} works for {old.country} and {new.name} for {new.country}; a handover "
            "stays within one country."
        )
    return old, new


def _move_requests(work: Work, old: Person, new: Person) -> list[str]:
    db = work.db
    ids = [
        row[0]
        for row in db.execute(
            f"SELECT id FROM requests WHERE {_OPEN} AND (target_person = ? OR acknowledged_by = ? "
            "OR id IN (SELECT request_id FROM request_parties WHERE person_id = ?)) ORDER BY id",
            [old.id, old.id, old.id],
        )
    ]
    for column in ("target_person", "acknowledged_by"):
        db.execute(
            f"UPDATE requests SET {column} = ?, updated_at = ? WHERE {column} = ? AND {_OPEN}",
            [new.id, work.stamp, old.id],
        )
    db.execute(
        "INSERT INTO request_parties (request_id, country, person_id) SELECT request_id, "
        f"country, ? FROM request_parties WHERE person_id = ? AND request_id IN "
        f"(SELECT id FROM requests WHERE {_OPEN}) ON CONFLICT DO NOTHING",
        [new.id, old.id],
    )
    for request_id in ids:
        db.execute(
            "INSERT INTO request_messages (request_id, at, author_id, kind, text) "
            "VALUES (?, ?, ?, 'handover', ?)",
            [request_id, work.stamp, None, f"handed over from {old.id} to {new.id}"],
        )
    return ids


def _move_drafts(work: Work, old: Person, new: Person) -> int:
    cursor = work.db.execute(
        "UPDATE return_drafts SET person_id = ?, updated_at = ? WHERE person_id = ?",
        [new.id, work.stamp, old.id],
    )
    return cursor.rowcount


def _move_broadcasts(work: Work, old: Person, new: Person) -> list[str]:
    db = work.db
    where = "person_id = ? AND acknowledged_at IS NULL"
    ids = [
        r[0]
        for r in db.execute(
            f"SELECT broadcast_id FROM broadcast_recipients WHERE {where}", [old.id]
        )
    ]
    db.execute(
        "INSERT INTO broadcast_recipients (broadcast_id, person_id) SELECT broadcast_id, ? "
        f"FROM broadcast_recipients WHERE {where} ON CONFLICT DO NOTHING",
        [new.id, old.id],
    )
    db.execute(f"DELETE FROM broadcast_recipients WHERE {where}", [old.id])
    return sorted(ids)


def _confirm_successor(work: Work, new: Person) -> None:
    """Taking over is confirming the role (see bot.directory.roster)."""
    from bot.directory import roster  # roster builds on the handover's notices

    roster.confirm(work, new)


def _tell(work: Work, old: Person, new: Person, moved: Moved) -> None:
    work.notify(
        old,
        f"Your open work is handed over to {new.name}: {moved.summary()}. Thank you; your "
        "access to FocalPoint ends now.",
        subject="handover",
    )
    lines = [f"{old.name} handed their open work to you: {moved.summary()}."]
    lines += [f"• request {r} (/show {r})" for r in moved.requests]
    lines += [f"• broadcast {b} awaits your acknowledgement" for b in moved.broadcasts]
    if moved.drafts:
        lines.append("• a draft return: /return resumes it")
    buttons = tuple(Button(f"Acknowledge {b}", f"/broadcast ack {b}") for b in moved.broadcasts)
    work.notify(new, "\n".join(lines), buttons, subject="handover")
    _tell_requesters(work, old, new, moved.requests)


def _tell_requesters(work: Work, old: Person, new: Person, request_ids: list[str]) -> None:
    if not request_ids:
        return
    marks = ", ".join("?" for _ in request_ids)
    rows = work.db.execute(
        f"SELECT id, requester_id FROM requests WHERE id IN ({marks}) ORDER BY id", request_ids
    )
    for request_id, requester_id in rows.fetchall():
        requester = work.directory.people.get(requester_id)
        if requester and requester.id not in (old.id, new.id):
            work.notify(
                requester,
                f"{request_id} is now handled by {new.name}, who took over from {old.name}.",
                subject=request_id,
            )
