"""Contention: the CLI runs while the bot handles a burst, and neither is refused.

The bot (real core and store, in this process) takes a steady burst of requests and pings
from everyone in the directory, and re-reads the directory often, while ``focalbot report``,
``directory export``, ``directory import`` and ``outbox`` run again and again as separate
processes on the same database (the SQLite file, or the PostgreSQL database, where
serialization conflicts must be retried, never surfaced). No side may fail with "database is
locked": every CLI run succeeds, and every event the bot accepted is committed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from pathlib import Path

import pytest

from bot.app import SORRY
from tests.harness import SHIPPED_CONFIG, Harness
from tests.nothing_lost_support import cli

ROUNDS = 3
OFFICERS = ["au-officer", "id-officer", "my-officer", "nz-officer", "ph-officer", "lk-officer"]
EVERYONE_ELSE = ["th-fp", "au-fp", "id-fp", "my-fp", "nz-fp", "admin", "nz-cochair", "vn-fp"]


async def burst(bot: Harness, stop: asyncio.Event) -> int:
    """Requests and pings from many people at once, until ``stop``; return how many events."""
    sent = 0
    for n in itertools.count(1):
        if stop.is_set():
            return sent
        people = [(p, f"/request AF routine load test {n}") for p in OFFICERS if n <= 15]
        people += [(p, f"/ping {n}") for p in EVERYONE_ELSE]
        await asyncio.gather(*(bot.chat.say(p, text) for p, text in people))
        sent += len(people)
    raise AssertionError("unreachable")


async def cli_rounds(folder: Path, database: str) -> list[tuple[str, int, str]]:
    """Every CLI command ``ROUNDS`` times, the four of a round at once (each its own process)."""
    people = folder / "people.csv"
    exported = await asyncio.to_thread(cli, SHIPPED_CONFIG, database, "directory", "export")
    people.write_text(exported.stdout, encoding="utf-8")
    commands = [
        ("report", "JPA-4"),
        ("directory", "export"),
        ("directory", "import", str(people)),
        ("outbox",),
    ]
    results = []
    for _ in range(ROUNDS):
        runs = [asyncio.to_thread(cli, SHIPPED_CONFIG, database, *args) for args in commands]
        for args, done in zip(commands, await asyncio.gather(*runs), strict=True):
            results.append((" ".join(args[:2]), done.returncode, done.stderr))
    return results


async def test_cli_and_bot_share_the_database_without_locking(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bot = await Harness(tmp_path / "bot.db").start()
    assert bot.app is not None
    bot.app.directory_poll = 0.01  # re-read the directory (and the outbox version) constantly
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")
    stop = asyncio.Event()
    load = asyncio.create_task(burst(bot, stop))
    try:
        results = await cli_rounds(tmp_path, bot.database)
    finally:
        stop.set()
        events = await load
    await bot.settle()

    failed = [(command, code, err) for command, code, err in results if code != 0]
    assert failed == []
    assert [(command, err) for command, _, err in results if "locked" in err] == []
    assert not any(str(SORRY) in d.message.text for d in bot.chat.sent)
    assert "locked" not in caplog.text and "store commit failed" not in caplog.text
    assert await bot.rows("SELECT COUNT(*) FROM inbound") == [(events,)]
    print(f"\ncontention: {events} events committed beside {len(results)} CLI runs")
    await bot.stop()
