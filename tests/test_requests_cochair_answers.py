"""A co-chair's reply answers a request, as the answering side's does.

A co-chair who acknowledged and then answered a request left it "acknowledged" (a deputy's
answer marked it answered): her reply was taken for a follow-up. Whoever may answer for a
request (a co-chair too) marks it answered; a co-chair who filed it follows it up.
"""

from __future__ import annotations

from tests.harness import Harness


async def status(bot: Harness, rid: str) -> tuple[str, str | None]:
    rows = await bot.rows("SELECT status, acknowledged_by FROM requests WHERE id = ?", [rid])
    return rows[0]


async def test_a_co_chair_who_acknowledged_and_answered(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel seized")
    await bot.say("nz-cochair", f"/ack {rid}")
    assert await bot.say("nz-cochair", f"/reply {rid} looking into it") == [f"Sent on {rid}."]
    assert "looking into it" in bot.last("au-officer")
    assert await status(bot, rid) == ("answered", "nz-cochair")
    listed = (await bot.say("my-fp", "/requests")) + (await bot.say("th-fp", "/requests"))
    assert any(f"{rid}  URGENT answered" in shown for shown in listed), listed


async def test_a_co_chairs_first_answer_acknowledges_it(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel seized")
    await bot.say("lk-cochair", f"/reply {rid} Thai navy informed")
    assert await status(bot, rid) == ("answered", "lk-cochair")
    assert not any(f"{rid} was taken by" in m for m in bot.inbox("th-fp"))  # one message:
    assert "answered it:\nThai navy informed" in bot.last("th-fp")  # the answer, no need to act


async def test_a_deputys_answer_as_before(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel seized")
    await bot.say("th-deputy", f"/reply {rid} on it")
    assert await status(bot, rid) == ("answered", "th-deputy")


async def test_a_co_chair_who_filed_it_follows_it_up(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel seized", by="nz-cochair")
    await bot.say("nz-cochair", f"/reply {rid} any news?")
    assert await status(bot, rid) == ("open", None)
    assert "any news?" in bot.last("th-fp")
