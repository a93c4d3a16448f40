"""Messages held through a person's quiet hours, handed to delivery when those hours end.

``Work.notify`` stores such a message in the outbox with ``not_before`` and arms a release
timer for that moment; delivery (and a restart's resume, and replicas' adoption) leaves rows
with a ``not_before`` alone. The timer clears it in its own transaction and hands the rows
over, so a held message is delivered once, after a restart too.

A held message keeps what it was rendered from (its ``source``, bot.i18n.stored) and in which
language. A reader who chose another language meanwhile (``/language ar`` at night) gets it
in that one: the release renders it again and stores the new text in the same transaction,
so delivery, a restart's resume and another replica's adoption all send that.

A held message the news has overtaken (a page asking someone to acknowledge a request that
another has acknowledged meanwhile) is *withdrawn* instead: it ends ``withdrawn``, with the
reason in ``error``, and is never delivered. Withdrawal is one ``UPDATE`` in the unit that
makes the news, so on several replicas a message is either released (and delivered) or
withdrawn, never both.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.clock import time_zone
from bot.config import Person
from bot.delivery.awake import mark_awake
from bot.delivery.outbox import OUTBOUND_COLUMNS, outbound_from_row
from bot.events import Button, Outbound
from bot.i18n import Msg, Text, ZoneOffset, _, in_sentence, join, stored
from bot.storage.sql import Db
from bot.work import RELEASE, Work, buttons_json

log = logging.getLogger(__name__)

WITHDRAWN = "withdrawn"
"""The final outbox status of a held message that was no longer needed when its time came."""


_RELEASED = f"{OUTBOUND_COLUMNS}, source, source_language"
"""What :func:`release` reads of each row: the message, and what it was rendered from."""


def release(work: Work, _subject: str) -> None:
    """Hand over every held message whose time has come (an earlier timer's ones too), each
    in the language its reader reads now."""
    rows = work.db.execute(
        "UPDATE outbox SET not_before = NULL WHERE status = 'queued' "
        f"AND not_before IS NOT NULL AND not_before <= ? RETURNING {_RELEASED}",
        [work.stamp],
    ).fetchall()
    _hand_over(work, rows)


def woke(work: Work, person: Person) -> None:
    """``person`` wrote to us in their quiet hours: they are at work. What waits for their
    morning goes now, and what comes for them in the next half hour is not held
    (:mod:`bot.delivery.awake`). Outside their quiet hours this costs no statement."""
    if work.quiet_until(person) is None:
        return
    if not mark_awake(work.db, person.id, work.now):
        return  # marked a moment ago: what was held for them went then
    rows = work.db.execute(
        "UPDATE outbox SET not_before = NULL WHERE status = 'queued' "
        f"AND not_before IS NOT NULL AND person_id = ? RETURNING {_RELEASED}",
        [person.id],
    ).fetchall()
    _hand_over(work, rows)


def _hand_over(work: Work, rows: Sequence[Sequence[Any]]) -> None:
    """Give delivery the released ``rows``, oldest first, each in its reader's language now."""
    for row in sorted(rows, key=lambda r: int(r[0])):
        message = _in_language_now(work, outbound_from_row(row), row[-2], row[-1])
        if work.ctx.replica:
            # its holder is who delivers the chat now, not who held it: a row naming another
            # replica as holder is never adopted by it (it counts it as in hand) and was lost
            owner = work._lane_owner(message.channel, message.address)
            work.db.execute("UPDATE outbox SET lease_owner = ? WHERE id = ?", [owner, message.id])
            if owner is None:
                work.elsewhere.add(message.id)  # another replica delivers this chat, adopts it
        work.outbound.append(message)


def _in_language_now(
    work: Work, message: Outbound, source: str | None, language: str | None
) -> Outbound:
    """``message``, held since it was rendered in ``language`` from ``source``, said again
    (and so stored, in this unit) if its reader reads another language now: the text and
    the buttons' labels as :meth:`Work.rendered` renders them. As it was queued when it has
    no source or the source cannot be read."""
    now = work.language_of(message.person_id)
    if source is None or language is None or now == language:
        return message
    try:
        text, buttons = _said_again(work, message, source, now)
    except Exception as exc:  # the queued text is still a true message: it goes instead
        log.warning("outbox %s goes in %s, as queued: %s", message.id, language, exc)
        return message
    work.db.execute(
        "UPDATE outbox SET text = ?, buttons = ?, source_language = ? WHERE id = ?",
        [text, buttons_json(buttons), now, message.id],
    )
    return dataclasses.replace(message, text=text, buttons=buttons)


def _said_again(
    work: Work, message: Outbound, source: str, language: str
) -> tuple[str, tuple[Button, ...]]:
    text, *labels = stored.load_all(source)
    buttons = zip(labels, message.buttons, strict=True)  # a label short: ValueError
    return work.rendered(
        message.channel, text, tuple(Button(label, b.command) for label, b in buttons), language
    )


def withdraw(
    db: Db,
    subject: str,
    reason: str,
    command: str,
    written_at: Sequence[str] = (),
    people: Sequence[str] = (),
) -> list[str]:
    """Withdraw the messages about ``subject`` still held for quiet hours that asked their
    reader to act (they carry a button for ``command``) or that the bot wrote on its own at
    one of the moments ``written_at`` (news of a step the reason ends); only those for
    ``people`` when given. The people they were for, one entry per message."""
    mine, only = "", ""
    if written_at:
        marks = ", ".join("?" for _at in written_at)
        mine = f" OR (origin_id IS NULL AND created_at IN ({marks}))"
    if people:
        only = f" AND person_id IN ({', '.join('?' for _p in people)})"
    rows = db.execute(
        "UPDATE outbox SET status = ?, error = ? WHERE subject = ? AND status = 'queued' "
        f"AND not_before IS NOT NULL AND (buttons LIKE ? ESCAPE '!'{mine}){only} "
        "RETURNING person_id",
        [WITHDRAWN, reason[:500], subject, _carrying(command), *written_at, *people],
    ).fetchall()
    return [str(row[0]) for row in rows if row[0]]


def withdraw_all(db: Db, person_id: str, reason: str) -> int:
    """Withdraw every message still queued for ``person_id`` (held for their quiet hours, or
    waiting for a retry): someone revoked receives nothing more, casework least of all."""
    cursor = db.execute(
        "UPDATE outbox SET status = ?, error = ? WHERE person_id = ? AND status = 'queued'",
        [WITHDRAWN, reason[:500], person_id],
    )
    return cursor.rowcount


def waiting_until(db: Db, subject: str, command: str, people: Sequence[str]) -> str | None:
    """When the first message about ``subject`` carrying a button for ``command`` that still
    waits for the quiet hours of one of ``people`` goes (store format); None if none waits."""
    if not people:
        return None
    marks = ", ".join("?" for _p in people)
    row = db.execute(
        "SELECT MIN(not_before) FROM outbox WHERE subject = ? AND status = 'queued' "
        f"AND not_before IS NOT NULL AND buttons LIKE ? ESCAPE '!' AND person_id IN ({marks})",
        [subject, _carrying(command), *people],
    ).fetchone()
    return str(row[0]) if row and row[0] else None


def never_shown(db: Db, subject: str, command: str) -> set[str]:
    """The people every message of whom about ``subject`` with a button for ``command`` was
    withdrawn: they never saw it, so they need no word that it is taken care of."""
    rows = db.execute(
        "SELECT person_id FROM outbox WHERE subject = ? AND person_id IS NOT NULL "
        "AND buttons LIKE ? ESCAPE '!' GROUP BY person_id "
        "HAVING MIN(CASE WHEN status = ? THEN 1 ELSE 0 END) = 1",
        [subject, _carrying(command), WITHDRAWN],
    )
    return {str(row[0]) for row in rows}


def _carrying(command: str) -> str:
    """A LIKE pattern for the outbox's ``buttons`` (JSON) holding a button for ``command``."""
    literal = json.dumps(command).replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{literal}%"


TIMERS = {RELEASE: release}


def when_seen(work: Work, person: Person, at: datetime) -> Msg:
    """When ``person`` sees a message held for their quiet hours until ``at``: the hour in
    their country now, when they will see it there, and that moment in the actor's own zone
    when it differs (across time zones, the silence would otherwise look like neglect)."""
    zone = time_zone(work.directory.timezone_of(person.country))
    local = at.astimezone(zone)
    note = _(
        "It is {now} in {country}, within their quiet hours: they will see it at {at} ({zone}).",
        now=work.now.astimezone(zone).time(),
        country=in_sentence(work.directory.country_name(person.country)),
        at=local,
        zone=ZoneOffset(local),
    )
    if work.actor is None:
        return note
    yours = local.astimezone(time_zone(work.directory.timezone_of(work.actor.country)))
    if yours.utcoffset() == local.utcoffset():
        return note
    return join([note, _("That is {yours} your time.", yours=yours)], " ")


def held_countries(work: Work, people: Sequence[Person]) -> Msg | None:
    """``Held until their quiet hours end: Maldives, Sri Lanka.``: the countries of those
    among ``people`` who read a message sent now only when their quiet hours end (None when
    nobody waits), as a broadcast's and a period's answers say it."""
    waiting = {work.directory.country_name(p.country) for p in people if work.held_until(p)}
    if not waiting:
        return None
    names = join(sorted(waiting), ", ")  # by name, as every list of countries
    return _("Held until their quiet hours end: {countries}.", countries=names)


def held_countries_note(work: Work, people: Sequence[Person]) -> Text:
    """:func:`held_countries` on a line of its own ("" when nobody waits)."""
    line = held_countries(work, people)
    return "" if line is None else "\n" + line
