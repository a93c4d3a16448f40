"""What a new co-chair and focal point tripped over on their first day, through the real
dispatch on the console channel: typed form words, period codes, past-due openings, closing
and reopening, several open periods, a no-op deadline, the clock in the console."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.events import Inbound
from bot.periods.configured import PeriodConfig
from tests.broadcast_support import broadcast
from tests.harness import Harness, eventually  # noqa: F401 (Harness: both engines)
from tests.returns_support import EIGHT, PERIOD, counts, running

SECOND = PeriodConfig(
    code="JPA-BIG",
    name="Big Joint Period of Action",
    starts_on=date(2027, 1, 1),
    ends_on=date(2027, 2, 28),
    countries=("TH", "MY"),
    windows="final",
    status="open",
)


async def test_the_console_guided_return_takes_typed_form_words(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [first] = await bot.say("my-fp", "/return")
    assert "question 1 of 16" in first
    assert "question 2 of 16" in (await bot.say("my-fp", "zero"))[0]
    assert "question 1 of 16" in (await bot.say("my-fp", "back"))[0]
    assert "question 2 of 16" in (await bot.say("my-fp", "Skip"))[0]
    rows = await bot.rows("SELECT answers FROM return_drafts WHERE country = 'MY'")
    assert '"persons_convicted"' in rows[0][0]  # the typed "zero" was kept, "skip" kept it
    [asked] = await bot.say("my-fp", "cancel")  # a figure was given: asked before it goes
    assert asked.startswith("Discard the draft of Malaysia · JPA-9 W1"), asked
    [cancelled] = await bot.say("my-fp", "cancel")
    assert cancelled.startswith("Draft discarded; nothing was submitted")
    assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
    await bot.stop()


async def test_a_code_without_a_digit_opens_and_weekly_gets_the_right_hint(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    line = '/period open JPA-BIG "Big Operation" 2027-03-01 2027-03-31 final TH MY'
    [summary] = await bot.say("nz-cochair", line)
    assert summary.startswith("Open JPA-BIG — Big Operation?"), summary
    [weekly] = await bot.say("nz-cochair", '/period open JPA-X "X" 2027-03-01 2027-03-31 weekly')
    assert weekly.startswith("Returns can be final, monthly or quarterly, not weekly.")
    assert "quotes" not in weekly
    await bot.stop()


async def test_opening_a_period_already_past_due_warns_the_cochair_first(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2027, 3, 10, 12, 0, tzinfo=UTC), periods=())
    line = '/period open JPA-7 "Seventh" 2027-01-01 2027-03-31 monthly TH MY'
    [summary] = await bot.say("nz-cochair", line)
    careful = "Careful: W1 (due Feb 7, 2027), W2 (due Mar 7, 2027) are already past due."
    assert careful in summary, summary
    assert bot.inbox("th-fp") == []  # nobody told before the co-chair confirms
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-7 is open. I told 2 focal points.")
    await bot.stop()


async def test_close_asks_tells_focal_points_and_a_cochair_reopens(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return")  # halfway through the guided return
    await bot.say("th-fp", "3")
    [asked] = await bot.say("lk-cochair", "/period close")
    assert asked.startswith("Close JPA-9 — Ninth Joint Period of Action?")
    await bot.press("lk-cochair", "/period close JPA-9 confirm")
    assert "JPA-9 — Ninth Joint Period of Action is closed" in bot.last("my-fp")
    assert bot.last("nz-cochair") == (  # the other co-chair is told who did it
        "From Kumari Cochair-Example, co-chair: JPA-9 is closed; reminders have stopped."
    )
    [told] = await bot.say("th-fp", "4")
    assert "was closed by the co-chairs" in told and "not submitted" in told
    assert "only understand commands" in (await bot.say("th-fp", "5"))[0]  # told once
    assert "is closed, not open" in (await bot.say("lk-cochair", "/period close JPA-9"))[0]

    assert "it is for co-chairs" in (await bot.say("th-fp", "/period reopen JPA-9"))[0]
    [asked] = await bot.say("nz-cochair", "/period reopen JPA-9")  # asked first, as closing
    assert asked.startswith("Reopen JPA-9 — Ninth Joint Period of Action? Reminders resume")
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-9'") == [("closed",)]
    [reopened] = await bot.press("nz-cochair", "/period reopen JPA-9 confirm")
    assert reopened.startswith("JPA-9 is open again")
    assert "JPA-9 — Ninth Joint Period of Action is open again" in bot.last("au-fp")
    assert await bot.rows("SELECT status FROM periods WHERE code = 'JPA-9'") == [("open",)]
    armed = await bot.rows("SELECT COUNT(*) FROM timers WHERE fired_at IS NULL")
    assert armed[0][0] > 0  # reminders resume
    await bot.stop()


async def test_moving_a_deadline_to_the_same_date_changes_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    [same] = await bot.say("nz-cochair", "/deadline W1 2027-02-07")
    assert "already due on Feb 7, 2027; nothing changed" in same
    assert await counts(bot) == before
    assert bot.inbox("th-fp") == []
    await bot.stop()


async def test_every_period_command_takes_a_code_when_two_are_open(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(PERIOD, SECOND))
    [shown] = await bot.say("th-fp", "/period")
    assert "JPA-9 — Ninth Joint Period of Action (open)" in shown
    assert "JPA-BIG — Big Joint Period of Action (open)" in shown
    assert "please name one" in (await bot.say("nz-cochair", "/deadline W1 2027-02-20"))[0]
    [listed] = await bot.say("th-fp", "/deadline JPA-BIG")
    assert listed.startswith("JPA-BIG — Big Joint Period of Action") and "JPA-9" not in listed
    [moved] = await bot.say("nz-cochair", "/deadline JPA-BIG W1 2027-03-20")
    assert "is now due on Mar 20, 2027" in moved
    assert "please name one" in (await bot.say("nz-cochair", "/broadcast Hello all"))[0]
    [sent] = await broadcast(bot, "nz-cochair", "/broadcast JPA-BIG Figures by Friday please")
    assert sent.startswith("Broadcast B-1 queued for 2 focal points in 2 countries.")
    assert bot.last("my-fp").startswith("JPA-BIG · message from")
    assert "Figures by Friday please" in bot.last("my-fp")
    assert not any("Figures by Friday" in t for t in bot.inbox("au-fp"))
    assert "please name one" in (await bot.say("nz-cochair", "/period close"))[0]
    await bot.stop()


async def test_the_late_digest_lists_countries_by_name(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.advance(datetime(2027, 2, 10, 12, tzinfo=UTC) - bot.clock.now())
    digest = [t for t in bot.inbox("nz-cochair") if t.startswith("Late returns")]
    assert digest, bot.inbox("nz-cochair")
    names = [line[2:] for line in digest[0].splitlines() if line.startswith("• ")]
    assert names == sorted(names) and len(names) == len(EIGHT)
    await bot.stop()


async def test_time_alone_in_the_console_shows_the_clock() -> None:
    now = datetime(2027, 1, 20, 12, 5, tzinfo=UTC)
    out = io.StringIO()
    console = ConsoleAdapter(stdin=io.StringIO("time\n"), stdout=out, now=lambda: now)

    async def sink(_event: Inbound) -> None:
        raise AssertionError("`time` is the console's own word, not a message to the bot")

    await console.start(sink)
    await asyncio.wait_for(console.finished.wait(), timeout=10)
    await eventually(lambda: "clock reads" in out.getvalue(), within=5)
    assert "(the clock reads 2027-01-20 12:05 UTC" in out.getvalue()


async def test_those_a_request_was_escalated_to_learn_it_was_taken(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    answer = await bot.say("au-officer", "/request TH urgent Trace this phone please")
    rid = answer[0].split()[1]
    await bot.advance(timedelta(minutes=31))  # to the deputy
    await bot.advance(timedelta(minutes=31))  # then to the co-chairs
    assert "escalated to the co-chairs" in bot.last("nz-cochair")
    await bot.press("th-fp", f"/ack {rid}")
    for person in ("th-deputy", "nz-cochair", "lk-cochair"):
        assert bot.last(person).startswith(f"{rid} was acknowledged by"), person
        assert "no need to act on it" in bot.last(person)
    await bot.say("th-fp", f"/close {rid} Traced to Hat Yai")
    for person in ("th-deputy", "nz-cochair"):
        assert bot.last(person) == (  # the outcome, as typed, ends its own line
            f"{rid} was closed by Niran Example (Thailand): Traced to Hat Yai\n"
            "It was escalated to you; nothing more is needed."
        ), person
    await bot.stop()


async def test_the_console_names_roles_and_countries_as_the_bot_does(bot: Harness) -> None:
    from bot.i18n import render
    from bot.runner import console_people

    people = {key: render(label, "en") for key, label in console_people(bot.app)}
    assert people["nz-deputy"] == "Merea Deputy-Example — deputy focal point, New Zealand"
    assert people["admin"] == "Sam Admin-Example — administrator, New Zealand"
    [(_id, thai)] = [(k, v) for k, v in console_people(bot.app) if k == "th-fp"]
    assert render(thai, "th") == "Niran Example — ผู้ประสานงานหลัก, ไทย"  # as a Thai speaker reads it
    # an Arabic reader's list takes the Arabic comma, as the bot's own lists do
    assert render(thai, "ar") == "Niran Example — نقطة الاتصال، تايلاند"
