"""Two outbox faults the crash and flaky-platform tests found, pinned down in-process.

- After a restart, owed messages went out before their adapter had started; "not running"
  counted as a failed attempt, so every restart doubled their backoff and, after a handful of
  crash-restarts, they failed for good.
- A lane already sleeping out its per-chat interval sent on waking even if a 429 on another
  chat had paused the channel meanwhile, i.e. before the platform's ``retry_after``.
- Closing the outbox at a graceful stop cut off sends under way: the platform showed the
  message, the bot never marked it sent, and it went out a second time after the restart.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.errors import RateLimited, TransientError
from bot.events import Outbound
from bot.ports import EventSink, Pacing
from tests.harness import Harness, eventually
from tests.nothing_lost_support import query


class Unreachable(MemoryAdapter):
    """A channel whose sends never complete: what is owed stays queued, as at a crash."""

    async def send(self, message: Outbound) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class SlowStart(MemoryAdapter):
    """Like a platform adapter, it can send only once its start (a handshake) is done."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.running = False

    async def start(self, sink: EventSink) -> None:
        await asyncio.sleep(0.05)  # getMe, deleteWebhook, ...
        await super().start(sink)
        self.running = True

    async def send(self, message: Outbound) -> str:
        if not self.running:
            raise TransientError("channel is not running")
        return await super().send(message)


async def test_owed_messages_wait_for_their_channel_to_start(tmp_path: Path) -> None:
    crashed = await Harness(tmp_path / "bot.db", chat_factory=Unreachable).start()
    await crashed.chat.say("au-officer", "/ping 1")
    assert crashed.app is not None
    await crashed.app.outbox.close()
    await crashed.app.store.close()  # as good as a crash: the reply is still queued

    bot = await Harness(tmp_path / "bot.db", chat_factory=SlowStart).start()
    await bot.settle()
    # On PostgreSQL the new process is a new replica: it adopts the dead one's chats once
    # that one has missed its heartbeats (a few seconds); on SQLite at once.
    await eventually(lambda: bot.inbox("au-officer") == ["pong 1"], 15.0, "owed reply sent")
    await bot.settle()
    assert await bot.rows("SELECT status, attempts FROM outbox") == [("sent", 1)]
    await bot.stop()


class Throttled(MemoryAdapter):
    """Paces 0.3 s per chat; the first send to ``th-fp`` is refused with a 429 (0.5 s)."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel, Pacing(per_chat_interval=0.3))
        self.attempts: list[tuple[str, float, bool]] = []  # (address, when, accepted)

    async def send(self, message: Outbound) -> str:
        refused = message.address == "th-fp" and not self.attempts_to("th-fp")
        self.attempts.append((message.address, time.monotonic(), not refused))
        if refused:
            raise RateLimited(0.5)
        return await super().send(message)

    def attempts_to(self, address: str) -> list[float]:
        return [at for to, at, _ in self.attempts if to == address]


async def test_a_429_pauses_lanes_already_waiting_their_turn(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Throttled).start()
    chat: Throttled = bot.chat  # type: ignore[assignment]
    await bot.say("au-officer", "/ping 1")  # delivered; the officer's next must wait 0.3 s
    await chat.say("au-officer", "/ping 2")  # its lane starts sleeping out the interval...
    await chat.say("th-fp", "/ping 3")  # ...when another chat's send is answered 429
    await bot.settle()

    throttled_at = chat.attempts_to("th-fp")[0]
    second_pong_at = chat.attempts_to("au-officer")[1]
    assert second_pong_at - throttled_at >= 0.5
    assert chat.to("au-officer") == ["pong 1", "pong 2"] and chat.to("th-fp") == ["pong 3"]
    await bot.stop()


class Slow(MemoryAdapter):
    """A platform that takes a moment to answer each send."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.sending = asyncio.Event()

    async def send(self, message: Outbound) -> str:
        self.sending.set()
        await asyncio.sleep(0.2)
        return await super().send(message)


async def test_closing_lets_a_send_under_way_finish_and_records_it(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Slow).start()
    chat: Slow = bot.chat  # type: ignore[assignment]
    assert bot.app is not None
    await chat.say("au-officer", "/ping 1")
    await chat.sending.wait()

    await bot.app.outbox.close(grace=5.0)  # what a stop does once its drain time is up
    await bot.app.store.close()

    assert chat.to("au-officer") == ["pong 1"]
    assert query(bot.database, "SELECT status FROM outbox") == [("sent",)]
    await bot.stop()
