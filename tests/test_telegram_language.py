"""The first answers to someone whose language the bot does not know yet (a stranger, or a
person who chose none) are in the language of their Telegram app, where the bot speaks it; a
language a person chose still wins.

The real core, python-telegram-bot and the fake Bot API server (see tests/test_telegram.py,
whose people and fixtures these are). Thai reads through a marked catalog (``‹th›…‹/th›``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dispatch import STRANGER_REPLY
from tests.fake_telegram import FakeTelegram
from tests.harness import Harness
from tests.marked_catalog import marked
from tests.test_telegram import FOCAL, STRANGER, Room, fake, running

__all__ = ["Harness", "fake"]  # the fixture, used by name; Harness: on both engines
ONLY_COMMANDS = "I only understand commands. /help lists them, with examples."


@pytest.fixture
async def thai(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Room]:
    """The bot on Telegram, its Thai catalog marked."""
    with marked("th"):
        started = await running(tmp_path, fake)
        yield started
        await started.bot.stop()


async def test_a_stranger_is_answered_in_the_language_of_their_app(thai: Room) -> None:
    thai.say(STRANGER, "/help", language="th")

    [refused] = await thai.fake.wait_for_text(STRANGER, "Sorry")
    assert refused == f"‹th›{STRANGER_REPLY}‹/th›"


async def test_an_app_language_the_bot_has_no_catalog_for_gets_the_default(thai: Room) -> None:
    thai.say(STRANGER, "/help", language="de")

    [refused] = await thai.fake.wait_for_text(STRANGER, "Sorry")
    assert refused == str(STRANGER_REPLY)


async def test_a_person_who_chose_no_language_is_answered_in_their_apps(thai: Room) -> None:
    thai.say(FOCAL, "hello", language="th-TH")

    [answer] = await thai.fake.wait_for_text(FOCAL, "I only understand commands")
    assert answer == f"‹th›{ONLY_COMMANDS}‹/th›"
    assert await thai.bot.rows("SELECT language FROM people WHERE id = 'th-fp'") == [("en",)]


async def test_a_language_the_person_chose_wins_over_their_apps(thai: Room) -> None:
    thai.say(FOCAL, "/language en", language="th")
    await thai.fake.wait_for_text(FOCAL, "I will write to you in English")

    thai.say(FOCAL, "hello", language="th")

    [answer] = await thai.fake.wait_for_text(FOCAL, "I only understand commands")
    assert answer == ONLY_COMMANDS
