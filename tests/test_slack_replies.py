"""Slack as people use it: a reply in the thread under the bot's message about a request, in
the direct message with the bot, answers that request, as ``/reply <id> <text>`` would. The
bot answers in the direct message itself, where its notifications arrive.

Signed Events API requests in, the real core, slack-sdk against the fake Web API (see
tests/test_slack.py, whose world and people these are).
"""

from __future__ import annotations

from typing import Any

from adapters.slack_convert import thread_parent
from tests.harness import Harness
from tests.test_slack import TH_FP, World, file_request, routed, world
from tests.test_slack_long import long_text, long_world

__all__ = ["Harness", "long_world", "world"]  # the fixtures, used by name; Harness: both engines
ONLY_COMMANDS = "I only understand commands"
REPLIES = "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply'"


async def in_thread(world: World, text: str, under: dict[str, Any], **changes: Any) -> None:
    """Thailand's focal point writes ``text`` in the thread under ``under`` (a bot's post)."""
    event = world.slack.in_thread(TH_FP, text, under) | changes
    assert (await world.slack.event(event)).status == 200
    await world.settle()


async def test_a_reply_in_the_thread_of_the_message_about_a_request_answers_it(
    world: World,
) -> None:
    request_id = await file_request(world)
    notification = routed(world)

    await in_thread(world, "Owner is Somchai & <family>", under=notification)

    relayed = [t for t in world.bot.inbox("au-officer") if "Owner is Somchai & <family>" in t]
    assert len(relayed) == 1 and request_id in relayed[0]
    assert await world.bot.rows(REPLIES, [request_id]) == [("Owner is Somchai & <family>",)]
    [sent_on] = [p for p in world.api.posts_to(TH_FP) if p["text"] == f"Sent on {request_id}."]
    assert "thread_ts" not in sent_on  # answered in the direct message itself


async def test_a_reply_in_the_thread_of_a_message_about_no_request_stays_plain_text(
    world: World,
) -> None:
    request_id = await file_request(world)
    await world.slack.command(TH_FP, "ping 1")
    await world.settle()
    [pong] = [p for p in world.api.posts_to(TH_FP) if p["text"] == "pong 1"]

    await in_thread(world, "what does this mean?", under=pong)

    assert ONLY_COMMANDS in world.api.texts_to(TH_FP)[-1]
    assert not any("what does this mean" in t for t in world.bot.inbox("au-officer"))
    await in_thread(world, "Found the phone", under=routed(world))  # the request's: taken
    assert await world.bot.rows(REPLIES, [request_id]) == [("Found the phone",)]


async def test_a_command_sent_in_the_thread_is_that_command(world: World) -> None:
    request_id = await file_request(world)
    notification = routed(world)

    await in_thread(world, f"/ack {request_id}", under=notification)

    assert any("acknowledged by Niran" in t for t in world.bot.inbox("au-officer"))
    assert await world.bot.rows(REPLIES, [request_id]) == []
    await in_thread(world, "Tracing it now", under=notification)
    assert await world.bot.rows(REPLIES, [request_id]) == [("Tracing it now",)]


async def test_a_thread_reply_also_sent_to_the_conversation_answers_the_request(
    world: World,
) -> None:
    """Slack marks a thread reply posted to the conversation as well ("Also send to direct
    message") with the subtype ``thread_broadcast``; it was dropped as if not a message."""
    request_id = await file_request(world)

    await in_thread(world, "Seen at the border", under=routed(world), subtype="thread_broadcast")

    assert await world.bot.rows(REPLIES, [request_id]) == [("Seen at the border",)]


async def test_a_reply_under_an_earlier_part_of_a_long_message_answers_its_request(
    long_world: World,
) -> None:
    """A request too long for one Slack message arrives in parts: a reply in the thread of
    the first answered nothing (only the last part's id was kept)."""
    details = " ".join(long_text(19_000).split())
    request_id = await long_world.bot.file_request(f"TH urgent {details}")
    posts = long_world.api.posts_to(TH_FP)
    assert len(posts) > 1 and request_id in posts[0]["text"]

    await in_thread(long_world, "All numbers belong to one subscriber", under=posts[0])

    assert await long_world.bot.rows(REPLIES, [request_id]) == [
        ("All numbers belong to one subscriber",)
    ]
    assert any("one subscriber" in t for t in long_world.bot.inbox("au-officer"))


def test_only_a_message_posted_in_a_thread_answers_its_first() -> None:
    """Pure conversion: the thread's first message by the id the adapter's send returns; the
    first message itself, and one outside threads, answer nothing."""
    dm = {"type": "message", "channel": "D0THFP01", "user": TH_FP, "ts": "1700000000.000009"}
    assert thread_parent(dm | {"thread_ts": "1700000000.000001"}) == "D0THFP01:1700000000.000001"
    assert thread_parent(dm | {"thread_ts": dm["ts"]}) == ""
    assert thread_parent(dm) == ""
