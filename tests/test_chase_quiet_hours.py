"""`/status W1 chase` in the middle of some countries' night: their reminders wait in the
outbox for the end of their quiet hours, and the co-chair is told so, with the local time
(and its offset from UTC) at which each of those countries gets it, not "Reminded now"."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.delivery.routing import Router
from bot.periods.handlers import sync_configured
from bot.storage.sqlite import atomic
from bot.work import Work
from tests.dispatch_world import DispatchWorld
from tests.harness import SHIPPED_CONFIG, Harness
from tests.returns_support import running

QUIET = load_settings(SHIPPED_CONFIG).quiet_hours  # 21:00-07:00 in each person's country
# Wednesday 10 February 2027, 13:30 UTC: W1 (January) was due on the 7th everywhere. It is
# 00:30 in Sydney, 02:30 in Wellington, 21:30 in Kuala Lumpur and Manila (their night);
# 20:30 in Jakarta and Bangkok, 19:00 in Colombo, 18:30 in Malé (still their evening).
EVENING = datetime(2027, 2, 10, 13, 30, tzinfo=UTC)
TITLE = "JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027)"
OVERDUE_MY = "Overdue: the return of Malaysia for JPA-9 · W1"


async def chased_at_evening(tmp_path: Path) -> Harness:
    """JPA-9 with quiet hours on, Thailand's W1 return in."""
    bot = await running(tmp_path, at=EVENING, quiet_hours=QUIET)
    await bot.say("th-fp", "/return W1 arrests 1, victims 1")
    assert "is submitted" in (await bot.say("th-fp", "/return W1 confirm"))[0]
    return bot


async def test_a_chase_says_who_is_reminded_now_and_who_at_their_morning(tmp_path: Path) -> None:
    bot = await chased_at_evening(tmp_path)
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert chased == (
        f"Reminded now for {TITLE}: Indonesia, Maldives, Sri Lanka.\n"
        f"Reminding later for {TITLE}, when their quiet hours end: "
        "Australia at Feb 11, 2027, 07:00 (UTC+11); Malaysia at Feb 11, 2027, 07:00 (UTC+8); "
        "New Zealand at Feb 11, 2027, 07:00 (UTC+13); Philippines at Feb 11, 2027, 07:00 (UTC+8)."
    ), chased
    assert bot.last("id-fp").startswith("Overdue: the return of Indonesia for JPA-9 · W1")
    assert not any(m.startswith(OVERDUE_MY) for m in bot.inbox("my-fp"))  # held: asleep
    held = await bot.rows(
        "SELECT person_id, not_before FROM outbox WHERE not_before IS NOT NULL "
        "AND text LIKE 'Overdue:%' ORDER BY person_id"
    )
    assert [person for person, _at in held] == ["au-fp", "my-fp", "nz-fp", "ph-fp"], held
    audited = await bot.rows(
        "SELECT subject, detail FROM audit WHERE action = 'return.chased' ORDER BY subject"
    )
    assert ("JPA-9:W1:MY", "1 reminded, held until 2027-02-10T23:00:00+00:00") in audited
    assert ("JPA-9:W1:ID", "1 reminded") in audited

    await bot.advance(timedelta(hours=9, minutes=29))  # 06:59 in Kuala Lumpur
    assert not any(m.startswith(OVERDUE_MY) for m in bot.inbox("my-fp"))
    await bot.advance(timedelta(minutes=2))  # 07:01: the morning it was promised for
    assert len([m for m in bot.inbox("my-fp") if m.startswith(OVERDUE_MY)]) == 1
    await bot.stop()


async def test_when_everyone_is_asleep_nobody_is_said_to_be_reminded_now(tmp_path: Path) -> None:
    """At 16:30 UTC it is night in all seven countries still owing."""
    bot = await running(tmp_path, at=EVENING + timedelta(hours=3), quiet_hours=QUIET)
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert "Reminded now" not in chased, chased
    assert chased.startswith(f"Reminding later for {TITLE}, when their quiet hours end: "), chased
    assert "Sri Lanka at Feb 11, 2027, 07:00 (UTC+5:30)" in chased  # a half-hour zone
    assert "Maldives at Feb 11, 2027, 07:00 (UTC+5)" in chased
    await bot.stop()


async def test_the_times_are_written_in_the_readers_language(tmp_path: Path) -> None:
    bot = await chased_at_evening(tmp_path)
    await bot.say("lk-cochair", "/language bn")
    [chased] = await bot.say("lk-cochair", "/status W1 chase")
    assert "(UTC+৮)" in chased and "০৭:০০" in chased, chased  # Bengali digits, 07:00
    assert "07:00" not in chased, chased
    await bot.stop()


@pytest.mark.sqlite_only
def test_countries_no_channel_reaches_are_not_said_to_be_reminded(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    with world.db.database.atomic(), atomic(world.db):
        sync_configured(Work(world.db, world.ctx, world.now))
    assert "is open" in world.answers("nz-cochair", "/period open JPA-4 confirm")[0]
    world.ctx = replace(world.ctx, router=Router({}))  # no channel running at all
    [chased] = world.answers("nz-cochair", "/status W1 chase")
    assert "Reminded" not in chased, chased
    assert chased.startswith("No running channel reaches anyone to remind for: Australia, "), chased
    assert world.db.execute(
        "SELECT COUNT(*) FROM audit WHERE action = 'return.chased'"
    ).fetchone() == (0,)


async def test_a_held_reminder_is_withdrawn_once_the_return_comes_in(tmp_path: Path) -> None:
    bot = await chased_at_evening(tmp_path)
    await bot.say("nz-cochair", "/status W1 chase")  # Malaysia's reminder waits for 07:00 there
    await bot.say("my-deputy", "/return W1 arrests 2, victims 1")  # at work at 21:30
    assert "is submitted" in (await bot.say("my-deputy", "/return W1 confirm"))[0]
    await bot.advance(timedelta(hours=10))  # past 07:00 in Kuala Lumpur
    assert not any(m.startswith(OVERDUE_MY) for m in bot.inbox("my-fp"))
    assert await bot.rows(
        "SELECT person_id, status FROM outbox WHERE text LIKE 'Overdue: the return of Malaysia%'"
    ) == [("my-fp", "withdrawn")]
    assert any(m.startswith("Overdue: the return of Australia") for m in bot.inbox("au-fp"))
    await bot.stop()


async def test_a_chase_before_the_due_date_reminds_nobody_not_yet_due(tmp_path: Path) -> None:
    """3 February: January's W1 has ended but is due on the 7th everywhere."""
    bot = await running(tmp_path, at=datetime(2027, 2, 3, 6, 0, tzinfo=UTC))
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert chased.startswith("Not due yet, so not reminded: Australia, Indonesia, "), chased
    assert "Reminded" not in chased, chased
    assert not any(m.startswith("Reminder:") for m in bot.inbox("th-fp"))
    assert await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'return.chased'") == [(0,)]
    await bot.stop()


async def test_a_second_chase_says_the_held_reminders_still_wait(tmp_path: Path) -> None:
    bot = await chased_at_evening(tmp_path)
    await bot.say("nz-cochair", "/status W1 chase")
    [again] = await bot.say("nz-cochair", "/status W1 chase")
    assert again == (
        f"Reminding later for {TITLE}, when their quiet hours end: "
        "Australia at Feb 11, 2027, 07:00 (UTC+11); Malaysia at Feb 11, 2027, 07:00 (UTC+8); "
        "New Zealand at Feb 11, 2027, 07:00 (UTC+13); Philippines at Feb 11, 2027, 07:00 (UTC+8).\n"
        "Reminded less than 12 hours ago, so not again: Indonesia, Maldives, Sri Lanka."
    ), again
    await bot.stop()
