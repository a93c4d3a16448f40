"""Broadcasts in the database: who was sent what, whether it was delivered and acknowledged.

Each recipient row points at the outbox row that carries the message, so delivery status is the
outbox's own (``sent`` / ``failed`` / still ``queued``); a recipient no channel reaches has no
outbox row and counts as failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.requests.repo import ID_PUNCTUATION
from bot.storage.sql import Db

DELIVERED, FAILED, QUEUED, UNREACHABLE = "delivered", "failed", "queued", "no channel"
EXPIRED, WITHDRAWN = "expired", "withdrawn"
_OUTBOX_STATUS = {
    "sent": DELIVERED,
    "failed": FAILED,
    "queued": QUEUED,
    "expired": EXPIRED,
    "withdrawn": WITHDRAWN,
}


@dataclass(frozen=True)
class Recipient:
    """One recipient's state."""

    person_id: str
    delivery: str
    acknowledged_at: str | None
    held_until: str | None = None  # queued through the recipient's quiet hours until then


def next_id(db: Db) -> tuple[str, int]:
    """The next broadcast id, ``B-<n>``."""
    seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM broadcasts").fetchone()[0]
    return f"B-{seq}", seq


def insert(
    db: Db, ident: tuple[str, int], period: str | None, author: str, text: str, stamp: str
) -> None:
    """Record a broadcast."""
    db.execute(
        "INSERT INTO broadcasts (id, seq, period, author_id, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [ident[0], ident[1], period, author, text, stamp],
    )


def add_recipient(db: Db, broadcast_id: str, person_id: str, outbox_id: int | None) -> None:
    """Link a recipient to the outbox row carrying their copy (None: unreachable)."""
    db.execute(
        "INSERT INTO broadcast_recipients (broadcast_id, person_id, outbox_id) VALUES (?, ?, ?) "
        "ON CONFLICT (broadcast_id, person_id) DO UPDATE SET outbox_id = excluded.outbox_id, "
        "acknowledged_at = NULL",
        [broadcast_id, person_id, outbox_id],
    )


def normalise_id(raw: str) -> str:
    """``b-3``, ``3``, ``B-3`` and ``B-3.`` (as a sentence ends it) all mean ``B-3``."""
    typed = raw.strip().upper()
    digits = typed.rstrip(ID_PUNCTUATION).removeprefix("B").lstrip("-")
    return f"B-{digits}" if digits.isdigit() else typed


def load(db: Db, broadcast_id: str) -> tuple[str, str | None, str, str] | None:
    """(author, period, text, created_at) of a broadcast."""
    row = db.execute(
        "SELECT author_id, period, text, created_at FROM broadcasts WHERE id = ?",
        [broadcast_id],
    ).fetchone()
    return tuple(row) if row else None


def latest_id(db: Db) -> str | None:
    """The most recent broadcast's id."""
    row = db.execute("SELECT id FROM broadcasts ORDER BY seq DESC LIMIT 1").fetchone()
    return row[0] if row else None


def acknowledge(db: Db, broadcast_id: str, person_id: str, stamp: str) -> bool | None:
    """Mark acknowledged: True now, False if it already was, None if never sent to them."""
    row = db.execute(
        "SELECT acknowledged_at FROM broadcast_recipients WHERE broadcast_id = ? AND person_id = ?",
        [broadcast_id, person_id],
    ).fetchone()
    if row is None:
        return None
    if row[0]:
        return False
    db.execute(
        "UPDATE broadcast_recipients SET acknowledged_at = ? WHERE broadcast_id = ? "
        "AND person_id = ?",
        [stamp, broadcast_id, person_id],
    )
    return True


def recipients(db: Db, broadcast_id: str) -> list[Recipient]:
    """Every recipient with delivery status from the outbox."""
    rows = db.execute(
        "SELECT r.person_id, o.status, r.acknowledged_at, o.not_before "
        "FROM broadcast_recipients r LEFT JOIN outbox o ON o.id = r.outbox_id "
        "WHERE r.broadcast_id = ? ORDER BY r.person_id",
        [broadcast_id],
    )
    return [
        Recipient(p, _OUTBOX_STATUS.get(s, UNREACHABLE) if s else UNREACHABLE, a, held)
        for p, s, a, held in rows
    ]
