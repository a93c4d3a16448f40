"""An address the platform says reaches its person no more (they blocked the bot, the chat is
gone) is noted: the next messages go straight to the person's next channel instead of failing
there one by one, the sender is told once in plain words, the administrators once; when the
person writes from it again, it is used again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.directory.repo import save_directory
from bot.errors import Unreachable
from bot.events import Outbound
from tests.harness import Harness
from tests.test_fallback import reading_the_console, settings_with_th_fp_on

TH_FP_TELEGRAM = "100041"  # bot.toml's Telegram id of Thailand's focal point


class BlockedUntilUnblocked(MemoryAdapter):
    """Telegram on which Thailand's focal point blocked the bot (until ``blocked`` is False)."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.blocked = True
        self.tries = 0

    async def send(self, message: Outbound) -> str:
        self.tries += 1
        if self.blocked:
            raise Unreachable("telegram refused: Forbidden: bot was blocked by the user")
        return await super().send(message)


async def on_telegram(tmp_path: Path, telegram: MemoryAdapter) -> Harness:
    """A started bot where Thailand's focal point prefers ``telegram``."""
    settings = reading_the_console(settings_with_th_fp_on("telegram"))
    return await Harness(tmp_path / "bot.db", settings, extra_adapters=[telegram]).start()


async def test_a_blocked_channel_is_passed_over_until_the_person_writes_from_it(
    tmp_path: Path,
) -> None:
    telegram = BlockedUntilUnblocked("telegram")
    bot = await on_telegram(tmp_path, telegram)
    await bot.say("au-officer", "/request TH Check passport N1234567")
    await bot.say("au-officer", "/request TH Check passport N7654321")
    await bot.settle()
    assert telegram.tries == 1  # the second went straight to the next channel
    assert "N7654321" in bot.last("th-fp")
    told = [m for m in bot.inbox("au-officer") if "cannot be reached" in m]
    assert told == [
        "Niran Example cannot be reached on telegram any more (they may have blocked the bot "
        "or left it); I sent your message on console instead."
    ]
    assert not [m for m in bot.inbox("au-officer") if "Forbidden" in m]  # the API's words: log
    alerts = [m for m in bot.inbox("admin") if "can no longer be reached" in m]
    assert len(alerts) == 1, alerts
    assert "telegram is tried again once they write to the bot there" in alerts[0]

    telegram.blocked = False  # they unblocked the bot and wrote to it there
    await bot.app.submit(telegram.event(TH_FP_TELEGRAM, "/ping 1"))
    await bot.settle()
    await bot.say("au-officer", "/request TH Check passport N1111111")
    await bot.settle()
    assert any("N1111111" in d.message.text for d in telegram.sent)
    actions = [r[0] for r in await bot.rows("SELECT action FROM audit ORDER BY id")]
    assert actions.count("route.unreachable") == 1 and "route.reachable" in actions
    await bot.stop()


async def test_the_mark_survives_a_restart_and_an_import_restating_it_clears_it(
    tmp_path: Path,
) -> None:
    telegram = BlockedUntilUnblocked("telegram")
    settings = settings_with_th_fp_on("telegram")
    bot = await Harness(tmp_path / "bot.db", settings, extra_adapters=[telegram]).start()
    await bot.say("au-officer", "/request TH Check passport N1234567")
    await bot.settle()
    await bot.stop()
    await bot.start()
    await bot.say("au-officer", "/request TH Check passport N7654321")
    await bot.settle()
    assert telegram.tries == 1
    rows = await bot.rows(
        "SELECT unreachable_reason FROM identities WHERE channel = 'telegram' AND user_id = ?",
        [TH_FP_TELEGRAM],
    )
    assert rows == [("telegram refused: Forbidden: bot was blocked by the user",)]

    th_fp = next(p for p in settings.people if p.id == "th-fp")  # what an import writes
    await bot.app.store.run(lambda db: save_directory(db, [], [th_fp]))
    await bot.app.reload_directory()
    telegram.blocked = False
    await bot.say("au-officer", "/request TH Check passport N1111111")
    await bot.settle()
    assert telegram.tries == 2 and any("N1111111" in d.message.text for d in telegram.sent)
    await bot.stop()


class SlowlyBlocked(BlockedUntilUnblocked):
    """Blocked, and slow to say so: a second message waits in the chat's lane meanwhile."""

    async def send(self, message: Outbound) -> str:
        await asyncio.sleep(0.05)
        return await super().send(message)


async def test_a_message_queued_behind_the_one_that_found_the_block_moves_on_too(
    tmp_path: Path,
) -> None:
    """The second message to the blocked chat failed after the mark was loaded and was
    dropped: its sender read "no other channel reaches them" and the request never arrived."""
    telegram = SlowlyBlocked("telegram")
    bot = await on_telegram(tmp_path, telegram)
    await asyncio.gather(
        bot.say("au-officer", "/request TH Check passport N1111111"),
        bot.say("nz-officer", "/request TH Check passport N2222222"),
    )
    await bot.settle()
    inbox = "\n".join(bot.inbox("th-fp"))
    assert "N1111111" in inbox and "N2222222" in inbox, inbox
    assert not [m for m in bot.inbox("nz-officer") + bot.inbox("au-officer") if "no other" in m]
    await bot.stop()


class GroupGone(MemoryAdapter):
    """Telegram where the bot was removed from a group; private chats work."""

    async def send(self, message: Outbound) -> str:
        if message.address.startswith("-100"):
            raise Unreachable("telegram refused: Forbidden: bot was kicked from the supergroup")
        return await super().send(message)


async def test_a_group_that_is_gone_says_nothing_of_the_persons_own_chat(tmp_path: Path) -> None:
    telegram = GroupGone("telegram")
    bot = await on_telegram(tmp_path, telegram)
    group = telegram.event(TH_FP_TELEGRAM, "/help", chat_id="-1001234567890", private=False)
    await bot.app.submit(group)
    await bot.settle()
    await bot.say("au-officer", "/request TH Check passport N7654321")
    await bot.settle()
    assert any("N7654321" in d.message.text for d in telegram.sent)  # their own chat
    assert await bot.rows(
        "SELECT COUNT(*) FROM identities WHERE unreachable_since IS NOT NULL"
    ) == [(0,)]
    await bot.stop()


async def test_writing_in_a_group_does_not_clear_the_mark(tmp_path: Path) -> None:
    telegram = BlockedUntilUnblocked("telegram")
    bot = await on_telegram(tmp_path, telegram)
    await bot.say("au-officer", "/request TH Check passport N1234567")
    await bot.settle()
    group = telegram.event(TH_FP_TELEGRAM, "/ping", chat_id="-1001234567890", private=False)
    await bot.app.submit(group)
    await bot.settle()
    assert await bot.rows(
        "SELECT COUNT(*) FROM identities WHERE unreachable_since IS NOT NULL"
    ) == [(1,)]
    await bot.stop()
