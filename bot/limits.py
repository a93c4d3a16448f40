"""Per-person abuse limits, counted from the audit log so they hold across restarts.

A command declares ``limit=(audit action, LimitSettings field)``; the dispatcher checks it in
one place before the handler runs. The action may name a group of audit actions instead
(:data:`REQUEST_MESSAGES`): several commands then share one count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.audit import chain as audit
from bot.clock import iso, local_moment, parse_iso
from bot.config import Person
from bot.errors import UserError
from bot.i18n import Msg, n_
from bot.work import Work

WINDOW = timedelta(hours=1)

REQUEST_MESSAGES = "request.messages"
"""Not an audit action: what /reply, /refer and /attach relay on a request, each file apart
(also one sent with /request). A flood of them would queue ahead of an urgent request on a
channel that sends about one message a second to a chat."""
GROUPS: dict[str, tuple[str, ...]] = {
    REQUEST_MESSAGES: ("request.reply", "request.referred", "file.attached"),
}


def enforce(work: Work, person: Person, action: str, setting: str) -> None:
    """Refuse politely once ``person`` has done ``action`` as often as allowed this hour."""
    allowed: int = getattr(work.ctx.settings.limits, setting)
    since = iso(work.now - WINDOW)
    stamps = audit.times_since(work.db, GROUPS.get(action, (action,)), since, person.id)
    if len(stamps) < allowed:
        return
    if action == REQUEST_MESSAGES:  # the oldest that must age out first frees the next one
        again = parse_iso(stamps[len(stamps) - allowed]) + WINDOW
        raise UserError(_messages_limit(work, person, allowed, again))
    raise UserError(_limit_reached(setting, len(stamps)))


def _messages_limit(work: Work, person: Person, allowed: int, again: datetime) -> Msg:
    """The refusal on requests' messages: the limit, and when the person may write again, in
    their country's time."""
    zone = work.directory.timezone_of(person.country)
    return n_(
        "You have reached the limit of {count} message on requests an hour (replies, "
        "referrals and files). You may write on requests again at {at} {zone}; if it cannot "
        "wait, telephone the focal point or a co-chair.",
        "You have reached the limit of {count} messages on requests an hour (replies, "
        "referrals and files). You may write on requests again at {at} {zone}; if it cannot "
        "wait, telephone the focal point or a co-chair.",
        allowed,
        **local_moment(iso(again), zone),
    )


def _limit_reached(setting: str, used: int) -> Msg:
    """The refusal once a limit is reached: how many were sent, and what to do instead."""
    if setting == "requests_per_hour":
        return n_(
            "You have sent {count} request in the last hour, the most allowed. Please wait a "
            "little; if it cannot wait, telephone the focal point or a co-chair.",
            "You have sent {count} requests in the last hour, the most allowed. Please wait a "
            "little; if it cannot wait, telephone the focal point or a co-chair.",
            used,
        )
    if setting == "broadcasts_per_hour":
        return n_(
            "You have sent {count} broadcast in the last hour, the most allowed. Please wait a "
            "little; if it cannot wait, telephone the focal point or a co-chair.",
            "You have sent {count} broadcasts in the last hour, the most allowed. Please wait a "
            "little; if it cannot wait, telephone the focal point or a co-chair.",
            used,
        )
    return n_(
        "You have done this {count} time in the last hour, the most allowed. Please wait a "
        "little; if it cannot wait, telephone the focal point or a co-chair.",
        "You have done this {count} times in the last hour, the most allowed. Please wait a "
        "little; if it cannot wait, telephone the focal point or a co-chair.",
        used,
    )
