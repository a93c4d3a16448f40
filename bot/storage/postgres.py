"""The store on PostgreSQL: the same units of work, several replicas on one database.

psycopg 3 is synchronous here, as sqlite-utils is: units run on a small pool of threads, each
with a pooled connection, so the event loop never waits on the database. Each unit is one
SERIALIZABLE transaction. When two replicas race (the same platform event delivered to both,
the next request number, the audit chain head), PostgreSQL aborts one of them and the unit is
simply run again on the new state; units are pure functions of the database, so a retry is
safe. A lost connection is retried with backoff, so a short outage delays work rather than
failing it; what cannot be committed is never acknowledged to the platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.errors import StoreUnavailable
from bot.storage.sql import PostgresDb

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = (errors.SerializationFailure, errors.DeadlockDetected)
CONNECTION_LOST = (psycopg.OperationalError, PoolTimeout)
MAX_CONFLICT_RETRIES = 50
WRITE_LOCK = 0x466F63616C01  # the bot-wide writer lock, the same number on every replica
FLUSH_AFTER = 0.002  # seconds deferred bookkeeping may wait for a unit to ride along with
OUTAGE_PATIENCE = 30.0  # seconds a unit keeps retrying a lost connection before failing


def no_create_right(role: str, database: str, why: str) -> str:
    """What to do when the bot's role may not create its tables (a database another role
    owns: since PostgreSQL 15 only the owner creates in schema public); ``why`` is
    PostgreSQL's refusal, in its words. Said at start, and by ``focalbot check`` before it."""
    return (
        f"the role {role} may not create FocalPoint's tables in the database {database} "
        f"({why}): create the database owned by that role (CREATE DATABASE "
        f"{database} OWNER {role}), or grant it the right (GRANT CREATE ON SCHEMA public TO "
        f"{role}, run in that database by its owner)"
    )


class DatabaseUnavailable(StoreUnavailable, RuntimeError):
    """PostgreSQL could not be reached (wrong URL, refused, or gone for too long)."""


class PostgresStore:
    """Runs units of work as SERIALIZABLE transactions on pooled connections."""

    dialect = "postgresql"

    def __init__(
        self,
        url: str,
        threads: int = 4,
        outage_patience: float = OUTAGE_PATIENCE,
        password: str | None = None,
        password_env: str = "",
    ) -> None:
        self.url = url
        self._kwargs: dict[str, Any] = {"password": password} if password else {}
        self._password_env = password_env  # where the password comes from, for messages
        self.path = url
        self.threads = threads
        self.outage_patience = outage_patience
        self._pool: ConnectionPool[Any] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._deferred: set[asyncio.Future[Any]] = set()
        self._riders: list[Callable[[Any], Any]] = []  # deferred bookkeeping not yet sent
        self._flush_handle: asyncio.TimerHandle | None = None
        self._closing = threading.Event()

    async def open(self) -> None:
        """Connect, migrate under an advisory lock (replicas may start together)."""
        if self._pool:
            return
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="focalbot-pg")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._connect)
        await loop.run_in_executor(self._executor, self._migrate)

    def _migrate(self) -> None:
        """Migrate while holding a session lock, taken before the transaction begins: a
        SERIALIZABLE snapshot taken while waiting would not see another replica's migration."""
        from bot.storage.migrations import MIGRATION_LOCK, migrate_postgres

        assert self._pool is not None
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
            try:
                with conn.transaction():
                    migrate_postgres(PostgresDb(conn))
            except errors.InsufficientPrivilege as exc:  # PostgreSQL 15: public is the owner's
                why = no_create_right(conn.info.user, conn.info.dbname, _first_line(exc))
                raise DatabaseUnavailable(why) from exc
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])

    def _connect(self) -> None:
        try:  # one plain connection first: a wrong URL fails at once, in PostgreSQL's words
            psycopg.connect(self.url, connect_timeout=10, **self._kwargs).close()
        except psycopg.Error as exc:
            raise self._refused(exc) from exc
        pool: ConnectionPool[Any] = ConnectionPool(
            self.url,
            kwargs=self._kwargs,
            min_size=1,
            max_size=self.threads,
            open=False,
            configure=_configure,
            reconnect_timeout=self.outage_patience,
            name="focalbot",
        )
        try:
            pool.open(wait=True, timeout=10)
        except PoolTimeout as exc:
            pool.close()
            where = redact(self.url)
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL at {where}") from exc
        self._pool = pool

    def _password_hint(self, exc: psycopg.Error) -> str:
        """Which variable to set when PostgreSQL wanted a password ('' for other failures)."""
        if not _password_refused(exc):
            return ""
        name = self._password_env
        if not name:
            return (
                " (name the variable that holds the password in [bot] database_password_env, "
                "e.g. FOCALBOT_DB_PASSWORD, and set it; or set PGPASSWORD)"
            )
        if "password" not in self._kwargs:
            return f" (set the password in the environment variable {name})"
        return f" (check the password in the environment variable {name})"

    def has_schema(self) -> bool:
        """Whether the database holds FocalPoint's tables; reads only, so a command that
        must not create the schema (anything but ``run``) can ask before :meth:`open`."""
        from bot.storage.migrations import schema_version

        return self.read(lambda conn: schema_version(PostgresDb(conn)) > 0)

    def read(self, query: Callable[[psycopg.Connection[Any]], T]) -> T:
        """``query`` on one plain connection of its own, outside the pool (none need be open),
        in a read-only transaction; a connection refused is said as :meth:`open` says it."""
        try:
            with psycopg.connect(self.url, connect_timeout=10, **self._kwargs) as conn:
                conn.read_only = True  # whatever ``query`` does, it writes nothing
                return query(conn)
        except psycopg.Error as exc:
            raise self._refused(exc) from exc

    def _refused(self, exc: psycopg.Error) -> DatabaseUnavailable:
        """A connection refused, in PostgreSQL's words, never with the password: libpq quotes
        the part of a URL it cannot read, which may be the password itself."""
        words = _first_line(exc)
        for secret in _passwords(self.url, self._kwargs.get("password")):
            words = words.replace(secret, "***")
        return DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {redact(self.url)}: {words}{self._password_hint(exc)}"
        )

    @property
    def is_open(self) -> bool:
        """Whether units can run (between :meth:`open` and :meth:`close`)."""
        return self._pool is not None

    async def run(self, unit: Callable[[Any], T], *, short: bool = False, more: bool = False) -> T:
        """Run ``unit(db)`` in one transaction on a pool thread and return its result.

        ``short`` and ``more`` change nothing here: a network round trip would block the
        event loop, and the pool's connections commit side by side."""
        if not self._pool or not self._executor:
            raise RuntimeError("store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        # Bookkeeping deferred before this unit rides with it, taken now so that no flush
        # takes it meanwhile; it commits after what is already on its way (a flush, or a unit
        # carrying some), and units after this one wait for this one in turn.
        riders = self._take_riders()
        earlier = set(self._deferred)
        if riders:
            self._deferred.add(future)
            future.add_done_callback(self._deferred.discard)
        if earlier:
            try:
                await asyncio.wait(earlier)
            except asyncio.CancelledError:
                self._riders[:0] = riders  # not run: they wait for the next unit again
                if riders and self._flush_handle is None:
                    self._flush_handle = loop.call_later(FLUSH_AFTER, self._flush)
                future.cancel()
                raise

        def in_commit_order(result: T) -> None:
            loop.call_soon_threadsafe(_settle, future, result, None)

        def job() -> None:
            try:
                self._once(riders, unit, in_commit_order)
            except BaseException as exc:
                loop.call_soon_threadsafe(_settle, future, None, exc)

        self._executor.submit(job)
        # Shielded: a caller cancelled now leaves the unit (and its riders) running, and the
        # units after it still wait for its commit.
        return await asyncio.shield(future)

    def defer(self, unit: Callable[[Any], Any]) -> None:
        """Run bookkeeping with the next unit's transaction, or within ``FLUSH_AFTER`` seconds.

        As on SQLite, marking a message sent rides along with the next real unit of work
        instead of paying for a transaction of its own; a crash in that window means a
        harmless retry. A unit run after ``defer`` sees its effect.
        """
        if not self._pool or not self._executor:
            raise RuntimeError("store is not open")
        self._riders.append(unit)
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(FLUSH_AFTER, self._flush)

    def _take_riders(self) -> list[Callable[[Any], Any]]:
        riders, self._riders = self._riders, []
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        return riders

    def _flush(self) -> None:
        self._flush_handle = None
        if self._deferred and self._riders:
            # The previous flush still runs on another connection: bookkeeping commits in
            # the order it was deferred (a failure noted, then the retry's "sent"), so wait.
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(FLUSH_AFTER, self._flush)
            return
        riders = self._take_riders()
        if not riders or not self._executor:
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.run_in_executor(self._executor, self._once, riders, None)
        self._deferred.add(future)
        future.add_done_callback(self._deferred_done)

    def _deferred_done(self, future: asyncio.Future[Any]) -> None:
        self._deferred.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("deferred store work failed", exc_info=future.exception())

    async def close(self) -> None:
        """Finish deferred work, then close the pool."""
        if not self._pool:
            return
        while self._deferred or self._riders:  # one flush at a time, in order
            if self._deferred:
                await asyncio.gather(*self._deferred, return_exceptions=True)
            else:
                self._flush()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._closing.set()
        pool, executor = self._pool, self._executor
        self._pool = self._executor = None
        await asyncio.to_thread(pool.close)
        if executor:
            executor.shutdown(wait=True)

    # --- pool threads -------------------------------------------------------------------
    def _once(
        self,
        riders: list[Callable[[Any], Any]],
        unit: Callable[[Any], T] | None,
        committed: Callable[[T], None] | None = None,
    ) -> T:
        """Run ``unit`` until it commits: again after a conflict, again after an outage."""
        conflicts = 0
        deadline = time.monotonic() + self.outage_patience
        delay = 0.1
        while True:
            try:
                return self._attempt(riders, unit, committed)
            except RETRYABLE:
                conflicts += 1
                if conflicts > MAX_CONFLICT_RETRIES:
                    raise
                time.sleep(random.uniform(0, 0.002 * conflicts))  # de-synchronise the rivals
            except CONNECTION_LOST as exc:
                if time.monotonic() > deadline or self._closing.is_set():
                    raise DatabaseUnavailable(f"PostgreSQL unavailable: {exc}") from exc
                log.warning("PostgreSQL unavailable (%s); retrying in %.1fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _attempt(
        self,
        riders: list[Callable[[Any], Any]],
        unit: Callable[[Any], T] | None,
        committed: Callable[[T], None] | None,
    ) -> T:
        """One transaction: the riders, then the unit, each in a savepoint of its own, so a
        failing unit rolls back alone and the bookkeeping riding with it still commits.

        ``committed`` hears the result while the write lock is still held, so results reach
        the event loop in commit order: the outbox then queues a chat's messages in the order
        they were written, whichever pool thread wrote them."""
        pool = self._pool
        if pool is None:  # closed while this unit waited for a thread (a stop, or a crash)
            raise RuntimeError("store is not open")
        # A short wait for a pooled connection: an outage is retried by _once, within patience.
        with pool.connection(timeout=self.outage_patience) as conn, _writing_alone(conn):
            result = self._transaction(conn, riders, unit)
            if committed is not None:
                committed(result)
            return result

    @staticmethod
    def _transaction(
        conn: psycopg.Connection[Any],
        riders: list[Callable[[Any], Any]],
        unit: Callable[[Any], T] | None,
    ) -> T:
        failure: Exception | None = None
        result: Any = None
        with conn.transaction():
            db = PostgresDb(conn)
            for rider in riders:
                try:
                    with conn.transaction():
                        rider(db)
                except (*RETRYABLE, *CONNECTION_LOST):
                    raise
                except Exception:
                    log.exception("deferred store work failed")
            if unit is not None:
                # Alone, the unit needs no savepoint (two round trips): if it fails, the
                # whole transaction is undone. With riders, it fails alone.
                try:
                    with db.savepoint() if riders else contextlib.nullcontext():
                        result = unit(db)
                except (*RETRYABLE, *CONNECTION_LOST):
                    raise
                except Exception as exc:
                    if not riders:
                        raise  # (out of the transaction's block: it is rolled back)
                    failure = exc
        if failure is not None:
            raise failure
        return cast(T, result)


@contextlib.contextmanager
def _writing_alone(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Hold the bot-wide write lock around one transaction.

    Nearly every unit extends the audit chain and many take the next request number, so units
    of different replicas conflict on the same rows. Left to SERIALIZABLE alone, a burst turns
    into a storm of aborted and retried transactions that gets worse with every replica. Units
    queue for this lock instead, as they do for SQLite's single writer; it is taken before the
    transaction begins (a snapshot taken while waiting would be stale) and PostgreSQL frees it
    if the connection dies. SERIALIZABLE stays as the safety net.
    """
    conn.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])
    try:
        yield
    finally:
        # A connection that broke meanwhile took the lock with it (the server frees it).
        if not conn.closed and not conn.broken:
            with contextlib.suppress(psycopg.OperationalError):
                conn.execute("SELECT pg_advisory_unlock(%s)", [WRITE_LOCK])


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
    conn.autocommit = True  # transactions are opened explicitly by conn.transaction()


def redact(url: str) -> str:
    """The URL with any password replaced, for messages and logs."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "<unparseable database URL>"
    if info.get("password"):
        info["password"] = "***"
    host, port, name = info.get("host", ""), info.get("port", ""), info.get("dbname", "")
    return f"postgresql://{info.get('user', '')}@{host}{':' + str(port) if port else ''}/{name}"


def _passwords(url: str, given: object) -> list[str]:
    """Every way a password may be written in ``url`` (as typed, percent-decoded) or given
    apart from it: read leniently, for a URL libpq itself could not parse."""
    found = [str(given)] if given else []
    try:
        typed = urllib.parse.urlsplit(url).netloc.rpartition("@")[0].partition(":")[2]
    except ValueError:
        typed = ""
    if typed:
        found += [typed, urllib.parse.unquote(typed)]
    return sorted({f for f in found if f}, key=len, reverse=True)  # longest first


def _password_refused(exc: psycopg.Error) -> bool:
    """Whether PostgreSQL wanted a password that was missing (libpq's own "fe_sendauth: no
    password supplied") or wrong (SQLSTATE 28P01; a refused connection carries no SQLSTATE,
    only the server's words)."""
    text = str(exc)
    return (
        exc.sqlstate == "28P01"
        or "no password supplied" in text
        or "password authentication failed" in text
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return  # a unit retried after its commit was already heard (its effects are idempotent)
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
