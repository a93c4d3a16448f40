"""A country in two open periods: a /return that names no period asks which one is meant
(a button per period, carrying the same command), unless a draft being written or the one
return awaiting approval settles it; figures never go into a period nobody chose. A country
in one period sees no change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, counts, running

# JPA-8 starts in February for Indonesia and Thailand, with national sign-off; Indonesia's
# JPA-9 W1 (January) was due on 7 February and is overdue on the 10th.
JPA8 = PERIOD.model_copy(
    update={
        "code": "JPA-8",
        "name": "Eighth Joint Period of Action",
        "starts_on": date(2027, 2, 1),
        "ends_on": date(2027, 3, 31),
        "countries": ("ID", "TH"),
        "signoff": True,
    }
)
FEBRUARY = datetime(2027, 2, 10, 6, 0, tzinfo=UTC)
ASKS = "Indonesia takes part in 2 open periods; which one is this for?"


async def two_periods(tmp_path: Path) -> Harness:
    return await running(tmp_path, at=FEBRUARY, periods=(PERIOD, JPA8))


def buttons(bot: Harness) -> list[tuple[str, str]]:
    return [(str(b.label), b.command) for b in bot.chat.sent[-1].message.buttons]


async def test_a_bare_return_asks_which_period_and_files_nothing(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    before = await counts(bot)
    [asked] = await bot.say("id-fp", "/return")
    assert asked.startswith(ASKS), asked
    assert "• JPA-8 — Eighth Joint Period of Action" in asked
    assert "• JPA-9 — Ninth Joint Period of Action" in asked
    assert buttons(bot) == [("JPA-9", "/return JPA-9"), ("JPA-8", "/return JPA-8")]
    assert await counts(bot) == before
    [question] = await bot.press("id-fp", "/return JPA-9")
    assert question.startswith("Indonesia · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) — question 1"), (
        question
    )
    await bot.stop()


async def test_figures_in_one_line_are_kept_only_once_a_period_is_chosen(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    before = await counts(bot)
    [asked] = await bot.say("id-fp", "/return arrests 3, victims 1")
    assert asked.startswith(ASKS), asked
    assert buttons(bot) == [
        ("JPA-9", "/return JPA-9 arrests 3, victims 1"),
        ("JPA-8", "/return JPA-8 arrests 3, victims 1"),
    ]
    [windowed] = await bot.say("id-fp", "/return W1 arrests 3")
    assert windowed.startswith(ASKS) and ("JPA-8", "/return JPA-8 W1 arrests 3") in buttons(bot)
    assert await counts(bot) == before
    [summary] = await bot.press("id-fp", "/return JPA-9 arrests 3, victims 1")
    assert summary.startswith("Indonesia · JPA-9 W1"), summary
    # the draft settles a bare confirm: it is the only one there is
    [done] = await bot.say("id-fp", "/return confirm")
    assert "The return of Indonesia for JPA-9 · W1" in done and "is submitted" in done, done
    assert await bot.rows("SELECT period, window_seq FROM returns") == [("JPA-9", 1)]
    await bot.stop()


async def test_show_history_and_form_ask_too(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    for action in ("show", "history", "form"):
        [asked] = await bot.say("id-fp", f"/return {action}")
        assert asked.startswith(ASKS), (action, asked)
        assert buttons(bot)[0] == ("JPA-9", f"/return JPA-9 {action}")
    [cochair] = await bot.say("nz-cochair", "/return show ID")
    assert cochair.startswith(ASKS) and ("JPA-8", "/return JPA-8 show ID") in buttons(bot)
    [thailand] = await bot.say("nz-cochair", "/return show MY")  # Malaysia: JPA-9 only
    assert thailand.startswith("Malaysia · JPA-9 W1"), thailand
    await bot.stop()


async def test_the_guided_form_being_written_settles_a_bare_return(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    await bot.say("id-fp", "/return JPA-8")
    await bot.say("id-fp", "2")  # persons convicted
    resumed = await bot.say("id-fp", "/return")
    assert resumed[0] == "Resuming the draft (1 figure so far).", resumed
    assert resumed[1].startswith("Indonesia · JPA-8 W1"), resumed
    [typed] = await bot.say("id-fp", "/return arrests 3")  # figures: still only by a code
    assert typed.startswith(ASKS), typed
    await bot.stop()


async def test_drafts_in_both_periods_leave_a_bare_confirm_to_ask(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    await bot.say("id-fp", "/return JPA-9 arrests 3, victims 1")
    await bot.say("id-fp", "/return JPA-8 arrests 1, victims 1")
    bot.clock.advance(timedelta(hours=13))  # no summary of today: nothing says which is meant
    [asked] = await bot.say("id-fp", "/return confirm")
    assert asked.startswith(ASKS) and ("JPA-8", "/return JPA-8 confirm") in buttons(bot)
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    await bot.stop()


async def test_a_bare_confirm_right_after_a_summary_confirms_that_one(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    await bot.say("id-fp", "/return JPA-9 arrests 3, victims 1")
    await bot.say("id-fp", "/return JPA-8 arrests 1, victims 1")
    [done] = await bot.say("id-fp", "/return confirm")
    assert "JPA-8" in done and "is submitted" in done, done
    assert await bot.rows("SELECT period FROM returns") == [("JPA-8",)]
    await bot.stop()


async def test_the_one_return_awaiting_approval_settles_approve(tmp_path: Path) -> None:
    signoff = PERIOD.model_copy(update={"signoff": True})
    bot = await running(tmp_path, at=FEBRUARY, periods=(signoff, JPA8))
    [nothing] = await bot.say("id-fp", "/return approve")
    assert nothing == "No return of Indonesia awaits your sign-off.", nothing
    await bot.say("id-deputy", "/return JPA-9 arrests 1, victims 1")
    await bot.say("id-deputy", "/return confirm")
    [approved] = await bot.say("id-fp", "/return approve")
    assert "Indonesia · JPA-9 W1" in approved and "is signed off by" in approved, approved
    await bot.say("id-deputy", "/return JPA-8 arrests 1, victims 1")
    await bot.say("id-deputy", "/return confirm")
    await bot.say("id-deputy", "/return JPA-9 arrests 2, victims 1")  # amended: awaits again
    await bot.say("id-deputy", "/return confirm")
    [asked] = await bot.say("id-fp", "/return approve")
    assert asked.startswith(ASKS) and ("JPA-9", "/return JPA-9 approve") in buttons(bot)
    await bot.stop()


async def test_a_country_in_one_period_is_not_asked(tmp_path: Path) -> None:
    bot = await two_periods(tmp_path)
    [summary] = await bot.say("my-fp", "/return arrests 2, victims 1")
    assert summary.startswith("Malaysia · JPA-9 W1"), summary
    [shown] = await bot.say("my-fp", "/return show")
    assert shown.startswith("Malaysia · JPA-9 W1"), shown
    await bot.stop()
