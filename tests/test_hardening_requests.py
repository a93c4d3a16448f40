"""Requests after the directory changes, and referrals that would break the roles.

Work addressed to someone who was revoked goes to whoever now holds the role for the country,
and the sender is told so; a referral to oneself, to the requester or to one's own country is
refused and changes nothing. The real core on a real database, through the real dispatch.
"""

from datetime import timedelta

from tests.harness import Harness
from tests.test_requests import counts, file


async def test_reply_to_a_revoked_acknowledger_goes_to_who_holds_the_role(bot: Harness) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/ack {rid}")
    await bot.say("admin", "/revoke th-fp")
    answer = await bot.say("au-officer", f"/reply {rid} Any news on the shelter?")
    assert answer == [
        f"Sent on {rid}. Sent to Nirana Deputy-Example (deputy focal point for Thailand); "
        "Niran Example no longer holds the role."
    ]
    assert "Any news on the shelter?" in bot.last("th-deputy")
    assert not any("Any news" in m for m in bot.inbox("th-fp"))
    # the stand-in can act on it, and the answer reaches the requester
    await bot.say("th-deputy", f"/reply {rid} Shelter confirmed")
    assert "Shelter confirmed" in bot.last("au-officer")


async def test_a_request_referred_to_a_revoked_person_falls_back_to_the_country(
    bot: Harness,
) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/refer {rid} th-officer Please take this one")
    await bot.say("admin", "/revoke th-officer")
    answer = await bot.say("au-officer", f"/reply {rid} Anything yet?")
    assert "Sent to Niran Example (focal point for Thailand)" in answer[0]
    assert "Nirano Officer-Example no longer holds the role" in answer[0]
    assert "Anything yet?" in bot.last("th-fp")
    assert "You acknowledged" in (await bot.say("th-fp", f"/ack {rid}"))[0]


async def test_escalation_news_for_a_revoked_requester_goes_to_their_focal_point(
    bot: Harness,
) -> None:
    rid = await file(bot)
    await bot.say("admin", "/revoke au-officer")
    before = len(bot.inbox("au-officer"))
    await bot.advance(timedelta(minutes=31))  # urgent: re-sent, then to the deputy
    await bot.advance(timedelta(minutes=16))
    assert len(bot.inbox("au-officer")) == before
    assert any(rid in m and "escalated it to the deputy" in m for m in bot.inbox("au-fp"))
    assert rid in (await bot.say("au-fp", f"/show {rid}"))[0]  # the stand-in may follow it


async def test_referral_to_oneself_the_requester_or_an_own_country_is_refused(
    bot: Harness,
) -> None:
    rid = await file(bot)
    await bot.say("th-fp", f"/ack {rid}")
    before = await counts(bot)
    refusals = {
        "th-fp": "You already hold",
        "au-officer": "can't be referred back to its requester",
        "TH": "Thailand is your own country",
        "AU": "comes from Australia",
    }
    for target, reason in refusals.items():
        answer = await bot.say("th-fp", f"/refer {rid} {target} over to you")
        assert len(answer) == 1 and reason in answer[0], answer
    assert await counts(bot) == before
    assert await bot.rows("SELECT target_country, target_person, status FROM requests") == [
        ("TH", None, "acknowledged")
    ]
    # a co-chair's own country is theirs too
    answer = await bot.say("nz-cochair", f"/refer {rid} NZ please")
    assert "New Zealand is your own country" in answer[0]
