"""The store: units are atomic, a failing unit rolls back alone, WAL and migrations."""

import asyncio

import pytest

from bot.storage.migrations import MIGRATIONS, schema_version
from bot.storage.sqlite import SqliteStore as Store


async def test_failing_unit_rolls_back_alone_in_a_batch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    await store.open()

    def write(key: str, fail: bool = False):  # type: ignore[no-untyped-def]
        def unit(db):  # type: ignore[no-untyped-def]
            db.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", [key])
            if fail:
                raise ValueError("boom")

        return unit

    results = await asyncio.gather(
        *(store.run(write(f"k{i}", fail=(i == 3))) for i in range(8)), return_exceptions=True
    )
    assert isinstance(results[3], ValueError)
    keys = await store.run(
        lambda db: [
            r[0] for r in db.execute("SELECT key FROM meta WHERE key LIKE 'k%' ORDER BY key")
        ]
    )
    assert keys == [f"k{i}" for i in range(8) if i != 3]
    await store.close()


async def test_wal_and_schema_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "s.db")
    await store.open()
    mode = await store.run(lambda db: db.execute("PRAGMA journal_mode").fetchone()[0])
    assert mode == "wal"
    # small pages for a new database: a commit writes each page it changed to the WAL
    assert await store.run(lambda db: db.execute("PRAGMA page_size").fetchone()[0]) == 1024
    assert await store.run(schema_version) == len(MIGRATIONS)
    await store.close()
    again = Store(tmp_path / "s.db")
    await again.open()  # migrating an up-to-date database is a no-op
    assert await again.run(schema_version) == len(MIGRATIONS)
    await again.close()


async def test_run_before_open_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        await Store(tmp_path / "s.db").run(lambda db: None)


async def test_v10_keeps_every_deduplication_record_in_one_btree(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A database made before V10 keeps its records: a redelivery is still refused after the
    upgrade, and the table is now keyed by the event key alone (no rowid b-tree beside it)."""
    from bot.inbound_store import record_event
    from bot.storage.migrations import record_version
    from bot.storage.sqlite import connect

    path = tmp_path / "old.db"
    old = connect(path)
    with old.atomic():
        for script in MIGRATIONS[:9]:
            for statement in (s for s in script.split(";") if s.strip()):
                old.execute(statement)
        record_version(old, 9)
        old.execute("INSERT INTO inbound VALUES ('telegram:1', '2026-11-30T10:00:00+00:00')")
        old.execute(
            "INSERT INTO outbox (channel, address, text, created_at, subject) "
            "VALUES ('telegram', '1', 'x', '2026-11-30T10:00:00+00:00', 'R-2026-0001')"
        )
    old.conn.close()

    store = Store(path)
    await store.open()
    assert await store.run(schema_version) == len(MIGRATIONS)
    assert await store.run(lambda db: record_event(db, "telegram", "1", "2026-12-01")) is False
    assert await store.run(lambda db: record_event(db, "telegram", "2", "2026-12-01")) is True
    sql = await store.run(
        lambda db: db.execute("SELECT sql FROM sqlite_master WHERE name = 'inbound'").fetchone()[0]
    )
    assert "WITHOUT ROWID" in sql
    plan = await store.run(
        lambda db: db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE subject = 'R-2026-0001'"
        ).fetchall()
    )
    assert "outbox_subject" in str(plan)  # the partial index still serves lookups by subject
    await store.close()
