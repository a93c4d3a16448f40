"""The Slack adapter, end to end: signed requests in over HTTP, the real core, a fake Web API.

Nothing in slack-bolt or slack-sdk is replaced: Bolt verifies the signatures and dispatches,
slack-sdk's client talks HTTP to :class:`tests.fake_slack.FakeSlack`, and the core runs on a
temporary database through :class:`tests.harness.Harness`. Officers speak on the in-memory
``console`` channel; Thailand's focal point (``th-fp``, Slack ``U0THFP01``) prefers Slack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import ANSWERED_IN_DM, WRONG_WORKSPACE, SlackAdapter
from bot.dispatch import STRANGER_REPLY
from bot.events import Button, Inbound, Outbound
from tests.fake_slack import SIGNING_SECRET, TEAM, FakeSlack, SlackSide
from tests.harness import Harness, eventually, quickly_paced, settings_preferring
from tests.marked_catalog import marked

TH_FP = "U0THFP01"
ENV = {
    "FOCALBOT_SLACK_BOT_TOKEN": "xoxb-test-token",
    "FOCALBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
}


def slack_options(base_url: str, **changes: object) -> dict[str, object]:
    """The shipped ``[channels.slack]`` keys, pointed at the fake and a free local port."""
    return {
        "enabled": True,
        "token_env": "FOCALBOT_SLACK_BOT_TOKEN",
        "signing_secret_env": "FOCALBOT_SLACK_SIGNING_SECRET",
        "app_token_env": "FOCALBOT_SLACK_APP_TOKEN",
        "base_url": base_url,
        "mode": "http",
        "host": "127.0.0.1",
        "port": 0,
        "team_id": TEAM,
        **changes,
    }


def settings_preferring_slack(*person_ids: str):  # type: ignore[no-untyped-def]
    """Shipped settings where ``person_ids`` prefer slack."""
    return settings_preferring("slack", *person_ids)


@dataclass
class World:
    """A running bot with a Slack channel, the fake Web API, and Slack's side of the wire."""

    bot: Harness
    adapter: SlackAdapter
    api: FakeSlack
    slack: SlackSide

    async def settle(self, within: float = 30.0) -> None:
        """Wait until listeners have handed over their events and the outbox is drained."""
        async with asyncio.timeout(within):  # a hang fails here, not at the suite's time limit
            await self.adapter.drain()
            await self.bot.settle()
            await self.adapter.drain()


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    quickly_paced(adapter)
    bot = Harness(tmp_path / "bot.db", settings_preferring_slack("th-fp"), [adapter])
    await bot.start()
    slack = SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events")
    yield World(bot, adapter, api, slack)
    await bot.stop()
    await api.stop()


async def file_request(world: World, text: str = "urgent Please trace this phone.") -> str:
    """An officer on the console files a request; return its id."""
    return await world.bot.file_request(f"TH {text}")


def routed(world: World) -> dict[str, Any]:
    """The request notification posted to Thailand's focal point on Slack."""
    posts = [p for p in world.api.posts_to(TH_FP) if p.get("blocks")]
    assert posts, world.api.texts_to(TH_FP)
    return posts[-1]


# --- the main scenario -----------------------------------------------------------------------
async def test_focal_point_on_slack_acknowledges_with_the_button_and_replies(world: World) -> None:
    request_id = await file_request(world)
    post = routed(world)
    assert request_id in post["text"] and "Please trace this phone." in post["text"]
    actions = [b for b in post["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["value"] == f"/ack {request_id}"

    reply = await world.slack.press(TH_FP, post)
    assert reply.status == 200
    await world.settle()

    assert any("acknowledged by Niran" in t for t in world.bot.inbox("au-officer"))
    assert any(t.startswith(f"You acknowledged {request_id}") for t in world.api.texts_to(TH_FP))
    update = world.api.of("chat.update")[-1]
    assert (update["channel"], update["ts"]) == (post["_channel"], post["_ts"])
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]
    assert update["blocks"][-1]["elements"][0]["text"] == f"✓ Acknowledge by <@{TH_FP}>"

    answer = await world.slack.command(TH_FP, f"reply {request_id} Found it: & <details>")
    assert answer.status == 200
    await world.settle()
    assert any("Found it: & <details>" in t for t in world.bot.inbox("au-officer"))
    assert f"Sent on {request_id}." in world.api.texts_to(TH_FP)


async def test_a_second_press_has_no_second_effect(world: World) -> None:
    request_id = await file_request(world)
    post = routed(world)
    await world.slack.press(TH_FP, post)
    await world.slack.press(TH_FP, post)  # a double click that beat the chat.update
    await world.settle()

    told = [t for t in world.bot.inbox("au-officer") if "acknowledged by" in t]
    assert len(told) == 1
    assert any("already acknowledged" in t for t in world.api.texts_to(TH_FP))
    rows = await world.bot.rows(
        "SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND kind = 'ack'", [request_id]
    )
    assert rows == [(1,)]


async def test_a_press_on_one_of_several_independent_buttons_leaves_the_others(
    world: World,
) -> None:
    """One Acknowledge per request, as a handover's: acknowledging the second keeps the others
    live."""
    ids = [await file_request(world, f"routine Trace phone {n}.") for n in (1, 2, 3)]
    acks = tuple(Button(f"Acknowledge {rid}", f"/ack {rid}") for rid in ids)
    await world.adapter.send(Outbound(90, "slack", TH_FP, "Handed over to you.", "th-fp", acks))
    post = routed(world)

    assert (await world.slack.press(TH_FP, post, index=1)).status == 200
    await world.settle()
    update = world.api.of("chat.update")[-1]
    assert [b["type"] for b in update["blocks"]] == ["section", "context", "actions"]
    left = [e["value"] for e in update["blocks"][-1]["elements"]]
    assert left == [f"/ack {ids[0]}", f"/ack {ids[2]}"]
    assert update["blocks"][1]["elements"][0]["text"] == f"✓ Acknowledge {ids[1]} by <@{TH_FP}>"


async def test_a_refused_press_leaves_the_buttons_as_they_were(world: World) -> None:
    """Afghanistan's focal point, shown Thailand's request, presses its Acknowledge."""
    request_id = await file_request(world)
    ack = (Button("Acknowledge", f"/ack {request_id}"),)
    await world.adapter.send(Outbound(91, "slack", "U0AFFP01", f"{request_id}", "af-fp", ack))
    [post] = world.api.posts_to("U0AFFP01")

    assert (await world.slack.press("U0AFFP01", post)).status == 200
    await world.settle()
    assert len(world.api.texts_to("U0AFFP01")) == 2  # the refusal, answered as ever
    assert world.api.of("chat.update") == []  # the button stays live, unmarked
    acks = "SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND kind = 'ack'"
    assert await world.bot.rows(acks, [request_id]) == [(0,)]


async def test_a_press_is_marked_done_in_the_pressers_language(world: World) -> None:
    with marked("th"):
        await world.bot.say("th-fp", "/language th")
        await file_request(world)
        await world.slack.press(TH_FP, routed(world))
        await world.settle()
    [update] = world.api.of("chat.update")
    line = update["blocks"][-1]["elements"][0]["text"]
    assert line == f"‹th›✓ ‹th›Acknowledge‹/th› by <@{TH_FP}>‹/th›"


async def test_relayed_mentions_arrive_inert(world: World) -> None:
    await file_request(world, "routine <!channel> <@U0LKCC01> & <!here> look at this")
    text = routed(world)["text"]
    assert "&lt;!channel&gt; &lt;@U0LKCC01&gt; &amp; &lt;!here&gt;" in text
    assert "<!" not in text and "<@" not in text
    section = routed(world)["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt;" in section and "<!" not in section


# --- Slack's delivery semantics --------------------------------------------------------------
async def test_a_retried_event_is_handled_once(world: World) -> None:
    body = world.slack.event_body(world.slack.dm(TH_FP, "hello there"), event_id="Ev0RETRY1")
    first = await world.slack.post(body, "application/json")
    again = await world.slack.post(
        body,
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    await world.settle()

    assert (first.status, again.status) == (200, 200)
    assert len(world.api.texts_to(TH_FP)) == 1
    assert "I only understand commands" in world.api.texts_to(TH_FP)[0]
    rows = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'slack:%'")
    assert rows == [("slack:Ev0RETRY1",)]


async def test_the_request_url_check_is_answered(world: World) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    reply = await world.slack.post(body, "application/json")
    assert reply.status == 200 and "c-123" in reply.text


async def test_events_nobody_handles_are_still_acknowledged(world: World) -> None:
    reply = await world.slack.event({"type": "app_home_opened", "user": TH_FP, "tab": "home"})
    await world.settle()
    assert reply.status == 200 and world.api.of("chat.postMessage") == []


async def test_a_bad_signature_is_refused_with_401(world: World) -> None:
    reply = await world.slack.event(world.slack.dm(TH_FP, "hello"), secret="not-the-secret")
    await world.settle()
    assert reply.status == 401
    assert world.api.of("chat.postMessage") == []


async def test_a_stale_timestamp_is_refused_with_401(world: World) -> None:
    ten_minutes_ago = int(time.time()) - 600
    reply = await world.slack.event(world.slack.dm(TH_FP, "hello"), timestamp=ten_minutes_ago)
    await world.settle()
    assert reply.status == 401
    assert world.api.of("chat.postMessage") == []


async def test_a_429_is_waited_out_and_the_message_still_delivered(world: World) -> None:
    world.api.fail_next("chat.postMessage", status=429, retry_after="1")
    request_id = await file_request(world)

    attempts = world.api.posts_to(TH_FP)
    assert len(attempts) == 2 and all(request_id in a["text"] for a in attempts)
    rows = await world.bot.rows(
        "SELECT status, platform_id FROM outbox WHERE channel = 'slack' AND address = ?", [TH_FP]
    )
    assert rows[0][0] == "sent" and rows[0][1] == f"D0THFP01:{attempts[-1]['_ts']}"


async def test_a_server_error_is_retried(world: World) -> None:
    world.api.fail_next("chat.postMessage", status=503, error="service_unavailable")
    request_id = await file_request(world)
    assert [request_id in t for t in world.api.texts_to(TH_FP)] == [True, True]


async def test_an_unknown_channel_fails_for_good(world: World) -> None:
    world.api.fail_next("chat.postMessage", error="channel_not_found")
    await file_request(world)
    assert len(world.api.posts_to(TH_FP)) == 1
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'slack'")
    assert rows == [("failed", "slack: channel_not_found")]
    # Not silent: the officer was told (the console standing in is no channel of his: nothing
    # goes there)
    assert "Please trace this phone" not in world.bot.last("th-fp")
    assert "Niran Example cannot be reached on slack any more" in world.bot.last("au-officer")


# --- who may speak, and where ----------------------------------------------------------------
async def test_a_stranger_gets_the_polite_refusal(world: World) -> None:
    reply = await world.slack.event(world.slack.dm("U0STRANGE", "hi, who are you?"))
    await world.settle()
    assert reply.status == 200
    assert world.api.texts_to("U0STRANGE") == [str(STRANGER_REPLY)]
    assert any("U0STRANGE" in t for t in world.bot.inbox("admin"))


async def test_another_workspace_is_refused(world: World) -> None:
    event = await world.slack.event(world.slack.dm(TH_FP, "hello", team="T0OTHER"), team="T0OTHER")
    command = await world.slack.command(TH_FP, "whoami", team="T0OTHER")
    await world.settle()

    assert event.status == 200 and command.status == 200
    assert command.text == str(WRONG_WORKSPACE)
    assert world.api.of("chat.postMessage") == []
    assert await world.bot.rows("SELECT * FROM inbound WHERE event_key LIKE 'slack:%'") == []


async def test_a_mention_in_a_channel_gets_help_in_its_thread_only(world: World) -> None:
    mention = world.slack.mention(TH_FP, "request TH urgent secret details")
    reply = await world.slack.event(mention)
    await world.settle()

    assert reply.status == 200
    posts = world.api.posts_to("C0GENERAL")
    assert len(posts) == 1 and posts[0]["thread_ts"] == mention["ts"]
    assert "commands you can use" in posts[0]["text"]
    assert "secret details" not in posts[0]["text"]
    assert await world.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


async def test_the_slash_command_answers_in_the_dm_wherever_it_is_typed(world: World) -> None:
    in_dm = await world.slack.command(TH_FP, "whoami")
    in_channel = await world.slack.command(TH_FP, "ping", channel="C0GENERAL")
    await world.settle()

    assert in_dm.status == 200 and str(ANSWERED_IN_DM) not in in_dm.text
    assert in_channel.status == 200 and str(ANSWERED_IN_DM) in in_channel.text
    texts = world.api.texts_to(TH_FP)
    assert any(t.startswith("You are Niran Example") for t in texts) and "pong" in texts
    assert world.api.posts_to("C0GENERAL") == []


async def test_the_adapters_own_answer_follows_the_persons_language(world: World) -> None:
    with marked("th"):
        await world.slack.command(TH_FP, "language th")
        await world.settle()
        assert world.api.texts_to(TH_FP)[-1].startswith("‹th›I will write to you in ไทย (th)")
        in_channel = await world.slack.command(TH_FP, "ping", channel="C0GENERAL")
    assert in_channel.text == "‹th›I've answered you in our direct messages.‹/th›"


async def test_the_bots_own_messages_are_ignored(world: World) -> None:
    own = world.slack.dm(TH_FP, "a message I posted") | {"user": "UBOT", "bot_id": "BBOT"}
    edited = world.slack.dm(TH_FP, "edited") | {"subtype": "message_changed"}
    await world.slack.event(own)
    await world.slack.event(edited)
    await world.settle()
    assert world.api.of("chat.postMessage") == []


# --- Socket Mode ---------------------------------------------------------------------------
async def test_socket_mode_receives_over_the_websocket_and_acknowledges(tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = await FakeSlack().start()
    env = {"FOCALBOT_SLACK_BOT_TOKEN": "xoxb-test-token", "FOCALBOT_SLACK_APP_TOKEN": "xapp-test"}
    options = slack_options(api.base_url, mode="socket", signing_secret_env="")
    adapter = SlackAdapter.from_settings(options, env)
    bot = Harness(tmp_path / "bot.db", settings_preferring_slack("th-fp"), [adapter])
    await bot.start()
    try:
        slack = SlackSide("unused")
        payload = slack.event_body(slack.dm(TH_FP, "hello over the socket"), event_id="Ev0SOCK1")
        envelope = await api.push(json.loads(payload))
        await api.wait_for(lambda: [a for a in api.acks if a.get("envelope_id") == envelope])
        await adapter.drain()
        await bot.settle()
        assert "I only understand commands" in api.texts_to(TH_FP)[0]
        assert [c.token for c in api.calls if c.method == "apps.connections.open"] == ["xapp-test"]
    finally:
        await bot.stop()
        await api.stop()


async def test_slack_is_answered_only_once_the_event_is_stored() -> None:
    """Persist, then acknowledge: Slack hears "received" only after the core committed the
    event, so a replica killed in between loses nothing (Slack sends it again)."""
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    release, received, handled = asyncio.Event(), [], []

    async def slow_core(event: Inbound) -> None:
        received.append(event)
        await release.wait()  # the core holds every event until the test lets it go
        handled.append(event)

    await adapter.start(slow_core)
    try:
        slack = SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events")
        command = asyncio.create_task(slack.command(TH_FP, "request TH urgent x"))
        event = asyncio.create_task(slack.event(slack.dm(TH_FP, "hello")))
        await eventually(lambda: len(received) == 2, 10.0, "both reach the core")
        await asyncio.sleep(0.3)  # a grace period, to see that no answer comes early
        assert not command.done() and not event.done()  # not answered while unstored
        release.set()
        async with asyncio.timeout(10):
            answers = await asyncio.gather(command, event)
        assert [a.status for a in answers] == [200, 200]
        assert len(handled) == 2
    finally:
        await adapter.stop()
        await api.stop()


async def test_an_event_that_cannot_be_stored_is_not_acknowledged() -> None:
    """A bot that is stopping cannot store: Slack gets an error for an event (and resends
    it, to this or another replica) and a polite word for a command (never resent)."""
    api = await FakeSlack().start()
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)

    async def stopping_core(event: Inbound) -> None:
        raise RuntimeError("FocalPoint is not accepting events (starting or stopping)")

    await adapter.start(stopping_core)
    try:
        slack = SlackSide(f"http://127.0.0.1:{adapter.port}/slack/events")
        async with asyncio.timeout(10):
            event = await slack.event(slack.dm(TH_FP, "hello"))
            command = await slack.command(TH_FP, "request TH urgent x")
        assert event.status >= 500
        assert command.status == 200 and "nothing was changed" in command.text
    finally:
        await adapter.stop()
        await api.stop()


# --- the token is checked at start -----------------------------------------------------------
@pytest.mark.expects_errors  # the refusal is reported as one ERROR line on purpose
async def test_a_refused_bot_token_stops_slack_at_start_with_one_plain_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    api = await FakeSlack().start()
    wrong = {**ENV, "FOCALBOT_SLACK_BOT_TOKEN": "xoxb-wrong-token"}
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), wrong)
    bot = Harness(tmp_path / "bot.db", settings_preferring_slack("th-fp"), [adapter])
    await bot.start()
    assert bot.app is not None
    bot.app.adapter_retry = 0.01
    await asyncio.sleep(0.3)  # many retry intervals: the refused token is not tried again
    started = adapter.port
    await bot.stop()
    await api.stop()

    assert [c.token for c in api.calls if c.method == "auth.test"] == ["xoxb-wrong-token"]
    assert started == 0  # nothing listens for events that could not be answered
    assert "slack started" not in caplog.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "slack cannot start: channels.slack.token_env: Slack refused the token in "
        "FOCALBOT_SLACK_BOT_TOKEN (invalid_auth); the other channels run without it "
        "(fix this and restart)"
    ]
    assert not any(r.exc_info or r.exc_text for r in caplog.records)
    assert "xoxb-wrong-token" not in caplog.text


@pytest.mark.expects_errors  # "slack did not start … retrying" is logged on purpose
async def test_an_unreachable_slack_at_start_is_retried(tmp_path: Path) -> None:
    api = await FakeSlack().start()
    api.fail_next("auth.test", status=503, error="service_unavailable")
    adapter = SlackAdapter.from_settings(slack_options(api.base_url), ENV)
    bot = Harness(tmp_path / "bot.db", settings_preferring_slack("th-fp"), [adapter])
    await bot.start()
    assert bot.app is not None
    bot.app.adapter_retry = 0.01
    await eventually(lambda: adapter.port, what="slack started on the second try")
    await bot.stop()
    await api.stop()
    assert len(api.of("auth.test")) == 2
