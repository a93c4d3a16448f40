"""/broadcast: co-chairs message every focal point of the current period; each acknowledges.

``/broadcast <text>`` sends, ``/broadcast ack <id>`` (the Acknowledge button) acknowledges,
``/broadcast status [id]`` shows, per recipient, delivered / failed / queued and acknowledged.
"""

from __future__ import annotations

from bot.broadcasts import repo as store
from bot.clock import local_stamp
from bot.commands import CommandSpec
from bot.config import Person
from bot.errors import UserError
from bot.events import Button
from bot.periods.handlers import only_open, today
from bot.periods.repo import OPEN, Period, current_period, load_period
from bot.returns.reminder_handlers import country_name
from bot.returns.reminders import zone_of_country
from bot.text import clip, counted, within
from bot.work import Work


def broadcast_command(work: Work, text: str) -> None:
    """Send (co-chairs; ``ack`` and ``status`` are subcommands with their own rules)."""
    if not text.strip():
        raise UserError("What should I send? e.g. /broadcast Returns for W1 are due Friday.")
    send(work, text.strip())


def send(work: Work, text: str) -> None:
    """Send ``text`` to every focal point of the current period, with an Acknowledge button."""
    actor = work.actor
    assert actor is not None
    within(text, work.ctx.settings.requests.max_text_length)
    period, text = _period_named(work, text)
    if period is None:
        raise UserError("No period of action is open, so there is no one to broadcast to.")
    ident = store.next_id(work.db)
    store.insert(work.db, ident, period.code, actor.id, text, work.stamp)
    body = f"{period.code} · message from {actor.name}, co-chair ({ident[0]}):\n\n{text}"
    people = [p for c in period.countries for p in work.directory.focal_points(c)]
    for person in people:
        _deliver(work, ident[0], person, body)
    work.audit("broadcast.sent", ident[0], f"{len(people)} recipients in {period.code}")
    work.reply(
        f"Broadcast {ident[0]} queued for {counted(len(people), 'focal point')} in "
        f"{len(period.countries)} countries. /broadcast status {ident[0]} shows delivery "
        "and acknowledgements."
    )


def _period_named(work: Work, text: str) -> tuple[Period | None, str]:
    """The period a broadcast goes to: the one whose code starts the text, else the only
    open one (with two open, the co-chair names one)."""
    first, _, rest = text.partition(" ")
    named = load_period(work.db, first.upper()) if rest.strip() else None
    if named is not None and named.status == OPEN:
        return named, rest.strip()
    only_open(work)
    return current_period(work.db, today(work)), text


def _deliver(work: Work, broadcast_id: str, person: Person, body: str) -> None:
    button = (Button("Acknowledge", f"/broadcast ack {broadcast_id}"),)
    outbox_id = work.notify(person, body, button, subject=broadcast_id)  # held, perhaps
    store.add_recipient(work.db, broadcast_id, person.id, outbox_id)


def acknowledge(work: Work, raw_id: str) -> None:
    """A recipient acknowledges a broadcast (pressing twice changes nothing)."""
    actor = work.actor
    assert actor is not None
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    fresh = store.acknowledge(work.db, broadcast_id or "", actor.id, work.stamp)
    if fresh is None:
        raise UserError(f"There is no broadcast {(raw_id or '')[:12]} addressed to you.")
    if not fresh:
        work.reply(f"You had already acknowledged {broadcast_id}. Thank you.")
        return
    work.audit("broadcast.acknowledged", broadcast_id or "")
    work.reply(f"Thank you; {broadcast_id} is acknowledged.")


def status(work: Work, raw_id: str) -> None:
    """Per recipient: delivered, failed or queued, and acknowledged."""
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    found = store.load(work.db, broadcast_id) if broadcast_id else None
    if found is None:
        raise UserError("No such broadcast." if raw_id.strip() else "Nothing was broadcast yet.")
    rows = sorted(store.recipients(work.db, broadcast_id), key=lambda r: _line(work, r))  # type: ignore[arg-type]
    acked = sum(1 for r in rows if r.acknowledged_at)
    delivered = sum(1 for r in rows if r.delivery == store.DELIVERED)
    lines = [
        f"{broadcast_id} ({found[1]}): {delivered} of {len(rows)} delivered, {acked} acknowledged.",
        f"“{clip(found[2])}”",
    ]
    lines += [_line(work, r) for r in rows]
    work.reply("\n".join(lines))


def _viewer_zone(work: Work) -> str:
    """Times show in the viewer's own zone, as on every other screen."""
    return zone_of_country(work, work.actor.country) if work.actor else "UTC"


def _line(work: Work, recipient: store.Recipient) -> str:
    person = work.directory.people.get(recipient.person_id)
    who = f"{country_name(work, person.country)} · {person.name}" if person else recipient.person_id
    ack = (
        f", acknowledged {local_stamp(recipient.acknowledged_at, _viewer_zone(work))}"
        if recipient.acknowledged_at
        else ", not acknowledged"
    )
    return f"• {who} — {recipient.delivery}{ack}"


COMMANDS = [
    CommandSpec(
        "broadcast",
        "Co-chairs: message every focal point of the current period (each can acknowledge).",
        "/broadcast [CODE] <text>",
        "/broadcast Returns for W1 are due on Friday; please send them by then.",
        broadcast_command,
        roles=frozenset({"co_chair"}),
        limit=("broadcast.sent", "broadcasts_per_hour"),
        subcommands=(
            CommandSpec(
                "status",
                "Co-chairs: per recipient, delivered / failed / queued and acknowledged.",
                "/broadcast status [id]",
                "/broadcast status B-3",
                status,
                roles=frozenset({"co_chair"}),
            ),
            CommandSpec(
                "ack",
                "Acknowledge a broadcast (its Acknowledge button does this).",
                "/broadcast ack <id>",
                "/broadcast ack B-3",
                acknowledge,
                roles=frozenset({"co_chair", "focal_point", "deputy_focal_point"}),
            ),
        ),
    ),
]
