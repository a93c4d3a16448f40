"""One gate for commands and free text: roles, scope and the private-only rule.

Free text that would continue a guided dialogue (a return's next figure, a period being opened)
passes the same check as the command it continues, so a group chat never advances a return or
shows its figures.
"""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import running

GROUP = {"chat_id": "group-1", "private": False}


async def in_group(bot: Harness, person: str, text: str) -> list[str]:
    """``person`` writes ``text`` in the group, addressed to the bot; what the group got."""
    before = len(bot.chat.to("group-1"))
    await bot.say(person, text, **GROUP)
    return bot.chat.to("group-1")[before:]


async def test_free_text_in_a_group_does_not_answer_a_guided_return(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("my-fp", "/return")
    await bot.press("my-fp", "/return JPA-9 W1 zero")
    drafted = await bot.rows("SELECT step, answers FROM return_drafts")
    assert drafted[0][0] == 1

    posted = await in_group(bot, "my-fp", "3")
    assert posted == ["I only answer commands in groups. /help lists them."]
    assert await bot.rows("SELECT step, answers FROM return_drafts") == drafted

    [question] = await bot.say("my-fp", "3")  # in private it works as before
    assert "question 3 of 16" in question
    assert await bot.rows("SELECT step FROM return_drafts") == [(2,)]
    await bot.stop()


async def test_free_text_in_a_group_does_not_continue_opening_a_period(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [asked] = await bot.say("nz-cochair", "/period open JPA-12")
    fields = await bot.rows("SELECT fields FROM period_drafts")
    posted = await in_group(bot, "nz-cochair", "Twelfth Joint Period of Action")
    assert posted == ["I only answer commands in groups. /help lists them."]
    assert await bot.rows("SELECT fields FROM period_drafts") == fields
    [next_question] = await bot.say("nz-cochair", "Twelfth Joint Period of Action")
    assert next_question != asked
    assert "Twelfth" in (await bot.rows("SELECT fields FROM period_drafts"))[0][0]
    await bot.stop()


async def test_free_text_gets_no_further_than_the_command_would(tmp_path: Path) -> None:
    """Someone whose role does not allow /return gets the ordinary answer to plain text."""
    bot = await running(tmp_path)
    assert await bot.say("th-officer", "3") == [
        "I only understand commands. /help lists them, with examples."
    ]
    await bot.stop()
