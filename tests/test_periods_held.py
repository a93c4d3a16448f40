"""Notices about a period still held for someone's quiet hours are withdrawn once the news
overtakes them: JPA-5 opened and closed in Dubai's night, and in the morning ae-fp read "JPA-5
is open … your first return is due" and then "JPA-5 is closed". Closing now withdraws what
still waits (that it is open, moved due dates, reminders), and the close notice goes only to
those who were told it opened (news of a close of what they never heard of confused a trial).
A due date moved twice in someone's night reaches them once, with the date that holds."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.harness import Harness
from tests.returns_support import running

# Wednesday 20 January 2027, 20:30 UTC: 07:30 in Sydney (awake), 00:30 in Dubai and 03:30 in
# Bangkok (within their quiet hours, 21:00-07:00 local).
DUBAI_NIGHT = datetime(2027, 1, 20, 20, 30, tzinfo=UTC)
OPEN_LINE = (
    '/period open JPA-5 "Fifth Joint Period of Action" 2027-03-01 2027-08-31 monthly AU AE TH'
)
IS_OPEN = "JPA-5 — Fifth Joint Period of Action is open"
IS_CLOSED = "JPA-5 — Fifth Joint Period of Action is closed"
# Wednesday 10 February 2027, 16:30 UTC: night in every country of JPA-9 (23:30 in Bangkok,
# 21:30 in Malé, 05:30 in Wellington); W1 (January) was due on the 7th.
NIGHT_EVERYWHERE = datetime(2027, 2, 10, 16, 30, tzinfo=UTC)
QUIET = QuietHoursSettings()


async def statuses(bot: Harness, person: str, like: str) -> list[str]:
    """The outbox status of each message to ``person`` matching ``like``, oldest first."""
    rows = await bot.rows(
        "SELECT status FROM outbox WHERE person_id = ? AND text LIKE ? ORDER BY id", [person, like]
    )
    return [status for (status,) in rows]


async def test_closing_withdraws_the_held_open_notice(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=DUBAI_NIGHT, periods=(), quiet_hours=QUIET)
    await bot.say("nz-cochair", OPEN_LINE)
    await bot.press("nz-cochair", "/period confirm")
    assert any(IS_OPEN in m for m in bot.inbox("au-fp"))  # awake: told at once
    await bot.advance(timedelta(hours=1))
    await bot.press("nz-cochair", "/period close JPA-5 confirm")

    await bot.advance(timedelta(hours=9))  # 07:30 in Dubai, 10:30 in Bangkok
    for person in ("ae-fp", "th-fp"):  # never told it opened: nothing to tell of its close
        assert not any(IS_OPEN in m or IS_CLOSED in m for m in bot.inbox(person)), bot.inbox(person)
        assert await statuses(bot, person, f"{IS_OPEN}%") == ["withdrawn"]
        assert await statuses(bot, person, f"{IS_CLOSED}%") == []
    assert await statuses(bot, "au-fp", f"{IS_OPEN}%") == ["sent"]  # delivered: left as it was
    assert await statuses(bot, "au-fp", f"{IS_CLOSED}%") == ["sent"]
    # reopened: those who never read that it opened get the opening's notice, not "again"
    await bot.press("nz-cochair", "/period reopen JPA-5 confirm")
    await bot.advance(timedelta(hours=24))
    assert any("is open again" in m for m in bot.inbox("au-fp"))
    for person in ("ae-fp", "th-fp"):
        [opened] = [m for m in bot.inbox(person) if IS_OPEN in m or "JPA-5" in m]
        assert opened.startswith(f"{IS_OPEN} (Mar 1, 2027"), opened
    withdrawn = await bot.rows(
        "SELECT subject, detail FROM audit WHERE action = 'message.withdrawn' ORDER BY detail"
    )
    assert withdrawn == [
        ("JPA-5", "/deadline JPA-5 to ae-fp"),
        ("JPA-5", "/deadline JPA-5 to th-fp"),
    ], withdrawn
    await bot.stop()


async def test_closing_withdraws_held_reminders_and_moved_due_dates(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=NIGHT_EVERYWHERE, quiet_hours=QUIET)
    await bot.say("nz-cochair", "/status W1 chase")  # everyone's reminder waits for 07:00
    await bot.say("nz-cochair", "/deadline W2 2027-03-14")
    [closed] = await bot.press("nz-cochair", "/period close JPA-9 confirm")
    assert closed.startswith("JPA-9 is closed"), closed

    await bot.advance(timedelta(hours=16))  # morning everywhere
    inbox = bot.inbox("th-fp")
    assert not any(m.startswith(("Overdue:", "New due date:")) for m in inbox), inbox
    assert any("JPA-9 — Ninth Joint Period of Action is closed" in m for m in inbox), inbox
    assert await statuses(bot, "th-fp", "Overdue:%") == ["withdrawn"]
    assert await statuses(bot, "th-fp", "New due date:%") == ["withdrawn"]
    await bot.stop()


async def test_a_due_date_moved_twice_at_night_arrives_once(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=NIGHT_EVERYWHERE, quiet_hours=QUIET)
    await bot.say("nz-cochair", "/deadline W2 2027-03-10")
    await bot.say("nz-cochair", "/deadline W2 2027-03-14")

    await bot.advance(timedelta(hours=16))  # morning everywhere
    moved = [m for m in bot.inbox("th-fp") if m.startswith("New due date:")]
    assert moved == [
        "New due date: JPA-9 · W2 (Feb 1, 2027 – Feb 28, 2027) is now due on Mar 14, 2027."
    ], moved
    assert await statuses(bot, "th-fp", "New due date:%") == ["withdrawn", "sent"]
    await bot.stop()


async def test_moving_a_due_date_withdraws_held_reminders_of_the_former_one(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, at=NIGHT_EVERYWHERE, quiet_hours=QUIET)
    await bot.say("nz-cochair", "/status W1 chase")  # "Overdue" waits for 07:00 in Bangkok
    await bot.say("nz-cochair", "/deadline W1 2027-02-14")  # so it is not overdue after all

    await bot.advance(timedelta(hours=16))  # morning everywhere
    inbox = bot.inbox("th-fp")
    assert not any(m.startswith("Overdue:") for m in inbox), inbox
    assert any(m.startswith("New due date: JPA-9 · W1") for m in inbox), inbox
    assert await statuses(bot, "th-fp", "Overdue:%") == ["withdrawn"]
    await bot.stop()


async def test_moving_one_window_leaves_another_windows_notice(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=NIGHT_EVERYWHERE, quiet_hours=QUIET)
    await bot.say("nz-cochair", "/deadline W2 2027-03-10")
    await bot.say("nz-cochair", "/deadline W3 2027-04-10")

    await bot.advance(timedelta(hours=16))
    moved = [m for m in bot.inbox("th-fp") if m.startswith("New due date:")]
    assert len(moved) == 2 and "W2" in moved[0] and "W3" in moved[1], moved
    await bot.stop()
