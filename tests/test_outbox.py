"""The outbox: final states, retries by error class, `focalbot outbox` and retrying a dead one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from adapters.memory import MemoryAdapter
from bot.cli import main
from bot.errors import PermanentError, RateLimited, TransientError
from bot.events import Outbound
from bot.ports import Pacing
from tests.harness import SHIPPED_CONFIG, Harness, shipped_settings
from tests.test_fallback import reading_the_console


class Scripted(MemoryAdapter):
    """A channel that fails as told, per address, before it delivers."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel, Pacing(max_attempts=3))
        self.failures: dict[str, list[Exception]] = {}

    async def send(self, message: Outbound) -> str:
        queue = self.failures.get(message.address, [])
        if queue:
            raise queue.pop(0)
        return await super().send(message)


async def in_thread(*args: str):  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(CliRunner().invoke, main, list(args))


async def test_transient_then_rate_limited_then_sent(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Scripted).start()
    chat: Scripted = bot.chat  # type: ignore[assignment]
    chat.failures["au-officer"] = [TransientError("502"), RateLimited(0.05)]
    await chat.say("au-officer", "/ping 1")
    await bot.settle()
    assert chat.to("au-officer") == ["pong 1"]
    rows = await bot.rows("SELECT status, attempts FROM outbox")
    assert rows == [("sent", 2)]
    await bot.stop()


async def test_dead_message_is_listed_and_can_be_retried(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Scripted).start()
    chat: Scripted = bot.chat  # type: ignore[assignment]
    bot.app.directory_poll = 0.05  # type: ignore[union-attr]
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")  # type: ignore[union-attr]
    chat.failures["au-officer"] = [PermanentError("bot was blocked by the user")]
    await chat.say("au-officer", "/ping 2")
    await bot.settle()
    assert chat.to("au-officer") == []

    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]
    shown = await in_thread("outbox", *base)
    assert "failed: 1" in shown.output and "bot was blocked by the user" in shown.output
    [(message_id,)] = await bot.rows("SELECT id FROM outbox WHERE status = 'failed'")
    retried = await in_thread("outbox", "retry", str(message_id), *base)
    assert retried.exit_code == 0, retried.output
    for _ in range(100):
        if chat.to("au-officer"):
            break
        await asyncio.sleep(0.02)
    assert chat.to("au-officer") == ["pong 2"]
    again = await in_thread("outbox", "retry", str(message_id), *base)
    assert again.exit_code == 1 and "not failed or expired" in again.output
    await bot.stop()


class Down(MemoryAdapter):
    """A platform that keeps asking us to wait."""

    async def send(self, message: Outbound) -> str:
        raise RateLimited(0.01)


async def on_telegram_first(tmp_path: Path, telegram: MemoryAdapter) -> Harness:
    """The shipped bot with Thailand's focal point on ``telegram`` first (the console read too,
    where a message that fails falls back)."""
    settings = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": "telegram"}) if p.id == "th-fp" else p
        for p in settings.people
    )
    return await Harness(
        tmp_path / "bot.db",
        reading_the_console(settings.model_copy(update={"people": people})),
        extra_adapters=[telegram],
    ).start()


async def test_message_that_waits_too_long_expires_and_falls_back(tmp_path: Path) -> None:
    telegram = Down("telegram", Pacing(expire_after=0.2))
    bot = await on_telegram_first(tmp_path, telegram)
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    for _ in range(100):
        if bot.inbox("th-fp"):
            break
        await asyncio.sleep(0.02)
    assert "N1234567" in bot.last("th-fp")  # on the next channel once telegram expired
    rows = await bot.rows(
        "SELECT channel, status, error FROM outbox WHERE person_id = 'th-fp' ORDER BY id"
    )
    assert rows[0][:2] == ("telegram", "expired") and "expired" in rows[0][2]
    assert rows[1][:2] == ("console", "sent")
    await bot.stop()


async def test_a_message_waiting_for_a_retry_is_not_sent_once_its_person_is_revoked(
    tmp_path: Path,
) -> None:
    """The page to Thailand's focal point failed once and waited a second for its retry; the
    focal point was revoked meanwhile, and the retry delivered the request to them anyway."""
    bot = await Harness(tmp_path / "bot.db", chat_factory=Scripted).start()
    chat: Scripted = bot.chat  # type: ignore[assignment]
    chat.failures["th-fp"] = [TransientError("502")]
    await chat.say("au-officer", "/request TH routine Vessel registry lookup for MV Example")
    await chat.say("admin", "/revoke th-fp")
    await asyncio.wait_for(bot.settle(), timeout=10)  # the retry's second has passed
    assert not any("Vessel registry" in m for m in chat.to("th-fp"))
    rows = await bot.rows("SELECT status FROM outbox WHERE person_id = 'th-fp'")
    assert rows == [("withdrawn",)], rows
    await bot.stop()


async def test_a_limit_below_one_is_refused_and_an_unknown_person_is_named(
    tmp_path: Path,
) -> None:
    """`outbox --limit -5` listed everything; `directory reinstate ghost` said "not revoked"."""
    bot = await Harness(tmp_path / "bot.db").start()
    await bot.stop()
    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]
    refused = await in_thread("outbox", "--limit", "-5", *base)
    assert refused.exit_code == 2 and "Invalid value for '--limit'" in refused.output
    ghost = await in_thread("directory", "reinstate", "ghost", *base)
    assert ghost.exit_code == 1 and "no person 'ghost' in the directory" in ghost.output


class Counted(Down):
    """A platform that keeps asking us to wait, counting the attempts."""

    def __init__(self, channel: str, pacing: Pacing) -> None:
        super().__init__(channel, pacing)
        self.attempts = 0

    async def send(self, message: Outbound) -> str:
        self.attempts += 1
        return await super().send(message)


async def test_a_retried_expired_message_is_tried_again_and_falls_back_once(
    tmp_path: Path,
) -> None:
    """`outbox retry` of an expired message expired it again at once (its lifetime ran from
    its first writing), without an attempt, and sent its fallback and its sender's notice a
    second time."""
    telegram = Counted("telegram", Pacing(expire_after=0.3))
    bot = await on_telegram_first(tmp_path, telegram)
    bot.app.directory_poll = 0.05  # type: ignore[union-attr]
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")  # type: ignore[union-attr]
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    expired = "SELECT id FROM outbox WHERE channel = 'telegram' AND status = 'expired'"
    for _ in range(200):
        if await bot.rows(expired) and bot.inbox("th-fp"):
            break
        await asyncio.sleep(0.02)
    [(message_id,)] = await bot.rows(expired)
    await asyncio.wait_for(bot.settle(), timeout=10)
    told = len(bot.inbox("au-officer"))
    fallbacks = len([m for m in bot.inbox("th-fp") if "N1234567" in m])
    assert fallbacks == 1
    tried = telegram.attempts

    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]
    retried = await in_thread("outbox", "retry", str(message_id), *base)
    assert retried.exit_code == 0, retried.output
    for _ in range(200):
        if telegram.attempts > tried and await bot.rows(expired):
            break
        await asyncio.sleep(0.02)
    assert telegram.attempts > tried  # really tried again, not expired before any attempt
    assert await bot.rows(expired) == [(message_id,)]
    await asyncio.wait_for(bot.settle(), timeout=10)
    assert len([m for m in bot.inbox("th-fp") if "N1234567" in m]) == fallbacks
    assert len(bot.inbox("au-officer")) == told
    await bot.stop()
