"""The audit log: every state change, who and when, each row chained to the one before."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlite_utils import Database

GENESIS = "0" * 64


def row_hash(prev_hash: str, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    """The hash that chains a row to its predecessor."""
    payload = json.dumps([prev_hash, at, actor, action, subject, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(db: Database, at: str, actor: str, action: str, subject: str, detail: str) -> None:
    """Append one audit row to the chain."""
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    digest = row_hash(prev, at, actor, action, subject, detail)
    db.execute(
        "INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [at, actor, action, subject, detail, prev, digest],
    )
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [digest],
    )


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold."""

    row_id: int
    reason: str


def verify(db: Database) -> list[Break]:
    """Walk the chain; report every edited, deleted or reordered row."""
    breaks: list[Break] = []
    prev = GENESIS
    for row_id, at, actor, action, subject, detail, prev_hash, digest in db.execute(
        "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if prev_hash != prev:
            breaks.append(Break(row_id, "the row before it was deleted or changed"))
        if row_hash(prev_hash, at, actor, action, subject, detail) != digest:
            breaks.append(Break(row_id, "its content was edited"))
        prev = digest
    head = db.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head and head[0] != prev:
        last = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
        breaks.append(Break(last + 1, "rows at the end of the log were deleted"))
    return breaks


def head(db: Database) -> str:
    """The newest row's hash: record it elsewhere to anchor the chain."""
    row = db.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    return row[0] if row else GENESIS
