"""``/return confirm`` and ``/return cancel`` typed without a window act on the draft the
person was shown last: after W2's summary, a confirm submits W2 (not an older W1 draft) and a
cancel discards W2's; after a colleague's change was shown again, a typed confirm submits it
instead of asking again and again. With no draft shown lately, the windows owed decide."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import running

MID_MARCH = datetime(2027, 3, 10, 3, 0, tzinfo=UTC)  # W1 and W2 ended, W3 running


async def submitted(bot: Harness) -> list[int]:
    rows = await bot.rows("SELECT window_seq FROM returns WHERE country = 'TH' ORDER BY 1")
    return [seq for (seq,) in rows]


async def drafts(bot: Harness) -> list[int]:
    rows = await bot.rows("SELECT window_seq FROM return_drafts WHERE country = 'TH' ORDER BY 1")
    return [seq for (seq,) in rows]


async def two_drafts(tmp_path: Path) -> Harness:
    bot = await running(tmp_path, at=MID_MARCH)
    [w1] = await bot.say("th-fp", "/return arrests 2, victims 2")
    assert "W1" in w1 and "Confirm to submit" in w1, w1
    [w2] = await bot.say("th-fp", "/return W2 arrests 7, victims 5")
    assert "W2" in w2 and "Confirm to submit" in w2, w2
    return bot


async def to_the_summary(bot: Harness) -> None:
    """Thailand's focal point answers W1's sixteen questions step by step (the four required
    with 5, the others skipped), up to the summary."""
    await bot.say("th-fp", "/return")
    for answer in ["5", "5", "5", *["skip"] * 2, "5", *["skip"] * 10]:
        await bot.say("th-fp", answer)


async def test_a_typed_confirm_submits_the_window_just_shown(tmp_path: Path) -> None:
    bot = await two_drafts(tmp_path)
    [told] = await bot.say("th-fp", "/return confirm")
    assert "W2" in told and "is submitted" in told, told
    assert await submitted(bot) == [2] and await drafts(bot) == [1]
    await bot.stop()


async def test_a_typed_cancel_discards_the_window_just_shown(tmp_path: Path) -> None:
    bot = await two_drafts(tmp_path)
    [told] = await bot.say("th-fp", "/return cancel")
    assert "Draft discarded" in told, told
    assert await submitted(bot) == [] and await drafts(bot) == [1]
    await bot.stop()


async def test_a_typed_cancel_in_a_guided_return_discards_that_one(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=MID_MARCH)
    await bot.say("th-fp", "/return arrests 2, victims 2")  # W1's draft
    await bot.say("th-fp", "/return W2")  # step by step
    await bot.say("th-fp", "5")
    [told] = await bot.say("th-fp", "/return cancel")
    assert "Draft discarded" in told, told
    assert await drafts(bot) == [1]
    await bot.stop()


async def test_a_bare_cancel_among_the_questions_asks_before_the_figures_go(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)  # mid-January: W1
    await bot.say("th-fp", "/return")
    await bot.say("th-fp", "5")
    await bot.say("th-fp", "3")
    [asked] = await bot.say("th-fp", "cancel")
    assert asked == (
        "Discard the draft of Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027)? The 2 figures "
        "given so far would be lost (your country's focal points and deputies share it). Type "
        "cancel again to discard it, or go on with the question."
    ), asked
    assert await drafts(bot) == [1]  # nothing thrown away on one word
    [question] = await bot.say("th-fp", "4")  # an answer goes on where it was
    assert "question 4 of 16" in question, question
    await bot.say("th-fp", "cancel")
    assert await drafts(bot) == [1]
    [discarded] = await bot.say("th-deputy", "cancel")  # not asked of them: nothing to press
    assert "Draft discarded" not in discarded, discarded
    [discarded] = await bot.say("th-fp", "cancel")  # right after the question: yes
    assert discarded == "Draft discarded; nothing was submitted.", discarded
    assert await drafts(bot) == []
    await bot.stop()


async def test_yes_at_the_end_of_a_guided_return_submits_it(tmp_path: Path) -> None:
    bot = await running(tmp_path)  # mid-January: W1
    await to_the_summary(bot)
    assert bot.last("th-fp").endswith("Confirm to submit."), bot.last("th-fp")
    [told] = await bot.say("th-fp", "yes")  # as the README says: its buttons' words, or yes
    assert "is submitted" in told, told
    assert await submitted(bot) == [1] and await drafts(bot) == []
    await bot.stop()


async def test_yes_after_a_refused_change_does_not_submit_the_summary_before_it(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 7, victims assisted 3")
    [refused] = await bot.say("th-fp", "/return arrests 5, victims assisted -1")
    assert refused.startswith("Nothing was saved"), refused
    [told] = await bot.say("th-fp", "yes")  # the summary of 7 arrests is not what was asked last
    assert told == (
        "Nothing was submitted: other messages came after the summary, so I did not take that "
        "for its answer. /return JPA-9 W1 confirm submits the draft as it stands."
    ), told
    [told] = await bot.say("th-fp", "cancel")
    assert told.startswith("Nothing was discarded"), told
    assert await submitted(bot) == [] and await drafts(bot) == [1]
    await bot.stop()


async def test_a_bare_confirm_after_a_guided_summary_and_a_refusal_says_what_confirms(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    await to_the_summary(bot)
    await bot.say("th-fp", "/return arrests -2")  # refused: the summary is not the last
    [told] = await bot.say("th-fp", "confirm")
    assert told == (
        "Your return is ready: /return JPA-9 W1 confirm submits it, "
        "/return JPA-9 W1 back changes an answer."
    ), told
    assert await submitted(bot) == []
    await bot.stop()


async def test_a_colleagues_change_once_shown_is_confirmed_by_a_typed_confirm(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)  # mid-January: W1
    await bot.say("th-fp", "/return arrests 3, victims 2")
    await bot.say("th-deputy", "/return arrests 4")
    again = await bot.say("th-fp", "/return confirm")
    assert again[0].startswith("Not submitted"), again
    assert "Arrests 3 → 4" in "\n".join(again), again
    [told] = await bot.say("th-fp", "/return confirm")
    assert "is submitted" in told, told
    rows = await bot.rows("SELECT amount FROM return_values WHERE metric = 'arrests'")
    assert rows == [(4,)], rows
    await bot.stop()


async def test_with_no_draft_shown_lately_the_oldest_window_owed_is_confirmed(
    tmp_path: Path,
) -> None:
    bot = await two_drafts(tmp_path)
    await bot.say("th-fp", "/return confirm")  # W2, just shown
    [told] = await bot.say("th-fp", "/return confirm")  # W2's summary is gone: W1's draft
    assert "W1" in told and "is submitted" in told, told
    assert await submitted(bot) == [1, 2] and await drafts(bot) == []
    await bot.stop()
