"""Graceful shutdown: SIGTERM during a burst, and a second SIGTERM that cannot wait.

The bot runs as a real ``focalbot run`` process against the fake Telegram. Officers ping it
and file requests in a burst; the replies are owed at about one a second per chat, so a stop
always finds work in hand. A SIGTERM must end with exit code 0 after committing every update
Telegram was told was handled, with each owed message either delivered or still queued (and
delivered after a restart). A second SIGTERM exits at once (130), and the database is still
sound: ``PRAGMA integrity_check`` and ``focalbot audit verify`` pass, and a restart finishes
the work. Waits only bound a hung test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram
from tests.nothing_lost_support import (
    BotProcess,
    cli,
    deliveries,
    query,
    telegram_config,
    timeline,
    unexplained_duplicates,
)

OFFICERS = [300020, 300025, 300028, 300033, 300037, 300040, 300043]
TARGETS = ["AF", "BD", "IN", "MV", "MM", "PK", "AE"]
PINGS = 6
PATIENCE = 60.0


@dataclass
class Stopping:
    """The fake Telegram and the bot process on one database."""

    fake: FakeTelegram
    bot: BotProcess

    async def start(self) -> None:
        """Start the bot and wait until it polls for updates."""
        life = self.bot.start()
        await self.fake.wait_for(
            lambda: [c for c in self.fake.called("getUpdates") if c.at >= life.started], PATIENCE
        )

    def burst(self, tag: str) -> list[int]:
        """Every officer files a request and pings ``PINGS`` times (taking turns); return the
        update ids. Each officer is owed more replies than the stop's 5 s can deliver."""
        updates = [
            self.fake.message(officer, f"/request {target} routine {tag} case")
            for officer, target in zip(OFFICERS, TARGETS, strict=True)
        ]
        for k in range(PINGS):
            updates += [self.fake.message(o, f"/ping {tag}-{o}-{k}") for o in OFFICERS]
        return [u["update_id"] for u in updates]

    async def under_way(self) -> None:
        """Wait until every officer had a first pong: the burst is being delivered."""
        await self.fake.wait_for(
            lambda: all(any("pong" in t for t in self.fake.texts(o)) for o in OFFICERS), PATIENCE
        )

    def accepted(self, update_ids: list[int]) -> list[int]:
        """The updates Telegram was told were handled (below its confirmed offset)."""
        return [u for u in update_ids if u < self.fake.confirmed]

    def committed(self) -> set[int]:
        """Telegram updates recorded in the database."""
        keys = query(self.bot.database, "SELECT event_key FROM inbound")
        return {int(k.removeprefix("telegram:")) for (k,) in keys if k.startswith("telegram:")}


@pytest.fixture
async def stopping(tmp_path: Path) -> AsyncIterator[Stopping]:
    fake = await FakeTelegram().start()
    bot = BotProcess(telegram_config(tmp_path, fake), tmp_path / "bot.db", tmp_path / "bot.log")
    yield Stopping(fake, bot)
    if bot.alive():
        await bot.kill()
    await fake.stop()


def outbox_states(database: Path) -> dict[str, int]:
    """How many Telegram messages are in each state."""
    return dict(
        query(
            database,
            "SELECT status, COUNT(*) FROM outbox WHERE channel = 'telegram' GROUP BY status",
        )
    )


async def finish_after_restart(stopping: Stopping, updates: list[int]) -> None:
    """Start again; wait until every update is committed and nothing is owed; stop cleanly."""
    await stopping.start()
    deadline = time.monotonic() + PATIENCE
    while not (
        set(updates) <= stopping.committed()
        and "queued" not in outbox_states(stopping.bot.database)
    ):
        assert time.monotonic() < deadline, "work left after the restart"
        await asyncio.sleep(0.1)
    assert await stopping.bot.terminate() == 0


def assert_all_delivered(stopping: Stopping) -> None:
    """Every owed message reached its chat; duplicates only after an abrupt exit."""
    owed = query(stopping.bot.database, "SELECT address, text, status FROM outbox")
    copies = deliveries(stopping.fake)
    assert {status for *_, status in owed} == {"sent"}
    assert [(a, t) for a, t, _ in owed if (int(a), t) not in copies] == []
    assert unexplained_duplicates(copies, stopping.bot.lives) == []


async def test_sigterm_during_a_burst_commits_what_was_accepted_and_keeps_the_rest(
    stopping: Stopping,
) -> None:
    await stopping.start()
    updates = stopping.burst("a")
    await stopping.under_way()
    began = time.monotonic()
    try:
        assert await stopping.bot.terminate() == 0
    except AssertionError:
        print(timeline(stopping.fake, stopping.bot.lives), stopping.bot.output(), sep="\n")
        raise
    took = time.monotonic() - began

    accepted = stopping.accepted(updates)
    assert accepted and set(accepted) <= stopping.committed()
    states = outbox_states(stopping.bot.database)
    assert set(states) <= {"sent", "queued"}
    await finish_after_restart(stopping, updates)
    assert_all_delivered(stopping)
    print(
        f"\ngraceful stop: {took:.1f}s, {len(accepted)}/{len(updates)} updates accepted, "
        f"outbox at exit {states}"
    )


async def test_a_second_sigterm_exits_at_once_and_the_database_stays_sound(
    stopping: Stopping,
) -> None:
    await stopping.start()
    updates = stopping.burst("b")
    await stopping.under_way()

    assert await stopping.bot.terminate(again_after=0.2) == 130

    assert query(stopping.bot.database, "PRAGMA integrity_check") == [("ok",)]
    verified = cli(stopping.bot.config, stopping.bot.database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    await finish_after_restart(stopping, updates)
    assert_all_delivered(stopping)
    assert len(query(stopping.bot.database, "SELECT id FROM requests")) == len(OFFICERS)
