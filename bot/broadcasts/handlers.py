"""/broadcast: co-chairs message every focal point of the current period (the deputies of a
country that has none); each acknowledges.

``/broadcast <text>`` shows the co-chair what will go, to whom, and keeps it pending for an
hour; ``/broadcast send`` (its Send button) sends it, once however often it is pressed, and
``/broadcast cancel`` drops it. A message to thirty officials in many countries cannot be
taken back, so it is read once more before it goes. ``/broadcast ack <id>`` (the Acknowledge
button) acknowledges, ``/broadcast status [id]`` shows, per recipient, delivered / failed /
queued and acknowledged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from bot.broadcasts import drafts
from bot.broadcasts import repo as store
from bot.broadcasts.drafts import Draft
from bot.clock import local_moment, parse_iso
from bot.commands import CommandSpec
from bot.config import Person
from bot.delivery import held
from bot.errors import UserError
from bot.events import Button
from bot.i18n import LanguageName, Msg, Text, _, join, n_
from bot.periods.handlers import no_such_period, only_open, today
from bot.periods.repo import CLOSED, OPEN, PLANNED, Period, current_period, load_period, periods_in
from bot.requests.repo import ID_PUNCTUATION
from bot.returns.reminder_handlers import country_name
from bot.returns.reminders import zone_of_country
from bot.text import clip, within
from bot.work import Work

ACK_COMMAND = "/broadcast ack {id}"
"""The command of a broadcast's Acknowledge button."""

DELIVERY: dict[str, Msg] = {
    store.DELIVERED: _("delivered"),
    store.FAILED: _("failed"),
    store.QUEUED: _("queued"),
    store.UNREACHABLE: _("no channel"),
    store.EXPIRED: _("not delivered (expired)"),
    # acknowledged while their copy still waited for their quiet hours: the answer gave it
    store.WITHDRAWN: _("given in the answer to their acknowledgement (its copy still waited)"),
}
"""A recipient's delivery state as the co-chair reads it (stored values stay English)."""


DRAFT_STANDS = timedelta(hours=1)
"""How long a previewed broadcast waits for Send; later it may be out of date."""

TAKEN_BACK = _(
    "A broadcast goes out as soon as it is sent and cannot be taken back; "
    "/broadcast status shows who has it. To correct one, broadcast the correction."
)
NOTHING_WAITING = _("You have no broadcast waiting to be sent.")
HOW_TO_START = _("/broadcast <text> shows you a broadcast before it goes out.")
NO_PERIOD = _("No period of action is open, so there is no one to broadcast to.")
NO_TEXT = _("What should I send? e.g. /broadcast Returns for W1 are due Friday.")


def broadcast_command(work: Work, text: str) -> None:
    """Preview (co-chairs; ``send``, ``cancel``, ``ack`` and ``status`` are subcommands with
    their own rules)."""
    if not text.strip():
        raise UserError(NO_TEXT)
    if _asks_about_a_broadcast(text):  # "/broadcast cancel B-3" is not news
        raise UserError(join([TAKEN_BACK, *_waiting(work)]))
    preview(work, text.strip())


NOT_A_MESSAGE = frozenset({"cancel", "confirm", "recall", "undo", "delete", "stop", "send"})
"""First words that ask the bot to do something with a broadcast rather than say them, when
alone or followed by a broadcast (``cancel B-3``, ``undo last``, ``send it``): "Cancel the
meeting on Friday" is news. A bare ``send`` or ``cancel`` is a subcommand."""
_A_BROADCAST = re.compile(r"^(?:b-?\d+|last|it|that|this|broadcast)$", re.IGNORECASE)


def _asks_about_a_broadcast(text: str) -> bool:
    words = text.split()
    if words[0].lower() not in NOT_A_MESSAGE:
        return False
    return len(words) == 1 or (len(words) <= 3 and bool(_A_BROADCAST.match(words[1])))


def _waiting(work: Work) -> list[Text]:
    """A reminder of the co-chair's pending broadcast, if one still stands."""
    draft = drafts.find(work.db, _author(work).id, None)
    if draft is None or draft.status != drafts.PENDING or _lapsed(work, draft):
        return []
    return [
        _(
            "You have a broadcast waiting to be sent: /broadcast send sends it, "
            "/broadcast cancel drops it."
        )
    ]


def preview(work: Work, text: str) -> None:
    """Keep ``text`` as the co-chair's pending broadcast (replacing an earlier one) and show
    it as its recipients will read it, to whom it goes, and Send and Cancel buttons."""
    actor = _author(work)
    within(text, work.ctx.settings.requests.max_text_length)
    period, text = _period_named(work, text)
    if period is None:
        raise UserError(NO_PERIOD)
    draft, replaced = drafts.create(work.db, actor.id, period.code, text, work.stamp)
    people = _recipients(work, period)
    work.audit("broadcast.drafted", period.code, f"draft {draft.n}, {len(people)} recipients")
    lines: list[Text] = []
    if replaced is not None and not _lapsed(work, replaced):
        lines.append(_("This replaces your unsent broadcast “{text}”.", text=clip(replaced.text)))
    lines += [_to_whom(work, period, people), "", _body(period, actor, "B-…", text), ""]
    lines.append(
        _(
            "Not sent yet. /broadcast send sends it; /broadcast cancel drops it. "
            "Unsent, it lapses in an hour."
        )
    )
    buttons = (
        Button(_("Send"), f"/broadcast send {draft.n}"),
        Button(_("Cancel"), f"/broadcast cancel {draft.n}"),
    )
    work.reply(join(lines), buttons)


def _to_whom(work: Work, period: Period, people: list[Person]) -> Msg:
    """Who the broadcast reaches, and whom it cannot (known before anything is sent)."""
    lines: list[Text] = [
        _(
            "Your broadcast to {recipients} in {countries} of {code}, as they will read it:",
            recipients=_how_many(people),
            countries=n_("{count} country", "{count} countries", len(period.countries)),
            code=period.code,
        )
    ]
    lacking = {c for c in period.countries if not work.directory.answering(c)}
    if lacking:
        names = join(sorted(work.directory.country_name(c) for c in lacking), ", ")
        lines.append(_("No focal point or deputy in: {countries}.", countries=names))
    unreachable = [p for p in people if not work.ctx.router.reaches(work.directory, p)]
    if unreachable:
        who = sorted((_person(work, p) for p in unreachable), key=str)
        lines.append(_("No channel reaches: {people}.", people=join(who, ", ")))
    reached = [p for p in people if p not in unreachable]
    languages = _languages_line(work, reached)
    if languages is not None:
        lines.append(languages)
    waiting = held.held_countries(work, reached)
    return join([*lines, waiting] if waiting else lines)


def _languages_line(work: Work, people: list[Person]) -> Msg | None:
    """When some read another language than the co-chair: which, and that only the bot's
    words are translated (the preview is in the co-chair's own language)."""
    readers = Counter(p.language for p in people)
    author = work.actor.language if work.actor else ""
    if not readers or set(readers) == {author}:
        return None
    counts = [
        _("{language}: {count}", language=LanguageName(code), count=count)
        for code, count in sorted(readers.items(), key=lambda item: (-item[1], item[0]))
    ]
    return _(
        "Each reads the bot's words in their own language ({languages}); your text goes as "
        "you wrote it.",
        languages=join(counts, ", "),
    )


def send_draft(work: Work, n: int | None) -> None:
    """Send the co-chair's previewed broadcast (its Send button): once, however often it is
    pressed; never another co-chair's, and an older preview's button never sends a newer one."""
    draft, period = _sendable(work, drafts.find(work.db, _author(work).id, n), n)
    if not drafts.settle(work.db, draft, drafts.SENT):  # another press got there first
        raise UserError(_settled(drafts.find(work.db, draft.author_id, draft.n) or draft))
    drafts.record_sent(work.db, draft, _send_to(work, period, draft.text))


def _sendable(work: Work, draft: Draft | None, n: int | None) -> tuple[Draft, Period]:
    """The draft and its period, or the reason it cannot be sent now (a UserError)."""
    if draft is None and n is not None and (waiting := _waiting(work)):
        raise UserError(join(waiting))  # an old button's (or a mistyped) number: not this one
    if draft is None or (n is None and draft.status == drafts.CANCELLED):
        raise UserError(join([NOTHING_WAITING, HOW_TO_START]))
    if draft.status != drafts.PENDING:
        raise UserError(_settled(draft))
    if _lapsed(work, draft):
        raise UserError(
            _(
                "That broadcast waited more than an hour, so it was not sent: it may be out "
                "of date. Please write /broadcast with the text again, and send it."
            )
        )
    period = load_period(work.db, draft.period)
    if period is None or period.status != OPEN:
        raise UserError(
            _("{code} is no longer open, so the broadcast was not sent.", code=draft.period)
        )
    return draft, period


def cancel_draft(work: Work, n: int | None) -> None:
    """Drop the co-chair's previewed broadcast (its Cancel button); nothing is sent. With
    none waiting, say that a sent broadcast cannot be taken back."""
    draft = drafts.find(work.db, _author(work).id, n)
    if draft is None and n is not None and (waiting := _waiting(work)):
        raise UserError(join(waiting))  # an old button's (or a mistyped) number: not this one
    if draft is None or (n is None and draft.status != drafts.PENDING):
        raise UserError(join([NOTHING_WAITING, TAKEN_BACK]))
    if draft.status == drafts.SENT:
        raise UserError(TAKEN_BACK)
    if draft.status == drafts.REPLACED:
        raise UserError(_settled(draft))
    if drafts.settle(work.db, draft, drafts.CANCELLED):  # pressed again: cancelled already
        work.audit("broadcast.cancelled", draft.period, f"draft {draft.n}")
    work.reply(_("Cancelled; the broadcast was not sent."))


def _settled(draft: Draft) -> Msg:
    """What became of a draft that is no longer pending."""
    if draft.status == drafts.SENT:
        return _(
            "That broadcast was already sent, as {id}. /broadcast status {id} shows delivery "
            "and acknowledgements.",
            id=draft.broadcast_id or "-",
        )
    if draft.status == drafts.REPLACED:
        return _("That preview was replaced by a newer one and was not sent.")
    return _("That broadcast was cancelled; it was not sent.")


def _lapsed(work: Work, draft: Draft) -> bool:
    """Whether a pending draft waited too long to be sent (by the app's clock)."""
    return parse_iso(draft.created_at) + DRAFT_STANDS <= work.now


def _author(work: Work) -> Person:
    actor = work.actor
    assert actor is not None  # co-chairs only: the gate let a person through
    return actor


def send(work: Work, text: str) -> None:
    """Send ``text`` to whoever answers for each country of the current period at once, with
    an Acknowledge button (no preview: for callers that are not a co-chair typing)."""
    within(text, work.ctx.settings.requests.max_text_length)
    period, text = _period_named(work, text)
    if period is None:
        raise UserError(NO_PERIOD)
    _send_to(work, period, text)


def _send_to(work: Work, period: Period, text: str) -> str:
    """Send to whoever answers for ``period``'s countries, answer with the id and a status
    hint; the id."""
    actor = _author(work)
    ident = store.next_id(work.db)
    store.insert(work.db, ident, period.code, actor.id, text, work.stamp)
    body = _body(period, actor, ident[0], text)
    people = _recipients(work, period)
    for person in people:
        _deliver(work, ident[0], person, body)
    work.audit("broadcast.sent", ident[0], f"{len(people)} recipients in {period.code}")
    work.reply(
        _queued(ident[0], people, len(period.countries)) + held.held_countries_note(work, people)
    )
    return ident[0]


def _recipients(work: Work, period: Period) -> list[Person]:
    """Whoever answers for each of the period's countries, as the directory has them now:
    its focal points, else its deputies (a country whose focal point left still hears)."""
    return [p for c in period.countries for p in work.directory.answering(c)]


def _how_many(people: list[Person]) -> Msg:
    """``8 focal points``, ``8 focal points and 1 deputy`` or ``1 deputy``: a deputy receives
    a broadcast only where their country has no focal point, so the co-chair is told."""
    deputies = sum(1 for p in people if not p.has("focal_point"))
    points = n_("{count} focal point", "{count} focal points", len(people) - deputies)
    if not deputies:
        return points
    acting = n_("{count} deputy", "{count} deputies", deputies)
    if deputies == len(people):
        return acting
    return _("{focal_points} and {deputies}", focal_points=points, deputies=acting)


def _body(period: Period, actor: Person, broadcast_id: str, text: str) -> Msg:
    """What each recipient reads: the frame is translated, the co-chair's text goes as written."""
    return _framed(period.code, actor.name, broadcast_id, text)


def _framed(code: str, author: str, broadcast_id: str, text: str) -> Msg:
    return _(
        "{code} · message from {name}, co-chair ({id}):\n\n{text}",
        code=code,
        name=author,
        id=broadcast_id,
        text=text,
    )


def _stored_body(work: Work, broadcast_id: str) -> Msg | None:
    """A sent broadcast as its recipients read it (None if there is no such broadcast)."""
    found = store.load(work.db, broadcast_id)
    if found is None:
        return None
    author_id, period, text, _at = found
    author = work.directory.people.get(author_id)
    return _framed(period or "-", author.name if author else author_id, broadcast_id, text)


def hand_on(work: Work, successor: Person, broadcast_ids: list[str]) -> None:
    """Send ``successor`` their own copy of each broadcast handed over to them, with its
    Acknowledge button and held for their quiet hours like any copy: asked to acknowledge
    it, they must be able to read it (the predecessor's copy, perhaps still held for their
    night, ends with their access)."""
    for broadcast_id in broadcast_ids:
        body = _stored_body(work, broadcast_id)
        if body is not None:
            _deliver(work, broadcast_id, successor, body)


def _person(work: Work, person: Person) -> Text:
    """``Thailand · Niran Example``, the country as the reader names it."""
    return join([country_name(work, person.country), f" · {person.name}"], "")


def _queued(broadcast_id: str, people: list[Person], countries: int) -> Msg:
    """``Broadcast B-1 queued for 8 focal points in 8 countries. …``."""
    return _(
        "Broadcast {id} queued for {recipients} in {countries}. /broadcast status {id} shows "
        "delivery and acknowledgements.",
        id=broadcast_id,
        recipients=_how_many(people),
        countries=n_("{count} country", "{count} countries", countries),
    )


def _period_named(work: Work, text: str) -> tuple[Period | None, str]:
    """The period a broadcast goes to: the one whose code starts the text, else the only
    open one (with two open, the co-chair names one). A code of no open period is refused,
    not broadcast to the current one as the first word of the news."""
    first, _sep, rest = text.partition(" ")
    # "JPA-4: Returns are due"; "ＪＰＡ－５" as a Chinese or Japanese keyboard types it
    code = unicodedata.normalize("NFKC", first).rstrip(ID_PUNCTUATION).upper()
    named = load_period(work.db, code)
    if named is not None:
        return _open_to_news(work, named, rest.strip()), rest.strip()
    if _reads_as_a_code(work, code):
        raise UserError(_no_such_period(work, code))
    only_open(work)
    return current_period(work.db, today(work)), text


def _open_to_news(work: Work, period: Period, rest: str) -> Period:
    """``period``, named before ``rest``, when a broadcast can go to it; else why not."""
    if period.status != OPEN:
        raise UserError(_not_open(period))
    if not rest:
        raise UserError(NO_TEXT)  # a period named and nothing to tell it: its code is no news
    if _SUBCOMMAND.match(rest) or _asks_about_a_broadcast(rest):  # "JPA-4 send"
        refused = _(
            "“{command}” after {code} is a command, not a message: write /broadcast "
            "{command}, without the period's code.",
            command=clip(rest, 40),
            code=period.code,
        )
        raise UserError(join([refused, *_waiting(work)]))
    return period


_SUBCOMMAND = re.compile(r"^(?:send|cancel|status|ack)(?:\s+\S+)?$", re.IGNORECASE)
"""A subcommand, bare or with its one argument (``send``, ``ack B-3``), where news would be."""
_CODE_SHAPE = re.compile(r"^([A-Z]+)-?\d+$")
"""Letters and a number, as a period's code is written (``JPA-9``, ``JPA9``)."""


def _reads_as_a_code(work: Work, word: str) -> bool:
    """Whether ``word`` (upper case) is shaped like a code with the letters of a known
    period's (``JPA-9`` where ``JPA-4`` is known): a mistyped or closed period's, not news.
    ``COVID-19`` or ``IMO-9321483`` starting a message are news."""
    shape = _CODE_SHAPE.match(word)
    if shape is None:
        return False
    known = periods_in(work.db, PLANNED, OPEN, CLOSED)
    return any(re.match(rf"{shape[1]}-?\d", p.code) for p in known)


def _no_such_period(work: Work, code: str) -> Msg:
    """A code no period has, and the open ones to broadcast to instead."""
    codes = [p.code for p in periods_in(work.db, OPEN)]
    if not codes:
        return _("There is no period {code}. /period shows the current one.", code=code[:20])
    return no_such_period(code, codes)


def _not_open(period: Period) -> Msg:
    if period.status == CLOSED:
        return _("{code} is closed; broadcasts go only to an open period.", code=period.code)
    return _("{code} is not open yet; broadcasts go only to an open period.", code=period.code)


def _deliver(work: Work, broadcast_id: str, person: Person, body: Text) -> None:
    button = (Button(_("Acknowledge"), ACK_COMMAND.format(id=broadcast_id)),)
    outbox_id = work.notify(person, body, button, subject=broadcast_id)  # held, perhaps
    store.add_recipient(work.db, broadcast_id, person.id, outbox_id)


def acknowledge(work: Work, raw_id: str) -> None:
    """A recipient acknowledges a broadcast (pressing twice changes nothing)."""
    actor = work.actor
    assert actor is not None
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    fresh = store.acknowledge(work.db, broadcast_id or "", actor.id, work.stamp)
    if fresh is None:
        echo = (broadcast_id or "")[:12]  # as understood: "B-7", not the "B-7." typed
        raise UserError(_("There is no broadcast {id} addressed to you.", id=echo))
    if not fresh:
        work.reply(_("You had already acknowledged {id}. Thank you.", id=broadcast_id))
        return
    work.audit("broadcast.acknowledged", broadcast_id or "")
    thanks = _("Thank you; {id} is acknowledged.", id=broadcast_id)
    body = _withdraw_held_copy(work, broadcast_id or "", actor)
    work.reply(thanks if body is None else join([thanks, "", body]))


def _withdraw_held_copy(work: Work, broadcast_id: str, actor: Person) -> Msg | None:
    """Withdraw ``actor``'s copy still held for their quiet hours (it would ask again in the
    morning for what is done); the broadcast as it reads, when there was one: they
    acknowledged without having read it, and the reply is now the only copy they get."""
    command = ACK_COMMAND.format(id=broadcast_id)
    if not held.withdraw(work.db, broadcast_id, "acknowledged", command, people=[actor.id]):
        return None
    return _stored_body(work, broadcast_id)


NONE_YET = _("Nothing was broadcast yet.")


def _unknown_broadcast(work: Work, asked: str | None) -> Msg:
    """A broadcast id nobody sent: the latest one's, to look at instead (a preview's number,
    ``/broadcast send 3``, is not the id the broadcast gets)."""
    latest = store.latest_id(work.db)
    if asked and len(asked) > 16:  # "B-" and thousands of digits: not echoed in full
        asked = f"{asked[:12]}…"
    if latest is None:
        return _("There is no broadcast {id}: nothing was broadcast yet.", id=asked)
    return _(
        "There is no broadcast {id}. The latest is {latest}: /broadcast status {latest}.",
        id=asked,
        latest=latest,
    )


def status(work: Work, raw_id: str) -> None:
    """Per recipient: delivered, failed or queued, and acknowledged."""
    broadcast_id = store.normalise_id(raw_id) if raw_id.strip() else store.latest_id(work.db)
    found = store.load(work.db, broadcast_id) if broadcast_id else None
    if found is None:
        raise UserError(_unknown_broadcast(work, broadcast_id) if raw_id.strip() else NONE_YET)
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
    return _person(work, person)


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


def _bare(word: str) -> Callable[[str], bool]:
    """Whether the arguments are ``word`` alone or with a draft's number (its button's):
    ``send``, ``SEND 3``, ``send 1234567890`` (no such draft, but not news either); "send the
    figures by Friday" is a message."""
    shape = re.compile(rf"^{word}(?:\s+\d+)?$", re.IGNORECASE)
    return lambda args: bool(shape.match(args.strip()))


def _draft_number(args: str) -> int | None:
    """The draft a button names (``send 3``: 3); None when typed bare (the pending one)."""
    words = args.split()
    if len(words) < 2:
        return None
    return int(words[1]) if len(words[1]) <= 9 else 0  # longer: no draft has that number


COMMANDS = [
    CommandSpec(
        "broadcast",
        _(
            "Co-chairs: message every focal point of the current period (each can "
            "acknowledge). You see it first, as they will; it goes when you press Send."
        ),
        "/broadcast [CODE] <text>",
        "/broadcast Returns for W1 are due on Friday; please send them by then.",
        broadcast_command,
        roles=frozenset({"co_chair"}),
        limit=("broadcast.sent", "broadcasts_per_hour"),
        subcommands=(
            CommandSpec(
                "send",
                _("Co-chairs: send the broadcast you were shown (its Send button does this)."),
                "/broadcast send",
                "/broadcast send",
                send_draft,
                parse=_draft_number,
                roles=frozenset({"co_chair"}),
                limit=("broadcast.sent", "broadcasts_per_hour"),
                matches=_bare("send"),
            ),
            CommandSpec(
                "cancel",
                _(
                    "Co-chairs: drop the broadcast you were shown, unsent (its Cancel button "
                    "does this)."
                ),
                "/broadcast cancel",
                "/broadcast cancel",
                cancel_draft,
                parse=_draft_number,
                roles=frozenset({"co_chair"}),
                matches=_bare("cancel"),
            ),
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
