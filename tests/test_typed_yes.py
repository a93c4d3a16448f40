""" "yes" typed after a question answers it, as Confirm does: after a return's summary it was
"I only understand commands" (a leftover of earlier notes; on SMS or email, where buttons are
words, people answer a question with yes). In the reader's language too; elsewhere a bare
"yes" changes nothing."""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import counts, running


async def test_yes_after_a_summary_submits_the_return_shown(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 3, victims assisted 2, search warrants 1")
    [submitted] = await bot.say("th-fp", "Yes.")
    assert "JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is submitted." in submitted, submitted
    await bot.say("my-fp", "/language th")
    await bot.say("my-fp", "/return arrests 3, victims assisted 2, search warrants 1")
    assert await bot.rows("SELECT COUNT(*) FROM returns WHERE country = 'MY'") == [(0,)]
    await bot.say("my-fp", "ใช่")
    assert await bot.rows("SELECT COUNT(*) FROM returns WHERE country = 'MY'") == [(1,)]
    await bot.stop()


async def test_a_bare_yes_with_no_question_changes_nothing(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    before = await counts(bot)
    [answer] = await bot.say("th-fp", "yes")
    assert answer.startswith("I only understand commands"), answer
    assert await counts(bot) == before
    await bot.stop()


async def test_yes_after_the_question_to_close_a_period_closes_it(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    await bot.say("lk-cochair", "/period close JPA-9")
    [closed] = await bot.say("lk-cochair", "yes")
    assert closed.startswith("JPA-9 is closed; reminders have stopped"), closed
    await bot.stop()
