"""A handler's savepoint is said to SQLite only once the handler runs a statement.

Most commands that only answer (``/ping``, ``/help``, a polite refusal before any write) then
cost SQLite no SAVEPOINT and no RELEASE; a handler that writes and then refuses is still
undone, and a chat's messages keep the order they were given in.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.storage.migrations import migrate
from bot.storage.postgres import PostgresStore
from bot.storage.sql import PostgresDb, SqliteDb, atomic
from bot.storage.sqlite import connect
from tests.dispatch_world import DispatchWorld

sqlite_only = pytest.mark.sqlite_only


def traced(db: SqliteDb) -> list[str]:
    """Every statement the connection runs from now on."""
    said: list[str] = []
    db.conn.set_trace_callback(said.append)
    return said


@pytest.fixture
def db(tmp_path: Path) -> SqliteDb:
    database = connect(tmp_path / "bot.db")
    migrate(database)
    return SqliteDb(database)


@sqlite_only
def test_a_block_that_runs_no_statement_opens_no_savepoint(db: SqliteDb) -> None:
    said = traced(db)
    with db.database.atomic(), atomic(db), db.savepoint():
        pass
    assert not [s for s in said if s.startswith(("SAVEPOINT unit", "RELEASE unit"))]


@sqlite_only
def test_nested_savepoints_open_in_order_before_the_first_statement(db: SqliteDb) -> None:
    said = traced(db)
    with db.database.atomic(), atomic(db), db.savepoint():
        db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    units = [s for s in said if "unit_" in s]
    assert units == ["SAVEPOINT unit_0", "SAVEPOINT unit_1", "RELEASE unit_1", "RELEASE unit_0"]
    assert list(db.execute("SELECT value FROM meta WHERE key = 'k'")) == [("v",)]


@sqlite_only
def test_a_block_that_wrote_and_raised_is_undone_alone(db: SqliteDb) -> None:
    with db.database.atomic(), atomic(db):
        db.execute("INSERT INTO meta (key, value) VALUES ('kept', 'v')")
        with pytest.raises(ValueError), db.savepoint():
            db.execute("INSERT INTO meta (key, value) VALUES ('undone', 'v')")
            raise ValueError("refused after writing")
        with db.savepoint():  # the depth is free again: the next one opens afresh
            db.execute("INSERT INTO meta (key, value) VALUES ('after', 'v')")
    keys = [r[0] for r in db.execute("SELECT key FROM meta WHERE value = 'v' ORDER BY key")]
    assert keys == ["after", "kept"]


@sqlite_only
def test_a_savepoint_opened_inside_an_unopened_one_is_undone_with_it(db: SqliteDb) -> None:
    with db.database.atomic(), atomic(db), pytest.raises(ValueError), db.savepoint():
        with db.savepoint():
            db.execute("INSERT INTO meta (key, value) VALUES ('inner', 'v')")
        raise ValueError("the outer block refuses")
    assert list(db.execute("SELECT key FROM meta WHERE key = 'inner'")) == []


@sqlite_only
def test_ping_runs_no_savepoint_and_its_answer_is_stored(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    said = traced(world.db)
    assert world.answers("au-officer", "/ping 7") == ["pong 7"]
    assert not [s for s in said if s.startswith("SAVEPOINT unit_1")]
    stored = world.db.execute("SELECT text FROM outbox WHERE address = 'au-officer'")
    assert [r[0] for r in stored] == ["pong 7"]


@sqlite_only
def test_a_refusal_after_a_write_is_undone_and_answered(tmp_path: Path) -> None:
    """A handler that wrote and then refused politely: its writes and its answers before the
    refusal are gone, the refusal is the one answer."""
    world = DispatchWorld(tmp_path / "bot.db")
    world.send("nz-cochair", "/period open JPA-4 confirm")
    before = world.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    # a return for a country that is not the officer's own: refused by the scope check
    answers = world.answers("au-officer", "/return JPA-4 TH arrests=3")
    assert len(answers) == 1 and "arrests" not in answers[0].lower()
    assert world.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == before


@sqlite_only
def test_answers_keep_their_order_around_other_messages(tmp_path: Path) -> None:
    """An answer given before a notification to the same chat is queued before it."""
    world = DispatchWorld(tmp_path / "bot.db")
    world.send("nz-cochair", "/period open JPA-4 confirm")
    work = world.send("nz-cochair", "/broadcast Returns are due Friday")
    assert work is not None
    ids = [m.id for m in work.outbound]
    assert ids == sorted(ids)
    rows = world.db.execute("SELECT id FROM outbox ORDER BY id").fetchall()
    assert [r[0] for r in rows][-len(ids) :] == ids


@sqlite_only
def test_none_is_stored_as_null(db: SqliteDb) -> None:
    """The adapter registered for None (a shortcut past sqlite3's adapter lookup) binds it
    as NULL, as sqlite3 itself does."""
    db.execute("CREATE TEMP TABLE kept (value)")
    db.execute("INSERT INTO kept (value) VALUES (?)", [None])
    assert db.execute("SELECT value IS NULL, typeof(value) FROM kept").fetchone() == (1, "null")
    assert sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol)) is not None


class _Said(PostgresDb):
    """PostgreSQL's handle, noting each savepoint statement it says."""

    def __init__(self, conn: psycopg.Connection[object]) -> None:
        super().__init__(conn)
        self.said: list[str] = []

    def _say(self, sql: str) -> None:
        self.said.append(sql)
        super()._say(sql)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[psycopg.Connection[object]]:
    store = PostgresStore(postgres_url)
    asyncio.run(store.open())  # the schema
    asyncio.run(store.close())
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


def test_postgresql_says_no_savepoint_for_a_block_without_statements(
    pg: psycopg.Connection[object],
) -> None:
    db = _Said(pg)
    with pg.transaction(), db.savepoint():
        pass
    assert db.said == []
    with pg.transaction(), db.savepoint(), db.savepoint():
        db.execute("INSERT INTO meta (key, value) VALUES ('pg-k', 'v')")
    assert db.said == ["SAVEPOINT unit_0", "SAVEPOINT unit_1", "RELEASE unit_1", "RELEASE unit_0"]


def test_postgresql_undoes_a_block_that_wrote_and_failed(pg: psycopg.Connection[object]) -> None:
    db = PostgresDb(pg)
    with pg.transaction():
        db.execute("INSERT INTO meta (key, value) VALUES ('pg-kept', 'v')")
        with pytest.raises(ValueError), db.savepoint():
            db.execute("INSERT INTO meta (key, value) VALUES ('pg-undone', 'v')")
            raise ValueError("refused after writing")
        with pytest.raises(psycopg.errors.UniqueViolation), db.savepoint():
            db.execute("INSERT INTO meta (key, value) VALUES ('pg-kept', 'again')")
        db.execute("INSERT INTO meta (key, value) VALUES ('pg-after', 'v')")  # still usable
    keys = [r[0] for r in db.execute("SELECT key FROM meta WHERE key LIKE 'pg-%' ORDER BY key")]
    assert keys == ["pg-after", "pg-kept"]


async def test_postgresql_undoes_a_failed_unit_whole_and_keeps_its_riders(
    postgres_url: str,
) -> None:
    """A unit alone runs without a savepoint of its own: failing, its transaction is undone
    whole. With bookkeeping riding along, the unit fails alone and the riders commit."""
    store = PostgresStore(postgres_url)
    await store.open()

    def failing(key: str):  # type: ignore[no-untyped-def]
        def unit(db):  # type: ignore[no-untyped-def]
            db.execute("INSERT INTO meta (key, value) VALUES (?, 'v')", [key])
            raise ValueError("the unit fails after writing")

        return unit

    try:
        with pytest.raises(ValueError):
            await store.run(failing("pg-alone"))
        store.defer(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('pg-rider', 'v')"))
        with pytest.raises(ValueError):
            await store.run(failing("pg-with-rider"))
        keys = await store.run(
            lambda db: [r[0] for r in db.execute("SELECT key FROM meta WHERE key LIKE 'pg-%'")]
        )
        assert keys == ["pg-rider"]
    finally:
        await store.close()
