"""/broadcast: co-chairs message every focal point of the current period; each acknowledges.

``/broadcast <text>`` sends, ``/broadcast ack <id>`` (the Acknowledge button) acknowledges,
``/broadcast status [id]`` shows, per recipient, delivered / failed / queued and acknowledged.
"""

from __future__ import annotations

import re

from bot.broadcasts import repo as store
from bot.clock import local_moment
from bot.commands import CommandSpec
from bot.config import Person
from bot.errors import UserError
from bot.events import Button
from bot.i18n import Msg, Text, _, join, n_
from bot.periods.handlers import only_open, today
from bot.periods.repo import OPEN, Period, current_period, load_period
from bot.returns.reminder_handlers import country_name
from bot.returns.reminders import zone_of_country
from bot.text import clip, within
from bot.work import Work

DELIVERY: dict[str, Msg] = {
    store.DELIVERED: _("delivered"),
    store.FAILED: _("failed"),
    store.QUEUED: _("queued"),
    store.UNREACHABLE: _("no channel"),
    store.EXPIRED: _("not delivered (expired)"),
}
"""A recipient's delivery state as the co-chair reads it (stored values stay English)."""


def broadcast_command(work: Work, text: str) -> None:
    """Send (co-chairs; ``ack`` and ``status`` are subcommands with their own rules)."""
    if not text.strip():
        raise UserError(_("What should I send? e.g. /broadcast Returns for W1 are due Friday."))
    if _asks_about_a_broadcast(text):  # "/broadcast cancel B-3" is not news
        raise UserError(
            _(
                "A broadcast goes out as soon as it is sent and cannot be taken back; "
                "/broadcast status shows who has it. To correct one, broadcast the correction."
            )
        )
    send(work, text.strip())


NOT_A_MESSAGE = frozenset({"cancel", "confirm", "recall", "undo", "delete", "stop"})
"""First words that ask the bot to do something with a broadcast rather than say them, when
alone or followed by a broadcast (``cancel B-3``, ``undo last``): "Cancel the meeting on
Friday" is news."""
_A_BROADCAST = re.compile(r"^(?:b-?\d+|last|it|that|this|broadcast)$", re.IGNORECASE)


def _asks_about_a_broadcast(text: str) -> bool:
    words = text.split()
    if words[0].lower() not in NOT_A_MESSAGE:
        return False
    return len(words) == 1 or (len(words) <= 3 and bool(_A_BROADCAST.match(words[1])))


def send(work: Work, text: str) -> None:
    """Send ``text`` to every focal point of the current period, with an Acknowledge button."""
    actor = work.actor
    assert actor is not None
    within(text, work.ctx.settings.requests.max_text_length)
    period, text = _period_named(work, text)
    if period is None:
        raise UserError(_("No period of action is open, so there is no one to broadcast to."))
    ident = store.next_id(work.db)
    store.insert(work.db, ident, period.code, actor.id, text, work.stamp)
    body = _(  # the frame is translated; the co-chair's text goes out as written
        "{code} · message from {name}, co-chair ({id}):\n\n{text}",
        code=period.code,
        name=actor.name,
        id=ident[0],
        text=text,
    )
    people = [p for c in period.countries for p in work.directory.focal_points(c)]
    for person in people:
        _deliver(work, ident[0], person, body)
    work.audit("broadcast.sent", ident[0], f"{len(people)} recipients in {period.code}")
    work.reply(_queued(ident[0], len(people), len(period.countries)) + _held(work, people))


def _held(work: Work, people: list[Person]) -> Text:
    """The countries whose focal points get the broadcast only when their quiet hours end
    (``/broadcast status`` says until when)."""
    waiting = {work.directory.country_name(p.country) for p in people if work.held_until(p)}
    if not waiting:
        return ""
    names = join(sorted(waiting), ", ")  # by name, as every list of countries
    return "\n" + _("Held until their quiet hours end: {countries}.", countries=names)


def _queued(broadcast_id: str, people: int, countries: int) -> Msg:
    """``Broadcast B-1 queued for 8 focal points in 8 countries. …``."""
    return _(
        "Broadcast {id} queued for {recipients} in {countries}. /broadcast status {id} shows "
        "delivery and acknowledgements.",
        id=broadcast_id,
        recipients=n_("{count} focal point", "{count} focal points", people),
        countries=n_("{count} country", "{count} countries", countries),
    )


def _period_named(work: Work, text: str) -> tuple[Period | None, str]:
    """The period a broadcast goes to: the one whose code starts the text, else the only
    open one (with two open, the co-chair names one)."""
    first, _sep, rest = text.partition(" ")
    named = load_period(work.db, first.upper()) if rest.strip() else None
    if named is not None and named.status == OPEN:
        return named, rest.strip()
    only_open(work)
    return current_period(work.db, today(work)), text


def _deliver(work: Work, broadcast_id: str, person: Person, body: Text) -> None:
    button = (Button(_("Acknowledge"), f"/broadcast ack {broadcast_id}"),)
    outbox_id = work.notify(person, body, button, subject=broadcast_id)  # held, perhaps
    store.add_recipient(work.db, broadcast_id, person.id, outbox_id)


def acknowledge(work: Work, raw_id: str) -> None:
    """A recipient acknowledges a broadcast (pressing twice changes nothing)."""
    actor = work.actor
    assert actor is not None
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    fresh = store.acknowledge(work.db, broadcast_id or "", actor.id, work.stamp)
    if fresh is None:
        raise UserError(_("There is no broadcast {id} addressed to you.", id=(raw_id or "")[:12]))
    if not fresh:
        work.reply(_("You had already acknowledged {id}. Thank you.", id=broadcast_id))
        return
    work.audit("broadcast.acknowledged", broadcast_id or "")
    work.reply(_("Thank you; {id} is acknowledged.", id=broadcast_id))


def status(work: Work, raw_id: str) -> None:
    """Per recipient: delivered, failed or queued, and acknowledged."""
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    found = store.load(work.db, broadcast_id) if broadcast_id else None
    if found is None:
        raise UserError(
            _("No such broadcast.") if raw_id.strip() else _("Nothing was broadcast yet.")
        )
    rows = sorted(store.recipients(work.db, broadcast_id), key=lambda r: str(_who(work, r)))  # type: ignore[arg-type]
    acked = sum(1 for r in rows if r.acknowledged_at)
    delivered = sum(1 for r in rows if r.delivery == store.DELIVERED)
    head = _(
        "{id} ({period}): {delivered} of {total} delivered, {acked} acknowledged.",
        id=broadcast_id,
        period=found[1] or "-",
        delivered=delivered,
        total=len(rows),
        acked=acked,
    )
    work.reply(join([head, f"“{clip(found[2])}”", *(_line(work, r) for r in rows)]))


def _viewer_zone(work: Work) -> str:
    """Times show in the viewer's own zone, as on every other screen."""
    return zone_of_country(work, work.actor.country) if work.actor else "UTC"


def _who(work: Work, recipient: store.Recipient) -> Text:
    """``Thailand · Niran Example``, the country as the reader names it (the person's id
    when they left the directory)."""
    person = work.directory.people.get(recipient.person_id)
    if person is None:
        return recipient.person_id
    return join([country_name(work, person.country), f" · {person.name}"], "")


def _line(work: Work, recipient: store.Recipient) -> Msg:
    who, zone = _who(work, recipient), _viewer_zone(work)
    delivery: Text = DELIVERY.get(recipient.delivery, recipient.delivery)
    if recipient.delivery == store.QUEUED and recipient.held_until:
        held = local_moment(recipient.held_until, zone)
        delivery = _(
            "held for their quiet hours until {when} {zone}", when=held["at"], zone=held["zone"]
        )
    if not recipient.acknowledged_at:
        return _("• {who} — {delivery}, not acknowledged", who=who, delivery=delivery)
    acked = local_moment(recipient.acknowledged_at, zone)
    return _(
        "• {who} — {delivery}, acknowledged {when} {zone}",
        who=who,
        delivery=delivery,
        when=acked["at"],
        zone=acked["zone"],
    )


COMMANDS = [
    CommandSpec(
        "broadcast",
        _("Co-chairs: message every focal point of the current period (each can acknowledge)."),
        "/broadcast [CODE] <text>",
        "/broadcast Returns for W1 are due on Friday; please send them by then.",
        broadcast_command,
        roles=frozenset({"co_chair"}),
        limit=("broadcast.sent", "broadcasts_per_hour"),
        subcommands=(
            CommandSpec(
                "status",
                _("Co-chairs: per recipient, delivered / failed / queued and acknowledged."),
                "/broadcast status [id]",
                "/broadcast status B-3",
                status,
                roles=frozenset({"co_chair"}),
            ),
            CommandSpec(
                "ack",
                _("Acknowledge a broadcast (its Acknowledge button does this)."),
                "/broadcast ack <id>",
                "/broadcast ack B-3",
                acknowledge,
                roles=frozenset({"co_chair", "focal_point", "deputy_focal_point"}),
            ),
        ),
    ),
]
