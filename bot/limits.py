"""Per-person abuse limits, counted from the audit log so they hold across restarts.

A command declares ``limit=(audit action, LimitSettings field)``; the dispatcher checks it in
one place before the handler runs.
"""

from __future__ import annotations

from datetime import timedelta

from bot.audit import chain as audit
from bot.clock import iso
from bot.config import Person
from bot.errors import UserError
from bot.i18n import Msg, n_
from bot.work import Work

WINDOW = timedelta(hours=1)


def enforce(work: Work, person: Person, action: str, setting: str) -> None:
    """Refuse politely once ``person`` has done ``action`` as often as allowed this hour."""
    allowed: int = getattr(work.ctx.settings.limits, setting)
    used = audit.count_since(work.db, action, iso(work.now - WINDOW), actor=person.id)
    if used >= allowed:
        raise UserError(_limit_reached(setting, used))


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
