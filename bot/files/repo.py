"""The one place for the SQL of files on requests (``request_files``, migration V8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.events import IncomingFile
from bot.storage.sql import Db


@dataclass(frozen=True)
class FileRow:
    """A file on a request: its number there, its blob, what it is and who sent it."""

    request_id: str
    n: int
    sha256: str
    size: int
    mime: str
    kind: str
    name: str
    sender_id: str
    created_at: str


_COLUMNS = "request_id, n, sha256, size, mime, kind, name, sender_id, created_at"


def add(db: Db, request_id: str, file: IncomingFile, sender_id: str, at: str) -> int | None:
    """Link a stored file to a request; its number, or None when the request already has the
    same content (a platform's redelivery, or the same photo sent twice)."""
    if db.execute(
        "SELECT 1 FROM request_files WHERE request_id = ? AND sha256 = ?", [request_id, file.sha256]
    ).fetchone():
        return None
    row = db.execute(
        "SELECT COALESCE(MAX(n), 0) + 1 FROM request_files WHERE request_id = ?", [request_id]
    ).fetchone()
    n = int(row[0])
    db.execute(
        f"INSERT INTO request_files ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [request_id, n, file.sha256, file.size, file.mime, file.kind, file.name, sender_id, at],
    )
    return n


def count(db: Db, request_id: str) -> int:
    """How many files the request has."""
    row = db.execute("SELECT COUNT(*) FROM request_files WHERE request_id = ?", [request_id])
    return int(row.fetchone()[0])


def listing(db: Db, request_id: str) -> list[FileRow]:
    """The request's files, by number."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM request_files WHERE request_id = ? ORDER BY n", [request_id]
    )
    return [_row(r) for r in rows]


def get(db: Db, request_id: str, n: int) -> FileRow | None:
    """File ``n`` of the request, if it has one."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM request_files WHERE request_id = ? AND n = ?", [request_id, n]
    ).fetchone()
    return _row(row) if row else None


def referenced(db: Db) -> set[str]:
    """Every blob some request holds, or someone is about to attach (the sweep spares them)."""
    held = {str(r[0]) for r in db.execute("SELECT DISTINCT sha256 FROM request_files")}
    return held | {str(r[0]) for r in db.execute("SELECT DISTINCT sha256 FROM pending_files")}


def hold(db: Db, person_id: str, file: IncomingFile, at: str) -> None:
    """Keep a file sent without a command until its sender names the request."""
    db.execute(
        "INSERT INTO pending_files (person_id, sha256, size, mime, kind, name, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, sha256) DO NOTHING",
        [person_id, file.sha256, file.size, file.mime, file.kind, file.name, at],
    )


def take_held(db: Db, person_id: str, since: str) -> list[IncomingFile]:
    """The files ``person_id`` sent without a command since ``since``, oldest first; they are
    no longer held (older ones are dropped too)."""
    rows = db.execute(
        "SELECT sha256, size, mime, kind, name FROM pending_files "
        "WHERE person_id = ? AND received_at >= ? ORDER BY received_at, sha256",
        [person_id, since],
    ).fetchall()
    db.execute("DELETE FROM pending_files WHERE person_id = ?", [person_id])
    return [
        IncomingFile("", str(name), str(kind), int(size), str(sha256), str(mime))
        for sha256, size, mime, kind, name in rows
    ]


def drop_held_before(db: Db, cutoff: str) -> int:
    """Forget files never attached (the purge; their blobs go in the sweep)."""
    row = db.execute("SELECT COUNT(*) FROM pending_files WHERE received_at < ?", [cutoff])
    count = int(row.fetchone()[0])
    db.execute("DELETE FROM pending_files WHERE received_at < ?", [cutoff])
    return count


def remove_for(db: Db, request_id: str) -> None:
    """Forget a purged request's files (their blobs go in the next sweep)."""
    db.execute("DELETE FROM request_files WHERE request_id = ?", [request_id])


def _row(r: Any) -> FileRow:
    return FileRow(str(r[0]), int(r[1]), str(r[2]), int(r[3]), *(str(v) for v in r[4:9]))
