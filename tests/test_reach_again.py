"""Someone who blocked the bot on Telegram (against tests/fake_telegram.py): what fails there
goes on their next channel of their own, never to the console standing in for everyone (nobody
reads a terminal for them); when they write to the bot there again, one short message tells
them what was sent to them meanwhile that failed or went elsewhere (ids and a count)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from adapters.telegram import TelegramAdapter
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import Harness
from tests.test_telegram import FOCAL, OFFICER, on_telegram, options

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)
TH_FP_SLACK = "U0THFP01"  # bot.toml's Slack id of Thailand's focal point


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    server.blocked.add(FOCAL)  # Thailand's focal point blocked the bot
    yield server
    await server.stop()


async def started(tmp_path: Path, fake: FakeTelegram, *more: MemoryAdapter) -> Harness:
    adapter = TelegramAdapter.from_settings(options(fake), {"TG_TOKEN": TOKEN})
    bot = Harness(tmp_path / "bot.db", on_telegram(), extra_adapters=[adapter, *more])
    return await bot.start()


async def test_a_blocked_chat_falls_back_to_their_own_next_channel_not_the_console(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    slack = MemoryAdapter("slack")
    bot = await started(tmp_path, fake, slack)
    fake.message(OFFICER, "/request TH urgent Check passport N1234567")
    await fake.wait_for_text(OFFICER, "I sent your message on slack instead")
    assert any("N1234567" in t for t in slack.to(TH_FP_SLACK))
    assert not [m for m in bot.inbox("th-fp") if "N1234567" in m]  # not on the console
    await bot.stop()


async def test_with_no_channel_of_theirs_left_the_console_does_not_take_it(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    bot = await started(tmp_path, fake)
    fake.message(OFFICER, "/request TH urgent Check passport N1234567")
    await fake.wait_for_text(OFFICER, "no other channel reaches them", 1)
    assert not [m for m in bot.inbox("th-fp") if "N1234567" in m]
    assert "sent your message on console" not in "\n".join(fake.texts(OFFICER))
    await bot.stop()


async def test_writing_again_tells_them_once_what_they_missed(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    slack = MemoryAdapter("slack")
    bot = await started(tmp_path, fake, slack)
    fake.message(OFFICER, "/request TH urgent Check passport N1234567")
    await fake.wait_for_text(OFFICER, "Request R-2026-0001 sent")
    await fake.wait_for_text(OFFICER, "sent your message on slack instead")
    fake.message(OFFICER, "/request TH routine Vessel registry extract")
    await fake.wait_for_text(OFFICER, "Request R-2026-0002 sent")
    await bot.settle()
    assert len([t for t in slack.to(TH_FP_SLACK) if "R-2026-0002" in t]) == 1

    fake.blocked.discard(FOCAL)  # they unblock the bot and write to it
    fake.message(FOCAL, "/ping")
    await fake.wait_for_text(FOCAL, "pong")
    told = [t for t in fake.texts(FOCAL) if "While I could not reach you" in t]
    assert told == [
        "While I could not reach you on telegram, 2 messages for you were sent on another "
        "channel or not delivered, about R-2026-0001, R-2026-0002."
    ], fake.texts(FOCAL)
    assert "N1234567" not in told[0] and "Vessel" not in told[0]  # ids, not the casework
    fake.message(FOCAL, "/ping")  # said once
    await fake.wait_for_text(FOCAL, "pong", 2)
    assert len([t for t in fake.texts(FOCAL) if "While I could not reach you" in t]) == 1
    await bot.stop()
