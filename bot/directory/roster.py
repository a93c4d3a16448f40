"""The focal-point roster: who holds each country's role, when they last confirmed it, and
the chat side of rotation (``/handover``, ``/roster``, ``/stillhere``).

Reconfirmation runs on timers in the timers table, so each fires once across restarts and
replicas. Every ``[roster] reconfirm_every`` a focal point or deputy is asked (a button) to
confirm they still hold the role; with no answer within ``answer_within`` the co-chairs are
told and the person is *lapsed*: the country's requests go to its deputy until they confirm.
A timer's id carries the confirmation it was armed from, so a confirmation retires it.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import parse_iso, time_zone
from bot.commands import CommandSpec, no_args
from bot.config import Person
from bot.delivery import held
from bot.directory.handover import handover, parse_pair, requesters_of
from bot.errors import UserError
from bot.events import Button
from bot.i18n import Msg, Text, ZoneOffset, _, join, n_
from bot.periods.repo import OPEN, periods_in
from bot.returns.signoff import needs_signoff
from bot.storage.sql import Db
from bot.text import country_code
from bot.work import Work

ASK, LAPSE = "roster.ask", "roster.lapse"
HOLDERS = ("focal_point", "deputy_focal_point")


# --- confirmations ------------------------------------------------------------------------
def confirmation(db: Db, person_id: str) -> tuple[str | None, str | None, str | None]:
    """(confirmed_at, asked_at, lapsed_at) of a person; all None when never recorded."""
    row = db.execute(
        "SELECT confirmed_at, asked_at, lapsed_at FROM roster_confirmations WHERE person_id = ?",
        [person_id],
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (None, None, None)


def lapsed(db: Db) -> set[str]:
    """People whose reconfirmation went unanswered: requests pass them over."""
    rows = db.execute("SELECT person_id FROM roster_confirmations WHERE lapsed_at IS NOT NULL")
    return {r[0] for r in rows}


def confirm(work: Work, person: Person) -> bool:
    """Record that ``person`` holds their role now; True when they had lapsed."""
    was_lapsed = confirmation(work.db, person.id)[2] is not None
    work.db.execute(
        "INSERT INTO roster_confirmations (person_id, confirmed_at) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET confirmed_at = excluded.confirmed_at, "
        "asked_at = NULL, lapsed_at = NULL",
        [person.id, work.stamp],
    )
    _arm_ask(work, person.id, work.stamp)
    return was_lapsed


def _arm_ask(work: Work, person_id: str, confirmed_at: str) -> None:
    every = work.ctx.settings.roster.reconfirm_every
    if every is not None:
        subject = f"{person_id}|{confirmed_at}"
        work.schedule(f"{ASK}:{subject}", ASK, subject, parse_iso(confirmed_at) + every)


def arm_all(work: Work) -> None:
    """At start: every focal point and deputy gets a confirmation on record (from now, the
    first time) and its next question armed; arming the same timer again changes nothing."""
    if work.ctx.settings.roster.reconfirm_every is None:
        return
    for person in _holders(work):
        work.db.execute(
            "INSERT INTO roster_confirmations (person_id, confirmed_at) VALUES (?, ?) "
            "ON CONFLICT (person_id) DO NOTHING",
            [person.id, work.stamp],
        )
        confirmed_at, asked_at, _lapsed = confirmation(work.db, person.id)
        if asked_at is None and confirmed_at:
            _arm_ask(work, person.id, confirmed_at)


def _holders(work: Work) -> list[Person]:
    return [p for p in work.directory.people.values() if p.active and p.has(*HOLDERS)]


def _current(work: Work, subject: str) -> Person | None:
    """The person a timer is about, if the confirmation it was armed from still stands."""
    person_id, _sep, confirmed_at = subject.partition("|")
    person = work.directory.people.get(person_id)
    if person is None or not person.active:
        return None
    return person if confirmation(work.db, person_id)[0] == confirmed_at else None


def ask(work: Work, subject: str) -> None:
    """Timer: ask the person to confirm they still hold the role; arm the deadline."""
    person = _current(work, subject)
    if person is None:
        return  # confirmed since, or left: this question is moot
    work.db.execute(
        "UPDATE roster_confirmations SET asked_at = ? WHERE person_id = ?", [work.stamp, person.id]
    )
    within = work.ctx.settings.roster.answer_within
    work.notify(
        person,
        _(
            "Do you still hold your role for {country}? Please confirm, so requests keep "
            "reaching the right person.",
            country=work.directory.country_name(person.country),
        ),
        (Button(_("Yes, I still hold it"), "/stillhere"),),
        subject="roster",
    )
    work.schedule(f"{LAPSE}:{subject}", LAPSE, subject, work.now + within)
    work.audit("roster.asked", person.id)


def lapse(work: Work, subject: str) -> None:
    """Timer: no answer in time; tell the co-chairs and route around the person."""
    person = _current(work, subject)
    if person is None:
        return
    work.db.execute(
        "UPDATE roster_confirmations SET lapsed_at = ? WHERE person_id = ?", [work.stamp, person.id]
    )
    work.audit("roster.lapsed", person.id)
    country = work.directory.country_name(person.country)
    for chair in work.directory.with_role("co_chair"):
        work.notify(
            chair,
            _(
                "{name} ({id}) has not confirmed their role for {country}. Its requests go to "
                "the deputy until someone confirms; /roster shows the roster, /handover {id} "
                "<successor> hands their work on.",
                name=person.name,
                id=person.id,
                country=country,
            ),
            subject="roster",
        )


def still_here(work: Work, _args: None) -> None:
    """``/stillhere``: the person confirms they still hold their role."""
    actor = work.actor
    assert actor is not None
    was_lapsed = confirm(work, actor)
    work.audit("roster.confirmed", actor.id)
    work.reply(_("Thank you: your role is confirmed."))
    if was_lapsed:
        country = work.directory.country_name(actor.country)
        for chair in work.directory.with_role("co_chair"):
            work.notify(
                chair,
                _(
                    "{name} confirmed their role for {country} again.",
                    name=actor.name,
                    country=country,
                ),
            )


# --- /roster and /handover ----------------------------------------------------------------
def roster_command(work: Work, args: str) -> None:
    """Each country's focal point, deputy, last confirmation and channels; only the countries
    named, if any (``/roster TH MY``)."""
    named = [country_code(code) for code in args.replace(",", " ").split()]
    for code in named:
        if work.directory.country(code) is None:
            raise UserError(
                _("I don't know the country {code}; /countries lists the codes.", code=code[:10])
            )
    lines: list[Text] = [_("Roster (focal point · deputy · last confirmed · channels):")]
    for code in sorted(set(named) or work.directory.countries):
        lines.append(join([work.directory.country_name(code), f" ({code})"], ""))
        lines += _country_lines(work, code)
    work.reply(join(lines))


def _country_lines(work: Work, code: str) -> list[Text]:
    """A country's focal points and deputies; when it has deputies only (after a handover
    to one, say), a line saying so: its requests reach them, as /countries says too."""
    focal_points, deputies = work.directory.focal_points(code), work.directory.deputies(code)
    lines: list[Text] = [_roster_line(work, p) for p in focal_points + deputies]
    if not lines:
        return ["  " + _("• no focal point or deputy: requests to this country are refused")]
    if not focal_points:
        lines.insert(
            0,
            "  "
            + n_(
                "• no active focal point: the deputy answers the country's requests",
                "• no active focal point: the deputies answer the country's requests",
                len(deputies),
            ),
        )
    return lines


def _roster_line(work: Work, person: Person) -> Msg:
    role = _("focal point") if person.has("focal_point") else _("deputy")
    confirmed_at, _asked, lapsed_at = confirmation(work.db, person.id)
    zone = work.directory.timezone_of(person.country)
    when: Text = _("never")
    if confirmed_at:  # the time in the country's zone, per language, with the zone's name
        local = parse_iso(confirmed_at).astimezone(time_zone(zone))
        when = _("{time} {zone}", time=local, zone=ZoneOffset(local))
    params = {
        "role": role,
        "name": person.name,
        "id": person.id,
        "when": when,
        "channels": join(list(dict.fromkeys([person.preferred_channel, *person.identities])), ", "),
    }
    if lapsed_at:
        return "  " + _(
            "• {role}: {name} ({id}) · confirmed {when} · {channels} — NOT CONFIRMED, requests "
            "go to the deputy",
            **params,
        )
    return "  " + _("• {role}: {name} ({id}) · confirmed {when} · {channels}", **params)


def handover_command(work: Work, pair: tuple[str, str]) -> None:
    """``/handover <from> <to>``: a co-chair hands one person's open work to another. A notice
    sent in someone's quiet hours waits for them: the answer says so rather than "told"."""
    moved = handover(work, *pair)
    old, new = work.directory.people[pair[0]], work.directory.people[pair[1]]
    params = {"old": old.id, "new": new.id, "moved": moved.text()}
    later = _told_later(work, old, new, moved.requests)
    signoff = _signoff_rests(work, old, new)
    if later is None:
        done = _(
            "Handed over from {old} to {new}: {moved}. Both were told, and so were the "
            "requesters; {old} is revoked.",
            **params,
        )
        work.reply(join([done, *signoff]))
        return
    head = _("Handed over from {old} to {new}: {moved}; {old} is revoked.", **params)
    work.reply(join([head, *later, *signoff]))


def _signoff_rests(work: Work, old: Person, new: Person) -> list[Text]:
    """A line when the handover leaves a country without a focal point while a period of
    its with national sign-off is open: its deputies now sign off (bot.returns.handlers)."""
    country = old.country
    others = [p for p in work.directory.focal_points(country) if p.id != old.id]
    if not old.has("focal_point") or others or new.has("focal_point"):
        return []
    codes = [
        p.code
        for p in periods_in(work.db, OPEN)
        if country in p.countries and needs_signoff(work.db, p.code)
    ]
    deputies = [p.name for p in work.directory.deputies(country) if p.id != old.id]
    if not codes or not deputies:
        return []
    return [
        n_(
            "{country} has no focal point now: national sign-off of its returns in {codes} "
            "rests with its deputy, {names}, whose returns count at once.",
            "{country} has no focal point now: national sign-off of its returns in {codes} "
            "rests with its deputies, {names}, whose returns count at once.",
            len(deputies),
            country=work.directory.country_name(country),
            codes=join(codes, ", "),
            names=join(deputies, ", "),
        )
    ]


def _told_later(work: Work, old: Person, new: Person, request_ids: list[str]) -> list[Text] | None:
    """A line for each of those told whose notice waits for their quiet hours to end (for
    ``old``: for ever, their revocation withdraws it); None when everyone got theirs now."""
    new_at, old_at = work.held_until(new), work.held_until(old)
    requesters = _requesters_later(work, [old.id, new.id], request_ids)
    both_now = new_at is None and old_at is None
    if both_now and requesters is None:
        return None
    lines: list[Text] = [_("Both were told.")]
    if not both_now:
        lines = [_successor_told(work, new, new_at), _predecessor_told(old, old_at)]
    return [*lines, requesters] if requesters else lines


def _successor_told(work: Work, new: Person, at: datetime | None) -> Msg:
    if at is None:
        return _("{new} was told.", new=new.id)
    return join([_("The notice to {new} waits.", new=new.id), held.when_seen(work, new, at)], " ")


def _predecessor_told(old: Person, at: datetime | None) -> Msg:
    if at is None:
        return _("{old} was told.", old=old.id)
    return _(
        "{old} was not told: their notice would have waited for their quiet hours to end, "
        "and someone revoked receives nothing more.",
        old=old.id,
    )


def _requesters_later(work: Work, skipped: list[str], request_ids: list[str]) -> Msg | None:
    """The requesters told of the handover (but those in ``skipped``) whose notice waits for
    their quiet hours, by country and time there, as returns' held reminders are named."""
    held: set[tuple[str, datetime]] = set()
    for _request, requester in requesters_of(work, request_ids):
        at = work.held_until(requester)
        if at is not None and requester.id not in skipped:
            held.add((requester.country, at))
    if not held:
        return None
    countries: list[Text] = []
    for code, at in sorted(held):
        local = at.astimezone(time_zone(work.directory.timezone_of(code)))
        name = work.directory.country_name(code)
        countries.append(
            _("{country} at {time} ({zone})", country=name, time=local, zone=ZoneOffset(local))
        )
    return _(
        "Requesters in their quiet hours are told when those end: {countries}.",
        countries=join(countries, "; "),
    )


COMMANDS = [
    CommandSpec(
        "roster",
        _("Co-chairs: each country's focal point and deputy, last confirmation and channels."),
        "/roster [COUNTRY …]",
        "/roster TH",
        roster_command,
        roles=frozenset({"co_chair"}),
    ),
    CommandSpec(
        "handover",
        _(
            "Co-chairs: move one person's open requests, drafts and broadcasts to their "
            "successor and revoke them."
        ),
        "/handover <from-person-id> <to-person-id>",
        "/handover th-fp th-fp2",
        handover_command,
        parse_pair,
        roles=frozenset({"co_chair"}),
    ),
    CommandSpec(
        "stillhere",
        _("Confirm you still hold your focal point or deputy role (when asked)."),
        "/stillhere",
        "/stillhere",
        still_here,
        no_args,
        roles=frozenset(HOLDERS),
    ),
]
TIMERS = {ASK: ask, LAPSE: lapse}
