"""Working days, public holidays and quiet hours end to end through the dispatch: due dates
moved off weekends (Afghanistan's Thursday–Friday one too), reminders on working days and
escalations on the target's working days across a restart, routine messages held through
quiet hours in a half-hour zone (Colombo, +05:30) while urgent ones go through."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.config import load_settings
from bot.periods.configured import PeriodConfig
from tests.broadcast_support import broadcast
from tests.harness import SHIPPED_CONFIG, Harness, shipped_settings
from tests.returns_support import move_to, sent

SHIPPED = load_settings(SHIPPED_CONFIG)
OPEN = '/period open JPA-7 "Seventh Joint Period of Action" 2026-10-01 2026-10-31 final AF TH IN'


async def started(tmp_path: Path, at: datetime) -> Harness:
    """The shipped calendar rules (quiet hours, working-day escalation), clock at ``at``."""
    settings = shipped_settings(
        periods=(), quiet_hours=SHIPPED.quiet_hours, requests=SHIPPED.requests
    )
    bot = Harness(tmp_path / "bot.db", settings)
    move_to(bot, at)
    return await bot.start()


async def open_period(bot: Harness, line: str, by: str = "nz-cochair") -> str:
    """``by`` opens a period with ``line`` and confirms it; the confirmation."""
    await bot.say(by, line)
    [opened] = await bot.press(by, "/period confirm")
    return opened


async def until(bot: Harness, when: datetime) -> None:
    """Move the clock to ``when`` in one-hour steps, firing timers on the way."""
    while bot.clock.now() < when - timedelta(hours=1):
        await bot.advance(timedelta(hours=1))
    await bot.advance(when - bot.clock.now())


async def test_due_dates_move_off_each_countrys_weekend_and_the_cochair_sees_why(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    opened = await open_period(bot, OPEN)
    # one line for the countries whose date moves alike, for the same reason
    assert "W1 due Nov 7, 2026 → Nov 9, 2026 for India, Thailand (weekend)" in opened
    assert "Afghanistan" not in opened.split("next working day:")[1]  # works on Saturdays
    assert "is due on Nov 9, 2026" in bot.last("th-fp")
    assert "is due on Nov 7, 2026" in bot.last("af-fp")
    # the focal point's deadline list and return summary give their own date, a co-chair's
    # list the period's
    [deadlines] = await bot.say("th-fp", "/deadline JPA-7")
    assert "W1 Oct 1, 2026 – Oct 31, 2026: due Nov 9, 2026 — yours: not started" in deadlines
    [summary] = await bot.say("th-fp", "/return arrests 1, victims assisted 1")
    assert summary.startswith("Thailand · JPA-7 W1 (Oct 1, 2026 – Oct 31, 2026), due Nov 9, 2026")

    [period] = await bot.say("th-fp", "/period JPA-7")  # as /deadline: their own date
    assert "W1 Oct 1, 2026 – Oct 31, 2026 — due Nov 9, 2026" in period, period
    [period] = await bot.say("nz-cochair", "/period JPA-7")  # the period's
    assert "W1 Oct 1, 2026 – Oct 31, 2026 — due Nov 7, 2026" in period, period
    [cochair] = await bot.say("nz-cochair", "/deadline JPA-7")
    assert "W1 Oct 1, 2026 – Oct 31, 2026: due Nov 7, 2026" in cochair
    # a moved date is told to each as it falls for them: Saturday 14th is Monday 16th in Bangkok
    [moved] = await bot.say("nz-cochair", "/deadline JPA-7 W1 2026-11-14")
    assert moved.endswith(  # the co-chair learns of the dates the focal points were given
        "Due dates moved to the country's next working day:\n"
        "  W1 due Nov 14, 2026 → Nov 16, 2026 for India, Thailand (weekend)"
    ), moved
    assert "W1 (Oct 1, 2026 – Oct 31, 2026) is now due on Nov 16, 2026" in bot.last("th-fp")
    assert "W1 (Oct 1, 2026 – Oct 31, 2026) is now due on Nov 14, 2026" in bot.last("af-fp")
    await bot.stop()


async def test_a_planned_periods_deadlines_give_the_readers_own_date_before_it_opens(
    tmp_path: Path,
) -> None:
    planned = PeriodConfig(
        code="JPA-7",
        name="Seventh Joint Period of Action",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        countries=("AF", "TH", "IN"),
        windows="final",
        status="planned",
    )
    settings = shipped_settings(
        periods=(planned,), quiet_hours=SHIPPED.quiet_hours, requests=SHIPPED.requests
    )
    bot = Harness(tmp_path / "bot.db", settings)
    move_to(bot, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    await bot.start()
    [deadlines] = await bot.say("th-fp", "/deadline JPA-7")
    # Saturday Nov 7 is Monday Nov 9 in Bangkok, planned or open (it said Nov 7 until opened)
    assert "W1 Oct 1, 2026 – Oct 31, 2026: due Nov 9, 2026" in deadlines, deadlines
    assert "yours" not in deadlines  # nothing is owed before it opens
    [cochair] = await bot.say("nz-cochair", "/deadline JPA-7")
    assert "W1 Oct 1, 2026 – Oct 31, 2026: due Nov 7, 2026" in cochair, cochair
    await bot.stop()


async def test_countries_moved_to_different_days_or_for_different_reasons_get_own_lines(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    line = '/period open JPA-8 "Eighth" 2026-10-01 2026-11-30 monthly MV TH IN MY'
    moved = (await open_period(bot, line)).split("next working day:\n")[1].split("\n")
    assert moved == [
        # Sat 7 Nov: the Maldives' weekend is Friday-Saturday, so it moves one day only
        "  W1 due Nov 7, 2026 → Nov 9, 2026 for India, Malaysia, Thailand (weekend)",
        "  W1 due Nov 7, 2026 → Nov 8, 2026 for Maldives (weekend)",
        "  W2 due Dec 7, 2026 → Dec 8, 2026 for Thailand (HM King Bhumibol Adulyadej the Great's"
        " Birthday (in lieu); National Day (in lieu); National Father's Day (in lieu))",
    ]
    await bot.stop()


async def test_reminders_fall_on_working_days_and_fire_once_across_a_restart(
    tmp_path: Path,
) -> None:
    bot = await started(tmp_path, datetime(2026, 10, 15, 6, 0, tzinfo=UTC))
    await bot.say("nz-cochair", OPEN)
    await bot.press("nz-cochair", "/period confirm")
    # "1 day before" Sat 7 Nov in Kabul (+04:30) is Wed 4 Nov: Thursday and Friday are rest days
    await until(bot, datetime(2026, 11, 4, 4, 29, tzinfo=UTC))
    assert await sent(bot, "af-fp", "Reminder:%in 3 days%") == 0
    await bot.restart()
    await until(bot, datetime(2026, 11, 4, 4, 31, tzinfo=UTC))
    assert await sent(bot, "af-fp", "Reminder:%in 3 days%") == 1
    await bot.restart()
    await until(bot, datetime(2026, 11, 7, 12, 0, tzinfo=UTC))
    assert await sent(bot, "af-fp", "Reminder:%") == 3  # 7 days before, Wednesday, the day
    assert await sent(bot, "af-fp", "Reminder:%in 3 days%") == 1
    # Thailand's was moved to Mon 9 Nov: its day-before reminder is on Friday 6 Nov
    assert await sent(bot, "th-fp", "Reminder:%due on Nov 9, 2026, in 3 days%") == 1
    await bot.stop()


async def test_a_routine_request_filed_on_friday_evening_escalates_on_monday(
    tmp_path: Path,
) -> None:
    # Fri 5 Mar 2027 18:00 in Bangkok (+07): 6 working hours that day, 18 more on Monday
    bot = await started(tmp_path, datetime(2027, 3, 5, 11, 0, tzinfo=UTC))
    request = await bot.file_request("TH routine #info whereabouts of a suspect")
    assert request in bot.last("th-fp")
    await until(bot, datetime(2027, 3, 7, 12, 0, tzinfo=UTC))  # Sunday evening
    assert "escalated" not in bot.last("th-deputy")
    await bot.restart()
    await until(bot, datetime(2027, 3, 8, 10, 59, tzinfo=UTC))  # Mon 17:59 in Bangkok
    assert await sent(bot, "th-deputy", "Not acknowledged in time%") == 0
    await bot.restart()
    await until(bot, datetime(2027, 3, 8, 12, 0, tzinfo=UTC))
    assert await sent(bot, "th-deputy", "Not acknowledged in time%") == 1
    await bot.stop()


async def test_routine_messages_wait_for_the_morning_urgent_ones_go_through(
    tmp_path: Path,
) -> None:
    # Tue 9 Mar 2027 23:00 in Colombo (+05:30) is 17:30 UTC
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC))
    routine = await bot.file_request("LK #info a routine question")
    assert not any(routine in m for m in bot.inbox("lk-fp"))
    told = next(m for m in bot.inbox("au-officer") if f"Request {routine} sent" in m)
    assert told.endswith(  # the filer knows why nothing comes back tonight
        "\nIt is 23:00 in Sri Lanka, within their quiet hours: they will see it at "
        "Mar 10, 2027, 07:00 (UTC+5:30). That is Mar 10, 2027, 12:30 your time."
    ), told
    listed = await asyncio.to_thread(  # the operator sees why it has not gone
        CliRunner().invoke,
        main,
        ["outbox", "--status", "queued", "--config", str(SHIPPED_CONFIG), "-d", bot.database],
    )
    assert "held: 1" in listed.output
    assert "(held for quiet hours until 2027-03-10T01:30:00+00:00)" in listed.output
    urgent = await bot.file_request("LK urgent #victim a child at risk tonight")
    assert urgent in bot.last("lk-fp")
    told = next(m for m in bot.inbox("au-officer") if f"Request {urgent} sent" in m)
    assert "quiet hours" not in told  # urgent requests go through at night
    # Jakarta keeps Bangkok's time (+07): the filer's own time would only repeat it
    thai_night = await bot.file_request("TH #info a routine question", by="id-officer")
    told = next(m for m in bot.inbox("id-officer") if f"Request {thai_night} sent" in m)
    assert told.endswith("Mar 10, 2027, 07:00 (UTC+7)."), told
    # over half an hour on (officers who wrote at night count as at work for 30-35 minutes)
    await until(bot, datetime(2027, 3, 9, 18, 6, tzinfo=UTC))
    # 05:06 in Sydney, the officer's own night: the answer to an urgent request goes at once
    # (Sri Lanka's deputy answers: lk-fp writing now would be at work, and read the routine one)
    [sent_on] = await bot.say(
        "lk-deputy", f"/reply {urgent} A shelter in Colombo can take the child"
    )
    assert sent_on == f"Sent on {urgent}."
    assert "A shelter in Colombo" in bot.last("au-officer")
    # 01:06 in Jakarta: the answer to a routine one waits for 07:00 there
    [sent_on] = await bot.say("th-fp", f"/reply {thai_night} He left on the morning ferry")
    assert sent_on == (
        f"Sent on {thai_night}.\nIt is 01:06 in Indonesia, within their quiet hours: they will "
        "see it at Mar 10, 2027, 07:00 (UTC+7)."
    )
    await bot.restart()
    await until(bot, datetime(2027, 3, 10, 1, 29, tzinfo=UTC))  # 06:59 in Colombo
    assert not any(routine in m for m in bot.inbox("lk-fp"))
    await bot.restart()
    await until(bot, datetime(2027, 3, 10, 1, 31, tzinfo=UTC))  # 07:01
    await bot.settle()
    assert len([m for m in bot.inbox("lk-fp") if f"Request {routine}" in m]) == 1
    assert await sent(bot, "lk-fp", f"Request {routine}%") == 1
    await bot.stop()


async def test_a_broadcast_to_focal_points_in_their_quiet_hours_waits_and_is_acknowledged(
    tmp_path: Path,
) -> None:
    # 20:30 UTC: night in Bangkok and Colombo, afternoon in Washington
    bot = await started(tmp_path, datetime(2026, 11, 3, 20, 30, tzinfo=UTC))
    opened = await open_period(bot, '/period open JPA-8 "Eighth" 2026-10-01 2026-10-31 final TH US')
    assert opened.startswith("JPA-8 is open"), opened
    [answer] = await broadcast(bot, "nz-cochair", "/broadcast Please send your figures by Friday.")
    assert answer.endswith(  # the co-chair knows at once who gets it only in their morning
        "delivery and acknowledgements.\nHeld until their quiet hours end: Thailand."
    ), answer
    assert not any("figures by Friday" in m for m in bot.inbox("th-fp"))  # asleep: held
    assert any("figures by Friday" in m for m in bot.inbox("us-fp"))  # awake: delivered
    rows = await bot.rows(
        "SELECT r.person_id, o.person_id FROM broadcast_recipients r "
        "JOIN outbox o ON o.id = r.outbox_id"
    )
    assert rows and all(recipient == addressee for recipient, addressee in rows)
    status = "\n".join(await bot.say("nz-cochair", "/broadcast status"))
    assert "1 of 2 delivered" in status, status
    # 07:00 in Bangkok is 13:00 in Wellington, where the co-chair reads it
    assert (
        "Thailand · Niran Example — held for their quiet hours until Nov 4, 2026, 13:00 UTC+13, "
        "not acknowledged"
    ) in status, status
    assert "United States · Jordan Example — delivered, not acknowledged" in status
    await until(bot, datetime(2026, 11, 4, 0, 30, tzinfo=UTC))  # 07:30 in Bangkok
    assert any("figures by Friday" in m for m in bot.inbox("th-fp"))
    await bot.press("th-fp", "/broadcast ack")
    status = "\n".join(await bot.say("nz-cochair", "/broadcast status"))
    assert "2 of 2 delivered, 1 acknowledged" in status, status
    assert "Thailand · Niran Example — delivered, acknowledged" in status
    await bot.stop()


async def test_a_broadcast_acknowledged_while_its_copy_waits_is_not_delivered_again(
    tmp_path: Path,
) -> None:
    """Told by a colleague, the Thai focal point acknowledges at night; the copy held for
    their morning would have asked them again."""
    bot = await started(tmp_path, datetime(2026, 11, 3, 20, 30, tzinfo=UTC))
    await open_period(bot, '/period open JPA-8 "Eighth" 2026-10-01 2026-10-31 final TH US')
    await broadcast(bot, "nz-cochair", "/broadcast Please send your figures by Friday.")
    # (writing at night, they are at work: the notice that JPA-8 opened, held, comes first)
    *_opened, acknowledged = await bot.say("th-fp", "/broadcast ack B-1")
    assert "is acknowledged" in acknowledged, acknowledged
    await until(bot, datetime(2026, 11, 4, 0, 30, tzinfo=UTC))  # 07:30 in Bangkok
    # the broadcast reached them once: in the answer to their acknowledgement
    assert [m for m in bot.inbox("th-fp") if "figures by Friday" in m] == [acknowledged]
    status = "\n".join(await bot.say("nz-cochair", "/broadcast status"))
    assert (
        "Thailand · Niran Example — given in the answer to their acknowledgement (its copy "
        "still waited), acknowledged"
    ) in status, status
    await bot.stop()


async def test_the_countries_a_broadcast_waits_for_are_named_in_order(tmp_path: Path) -> None:
    # 20:30 UTC: night in Bangkok, Colombo and Kuala Lumpur
    bot = await started(tmp_path, datetime(2026, 11, 3, 20, 30, tzinfo=UTC))
    await open_period(bot, '/period open JPA-8 "Eighth" 2026-10-01 2026-10-31 final TH LK MY')
    [answer] = await broadcast(bot, "nz-cochair", "/broadcast Please send your figures by Friday.")
    assert answer.endswith("\nHeld until their quiet hours end: Malaysia, Sri Lanka, Thailand.")
    await bot.stop()


async def test_a_holiday_is_named_in_the_readers_language_where_the_calendar_has_it(
    tmp_path: Path,
) -> None:
    # Due Mon 7 Dec 2026: Thailand's (substitute) King Bhumibol / National Day holiday
    bot = await started(tmp_path, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    english = await open_period(bot, '/period open JPA-9 "Ninth" 2026-11-01 2026-11-30 final TH VN')
    assert "W1 due Dec 7, 2026 → Dec 8, 2026 for Thailand (HM King Bhumibol" in english, english
    await bot.say("lk-cochair", "/language th")
    thai = await open_period(
        bot, '/period open JPA-10 "Tenth" 2026-11-01 2026-11-30 final TH', "lk-cochair"
    )
    assert "(ชดเชยวันคล้ายวันเฉลิมพระชนมพรรษา" in thai, thai  # the package's Thai name
    await bot.say("lk-cochair", "/language vi")  # no Vietnamese names for Thailand: English
    vietnamese = await open_period(
        bot, '/period open JPA-11 "Eleventh" 2026-11-01 2026-11-30 final TH', "lk-cochair"
    )
    assert "(HM King Bhumibol Adulyadej the Great's Birthday (in lieu)" in vietnamese, vietnamese
    await bot.stop()


async def test_an_urgent_requests_file_goes_through_at_night_with_its_text(
    tmp_path: Path, files_key: str
) -> None:
    from tests.files_support import pdf, write

    # Tue 9 Mar 2027 23:00 in Colombo: the file came with an urgent request, it is urgent too
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC))
    scan = write(tmp_path, "passport.pdf", pdf())
    await bot.say("au-officer", "/request LK urgent #victim a child at risk", files=[scan])
    files = [d.message.attachment for d in bot.chat.sent if d.message.address == "lk-fp"]
    assert [f.filename for f in files if f is not None] == ["passport.pdf"]
    [(held,)] = await bot.rows("SELECT COUNT(*) FROM outbox WHERE not_before IS NOT NULL")
    assert held == 0
    await bot.stop()


async def test_a_due_date_moved_over_a_weekend_and_a_holiday_names_both(tmp_path: Path) -> None:
    bot = await started(tmp_path, datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    opened = await open_period(bot, '/period open JPA-8 "Eighth" 2027-01-01 2027-01-31 final NZ')
    assert (  # Sunday the 7th, then Monday the 8th in lieu of Saturday's Waitangi Day
        "W1 due Feb 7, 2027 → Feb 9, 2027 for New Zealand (weekend, Waitangi Day (observed))"
    ) in opened, opened
    [shown] = await bot.say("nz-cochair", "/period JPA-8")  # and later, as /status says it
    assert "W1 due Feb 7, 2027 → Feb 9, 2027 for New Zealand (weekend, Waitangi Day" in shown
    await bot.stop()


async def test_a_period_opened_after_its_first_due_date_says_that_return_is_overdue(
    tmp_path: Path,
) -> None:
    """Opened on 20 November, a period of October (due 7 November, 9th in Bangkok): the
    focal points learn their first return is overdue already, not that it "is due" then."""
    bot = await started(tmp_path, datetime(2026, 11, 20, 6, 0, tzinfo=UTC))
    await open_period(bot, OPEN)
    told = bot.last("th-fp")
    assert "was due on Nov 9, 2026, so it is overdue already: please send it with /return" in told
    assert "is due on" not in told
    await bot.stop()


async def test_a_revoked_person_gets_nothing_that_waited_for_their_morning(
    tmp_path: Path,
) -> None:
    """A request paged at 05:38 in Bangkok waits for 07:00; revoked meanwhile, the focal
    point received it anyway, casework and all."""
    bot = await started(tmp_path, datetime(2026, 11, 3, 22, 38, tzinfo=UTC))
    await bot.say("au-officer", "/request TH #info Vessel registry lookup for MV Example")
    assert not any("Vessel registry" in m for m in bot.inbox("th-fp"))  # held: asleep
    await bot.say("admin", "/revoke th-fp")
    await until(bot, datetime(2026, 11, 4, 1, 0, tzinfo=UTC))  # 08:00 in Bangkok
    assert not any("Vessel registry" in m for m in bot.inbox("th-fp"))
    held = await bot.rows(
        "SELECT status, error FROM outbox WHERE person_id = 'th-fp' AND text LIKE '%Vessel%'"
    )
    assert held == [("withdrawn", "revoked")], held
    await bot.stop()
