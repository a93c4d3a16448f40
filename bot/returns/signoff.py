"""National sign-off: in a period that asks for it, a return a deputy submits counts only once
the country's focal point approves it (``/return approve`` or the button sent to them).

Which periods need it is kept apart from the period itself (``period_signoff``), set from
``[[periods]] signoff = true`` or the word ``signoff`` when a co-chair opens one in chat.
"""

from __future__ import annotations

from bot.storage.sql import Db


def needs_signoff(db: Db, period: str) -> bool:
    """Whether returns of ``period`` wait for their focal point's approval."""
    row = db.execute("SELECT 1 FROM period_signoff WHERE period = ?", [period]).fetchone()
    return row is not None


def require_signoff(db: Db, period: str, by: str, stamp: str) -> None:
    """Make ``period`` need national sign-off (kept as first set when set again)."""
    db.execute(
        "INSERT INTO period_signoff (period, set_by, set_at) VALUES (?, ?, ?) "
        "ON CONFLICT (period) DO NOTHING",
        [period, by, stamp],
    )
