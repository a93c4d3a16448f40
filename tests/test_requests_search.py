"""``/requests`` beyond the open ones: closed ones, and a search by country (either side),
#category and words of the text, only among the requests the person may see."""

import pytest

from tests.harness import Harness


async def filed(bot: Harness) -> dict[str, str]:
    """Five requests between four countries; the arrest one is closed."""
    ids = {
        "arrest": await bot.file_request("TH #arrest Suspect left Phuket by vessel"),
        "shelter": await bot.file_request("MY #victim Two women need shelter"),
        "passport": await bot.file_request("TH #info Passport 50% match_check", by="id-officer"),
        "assets": await bot.file_request("MY #financial VESSEL KM Jaya assets", by="nz-officer"),
        "crew": await bot.file_request("MY #info Vessel crew list, please", by="th-officer"),
    }
    await bot.say("th-fp", f"/ack {ids['arrest']}")
    assert "is closed" in (await bot.say("au-officer", f"/close {ids['arrest']} Arrested"))[0]
    return ids


def listed(answer: list[str]) -> set[str]:
    """The request ids in a /requests answer."""
    assert len(answer) == 1, answer
    return {line.split()[0] for line in answer[0].splitlines() if line.startswith("R-")}


async def test_closed_all_and_open_by_default(bot: Harness) -> None:
    ids = await filed(bot)
    open_ones = {ids[k] for k in ("shelter", "passport", "assets", "crew")}
    assert listed(await bot.say("lk-cochair", "/requests")) == open_ones
    closed = await bot.say("lk-cochair", "/requests closed")
    assert listed(closed) == {ids["arrest"]}
    assert closed[0].startswith("Closed requests you can see (1):")
    assert listed(await bot.say("lk-cochair", "/requests all")) == {*open_ones, ids["arrest"]}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("TH", {"passport", "crew"}),  # crew was filed by Thailand: either side counts
        ("all TH", {"arrest", "passport", "crew"}),
        ("AU TH", {"shelter", "passport", "crew"}),  # either country, on either side
        ("au th", {"shelter", "passport", "crew"}),  # codes in any case
        ("closed AU TH", {"arrest"}),
        ("#info", {"passport", "crew"}),
        ("#info #financial", {"passport", "crew", "assets"}),  # any of the categories
        ("all #arrest", {"arrest"}),
        ("vessel", {"assets", "crew"}),  # any case
        ("all Vessel", {"arrest", "assets", "crew"}),
        ("vessel MY #info", {"crew"}),
        ("vessel jaya", {"assets"}),  # every word
        ("50%", {"passport"}),
        ("%", {"passport"}),  # a literal percent, not LIKE's wildcard
        ("_", {"passport"}),  # a literal underscore
        ("!", set()),  # the escape character itself
        ("nothing-like-this", set()),
    ],
)
async def test_search_by_country_category_and_words(
    bot: Harness, search: str, expected: set[str]
) -> None:
    ids = await filed(bot)
    answer = await bot.say("nz-cochair", f"/requests {search}")
    assert listed(answer) == {ids[k] for k in expected}, answer
    if not expected:
        assert "none match" in answer[0], answer


async def test_search_finds_only_what_the_person_may_see(bot: Harness) -> None:
    ids = await filed(bot)
    # Malaysia's focal point: the three addressed to Malaysia, not Thailand's
    assert listed(await bot.say("my-fp", "/requests all")) == {
        ids["shelter"],
        ids["assets"],
        ids["crew"],
    }
    assert listed(await bot.say("my-fp", "/requests all TH")) == {ids["crew"]}
    # an officer: only their own, whatever the search
    assert listed(await bot.say("au-officer", "/requests all")) == {ids["arrest"], ids["shelter"]}
    assert listed(await bot.say("th-officer", "/requests vessel")) == {ids["crew"]}
    assert "none match" in (await bot.say("nz-officer", "/requests TH"))[0]
    # Thailand's focal point sees the ones to Thailand and the one its own officer filed: a
    # country sees what is its own or addressed to it
    assert listed(await bot.say("th-fp", "/requests all")) == {
        ids["arrest"],
        ids["passport"],
        ids["crew"],
    }


@pytest.mark.parametrize(
    ("search", "answer"),
    [
        ("XX", "I don't know the country 'XX'"),
        ("closed #nonsense", "I don't know the category #nonsense"),
        ("a b c d e f g h i", "at most 8 words"),
    ],
)
async def test_bad_search_is_answered_politely_and_changes_nothing(
    bot: Harness, search: str, answer: str
) -> None:
    await filed(bot)
    count = "SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM audit)"
    before = await bot.rows(count)
    [reply] = await bot.say("lk-cochair", f"/requests {search}")
    assert answer in reply, reply
    assert await bot.rows(count) == before


async def test_long_lists_are_clipped_with_the_count(bot: Harness) -> None:
    for n in range(12):
        await bot.file_request(f"TH routine Vessel check {n}")
    for n in range(11):
        await bot.file_request(f"MY routine Crew check {n}", by="nz-officer")
    [answer] = await bot.say("lk-cochair", "/requests")
    assert "(the newest 20 of 23)" in answer, answer
    assert len(listed([answer])) == 20 and "narrow the list" in answer
    assert "R-2026-0023" in answer and "R-2026-0001" not in answer
    [narrowed] = await bot.say("lk-cochair", "/requests TH")
    assert "matching Thailand (12):" in narrowed and len(listed([narrowed])) == 12
