"""/requests with a country's name filters by that country, as its code does.

``/requests Thailand`` answered 'none match "Thailand"' with requests open to Thailand: it
searched the word in the texts. A member country named alone (all the unquoted words) is a
country filter, on either side; with other words, or quoted, they are words as before.
"""

from __future__ import annotations

from tests.harness import Harness


async def filed(bot: Harness) -> tuple[str, str]:
    to_thailand = await bot.file_request("TH urgent #arrest vessel seized")
    to_malaysia = await bot.file_request("MY #info vessel crew list")
    return to_thailand, to_malaysia


async def test_a_country_named_alone_filters_by_it(bot: Harness) -> None:
    thai, malaysian = await filed(bot)
    shown = (await bot.say("au-officer", "/requests Thailand"))[0]
    assert shown.startswith("Open requests you can see matching Thailand (1):"), shown
    assert thai in shown and malaysian not in shown
    shown = (await bot.say("au-officer", "/requests all malaysia #info"))[0]
    assert malaysian in shown and thai not in shown


async def test_a_name_of_two_words_and_in_the_readers_language(bot: Harness) -> None:
    await filed(bot)
    shown = (await bot.say("au-officer", "/requests Sri Lanka"))[0]
    assert shown == "Open requests you can see: none match Sri Lanka.", shown
    await bot.say("th-fp", "/language th")
    shown = (await bot.say("th-fp", "/requests ไทย"))[0]
    assert "R-2026-0001" in shown and "R-2026-0002" not in shown


async def test_with_other_words_or_quoted_it_is_searched_as_before(bot: Harness) -> None:
    await filed(bot)
    assert await bot.say("au-officer", "/requests Thailand vessel") == [
        'Open requests you can see: none match "Thailand", "vessel".'
    ]
    assert await bot.say("au-officer", '/requests "Thailand"') == [
        'Open requests you can see: none match "Thailand".'
    ]
