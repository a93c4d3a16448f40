"""A scheduled reminder falling within 12 hours of a co-chair's chase is not sent, even when
its timer fires late (a restart, a clock jump): the 12 hours are counted back from the moment
the reminder was meant for, not from the moment it happens to run."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_settings
from tests.harness import SHIPPED_CONFIG
from tests.returns_support import running

QUIET = load_settings(SHIPPED_CONFIG).quiet_hours  # 21:00-07:00 in each person's country
# Wednesday 10 February 2027, 16:30 UTC: 21:30 in Malé, its quiet hours. JPA-9 W1 was due on
# the 7th; the Maldives' next overdue reminder is due Thursday the 11th at 09:00 there
# (04:00 UTC), 11½ hours after the chase, which is held until 07:00 there (02:00 UTC).
NIGHT_IN_MALE = datetime(2027, 2, 10, 16, 30, tzinfo=UTC)
OVERDUE_MV = "Overdue: the return of the Maldives for JPA-9 · W1"


def overdue_mv(inbox: list[str]) -> list[str]:
    return [m for m in inbox if m.startswith(OVERDUE_MV)]


async def test_a_late_firing_reminder_does_not_repeat_a_held_chase(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=NIGHT_IN_MALE, quiet_hours=QUIET)
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert "Maldives at Feb 11, 2027, 07:00 (UTC+5)" in chased, chased
    await bot.advance(timedelta(hours=15))  # one jump: the 09:00 reminder fires at 12:30
    assert len(overdue_mv(bot.inbox("mv-fp"))) == 1, bot.inbox("mv-fp")
    skipped = await bot.rows(
        "SELECT subject, detail FROM audit WHERE action = 'return.reminder_skipped' ORDER BY id"
    )
    assert ("JPA-9:W1:MV", "overdue") in skipped, skipped
    await bot.stop()


async def test_a_reminder_due_over_12_hours_after_the_chase_is_sent(tmp_path: Path) -> None:
    """Two days later, the next overdue reminder (13 February, 09:00 in Malé) is sent."""
    bot = await running(tmp_path, at=NIGHT_IN_MALE, quiet_hours=QUIET)
    await bot.say("nz-cochair", "/status W1 chase")
    await bot.advance(timedelta(hours=15))
    await bot.advance(timedelta(days=2))
    assert len(overdue_mv(bot.inbox("mv-fp"))) == 2, bot.inbox("mv-fp")
    await bot.stop()


async def test_a_chase_just_after_the_scheduled_reminder_does_not_repeat_it(
    tmp_path: Path,
) -> None:
    """The 09:00 overdue reminder reached the Maldives; a co-chair's chase at 10:30 sent the
    same reminder again. A scheduled reminder counts towards "at most every 12 hours" too."""
    bot = await running(tmp_path, at=datetime(2027, 2, 11, 3, 30, tzinfo=UTC), quiet_hours=QUIET)
    await bot.advance(timedelta(hours=2))  # 10:30 in Malé: its 09:00 reminder went
    assert len(overdue_mv(bot.inbox("mv-fp"))) == 1, bot.inbox("mv-fp")
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert "Reminded less than 12 hours ago, so not again: " in chased, chased
    assert "Maldives" in chased.split("so not again: ", 1)[1], chased
    await bot.advance(timedelta(minutes=5))
    assert len(overdue_mv(bot.inbox("mv-fp"))) == 1, bot.inbox("mv-fp")
    await bot.stop()
