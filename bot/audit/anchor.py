"""The running bot anchors the audit chain outside the database.

Every day at 00:00 UTC (a timer row with the day in its id, so it fires once even across
restarts) and at every stop, the chain head is appended to the anchor file, and, when
configured, sent to the co-chairs. ``focalbot audit verify --anchor FILE`` then proves the
chain still holds every head recorded there.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.audit import chain as audit
from bot.i18n import _
from bot.storage.sql import Db, beside_database
from bot.work import Work

log = logging.getLogger(__name__)
ANCHOR_TIMER = "audit.anchor"


def anchor_path(db: Db, configured: str) -> Path:
    """The configured anchor file, or ``<database>.audit-anchors`` beside the database."""
    return beside_database(db, configured, ".audit-anchors")


def append_head(work: Work) -> audit.Anchor:
    """Append the current head to the anchor file; return it."""
    head = audit.current_anchor(work.db)
    path = anchor_path(work.db, work.ctx.settings.audit.anchor_file)
    with path.open("a", encoding="utf-8") as out:
        out.write(head.line(work.stamp) + "\n")
    return head


def arm_daily(work: Work) -> None:
    """Arm the next daily anchor (a no-op when armed already, or when not configured)."""
    if not work.ctx.settings.audit.anchor_daily:
        return
    today = work.now.astimezone(UTC).date()
    due = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    work.schedule(f"{ANCHOR_TIMER}:{due.date().isoformat()}", ANCHOR_TIMER, "", due)


def daily(work: Work, _subject: str) -> None:
    """The daily anchor: to the file, to the co-chairs if configured; then arm the next."""
    head = append_head(work)
    if work.ctx.settings.audit.anchor_to_cochairs:
        text = _(
            "Audit log head for your records (keep it outside FocalPoint): {head}",
            head=head.line(work.stamp),
        )
        for person in work.directory.with_role("co_chair"):
            work.notify(person, text, subject=ANCHOR_TIMER)
    arm_daily(work)


def at_stop(work: Work) -> None:
    """The anchor taken as the bot stops."""
    append_head(work)


TIMERS = {ANCHOR_TIMER: daily}
