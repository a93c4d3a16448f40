"""A country's only focal point hands over to its deputy: the deputy answers the country now,
and is told in the handover's one notice of its requests nobody had acknowledged (paged to the
focal point alone, so not moved), as a revocation tells them (bot.directory.handlers)."""

from tests.harness import Harness


async def test_the_deputy_taking_over_is_told_of_the_requests_nobody_acknowledged(
    bot: Harness,
) -> None:
    mine = await bot.file_request("TH routine Passport check for a suspect")
    unseen = await bot.file_request("TH urgent Vehicle check")
    await bot.press("th-fp", f"/ack {mine}")
    told_before = len(bot.inbox("th-deputy"))
    await bot.say("nz-cochair", "/handover th-fp th-deputy")
    await bot.settle()
    notices = bot.inbox("th-deputy")[told_before:]
    assert len(notices) == 1, notices
    assert f"• request {mine} (/show {mine})" in notices[0], notices[0]
    assert (
        f"Thailand has no focal point now, so you answer its requests: {unseen}, which nobody "
        f"has acknowledged, is yours too. /show {unseen} reads it." in notices[0]
    ), notices[0]
