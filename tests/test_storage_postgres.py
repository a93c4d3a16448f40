"""The PostgreSQL store against a real server: units, conflicts, outages, leases, copy."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time

import psycopg
import pytest

from bot.storage.leases import PostgresLeases, lock_key
from bot.storage.migrations import MIGRATIONS, schema_version
from bot.storage.postgres import DatabaseUnavailable, PostgresStore
from tests.pg_server import PostgresServer


async def test_units_commit_and_a_failing_unit_changes_nothing(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    await store.open()
    try:
        await store.run(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('a', '1')"))

        def half_then_fail(db) -> None:  # type: ignore[no-untyped-def]
            db.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
            raise ValueError("boom")

        with pytest.raises(ValueError):
            await store.run(half_then_fail)
        keys = await store.run(
            lambda db: [r[0] for r in db.execute("SELECT key FROM meta ORDER BY key")]
        )
        assert keys == ["a", "schema_version"]
        assert await store.run(schema_version) == len(MIGRATIONS)
    finally:
        await store.close()


async def test_racing_units_are_serialised_by_retrying(postgres_url: str) -> None:
    """Read-modify-write from many threads at once: SERIALIZABLE plus retry loses nothing."""
    store = PostgresStore(postgres_url, threads=4)
    await store.open()
    try:
        await store.run(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('n', '0')"))

        def increment(db) -> None:  # type: ignore[no-untyped-def]
            (value,) = db.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()
            db.execute("UPDATE meta SET value = ? WHERE key = 'n'", [str(int(value) + 1)])

        await asyncio.wait_for(asyncio.gather(*(store.run(increment) for _ in range(40))), 60)
        final = await store.run(
            lambda db: db.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()[0]
        )
        assert final == "40"
    finally:
        await store.close()


async def test_two_stores_migrate_one_database_together(postgres_url: str) -> None:
    stores = [PostgresStore(postgres_url) for _ in range(3)]
    await asyncio.wait_for(asyncio.gather(*(s.open() for s in stores)), 60)
    try:
        assert await stores[0].run(schema_version) == len(MIGRATIONS)
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_a_wrong_database_is_named_clearly(postgres_server: PostgresServer) -> None:
    store = PostgresStore(postgres_server.url("no_such_db"))
    with pytest.raises(DatabaseUnavailable, match='database "no_such_db" does not exist'):
        await asyncio.wait_for(store.open(), 30)


async def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    await store.open()
    await store.run(
        lambda db: db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    )
    await store.close()
    again = PostgresStore(postgres_url)
    with pytest.raises(RuntimeError, match="newer than this FocalPoint"):
        await asyncio.wait_for(again.open(), 30)
    await again.close()


async def test_a_unit_waits_out_a_short_outage(postgres_url: str) -> None:
    """Every connection is killed mid-run: the unit is retried on a new one and commits."""
    store = PostgresStore(postgres_url, threads=1)
    await store.open()
    try:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        await asyncio.wait_for(
            store.run(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('x', '1')")),
            30,
        )
        assert (
            await store.run(
                lambda db: db.execute("SELECT value FROM meta WHERE key = 'x'").fetchone()[0]
            )
            == "1"
        )
    finally:
        await store.close()


async def test_a_lease_passes_to_another_replica_when_its_holder_dies(postgres_url: str) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        textwrap.dedent(
            f"""
                import psycopg, sys, time
                conn = psycopg.connect({postgres_url!r}, autocommit=True)
                conn.execute("SELECT pg_advisory_lock(%s)", [{lock_key("telegram-polling")}])
                print("held", flush=True)
                time.sleep(120)
                """
        ),
        stdout=asyncio.subprocess.PIPE,
    )
    leases = PostgresLeases(postgres_url)
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        assert not await leases.try_acquire("telegram-polling")
        holder.kill()  # SIGKILL: no clean unlock; PostgreSQL frees it with the connection
        await asyncio.wait_for(holder.wait(), 10)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not await leases.try_acquire("telegram-polling"):
            assert loop.time() < deadline, "lease not taken over within 10 s"
            await asyncio.sleep(0.1)
        assert await leases.still_held()
        other = PostgresLeases(postgres_url)
        assert not await other.try_acquire("telegram-polling")
        await leases.release("telegram-polling")
        assert await other.try_acquire("telegram-polling")
        await other.close()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await leases.close()


async def test_a_burst_on_three_replicas_loses_no_unit_to_conflicts(postgres_url: str) -> None:
    """Every unit reads and extends one chain (as the audit log does), from three stores at
    once: each unit commits, none is refused after running out of retries."""
    stores = [PostgresStore(postgres_url, threads=4) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        await stores[0].run(
            lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")
        )

        def extend(db) -> None:  # type: ignore[no-untyped-def]
            (value,) = db.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()
            time.sleep(0.003)  # a unit's other statements: real units take milliseconds
            db.execute("UPDATE meta SET value = ? WHERE key = 'n'", [str(int(value) + 1)])

        units = [stores[i % 3].run(extend) for i in range(600)]
        outcomes = await asyncio.wait_for(asyncio.gather(*units, return_exceptions=True), 120)
        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        final = await stores[0].run(
            lambda db: db.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()[0]
        )
        assert final == "600"
    finally:
        await asyncio.gather(*(s.close() for s in stores))
