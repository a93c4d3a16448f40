"""Request ids are never given twice: not after retention removed the request that had one,
not in a database from before the counter, not to two replicas filing at once, not after a
move to PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

import psycopg

from bot.audit import chain as audit
from bot.audit import state as audit_state
from bot.audit.retention import purge
from bot.config import RetentionSettings
from bot.requests import repo as store
from bot.storage.postgres import PostgresStore
from bot.storage.sql import Db, PostgresDb
from tests import harness as h
from tests.test_audit_state import cli
from tests.test_db_copy import run

KEEP = RetentionSettings(  # as a copied bot.toml with ``[retention]`` at one minute
    closed_requests=timedelta(minutes=1),
    delivered_messages=timedelta(days=7),
    inbound_records=timedelta(days=7),
)
COUNTER = "request_seq:2026"


async def closed_then_purged(bot: h.Harness, count: int = 1) -> list[str]:
    """``count`` requests filed and closed, then removed by retention a month later."""
    ids = []
    for n in range(count):
        rid = await bot.file_request(f"ID #info Passport check for Budi S, case {n}")
        await bot.say("id-fp", f"/reply {rid} Passport valid, issued Jakarta 2019")
        await bot.say("au-officer", f"/close {rid} confirmed")
        ids.append(rid)
    await bot.advance(timedelta(minutes=2))  # still 2026: the counter is per year
    assert bot.app is not None
    now = bot.clock.now()
    assert (await bot.app.store.run(lambda db: purge(db, now, KEEP))).requests == count
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
    return ids


async def change(bot: h.Harness, sql: str, params: list[object]) -> None:
    """What someone with database access does, through the bot's store."""
    assert bot.app is not None
    await bot.app.store.run(lambda db: db.execute(sql, params))


async def test_a_purged_requests_id_is_not_given_again(bot: h.Harness) -> None:
    [purged] = await closed_then_purged(bot)
    assert purged == "R-2026-0001"
    answer = await bot.say("au-officer", "/request ID #info second one")
    assert answer[0].startswith("Request R-2026-0002 sent to Indonesia"), answer
    assert bot.app is not None
    assert await bot.app.store.run(audit.verify) == []
    assert await bot.app.store.run(audit_state.problems) == []


async def test_a_database_from_before_the_counter_goes_on_from_the_highest(
    bot: h.Harness,
) -> None:
    """No counter row, requests stored: numbering goes on after the highest stored one."""
    await bot.file_request("TH #info one")
    await bot.file_request("MY #info two")
    await change(bot, "DELETE FROM meta WHERE key = ?", [COUNTER])
    assert await bot.file_request("ID #info three") == "R-2026-0003"
    assert await bot.rows("SELECT value FROM meta WHERE key = ?", [COUNTER]) == [("3",)]


async def test_a_database_purged_before_the_counter_skips_the_purged_ids(
    bot: h.Harness,
) -> None:
    """Purged before this version: the stored requests no longer show the highest id, but the
    audit log still names it, and numbering goes on after it."""
    await closed_then_purged(bot, count=2)
    await change(bot, "DELETE FROM meta WHERE key = ?", [COUNTER])
    assert await bot.file_request("ID #info after the upgrade") == "R-2026-0003"


async def test_a_stale_counter_never_collides_with_a_stored_request(bot: h.Harness) -> None:
    """A counter behind the stored requests (a row put in by hand) is skipped past, not an
    error."""
    await bot.file_request("TH #info one")
    await bot.file_request("MY #info two")
    await change(bot, "UPDATE meta SET value = '0' WHERE key = ?", [COUNTER])
    assert await bot.file_request("ID #info three") == "R-2026-0003"
    assert await bot.file_request("ID #info four") == "R-2026-0004"


async def test_verify_accepts_an_id_reused_before_the_fix(bot: h.Harness, tmp_path: Path) -> None:
    """An older version gave a purged request's id to a new request: the chain still verifies
    (the id's newest state is the new request's), and numbering goes on past it."""
    [purged] = await closed_then_purged(bot)
    assert bot.app is not None
    actor = next(p for p in bot.settings.people if p.id == "au-officer")
    stamp = bot.clock.now().isoformat()

    def file_as_before(db: Db) -> None:  # what the old MAX+1 numbering did
        store.insert(
            db, store.new_request(purged, 2026, 1, actor, "ID", "other", "routine", "x", stamp)
        )
        audit.record(db, stamp, actor.id, "request.filed", purged, "to ID, routine, other")
        db.execute("DELETE FROM meta WHERE key = ?", [COUNTER])

    await bot.app.store.run(file_as_before)
    assert await bot.app.store.run(audit_state.problems) == []
    assert await bot.file_request("ID #info next") == "R-2026-0002"
    await bot.stop()
    result = await cli(tmp_path / "bot.db", "audit", "verify")
    assert result.exit_code == 0 and "OK" in result.output, result.output


async def test_replicas_filing_at_once_get_different_ids(postgres_url: str) -> None:
    """Two replicas' stores on one database, each filing numbers side by side."""
    replicas = [PostgresStore(postgres_url, threads=3) for _ in range(2)]
    await asyncio.wait_for(asyncio.gather(*(r.open() for r in replicas)), 60)
    try:
        taken = [
            replica.run(lambda db: store.next_id(db, "R", 2026))
            for _ in range(15)
            for replica in replicas
        ]
        ids = await asyncio.wait_for(asyncio.gather(*taken), 120)
    finally:
        await asyncio.gather(*(r.close() for r in replicas))
    assert sorted(seq for _id, seq in ids) == list(range(1, 31))


def test_the_counter_is_atomic_without_the_write_lock(postgres_url: str) -> None:
    """Even transactions that skip the bot's write lock (READ COMMITTED, side by side) never
    take the same number: the counter advances in one statement."""
    asyncio.run(_opened(postgres_url))  # the schema
    taken: list[int] = []
    start = threading.Barrier(4)

    def take() -> None:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            start.wait(timeout=30)
            for _ in range(10):
                with conn.transaction():
                    taken.append(store.next_id(PostgresDb(conn), "R", 2026)[1])

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(taken) == list(range(1, 41))


async def _opened(url: str) -> None:
    migrated = PostgresStore(url)
    await migrated.open()
    await migrated.close()


async def test_the_move_to_postgresql_carries_the_counter(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "focalpoint.db"
    old = await h.Harness(source).start()
    await closed_then_purged(old)
    await old.stop()

    code, output = await asyncio.to_thread(
        run, "db", "copy", "--from", str(source), "--to", postgres_url
    )
    assert code == 0, output
    token = h.ENGINE.set(h.DatabaseFactory(lambda: postgres_url))
    try:
        new = await h.Harness(tmp_path / "moved.db").start()
        try:
            assert await new.rows("SELECT value FROM meta WHERE key = ?", [COUNTER]) == [("1",)]
            assert await new.file_request("ID #info after the move") == "R-2026-0002"
        finally:
            await new.stop()
    finally:
        h.ENGINE.reset(token)
