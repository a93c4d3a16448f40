"""A due date moved later is the due date: a return that came in after the old one but
before the new one is on time in /status, /deadline and every report, and the audit chain
binds the change (found by a trial: Australia stayed "late" under "due Feb 10")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.audit.state import problems
from tests.returns_support import move_to, running
from tests.test_report import cli

FEB_8_IN_CANBERRA = datetime(2027, 2, 8, 12, 0, tzinfo=UTC)  # 23:00 there; W1 was due on the 7th


async def test_a_return_in_before_the_moved_date_is_on_time(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    move_to(bot, FEB_8_IN_CANBERRA)
    await bot.say("au-fp", "/return arrests 2, victims 1")
    [sent] = await bot.say("au-fp", "/return confirm")
    assert "is submitted (late)" in sent, sent
    [moved] = await bot.say("nz-cochair", "/deadline W1 2027-02-10")
    assert "now due on Feb 10, 2027" in moved, moved
    [board] = await bot.say("nz-cochair", "/status W1")
    [australia] = [line for line in board.split("\n") if line.startswith("• Australia")]
    assert australia == "• Australia — submitted Feb 8, 2027, 23:00 UTC+11", australia
    assert "1 of 8 in (0 late)" in board, board
    [own] = await bot.say("au-fp", "/deadline")
    assert "yours: late" not in own, own
    assert await bot.app.store.run(problems) == []  # the chain binds the return as it is now
    await bot.stop()
    markdown = await cli("JPA-9", "-d", bot.database)
    assert "| Australia | submitted |" in markdown, markdown
