"""Report files in chat through the real clients: /report chart and /report xlsx reach a
co-chair on Telegram as a photo and a document (python-telegram-bot against the fake Bot
API); a channel that cannot carry files says where to get them instead."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from matplotlib import image
from openpyxl import load_workbook

from adapters.memory import MemoryAdapter
from adapters.telegram import TelegramAdapter
from bot.config import Settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import Harness, shipped_settings
from tests.returns_support import running
from tests.test_report import SMALL_JPA

COCHAIR = 900001  # a Telegram id given to the co-chair for these tests


def cochair_on_telegram() -> Settings:
    base = shipped_settings(periods=(SMALL_JPA,))
    people = tuple(
        p.model_copy(
            update={"preferred_channel": "telegram", "identities": {"telegram": str(COCHAIR)}}
        )
        if p.id == "nz-cochair"
        else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Harness]:
    options = {
        "token_env": "TG_TOKEN",
        "base_url": fake.base_url,
        "base_file_url": fake.base_file_url,
        "poll_timeout": 5,
    }
    adapter = TelegramAdapter.from_settings(options, {"TG_TOKEN": TOKEN})
    harness = Harness(tmp_path / "bot.db", cochair_on_telegram(), extra_adapters=[adapter])
    await harness.start()
    yield harness
    await harness.stop()


def uploads(fake: FakeTelegram, method: str) -> list[dict]:  # type: ignore[type-arg]
    return [c.params for c in fake.called(method) if c.status == 200]


async def test_chart_arrives_as_a_photo(bot: Harness, fake: FakeTelegram) -> None:
    fake.message(COCHAIR, "/report chart JPA-9")
    [sent] = await fake.wait_for(lambda: uploads(fake, "sendPhoto"))
    assert "JPA-9: figures by country" in sent["caption"]
    assert sent["photo"]["filename"].endswith(".png")
    pixels = image.imread(io.BytesIO(sent["photo"]["content"]), format="png")
    assert pixels.shape[1] >= 800 and pixels[..., :3].std() > 0.05
    assert not uploads(fake, "sendDocument")


async def test_workbook_arrives_as_a_document(bot: Harness, fake: FakeTelegram) -> None:
    fake.message(COCHAIR, "/report xlsx JPA-9")
    [sent] = await fake.wait_for(lambda: uploads(fake, "sendDocument"))
    assert sent["document"]["filename"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(sent["document"]["content"]))
    assert book.sheetnames[:2] == ["Summary", "By country"] and "Status" in book.sheetnames
    await bot.settle()  # the outbox marks it sent once the send returned
    [status] = await bot.rows("SELECT status FROM outbox WHERE channel = 'telegram'")
    assert status == ("sent",)


async def test_channel_without_files_says_where_to_get_them(tmp_path: Path) -> None:
    """Email carries casework but no files here: the caption goes with a note instead."""

    class NoFiles(MemoryAdapter):
        sends_files = False

    settings = shipped_settings(periods=(SMALL_JPA,))
    bot = Harness(tmp_path / "bot.db", settings, chat_factory=NoFiles)
    await bot.start()
    [answer] = await bot.say("nz-cochair", "/report xlsx JPA-9")
    assert "JPA-9: the report as a workbook" in answer
    assert "cannot be sent on this channel; ask for it again on Telegram, Slack" in answer
    assert bot.chat.sent[-1].message.attachment is None
    await bot.stop()


async def test_pointer_only_channel_gets_the_pointer_and_no_file(tmp_path: Path) -> None:
    line = MemoryAdapter("line")
    settings = shipped_settings(periods=(SMALL_JPA,))
    people = tuple(
        p.model_copy(update={"identities": {**p.identities, "line": "Ucochair"}})
        if p.id == "nz-cochair"
        else p
        for p in settings.people
    )
    bot = Harness(tmp_path / "bot.db", settings.model_copy(update={"people": people}), [line])
    await bot.start()
    await line.say("Ucochair", "/report chart JPA-9")
    await bot.settle()
    [message] = [d.message for d in line.sent]
    assert message.attachment is None and "awaits you" in message.text
    [stored] = await bot.rows("SELECT attachment FROM outbox WHERE channel = 'line'")
    assert stored == (None,)
    await bot.stop()


async def test_the_file_word_may_follow_the_code_and_csv_points_to_the_command_line(
    tmp_path: Path,
) -> None:
    """`/report JPA-9 xlsx` was "I don't know the language xlsx"; `/report csv JPA-9` said
    "Name one period at most"."""
    bot = Harness(tmp_path / "bot.db", shipped_settings(periods=(SMALL_JPA,)))
    await bot.start()
    [answer] = await bot.say("nz-cochair", "/report JPA-9 xlsx")
    assert "JPA-9: the report as a workbook" in answer, answer
    assert bot.chat.sent[-1].message.attachment is not None
    [csv] = await bot.say("nz-cochair", "/report csv JPA-9")
    assert "from the command line: focalbot report JPA-9 --format csv" in csv, csv  # its own
    await bot.stop()


async def test_examples_name_a_period_there_is(tmp_path: Path) -> None:
    """They named JPA-4, which no deployment need have (found by a trial)."""
    bot = await running(tmp_path)
    [usage] = await bot.say("nz-cochair", "/status TH")
    assert usage == "Use /status, /status W2, /status JPA-9 W2 or /status W2 chase.", usage
    await bot.press("lk-cochair", "/period close JPA-9 confirm")
    [closed] = await bot.say("nz-cochair", "/report")
    assert closed == "No period of action is open; name one: /report JPA-9.", closed  # the last
    await bot.stop()
    (tmp_path / "empty").mkdir()
    empty = await running(tmp_path / "empty", periods=())
    [none] = await empty.say("nz-cochair", "/report")
    assert none == "No period of action is open; name one: /report JPA-4.", none
    await empty.stop()
