"""A period command's answer is honest about quiet hours: "I told 9 focal points" while two
countries' notices waited in the outbox for their morning. Like a broadcast's answer, it now
counts only those told at once and names the countries whose focal points read it later."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.harness import Harness
from tests.returns_support import running

# Wednesday 20 January 2027, 20:30 UTC: 07:30 in Sydney (awake), 01:30 in Malé and 02:00 in
# Colombo (within their quiet hours, 21:00-07:00 local).
SYDNEY_MORNING = datetime(2027, 1, 20, 20, 30, tzinfo=UTC)
OPEN_LINE = (
    '/period open JPA-5 "Fifth Joint Period of Action" 2027-03-01 2027-08-31 monthly AU MV LK'
)
HELD = "Held until their quiet hours end: Maldives, Sri Lanka."


async def opened_at_night_in_south_asia(tmp_path: Path) -> tuple[Harness, str]:
    """JPA-5 opened (AU awake, MV and LK asleep); the co-chair's confirmation."""
    bot = await running(tmp_path, at=SYDNEY_MORNING, periods=(), quiet_hours=QuietHoursSettings())
    await bot.say("nz-cochair", OPEN_LINE)
    [opened] = await bot.press("nz-cochair", "/period confirm")
    return bot, opened


async def test_opening_counts_only_those_told_and_names_who_waits(tmp_path: Path) -> None:
    bot, opened = await opened_at_night_in_south_asia(tmp_path)
    assert opened.startswith(f"JPA-5 is open. I told 1 focal point.\n{HELD}\n\n"), opened
    assert "JPA-5 — Fifth Joint Period of Action is open" in bot.last("au-fp")
    assert not any("is open" in m for m in bot.inbox("mv-fp"))  # as the answer said
    [(to_cochair,)] = await bot.rows("SELECT text FROM outbox WHERE person_id = 'lk-cochair'")
    assert f"JPA-5 is open. I told 1 focal point.\n{HELD}" in to_cochair  # (asleep too)

    await bot.advance(timedelta(hours=5, minutes=31))  # 07:01 in Malé and 07:31 in Colombo
    assert any("JPA-5 — Fifth Joint Period of Action is open" in m for m in bot.inbox("mv-fp"))
    assert any("JPA-5 — Fifth Joint Period of Action is open" in m for m in bot.inbox("lk-fp"))
    await bot.stop()


async def test_opening_while_every_focal_point_sleeps_says_when_they_are_told(
    tmp_path: Path,
) -> None:
    """It said "I told 0 focal points", as if nobody would be (found by a trial)."""
    bot = await running(tmp_path, at=SYDNEY_MORNING, periods=(), quiet_hours=QuietHoursSettings())
    await bot.say("nz-cochair", OPEN_LINE.replace(" AU MV LK", " MV LK"))
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith(
        f"JPA-5 is open. The focal points are told when their quiet hours end.\n{HELD}\n\n"
    ), opened
    await bot.stop()


async def test_closing_and_reopening_name_who_waits(tmp_path: Path) -> None:
    bot, _opened = await opened_at_night_in_south_asia(tmp_path)
    [closed] = await bot.press("nz-cochair", "/period close JPA-5 confirm")
    assert closed.startswith("JPA-5 is closed; reminders have stopped"), closed
    # their notice that it opened still waited, withdrawn now: nor are they told of the close
    assert closed.endswith(
        "\nNot told, as the opening had not reached them yet: Maldives, Sri Lanka."
    ), closed
    [again] = await bot.press("nz-cochair", "/period reopen JPA-5 confirm")
    assert again == (
        "JPA-5 is open again; reminders resume and the focal points were told.\n" + HELD
    ), again
    await bot.stop()


async def test_a_moved_due_date_names_who_waits(tmp_path: Path) -> None:
    bot, _opened = await opened_at_night_in_south_asia(tmp_path)
    [moved] = await bot.say("nz-cochair", "/deadline JPA-5 W1 2027-04-12")
    assert moved.startswith(
        "New due date: JPA-5 · W1 (Mar 1, 2027 – Mar 31, 2027) is now due on Apr 12, 2027. "
        f"The focal points were told.\n{HELD}"
    ), moved
    await bot.stop()


async def test_with_everyone_awake_no_one_is_said_to_wait(tmp_path: Path) -> None:
    morning = SYDNEY_MORNING + timedelta(hours=6)  # 08:30 in Colombo, 13:30 in Sydney
    bot = await running(tmp_path, at=morning, periods=(), quiet_hours=QuietHoursSettings())
    await bot.say("nz-cochair", OPEN_LINE)
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-5 is open. I told 3 focal points.\n\n"), opened
    assert "Held until" not in opened
    [closed] = await bot.press("nz-cochair", "/period close JPA-5 confirm")
    assert "Held until" not in closed
    await bot.stop()
