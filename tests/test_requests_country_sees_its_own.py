"""A country sees what is its own: its focal points and deputies see the requests its officers
filed (as /help says: "yours, and your country's if you are a focal point"), not other
countries' requests; they may follow them, not act on them."""

from __future__ import annotations

from tests.harness import Harness


async def test_a_focal_point_sees_the_requests_their_country_filed(bot: Harness) -> None:
    rid = await bot.file_request(
        "MY #arrest Suspect crossing at Padang Besar tonight", by="th-officer"
    )
    shown = await bot.say("th-fp", f"/show {rid}")
    assert "No such request" not in shown[0] and "Padang Besar" in shown[0], shown
    listed = await bot.say("th-fp", "/requests")
    assert rid in listed[0], listed
    assert rid in (await bot.say("th-deputy", "/requests"))[0]
    await bot.say("th-fp", f"/ack {rid}")  # following is not acting: Malaysia answers it
    assert await bot.rows("SELECT status FROM requests WHERE id = ?", [rid]) == [("open",)]


async def test_other_countries_and_officers_do_not_see_it(bot: Harness) -> None:
    rid = await bot.file_request(
        "MY #arrest Suspect crossing at Padang Besar tonight", by="th-officer"
    )
    for other in ("au-officer", "us-fp"):
        assert "No such request" in (await bot.say(other, f"/show {rid}"))[0], other
        assert rid not in (await bot.say(other, "/requests"))[0], other
