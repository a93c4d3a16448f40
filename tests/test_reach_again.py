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
from bot.errors import Unreachable
from bot.events import Outbound
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import Harness
from tests.test_fallback import with_pointer_only_sms
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


class Gone(MemoryAdapter):
    """A channel whose platform says the person blocked the bot, until they unblock it."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.blocked = True

    async def send(self, message: Outbound) -> str:
        if self.blocked:
            raise Unreachable("Forbidden: bot was blocked by the user")
        return await super().send(message)


def first_by_sms(person_id: str, number: str, *more: str):  # type: ignore[no-untyped-def]
    """``person_id`` prefers SMS, a pointer-only channel: casework for them goes as a pointer
    there and whole on their first channel that may carry it (Telegram, then Slack)."""
    base = with_pointer_only_sms("sms")
    people = tuple(
        p.model_copy(
            update={
                "preferred_channel": "sms",
                "identities": dict(zip(("sms", "telegram", "slack"), (number, *more), strict=True)),
            }
        )
        if p.id == person_id
        else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


async def back_on_telegram(bot: Harness, telegram: Gone, user_id: str) -> list[str]:
    """They unblock the bot on Telegram and write to it: what it says of what they missed."""
    assert bot.app is not None
    telegram.blocked = False
    await bot.app.submit(telegram.event(user_id, "/ping"))
    await bot.settle()
    assert telegram.to(user_id)[-1] == "pong", telegram.to(user_id)
    return [t for t in telegram.to(user_id) if "While I could not reach you" in t]


@pytest.mark.parametrize("replies", [0, 1])
async def test_a_pointer_and_its_content_are_one_missed_message(
    tmp_path: Path, replies: int
) -> None:
    """Their first channel pointer-only: each notification went twice, as a pointer by SMS
    and whole on Telegram (which failed) or Slack. Each is one message; two about the same
    request are two."""
    sms, telegram, slack = MemoryAdapter("sms"), Gone("telegram"), MemoryAdapter("slack")
    settings = first_by_sms("th-fp", "+66800000001", "100041", TH_FP_SLACK)
    bot = await Harness(
        tmp_path / "bot.db", settings, extra_adapters=[sms, telegram, slack]
    ).start()
    rid = await bot.file_request("TH routine Check passport N1234567")
    for _reply in range(replies):
        await bot.say("au-officer", f"/reply {rid} The holder is at the border")
    await bot.settle()
    assert len(sms.to("+66800000001")) == 1 + replies  # the pointers
    assert len([t for t in slack.to(TH_FP_SLACK) if rid in t]) == 1 + replies

    told = await back_on_telegram(bot, telegram, "100041")
    count = (
        "1 message for you was sent"
        if replies == 0
        else f"{1 + replies} messages for you were sent"
    )
    assert told == [
        f"While I could not reach you on telegram, {count} on another channel or not "
        f"delivered, about {rid}."
    ], telegram.to("100041")
    await bot.stop()


async def test_notices_about_nothing_in_particular_count_once_each(tmp_path: Path) -> None:
    """An administrator reached first by SMS: a stranger's alert and the alert that Telegram
    reaches them no more, each a pointer by SMS and its content on Telegram (which failed),
    with no request to name: two messages, not four."""
    sms, telegram, slack = MemoryAdapter("sms"), Gone("telegram"), MemoryAdapter("slack")
    settings = first_by_sms("admin", "+64800000009", "900009", "U0ADMIN9")
    bot = await Harness(
        tmp_path / "bot.db", settings, extra_adapters=[sms, telegram, slack]
    ).start()
    assert bot.app is not None
    await bot.app.submit(slack.event("U0STRANGER", "/ping"))
    await bot.settle()
    first = "SELECT channel, status FROM outbox WHERE person_id = 'admin' AND fallback_of IS NULL"
    assert await bot.rows(f"{first} ORDER BY id") == [
        ("sms", "sent"),  # the pointer to the stranger's alert
        ("telegram", "failed"),  # the alert, which marked Telegram unreachable
        ("sms", "sent"),  # the pointer to the alert that Telegram reaches them no more
        ("telegram", "failed"),  # that alert, written in the same unit as the mark
    ]

    told = await back_on_telegram(bot, telegram, "900009")
    assert told == [
        "While I could not reach you on telegram, 2 messages for you were sent on another "
        "channel or not delivered."
    ], telegram.to("900009")
    await bot.stop()
