"""The first answers to someone whose language the bot does not know yet (a stranger, or a
person who chose none) are in the language of their Telegram app, where the bot speaks it; a
language a person chose still wins, and so does one their administrator gave them (bot.toml,
an import), even the bot's own.

The real core, python-telegram-bot and the fake Bot API server (see tests/test_telegram.py,
whose people and fixtures these are). Thai reads through a marked catalog (``‹th›…‹/th›``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import Person, Settings
from bot.dispatch import STRANGER_REPLY
from tests.fake_telegram import FakeTelegram
from tests.harness import SHIPPED_CONFIG, Harness, execute_on
from tests.marked_catalog import marked
from tests.test_telegram import FOCAL, STRANGER, Room, fake, on_telegram, running

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


def th_fp_given(language: str) -> Settings:
    """Everyone on Telegram; Thailand's focal point with ``language = "…"`` in bot.toml."""
    base = on_telegram()
    people = tuple(
        Person.model_validate({**p.model_dump(exclude={"language"}), "language": language})
        if p.id == "th-fp"
        else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


async def answered_in_english_from_a_thai_app(tmp_path: Path, fake: FakeTelegram) -> None:
    """Thailand's focal point, given English in bot.toml, writes from an app set to Thai."""
    with marked("th"):
        room = await running(tmp_path, fake, th_fp_given("en"))
        room.say(FOCAL, "hello", language="th")

        [answer] = await room.fake.wait_for_text(FOCAL, "I only understand commands")
        assert answer == ONLY_COMMANDS
        await room.bot.stop()


async def test_the_bots_language_given_in_bot_toml_wins_over_their_apps(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    """English, the bot's language, written down for them: a choice, not a language unknown."""
    await answered_in_english_from_a_thai_app(tmp_path, fake)


async def test_the_bots_language_given_by_an_import_wins_over_their_apps(
    thai: Room, tmp_path: Path
) -> None:
    """Two officers imported, one with English in the language cell, one with it empty."""
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,country,roles,language,identity:telegram\n"
        "th-given,Pim Example,TH,officer,en,300091\n"
        "th-unsaid,Pom Example,TH,officer,,300092\n"
    )
    base = ["--config", str(SHIPPED_CONFIG), "--database", thai.bot.database]
    imported = await asyncio.to_thread(
        CliRunner().invoke, main, ["directory", "import", str(people), *base]
    )
    assert imported.exit_code == 0, imported.output
    assert thai.bot.app is not None
    await thai.bot.app.reload_directory()  # what its watch does on seeing the import

    thai.say(300091, "hello", language="th")
    thai.say(300092, "hello", language="th")

    [given] = await thai.fake.wait_for_text(300091, "I only understand commands")
    assert given == ONLY_COMMANDS
    [unsaid] = await thai.fake.wait_for_text(300092, "I only understand commands")
    assert unsaid == f"‹th›{ONLY_COMMANDS}‹/th›"


async def test_a_database_from_before_notes_the_languages_bot_toml_gives(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    """Upgraded, with bot.toml unchanged (so not applied again), the English it gives Thailand's
    focal point is noted as given all the same."""
    room = await running(tmp_path, fake, th_fp_given("en"))
    await room.bot.stop()
    for statement in (  # as schema 22 left it
        "DROP TABLE replays",  # (schema 25)
        "ALTER TABLE outbox DROP COLUMN parts_sent",  # (schema 26)
        "ALTER TABLE people DROP COLUMN language_given",
        "UPDATE meta SET value = '22' WHERE key = 'schema_version'",
    ):
        execute_on(room.bot.database, statement)
    await answered_in_english_from_a_thai_app(tmp_path, fake)
