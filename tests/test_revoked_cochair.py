"""A co-chair acts for the group, not for her country: once she is revoked, her own requests
and those referred to her are the other co-chairs', never her country's focal points' (who
were handed them, and saw their whole thread for good); /revoke says so instead of advising
a handover that is refused. Found by an attack trial."""

from __future__ import annotations

from datetime import timedelta

from tests.harness import Harness

NO_SUCH = "No such request"


async def outsider(bot: Harness, person_id: str, rid: str) -> None:
    """``person_id`` has not been told of ``rid`` and can neither see nor act on it."""
    told = [m for m in bot.inbox(person_id) if rid in m and NO_SUCH not in m]
    assert not told, told
    assert NO_SUCH in (await bot.say(person_id, f"/show {rid}"))[0]
    assert rid not in (await bot.say(person_id, "/requests"))[0]
    assert NO_SUCH in (await bot.say(person_id, f"/ack {rid}"))[0]
    parties = await bot.rows(
        "SELECT COUNT(*) FROM request_parties WHERE person_id = ?", [person_id]
    )
    assert parties == [(0,)], person_id  # was made "a stand-in"


async def referred_to_sri_lankas_cochair(bot: Harness) -> str:
    """An urgent Australian request to Thailand that Thailand refers to Sri Lanka's co-chair."""
    rid = await bot.file_request("TH urgent #info matter for the group only", by="au-officer")
    await bot.say("th-fp", f"/refer {rid} lk-cochair needs co-chair attention")
    return rid


async def test_a_revoked_cochairs_request_goes_to_the_other_cochair(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #info matter about the NZ delegate", by="nz-cochair")
    await bot.say("admin", "/revoke nz-cochair")
    await bot.say("th-fp", f"/ack {rid}")
    acked = f"{rid} was acknowledged by Niran Example (Thailand)."
    assert bot.last("lk-cochair") == acked  # nz-fp was told
    answer = await bot.say("th-fp", f"/reply {rid} the answer with details")
    assert answer[0].startswith(
        f"Sent on {rid}. Sent to Kumari Cochair-Example (co-chair); Aroha Cochair-Example no "
        "longer holds the role."
    ), answer  # "Sent to Mere Example (focal point for New Zealand); …"
    assert "the answer with details" in bot.last("lk-cochair")
    for person in ("nz-fp", "nz-deputy"):
        await outsider(bot, person, rid)


async def test_a_request_referred_to_a_revoked_cochair_is_the_other_cochairs(
    bot: Harness,
) -> None:
    rid = await referred_to_sri_lankas_cochair(bot)
    await bot.say("lk-cochair", f"/ack {rid}")
    await bot.say("admin", "/revoke lk-cochair")
    answer = await bot.say("au-officer", f"/reply {rid} more details for the co-chair")
    assert answer[0].startswith(
        f"Sent on {rid}. Sent to Aroha Cochair-Example (co-chair); Kumari Cochair-Example no "
        "longer holds the role."
    ), answer  # "Sent to Nimal Example (focal point for Sri Lanka); …"
    assert "more details for the co-chair" in bot.last("nz-cochair")
    for person in ("lk-fp", "lk-deputy"):
        await outsider(bot, person, rid)
    # the remaining co-chair answers it as its holder: the requester hears, nobody in Sri Lanka
    await bot.say("nz-cochair", f"/reply {rid} the group's answer")
    assert "the group's answer" in bot.last("au-officer")
    assert await bot.rows("SELECT status FROM requests") == [("answered",)]
    for person in ("lk-fp", "lk-deputy"):
        await outsider(bot, person, rid)


async def test_a_request_referred_to_a_revoked_cochair_escalates_to_the_cochairs(
    bot: Harness,
) -> None:
    rid = await referred_to_sri_lankas_cochair(bot)
    await bot.say("admin", "/revoke lk-cochair")
    await bot.advance(timedelta(minutes=31))
    assert "escalated to the co-chairs" in bot.last("nz-cochair")
    assert "escalated it to the co-chairs" in bot.last("au-officer")
    assert "You acknowledged" in (await bot.say("nz-cochair", f"/ack {rid}"))[0]
    for person in ("lk-fp", "lk-deputy"):
        await outsider(bot, person, rid)


async def test_a_focal_point_named_who_leaves_is_still_followed_by_her_country(
    bot: Harness,
) -> None:
    """The rule for everyone but a co-chair is unchanged: her country's focal points take over."""
    rid = await bot.file_request("TH #info Boat crew list wanted", by="au-officer")
    await bot.say("th-fp", f"/refer {rid} my-deputy your port records")
    await bot.say("admin", "/revoke my-deputy")
    answer = await bot.say("au-officer", f"/reply {rid} more details")
    assert "Sent to Aina Example (focal point for Malaysia)" in answer[0], answer
    assert "You acknowledged" in (await bot.say("my-fp", f"/ack {rid}"))[0]


async def test_revoking_a_cochair_says_the_other_cochairs_handle_her_requests(
    bot: Harness,
) -> None:
    rid = await referred_to_sri_lankas_cochair(bot)
    answer = (await bot.say("admin", "/revoke lk-cochair"))[0]
    assert answer.endswith(
        "They were answering 1 open request as co-chair: the other co-chairs now handle it, "
        "and were told."
    ), answer  # "… a co-chair moves it with /handover lk-cochair <successor>."
    assert bot.last("nz-cochair") == (
        f"Kumari Cochair-Example (lk-cochair) was revoked; the 1 open request they were "
        f"answering as co-chair is the co-chairs' now: {rid}."
    )
    assert await bot.say("nz-cochair", "/handover lk-cochair nz-cochair") == [
        "Kumari Cochair-Example was a co-chair and is revoked already: the requests they held "
        "are the other co-chairs' now, so there is nothing to hand over."
    ]  # "… a handover would end their access. An administrator does that with /revoke."


async def test_revoking_the_last_cochair_says_nobody_is_left_to_handle_her_requests(
    bot: Harness,
) -> None:
    rid = await bot.file_request("TH #info matter for the group only", by="au-officer")
    await bot.say("th-fp", f"/refer {rid} lk-cochair needs co-chair attention")
    await bot.say("admin", "/revoke nz-cochair")
    answer = (await bot.say("admin", "/revoke lk-cochair"))[0]
    assert answer.endswith(
        "They were answering 1 open request as co-chair, and no other co-chair is left to "
        "handle it: add one (`focalbot directory import`) or reinstate lk-cochair."
    ), answer
    await outsider(bot, "lk-fp", rid)


async def test_who_may_follow_but_not_act_is_told_it_is_with_the_co_chairs(
    bot: Harness,
) -> None:
    """Thailand referred a request to a co-chair, since revoked: Thailand's focal point, who
    still follows it, was told it "is handled by the focal points it is addressed to" — that
    is, by himself, who may not."""
    rid = await referred_to_sri_lankas_cochair(bot)
    await bot.say("admin", "/revoke lk-cochair")
    assert await bot.say("th-fp", f"/ack {rid}") == [
        f"{rid} is with the co-chairs; only a co-chair can do that."
    ]
    assert await bot.say("th-fp", f"/reply {rid} here is more") == [
        f"You can follow {rid} but not act on it; it is with the co-chairs."
    ]
    assert await bot.rows("SELECT COUNT(*) FROM request_messages") == [(2,)]  # nothing added
