"""National sign-off for a period planned in bot.toml (as the shipped JPA-4 is), switched by
chat: ``/period open JPA-4`` asks first and says whether sign-off is on, ``signoff`` or
``nosignoff`` then changes it, and ``/period open JPA-4 signoff`` sets it (it used to answer
"There is already a period JPA-4", and a deputy's return then counted at once)."""

from __future__ import annotations

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, counts, running

PLANNED = PERIOD.model_copy(update={"status": "planned"})  # JPA-9, nothing due yet
OFF = "National sign-off: off — send signoff to require it"
ON = "National sign-off: a deputy's return counts once the focal point approves it."
ASKED = "Open JPA-9 — Ninth Joint Period of Action?"


def buttons(bot: Harness) -> list[tuple[object, str]]:
    return [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]


async def signoff_rows(bot: Harness) -> list[tuple[object, ...]]:
    return await bot.rows("SELECT period, set_by FROM period_signoff")


async def status(bot: Harness) -> str:
    [(value,)] = await bot.rows("SELECT status FROM periods WHERE code = 'JPA-9'")
    return str(value)


async def deputy_return(bot: Harness) -> str:
    [summary] = await bot.say("th-deputy", "/return arrests 5, victims 1")
    assert "Confirm to submit" in summary, summary
    [sent] = await bot.say("th-deputy", "/return confirm")
    return sent


async def test_asked_first_with_signoff_off_then_the_word_turns_it_on(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(PLANNED,))
    [asked] = await bot.say("nz-cochair", "/period open JPA-9")
    assert asked.startswith(ASKED) and OFF in asked, asked
    assert await status(bot) == "planned"
    assert buttons(bot) == [
        ("Open it", "/period open JPA-9 confirm"),
        ("Cancel", "/period open JPA-9 cancel"),
    ]
    [on] = await bot.say("nz-cochair", "signoff")
    assert on.startswith(ASKED) and f"{ON} Send nosignoff to drop it." in on, on
    assert buttons(bot)[0] == ("Open it", "/period open JPA-9 signoff confirm")
    assert await status(bot) == "planned" and await signoff_rows(bot) == []
    [opened] = await bot.say("nz-cochair", "/period open JPA-9 confirm")  # as /help types it
    assert opened.startswith("JPA-9 is open."), opened
    assert await signoff_rows(bot) == [("JPA-9", "nz-cochair")]
    [(detail,)] = await bot.rows("SELECT detail FROM audit WHERE action = 'period.signoff'")
    assert detail == "national sign-off required"
    assert "counts once the national focal point approves it" in await deputy_return(bot)
    await bot.stop()


async def test_signoff_given_with_the_code_then_dropped_before_opening(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(PLANNED,))
    [on] = await bot.say("nz-cochair", "/period open JPA-9 signoff")
    assert "already a period" not in on, on
    assert on.startswith(ASKED) and ON in on, on
    [off] = await bot.say("nz-cochair", "nosignoff")
    assert OFF in off, off
    [opened] = await bot.press("nz-cochair", "/period confirm")
    assert opened.startswith("JPA-9 is open."), opened
    assert await signoff_rows(bot) == []
    assert "approves" not in await deputy_return(bot)  # no sign-off: it counts at once
    await bot.stop()


async def test_signoff_confirm_opens_at_once_with_signoff(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(PLANNED,))
    [opened] = await bot.say("nz-cochair", "/period open JPA-9 signoff confirm")
    assert opened.startswith("JPA-9 is open."), opened
    assert await signoff_rows(bot) == [("JPA-9", "nz-cochair")]
    await bot.stop()


async def test_signoff_planned_in_bot_toml_shows_and_can_be_dropped(tmp_path: Path) -> None:
    planned = PLANNED.model_copy(update={"signoff": True})
    bot = await running(tmp_path, periods=(planned,))
    [asked] = await bot.say("nz-cochair", "/period open JPA-9")
    assert ON in asked, asked
    assert buttons(bot)[0] == ("Open it", "/period open JPA-9 signoff confirm")
    await bot.say("nz-cochair", "nosignoff")
    [opened] = await bot.press("nz-cochair", "/period open JPA-9 confirm")
    assert opened.startswith("JPA-9 is open."), opened
    assert await signoff_rows(bot) == []
    [(detail,)] = await bot.rows("SELECT detail FROM audit WHERE action = 'period.signoff'")
    assert detail == "national sign-off dropped"
    await bot.stop()


async def test_an_open_or_closed_period_keeps_its_refusal(tmp_path: Path) -> None:
    bot = await running(tmp_path)  # JPA-9 open
    before = await counts(bot)
    [refused] = await bot.say("nz-cochair", "/period open JPA-9 signoff")
    assert refused == "There is already a period JPA-9; choose another code.", refused
    [refused] = await bot.say("nz-cochair", "/period open JPA-9")
    assert refused == "JPA-9 is already open.", refused
    [answer] = await bot.say("nz-cochair", "signoff")  # no question asked: nothing to change
    assert answer.startswith("I only understand commands"), answer
    assert await counts(bot) == before and await signoff_rows(bot) == []
    await bot.press("nz-cochair", "/period close JPA-9 confirm")
    [refused] = await bot.say("nz-cochair", "/period open JPA-9 signoff")
    assert refused == "There is already a period JPA-9; choose another code.", refused
    [refused] = await bot.say("nz-cochair", "/period open JPA-9 signoff confirm")
    assert refused == "JPA-9 is already closed.", refused
    assert await signoff_rows(bot) == []
    await bot.stop()


async def test_with_a_dialogue_under_way_the_line_names_the_whole_command(
    tmp_path: Path,
) -> None:
    """The plain word would go to the dialogue's own period: the line says what to send."""
    bot = await running(tmp_path, periods=(PLANNED,))
    await bot.say("nz-cochair", "/period open JPA-7")
    [asked] = await bot.say("nz-cochair", "/period open JPA-9")
    assert "National sign-off: off — send /period open JPA-9 signoff to require it" in asked
    [on] = await bot.say("nz-cochair", "/period open JPA-9 signoff")
    assert f"{ON} Send /period open JPA-9 nosignoff to drop it." in on, on
    [opened] = await bot.press("nz-cochair", buttons(bot)[0][1])
    assert opened.startswith("JPA-9 is open."), opened
    assert await signoff_rows(bot) == [("JPA-9", "nz-cochair")]
    [next_question] = await bot.say("nz-cochair", "Seventh Joint Period of Action")
    assert "Its first day?" in next_question  # JPA-7's dialogue goes on
    await bot.stop()


async def test_the_shipped_jpa4(bot: Harness) -> None:
    """The report's steps on the shipped bot.toml."""
    [asked] = await bot.say("nz-cochair", "/period open JPA-4")
    assert asked.startswith("Open JPA-4 — Fourth Joint Period of Action?"), asked
    assert OFF in asked, asked
    [on] = await bot.say("nz-cochair", "/period open JPA-4 signoff")
    assert "already a period" not in on and ON in on, on
    [opened] = await bot.say("nz-cochair", "/period open JPA-4 confirm")
    assert opened.startswith("JPA-4 is open."), opened
    assert await signoff_rows(bot) == [("JPA-4", "nz-cochair")]
