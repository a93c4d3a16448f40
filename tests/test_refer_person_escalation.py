"""A request referred to a person escalates through that person's country first.

Thailand referred an Australian request to a Malaysian officer by id: Malaysia's focal point
never heard of it, and 31 minutes later it went straight to the co-chairs. Referred within
Thailand after Thailand acknowledged it, the co-chairs were paged while Thailand's focal point
was not told her officer had not taken it. Those who answer for the person (their country's
focal points, else its deputies) are told of the referral, and an unacknowledged one comes to
them before the co-chairs; a request referred to a country escalates as before.
"""

from __future__ import annotations

from datetime import timedelta

from tests.harness import Harness

HALF_HOUR = timedelta(minutes=31)


async def paged(bot: Harness, person: str, rid: str) -> bool:
    return any(rid in m and "Not acknowledged in time" in m for m in bot.inbox(person))


async def test_malaysia_hears_of_and_then_holds_a_request_its_officer_left(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest refer to foreign officer")
    await bot.say("th-fp", f"/refer {rid} my-officer your case")
    told = bot.last("my-fp")
    assert rid in told and "Ainao Officer-Example" in told and "Australia" in told, told
    assert not await paged(bot, "my-fp", rid)

    await bot.advance(HALF_HOUR)  # the re-send finds no other channel: the next step
    page = bot.last("my-fp")
    assert page.startswith("Not acknowledged in time by Ainao Officer-Example"), page
    assert "refer to foreign officer" in page
    assert not await paged(bot, "lk-cochair", rid) and not await paged(bot, "my-deputy", rid)
    assert bot.last("au-officer") == (
        f"{rid} was not acknowledged in time; I escalated it to Malaysia's focal point."
    )
    listed = (await bot.say("my-fp", "/requests"))[0]
    assert "overdue, escalated to the focal point" in listed, listed

    await bot.advance(HALF_HOUR)
    assert await paged(bot, "lk-cochair", rid)
    assert bot.last("au-officer").endswith("I escalated it to the co-chairs.")


async def test_she_takes_it_on_and_the_co_chairs_are_not_paged(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest refer to foreign officer")
    await bot.say("th-fp", f"/refer {rid} my-officer your case")
    await bot.advance(HALF_HOUR)
    assert (await bot.say("my-fp", f"/ack {rid}"))[0].startswith("You acknowledged")
    await bot.advance(HALF_HOUR)
    assert not await paged(bot, "lk-cochair", rid)


async def test_own_officer_not_taking_it_comes_back_to_the_focal_point(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest own country")
    await bot.say("th-fp", f"/ack {rid}")
    await bot.say("th-fp", f"/refer {rid} th-officer")
    await bot.advance(HALF_HOUR)
    assert bot.last("th-fp").startswith("Not acknowledged in time by Nirano Officer-Example")
    assert not await paged(bot, "lk-cochair", rid)
    await bot.advance(HALF_HOUR)
    assert await paged(bot, "lk-cochair", rid)


async def test_a_referral_to_her_deputy_comes_back_to_her(bot: Harness) -> None:
    """The holder is a deputy: the focal point answers for her, not the holder again."""
    rid = await bot.file_request("MY #info Boat crew list wanted", by="th-officer")
    await bot.say("my-fp", f"/refer {rid} my-deputy")
    await bot.advance(timedelta(days=4))  # routine: working time
    assert await paged(bot, "my-fp", rid)
    assert not any("Not acknowledged" in m for m in bot.inbox("my-deputy"))


async def test_a_country_target_escalates_as_before(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest to Thailand")
    await bot.say("th-fp", f"/refer {rid} MY vessel is Malaysian")
    assert not any(rid in m and "if they do not" in m for m in bot.inbox("my-deputy"))
    await bot.advance(HALF_HOUR)
    assert bot.last("my-deputy").startswith("Not acknowledged in time — escalated to the deputy")
    await bot.advance(HALF_HOUR)
    assert await paged(bot, "lk-cochair", rid)
