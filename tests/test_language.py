"""/language: each person chooses the language the bot writes to them in; /help lists them.

No catalog is shipped yet, so Thai here is a test catalog installed over the real one: every
string that went through it comes back marked, which shows the answer was rendered in the
person's language (and the command words inside it were left as they are).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import parse_settings
from bot.directory.csv_io import parse_csv
from bot.errors import ConfigError
from bot.i18n import LANGUAGES, LanguageName, _, language_list, own_names, render
from tests.dispatch_world import DispatchWorld
from tests.harness import Harness
from tests.marked_catalog import marked
from tests.test_config import MINIMAL as CONFIG_MINIMAL


@pytest.fixture
def thai() -> Iterator[None]:
    with marked("th"):
        yield


async def stored_language(bot: Harness, person_id: str) -> str:
    rows = await bot.rows("SELECT language FROM people WHERE id = ?", [person_id])
    return str(rows[0][0])


async def test_language_shows_ones_own_and_the_available_ones(bot: Harness) -> None:
    [answer] = await bot.say("th-fp", "/language")
    assert "Your language: en (English)." in answer
    assert str(language_list()) in answer
    assert "th (ไทย)" in answer and "fa_AF (دری)" in answer


async def test_choosing_thai_answers_in_thai_and_help_follows(bot: Harness, thai: None) -> None:
    [answer] = await bot.say("th-fp", "/language th")
    assert answer.startswith("‹th›I will write to you in ไทย (th) from now on.")
    assert await stored_language(bot, "th-fp") == "th"
    audit = await bot.rows(
        "SELECT actor, action, subject, detail FROM audit WHERE action = ?", ["language"]
    )
    assert audit == [("th-fp", "language", "th-fp", "th")]
    [help_text] = await bot.say("th-fp", "/help")
    assert help_text.startswith("‹th›FocalPoint — commands you can use:‹/th›")
    assert "‹th›‹th›Requests‹/th›: /request /ack" in help_text  # command words kept
    assert f"‹th›Languages: {own_names()}.‹/th›" in help_text
    [every] = await bot.say("th-fp", "/help all")
    assert "\n/language ‹th›[code]‹/th›\n  ‹th›Show your language" in every
    assert "‹th›What each command does, with an example.‹/th›" in every
    assert f"‹th›Languages: {language_list()}.‹/th›" in every
    # someone else still reads English
    [other] = await bot.say("th-deputy", "/help")
    assert "‹th›" not in other and "commands you can use" in other


async def test_codes_are_read_loosely(bot: Harness) -> None:
    for typed, stored in (
        ("TH", "th"),
        ("prs", "fa_AF"),
        ("fa-af", "fa_AF"),
        ("Vi", "vi"),
        ("Thai", "th"),  # its English name, as CLDR gives it or as people say it
        ("bengali", "bn"),
        ("Bangla", "bn"),
        ("ไทย", "th"),  # its own name, as /help lists it
        ("tiếng  VIỆT", "vi"),
        ("دری", "fa_AF"),
    ):
        [answer] = await bot.say("my-fp", f"/language {typed}")
        assert "I don't know" not in answer, answer
        assert await stored_language(bot, "my-fp") == stored, typed


async def test_dari_answer_is_marked_right_to_left(bot: Harness) -> None:
    [answer] = await bot.say("my-fp", "/language prs")
    assert answer.startswith("\u200f")  # right-to-left mark: the line is laid out RTL


async def test_unknown_code_lists_the_languages_and_changes_nothing(bot: Harness) -> None:
    [answer] = await bot.say("th-fp", "/language klingon")
    assert answer.startswith("I don't know the language klingon. Available: ")
    assert str(language_list()) in answer
    assert await stored_language(bot, "th-fp") == "en"
    assert await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'language'") == [(0,)]


async def test_choice_survives_a_restart_and_the_bot_toml_sync(bot: Harness, thai: None) -> None:
    await bot.say("th-fp", "/language th")
    await bot.restart()  # start re-applies bot.toml, where th-fp has no language (English)
    assert await stored_language(bot, "th-fp") == "th"
    [answer] = await bot.say("th-fp", "/whoami")
    assert answer.startswith("‹th›You are Niran Example (id th-fp), ‹th›focal point‹/th›")


async def test_bot_toml_language_still_applies_to_those_who_did_not_choose(
    tmp_path: Path,
) -> None:
    bot = Harness(tmp_path / "bot.db")
    await bot.start()
    try:
        await bot.say("th-fp", "/language th")
        people = tuple(
            p.model_copy(update={"language": "vi"}) if p.id in ("th-fp", "th-deputy") else p
            for p in bot.settings.people
        )
        bot.settings = bot.settings.model_copy(update={"people": people})
        await bot.restart()
        assert await stored_language(bot, "th-fp") == "th"  # the person's own choice wins
        assert await stored_language(bot, "th-deputy") == "vi"
    finally:
        await bot.stop()


MINIMAL = CONFIG_MINIMAL + 'language = "{language}"\n'


def test_bot_toml_language_is_validated_and_normalised() -> None:
    with pytest.raises(ConfigError, match=r"people\[0\].language: person 'th-fp' has unknown"):
        parse_settings(MINIMAL.format(language="klingon"), "bot.toml")
    assert parse_settings(MINIMAL.format(language="TH")).people[0].language == "th"
    assert parse_settings(MINIMAL.format(language="prs")).people[0].language == "fa_AF"


def test_the_bots_own_language_is_validated_and_normalised() -> None:
    config = "[bot]\nlanguage = '{bot}'\n" + MINIMAL.format(language="th")
    with pytest.raises(ConfigError, match=r"bot.language: unknown language 'klingon' \(known: en"):
        parse_settings(config.replace("{bot}", "klingon"), "bot.toml")
    assert parse_settings(config.replace("{bot}", "TH")).bot.language == "th"


def test_directory_csv_language_is_validated(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    text = "id,name,country,roles,language\nth-new,New Person,TH,officer,xx\n"
    with pytest.raises(ConfigError, match="person 'th-new' has unknown language 'xx'"):
        parse_csv(text, world.ctx.directory)
    good = "id,name,country,roles,language\nth-new,New Person,TH,officer,ta\n"
    assert parse_csv(good, world.ctx.directory)[1][0].language == "ta"


def test_the_languages_own_names_are_cldrs() -> None:
    from bot.i18n.languages import OWN_NAMES, locale_of

    assert set(OWN_NAMES) == set(LANGUAGES)
    for code, name in OWN_NAMES.items():
        if code != "fa_AF":  # Dari, not CLDR's "Persian (Afghanistan)"
            assert name == locale_of(code).get_display_name(locale_of(code)), code


def test_the_right_to_left_languages_are_cldrs() -> None:
    from bot.i18n.languages import RIGHT_TO_LEFT, locale_of

    assert {c for c in LANGUAGES if locale_of(c).text_direction == "rtl"} == RIGHT_TO_LEFT


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "Due 07:05 on Mar 10, 2027."), ("bn", "Due ০৭:০৫ on ১০ মার্চ, ২০২৭.")],
)
def test_a_time_of_day_is_written_in_the_readers_digits(language: str, written: str) -> None:
    from datetime import date, time

    from bot.i18n import Msg

    message = Msg("Due {at} on {day}.", {"at": time(7, 5), "day": date(2027, 3, 10)})
    assert message.render(language) == written


async def test_whoami_and_countries_name_countries_in_the_readers_language(bot: Harness) -> None:
    await bot.say("my-fp", "/language th")
    [who] = await bot.say("my-fp", "/whoami")
    assert "มาเลเซีย" in who and "Malaysia" not in who  # CLDR's Thai name
    [members] = await bot.say("my-fp", "/countries")
    assert "TH · ไทย · Niran Example" in members and "Thailand" not in members
    [english] = await bot.say("th-fp", "/countries")  # English readers: bot.toml's names
    assert "TH · Thailand · Niran Example" in english and "VN · Viet Nam" in english
    [period] = await bot.say("my-fp", "/period JPA-4")
    assert "มาเลเซีย, มัลดีฟส์" in period and "Malaysia" not in period  # the countries line


def test_a_language_is_named_for_the_reader_with_its_own_name_beside() -> None:
    heading = _("Draft debrief statement, in {language}:", language=LanguageName("id"))
    assert render(heading, "en") == "Draft debrief statement, in Indonesian (Indonesia):"
    assert "อินโดนีเซีย (Indonesia)" in render(heading, "th")
    assert LanguageName("id").in_language("id") == "Indonesia"  # its own readers: own name
    assert LanguageName("fa_AF").in_language("en") == "Dari (دری)"


async def test_the_help_example_is_a_command_the_reader_may_run(bot: Harness) -> None:
    """An administrator cannot file requests: /help offered "/help request", which then said
    "There is no command /request for you"."""
    [officer] = await bot.say("th-officer", "/help")
    assert "with an example (/help request)" in officer
    [admin] = await bot.say("admin", "/help")
    example = admin.split("with an example (/help ")[1].split(")")[0]
    assert example != "request", admin
    [explained] = await bot.say("admin", f"/help {example}")
    assert "There is no command" not in explained and f"/{example}" in explained


async def test_help_return_shows_how_to_report_a_joint_figure(bot: Harness) -> None:
    """The joint-operation form was found only in the source."""
    [explained] = await bot.say("th-fp", "/help return")
    assert "/return [CODE] [W<n>] <figure> <number> joint with <COUNTRY> op:<OP>, …" in explained
    assert "Example: /return arrests 4 joint with MY op:SONGKHLA-3, victims assisted 2" in explained


async def test_help_status_explains_chase(bot: Harness) -> None:
    [explained] = await bot.say("nz-cochair", "/help status")
    assert "/status [CODE] [W<n>] chase" in explained and "Example: /status W1 chase" in explained
    assert "at most every 12 hours" in explained


def test_languages_are_known_by_the_names_their_speakers_use() -> None:
    """`/language Bahasa Indonesia` answered "I don't know the language Bahasa Indonesia"."""
    from bot.i18n.languages import resolve_language

    assert resolve_language("Bahasa Indonesia") == "id"
    assert resolve_language("bahasa  melayu") == "ms"
    assert resolve_language("Bahasa Malaysia") == "ms"


def test_a_language_is_known_by_its_locale_tag_with_a_region() -> None:
    """`/language th_TH` was refused while `fa-AF` was taken: a phone's locale tag names the
    language with its country."""
    from bot.i18n.languages import resolve_language

    assert resolve_language("th_TH") == "th"
    assert resolve_language("ms-MY") == "ms"
    assert resolve_language("ta_LK") == "ta"
    assert resolve_language("en-GB") == "en"
    assert resolve_language("fa_AF") == "fa_AF"
    assert resolve_language("fa_IR") is None  # Persian of Iran is not Dari
    assert resolve_language("xx_TH") is None


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_myanmar_is_named_without_burma_in_every_language(language: str) -> None:
    """CLDR writes "Myanmar (Burma)" in most languages; the group's own name is "Myanmar"."""
    from bot.i18n.message import CountryName

    name = CountryName("Myanmar", "MM").in_language(language)
    assert name and "(" not in name and "（" not in name, name
    assert CountryName("Thailand", "TH").in_language("th") == "ไทย"  # others as CLDR names them
