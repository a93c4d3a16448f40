"""``/requests`` search among open requests that finds none says how many closed ones match,
and how to list them; only those the person may see are counted."""

from tests.harness import Harness


async def closed_raid(bot: Harness) -> list[str]:
    """Two closed requests about a Songkhla raid, one open one about something else."""
    ids = [
        await bot.file_request("TH #arrest Songkhla raid: suspects held"),
        await bot.file_request("TH #info Songkhla raid, vessel names"),
        await bot.file_request("TH #info Passport check, please"),
    ]
    for rid in ids[:2]:
        await bot.say("th-fp", f"/ack {rid}")
        assert "is closed" in (await bot.say("au-officer", f"/close {rid} Done"))[0]
    return ids


async def test_no_open_match_points_at_the_closed_ones(bot: Harness) -> None:
    await closed_raid(bot)
    [answer] = await bot.say("lk-cochair", '/requests "Songkhla raid"')
    assert answer == (
        'No open request matches "Songkhla raid"; 2 closed ones do: '
        '/requests closed "Songkhla raid"'
    ), answer
    [listed] = await bot.say("lk-cochair", '/requests closed "Songkhla raid"')
    assert listed.startswith('Closed requests you can see matching "Songkhla raid" (2):'), listed


async def test_the_command_keeps_every_filter(bot: Harness) -> None:
    await closed_raid(bot)
    [answer] = await bot.say("lk-cochair", "/requests th #warrant songkhla")
    assert answer == (
        'No open request matches Thailand, #arrest/warrant, "songkhla"; 1 closed one does: '
        "/requests closed TH #arrest songkhla"
    ), answer
    [word] = await bot.say("lk-cochair", '/requests "ra" raid')  # a quoted code stays a word
    assert word.endswith('/requests closed "ra" raid'), word


async def test_no_hint_when_no_closed_one_matches_or_none_is_visible(bot: Harness) -> None:
    await closed_raid(bot)
    [none] = await bot.say("lk-cochair", "/requests Hatyai")
    assert none == 'Open requests you can see: none match "Hatyai".', none
    # Malaysia's focal point is party to neither closed request: nothing to count for them
    [unseen] = await bot.say("my-fp", "/requests Songkhla")
    assert unseen == 'Open requests you can see: none match "Songkhla".', unseen
    [closed] = await bot.say("lk-cochair", "/requests closed Passport")  # asked for closed
    assert closed == 'Closed requests you can see: none match "Passport".', closed
