"""Rotation: hand one person's open work to their successor, in one audited unit of work.

Every open request naming them (as target, as the one who acknowledged it, or as a party it
was referred to), every draft return they were writing and every broadcast they have not yet
acknowledged moves to the successor; both are told, so are the requesters of the moved
requests; then the predecessor's identities are revoked. A UserError rolls all of it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.audit import state as audit_state
from bot.broadcasts import handlers as broadcasts
from bot.config import Person
from bot.delivery import held
from bot.directory.repo import revoke
from bot.errors import UserError
from bot.events import Button
from bot.i18n import DEFAULT_LANGUAGE, Msg, Text, _, join, n_, render
from bot.requests.repo import handover_note
from bot.storage.sql import Db
from bot.work import Work

_OPEN = "status != 'closed'"


@dataclass
class Moved:
    """What a handover moved."""

    requests: list[str] = field(default_factory=list)
    drafts: int = 0
    broadcasts: list[str] = field(default_factory=list)

    def text(self) -> Msg:
        """``2 open requests, 1 draft return and 1 broadcast to acknowledge``, for chat."""
        return _(
            "{requests}, {drafts} and {broadcasts} to acknowledge",
            requests=n_("{count} open request", "{count} open requests", len(self.requests)),
            drafts=n_("{count} draft return", "{count} draft returns", self.drafts),
            broadcasts=n_("{count} broadcast", "{count} broadcasts", len(self.broadcasts)),
        )

    def summary(self) -> str:
        """:meth:`text` in English, for the audit log and the command line."""
        return render(self.text(), DEFAULT_LANGUAGE)


def parse_pair(text: str) -> tuple[str, str]:
    """``<from> <to>``: two person ids."""
    words = text.lower().split()
    if len(words) != 2:
        raise UserError(_("Give two person ids: who hands over, then who takes over."))
    return words[0], words[1]


def handover(work: Work, old_id: str, new_id: str) -> Moved:
    """Move ``old_id``'s open work to ``new_id``, tell everyone concerned, revoke ``old_id``."""
    old, new = _pair(work, old_id, new_id)
    alone = old.active and [p.id for p in work.directory.answering(old.country)] == [old.id]
    moved = Moved(_move_requests(work, old, new), _move_drafts(work, old, new))
    # paged to them alone and acknowledged by nobody: whoever answers the country next is told
    unseen = stranded_request_ids(work.db, old.id, old.country) if alone else []
    moved.broadcasts, newly = _move_broadcasts(work, old, new)
    _confirm_successor(work, new)
    work.audit("roster.handover", f"{old.id}>{new.id}", moved.summary())
    _tell(work, old, new, moved, unseen)
    broadcasts.hand_on(work, new, newly)  # after the notice that announces them
    revoke_and_withdraw(work.db, old.id, work.stamp, work.actor.id if work.actor else "cli")
    work.directory_changed = True
    return moved


def _pair(work: Work, old_id: str, new_id: str) -> tuple[Person, Person]:
    people = work.directory.people
    old, new = people.get(old_id), people.get(new_id)
    # revoked already: requests they were answering can still be handed over, nothing else
    if old is None or (not old.active and not open_requests_of(work.db, old.id)):
        raise UserError(_("No active person {id} in the directory.", id=repr(old_id[:40])))
    if new is None or not new.active:
        raise UserError(
            _(
                "No active person {id} in the directory; add them (bot.toml or a directory "
                "import) before the handover.",
                id=repr(new_id[:40]),
            )
        )
    if old.id == new.id:
        raise UserError(_("That is the same person; name their successor."))
    if old.has("co_chair") and not old.active:
        raise UserError(
            _(
                "{old} was a co-chair and is revoked already: the requests they held are the "
                "other co-chairs' now, so there is nothing to hand over.",
                old=old.name,
            )
        )
    if old.has("admin", "co_chair"):  # a handover revokes: not a way round /revoke
        raise UserError(
            _(
                "{old} is an administrator or co-chair: a handover would end their access. "
                "An administrator does that with /revoke.",
                old=old.name,
            )
        )
    if not new.has("focal_point", "deputy_focal_point"):
        raise UserError(
            _(
                "{new} cannot take requests (neither focal point nor deputy): give them the "
                "role first (bot.toml or a directory import), then hand over.",
                new=new.name,
            )
        )
    if old.country != new.country:
        raise UserError(
            _(
                "{old} works for {old_country} and {new} for {new_country}; a handover stays "
                "within one country.",
                old=old.name,
                old_country=old.country,
                new=new.name,
                new_country=new.country,
            )
        )
    return old, new


def revoke_and_withdraw(db: Db, person_id: str, at: str, actor: str) -> bool:
    """Revoke ``person_id`` (audited; False if unknown or revoked already) and withdraw what
    still waits to be sent to them (a page held for their night, a retry): someone revoked
    receives nothing more. Chat, handover and the command line all revoke through here."""
    if not revoke(db, person_id, at, actor):
        return False
    held.withdraw_all(db, person_id, "revoked")
    return True


def open_requests_of(db: Db, person_id: str) -> int:
    """How many open requests ``person_id`` is answering (paged, or acknowledged by them)."""
    return len(open_request_ids(db, person_id))


def open_request_ids(db: Db, person_id: str) -> list[str]:
    """The open requests ``person_id`` is answering (paged, or acknowledged by them), oldest
    first."""
    rows = db.execute(
        f"SELECT id FROM requests WHERE {_OPEN} "
        "AND (target_person = ? OR acknowledged_by = ?) ORDER BY year, seq",
        [person_id, person_id],
    )
    return [str(row[0]) for row in rows]


def stranded_request_ids(db: Db, person_id: str, country: str) -> list[str]:
    """The open requests ``person_id`` is answering, and those to ``country`` that nobody
    has acknowledged nor been referred (its focal points, or deputies, are paged about them),
    oldest first: what nobody has in hand once they, alone answering ``country``, leave."""
    rows = db.execute(
        f"SELECT id FROM requests WHERE {_OPEN} AND (target_person = ? OR acknowledged_by = ? "
        "OR (target_country = ? AND acknowledged_by IS NULL AND target_person IS NULL)) "
        "ORDER BY year, seq",
        [person_id, person_id, country],
    )
    return [str(row[0]) for row in rows]


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
    changed: set[str] = set()
    for column in ("target_person", "acknowledged_by"):
        changed.update(
            row[0]
            for row in db.execute(
                f"UPDATE requests SET {column} = ?, updated_at = ? WHERE {column} = ? AND {_OPEN} "
                "RETURNING id",
                [new.id, work.stamp, old.id],
            ).fetchall()
        )
    actor = work.actor.id if work.actor else "system"
    for request_id in sorted(changed):  # bound as now stored, in this same unit
        audit_state.record_request(db, request_id, work.stamp, actor)
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
            [request_id, work.stamp, None, handover_note(old.id, new.id)],
        )
    return ids


def _move_drafts(work: Work, old: Person, new: Person) -> int:
    cursor = work.db.execute(
        "UPDATE return_drafts SET person_id = ?, updated_at = ? WHERE person_id = ?",
        [new.id, work.stamp, old.id],
    )
    return cursor.rowcount


def _move_broadcasts(work: Work, old: Person, new: Person) -> tuple[list[str], list[str]]:
    """The broadcasts ``old`` had not acknowledged, and those among them ``new`` was not sent
    (they need a copy of their own)."""
    db = work.db
    where = "person_id = ? AND acknowledged_at IS NULL"
    ids = [
        r[0]
        for r in db.execute(
            f"SELECT broadcast_id FROM broadcast_recipients WHERE {where}", [old.id]
        )
    ]
    newly = db.execute(
        "INSERT INTO broadcast_recipients (broadcast_id, person_id) SELECT broadcast_id, ? "
        f"FROM broadcast_recipients WHERE {where} ON CONFLICT DO NOTHING RETURNING broadcast_id",
        [new.id, old.id],
    ).fetchall()
    db.execute(f"DELETE FROM broadcast_recipients WHERE {where}", [old.id])
    return sorted(ids, key=_by_number), sorted((r[0] for r in newly), key=_by_number)


def _by_number(broadcast_id: str) -> tuple[str, int]:
    """``B-2`` before ``B-10`` (as text, ``B-10`` comes first)."""
    prefix, _dash, number = broadcast_id.rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (broadcast_id, 0)


def _confirm_successor(work: Work, new: Person) -> None:
    """Taking over is confirming the role (see bot.directory.roster)."""
    from bot.directory import roster  # roster builds on the handover's notices

    roster.confirm(work, new)


def _tell(work: Work, old: Person, new: Person, moved: Moved, unseen: list[str]) -> None:
    work.send_parting(  # their revocation, in this same unit, withdraws what waits for them
        old,
        _(
            "Your open work is handed over to {name}: {moved}. Thank you; your access to "
            "FocalPoint ends now.",
            name=new.name,
            moved=moved.text(),
        ),
        subject="handover",
    )
    lines: list[Text] = [
        _("{name} handed their open work to you: {moved}.", name=old.name, moved=moved.text())
    ]
    lines += [_("• request {id} (/show {id})", id=r) for r in moved.requests]
    lines += [_("• broadcast {id} awaits your acknowledgement", id=b) for b in moved.broadcasts]
    if moved.drafts:
        lines.append(_("• a draft return: /return resumes it"))
    if unseen:  # the country's, not moved: the one taking over answers it now
        lines.append(
            n_(
                "{country} has no focal point now, so you answer its requests: {ids}, which "
                "nobody has acknowledged, is yours too. /show {first} reads it.",
                "{country} has no focal point now, so you answer its requests: {count} that "
                "nobody has acknowledged are yours too: {ids}. /show {first} reads the first.",
                len(unseen),
                country=work.directory.country_name(old.country),
                ids=", ".join(unseen),
                first=unseen[0],
            )
        )
    buttons = tuple(
        Button(_("Acknowledge {id}", id=b), f"/broadcast ack {b}") for b in moved.broadcasts
    )
    work.notify(new, join(lines), buttons, subject="handover")
    _tell_requesters(work, old, new, moved.requests)
    if unseen:  # its other deputies answer it too now (as after a revocation)
        from bot.directory.handlers import to_deputies  # handlers builds on this module

        to_deputies(work, old, unseen, told=new.id)


def _tell_requesters(work: Work, old: Person, new: Person, request_ids: list[str]) -> None:
    for request_id, requester in requesters_of(work, request_ids):
        if requester.id not in (old.id, new.id):
            work.notify(
                requester,
                _(
                    "{id} is now handled by {new}, who took over from {old}.",
                    id=request_id,
                    new=new.name,
                    old=old.name,
                ),
                subject=request_id,
            )


def requesters_of(work: Work, request_ids: list[str]) -> list[tuple[str, Person]]:
    """Each of ``request_ids`` with the person who filed it (those still in the directory)."""
    if not request_ids:
        return []
    marks = ", ".join("?" for _ in request_ids)
    rows = work.db.execute(
        f"SELECT id, requester_id FROM requests WHERE id IN ({marks}) ORDER BY id", request_ids
    )
    found = ((request_id, work.directory.people.get(pid)) for request_id, pid in rows.fetchall())
    return [(request_id, person) for request_id, person in found if person is not None]
