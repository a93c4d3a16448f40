"""Who is awake in their quiet hours: someone who writes at night is at work, and what comes
for them meanwhile goes at once, not in their morning (the quiet hours are there not to wake
anyone). The mark is stored, so every replica holds or sends alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import iso
from bot.storage.sql import Db

AWAKE_FOR = timedelta(minutes=30)
"""How long after their last message at night someone counts as awake, at least (a mark
renewed every :data:`RENEW_AFTER` runs that much longer)."""
RENEW_AFTER = timedelta(minutes=5)
"""A mark is written again only once this old: a chat at night is not a write a message."""


def is_awake(db: Db, person_id: str, now: datetime) -> bool:
    """Whether ``person_id`` wrote during their quiet hours in the last :data:`AWAKE_FOR`."""
    row = db.execute("SELECT until FROM awake WHERE person_id = ?", [person_id]).fetchone()
    return row is not None and str(row[0]) > iso(now)


def mark_awake(db: Db, person_id: str, now: datetime) -> bool:
    """Note that ``person_id`` wrote at ``now`` in their quiet hours; False when a mark of the
    last :data:`RENEW_AFTER` stands (nothing written)."""
    until = iso(now + AWAKE_FOR + RENEW_AFTER)  # at least AWAKE_FOR after the last message
    fresh = iso(now + AWAKE_FOR)
    cursor = db.execute(
        "INSERT INTO awake (person_id, until) VALUES (?, ?) ON CONFLICT (person_id) "
        "DO UPDATE SET until = excluded.until WHERE awake.until < ?",
        [person_id, until, fresh],
    )
    return bool(cursor.rowcount)
