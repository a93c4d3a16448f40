"""A return for a window that has not ended in the country's own time zone is taken, and its
summary says plainly until when the window runs and that the figures cover only part of it."""

from datetime import UTC, datetime
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, counts, move_to, running

QUARTERLY = PERIOD.model_copy(update={"windows": "quarterly"})  # W1: January to March
EARLY_FEBRUARY = datetime(2027, 2, 3, 4, 0, tzinfo=UTC)
# 17:30 UTC on 31 March: already 1 April in Bangkok (UTC+7), still 31 March in Colombo
MARCH_OVER_IN_BANGKOK = datetime(2027, 3, 31, 17, 30, tzinfo=UTC)
EARLY = (
    "W1 runs until Mar 31, 2027: figures sent now cover only part of it (you can amend them later)."
)


async def quarterly(tmp_path: Path, at: datetime) -> Harness:
    bot = await running(tmp_path, periods=(QUARTERLY,))
    move_to(bot, at)
    return bot


async def test_an_early_return_is_summarised_with_a_word_and_taken(tmp_path: Path) -> None:
    bot = await quarterly(tmp_path, EARLY_FEBRUARY)
    [summary] = await bot.say("th-fp", "/return arrests 3, victims 2")
    lines = summary.split("\n")
    assert lines[0] == "Thailand · JPA-9 W1 (Jan 1, 2027 – Mar 31, 2027), due Apr 7, 2027"
    assert lines[-2:] == [EARLY, "Confirm to submit."], summary  # said next to the confirm
    [sent] = await bot.press("th-fp", "/return JPA-9 W1 confirm")
    assert "submitted" in sent, sent  # not refused
    rows = await bot.rows("SELECT window_seq, late FROM returns WHERE country = 'TH'")
    assert rows == [(1, 0)]
    await bot.stop()


async def test_the_guided_summary_says_it_too(tmp_path: Path) -> None:
    bot = await quarterly(tmp_path, EARLY_FEBRUARY)
    await bot.say("th-fp", "/return")
    reply = ""
    for _ in range(20):  # 3 for each required figure, Skip for the rest
        labels = [b.label for b in bot.chat.sent[-1].message.buttons]
        if "Confirm" in labels:
            break
        if "Skip" in labels:
            [reply] = await bot.press("th-fp", "/return JPA-9 W1 skip")
        else:
            [reply] = await bot.say("th-fp", "3")
    assert reply.split("\n")[-2:] == [EARLY, "Confirm to submit."], reply
    await bot.stop()


async def test_said_only_while_the_window_runs_in_the_countrys_own_time(tmp_path: Path) -> None:
    bot = await quarterly(tmp_path, MARCH_OVER_IN_BANGKOK)
    [thailand] = await bot.say("th-fp", "/return arrests 3")
    assert "runs until" not in thailand, thailand
    [sri_lanka] = await bot.say("lk-fp", "/return arrests 3")  # still 31 March there
    assert EARLY in sri_lanka.split("\n"), sri_lanka
    await bot.stop()


async def test_bad_figures_in_an_early_return_change_nothing(tmp_path: Path) -> None:
    bot = await quarterly(tmp_path, EARLY_FEBRUARY)
    before = await counts(bot)
    [refused] = await bot.say("th-fp", "/return arrests lots")
    assert "runs until" not in refused and "Confirm" not in refused, refused
    assert await counts(bot) == before
    await bot.stop()


async def test_said_while_figures_are_still_needed_not_when_nothing_changed(
    tmp_path: Path,
) -> None:
    bot = await quarterly(tmp_path, EARLY_FEBRUARY)
    [needed] = await bot.say("my-fp", "/return search warrants 2")  # arrests, victims: required
    assert EARLY in needed.split("\n") and "Still needed" in needed, needed
    await bot.say("th-fp", "/return arrests 3, victims 2")
    await bot.press("th-fp", "/return JPA-9 W1 confirm")
    [same] = await bot.say("th-fp", "/return JPA-9 W1 arrests 3, victims 2")
    assert "Nothing has changed" in same and "runs until" not in same, same
    await bot.stop()
