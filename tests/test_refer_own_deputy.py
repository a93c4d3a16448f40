"""A focal point who refers a request within her own country stays accountable for it.

Malaysia's focal point handed a Thai request to her own deputy and was then told she could
follow it but not act on it. The person a request is referred to holds it, and the focal
points of that person's country answer for it with them: they acknowledge, answer and refer
it again. Deputies other than the holder, and other countries, gain nothing.
"""

from __future__ import annotations

from tests.harness import Harness

HANDLED = "is handled by the focal points it is addressed to"
FOLLOW = "You can follow"


async def with_her_deputy(bot: Harness) -> str:
    """A Thai officer's urgent request to Malaysia, referred by its focal point to her deputy."""
    rid = await bot.file_request(
        "MY urgent #arrest Suspect crossing at Padang Besar tonight", by="th-officer"
    )
    answer = await bot.say("my-fp", f"/refer {rid} my-deputy")
    assert answer == [f"{rid} referred to Ainaa Deputy-Example (Malaysia)."], answer
    assert "Referred to you by Aina Example (Malaysia)" in bot.last("my-deputy")
    return rid


async def status(bot: Harness, rid: str) -> tuple[str, str | None, str | None]:
    rows = await bot.rows(
        "SELECT status, acknowledged_by, target_person FROM requests WHERE id = ?", [rid]
    )
    return rows[0]


async def test_she_acknowledges_and_answers_what_her_deputy_holds(bot: Harness) -> None:
    rid = await with_her_deputy(bot)
    for outsider in ("id-fp", "my-officer"):  # another country; her country's officer
        assert "No such request" in (await bot.say(outsider, f"/ack {rid}"))[0], outsider
    await bot.say("th-officer", f"/reply {rid} he has left the hotel")
    assert "he has left the hotel" in bot.last("my-deputy")  # the holder is told, as before
    assert "he has left the hotel" not in bot.last("my-fp")  # she acts when she chooses
    assert await bot.say("my-fp", f"/ack {rid}") == [
        f"You acknowledged {rid}. Answer with /reply {rid} <text>."
    ]
    assert bot.last("th-officer") == f"{rid} was acknowledged by Aina Example (Malaysia)."
    assert bot.last("my-deputy") == (
        f"{rid} was taken by Aina Example (Malaysia); no need for you to act on it."
    )
    assert await bot.say("my-fp", f"/reply {rid} we are on it") == [f"Sent on {rid}."]
    assert "Aina Example (Malaysia) wrote:\nwe are on it" in bot.last("th-officer")
    assert await status(bot, rid) == ("answered", "my-fp", "my-deputy")  # still her deputy's


async def test_an_answer_from_either_reaches_the_other(bot: Harness) -> None:
    rid = await with_her_deputy(bot)
    assert (await bot.say("my-deputy", f"/ack {rid}"))[0].startswith("You acknowledged")
    assert await bot.say("my-fp", f"/reply {rid} border post alerted") == [f"Sent on {rid}."]
    assert "border post alerted" in bot.last("th-officer")
    assert "border post alerted" in bot.last("my-deputy")  # who took it on hears it too
    await bot.say("th-officer", f"/reply {rid} thank you")
    assert "thank you" in bot.last("my-deputy") and "thank you" in bot.last("my-fp")


async def test_she_refers_it_on_and_then_only_follows_it(bot: Harness) -> None:
    rid = await with_her_deputy(bot)
    assert await bot.say("my-fp", f"/refer {rid} ID please take it") == [
        f"{rid} referred to Indonesia."
    ]
    assert bot.last("my-deputy") == f"{rid} was referred to Indonesia; you no longer need to act."
    assert (await bot.say("id-fp", f"/ack {rid}"))[0].startswith("You acknowledged")
    assert HANDLED in (await bot.say("my-fp", f"/ack {rid}"))[0]  # Indonesia's now, not hers
    assert FOLLOW in (await bot.say("my-fp", f"/reply {rid} any news?"))[0]


async def test_a_countrys_focal_point_answers_for_whom_another_country_names(
    bot: Harness,
) -> None:
    """Thailand refers an Australian request to a Malaysian officer by id: Malaysia's focal
    point sees it among her requests and may take it on; Malaysia's deputy may not."""
    rid = await bot.file_request("TH #info Boat crew list wanted")
    await bot.say("th-fp", f"/refer {rid} my-officer your port records")
    assert "your port records" in bot.last("my-officer")
    assert rid in (await bot.say("my-fp", "/requests"))[0]
    assert "No such request" in (await bot.say("my-deputy", f"/ack {rid}"))[0]
    assert (await bot.say("my-fp", f"/ack {rid}"))[0].startswith("You acknowledged")
    assert "taken by Aina Example (Malaysia)" in bot.last("my-officer")


async def test_who_may_not_act_on_it_is_told_who_holds_it(bot: Harness) -> None:
    """Thailand's focal point follows the request her officer filed; it was referred to
    Malaysia's deputy, so the refusal names the deputy, not "the focal points it is
    addressed to" (Malaysia's focal point may act on it)."""
    rid = await with_her_deputy(bot)
    acked = (await bot.say("th-fp", f"/ack {rid}"))[0]
    assert acked == (
        f"{rid} is with Ainaa Deputy-Example now; only they, their country's focal points or "
        "a co-chair can do that."
    ), acked
    replied = (await bot.say("th-fp", f"/reply {rid} any news?"))[0]
    assert (
        replied == f"You can follow {rid} but not act on it; it is with Ainaa Deputy-Example now."
    )
