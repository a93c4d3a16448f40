"""A country's time zone or the reminder time changed between two starts: reminders armed but
not yet fired move to the moment the new configuration gives them and fire there once; ones
already fired stay as they were."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from tests.harness import Harness
from tests.returns_support import move_to, restart, running, sent

# JPA-9's W1 (January 2027) is due on 7 February; reminders at 09:00 local 7 days and 1 day
# before, and on the day. Thailand is UTC+7, so its day's reminder is at 02:00Z.
DUE_TH = "return.remind:JPA-9:1:2027-02-07:TH:due:0"
WEEK_BEFORE_TH = "return.remind:JPA-9:1:2027-02-07:TH:before:7"
FEB_1 = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # the week-before reminder has fired


def in_zone(settings: Settings, code: str, zone: str) -> Settings:
    """``settings`` with country ``code`` moved to time zone ``zone``."""
    countries = tuple(
        c.model_copy(update={"timezone": zone}) if c.code == code else c for c in settings.countries
    )
    return settings.model_copy(update={"countries": countries})


def at_local_time(settings: Settings, local_time: str) -> Settings:
    """``settings`` with ``[returns.reminders] local_time`` set to ``local_time``."""
    reminders = settings.returns.reminders.model_copy(update={"local_time": local_time})
    returns = settings.returns.model_copy(update={"reminders": reminders})
    return settings.model_copy(update={"returns": returns})


async def timer(bot: Harness, timer_id: str) -> tuple[str, str | None]:
    """A timer's (due_at, fired_at)."""
    [row] = await bot.rows("SELECT due_at, fired_at FROM timers WHERE id = ?", [timer_id])
    return row[0], row[1]


async def day_reminders(bot: Harness) -> int:
    """How many of Thailand's due-day reminders the outbox holds (across restarts)."""
    return await sent(bot, "th-fp", "%JPA-9 · W1%is due today%")


async def test_a_new_time_zone_moves_the_pending_reminder_and_it_fires_there_once(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    assert await timer(bot, DUE_TH) == ("2027-02-07T02:00:00+00:00", None)
    await bot.stop()
    bot.settings = in_zone(bot.settings, "TH", "Asia/Dhaka")  # UTC+6: 09:00 is 03:00Z
    await bot.start()
    assert await timer(bot, DUE_TH) == ("2027-02-07T03:00:00+00:00", None)
    assert bot.timers.scheduled[DUE_TH] == datetime(2027, 2, 7, 3, 0, tzinfo=UTC)

    await restart(bot)  # a second start with the same configuration moves nothing
    assert await timer(bot, DUE_TH) == ("2027-02-07T03:00:00+00:00", None)
    move_to(bot, datetime(2027, 2, 7, 2, 30, tzinfo=UTC))
    await bot.advance(timedelta(0))
    assert await day_reminders(bot) == 0  # not at the old moment
    await bot.advance(timedelta(minutes=30))
    assert await day_reminders(bot) == 1
    await bot.advance(timedelta(hours=1))
    await restart(bot)
    await bot.advance(timedelta(minutes=1))
    assert await day_reminders(bot) == 1
    await bot.stop()


async def test_a_new_local_time_moves_pending_reminders_and_digests_not_fired_ones(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    await bot.advance(FEB_1 - bot.clock.now())
    week_before = await timer(bot, WEEK_BEFORE_TH)
    assert week_before == ("2027-01-31T02:00:00+00:00", "2027-02-01T12:00:00+00:00")
    digests = await bot.rows(
        "SELECT id, due_at FROM timers WHERE kind = 'return.digest' AND fired_at IS NULL"
    )
    assert digests
    await bot.stop()
    bot.settings = at_local_time(bot.settings, "14:00")
    await bot.start()
    assert await timer(bot, DUE_TH) == ("2027-02-07T07:00:00+00:00", None)
    assert await timer(bot, WEEK_BEFORE_TH) == week_before  # the record of what happened
    for digest_id, due_at in digests:
        moved = datetime.fromisoformat(due_at) + timedelta(hours=5)
        assert await timer(bot, digest_id) == (moved.isoformat(), None)
    await bot.stop()


def with_reminders(settings: Settings, **changes: object) -> Settings:
    """``settings`` with ``[returns.reminders]`` changed."""
    reminders = settings.returns.reminders.model_copy(update=changes)
    returns = settings.returns.model_copy(update={"reminders": reminders})
    return settings.model_copy(update={"returns": returns})


async def test_a_reminder_the_configuration_no_longer_asks_for_is_not_sent(
    tmp_path: Path,
) -> None:
    """An administrator dropped the week-before reminder and the due day's, and the co-chairs'
    digest, after the period opened: their timers, armed already, fire and send nothing."""
    bot = await running(tmp_path)
    assert await timer(bot, WEEK_BEFORE_TH) == ("2027-01-31T02:00:00+00:00", None)
    await bot.stop()
    bot.settings = with_reminders(
        bot.settings, before_days=[1], on_due_day=False, cochair_digest=False
    )
    await bot.start()
    while bot.clock.now() < datetime(2027, 2, 9, 12, 0, tzinfo=UTC):  # each on its day
        await bot.advance(timedelta(hours=6))
    assert await sent(bot, "th-fp", "%JPA-9 · W1%in 7 days%") == 0
    assert await sent(bot, "th-fp", "%JPA-9 · W1%in 1 day%") == 1  # still asked for
    assert await day_reminders(bot) == 0
    assert await sent(bot, "th-fp", "%Overdue: the return%") == 1  # 2 days after: kept
    assert await bot.rows("SELECT COUNT(*) FROM outbox WHERE text LIKE 'Late returns%'") == [(0,)]
    await bot.stop()
