"""A command's usage line names what to type in the reader's language: a Thai officer whose
request was refused read "วิธีใช้: /request <COUNTRY> [urgent] [#category] <what you need>",
English placeholders under a Thai heading. The command and its keywords stay as typed."""

import pytest

from bot.factory import default_registry
from bot.i18n import render
from bot.i18n.languages import LANGUAGES
from bot.usage import PLACEHOLDERS, shown_usage
from tests.harness import Harness
from tests.marked_catalog import marked


def usages() -> list[str]:
    return [form.usage for spec in default_registry() for form in spec.variants()]


def test_every_placeholder_in_a_usage_line_comes_from_the_catalog() -> None:
    with marked("th"):
        line = render(shown_usage("/request <COUNTRY> [urgent] [#category] <what you need>"), "th")
        assert line == (
            "/request ‹th›<COUNTRY>‹/th› [urgent] ‹th›[#category]‹/th› ‹th›<what you need>‹/th›"
        )
        shown = [render(shown_usage(usage), "th") for usage in usages()]
    used = {key for usage in usages() for key in PLACEHOLDERS if key in usage}
    assert used == set(PLACEHOLDERS), set(PLACEHOLDERS) - used  # the table has no dead entry
    for line in shown:
        for key in PLACEHOLDERS:  # every one went through the catalog
            assert key not in line.replace(f"‹th›{key}‹/th›", ""), (key, line)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_catalog_names_the_placeholders_in_its_language(language: str) -> None:
    same = {"<id>": {"id", "ms", "fil", "my"}, "[id]": {"id", "ms", "fil", "my"}}
    english = [
        key
        for key, message in PLACEHOLDERS.items()
        if language not in same.get(key, set()) and render(message, language) == key
    ]
    assert not english, english


async def test_a_refused_command_shows_its_usage_in_the_readers_language(bot: Harness) -> None:
    with marked("th"):
        await bot.say("th-officer", "/language th")
        [answer] = await bot.say("th-officer", "/request MY urgent routine x")
    assert (
        "/request ‹th›<COUNTRY>‹/th› [urgent] ‹th›[#category]‹/th› ‹th›<what you need>‹/th›"
        in answer
    )
