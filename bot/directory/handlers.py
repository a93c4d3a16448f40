"""Administration in chat: revoke a person and all their identities at once."""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.config import Person
from bot.directory.handover import (
    open_request_ids,
    open_requests_of,
    revoke_and_withdraw,
    stranded_request_ids,
)
from bot.directory.repo import drop_unconfigured, unconfigured
from bot.errors import UserError
from bot.i18n import Text, _, join, n_
from bot.work import Work


def parse_person(text: str) -> str:
    """A person id, and nothing more: a second word (a reason, a second id) would otherwise
    be dropped unseen, and the revocation taken for what was asked."""
    words = text.split()
    if not words:
        raise UserError(_("Whom? Give their person id (see /whoami for the form ids take)."))
    if len(words) > 1:
        raise UserError(
            _(
                "Nothing was revoked: /revoke takes one person id and nothing after it. To "
                "revoke several people, send it once for each."
            )
        )
    return words[0].lower()


def revoke_person(work: Work, person_id: str) -> None:
    """Deactivate someone and drop their channel identities; effective at once.

    Revoking the last focal point or deputy of a country is not refused, nor held for a
    confirmation: revocation is how a lost phone or a departed officer is shut out, and must
    work at once. The answer (and the co-chairs, as for a lapsed focal point) says instead
    that the country is left without anyone to answer it, and what to do.
    """
    actor = work.actor
    assert actor is not None
    if person_id == actor.id:
        raise UserError(_("You cannot revoke yourself; ask another administrator."))
    person = work.directory.people.get(person_id)
    if person is None:
        raise UserError(_("No active person {id} in the directory.", id=repr(person_id[:40])))
    if not revoke_and_withdraw(work.db, person_id, work.stamp, actor.id):
        raise UserError(
            _(
                "{name} ({id}) is already revoked; `focalbot directory reinstate {id}` undoes it.",
                name=person.name,
                id=person_id,
            )
        )
    work.directory_changed = True
    done: list[Text] = [
        _(
            "{name} ({id}) is revoked: no channel identity of theirs is recognised any more. "
            "`focalbot directory reinstate` undoes it.",
            name=person.name,
            id=person_id,
        )
    ]
    work.reply(join([*done, *after_revocation(work, person)], " "))


def after_revocation(work: Work, person: Person, cut_off_said: bool = False) -> list[Text]:
    """What becomes of the work of ``person``, just revoked (``work.directory`` still shows
    them as they were): who stands in for them is told which requests are theirs now (the
    deputies, the other co-chairs, or with nobody left the co-chairs, with what to do); the
    lines that tell the one revoking. Chat, the command line and a start that finds someone
    taken out of bot.toml all follow a revocation with this (``cut_off_said``: the command
    line has said in its own words that the country has nobody left)."""
    person_id = person.id
    done: list[Text] = []
    last = _last_to_answer(work, person)
    answering = open_requests_of(work.db, person_id)
    alone = _only_one_answering(work, person)
    if last:
        done += _nobody_left(work, person, _stranded(work, person))[int(cut_off_said) :]
    elif answering and person.has("co_chair"):  # no handover: the group's, not hers
        done += _to_other_cochairs(work, person, answering)
    elif alone and (stranded := _stranded(work, person)):  # the deputies answer the country now
        done.append(to_deputies(work, person, stranded))
    elif answering:  # left with nobody unless someone moves it
        done.append(
            n_(
                "They were answering {count} open request: a co-chair moves it with /handover "
                "{id} <successor>.",
                "They were answering {count} open requests: a co-chair moves them with "
                "/handover {id} <successor>.",
                answering,
                id=person_id,
            )
        )
    return done


def retire_unconfigured(work: Work) -> list[str]:
    """At start: revoke, as an administrator would (by ``bot.toml``), everyone who came from
    bot.toml and is no longer in it, and pass their work on as :func:`after_revocation` does;
    their ids (bot.directory.repo.unconfigured, drop_unconfigured)."""
    dropped = []
    for person_id in unconfigured(work.db, list(work.ctx.settings.people)):
        person = work.directory.people.get(person_id)
        if person is not None and drop_unconfigured(work.db, person_id, work.stamp):
            work.directory_changed = True
            after_revocation(work, person)
            dropped.append(person_id)
    return dropped


def _to_other_cochairs(work: Work, person: Person, answering: int) -> list[Text]:
    """What becomes of the open requests a revoked co-chair was answering: she held them for
    the group, so they are the other co-chairs' now (bot.requests.repo.handles), with nothing
    to hand over; those co-chairs are told which."""
    others = [c for c in work.directory.with_role("co_chair") if c.id != person.id]
    if not others:
        return [
            n_(
                "They were answering {count} open request as co-chair, and no other co-chair "
                "is left to handle it: add one (`focalbot directory import`) or reinstate {id}.",
                "They were answering {count} open requests as co-chair, and no other co-chair "
                "is left to handle them: add one (`focalbot directory import`) or reinstate {id}.",
                answering,
                id=person.id,
            )
        ]
    _tell_other_cochairs(work, person, others, answering)
    return [
        n_(
            "They were answering {count} open request as co-chair: the other co-chairs now "
            "handle it, and were told.",
            "They were answering {count} open requests as co-chair: the other co-chairs now "
            "handle them, and were told.",
            answering,
        )
    ]


def _tell_other_cochairs(work: Work, person: Person, others: list[Person], answering: int) -> None:
    """Tell ``others`` (but the actor) which requests of ``person``'s are theirs now: one she
    had acknowledged would never page them."""
    notice = n_(
        "{name} ({id}) was revoked; the {count} open request they were answering as co-chair "
        "is the co-chairs' now: {ids}.",
        "{name} ({id}) was revoked; the {count} open requests they were answering as co-chair "
        "are the co-chairs' now: {ids}.",
        answering,
        name=person.name,
        id=person.id,
        ids=", ".join(open_request_ids(work.db, person.id)),
    )
    actor = work.actor.id if work.actor else ""
    for chair in others:
        if chair.id != actor:
            work.notify(chair, notice, subject="roster")


def _only_one_answering(work: Work, person: Person) -> bool:
    """Whether ``person`` alone received their country's requests (its only focal point, or
    its only deputy where it has none): once revoked, whoever answers it next was not told."""
    return [p.id for p in work.directory.answering(person.country)] == [person.id]


def _stranded(work: Work, person: Person) -> list[str]:
    """The open requests nobody in office has been told of once ``person`` is revoked, when
    they alone answered their country: those they were answering, and those to the country
    nobody has acknowledged (paged to them alone)."""
    if not _only_one_answering(work, person):
        return open_request_ids(work.db, person.id)
    return stranded_request_ids(work.db, person.id, person.country)


def to_deputies(work: Work, person: Person, stranded: list[str], told: str = "") -> Text:
    """``person`` was their country's only focal point: its deputies answer its requests now
    (as bot.requests' stand-ins send them), and are told which are theirs, as the other
    co-chairs are of a revoked co-chair's (but ``told``, a successor told by the handover)."""
    deputies = [p for p in work.directory.deputies(person.country) if p.id != person.id]
    country = work.directory.country_name(person.country)
    notice = n_(
        "{name} ({id}) was revoked; the open request to {country} they were answering is "
        "yours now: {ids}. /show {first} reads it.",
        "{name} ({id}) was revoked; the {count} open requests to {country} they were answering "
        "are yours now: {ids}. /show {first} reads the first.",
        len(stranded),
        name=person.name,
        id=person.id,
        country=country,
        ids=", ".join(stranded),
        first=stranded[0],
    )
    actor = work.actor.id if work.actor else ""
    for deputy in deputies:
        if deputy.id not in (actor, told):
            work.notify(deputy, notice, subject="roster")
    return n_(
        "{country} has no focal point now: the open request they were answering ({ids}) goes "
        "to {deputies}; /handover {id} <successor> moves it to a new focal point.",
        "{country} has no focal point now: the {count} open requests they were answering "
        "({ids}) go to {deputies}; /handover {id} <successor> moves them to a new focal point.",
        len(stranded),
        country=country,
        ids=", ".join(stranded),
        deputies=n_(
            "its deputy, {names}, who was told",
            "its deputies, {names}, who were told",
            len(deputies),
            names=join([p.name for p in deputies], ", "),
        ),
        id=person.id,
    )


def _last_to_answer(work: Work, person: Person) -> bool:
    """Whether ``person`` is the only active focal point or deputy of their country: once
    they are revoked, its requests are refused and nobody files its returns."""
    if not (person.active and person.has("focal_point", "deputy_focal_point")):
        return False
    directory = work.directory
    others = directory.focal_points(person.country) + directory.deputies(person.country)
    return all(p.id == person.id for p in others)


def _nobody_left(work: Work, person: Person, stranded: list[str]) -> list[Text]:
    """The warning when ``person`` was the last to answer their country; the co-chairs
    (but the one revoking, who reads it here) are told too, with the requests nobody has now
    (those they were answering, those to the country nobody acknowledged)."""
    country = work.directory.country_name(person.country)
    lines: list[Text] = [
        _(
            "{country} now has nobody to receive requests or file returns: add a focal point "
            "(`focalbot directory import`) or reinstate {id}; until then requests to "
            "{country} are refused.",
            country=country,
            id=person.id,
        )
    ]
    if stranded:  # no successor to hand them to yet
        lines.append(
            n_(
                "The open request they were answering, {ids}, has nobody now: once a focal "
                "point is added, a co-chair moves it with /handover {id} <their-id>.",
                "The {count} open requests they were answering, {ids}, have nobody now: once "
                "a focal point is added, a co-chair moves them with /handover {id} <their-id>.",
                len(stranded),
                ids=", ".join(stranded),
                id=person.id,
            )
        )
    if _tell_cochairs(work, person, stranded):
        lines.append(_("The co-chairs were told."))
    return lines


def _tell_cochairs(work: Work, person: Person, stranded: list[str]) -> bool:
    """Tell the co-chairs (but the actor) the country is left unanswered; True if any was."""
    actor = work.actor.id if work.actor else ""
    chairs = [c for c in work.directory.with_role("co_chair") if c.id != actor]
    for chair in chairs:
        work.notify(chair, _cochair_notice(work, person, stranded), subject="roster")
    return bool(chairs)


def _cochair_notice(work: Work, person: Person, stranded: list[str]) -> Text:
    notice: list[Text] = [
        _(
            "{name} ({id}) was revoked, and {country} now has no focal point or deputy: "
            "requests to it are refused until an administrator adds one.",
            name=person.name,
            id=person.id,
            country=work.directory.country_name(person.country),
        )
    ]
    if stranded:
        notice.append(
            n_(
                "The open request they were answering has nobody now: {ids}. Once a focal "
                "point is added, /handover {id} <successor> moves it.",
                "The {count} open requests they were answering have nobody now: {ids}. Once a "
                "focal point is added, /handover {id} <successor> moves them.",
                len(stranded),
                ids=", ".join(stranded),
                id=person.id,
            )
        )
    return join(notice, " ")


COMMANDS = [
    CommandSpec(
        "revoke",
        _("Revoke a person: all their channel identities stop working at once."),
        "/revoke <person-id>",
        "/revoke th-officer",
        revoke_person,
        parse_person,
        roles=frozenset({"admin"}),
    ),
]
