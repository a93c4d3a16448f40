"""PostgreSQL goes away while the bot runs: nothing unstored is confirmed, nothing is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.errors import StoreUnavailable
from tests import harness as h
from tests.pg_server import PostgresServer


@pytest.fixture
def database(postgres_server: PostgresServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    token = h.ENGINE.set(h.DatabaseFactory(postgres_server.new_database))
    yield tmp_path / "bot.db"
    h.ENGINE.reset(token)


def set_reachable(server: PostgresServer, url: str, reachable: bool) -> None:
    """Refuse (or allow again) every connection to the bot's database, as an outage would."""
    name = url.rsplit("/", 1)[1]
    with server.admin() as admin:
        admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(reachable).lower()}")
        if not reachable:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )


async def redeliver_until_taken(bot: h.Harness, event: object) -> None:
    """A platform sends an unconfirmed event again, with a pause, until it is confirmed (the
    pool may need a moment to reconnect after the outage)."""
    assert bot.app is not None
    while True:
        try:
            await bot.app.submit(event)  # type: ignore[arg-type]
            return
        except StoreUnavailable:
            await asyncio.sleep(0.5)


async def test_an_event_during_an_outage_is_refused_then_taken_once(
    database: Path, postgres_server: PostgresServer
) -> None:
    bot = await h.Harness(database).start()
    assert bot.app is not None
    bot.app.store.outage_patience = 1.0  # type: ignore[attr-defined]
    try:
        event = bot.chat.event("au-officer", "/request TH urgent #victim Shelter needed")
        await asyncio.to_thread(set_reachable, postgres_server, bot.database, False)
        with pytest.raises(StoreUnavailable):
            await asyncio.wait_for(bot.app.submit(event), 30)  # the platform is not told "ok"
        assert bot.inbox("au-officer") == []  # and no apology that would pretend otherwise

        await asyncio.to_thread(set_reachable, postgres_server, bot.database, True)
        await asyncio.wait_for(redeliver_until_taken(bot, event), 30)  # as the platform does
        await asyncio.wait_for(bot.app.submit(event), 30)  # and once more: still one effect
        await bot.settle()
        assert await bot.rows("SELECT COUNT(*) FROM requests") == [(1,)]
        assert len([t for t in bot.inbox("au-officer") if "sent to Thailand" in t]) == 1
    finally:
        await bot.stop()


def test_a_refused_connection_is_named_by_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main as focalbot

    result = CliRunner().invoke(
        focalbot,
        [
            "outbox",
            "--config",
            str(h.SHIPPED_CONFIG),
            "--database",
            "postgresql://nobody@127.0.0.1:1/nothing",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:1/nothing" in (
        result.output
    )
    assert "Traceback" not in result.output
