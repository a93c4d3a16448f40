"""Broadcasts a co-chair has previewed and not yet sent: at most one pending per co-chair.

``/broadcast <text>`` keeps the text here and shows it as it will go; Send or Cancel settles
it. Each co-chair's drafts are numbered and their buttons carry the number, so a button on an
older preview never acts on a newer one. A settled draft keeps its state (sent as which
broadcast, cancelled, replaced) but not its text, so a second press is answered truly and a
dropped text does not linger.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.sql import Db

PENDING, SENT, CANCELLED, REPLACED = "pending", "sent", "cancelled", "replaced"
_COLUMNS = "author_id, n, period, text, created_at, status, broadcast_id"


@dataclass(frozen=True)
class Draft:
    """One previewed broadcast."""

    author_id: str
    n: int
    period: str
    text: str
    created_at: str
    status: str
    broadcast_id: str | None = None  # once sent


def create(
    db: Db, author_id: str, period: str, text: str, stamp: str
) -> tuple[Draft, Draft | None]:
    """Keep a new pending draft; the author's pending one it replaces, if any, as it was."""
    latest = find(db, author_id, None)
    replaced = latest if latest is not None and latest.status == PENDING else None
    if replaced is not None:
        settle(db, replaced, REPLACED)
    draft = Draft(author_id, (latest.n if latest else 0) + 1, period, text, stamp, PENDING)
    db.execute(
        f"INSERT INTO broadcast_drafts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL)",
        [author_id, draft.n, period, text, stamp, PENDING],
    )
    return draft, replaced


def find(db: Db, author_id: str, n: int | None) -> Draft | None:
    """The author's draft ``n``, or with ``n`` None their latest."""
    if n is None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM broadcast_drafts WHERE author_id = ? ORDER BY n DESC LIMIT 1",
            [author_id],
        ).fetchone()
    else:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM broadcast_drafts WHERE author_id = ? AND n = ?",
            [author_id, n],
        ).fetchone()
    return Draft(*row) if row else None


def settle(db: Db, draft: Draft, status: str, broadcast_id: str | None = None) -> bool:
    """Move a pending draft to ``status``, dropping its text; False when it was no longer
    pending (another press settled it first)."""
    cursor = db.execute(
        "UPDATE broadcast_drafts SET status = ?, broadcast_id = ?, text = '' "
        "WHERE author_id = ? AND n = ? AND status = ?",
        [status, broadcast_id, draft.author_id, draft.n, PENDING],
    )
    return cursor.rowcount == 1


def record_sent(db: Db, draft: Draft, broadcast_id: str) -> None:
    """Note which broadcast a draft (already settled as sent) became."""
    db.execute(
        "UPDATE broadcast_drafts SET broadcast_id = ? WHERE author_id = ? AND n = ?",
        [broadcast_id, draft.author_id, draft.n],
    )
