"""The handle a unit of work gets: one SQL dialect, two engines.

Repositories write SQL once, with ``?`` placeholders and the syntax both engines share
(``INSERT … ON CONFLICT``, ``RETURNING``). :class:`SqliteDb` passes it to SQLite through
sqlite-utils; :class:`PostgresDb` rewrites the placeholders for psycopg. Only where the SQL
truly differs does a repository ask :attr:`Db.dialect`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlite_utils import Database

if TYPE_CHECKING:  # psycopg costs ~20 MiB; a SQLite bot never loads it
    import psycopg

Dialect = Literal["sqlite", "postgresql"]
Row = tuple[Any, ...]


class Cursor(Protocol):
    """What a statement returns: rows and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Any: ...


class Db(Protocol):
    """The database as a unit of work sees it: inside one open transaction."""

    dialect: Dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run one ``INSERT`` into a table keyed by ``id INTEGER PRIMARY KEY``; the new id."""
        ...

    def write(self, sql: str, params: Sequence[Any]) -> int:
        """Run one statement that returns no rows; how many rows it changed."""
        ...

    def savepoint(self) -> contextlib.AbstractContextManager[Any]:
        """A nested scope inside the unit's transaction, undone alone if its block raises."""
        ...


class _LazySavepoints:
    """Savepoints said to the database only before the first statement inside them (see
    :class:`Savepoint`): most handlers that only answer, or refuse politely, have written
    nothing by then, and each SAVEPOINT/RELEASE pair costs SQLite two statements and
    PostgreSQL two round trips."""

    def __init__(self) -> None:
        self.entered = 0  # savepoints entered, innermost last (their nesting depth)
        self.opened = 0  # of those, how many have been said to the database
        self.scope = Savepoint(self)  # one for every depth: each exit leaves the innermost

    def _say(self, sql: str) -> None:
        raise NotImplementedError

    def _in_transaction(self) -> bool:
        return True

    def _open_savepoints(self) -> None:
        while self.opened < self.entered:
            self._say(_savepoint_sql(self.opened)[0])
            self.opened += 1

    def _close_savepoint(self, depth: int, failed: bool) -> None:
        """Leave the savepoint at ``depth``: released, or first undone if its block failed."""
        self.entered = depth
        if self.opened <= depth:
            return  # never opened: the block ran no statement, so there is nothing to undo
        self.opened = depth
        sql = _savepoint_sql(depth)
        if failed and self._in_transaction():
            self._say(sql[1])
            self._say(sql[2])
        elif not failed:
            self._say(sql[2])


class SqliteDb(_LazySavepoints):
    """The embedded engine: a sqlite-utils database on the store thread's connection."""

    dialect: Dialect = "sqlite"

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.conn = database.conn
        # statements whose cursor nobody keeps (an insert's rowid, a transaction's bounds)
        # reuse one: the connection's execute makes a cursor object for each
        self.writes = self.conn.cursor()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.opened < self.entered:
            self._open_savepoints()
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.opened < self.entered:
            self._open_savepoints()
        self.conn.executemany(sql, rows)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        if self.opened < self.entered:
            self._open_savepoints()
        cursor = self.writes.execute(sql, params)  # the rowid: no RETURNING row to fetch
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def write(self, sql: str, params: Sequence[Any]) -> int:
        if self.opened < self.entered:
            self._open_savepoints()
        return self.writes.execute(sql, params).rowcount

    def table_names(self) -> list[str]:
        return list(self.database.table_names())

    def savepoint(self) -> contextlib.AbstractContextManager[Any]:
        return self.scope

    def _say(self, sql: str) -> None:
        self.conn.execute(sql)

    def _in_transaction(self) -> bool:
        return self.conn.in_transaction


class PostgresDb(_LazySavepoints):
    """PostgreSQL through one psycopg connection; ``?`` placeholders become ``%s``."""

    dialect: Dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        super().__init__()
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.opened < self.entered:
            self._open_savepoints()
        return self.conn.execute(to_pyformat(sql), _adapt(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.opened < self.entered:
            self._open_savepoints()
        with self.conn.cursor() as cursor:
            cursor.executemany(to_pyformat(sql), [_adapt(row) for row in rows])

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self.execute(f"{sql} RETURNING id", params).fetchone()
        return int(row[0])

    def write(self, sql: str, params: Sequence[Any]) -> int:
        return self.execute(sql, params).rowcount

    def table_names(self) -> list[str]:
        cursor = self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return [row[0] for row in cursor.fetchall()]

    def savepoint(self) -> contextlib.AbstractContextManager[Any]:
        return self.scope  # nested inside the unit's transaction

    def _say(self, sql: str) -> None:
        self.conn.execute(sql)


def _adapt(params: Sequence[Any]) -> Sequence[Any]:
    # SQLite stores booleans as 0/1 in INTEGER columns; PostgreSQL refuses a boolean there.
    if any(isinstance(value, bool) for value in params):
        return [int(value) if isinstance(value, bool) else value for value in params]
    return params


@functools.lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """``?`` outside quotes becomes ``%s``; a literal ``%`` becomes ``%%`` (psycopg's rule)."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
            out.append("%%" if char == "%" else char)
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


def beside_database(db: Db, configured: str, suffix: str) -> Path:
    """``configured`` if set, else ``<database><suffix>`` beside the SQLite file, or named after
    the PostgreSQL database (which has no file of its own) in the working directory."""
    if configured:
        return Path(configured)
    if db.dialect == "postgresql":
        (name,) = db.execute("SELECT current_database()").fetchone()
        return Path(f"{name}{suffix}")
    files = [row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"]
    return Path(f"{files[0] if files and files[0] else 'focalpoint.db'}{suffix}")


class Savepoint:
    """A savepoint inside the open transaction: undone alone if the block raises.

    Like sqlite-utils' ``atomic()``, but named by its nesting depth (the statements are made
    once per depth) and opened lazily: SAVEPOINT is said before the block's first statement,
    so a block that runs none costs the database nothing. It wraps every unit and every
    handler on the hot path, so each database has one (``db.scope``), used at every depth:
    blocks nest, so the one an exit leaves is always the innermost entered.
    """

    __slots__ = ("db",)

    def __init__(self, db: _LazySavepoints) -> None:
        self.db = db

    def __enter__(self) -> Any:
        self.db.entered += 1
        return self.db

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        db = self.db
        depth = db.entered - 1
        if db.opened <= depth:  # never opened (no statement ran in it): nothing to say
            db.entered = depth
            return
        db._close_savepoint(depth, failed=kind is not None)


@functools.cache
def _savepoint_sql(depth: int) -> tuple[str, str, str]:
    name = f"unit_{depth}"
    return f"SAVEPOINT {name}", f"ROLLBACK TO {name}", f"RELEASE {name}"


def atomic(db: SqliteDb) -> Savepoint:
    """A savepoint inside the open transaction (see :class:`Savepoint`)."""
    return db.scope
