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
    assert await store.run(schema_version) == len(MIGRATIONS)
    await store.close()
    again = Store(tmp_path / "s.db")
    await again.open()  # migrating an up-to-date database is a no-op
    assert await again.run(schema_version) == len(MIGRATIONS)
    await again.close()


async def test_run_before_open_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        await Store(tmp_path / "s.db").run(lambda db: None)
