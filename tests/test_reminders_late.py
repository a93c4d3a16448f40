"""Reminders that fire late, together (the bot was down, or the console's clock jumped):
each country hears once, in words true on the day they arrive."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import running

# JPA-9's W1 (January 2027) is due on 7 February; reminders at 09:00 local 7 days and 1 day
# before, and on the day.
FEB_5 = datetime(2027, 2, 5, 12, 0, tzinfo=UTC)


async def test_a_day_before_and_the_day_itself_firing_together_remind_once(
    tmp_path: Path,
) -> None:
    bot: Harness = await running(tmp_path, at=FEB_5)
    await bot.advance(timedelta(days=2))  # 7 February, 19:00 in Bangkok: two were due
    reminders = [m for m in bot.inbox("th-fp") if "JPA-9 · W1" in m and "Reminder" in m]
    assert len(reminders) == 1, reminders
    assert reminders[0].startswith(
        "Reminder: the return of Thailand for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is due "
        "today (Feb 7, 2027)."
    ), reminders
    await bot.stop()


async def test_the_days_reminder_firing_after_the_due_day_ended_is_not_sent(
    tmp_path: Path,
) -> None:
    bot: Harness = await running(tmp_path, at=FEB_5)
    await bot.advance(timedelta(days=3))  # 8 February, 19:00 in Bangkok: the 7th is over
    assert not any("is due today" in m for m in bot.inbox("th-fp")), bot.inbox("th-fp")
    await bot.stop()


async def test_the_reminders_one_line_example_can_be_sent_as_it_is(tmp_path: Path) -> None:
    """It names every required figure: copied, it is taken (it named three optional ones
    first, and a focal point who sent it was told Arrests was still needed)."""
    bot: Harness = await running(tmp_path, at=FEB_5)
    await bot.advance(timedelta(days=2))
    [reminder] = [m for m in bot.inbox("th-fp") if "Reminder" in m]
    example = reminder.split("in one line, e.g. ", 1)[1].rstrip(".")
    assert example == "/return convicted 3, victims assisted 3, arrest 3", reminder
    [summary] = await bot.say("th-fp", example)
    assert "Confirm to submit" in summary and "Still needed" not in summary, summary
    await bot.stop()
