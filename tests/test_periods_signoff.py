"""National sign-off can be found by a co-chair who does not already know the word: /help
period shows it, and the summary before a period opens says whether it is on and how to turn
it on (or off again), which a plain ``signoff`` at that step now does."""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import counts, running

ONE_LINE = '/period open JPA-7 "Seventh" 2027-02-01 2027-02-28 final TH MY'
OFF = "National sign-off: off — send signoff to require it"
ON = "National sign-off: a deputy's return counts once the focal point approves it."


async def signoff_rows(bot: Harness) -> list[tuple[object, ...]]:
    return await bot.rows("SELECT period, set_by FROM period_signoff")


async def test_help_period_shows_signoff(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [shown] = await bot.say("nz-cochair", "/help period")
    usage = "final|monthly|quarterly <countries>] [signoff]"
    assert usage in shown, shown
    assert "Add signoff for national sign-off" in shown, shown
    assert "2027-08-31 monthly AU ID MY TH signoff" in shown, shown  # the example uses it
    await bot.stop()


async def test_the_guided_summary_says_signoff_is_off_and_a_word_turns_it_on(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, periods=())
    await bot.say("nz-cochair", "/period open JPA-7")
    await bot.say("nz-cochair", "Seventh Joint Period of Action")
    await bot.say("nz-cochair", "2027-02-01")
    await bot.say("nz-cochair", "2027-02-28")
    await bot.press("nz-cochair", "/period open final")
    [summary] = await bot.say("nz-cochair", "TH MY")
    assert summary.startswith("Open JPA-7 — Seventh Joint Period of Action?"), summary
    assert OFF in summary, summary

    [on] = await bot.say("nz-cochair", "signoff")  # typed at the confirmation step
    assert on.startswith("Open JPA-7 — Seventh Joint Period of Action?"), on
    assert f"{ON} Send nosignoff to drop it." in on, on
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-7 is open."), opened
    assert await signoff_rows(bot) == [("JPA-7", "nz-cochair")]
    await bot.stop()


async def test_signoff_can_be_dropped_before_opening(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    [summary] = await bot.say("nz-cochair", ONE_LINE + " signoff")
    assert ON in summary, summary
    [off] = await bot.say("nz-cochair", "nosignoff")
    assert OFF in off, off
    await bot.press("nz-cochair", "/period confirm")
    assert await bot.rows("SELECT code, status FROM periods") == [("JPA-7", "open")]
    assert await signoff_rows(bot) == []
    await bot.stop()


async def test_other_text_at_the_confirmation_step_changes_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    [summary] = await bot.say("nz-cochair", ONE_LINE)
    assert OFF in summary, summary
    before = await counts(bot)
    [answer] = await bot.say("nz-cochair", "sign it off please")
    assert answer.startswith("I only understand commands"), answer
    assert await counts(bot) == before
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-7 is open."), opened
    assert await signoff_rows(bot) == []
    await bot.stop()


async def test_signoff_is_only_a_cochairs_word(tmp_path: Path) -> None:
    """A focal point typing "signoff" is not in any opening dialogue: the usual fallback."""
    bot = await running(tmp_path, periods=())
    await bot.say("nz-cochair", ONE_LINE)
    [answer] = await bot.say("th-fp", "signoff")
    assert "National sign-off" not in answer, answer
    await bot.press("nz-cochair", "/period confirm")
    assert await signoff_rows(bot) == []
    await bot.stop()
