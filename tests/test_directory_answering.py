"""Who answers a country, said the same everywhere: after ``/handover th-fp th-deputy`` the
country's requests reach the deputy, and /countries and /roster said there was nobody (or
only listed the deputy). Roles are not changed by a handover: the views say a deputy answers."""

from tests.harness import Harness


async def test_a_handover_to_the_deputy_shows_the_deputy_answering(bot: Harness) -> None:
    [done] = await bot.say("nz-cochair", "/handover th-fp th-deputy")
    assert "Handed over from th-fp to th-deputy" in done
    [countries] = await bot.say("au-officer", "/countries")
    assert "TH · Thailand · deputy Nirana Deputy-Example answers (no focal point)" in countries
    assert "MY · Malaysia · Aina Example" in countries  # a focal point: named as before
    [roster] = await bot.say("nz-cochair", "/roster TH")
    lines = roster.splitlines()
    assert lines[1:3] == [
        "Thailand (TH)",
        "  • no active focal point: the deputy answers the country's requests",
    ], roster
    assert "• deputy: Nirana Deputy-Example (th-deputy)" in lines[3]
    # and that is where requests go
    request = await bot.file_request("TH routine Passport check for a suspect")
    assert any(request in m for m in bot.inbox("th-deputy"))
    told = bot.last("au-officer")  # and the requester is told who answers
    assert "Thailand's focal point is not available: the deputy, Nirana Deputy-Example, " in told
    [direct] = await bot.say("au-officer", "/request MY routine Vessel owner lookup")
    assert "focal point is not available" not in direct  # Malaysia's focal point answers
    # the role itself did not change
    assert await bot.rows("SELECT roles FROM people WHERE id = 'th-deputy'") == [
        ('["deputy_focal_point"]',)
    ]


async def test_a_country_with_nobody_says_requests_are_refused(bot: Harness) -> None:
    await bot.say("admin", "/revoke mm-fp")
    [countries] = await bot.say("au-officer", "/countries")
    assert "MM · Myanmar · none yet" in countries
    [roster] = await bot.say("nz-cochair", "/roster MM")
    assert "• no focal point or deputy: requests to this country are refused" in roster
