"""Who may act on what: the one place permissions are checked, before any handler runs.

Each command declares roles (``CommandSpec.roles``) and a scope (``CommandSpec.scope``): what its
subject is and how the person must relate to it. The dispatcher calls :func:`authorize` after
parsing; the loaded subject is handed to the handler on ``work.subject``. Refusals about a
request never reveal whether it exists: the answer is the same as for an unknown id.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from bot.config import Person
from bot.errors import UserError
from bot.i18n import _
from bot.requests import repo as assistance
from bot.work import Work


class Scope(StrEnum):
    """What a command acts on, and who may act on it."""

    ANY = "any"  # no subject beyond the person themselves
    OWN_COUNTRY = "own_country"  # a country's own business: its focal points, or co-chairs
    REQUEST_PARTY = "request_party"  # a request the person may see
    REQUEST_ACTOR = "request_actor"  # ...and is a side of: requester, answering side, co-chair
    REQUEST_HANDLER = "request_handler"  # ...and answers now: target's focal points, co-chair
    # several requests, each checked as REQUEST_HANDLER: the handler acts on those allowed
    # and names the others (one alone is refused as REQUEST_HANDLER refuses it)
    REQUEST_HANDLER_EACH = "request_handler_each"


def authorize(work: Work, person: Person, scope: Scope | str, subject: Any) -> None:
    """Raise the command's polite refusal unless ``person`` may act on ``subject``
    (``scope`` as a Scope or its value, as a command spec declares it)."""
    _RULES[scope](work, person, subject)


def _any(work: Work, person: Person, subject: Any) -> None:
    return None


def _own_country(work: Work, person: Person, country: Any) -> None:
    if country and person.country != country and not person.has("co_chair"):
        raise UserError(_("You can see and act only for your own country; co-chairs see all."))


def _party(work: Work, person: Person, raw_id: Any) -> assistance.Request:
    request_id = assistance.normalise_id(str(raw_id), work.ctx.settings.requests.id_prefix)
    request = assistance.visible_or_refuse(work.db, work.directory, person, request_id)
    work.subject = request
    return request


def _actor(work: Work, person: Person, raw_id: Any) -> None:
    request = _party(work, person, raw_id)
    if not (
        person.id == request.requester_id
        or assistance.handles(work.directory, person, request)
        or person.has("co_chair")
    ):
        holder = _holder(work, request)
        if _with_cochairs(work, request):
            raise UserError(
                _(
                    "You can follow {id} but not act on it; it is with the co-chairs.",
                    id=request.id,
                )
            )
        if holder is not None:
            raise UserError(
                _(
                    "You can follow {id} but not act on it; it is with {name} now.",
                    id=request.id,
                    name=holder,
                )
            )
        raise UserError(
            _(
                "You can follow {id} but not act on it; it is handled by "
                "the focal points it is addressed to.",
                id=request.id,
            )
        )


def _holder(work: Work, request: assistance.Request) -> str | None:
    """The name of the person a request was referred to, while they hold their place (then
    they answer it, with their country's focal points: :func:`assistance.handles`)."""
    named = work.directory.people.get(request.target_person or "")
    return named.name if named is not None and named.active else None


def _with_cochairs(work: Work, request: assistance.Request) -> bool:
    """Whether the request was referred to a co-chair since revoked: it is then the other
    co-chairs' (:func:`assistance.handles`), not its country's focal points'."""
    named = work.directory.people.get(request.target_person or "")
    return named is not None and named.has("co_chair") and not named.active


def _handler(work: Work, person: Person, raw_id: Any) -> None:
    request = _party(work, person, raw_id)
    if not (assistance.handles(work.directory, person, request) or person.has("co_chair")):
        if _with_cochairs(work, request):
            raise UserError(
                _("{id} is with the co-chairs; only a co-chair can do that.", id=request.id)
            )
        holder = _holder(work, request)
        if holder is not None:
            raise UserError(
                _(
                    "{id} is with {name} now; only they, their country's focal points or a "
                    "co-chair can do that.",
                    id=request.id,
                    name=holder,
                )
            )
        raise UserError(
            _(
                "{id} is handled by the focal points it is addressed to; "
                "only they (or a co-chair) can do that.",
                id=request.id,
            )
        )


def _handler_each(work: Work, person: Person, raw_ids: Any) -> None:
    """Check each of several requests as :func:`_handler` does; ``work.subject`` becomes
    (id as typed, the request or the refusal) for each. A single one is refused at once."""
    ids = tuple(raw_ids)
    if len(ids) == 1:
        _handler(work, person, ids[0])
        work.subject = ((ids[0], work.subject),)
        return
    work.subject = tuple((raw, _checked(work, person, raw)) for raw in ids)


def _checked(work: Work, person: Person, raw_id: str) -> assistance.Request | UserError:
    """The request ``raw_id`` names if ``person`` may handle it, else the refusal (the
    checks read only: nothing is left to undo)."""
    try:
        _handler(work, person, raw_id)
    except UserError as refused:
        return refused
    assert isinstance(work.subject, assistance.Request)
    return work.subject


_RULES: dict[Scope | str, Callable[[Work, Person, Any], Any]] = {  # a Scope hashes as its value
    Scope.ANY: _any,
    Scope.OWN_COUNTRY: _own_country,
    Scope.REQUEST_PARTY: _party,
    Scope.REQUEST_ACTOR: _actor,
    Scope.REQUEST_HANDLER: _handler,
    Scope.REQUEST_HANDLER_EACH: _handler_each,
}
