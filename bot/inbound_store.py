"""What the intake keeps: events already seen (de-duplication) and senders refused as
strangers. Every statement on the ``inbound`` and ``strangers`` tables of the core is here."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import iso
from bot.storage.sql import Db

REPLAY_WINDOW = timedelta(minutes=10)
"""How long a message's replay key holds off the same message sent again (see
:attr:`bot.events.TextMessage.replay_key`); the key is forgotten after it."""


def record_event(db: Db, channel: str, event_id: str, stamp: str) -> bool:
    """Record an inbound event (by its channel and the platform's own id for it); False when
    it was recorded before (a redelivery)."""
    changed = db.write(
        "INSERT INTO inbound (event_key, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [f"{channel}:{event_id}", stamp],
    )
    return changed == 1


def first_of_its_kind(db: Db, channel: str, replay_key: str, now: datetime) -> bool:
    """Record that a message with ``replay_key`` was taken now; False when one was taken
    within :data:`REPLAY_WINDOW` (this one is a replay). Keys whose window has passed go
    first, so the table holds ten minutes' keys at most. Two replicas offered copies at once
    take one: the other's insert waits for the first's (a row lock on PostgreSQL, the write
    lock on SQLite) and then finds its key."""
    db.write("DELETE FROM replays WHERE taken_at <= ?", [iso(now - REPLAY_WINDOW)])
    changed = db.write(
        "INSERT INTO replays (replay_key, taken_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [f"{channel}:{replay_key}", iso(now)],
    )
    return changed == 1


def stranger_alerted_at(db: Db, sender: str) -> str | None:
    """When ``sender`` (``channel:user id``) was last answered and reported, if ever."""
    row = db.execute("SELECT last_alert_at FROM strangers WHERE sender = ?", [sender]).fetchone()
    return str(row[0]) if row else None


def count_stranger(db: Db, sender: str) -> None:
    """Count one more message from ``sender`` without answering it."""
    db.execute("UPDATE strangers SET count = count + 1 WHERE sender = ?", [sender])


def stranger_alerted(db: Db, sender: str, stamp: str) -> None:
    """Count a message from ``sender`` that was answered and reported at ``stamp``."""
    db.execute(
        "INSERT INTO strangers (sender, last_alert_at, count) VALUES (?, ?, 1) "
        "ON CONFLICT(sender) DO UPDATE SET last_alert_at = excluded.last_alert_at, "
        "count = strangers.count + 1",
        [sender, stamp],
    )
