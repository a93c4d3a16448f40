"""A return counts only once its country's focal point signs it off: a deputy's return sent
in time but approved after the deadline came in late, in the answers and in every report. An
amendment approved after the deadline leaves the return as its first version came in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import move_to
from tests.test_report import cli
from tests.test_reports_review_signoff import awaiting_thailand, chat_report, submit

AFTER_W1_DEADLINE = datetime(2027, 2, 9, 3, 0, tzinfo=UTC)  # W1 was due on 7 February


async def approved(bot: Harness) -> str:
    [told] = await bot.say("th-fp", "/return JPA-9 W1 approve")
    return told


async def test_a_signoff_after_the_deadline_makes_the_return_late(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)  # the deputy sent W1 in mid-January
    move_to(bot, AFTER_W1_DEADLINE)
    told = await approved(bot)
    assert "now counts in the report, as late: its deadline had passed" in told, told
    assert "as late" in bot.last("th-deputy"), bot.inbox("th-deputy")
    assert "W1 due Feb 7, 2027: 2 in (1 late)" in await chat_report(bot)
    [(detail,)] = await bot.rows("SELECT detail FROM audit WHERE action = 'return.signed_off'")
    assert detail == "version 1, late"
    await bot.stop()
    markdown = await cli("JPA-9", "-d", bot.database)
    assert "| Thailand | late |" in markdown, markdown


async def test_a_signoff_in_time_leaves_the_return_on_time(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    told = await approved(bot)
    assert told.endswith("now counts in the report."), told
    assert "W1 due Feb 7, 2027: 2 in (0 late)" in await chat_report(bot)
    await bot.stop()


async def test_an_amendment_signed_off_late_keeps_the_return_on_time(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    await approved(bot)  # in time: the return is in
    move_to(bot, AFTER_W1_DEADLINE)
    await submit(bot, "th-deputy", "W1 arrests 5")
    told = await approved(bot)
    assert told.endswith("now counts in the report."), told
    assert "W1 due Feb 7, 2027: 2 in (0 late)" in await chat_report(bot)
    await bot.stop()
