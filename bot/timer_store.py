"""Where armed timers are kept: every statement on the ``timers`` table, in one place.

A timer is armed inside the unit of work that decides it (so it exists only if that unit
commits) and fires once: the unit that fires it first claims it by marking it fired.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import iso, parse_iso
from bot.storage.sql import Db


def arm(db: Db, timer_id: str, kind: str, subject: str, due_at: datetime, stamp: str) -> None:
    """Record a timer; arming the same id again changes nothing."""
    db.execute(
        "INSERT INTO timers (id, kind, subject, due_at, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [timer_id, kind, subject, iso(due_at), stamp],
    )


def retime(db: Db, timer_id: str, due_at: datetime) -> bool:
    """Move an armed timer that has not fired to ``due_at``; return whether it moved.

    Arming is idempotent by id, so a timer whose moment is recomputed (a country's time zone
    or the reminder time changed) would otherwise keep its old one. A fired timer stays as it
    was: it is the record of what happened.
    """
    at = iso(due_at)
    cursor = db.execute(
        "UPDATE timers SET due_at = ? WHERE id = ? AND fired_at IS NULL AND due_at <> ?",
        [at, timer_id, at],
    )
    return cursor.rowcount == 1


def pending(db: Db) -> list[tuple[str, datetime]]:
    """Every armed timer that has not fired, soonest first."""
    rows = db.execute("SELECT id, due_at FROM timers WHERE fired_at IS NULL ORDER BY due_at, id")
    return [(timer_id, parse_iso(due)) for timer_id, due in rows]


def due(db: Db, now: datetime) -> list[str]:
    """Ids of unfired timers whose time has come, soonest first."""
    rows = db.execute(
        "SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at, id",
        [iso(now)],
    )
    return [row[0] for row in rows]


def claim(db: Db, timer_id: str, now: datetime) -> tuple[str, str] | None:
    """Mark an unfired timer fired; return its (kind, subject), or None when it already fired
    (or never existed)."""
    row = db.execute(
        "SELECT kind, subject FROM timers WHERE id = ? AND fired_at IS NULL", [timer_id]
    ).fetchone()
    if row is None:
        return None
    db.execute("UPDATE timers SET fired_at = ? WHERE id = ?", [iso(now), timer_id])
    return str(row[0]), str(row[1])


def due_at(db: Db, timer_id: str) -> datetime | None:
    """When the timer ``timer_id`` was due (None when there is no such timer): a reminder
    firing late is judged by the moment it was meant for."""
    row = db.execute("SELECT due_at FROM timers WHERE id = ?", [timer_id]).fetchone()
    return parse_iso(row[0]) if row else None
