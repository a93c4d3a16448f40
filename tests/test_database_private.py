"""A new SQLite database holds casework in the clear: only its owner may read it (and the
-wal and -shm files SQLite makes beside it, which take the database file's permissions)."""

import os
import stat
from pathlib import Path

from bot.storage.sqlite import SqliteStore


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_a_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual default, which made it 0644
    try:
        store = SqliteStore(str(tmp_path / "focalpoint.db"))
        await store.open()
        await store.run(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')"))
        assert mode(tmp_path / "focalpoint.db") == 0o600
        assert mode(tmp_path / "focalpoint.db-wal") == 0o600
        await store.close()
    finally:
        os.umask(old)


async def test_an_existing_database_keeps_the_permissions_it_was_given(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store = SqliteStore(str(path))
    await store.open()
    await store.close()
    os.chmod(path, 0o640)  # an administrator's choice (a backup group may read it)
    store = SqliteStore(str(path))
    await store.open()
    await store.close()
    assert mode(path) == 0o640
