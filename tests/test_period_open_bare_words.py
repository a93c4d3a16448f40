"""In the opening dialogue a co-chair's bare ``confirm`` and ``cancel`` do what the summary's
buttons do, as bare ``signoff`` did already and the guided /return's own words do (both were
answered "I only understand commands")."""

from __future__ import annotations

from tests.harness import Harness

STATUS = "SELECT status FROM periods WHERE code = 'JPA-4'"


async def test_confirm_sent_bare_opens_the_planned_period_offered(bot: Harness) -> None:
    await bot.say("nz-cochair", "/period open JPA-4")  # asked first: past due, sign-off
    [opened] = await bot.say("nz-cochair", "confirm")
    assert "I only understand commands" not in opened, opened
    assert await bot.rows(STATUS) == [("open",)]


async def test_signoff_then_confirm_sent_bare(bot: Harness) -> None:
    await bot.say("nz-cochair", "/period open JPA-4")
    await bot.say("nz-cochair", "signoff")
    await bot.say("nz-cochair", "confirm")
    assert await bot.rows(STATUS) == [("open",)]
    assert await bot.rows("SELECT COUNT(*) FROM period_signoff WHERE period = 'JPA-4'") == [(1,)]


async def test_cancel_sent_bare_drops_the_dialogue(bot: Harness) -> None:
    await bot.say("nz-cochair", "/period open")  # the guided dialogue: its first question
    [cancelled] = await bot.say("nz-cochair", "cancel")
    assert cancelled == "Cancelled; no period was opened.", cancelled
    assert "I only understand commands" in (await bot.say("nz-cochair", "confirm"))[0]
    await bot.say("nz-cochair", "/period open JPA-4")
    assert (await bot.say("nz-cochair", "cancel"))[0] == "Cancelled; no period was opened."
    assert await bot.rows(STATUS) == [("planned",)]


async def test_confirm_mid_dialogue_is_not_taken_for_an_answer(bot: Harness) -> None:
    """Before the summary, bare confirm is no answer to the question asked: nothing opens."""
    await bot.say("nz-cochair", "/period open")
    await bot.say("nz-cochair", "confirm")
    assert await bot.rows("SELECT COUNT(*) FROM periods WHERE status = 'open'") == [(0,)]
