"""Moving a due date of a period that is not open, or to a year nobody meant (found by a
trial): a planned period's focal points were all told of a date for returns not yet accepted,
a closed period's were told too, and a date in 2030 for a window of 2027 was taken."""

from datetime import timedelta
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, counts, running, sent

PLANNED = PERIOD.model_copy(update={"status": "planned"})  # JPA-9, not yet open


async def test_a_planned_periods_date_moves_without_telling_its_focal_points(
    tmp_path: Path,
) -> None:
    bot: Harness = await running(tmp_path, periods=(PLANNED,))
    answer = await bot.say("lk-cochair", "/deadline JPA-9 W2 2027-03-20")
    assert "is now due on Mar 20, 2027" in answer[0], answer
    assert "JPA-9 is planned: its focal points will read the new date when it opens" in answer[0]
    assert await sent(bot, "th-fp", "%New due date%") == 0
    assert "From Kumari Cochair-Example, co-chair: New due date" in bot.last("nz-cochair")
    # once it opens, its focal points read the moved date with the others
    await bot.say("lk-cochair", "/period open JPA-9 confirm")
    assert (
        "W2 Feb 1, 2027 – Feb 28, 2027: due Mar 20, 2027"
        in (await bot.say("th-fp", "/deadline"))[0]
    )
    await bot.stop()


async def test_a_closed_periods_dates_stay_and_it_says_how_to_move_one(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    await bot.say("lk-cochair", "/period close JPA-9 confirm")
    before = await counts(bot)
    answer = await bot.say("lk-cochair", "/deadline JPA-9 W1 2027-02-20")
    assert answer == [
        "JPA-9 is closed, so its due dates stay as they are. "
        "To move one, reopen it first: /period reopen JPA-9"
    ]
    assert await counts(bot) == before
    assert await sent(bot, "th-fp", "%New due date%") == 0
    await bot.stop()


async def test_a_date_years_after_the_window_is_taken_for_a_mistyped_year(
    tmp_path: Path,
) -> None:
    bot: Harness = await running(tmp_path)
    before = await counts(bot)
    answer = await bot.say("lk-cochair", "/deadline W3 2030-01-01")
    assert answer == [
        "Jan 1, 2030 is more than a year after W3 ends (Mar 31, 2027); check the year."
    ]
    assert await counts(bot) == before
    # a year after its end is still a date a co-chair may choose
    assert "now due on Mar 31, 2028" in (await bot.say("lk-cochair", "/deadline W3 2028-03-31"))[0]
    await bot.stop()


async def test_deadline_lists_only_the_periods_of_the_readers_country(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)  # JPA-9: eight countries, not Afghanistan
    assert await bot.say("af-fp", "/deadline") == [
        "No period of action is open, so nothing is due."
    ]
    assert "JPA-9" in (await bot.say("th-fp", "/deadline"))[0]
    assert "JPA-9" in (await bot.say("lk-cochair", "/deadline"))[0]
    await bot.stop()


async def test_closing_and_reopening_take_a_typed_confirm_or_cancel(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    await bot.say("lk-cochair", "/period close JPA-9")
    closed = await bot.say("lk-cochair", "confirm")
    assert closed[0].startswith("JPA-9 is closed; reminders have stopped"), closed
    await bot.say("lk-cochair", "/period reopen JPA-9")
    assert await bot.say("lk-cochair", "cancel") == ["Nothing changed: JPA-9 stays closed."]
    # the question is over: a later confirm is no answer to it (a trial reopened the period)
    assert "open again" not in " ".join(await bot.say("lk-cochair", "confirm"))
    await bot.say("lk-cochair", "/period reopen JPA-9")
    assert (await bot.say("lk-cochair", "reopen it"))[0].startswith("JPA-9 is open again")
    # later the question is old: a bare word is not taken for it
    await bot.say("lk-cochair", "/period close JPA-9")
    await bot.advance(timedelta(hours=2))
    assert "JPA-9 is closed" not in " ".join(await bot.say("lk-cochair", "confirm"))
    await bot.stop()
