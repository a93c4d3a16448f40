"""The async store: SQLite through sqlite-utils, kept off the event loop.

One worker thread owns the connection. Callers submit *units of work* (plain functions taking
the ``Database``); the thread runs whatever is waiting as one transaction with a savepoint per
unit (group commit), so a failing unit rolls back alone and a burst costs one fsync, not one
per event. Results come back to the loop through futures.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.migrations import migrate

log = logging.getLogger(__name__)
T = TypeVar("T")
Unit = Callable[[Database], T]
_STOP = object()
MAX_BATCH = 128


@dataclass(slots=True)
class _Job:
    unit: Callable[[Database], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


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


class Store:
    """Runs units of work on one thread, each unit atomic, batches committed together."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._db: Database | None = None

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

    async def run(self, unit: Callable[[Database], T]) -> T:
        """Run ``unit(db)`` atomically on the store thread and return its result."""
        if not self._thread:
            raise RuntimeError("store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(unit, future, loop))
        return await future

    async def close(self) -> None:
        """Finish queued work, then close the connection."""
        if not self._thread:
            return
        self._jobs.put(_STOP)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    # --- the store thread ---------------------------------------------------------------
    def _serve(self) -> None:
        first = self._jobs.get()
        self._run_batch([first], setup=True)
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    self._jobs.put(_STOP)
                    break
                batch.append(more)
            self._run_batch(batch)
        if self._db:
            self._db.close()

    def _run_batch(self, batch: list[_Job], setup: bool = False) -> None:
        outcomes = [self._attempt(batch[0], None)] if setup else self._in_transaction(batch)
        for job, (result, error) in zip(batch, outcomes, strict=True):
            job.loop.call_soon_threadsafe(_settle, job.future, result, error)

    def _in_transaction(self, batch: list[_Job]) -> list[tuple[Any, BaseException | None]]:
        db = self._db
        assert db is not None
        try:
            with db.atomic():
                return [self._attempt(job, db) for job in batch]
        except Exception as exc:  # the commit itself failed: every unit in it failed
            log.exception("store commit failed")
            return [(None, exc) for _ in batch]

    @staticmethod
    def _attempt(job: _Job, db: Database | None) -> tuple[Any, BaseException | None]:
        try:
            if db is None:
                return job.unit(db), None
            with db.atomic():
                return job.unit(db), None
        except Exception as exc:
            return None, exc


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
