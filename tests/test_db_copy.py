"""``focalbot db copy``: a SQLite deployment moves to PostgreSQL with nothing lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main as focalbot
from bot.storage.migrations import MIGRATIONS
from tests import harness as h
from tests.pg_server import PostgresServer


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(focalbot, [*args, "--config", str(h.SHIPPED_CONFIG)])
    return result.exit_code, result.output


@pytest.fixture
def target(postgres_url: str) -> str:
    """A fresh PostgreSQL database, the test run in its own directory (its audit anchors)."""
    return postgres_url


async def test_a_deployment_moves_to_postgresql_and_carries_on(tmp_path: Path, target: str) -> None:
    source = tmp_path / "focalpoint.db"
    old = await h.Harness(source).start()
    first = await old.file_request("TH urgent #victim Two women need shelter")
    await old.say("th-fp", f"/ack {first}")
    await old.say("th-fp", f"/reply {first} Shelter in Hat Yai can take them")
    await old.say("admin", "/revoke th-officer")
    await old.stop()

    code, output = await asyncio.to_thread(run, "db", "copy", "--from", str(source), "--to", target)
    assert code == 0, output
    assert "the audit chain" in output and "verifies on the copy" in output
    assert "requests" in output and "audit" in output

    code, output = await asyncio.to_thread(run, "audit", "verify", "--database", target)
    assert code == 0 and "OK" in output, output

    token = h.ENGINE.set(h.DatabaseFactory(lambda: target))
    try:
        new = await h.Harness(tmp_path / "moved.db").start()
        try:
            shown = await new.say("au-officer", f"/show {first}")
            assert "Shelter in Hat Yai" in "\n".join(shown)
            second = await new.file_request("MY routine #info Vessel owner details")
            assert second.endswith("0002")  # numbering carries on after the copied requests
            refused = await new.say("th-officer", "/requests")
            assert not any("Open requests" in line for line in refused)  # still revoked
        finally:
            await new.stop()
    finally:
        h.ENGINE.reset(token)


async def test_copying_into_a_database_in_use_is_refused(tmp_path: Path, target: str) -> None:
    source = tmp_path / "focalpoint.db"
    await (await h.Harness(source).start()).stop()
    code, output = await asyncio.to_thread(run, "db", "copy", "--from", str(source), "--to", target)
    assert code == 0, output
    code, output = await asyncio.to_thread(run, "db", "copy", "--from", str(source), "--to", target)
    assert code == 1 and "already holds data" in output


async def test_a_wrong_source_or_target_is_named(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    code, output = await asyncio.to_thread(
        run, "db", "copy", "--from", str(tmp_path / "x.db"), "--to", postgres_server.url("d")
    )
    assert code == 1 and "there is no SQLite file" in output
    assert not (tmp_path / "x.db").exists()
    await (await h.Harness(tmp_path / "x.db").start()).stop()
    code, output = await asyncio.to_thread(
        run,
        "db",
        "copy",
        "--from",
        str(tmp_path / "x.db"),
        "--to",
        postgres_server.url("no_such_db"),
    )
    assert code == 1 and 'database "no_such_db" does not exist' in output
    code, output = run(
        "db", "copy", "--from", str(tmp_path / "x.db"), "--to", str(tmp_path / "y.db")
    )
    assert code == 2 and "postgresql://" in output


def test_a_refused_copy_changes_neither_the_source_nor_the_target(
    tmp_path: Path, target: str
) -> None:
    """A copy into a database that holds data migrated the SQLite source first (an older
    FocalPoint's file came out at the newest schema) and only then refused."""
    first = h.created_database(tmp_path / "first.db")
    h.execute_on(first, "INSERT INTO countries VALUES ('TH', 'Thailand', 'Asia/Bangkok')")
    code, output = run("db", "copy", "--from", first, "--to", target)
    assert code == 0, output
    source = str(tmp_path / "older.db")
    for version, script in enumerate(MIGRATIONS[:-1], start=1):  # as the release before left it
        for statement in script.split(";"):
            if statement.strip():
                h.execute_on(source, statement)
        h.execute_on(source, "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [version])
    before = Path(source).read_bytes()
    code, output = run("db", "copy", "--from", source, "--to", target)
    assert code == 1 and "already holds data" in output
    assert Path(source).read_bytes() == before
    assert h.execute_on(source, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(len(MIGRATIONS) - 1),)
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("older.db")) == [
        "older.db"
    ]
