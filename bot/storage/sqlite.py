"""The async store: SQLite through sqlite-utils, kept off the event loop unless known short.

One worker thread owns the connection for long work. Callers submit *units of work* (plain
functions taking the ``Database``); the thread runs whatever is waiting as one transaction with
a savepoint per unit (group commit), so a failing unit rolls back alone and a burst costs one
commit, not one per event. Results come back to the loop through futures.

A unit the caller knows to be short (``run(unit, short=True)``: a ping, /whoami) runs on the
event loop itself when the thread has nothing queued: the hop to the thread and back costs
more than such a unit on some machines. Short units offered while more work waits behind them
(``more=True``: a burst) are gathered until the end of that turn of the loop and share one
commit there, as do any offered while such a batch is gathering. They never wait on the
loop: if the thread holds the
connection, or another process holds SQLite's write lock, they go to the thread instead.
WAL checkpoints (the only fsyncs) run on the thread too, so the loop never waits for a disk.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlite_utils import Database

from bot.errors import StoreUnavailable
from bot.storage.migrations import migrate
from bot.storage.sql import Db, SqliteDb, atomic

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()
_FLUSH = object()  # deferred bookkeeping waited long enough for company: commit it alone
_CHECKPOINT = object()
MAX_BATCH = 128
FLUSH_AFTER = 0.002  # seconds deferred work may wait for company
BUSY_TIMEOUT_MS = 10_000
PAGE_SIZE = 1024
WAL_AUTOCHECKPOINT = 1000  # pages: SQLite's default, for batches on the thread
# Commits between WAL checkpoints, taken on the thread (SQLite's own would fsync on the loop).
# An event's commit writes about five 1 KiB pages, so the WAL grows to about 5 MB between
# checkpoints: what SQLite's default (1,000 pages of 4 KiB) lets it grow to. A checkpoint
# writes each page once however often it changed (the outbox's last page, the pending index),
# and syncs twice: one every 200 commits cost W1 4–5 µs of CPU a message, every 1,000 2.5–3.
CHECKPOINT_EVERY = 1000


_Outcome = tuple["asyncio.Future[Any] | None", Any, BaseException | None]

# sqlite3 binds int, float and str directly but sends every other value, None included,
# through its adapter lookup, which for None ends in an AttributeError raised and swallowed
# (half the cost of binding a row with a few NULLs in it). An adapter registered for None
# (a C-level callable: None in, None out) is found at once, and None is still bound as NULL.
sqlite3.register_adapter(type(None), cast(Callable[[None], None], {}.get))


@dataclass(slots=True)
class _Job:
    unit: Callable[[Db], Any]
    future: asyncio.Future[Any] | None  # None: deferred bookkeeping, nobody waits
    loop: asyncio.AbstractEventLoop | None
    queued: bool = False  # sent to the store thread (counted until its caller resumes)


def connect(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open the database with the pragmas every FocalPoint connection uses."""
    if str(path) != ":memory:":
        _create_private(Path(path))
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout_ms / 1000)
    db = Database(conn)
    if str(path) != ":memory:":
        # A new database gets 1 KiB pages: each commit writes every page it changed to the
        # WAL, and an event's commit changes three small rows in three b-trees.
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # no effect once the file has tables
        db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _create_private(path: Path) -> None:
    """Make a new database file readable by its owner only (0600): it holds casework in the
    clear, and SQLite gives its -wal and -shm files the database file's permissions. An
    existing file keeps the permissions its administrator gave it."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # no such folder, no access: sqlite3 says so in its own words


def in_use(path: str | Path) -> bool:
    """Whether another connection (a running bot, a ``sqlite3`` shell) has ``path`` open.

    A connection to a WAL database keeps a shared lock on the file from its first read until
    it closes (the bot reads at once: it migrates). A connection in exclusive locking mode
    needs the exclusive lock to begin, so without waiting it fails while anyone else is in.
    """
    try:
        with closing(sqlite3.connect(str(path), timeout=0)) as probe:
            probe.execute("PRAGMA locking_mode=EXCLUSIVE")
            probe.execute("BEGIN EXCLUSIVE")
            probe.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return True
        raise StoreUnavailable(f"cannot open the SQLite database {path}: {exc}") from exc
    return False


class SqliteStore:
    """Runs units of work atomically: long ones on one thread in batches committed together,
    short ones on the event loop when that costs no waiting."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._handle: SqliteDb | None = None  # what units see: the shared SQL port
        # Whoever holds the lock owns the connection: the thread for a batch, the loop for a
        # short unit. Units queued for the thread are counted as queued, finished (by the
        # thread) and resumed (their caller has its result, on the loop), so a short unit
        # never overtakes one submitted before it: not in the database, and not in what the
        # callers do next (the app hands a unit's messages to the outbox when it resumes).
        self._lock = threading.Lock()
        self._queued = 0  # written by the loop only
        self._finished = 0  # written by the store thread only
        self._resumed = 0  # written by the loop only
        self._deferred: deque[_Job] = deque()
        self._flush_handle: asyncio.TimerHandle | None = None
        self._deferred_since = 0.0  # when the oldest waiting rider was deferred
        self._pending: list[_Job] = []  # short units of a burst, committed at the turn's end
        self._on_loop = False  # how the connection is set up: for the loop or the thread
        self._commits = 0  # since the last checkpoint
        self._checkpoint_asked = False
        self._checkpointer: sqlite3.Connection | None = None  # the store thread's, for the WAL
        self._closing = False

    async def open(self) -> None:
        """Connect, migrate to the current schema and start the worker thread."""
        if self._thread:
            return
        self._closing = False
        self._thread = threading.Thread(target=self._serve, name="focalbot-store", daemon=True)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued += 1
        self._jobs.put(_Job(self._setup, ready, asyncio.get_running_loop()))
        self._thread.start()
        try:
            await ready
        except sqlite3.Error as exc:  # not a database, a folder, no such folder, no access
            await self.close()
            raise StoreUnavailable(f"cannot open the SQLite database {self.path}: {exc}") from exc
        finally:
            self._resumed += 1

    def _setup(self, _db: Any) -> None:
        self._db = connect(self.path)
        migrate(self._db)
        self._handle = SqliteDb(self._db)

    async def run(self, unit: Callable[[Db], T], *, short: bool = False, more: bool = False) -> T:
        """Run ``unit(db)`` atomically and return its result.

        ``short``: the caller knows the unit takes well under a millisecond (no reports,
        imports or purges), so it may run on the event loop instead of the store thread.
        ``more``: more work waits behind it (a burst), so a short unit waits for the end of
        this turn of the loop and shares one commit with the others offered meanwhile.
        """
        if not self._thread:
            raise RuntimeError("store is not open")
        gather = short and not self._closing and (more or bool(self._pending))
        if short and not self._closing and not gather:
            # alone: run it right away if the store is free (no future, no suspension);
            # if not, it goes to the thread like any unit, in order
            done = self._run_here([unit])
            if done is not None:
                result, error = done[0]
                if error is not None:
                    raise error
                value: T = result  # (typed without a call to cast: this runs for every unit)
                return value
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = _Job(unit, future, loop)
        if gather:  # a burst: all offered this turn of the loop commit together at its end
            if not self._pending:
                loop.call_soon(self._run_pending)
            self._pending.append(job)
        else:
            self._to_thread(job)
        try:
            return await future
        finally:
            if job.queued:  # its caller has the result (or gave up): later units may go on
                self._resumed += 1

    def _to_thread(self, job: _Job) -> None:
        job.queued = True
        self._queued += 1
        self._jobs.put(job)

    @property
    def is_open(self) -> bool:
        """Whether units can run (opened and not closed)."""
        return self._thread is not None

    async def close(self) -> None:
        """Finish queued and deferred work, then close the connection."""
        if not self._thread:
            return
        self._closing = True
        self._run_pending()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._jobs.put(_STOP)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    def defer(self, unit: Callable[[Db], Any]) -> None:
        """Run ``unit`` with the next unit's transaction, or within ``FLUSH_AFTER`` seconds.

        For bookkeeping whose loss in a crash only means a harmless retry (marking a message
        sent): it rides along with the next transaction instead of paying for its own commit
        or its own hop to the thread. Called on the event loop.
        """
        if not self._thread:
            raise RuntimeError("store is not open")
        if not self._deferred:
            self._deferred_since = time.monotonic()
        self._deferred.append(_Job(unit, None, None))
        if self._flush_handle is None:  # (usually armed already: a call saved a message)
            self._arm_flush(FLUSH_AFTER)

    def _arm_flush(self, delay: float) -> None:
        if self._flush_handle is None and not self._closing:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(delay, self._flush)

    def _flush(self) -> None:
        """Deferred work found no company in time: the thread commits it.

        The timer is left armed when a unit takes the riders (cheaper than cancelling it for
        every message), so riders deferred since then get their full wait before a flush.
        """
        self._flush_handle = None
        if not self._deferred or self._closing:
            return
        waited = time.monotonic() - self._deferred_since
        if waited < FLUSH_AFTER:
            self._arm_flush(FLUSH_AFTER - waited)
        else:
            self._jobs.put(_FLUSH)

    # --- on the event loop --------------------------------------------------------------
    def _run_pending(self) -> None:
        """Run the short units offered this round together on the loop (one commit for all,
        as the thread would), or hand them to the thread in order if it is busy."""
        jobs, self._pending = self._pending, []
        if not jobs:
            return
        outcomes = self._run_here([job.unit for job in jobs])
        if outcomes is None:
            for job in jobs:
                self._to_thread(job)
        else:
            _settle([(job.future, *outcome) for job, outcome in zip(jobs, outcomes, strict=True)])

    def _run_here(
        self, units: list[Callable[[Db], Any]]
    ) -> list[tuple[Any, BaseException | None]] | None:
        """Run ``units`` in one transaction on the calling thread and return their outcomes;
        None to leave them to the thread (it has work in hand or queued, or another process
        holds the write lock).

        The riders go first without savepoints: if one fails, all is undone and the thread
        runs them one savepoint each. A lone unit has no savepoint either: if it fails, the
        transaction is undone and its riders wait for the next unit.
        """
        # Every unit sent to the thread is done and its caller has resumed (compared in
        # place: this runs for every short unit).
        if not (self._queued == self._finished == self._resumed) or not self._lock.acquire(
            blocking=False
        ):
            return None  # keep the order of work submitted before
        try:
            handle = self._handle
            if not (self._queued == self._finished == self._resumed) or handle is None:
                return None
            if not self._on_loop:
                self._set_up_for(loop=True)
            try:
                handle.writes.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return None  # never wait on the loop: the thread waits for the lock
            riders: list[_Job] = []
            if self._deferred:  # (taken in place: this runs for every short unit)
                riders = self._take_deferred()
                if not self._ride(riders):
                    return None
            return self._commit_here(handle, units, riders)
        finally:
            self._lock.release()

    def _commit_here(
        self, handle: SqliteDb, units: list[Callable[[Db], Any]], riders: list[_Job]
    ) -> list[tuple[Any, BaseException | None]]:
        try:
            if len(units) == 1:  # alone: the transaction itself is its rollback scope
                try:  # (_attempt, in place: this runs for every short unit)
                    outcome: tuple[Any, BaseException | None] = (units[0](handle), None)
                except Exception as exc:
                    outcome = (None, exc)
                if outcome[1] is not None:
                    self._undo(riders)
                    return [outcome]
                outcomes = [outcome]
            else:
                outcomes = [self._attempt(unit, handle, savepoint=True) for unit in units]
            handle.writes.execute("COMMIT")
        except BaseException as exc:  # the commit failed (or the loop is being torn down)
            self._undo(riders)
            if not isinstance(exc, Exception):
                raise
            log.exception("store commit failed")
            return [(None, exc) for _ in units]
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and not self._checkpoint_asked:
            self._checkpoint_asked = True
            self._jobs.put(_CHECKPOINT)
        return outcomes

    def _ride(self, riders: list[_Job]) -> bool:
        """Run deferred bookkeeping first; on a failure undo it and leave it to the thread."""
        assert self._handle is not None
        try:
            for rider in riders:
                rider.unit(self._handle)
        except Exception:
            self._undo(riders)
            return False
        return True

    def _undo(self, riders: list[_Job]) -> None:
        """Roll back the inline transaction; its riders wait for the next unit again."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        if riders:
            self._deferred.extendleft(reversed(riders))
            self._arm_flush(FLUSH_AFTER)

    # --- the store thread ---------------------------------------------------------------
    def _serve(self) -> None:
        first = self._jobs.get()
        outcome = self._attempt(first.unit, None, savepoint=False)
        self._finished += 1  # before the opener resumes: its first short unit may run inline
        self._settle_all([first], [outcome])
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            if job is _CHECKPOINT:
                self._checkpoint()
                continue
            # _FLUSH: deferred work waited on the loop for company; it commits with this batch.
            self._run_batch(([job] if isinstance(job, _Job) else []) + self._drain())
        self._run_batch(self._drain())
        if self._checkpointer:
            self._checkpointer.close()
            self._checkpointer = None
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
            if isinstance(job, _Job):
                more.append(job)
        return more

    def _run_batch(self, jobs: list[_Job]) -> None:
        with self._lock:
            batch = self._take_deferred() + jobs
            outcomes = []
            if batch:
                self._set_up_for(loop=False)
                outcomes = self._in_transaction(batch)
            self._finished += len(jobs)  # counted done before their callers resume
        self._settle_all(batch, outcomes)
        if self._commits >= CHECKPOINT_EVERY:
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the WAL into the database off the loop, on a connection of its own, so units
        (on the loop or here) keep committing meanwhile. PASSIVE: it never waits for anyone."""
        with self._lock:
            if self._db is None or self.path == ":memory:" or not self._commits:
                return
            self._commits, self._checkpoint_asked = 0, False
        try:
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(self.path, check_same_thread=False)
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            log.warning("WAL checkpoint failed; trying again later", exc_info=True)

    def _take_deferred(self) -> list[_Job]:
        """Everything deferred so far, taken one at a time: the loop may defer more while the
        thread takes (copying then clearing would drop what came in between)."""
        taken: list[_Job] = []
        deferred = self._deferred
        while deferred:
            taken.append(deferred.popleft())
        return taken

    def _set_up_for(self, loop: bool) -> None:
        """On the loop, never wait for another process's write lock and never checkpoint
        (a checkpoint may fsync); on the thread, wait and checkpoint as SQLite does."""
        if self._on_loop == loop:
            return
        self._conn.execute(f"PRAGMA busy_timeout={0 if loop else BUSY_TIMEOUT_MS}")
        self._conn.execute(f"PRAGMA wal_autocheckpoint={0 if loop else WAL_AUTOCHECKPOINT}")
        self._on_loop = loop

    @staticmethod
    def _settle_all(batch: list[_Job], outcomes: list[tuple[Any, BaseException | None]]) -> None:
        """Hand results back: one wake-up of each loop per batch, not one per unit."""
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for job, (result, error) in zip(batch, outcomes, strict=True):
            if job.future is not None and job.loop is not None:
                by_loop.setdefault(job.loop, []).append((job.future, result, error))
            elif error is not None:
                log.error("deferred store work failed", exc_info=error)
        for loop, settled in by_loop.items():
            loop.call_soon_threadsafe(_settle, settled)

    def _in_transaction(self, batch: list[_Job]) -> list[tuple[Any, BaseException | None]]:
        try:
            # IMMEDIATE: take the write lock now, waiting up to busy_timeout for another process
            # (the CLI) to finish. A deferred BEGIN reads first and, if someone else commits
            # before this batch's first write, that write fails at once with "database is
            # locked" (a stale WAL snapshot cannot be upgraded; no busy wait helps).
            self._conn.execute("BEGIN IMMEDIATE")
        except Exception as exc:
            log.exception("store could not begin a transaction")
            return [(None, exc) for _ in batch]
        return self._transact(batch)

    def _transact(self, batch: list[_Job]) -> list[tuple[Any, BaseException | None]]:
        """Run ``batch`` in the open transaction and commit it."""
        conn = self._conn
        single = len(batch) == 1  # one unit: the transaction itself is its rollback scope
        try:
            outcomes = [
                self._attempt(job.unit, self._handle, savepoint=not single) for job in batch
            ]
            if single and outcomes[0][1] is not None:
                conn.execute("ROLLBACK")
            else:
                conn.execute("COMMIT")
                self._commits += 1
            return outcomes
        except Exception as exc:  # the commit itself failed: every unit in it failed
            log.exception("store commit failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [(None, exc) for _ in batch]

    @staticmethod
    def _attempt(
        unit: Callable[[Db], Any], db: SqliteDb | None, savepoint: bool
    ) -> tuple[Any, BaseException | None]:
        try:
            if not savepoint:  # db is None only for the set-up job, which opens it
                return unit(db), None  # type: ignore[arg-type]
            assert db is not None
            with atomic(db):
                return unit(db), None
        except Exception as exc:
            return None, exc

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None
        return self._db.conn


def _settle(settled: list[_Outcome]) -> None:
    for future, result, error in settled:
        if future is None or future.done():  # None: deferred bookkeeping, nobody waits
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
