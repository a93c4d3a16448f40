"""A national approval leaves a trace: ``/return show`` says who signed the return off and when,
``/return history`` lists each approval among the changes; and both date a return by its
country's own clock, as ``/status`` does, whoever reads it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, running

SIGNOFF = PERIOD.model_copy(update={"signoff": True})
# 20 January 2027, 12:00 UTC (returns_support.MID_JANUARY): 19:00 in Jakarta (UTC+7)
SENT = "Jan 20, 2027, 19:00 UTC+7"
APPROVED = "Jan 21, 2027, 10:00 UTC+7"  # 15 hours later


async def approved_next_morning(tmp_path: Path) -> Harness:
    """Indonesia's deputy sends W1; the focal point approves it the next morning."""
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("id-deputy", "/return arrests 5, victims 1")
    assert "approves it" in (await bot.say("id-deputy", "/return confirm"))[0]
    await bot.advance(timedelta(hours=15))
    [approved] = await bot.say("id-fp", "/return approve")
    assert "is signed off by Dewi Example" in approved, approved
    return bot


async def test_show_says_who_approved_the_return_and_when(tmp_path: Path) -> None:
    bot = await approved_next_morning(tmp_path)
    [shown] = await bot.say("id-deputy", "/return W1 show")
    assert f"Submitted {SENT}, version 1." in shown, shown
    assert f"Signed off by Dewi Example, {APPROVED}." in shown, shown
    await bot.stop()


async def test_history_lists_the_approval_after_the_changes(tmp_path: Path) -> None:
    bot = await approved_next_morning(tmp_path)
    await bot.say("id-deputy", "/return W1 arrests 6")  # amended: awaits sign-off again
    await bot.say("id-deputy", "/return W1 confirm")
    [history] = await bot.say("id-fp", "/return W1 history")
    lines = history.split("\n")
    assert lines[1:] == [
        f"v1 {SENT} Dewia Deputy-Example: Arrests — → 5",
        f"v1 {SENT} Dewia Deputy-Example: Trafficked persons assisted — → 1",
        f"v1 {APPROVED} Dewi Example: approved (national sign-off)",
        f"v2 {APPROVED} Dewia Deputy-Example: Arrests 5 → 6",
    ], history
    [shown] = await bot.say("id-fp", "/return W1 show")
    assert "Awaiting national sign-off" in shown and "Signed off by" not in shown, shown
    await bot.stop()


async def test_a_cochair_sees_the_times_of_the_countrys_clock_as_status_does(
    tmp_path: Path,
) -> None:
    bot = await approved_next_morning(tmp_path)
    for cochair in ("nz-cochair", "lk-cochair"):  # UTC+13 and UTC+5:30 themselves
        [status] = await bot.say(cochair, "/status W1")
        assert f"• Indonesia — submitted {SENT}" in status, status
        [shown] = await bot.say(cochair, "/return W1 show ID")
        assert f"Submitted {SENT}, version 1." in shown, shown
        assert f"Signed off by Dewi Example, {APPROVED}." in shown, shown
        [history] = await bot.say(cochair, "/return W1 history ID")
        assert f"v1 {SENT} Dewia Deputy-Example: Arrests — → 5" in history, history
    await bot.stop()
