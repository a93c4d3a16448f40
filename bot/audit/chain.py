"""The audit log: every state change, who and when, each row chained to the one before.

The chain proves nothing was edited or removed *before* its head; a head recorded outside the
database (an anchor: ``focalbot audit anchor``, the bot's anchor file) proves the head itself
was not cut back. Figures and people are bound into the chain by ``bot.audit.state``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.sql import Db

GENESIS = "0" * 64


def row_hash(prev_hash: str, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    """The hash that chains a row to its predecessor."""
    payload = json.dumps([prev_hash, at, actor, action, subject, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(db: Db, at: str, actor: str, action: str, subject: str, detail: str) -> None:
    """Append one audit row to the chain."""
    record_many(db, [(at, actor, action, subject, detail)])


def record_many(db: Db, rows: Sequence[tuple[str, str, str, str, str]]) -> None:
    """Append ``rows`` (at, actor, action, subject, detail), in order, to the chain: the head
    is read and written once, the rows go in one batch (a directory of hundreds of people
    took three round trips a person on PostgreSQL)."""
    if not rows:
        return
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    chained = []
    for at, actor, action, subject, detail in rows:
        digest = row_hash(prev, at, actor, action, subject, detail)
        chained.append((at, actor, action, subject, detail, prev, digest))
        prev = digest
    insert = (
        "INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    if len(chained) == 1:
        db.execute(insert, chained[0])  # the usual single row: no batch to set up
    else:
        db.executemany(insert, chained)
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [prev],
    )


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold."""

    row_id: int
    reason: str


def count_since(
    db: Db, action: str, since: str, actor: str | None = None, subject: str | None = None
) -> int:
    """How many ``action`` rows (by ``actor``, about ``subject``, when given) were recorded
    after ``since``."""
    sql, params = "SELECT COUNT(*) FROM audit WHERE action = ? AND at > ?", [action, since]
    if actor is not None:
        sql, params = f"{sql} AND actor = ?", [*params, actor]
    if subject is not None:
        sql, params = f"{sql} AND subject = ?", [*params, subject]
    return int(db.execute(sql, params).fetchone()[0])


def times_since(db: Db, actions: Sequence[str], since: str, actor: str) -> list[str]:
    """When ``actor`` recorded any of ``actions`` after ``since``, oldest first (a limit's
    count, and when its oldest ages out)."""
    marks = ", ".join("?" for _action in actions)
    rows = db.execute(
        f"SELECT at FROM audit WHERE actor = ? AND at > ? AND action IN ({marks}) ORDER BY at",
        [actor, since, *actions],
    )
    return [str(at) for (at,) in rows]


def verify(db: Db) -> list[Break]:
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
        breaks.append(_head_break(db))
    return breaks


def _head_break(db: Db) -> Break:
    """The newest row is not the head recorded with the last change. From the database alone
    that cannot tell rows deleted after it from rows rewritten and chained anew (or the
    recorded head itself edited): an anchor kept elsewhere tells which rows still hold."""
    last = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    if not last:
        return Break(1, "the log is empty, yet a head was recorded: its rows were deleted")
    return Break(
        last,
        "the newest row is not the head recorded with the last change: rows after it were "
        "deleted, or rows up to it were rewritten and chained anew (check an anchor kept "
        "elsewhere: `audit verify --anchor`)",
    )


def head(db: Db) -> str:
    """The newest row's hash: record it elsewhere to anchor the chain."""
    row = db.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    return row[0] if row else GENESIS


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database: row number, its hash, its time."""

    seq: int
    hash: str
    at: str = ""

    def line(self, taken: str) -> str:
        """One line to paste elsewhere or append to the anchor file."""
        return f"focalpoint audit head seq={self.seq} hash={self.hash} at={self.at} taken={taken}"

    def short(self) -> str:
        """``seq:hash``, the form ``audit verify --anchor`` takes."""
        return f"{self.seq}:{self.hash}"


def current_anchor(db: Db) -> Anchor:
    """The newest row of the chain as an anchor (row 0 and the genesis hash when empty)."""
    row = db.execute("SELECT id, hash, at FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return Anchor(row[0], row[1], row[2]) if row else Anchor(0, GENESIS)


_LINE = re.compile(r"seq=(\d+)\s+hash=([0-9a-f]{64})(?:\s+at=(\S*))?")
_SHORT = re.compile(r"^\s*(\d+):([0-9a-f]{64})\s*$")


def parse_anchors(text: str) -> list[Anchor]:
    """Every anchor in ``text``: ``seq:hash``, or lines as :meth:`Anchor.line` writes them."""
    short = _SHORT.match(text)
    if short:
        return [Anchor(int(short[1]), short[2])]
    return [Anchor(int(m[1]), m[2], m[3] or "") for m in _LINE.finditer(text)]


def check_anchor(db: Db, anchor: Anchor) -> str | None:
    """Why the chain no longer holds ``anchor`` unchanged, or None when it does.

    With the chain itself intact (:func:`verify`), an anchored row still present with its hash
    proves that nothing up to it was altered or removed.
    """
    if anchor.seq == 0:
        return None if anchor.hash == GENESIS else "row 0 can only be the empty chain"
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [anchor.seq]).fetchone()
    if row is None:
        last = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
        if last > anchor.seq:  # PostgreSQL never reuses a row number: later rows were appended
            return (
                f"row {anchor.seq} is missing though the log goes on to row {last}: "
                "the log was cut back or rewritten up to the anchor"
            )
        return (
            f"the log ends at row {last}, before the anchored row {anchor.seq}: "
            "rows up to the anchor were deleted"
        )
    if row[0] != anchor.hash:
        return (
            f"row {anchor.seq} has hash {row[0][:16]}…, not the anchored {anchor.hash[:16]}…: "
            "the log was cut back or rewritten up to the anchor"
        )
    return None
