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
from bot.work import Work

WINDOW = timedelta(hours=1)
NOUNS = {"requests_per_hour": "requests", "broadcasts_per_hour": "broadcasts"}


def enforce(work: Work, person: Person, action: str, setting: str) -> None:
    """Refuse politely once ``person`` has done ``action`` as often as allowed this hour."""
    allowed: int = getattr(work.ctx.settings.limits, setting)
    used = audit.count_since(work.db, action, iso(work.now - WINDOW), actor=person.id)
    if used >= allowed:
        noun = NOUNS.get(setting, "of these")
        raise UserError(
            f"You have sent {used} {noun} in the last hour, the most allowed. Please wait a "
            "little; if it cannot wait, telephone the focal point or a co-chair."
        )
