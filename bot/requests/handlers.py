"""Assistance requests between countries: file, acknowledge, reply, refer, close, list, show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot import lifecycle
from bot.access import Scope
from bot.clock import iso, local_stamp
from bot.commands import CommandSpec
from bot.config import Country, Person
from bot.delivery.routing import role_of
from bot.directory import roster
from bot.errors import UserError
from bot.events import Button
from bot.files import handlers as files
from bot.i18n import Text, _, join, n_
from bot.requests import repo as store
from bot.requests.repo import CATEGORY_TAGS, Request
from bot.text import clip, within
from bot.work import Work

ESCALATE = "request.escalate"
DEFAULT_CATEGORY = "information"


# --- argument parsers ---------------------------------------------------------------------
@dataclass(frozen=True)
class NewRequest:
    country: str
    urgency: str
    category: str
    text: str


def parse_new_request(text: str) -> NewRequest:
    """``<COUNTRY> [urgent|routine] [#category] <text>``."""
    words = text.split(maxsplit=1)
    if not words:
        raise UserError("Which country, and what do you need?")
    country, rest = words[0], (words[1] if len(words) > 1 else "")
    urgency, rest = _take_word(rest, {"urgent", "routine"}, "routine")
    category = DEFAULT_CATEGORY
    if rest.startswith("#"):
        tag, _, rest = rest[1:].partition(" ")
        category = _category(tag)
    if not rest.strip():
        raise UserError("Please say what you need from them.")
    return NewRequest(country, urgency, category, rest.strip())


def _take_word(text: str, choices: set[str], default: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition(" ")
    return (first.lower(), rest.strip()) if first.lower() in choices else (default, text.strip())


@dataclass(frozen=True)
class IdAndText:
    request_id: str
    text: str


def parse_id(text: str) -> str:
    """Just a request id (normalised later, when the prefix is known)."""
    if not text.strip():
        raise UserError("Which request? Give its id.")
    return text.split()[0]


def parse_id_and_text(text: str) -> IdAndText:
    """``<id> <text>`` with text required."""
    request_id, _, rest = text.strip().partition(" ")
    if not request_id:
        raise UserError("Which request, and what do you want to say?")
    if not rest.strip():
        raise UserError("Please add the text of your message after the id.")
    return IdAndText(request_id, rest.strip())


def parse_id_and_optional_text(text: str) -> IdAndText:
    """``<id> [text]``."""
    request_id, _, rest = text.strip().partition(" ")
    if not request_id:
        raise UserError("Which request? Give its id.")
    return IdAndText(request_id, rest.strip())


@dataclass(frozen=True)
class RequestSearch:
    """``/requests`` arguments as typed: countries are checked against the directory later."""

    status: str
    countries: tuple[str, ...]
    categories: tuple[str, ...]
    words: tuple[str, ...]


_STATUS_WORDS = {"open", "closed", "all"}
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")  # typed in capitals: "my" and "id" are words
MAX_SEARCH_TERMS = 8


def parse_request_search(text: str) -> RequestSearch:
    """``[open|closed|all] [COUNTRY …] [#category …] [words …]``, in any order."""
    status, countries, categories, words = "open", [], [], []
    terms = text.split()
    if len(terms) > MAX_SEARCH_TERMS:
        raise UserError(f"Please search with at most {MAX_SEARCH_TERMS} words.")
    for term in terms:
        if term.lower() in _STATUS_WORDS:
            status = term.lower()
        elif _COUNTRY_CODE.match(term):
            countries.append(term)
        elif term.startswith("#"):
            categories.append(_category(term[1:]))
        else:
            words.append(term[:60])
    return RequestSearch(status, tuple(countries), tuple(dict.fromkeys(categories)), tuple(words))


def _category(tag: str) -> str:
    """The category a ``#tag`` names; a UserError listing the tags for an unknown one."""
    if tag.lower() not in CATEGORY_TAGS:
        known = ", ".join("#" + t for t in sorted(CATEGORY_TAGS))
        raise UserError(f"I don't know the category #{tag[:30]}. Use one of: {known}.")
    return CATEGORY_TAGS[tag.lower()]


# --- helpers ------------------------------------------------------------------------------
def _limit_text(work: Work, text: str) -> str:
    limit = work.ctx.settings.requests.max_text_length
    return within(text, limit, " Please shorten it, or send the rest as a /reply.")


def _who(work: Work, person_id: str | None) -> str:
    person = work.directory.people.get(person_id or "")
    if person is None:
        return person_id or "FocalPoint"
    country = work.directory.country(person.country)
    return f"{person.name} ({country.name if country else person.country})"


def _subject(work: Work) -> Request:
    """The request the access check loaded (see bot.access)."""
    assert isinstance(work.subject, Request), "command declared without a request scope"
    return work.subject


def _handlers_of(work: Work, request: Request) -> tuple[list[Person], str]:
    """Who must act on the request now: the named person, or whoever holds the role for the
    target country (see :func:`_reach`); with a note when the named person was passed over."""
    named = work.directory.people.get(request.target_person or "")
    if named is not None:
        return _reach(work, named, request.target_country)
    return _role_holders(work, request.target_country), ""


def _role_holders(work: Work, country: str) -> list[Person]:
    """The country's role holders, passing over anyone whose roster reconfirmation went
    unanswered: their deputies then receive the country's requests until they confirm."""
    router, gone = work.ctx.router, roster.lapsed(work.db)
    holders = [p for p in router.role_holders(work.directory, country) if p.id not in gone]
    deputies = [p for p in work.directory.deputies(country) if p.id not in gone]
    reachable = [p for p in deputies if router.reaches(work.directory, p)]
    return holders or reachable or router.role_holders(work.directory, country)


def _answering_side(work: Work, request: Request) -> tuple[list[Person], str]:
    """Whoever acknowledged the request (or the stand-in for them), else its handlers."""
    acked = work.directory.people.get(request.acknowledged_by or "")
    if acked is not None:
        return _reach(work, acked, request.target_country)
    return _handlers_of(work, request)


def _reach(work: Work, person: Person, country: str) -> tuple[list[Person], str]:
    """``person`` while they hold their place and a channel reaches them; otherwise whoever now
    holds the role for ``country``, and a note saying so, so no work is lost with a revocation.
    """
    router = work.ctx.router
    if router.reaches(work.directory, person):
        return [person], ""
    holders = [p for p in router.role_holders(work.directory, country) if p.id != person.id]
    why = "no longer holds the role" if not person.active else "cannot be reached on any channel"
    if not holders:
        return [], f"{person.name} {why}, and no one else could be reached."
    named = ", ".join(f"{p.name} ({role_of(work.directory, p)})" for p in holders)
    return holders, f"Sent to {named}; {person.name} {why}."


def _send(
    work: Work,
    request: Request,
    people: list[Person],
    text: str,
    buttons: tuple[Button, ...] = (),
) -> None:
    """Notify ``people`` about ``request`` (never the actor); stand-ins become its parties."""
    for person in people:
        if work.actor is not None and person.id == work.actor.id:
            continue
        if not store.can_see(work.db, work.directory, person, request):
            store.add_party(work.db, request.id, person_id=person.id)  # a stand-in
        work.notify(person, text, buttons, subject=request.id)


def _tell_escalated(
    work: Work, request: Request, text: str, told: list[Person] | None = None
) -> None:
    """The deputies and co-chairs a request was escalated to learn it is taken care of, so two
    people do not work on it (the actor and anyone ``told`` already are left out)."""
    kinds = {t for _, _, kind, t in store.thread(work.db, request.id) if kind == "escalation"}
    people: list[Person] = []
    if "escalated to the deputy focal point" in kinds:
        people += work.directory.deputies(request.target_country)
    if "escalated to the co-chairs" in kinds:
        people += work.directory.with_role("co_chair")
    skip = {p.id for p in told or []} | {work.actor.id if work.actor else ""}
    for person in {p.id: p for p in people if p.id not in skip}.values():
        work.notify(person, text, subject=request.id)


def _tell_requester(work: Work, request: Request, text: str) -> str:
    """Tell the requester (or, once they left, their country's focal point); the note."""
    requester = work.directory.people.get(request.requester_id)
    if requester is None:
        return ""
    people, note = _reach(work, requester, request.requester_country)
    _send(work, request, people, text)
    return note


def _told(confirmation: str, notes: list[str]) -> str:
    """``Sent on R-….`` and, when someone stood in, to whom and why."""
    return " ".join([f"{confirmation}.", *(n for n in notes if n)])


def _ack_limit(work: Work, urgency: str) -> timedelta:
    return work.ctx.settings.requests.ack_limits[urgency]  # type: ignore[index]


def _arm_escalation(work: Work, request: Request, level: int, fraction: float = 1.0) -> None:
    limit = _ack_limit(work, request.urgency) * fraction
    due = work.now + limit
    if request.urgency == "routine" and work.ctx.settings.requests.escalation_clock == "working":
        # a routine request's clock runs on the target country's working days only
        due = work.ctx.calendar.of(request.target_country).add_working_time(work.now, limit)
    subject = f"{request.id}:{request.round}:{level}"
    work.schedule(f"{ESCALATE}:{subject}", ESCALATE, subject, due)
    store.update(work.db, request.id, ack_due_at=iso(due))


def _summary(work: Work, request: Request) -> str:
    urgent = "URGENT " if request.urgency == "urgent" else ""
    return (
        f"{urgent}Request {request.id} from {_who(work, request.requester_id)} "
        f"to {work.directory.country_name(request.target_country)} · {request.category}"
    )


def _ack_button(request_id: str) -> tuple[Button, ...]:
    return (Button("Acknowledge", f"/ack {request_id}"),)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"


# --- commands -----------------------------------------------------------------------------
def file_request(work: Work, args: NewRequest) -> None:
    """Create a request and route it to the target country's focal points."""
    actor = work.actor
    assert actor is not None
    target = _target_country(work, args.country, actor.country)
    text = _limit_text(work, args.text)
    request_id, seq = store.next_id(work.db, work.ctx.settings.requests.id_prefix, work.now.year)
    request = store.new_request(
        request_id,
        work.now.year,
        seq,
        actor,
        target.code,
        args.category,
        args.urgency,
        text,
        work.stamp,
    )
    store.insert(work.db, request)
    store.add_message(work.db, request_id, work.stamp, actor.id, "request", text)
    work.audit("request.filed", request_id, f"to {target.code}, {args.urgency}, {args.category}")
    _route(work, request, f"{_summary(work, request)}\n\n{text}")
    filed = _attach(work, request, _handlers_of(work, request)[0])
    limit = _duration(_ack_limit(work, args.urgency))
    work.reply(
        f"Request {request_id} sent to {target.name} ({args.urgency}, {args.category}). "
        f"Their focal point has {limit} to acknowledge; I will tell you here when they do." + filed
    )


def _target_country(work: Work, code: str, own: str) -> Country:
    """The country a request goes to: known, not the requester's own, with a focal point."""
    target = work.directory.country(code)
    if target is None:
        raise UserError(
            f"I don't know the country {code[:10]!r}. Use its two-letter code, "
            "e.g. TH for Thailand; /countries lists them."
        )
    if target.code == own:
        raise UserError("That is your own country; requests go to another member country.")
    if not (work.directory.focal_points(target.code) or work.directory.deputies(target.code)):
        raise UserError(
            f"{target.name} has no focal point in the directory yet; please tell an administrator."
        )
    return target


def _route(work: Work, request: Request, text: str) -> str:
    """Send the request to its handlers and start the acknowledgement clock; the note."""
    handlers, note = _handlers_of(work, request)
    urgent = request.urgency == "urgent"
    reached = [
        p
        for p in handlers
        if work.notify(p, text, _ack_button(request.id), subject=request.id, urgent=urgent)
    ]
    if not reached:
        work.audit("request.unroutable", request.id, "no channel reaches any focal point")
    _arm_escalation(work, request, level=1)
    return note


def acknowledge(work: Work, raw_id: str) -> None:
    """The answering side takes the request on."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    if request.status in (lifecycle.ACKNOWLEDGED, lifecycle.ANSWERED):
        by = _who(work, request.acknowledged_by)
        work.reply(f"{request.id} was already acknowledged by {by}. Nothing changed.")
        return
    status = lifecycle.transition(request.id, request.status, "ack")
    store.update(
        work.db,
        request.id,
        status=status,
        acknowledged_by=actor.id,
        acknowledged_at=work.stamp,
        updated_at=work.stamp,
        ack_due_at=None,
    )
    store.add_message(work.db, request.id, work.stamp, actor.id, "ack", "acknowledged")
    work.audit("request.acknowledged", request.id)
    acked = f"{request.id} was acknowledged by {_who(work, actor.id)}."
    _tell_requester(work, request, acked)
    _tell_escalated(work, request, f"{acked} It was escalated to you; no need to act on it.")
    work.reply(f"You acknowledged {request.id}. Answer with /reply {request.id} <text>.")


def reply(work: Work, args: IdAndText) -> None:
    """Relay a message to the other side of the request."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    text = _limit_text(work, args.text)
    answering = store.handles(work.directory, actor, request)
    to_requester = actor.id != request.requester_id or answering
    to_answering = not answering
    if to_requester:  # the answering side, or a co-chair writing to both sides (see bot.access)
        status = lifecycle.transition(
            request.id, request.status, "answer" if answering else "follow_up"
        )
    else:
        lifecycle.transition(request.id, request.status, "follow_up")
        status = request.status
    changes: dict[str, object] = {"status": status, "updated_at": work.stamp}
    if answering and not request.acknowledged_by:
        changes.update(acknowledged_by=actor.id, acknowledged_at=work.stamp, ack_due_at=None)
    store.update(work.db, request.id, **changes)
    store.add_message(work.db, request.id, work.stamp, actor.id, "reply", text)
    work.audit("request.reply", request.id, f"status {status}")
    relay = (
        f"{request.id} · {_who(work, actor.id)} wrote:\n{text}\n\n"
        f"(/reply {request.id} <text> to answer)"
    )
    notes = [_tell_requester(work, request, relay)] if to_requester else []
    if to_answering:
        people, note = _answering_side(work, request)
        _send(work, request, people, relay)
        notes.append(note)
    filed = _attach(work, request, _other_side(work, request))
    work.reply(_told(f"Sent on {request.id}", notes) + filed)


def _other_side(work: Work, request: Request) -> list[Person]:
    """Who hears what the actor adds to a request (as :func:`reply` decides): the requester
    when the answering side or a co-chair writes, the answering side when the requester does."""
    actor = work.actor
    assert actor is not None
    answering = store.handles(work.directory, actor, request)
    people: list[Person] = []
    requester = work.directory.people.get(request.requester_id)
    if requester is not None and (actor.id != request.requester_id or answering):
        people += _reach(work, requester, request.requester_country)[0]
    if not answering:
        people += _answering_side(work, request)[0]
    return list({p.id: p for p in people}.values())


def _attach(work: Work, request: Request, people: list[Person]) -> Text:
    """Attach the files that came with the command and send them on; a word for the actor."""
    if not work.files:
        return ""
    added = files.attach(
        work, request.id, people, _who(work, work.actor.id if work.actor else None)
    )
    if not added:
        return " " + _("{id} already has that file; it was not sent again.", id=request.id)
    return " " + n_("{count} file attached.", "{count} files attached.", added)


def attach_files(work: Work, raw_id: str) -> None:
    """Add the files sent with this command to a request, and send them to the other side."""
    request = _subject(work)
    if not work.files:
        files.take_held(work)  # sent before, without a command
    if not work.files:
        raise UserError(
            _(
                "Send the file with /attach {id} as its caption, or send it first and then "
                "/attach {id}.",
                id=request.id,
            )
        )
    people = _other_side(work, request)
    for person in people:
        if not store.can_see(work.db, work.directory, person, request):
            store.add_party(work.db, request.id, person_id=person.id)  # a stand-in
    added = files.attach(
        work, request.id, people, _who(work, work.actor.id if work.actor else None)
    )
    if not added:
        work.reply(_("{id} already has that file; nothing was sent again.", id=request.id))
        return
    work.reply(
        n_(
            "{count} file added to {id} and sent on.",
            "{count} files added to {id} and sent on.",
            added,
            id=request.id,
        )
    )


def refer(work: Work, args: IdAndText) -> None:
    """Hand the request to another country or a named person, with a note."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    target, _, note = args.text.partition(" ")
    note = _limit_text(work, note.strip())
    country, person = _referral_target(work, target)
    _refuse_referral(work, request, actor, country, person)
    status = lifecycle.transition(request.id, request.status, "refer")
    if country is not None:
        new_country, person_id, where = country.code, None, country.name
    else:
        assert person is not None  # _referral_target gives a country or a person
        new_country, person_id, where = person.country, person.id, _who(work, person.id)
    store.update(
        work.db,
        request.id,
        status=status,
        target_country=new_country,
        target_person=person_id,
        round=request.round + 1,
        escalation=0,
        acknowledged_by=None,
        acknowledged_at=None,
        updated_at=work.stamp,
    )
    store.add_party(
        work.db,
        request.id,
        country=new_country if country else "",
        person_id=person_id or "",
    )
    noted = f": {note}" if note else ""
    store.add_message(
        work.db, request.id, work.stamp, actor.id, "referral", f"referred to {where}{noted}"
    )
    work.audit("request.referred", request.id, f"to {new_country if country else person_id}")
    referred = store.load(work.db, request.id)
    assert referred is not None
    body = f"{_summary(work, referred)}\nReferred to you by {_who(work, actor.id)}"
    notes = [_route(work, referred, f"{body}{noted or '.'}\n\n{request.text}")]
    notes.append(
        _tell_requester(
            work, request, f"{request.id} was referred to {where} by {_who(work, actor.id)}."
        )
    )
    work.reply(_told(f"{request.id} referred to {where}", notes))


def _referral_target(work: Work, target: str) -> tuple[Country | None, Person | None]:
    """(country, None) for a two-letter code, (None, person) for an active person id."""
    country = work.directory.country(target) if len(target) == 2 else None
    person = None if country else work.directory.people.get(target.lower())
    if country is None and (person is None or not person.active):
        raise UserError(
            f"I don't know {target[:40]!r}: give a two-letter country code or a "
            "person id (see /whoami for the form ids take)."
        )
    return country, person


def _refuse_referral(
    work: Work, request: Request, actor: Person, country: Country | None, person: Person | None
) -> None:
    """A referral hands the request to someone else: not to the referrer, the requester, the
    referrer's own country or the requester's (who would answer their own country's request)."""
    if person is not None and person.id == actor.id:
        raise UserError(f"You already hold {request.id}; refer it to another country or person.")
    if person is not None and person.id == request.requester_id:
        raise UserError(
            f"{request.id} was filed by {person.name}; a request can't be referred back to "
            f"its requester. Use /reply {request.id} <text> to ask them something."
        )
    if country is not None and country.code == actor.country:
        raise UserError(
            f"{country.name} is your own country; refer {request.id} to another member country "
            "or to a person by id."
        )
    if country is not None and country.code == request.requester_country:
        raise UserError(
            f"{request.id} comes from {country.name}; refer it to another member country."
        )


def close(work: Work, args: IdAndText) -> None:
    """End the request, with an optional outcome."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    outcome = _limit_text(work, args.text)
    status = lifecycle.transition(request.id, request.status, "close")
    store.update(
        work.db,
        request.id,
        status=status,
        closed_at=work.stamp,
        outcome=outcome or None,
        updated_at=work.stamp,
        ack_due_at=None,
    )
    store.add_message(work.db, request.id, work.stamp, actor.id, "close", outcome or "closed")
    work.audit("request.closed", request.id, "with outcome" if outcome else "")
    told = f"{request.id} was closed by {_who(work, actor.id)}" + (
        f": {outcome}" if outcome else "."
    )
    answering, note = _answering_side(work, request)
    notes = [_tell_requester(work, request, told), note]
    _send(work, request, answering, told)
    _tell_escalated(
        work, request, f"{told} It was escalated to you; nothing more is needed.", answering
    )
    work.reply(_told(f"{request.id} is closed", notes))


LIST_LIMIT = 20
_TITLES = {"open": "Open requests", "closed": "Closed requests", "all": "Requests"}


def list_requests(work: Work, args: RequestSearch) -> None:
    """The requests the person can see: open ones by default, or closed or all, narrowed by
    country (either side), category and words of the text; the newest first, clipped."""
    actor = work.actor
    assert actor is not None
    query = store.Search(
        args.status, _known_countries(work, args.countries), args.categories, args.words
    )
    found, total = store.search(work.db, actor, query, LIST_LIMIT)
    wanted = _search_terms(work, query)
    title = _TITLES[query.status]
    if not found:
        if wanted:
            work.reply(f"{title} you can see: none match {wanted}.")
        elif query.status == "open":
            work.reply("No open requests for you. File one with /request <COUNTRY> <text>.")
        else:
            work.reply(f"{title} you can see: none.")
        return
    shown = f"{total}" if total <= len(found) else f"the newest {len(found)} of {total}"
    lines = [f"{title} you can see{' matching ' + wanted if wanted else ''} ({shown}):"]
    lines += [_list_line(r) for r in found]
    footer = "/show <id> for the whole thread."
    if total > len(found):
        footer += " Add a country, a #category or words to narrow the list."
    elif not wanted and query.status == "open":
        footer += " /requests closed, /requests TH, /requests #arrest or words search."
    work.reply("\n".join(lines) + "\n\n" + footer)


def _known_countries(work: Work, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The codes, each checked against the directory (a polite refusal for an unknown one)."""
    for code in codes:
        if work.directory.country(code) is None:
            raise UserError(
                f"I don't know the country {code!r}. Use its two-letter code, "
                "e.g. TH for Thailand; /countries lists them."
            )
    return tuple(dict.fromkeys(codes))


def _search_terms(work: Work, query: store.Search) -> str:
    """The filters in words: ``Thailand, #arrest/warrant, "vessel"``."""
    terms = [work.directory.country_name(c) for c in query.countries]
    terms += [f"#{c}" for c in query.categories]
    terms += [f'"{w}"' for w in query.words]
    return ", ".join(terms)


def _list_line(r: Request) -> str:
    mark = "URGENT " if r.urgency == "urgent" else ""
    return (
        f"{r.id}  {mark}{r.status}  {r.requester_country}→{r.target_country}  "
        f"{r.category}  {clip(r.text, 60)}"
    )


def show(work: Work, raw_id: str) -> None:
    """The request and its whole thread, in the viewer's local time."""
    actor = work.actor
    assert actor is not None
    request = _subject(work)
    zone = work.directory.timezone_of(actor.country)
    lines: list[Text] = [_summary(work, request), f"Status: {request.status}"]
    if request.ack_due_at and request.status in lifecycle.AWAITING_ACK:
        lines.append(f"Acknowledge by: {local_stamp(request.ack_due_at, zone)}")
    if request.outcome:
        lines.append(f"Outcome: {request.outcome}")
    lines.append("")
    for at, author, kind, text in store.thread(work.db, request.id):
        lines.append(f"{local_stamp(at, zone)}  {_who(work, author)} · {kind}: {text}")
    work.reply(join([*lines, *files.show_lines(work, request.id, zone)]))


# --- escalation timer ---------------------------------------------------------------------
def escalate(work: Work, subject: str) -> None:
    """An acknowledgement time limit passed: take the request's next escalation step.

    Steps: an urgent request is first re-sent on the focal points' other channels, then goes
    to the deputy focal point (if the country has one), then to the co-chairs. The requester
    is told at each step that widens the circle.
    """
    request_id, round_text, level_text = subject.rsplit(":", 2)
    request = store.load(work.db, request_id)
    level = int(level_text)
    if (
        request is None
        or request.status not in lifecycle.AWAITING_ACK
        or request.round != int(round_text)
        or request.escalation != level - 1
    ):
        return  # acknowledged, closed or re-routed meanwhile: nothing to do
    steps = _steps(work, request)
    step = steps[min(level, len(steps)) - 1]
    store.update(work.db, request_id, escalation=level, updated_at=work.stamp)
    if step == "resend":
        if not _resend_elsewhere(work, request):
            escalate(work, f"{request_id}:{round_text}:{level + 1}")  # no other channel: go on
            return
        _arm_escalation(work, request, level + 1, fraction=0.5)
        return
    _widen(work, request, step, level)
    if level < len(steps):
        _arm_escalation(work, request, level + 1)
    else:
        store.update(work.db, request_id, ack_due_at=None)


def _steps(work: Work, request: Request) -> list[str]:
    steps = ["resend"] if request.urgency == "urgent" else []
    if not request.target_person and work.directory.deputies(request.target_country):
        steps.append("deputy")
    return [*steps, "cochairs"]


def _resend_elsewhere(work: Work, request: Request) -> bool:
    """Re-send to the handlers on every channel but their first; False if they have none."""
    text = f"Reminder — not acknowledged yet.\n{_summary(work, request)}\n\n{request.text}"
    sent = False
    for person in _handlers_of(work, request)[0]:
        for channel, address in work.ctx.router.routes(work.directory, person)[1:]:
            work.send_via(person, channel, address, text, _ack_button(request.id), request.id)
            sent = True
    if sent:
        store.add_message(
            work.db,
            request.id,
            work.stamp,
            None,
            "escalation",
            "re-sent on the focal points' other channels",
        )
        work.audit("request.resent", request.id, "other channels")
    return sent


def _widen(work: Work, request: Request, step: str, level: int) -> None:
    """Send the request to the deputies or the co-chairs, and tell the requester."""
    to_cochairs = step == "cochairs"
    recipients = (
        work.directory.with_role("co_chair")
        if to_cochairs
        else work.directory.deputies(request.target_country)
    )
    who = "the co-chairs" if to_cochairs else "the deputy focal point"
    late = f"Not acknowledged in time — escalated to {who}.\n{_summary(work, request)}"
    for person in recipients:
        work.notify(
            person,
            f"{late}\n\n{request.text}",
            _ack_button(request.id),
            subject=request.id,
            urgent=request.urgency == "urgent",
        )
    store.add_message(work.db, request.id, work.stamp, None, "escalation", f"escalated to {who}")
    work.audit("request.escalated", request.id, f"level {level} to {who}")
    _tell_requester(
        work, request, f"{request.id} was not acknowledged in time; I escalated it to {who}."
    )


def _raw(request_id: str) -> str:
    return request_id


def _request_id(args: IdAndText) -> str:
    return args.request_id


def _file_request_id(args: files.FileArgs) -> str:
    return args.request_id


COMMANDS = [
    CommandSpec(
        "request",
        "Ask another country's focal point for assistance. Add 'urgent' for a short "
        "time limit and a #tag for the kind: #info #arrest #victim #mla #extradition #financial.",
        "/request <COUNTRY> [urgent] [#category] <what you need>",
        "/request TH urgent #victim Two women from the raid in Songkhla need shelter contacts",
        file_request,
        parse_new_request,
        roles=frozenset({"officer", "focal_point", "deputy_focal_point", "co_chair"}),
        limit=("request.filed", "requests_per_hour"),
    ),
    CommandSpec(
        "ack",
        "Acknowledge a request addressed to your country.",
        "/ack <id>",
        "/ack R-2026-0042",
        acknowledge,
        parse_id,
        scope=Scope.REQUEST_HANDLER,
        subject=_raw,
    ),
    CommandSpec(
        "reply",
        "Write on a request; it is relayed to the other side.",
        "/reply <id> <text>",
        "/reply R-2026-0042 Passport confirmed, suspect left on 3 May",
        reply,
        parse_id_and_text,
        scope=Scope.REQUEST_ACTOR,
        subject=_request_id,
    ),
    CommandSpec(
        "attach",
        "Add a photo, document or voice note to a request: send it with this as its caption. "
        "It goes to the other side where files may travel.",
        "/attach <id>",
        "/attach R-2026-0042",
        attach_files,
        parse_id,
        scope=Scope.REQUEST_ACTOR,
        subject=_raw,
    ),
    CommandSpec(
        "file",
        "Send one of a request's files again (/show lists them, numbered).",
        "/file <id> <number>",
        "/file R-2026-0042 2",
        files.send_again,
        files.parse_file_args,
        scope=Scope.REQUEST_PARTY,
        subject=_file_request_id,
    ),
    CommandSpec(
        "refer",
        "Hand a request to another country or person, with a note.",
        "/refer <id> <COUNTRY|person-id> [note]",
        "/refer R-2026-0042 MY The vessel is registered in Malaysia",
        refer,
        parse_id_and_text,
        scope=Scope.REQUEST_HANDLER,
        subject=_request_id,
    ),
    CommandSpec(
        "close",
        "Close a request, with the outcome.",
        "/close <id> [outcome]",
        "/close R-2026-0042 Suspect arrested in Bangkok",
        close,
        parse_id_and_optional_text,
        scope=Scope.REQUEST_ACTOR,
        subject=_request_id,
    ),
    CommandSpec(
        "requests",
        "List requests you can see (yours, and your country's if you are a focal point): "
        "open ones, or 'closed' or 'all'; narrow by country (either side), #category "
        "and words of the text.",
        "/requests [closed|all] [COUNTRY] [#category] [words]",
        "/requests closed TH #arrest vessel",
        list_requests,
        parse_request_search,
    ),
    CommandSpec(
        "show",
        "Show a request and its whole thread.",
        "/show <id>",
        "/show R-2026-0042",
        show,
        parse_id,
        scope=Scope.REQUEST_PARTY,
        subject=_raw,
    ),
]
TIMERS = {ESCALATE: escalate}
