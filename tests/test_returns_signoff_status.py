"""/status, the co-chairs' digest and the report count a return awaiting national sign-off
alike: awaiting its first sign-off it is not in yet (and the digest says it was sent); an
amendment awaiting it leaves the approved return in, and /status says an amendment waits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.harness import Harness
from tests.test_reports_review_signoff import awaiting_thailand, chat_report, submit


async def status(bot: Harness) -> str:
    [board] = await bot.say("nz-cochair", "/status W1")
    return board


async def test_an_amendment_awaiting_signoff_leaves_the_return_in(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    await bot.say("th-fp", "/return JPA-9 W1 approve")
    await submit(bot, "th-deputy", "W1 arrests 40")  # the amendment awaits sign-off
    board = await status(bot)
    assert "2 of 8 in (0 late)" in board and "awaiting national sign-off," not in board, board
    [thailand] = [line for line in board.split("\n") if line.startswith("• Thailand")]
    assert thailand == (
        "• Thailand — submitted Jan 20, 2027, 19:00 UTC+7, "
        "an amendment awaits national sign-off (sent Jan 20, 2027, 19:00 UTC+7)"
    ), thailand
    assert "W1 due Feb 7, 2027: 2 in (0 late)" in await chat_report(bot)  # the same count
    await bot.stop()


async def test_the_digest_counts_a_return_awaiting_its_first_signoff_as_not_in(
    tmp_path: Path,
) -> None:
    bot = await awaiting_thailand(tmp_path)  # Thailand's deputy sent W1; Malaysia is in
    for _ in range(25):
        await bot.advance(timedelta(days=1))
    [digest, *_] = [t for t in bot.inbox("nz-cochair") if t.startswith("Late returns")]
    assert "• Thailand (sent, awaiting national sign-off)" in digest, digest
    assert "1 of 8 countries are in." in digest, digest
    assert "1 of 8 in (0 late), 1 awaiting national sign-off" in await status(bot)
    await bot.stop()
