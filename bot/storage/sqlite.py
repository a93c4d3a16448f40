"""The async store: SQLite through sqlite-utils, kept off the event loop.

One worker thread owns the connection. Callers submit *units of work* (plain functions taking
the ``Database``); the thread runs whatever is waiting as one transaction with a savepoint per
unit (group commit), so a failing unit rolls back alone and a burst costs one fsync, not one
per event. Results come back to the loop through futures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.storage.migrations import migrate
from bot.storage.sql import Db, SqliteDb

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()
MAX_BATCH = 128
FLUSH_AFTER = 0.002  # seconds deferred work may wait for company


@dataclass(slots=True)
class _Job:
    unit: Callable[[Db], Any]
    future: asyncio.Future[Any] | None  # None: deferred bookkeeping, nobody waits
    loop: asyncio.AbstractEventLoop | None


def connect(path: str | Path, busy_timeout_ms: int = 10_000) -> Database:
    """Open the database with the pragmas every FocalPoint connection uses."""
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout_ms / 1000)
    db = Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


class SqliteStore:
    """Runs units of work on one thread, each unit atomic, batches committed together."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._handle: SqliteDb | None = None  # what units see: the shared SQL port

    async def open(self) -> None:
        """Connect, migrate to the current schema and start the worker thread."""
        if self._thread:
            return
        self._thread = threading.Thread(target=self._serve, name="focalbot-store", daemon=True)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._jobs.put(_Job(self._setup, ready, asyncio.get_running_loop()))
        self._thread.start()
        await ready

    def _setup(self, _db: Any) -> None:
        self._db = connect(self.path)
        migrate(self._db)
        self._handle = SqliteDb(self._db)

    async def run(self, unit: Callable[[Db], T]) -> T:
        """Run ``unit(db)`` atomically on the store thread and return its result."""
        if not self._thread:
            raise RuntimeError("store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(unit, future, loop))
        return await future

    @property
    def is_open(self) -> bool:
        """Whether units can run (opened and not closed)."""
        return self._thread is not None

    async def close(self) -> None:
        """Finish queued work, then close the connection."""
        if not self._thread:
            return
        self._jobs.put(_STOP)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    def defer(self, unit: Callable[[Db], Any]) -> None:
        """Run ``unit`` with the next batch, or within ``FLUSH_AFTER`` seconds if none comes.

        For bookkeeping whose loss in a crash only means a harmless retry (marking a message
        sent): it rides along with the next transaction instead of paying for its own commit.
        """
        if not self._thread:
            raise RuntimeError("store is not open")
        self._jobs.put(_Job(unit, None, None))

    # --- the store thread ---------------------------------------------------------------
    def _serve(self) -> None:
        first = self._jobs.get()
        self._settle_all([first], [self._attempt(first, None, savepoint=False)])
        deferred: list[_Job] = []
        while True:
            try:
                job = self._jobs.get(timeout=FLUSH_AFTER if deferred else None)
            except queue.Empty:
                job = None
            if job is _STOP:
                break
            batch = deferred + ([job] if job is not None else []) + self._drain()
            if (
                job is not None
                and all(j.future is None for j in batch)
                and (len(batch) < MAX_BATCH)
            ):
                deferred = batch  # only bookkeeping so far: wait a little for real work
                continue
            deferred = []
            self._run_batch(batch)
        if deferred:
            self._run_batch(deferred)
        if self._db:
            self._db.close()

    def _drain(self) -> list[_Job]:
        more: list[_Job] = []
        while len(more) < MAX_BATCH:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is _STOP:
                self._jobs.put(_STOP)
                break
            more.append(job)
        return more

    def _run_batch(self, batch: list[_Job]) -> None:
        self._settle_all(batch, self._in_transaction(batch))

    @staticmethod
    def _settle_all(batch: list[_Job], outcomes: list[tuple[Any, BaseException | None]]) -> None:
        for job, (result, error) in zip(batch, outcomes, strict=True):
            if job.future is not None and job.loop is not None:
                job.loop.call_soon_threadsafe(_settle, job.future, result, error)
            elif error is not None:
                log.error("deferred store work failed", exc_info=error)

    def _in_transaction(self, batch: list[_Job]) -> list[tuple[Any, BaseException | None]]:
        conn = self._conn
        single = len(batch) == 1  # one unit: the transaction itself is its rollback scope
        try:
            # IMMEDIATE: take the write lock now, waiting up to busy_timeout for another process
            # (the CLI) to finish. A deferred BEGIN reads first and, if someone else commits
            # before this batch's first write, that write fails at once with "database is
            # locked" (a stale WAL snapshot cannot be upgraded; no busy wait helps).
            conn.execute("BEGIN IMMEDIATE")
            outcomes = [self._attempt(job, self._handle, savepoint=not single) for job in batch]
            if single and outcomes[0][1] is not None:
                conn.execute("ROLLBACK")
            else:
                conn.execute("COMMIT")
            return outcomes
        except Exception as exc:  # the commit itself failed: every unit in it failed
            log.exception("store commit failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [(None, exc) for _ in batch]

    @staticmethod
    def _attempt(
        job: _Job, db: SqliteDb | None, savepoint: bool
    ) -> tuple[Any, BaseException | None]:
        try:
            if not savepoint:
                return job.unit(db), None
            assert db is not None
            with atomic(db):
                return job.unit(db), None
        except Exception as exc:
            return None, exc

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None
        return self._db.conn


_depth = threading.local()
DB = TypeVar("DB", Database, SqliteDb)


@contextlib.contextmanager
def atomic(db: DB) -> Iterator[DB]:
    """A savepoint inside the open transaction: undone alone if the block raises.

    Like sqlite-utils' ``atomic()`` but with names from the nesting depth, which is cheaper
    than a random name per call on this hot path.
    """
    depth = getattr(_depth, "value", 0)
    name = f"unit_{depth}"
    db.conn.execute(f"SAVEPOINT {name}")
    _depth.value = depth + 1
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute(f"ROLLBACK TO {name}")
            db.conn.execute(f"RELEASE {name}")
        raise
    else:
        db.conn.execute(f"RELEASE {name}")
    finally:
        _depth.value = depth


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
