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


def approval_reminders(bot: Harness, person: str) -> list[str]:
    return [t for t in bot.inbox(person) if t.startswith("Awaiting your national sign-off")]


async def test_the_focal_point_is_reminded_to_approve_until_they_do(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)  # sent on 20 January by the deputy; due 7 February
    await bot.advance(timedelta(days=11))  # 31 January: a week before
    [reminder] = approval_reminders(bot, "th-fp")
    assert reminder == (
        "Awaiting your national sign-off: the return of Thailand for JPA-9 · W1 (Jan 1, 2027 – "
        "Jan 31, 2027), sent by Nirana Deputy-Example, counts once you approve it "
        "(due Feb 7, 2027)."
    ), reminder
    [sent] = [d.message for d in bot.chat.sent if d.message.text == reminder]
    buttons = [b.command for b in sent.buttons]
    assert "/return JPA-9 W1 approve" in buttons, buttons
    assert not [t for t in bot.inbox("th-deputy") if "Reminder" in t or "Awaiting your" in t]
    await bot.press("th-fp", "/return JPA-9 W1 approve")
    for _ in range(20):
        await bot.advance(timedelta(days=1))
    assert len(approval_reminders(bot, "th-fp")) == 1  # approved: nothing more
    assert not [t for t in bot.inbox("th-fp") if t.startswith(("Reminder", "Overdue"))]
    await bot.stop()


async def test_a_chase_asks_the_focal_point_to_approve(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    bot.clock.advance(timedelta(days=20))  # 9 February, no timers fired: W1 is overdue
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert "Thailand" in chased.split("Reminded now", 1)[1].split("\n")[0], chased
    [reminder] = approval_reminders(bot, "th-fp")
    assert "counts once you approve it" in reminder, reminder
    await bot.stop()


async def test_help_status_names_every_status_the_board_shows(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    [shown] = await bot.say("nz-cochair", "/help status")
    assert "submitted, late, awaiting national sign-off, draft, missing, or not due yet" in shown
    await bot.stop()


async def test_an_approval_withdraws_the_reminder_to_approve_held_for_the_night(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    from bot.config import QuietHoursSettings
    from tests.returns_support import running
    from tests.test_reports_review_signoff import SIGNOFF

    bot = await running(tmp_path, periods=(SIGNOFF,), quiet_hours=QuietHoursSettings())
    await submit(bot, "th-deputy", "arrests 4, victims 2")
    bot.clock.advance(datetime(2027, 2, 9, 15, 0, tzinfo=UTC) - bot.clock.now())  # 22:00 there
    await bot.say("nz-cochair", "/status W1 chase")
    assert not approval_reminders(bot, "th-fp")  # held for the morning
    await bot.say("th-fp", "/return JPA-9 W1 approve")  # awake after all
    await bot.advance(timedelta(hours=10))  # 08:00 in Bangkok
    assert not approval_reminders(bot, "th-fp")
    await bot.stop()
