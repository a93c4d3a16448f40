"""/refer reads a country typed by its name, as /request does.

``/refer R-2026-0001 Malaysia over to you`` answered "I don't know 'Malaysia'", and
``/refer R-2026-0001 Sri Lanka please check`` "I don't know 'Sri'". A member country's name
(several words, or in the referrer's language) stands for its code; the rest is the note.
"""

from __future__ import annotations

from tests.harness import Harness


async def target_and_thread(bot: Harness, rid: str) -> tuple[str, str]:
    rows = await bot.rows(
        "SELECT r.target_country, m.text FROM requests r JOIN request_messages m "
        "ON m.request_id = r.id WHERE r.id = ? AND m.kind = 'referral'",
        [rid],
    )
    return rows[-1]


async def test_a_name_refers_and_the_rest_is_the_note(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel")
    assert await bot.say("th-fp", f"/refer {rid} Malaysia over to you") == [
        f"{rid} referred to Malaysia."
    ]
    assert await target_and_thread(bot, rid) == ("MY", "referred to Malaysia: over to you")
    assert "over to you" in bot.last("my-fp")


async def test_a_name_of_two_words(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel")
    assert await bot.say("th-fp", f"/refer {rid} Sri Lanka please check") == [
        f"{rid} referred to Sri Lanka."
    ]
    assert await target_and_thread(bot, rid) == ("LK", "referred to Sri Lanka: please check")


async def test_a_name_in_the_referrers_language(bot: Harness) -> None:
    rid = await bot.file_request("TH #info vessel")
    await bot.say("th-fp", "/language th")
    await bot.say("th-fp", f"/refer {rid} มาเลเซีย โปรดตรวจสอบ")
    assert await target_and_thread(bot, rid) == ("MY", "referred to Malaysia: โปรดตรวจสอบ")


async def test_a_country_that_is_no_member_is_refused_by_its_name(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel")
    answer = await bot.say("th-fp", f"/refer {rid} United Kingdom please")
    assert answer == [
        "I don't know the country 'United Kingdom'. Use its two-letter code, e.g. TH for "
        "Thailand; /countries lists them."
    ]
    rows = await bot.rows("SELECT status, target_country FROM requests WHERE id = ?", [rid])
    assert rows == [("open", "TH")]


async def test_codes_and_person_ids_as_before(bot: Harness) -> None:
    rid = await bot.file_request("TH urgent #arrest vessel")
    assert await bot.say("th-fp", f"/refer {rid} my Malaysia has the boat") == [
        f"{rid} referred to Malaysia."
    ]
    assert await target_and_thread(bot, rid) == (
        "MY",
        "referred to Malaysia: Malaysia has the boat",
    )
    assert (await bot.say("my-fp", f"/refer {rid} id-officer Indonesia next"))[0].endswith(
        "(Indonesia)."
    )
