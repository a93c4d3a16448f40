"""Periods and reminders end to end: open by chat (one line and guided) or from bot.toml,
close, deadlines; reminders at 09:00 local in each country, stopped by submission, digests
for the co-chairs, and a restart that neither loses nor repeats a reminder."""

import gettext
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.i18n.catalogs import install_override
from tests.harness import Harness, shipped_settings
from tests.returns_support import (
    MID_JANUARY,
    PERIOD,
    counts,
    move_to,
    restart,
    running,
    sent,
)

OPEN_LINE = (
    '/period open JPA-5 "Fifth Joint Period of Action" 2027-03-01 2027-08-31 monthly AU MY TH'
)


PLANNED_A, PLANNED_B = (
    PERIOD.model_copy(update={"code": code, "name": name, "status": "planned"})
    for code, name in (("JPA-A", "First planned"), ("JPA-B", "Second planned"))
)


def buttons(bot: Harness) -> list[tuple[str, str]]:
    return [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]


async def reminders_to(bot: Harness, person: str) -> int:
    return await sent(bot, person, "Reminder:%") + await sent(bot, person, "Overdue:%")


async def until(bot: Harness, when: datetime) -> None:
    """Move the clock to ``when`` in one-hour steps, firing timers on the way."""
    while bot.clock.now() < when - timedelta(hours=1):
        await bot.advance(timedelta(hours=1))
    await bot.advance(when - bot.clock.now())


async def test_open_in_one_line_then_confirm(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    [summary] = await bot.say("nz-cochair", OPEN_LINE)
    assert summary.startswith("Open JPA-5 — Fifth Joint Period of Action?")
    assert "monthly returns (6 windows), first due Apr 7, 2027" in summary
    assert "Countries (3): Australia, Malaysia, Thailand" in summary
    assert buttons(bot) == [("Open it", "/period confirm"), ("Cancel", "/period cancel")]
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-5 is open. I told 3 focal points.")
    assert "W6 Aug 1, 2027 – Aug 31, 2027 — due Sep 7, 2027" in opened
    assert "JPA-5 — Fifth Joint Period of Action is open" in bot.last("th-fp")
    timers = await bot.rows("SELECT COUNT(*) FROM timers WHERE kind = 'return.remind'")
    assert timers == [(3 * 6 * 4,)]  # 3 countries × 6 windows × (7 d, 1 d, on the day, overdue)
    [shown] = await bot.say("th-fp", "/period")
    assert shown.startswith("JPA-5 — Fifth Joint Period of Action (open)")
    await bot.stop()


async def test_guided_opening_asks_for_what_is_missing(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    assert "What is the period's code?" in (await bot.say("lk-cochair", "/period open"))[0]
    assert "What is its name?" in (await bot.say("lk-cochair", "JPA-6"))[0]
    assert "Its first day?" in (await bot.say("lk-cochair", "Sixth Joint Period of Action"))[0]
    [error] = await bot.say("lk-cochair", "next March")
    assert "not a date" in error, error
    [far] = await bot.say("lk-cochair", "9999-03-01")  # a date, out of range: says so
    assert "9999-03-01 is outside the years I take" in far, far
    await bot.say("lk-cochair", "2027-03-01")
    [cadence] = await bot.say("lk-cochair", "2027-03-31")
    assert "final return, or monthly or quarterly" in cadence
    assert ("Quarterly", "/period open quarterly") in buttons(bot)
    [countries] = await bot.press("lk-cochair", "/period open final")
    assert "Which countries take part?" in countries
    [summary] = await bot.say("lk-cochair", "all")
    assert "Open JPA-6 — Sixth Joint Period of Action?" in summary
    assert "final returns (1 window), first due Apr 7, 2027" in summary
    assert "Countries (16)" in summary
    await bot.press("lk-cochair", "/period confirm")
    assert await bot.rows("SELECT code, status, source FROM periods") == [("JPA-6", "open", "chat")]
    await bot.stop()


async def test_the_countries_question_takes_names_as_well_as_codes(tmp_path: Path) -> None:
    """Answered by name, the countries question was refused with a message about period
    codes, quotes and dates (found by a trial)."""
    bot = await running(tmp_path, periods=())
    await bot.say("lk-cochair", '/period open JPA-6 "Sixth" 2027-03-01 2027-03-31 final')
    [unknown] = await bot.say("lk-cochair", "Thailand, Narnia")
    assert unknown == "I don't know the country Narnia; /countries lists the codes.", unknown
    [summary] = await bot.say("lk-cochair", "Thailand, Malaysia, Sri Lanka,NZ")
    assert "Countries (4): Malaysia, New Zealand, Sri Lanka, Thailand" in summary, summary
    await bot.stop()


async def test_only_cochairs_open_or_close_and_bad_input_saves_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    assert "it is for co-chairs" in (await bot.say("th-fp", OPEN_LINE))[0]
    assert "it is for co-chairs" in (await bot.say("th-fp", "/period close"))[0]
    for line in (
        "/period open JPA-9",
        "/period open JPA-7 2027-13-01",
        "/period open JPA-7 ZZ",
        "/period open JPA-7 2027-03-01 2027-02-01 final TH",
        "/period confirm",
        "/period reopen",
    ):
        [answer] = await bot.say("nz-cochair", line)
        assert "is open" not in answer, line
    assert await counts(bot) == before
    await bot.stop()


async def test_planned_period_from_bot_toml_is_opened_by_a_cochair(bot: Harness) -> None:
    [none] = await bot.say("th-fp", "/period")
    assert "No period of action is open." in none and "/period open JPA-4" in none
    [due] = await bot.say("my-fp", "/deadline")  # planned: dates shown, nothing owed yet
    assert "JPA-4 — Fourth Joint Period of Action (planned)" in due and "yours" not in due, due
    assert await bot.rows("SELECT COUNT(*) FROM timers") == [(0,)]  # planned: nothing armed
    [careful] = await bot.say("nz-cochair", "/period open JPA-4")
    assert careful.startswith("Open JPA-4 — Fourth Joint Period of Action?\nCareful: W1 (due ")
    assert "already past due" in careful and bot.inbox("th-fp") == [bot.last("th-fp")]
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-4'") == [("planned",)]
    assert buttons(bot)[0] == ("Open it", "/period open JPA-4 confirm")
    # typed as /help shows it, "/period confirm" opens the one planned period it was asked about
    [opened] = await bot.say("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-4 is open. I told 9 focal points.")
    assert opened.endswith(
        "W1 (due Nov 7, 2026) is already past due. Focal points are told at "
        "once, and those returns are overdue from the start."
    ), opened
    overdue = await bot.rows(
        "SELECT COUNT(*), MIN(due_at) FROM timers WHERE kind = 'return.remind' "
        "AND subject LIKE 'JPA-4:1:%:overdue:%' AND fired_at IS NULL"
    )
    assert overdue[0][0] == 9, overdue  # W1 was due long ago: one overdue reminder per country
    assert overdue[0][1] > bot.clock.now().isoformat()[:10]
    [status] = await bot.rows("SELECT status, opened_by FROM periods WHERE code = 'JPA-4'")
    assert status == ("open", "nz-cochair")


async def test_a_second_confirm_does_not_open_a_planned_period_nobody_asked_about(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, periods=(PLANNED_A,))
    await bot.say("nz-cochair", OPEN_LINE)
    [opened] = await bot.say("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-5 is open.")
    [again] = await bot.say("nz-cochair", "/period confirm")  # typed twice: nothing more opens
    assert again == "To open JPA-A — First planned, send /period open JPA-A confirm."
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-A'") == [("planned",)]
    await bot.stop()


async def test_the_question_about_a_planned_period_lapses_and_its_cancel_keeps_a_dialogue(
    bot: Harness,
) -> None:
    await bot.say("nz-cochair", "/period open JPA-4")  # asked: W1 is past due
    await bot.advance(timedelta(hours=2))
    [later] = await bot.say("nz-cochair", "/period confirm")  # long after: not an answer
    assert (
        later == "To open JPA-4 — Fourth Joint Period of Action, send /period open JPA-4 confirm."
    )
    await bot.say("nz-cochair", "/period open JPA-7")  # a dialogue under way, then the question
    await bot.say("nz-cochair", "/period open JPA-4")
    assert buttons(bot)[1] == ("Cancel", "/period open JPA-4 cancel")
    [cancelled] = await bot.press("nz-cochair", "/period open JPA-4 cancel")
    assert cancelled == "Cancelled; no period was opened."
    [asked] = await bot.say("nz-cochair", "Seventh Joint Period of Action")  # JPA-7's name
    assert "Its first day?" in asked
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-4'") == [("planned",)]


async def test_period_confirm_with_several_planned_names_each_ones_command(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, periods=(PLANNED_A, PLANNED_B))
    [hint] = await bot.say("nz-cochair", "/period confirm")
    assert hint == (
        "To open JPA-A — First planned, send /period open JPA-A confirm.\n"
        "To open JPA-B — Second planned, send /period open JPA-B confirm."
    )
    assert await bot.rows("SELECT DISTINCT status FROM periods WHERE code LIKE 'JPA-_'") == [
        ("planned",)
    ]
    await bot.stop()


async def test_close_stops_the_reminders(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [asked] = await bot.say("lk-cochair", "/period close")
    assert asked.startswith("Close JPA-9 — ") and "24 returns were never started" in asked
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-9'") == [("open",)]
    assert bot.inbox("th-fp") == []
    [closed] = await bot.press("lk-cochair", "/period close JPA-9 confirm")
    assert closed.startswith("JPA-9 is closed; reminders have stopped and the focal points")
    assert "24 returns were never started." in closed and "(s)" not in closed
    assert "is closed; its returns are no longer collected" in bot.last("th-fp")
    await until(bot, datetime(2027, 2, 12, tzinfo=UTC))
    assert await reminders_to(bot, "th-fp") == 0
    assert "No period of action is open" in (await bot.say("th-fp", "/return"))[0]
    await bot.stop()


async def test_reminders_at_nine_local_time_in_each_country(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await until(bot, datetime(2027, 1, 30, 19, 59, tzinfo=UTC))
    assert await reminders_to(bot, "nz-fp") == 0
    await until(bot, datetime(2027, 1, 30, 20, 1, tzinfo=UTC))  # 09:01 on the 31st in Auckland
    assert await reminders_to(bot, "nz-fp") == 1
    assert await reminders_to(bot, "au-fp") == 0  # 07:01 in Sydney
    await until(bot, datetime(2027, 1, 31, 2, 1, tzinfo=UTC))  # 09:01 in Bangkok
    assert await reminders_to(bot, "au-fp") == 1 and await reminders_to(bot, "th-fp") == 1
    assert await reminders_to(bot, "lk-fp") == 0  # 07:31 in Colombo
    text = bot.last("th-fp")
    assert text.startswith(
        "Reminder: the return of Thailand for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is "
        "due on Feb 7, 2027, in 7 days."
    )
    assert bot.chat.sent[-1].message.buttons[0].command == "/return JPA-9 W1"
    assert await reminders_to(bot, "th-deputy") == 0  # the focal point is reminded
    await bot.stop()


async def test_submitting_stops_the_reminders_and_overdue_is_bounded(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 1, victims 0")
    await bot.say("th-fp", "/return confirm")
    await bot.say("my-fp", "/return arrests 2")  # a draft, never confirmed
    for _ in range(30):
        await bot.advance(timedelta(days=1))
    assert await reminders_to(bot, "th-fp") == 0
    # 7 days and 1 day before, on the day, then every 2 days while overdue, five times
    assert await sent(bot, "my-fp", "Reminder:%") == 3
    assert await sent(bot, "my-fp", "Overdue:%") == 5
    assert "Your draft has 1 figure so far" in bot.last("my-fp")
    digest = [t for t in bot.inbox("nz-cochair") if t.startswith("Late returns")]
    assert digest and "• Malaysia (draft started)" in digest[0] and "Thailand" not in digest[0]
    assert "1 of 8 countries are in." in digest[0]
    await bot.stop()


async def test_a_reminder_due_while_down_is_sent_once_after_restart(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await until(bot, datetime(2027, 1, 30, 19, 0, tzinfo=UTC))
    timers = await bot.rows("SELECT COUNT(*) FROM timers")
    await bot.stop()
    move_to(bot, datetime(2027, 1, 30, 21, 0, tzinfo=UTC))  # NZ's reminder fell due meanwhile
    await bot.start()
    await restart(bot)  # and a second restart for good measure
    assert await bot.rows("SELECT COUNT(*) FROM timers") == timers  # arming again is a no-op
    assert await reminders_to(bot, "nz-fp") == 0
    await bot.advance(timedelta(0))
    assert await reminders_to(bot, "nz-fp") == 1  # not lost
    await restart(bot)
    await bot.advance(timedelta(minutes=5))
    assert await reminders_to(bot, "nz-fp") == 1  # not repeated
    sent_rows = await bot.rows("SELECT target, kind, n FROM return_reminders")
    assert sent_rows == [("NZ", "before", 7)]
    await bot.stop()


async def test_deadlines_listed_and_moved(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [listing] = await bot.say("th-fp", "/deadline")
    assert "W1 Jan 1, 2027 – Jan 31, 2027: due Feb 7, 2027 — yours: not started" in listing
    assert "W3 Mar 1, 2027 – Mar 31, 2027: due Apr 7, 2027" in listing
    assert "it is for co-chairs" in (await bot.say("th-fp", "/deadline W1 2027-02-20"))[0]
    assert "can't be before" in (await bot.say("nz-cochair", "/deadline W1 2027-01-20"))[0]
    [far] = await bot.say("nz-cochair", "/deadline W1 9999-12-31")  # no date after it to compute
    assert "9999-12-31 is outside the years I take (1990 to 2100)" in far
    [early] = await bot.say("nz-cochair", '/period open JPA-6 "x" 0001-01-01 0001-02-01 final TH')
    assert "0001-01-01 is outside the years I take" in early
    [moved] = await bot.say("nz-cochair", "/deadline W1 2027-02-20")
    assert "JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is now due on Feb 20, 2027" in moved
    assert "now due on Feb 20, 2027" in bot.last("th-fp")
    assert bot.last("lk-cochair").startswith(  # the other co-chair hears it from the bot
        "From Aroha Cochair-Example, co-chair: New due date: JPA-9 · W1"
    )
    assert not any(t.startswith("From ") for t in bot.inbox("nz-cochair"))  # not the actor
    await until(bot, datetime(2027, 2, 8, 3, tzinfo=UTC))
    # the old date's reminders (31 Jan, 6 and 7 Feb) stay silent; the new schedule runs
    assert await reminders_to(bot, "th-fp") == 0
    await until(bot, datetime(2027, 2, 13, 3, tzinfo=UTC))
    assert "due on Feb 20, 2027, in 7 days" in bot.last("th-fp")
    await bot.stop()


async def test_period_from_bot_toml_opens_at_start_and_arms_once(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=MID_JANUARY)
    [shown] = await bot.say("my-fp", "/period")
    assert shown.startswith("JPA-9 — Ninth Joint Period of Action (open)")
    assert "Countries (8): Australia, Indonesia, Malaysia, Maldives, New Zealand" in shown
    assert await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'period.loaded'") == [(0,)]
    await bot.stop()


class Marking(gettext.NullTranslations):
    """A catalog that marks every string it translates: ⟦…⟧."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}\b")
"""Three English-looking words in a row: prose that skipped the catalog."""


def unmarked(text: str) -> str | None:
    """English prose left once everything the catalog marked is removed."""
    while MARKED.search(text):  # nested messages: innermost first
        text = MARKED.sub(" ", text)
    found = ENGLISH.search(text)
    return found.group(0) if found else None


@pytest.fixture
def marked_vietnamese() -> Iterator[None]:
    install_override("vi", Marking())
    yield
    install_override("vi", None)


async def test_periods_speak_the_readers_language(tmp_path: Path, marked_vietnamese: None) -> None:
    people = tuple(p.model_copy(update={"language": "vi"}) for p in shipped_settings().people)
    bot = await running(tmp_path, people=people)
    lines = [
        ("nz-cochair", "/period open"),
        ("nz-cochair", "/period open JPA-7 weekly"),
        ("nz-cochair", "/period open JPA-7 ZZ"),
        ("nz-cochair", "/period cancel"),
        ("nz-cochair", OPEN_LINE),
        ("nz-cochair", "/period confirm"),
        ("th-fp", "/period JPA-5"),
        ("th-fp", "/deadline"),
        ("nz-cochair", "/deadline JPA-5 W9 2027-04-20"),
        ("nz-cochair", "/deadline JPA-5 W1 2027-04-20"),
        ("nz-cochair", "/period close"),
        ("nz-cochair", "/period close JPA-5"),
        ("nz-cochair", "/period close JPA-5 confirm"),
        ("nz-cochair", "/period reopen JPA-5"),
        ("nz-cochair", "/period reopen JPA-5 confirm"),
    ]
    answers = [(line, text) for who, line in lines for text in await bot.say(who, line)]
    told = [("to th-fp", text) for text in bot.inbox("th-fp")]
    # its two answers, then the notices: opened, moved, closed, reopened
    assert len(answers) == len(lines) and len(told) == 6
    for line, text in answers + told:
        assert unmarked(text) is None, (line, text)
    [summary] = [text for line, text in answers if line == OPEN_LINE]
    assert "7 thg 4, 2027" in summary  # Apr 7, 2027 as Vietnamese readers write it
    labels = [b.label for d in bot.chat.sent for b in d.message.buttons]
    assert "⟦Open it⟧" in labels and "⟦Close it⟧" in labels
    await bot.stop()


async def test_the_late_digest_counts_in_only_the_returns_that_are_in(tmp_path: Path) -> None:
    # When the digest reaches New Zealand's morning, Australia is late while the United States'
    # due day is still running there: owed, not late, and not "in" either.
    three = PERIOD.model_copy(update={"countries": ("TH", "AU", "US")})
    bot = await running(tmp_path, periods=(three,))
    await bot.say("th-fp", "/return arrests 1, victims 0")
    await bot.say("th-fp", "/return confirm")
    await until(bot, datetime(2027, 2, 7, 23, tzinfo=UTC))  # Feb 8, noon in Wellington
    digests = [t for t in bot.inbox("nz-cochair") if t.startswith("Late returns")]
    assert digests, bot.inbox("nz-cochair")
    assert "• Australia" in digests[0] and "United States" not in digests[0], digests[0]
    assert "1 of 3 countries are in." in digests[0], digests[0]
    await bot.stop()


async def test_a_due_date_is_not_moved_into_the_past(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2027, 2, 20, 3, tzinfo=UTC))  # W1 ended Jan 31
    [past] = await bot.say("nz-cochair", "/deadline W1 2027-02-10")
    assert past.startswith("Feb 10, 2027 is already past; a new due date is today or later."), past
    assert await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'period.deadline'") == [(0,)]
    await bot.stop()


async def test_opening_a_period_over_another_for_the_same_countries_says_so(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)  # JPA-9 runs January to March for eight countries
    await bot.say("nz-cochair", OPEN_LINE)  # JPA-5 from March, for AU MY TH
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert (
        "Also open over these days for some of the same countries: JPA-9 (Jan 1, 2027 – Mar 31, "
        "2027)"
    ) in opened, opened
    assert "(/status JPA-5, /deadline JPA-5)" in opened
    await bot.stop()


async def test_a_due_date_already_past_in_one_country_is_refused(tmp_path: Path) -> None:
    # 18:30 on Feb 9 in Colombo is 02:00 on Feb 10 in Wellington: Feb 9 is past there
    bot = await running(tmp_path, at=datetime(2027, 2, 9, 13, tzinfo=UTC))
    [past] = await bot.say("lk-cochair", "/deadline W1 2027-02-09")
    assert past.startswith("Feb 9, 2027 is already past; a new due date is today or later."), past
    await bot.stop()


async def test_a_due_date_kept_on_a_day_off_is_said_without_the_settings_name(
    tmp_path: Path,
) -> None:
    """Co-chairs and focal points were shown '([returns] non_working_due = "warn")', the
    administrator's setting (found by a trial)."""
    bot = await running(tmp_path)  # due dates kept where the calendar puts them
    [board] = await bot.say("nz-cochair", "/status W1")
    assert "\nCareful, kept as they are:\n  W1 due Feb 7, 2027 is not a working day in" in board
    assert "non_working_due" not in board and "[returns]" not in board, board
    await bot.stop()
