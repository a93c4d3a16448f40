"""On Slack a leading slash belongs to the client: command words work without it in a direct
message, and every hint the bot sends there shows the form that works (``/focal reply …``).
Driven through slack-bolt with signed requests against the fake Web API."""

from __future__ import annotations

from tests.harness import Harness  # noqa: F401 (marks the module end to end: both engines)
from tests.test_slack import TH_FP, World, file_request, world  # noqa: F401 (fixture)


async def test_reply_without_the_slash_in_a_dm_is_a_command(world: World) -> None:  # noqa: F811
    request_id = await file_request(world)
    await world.slack.event(world.slack.dm(TH_FP, f"ack {request_id}"))
    await world.settle()
    [acked] = [t for t in world.api.texts_to(TH_FP) if t.startswith("You acknowledged")]
    # the hint names the slash command Slack lets people type, not a bare "/reply"
    assert f"Answer with /focal reply {request_id} &lt;text&gt;." in acked  # escaped
    assert " /reply" not in acked

    await world.slack.event(world.slack.dm(TH_FP, f"reply {request_id} Phone traced to Hat Yai"))
    await world.settle()
    assert any("Phone traced to Hat Yai" in t for t in world.bot.inbox("au-officer"))
    assert f"Sent on {request_id}." in world.api.texts_to(TH_FP)
    assert not any("only understand commands" in t for t in world.api.texts_to(TH_FP))


async def test_help_on_slack_shows_the_slack_form_and_the_console_keeps_the_slash(
    world: World,  # noqa: F811
) -> None:
    await world.slack.event(world.slack.dm(TH_FP, "help"))
    await world.settle()
    [shown] = [t for t in world.api.texts_to(TH_FP) if "commands you can use" in t]
    assert "Requests: /focal request /focal ack /focal reply" in shown and " /reply" not in shown
    await world.slack.event(world.slack.dm(TH_FP, "help all"))
    await world.settle()
    [every] = [t for t in world.api.texts_to(TH_FP) if "commands you can use" in t][1:]
    assert "/focal reply &lt;id&gt;" in every and "\n/reply" not in every
    [console_help] = await world.bot.say("au-officer", "/help all")
    assert "/request <COUNTRY>" in console_help and "/focal" not in console_help


async def test_plain_chatter_in_a_dm_still_gets_the_polite_hint(world: World) -> None:  # noqa: F811
    await world.slack.event(world.slack.dm(TH_FP, "good morning"))
    await world.settle()
    [hint] = [t for t in world.api.texts_to(TH_FP) if "only understand commands" in t]
    assert "/focal help lists them" in hint


def test_command_hints_rewrite_commands_and_leave_paths_and_words_alone() -> None:
    from bot.commands import command_hints

    names = ["help", "reply", "whoami"]
    cases = {
        "Answer with /reply R-1 <text>.": "Answer with /focal reply R-1 <text>.",
        "(আইডির ধরন /whoami-তে দেখুন)": "(আইডির ধরন /focal whoami-তে দেখুন)",  # Bengali suffix
        "و /help all": "و /focal help all",
        "see https://example.org/help or /help-center, a/help, /helpdesk": (
            "see https://example.org/help or /help-center, a/help, /helpdesk"
        ),
    }
    for text, hinted in cases.items():
        assert command_hints(text, "/focal ", names) == hinted
