"""The LINE adapter, end to end: signed webhook calls in, the real core, a fake Messaging API.

Nothing in line-bot-sdk is replaced: its ``WebhookParser`` checks the signatures and its async
client talks HTTP to :class:`tests.fake_line.FakeLine` through ``Configuration(host=…)``; the
core runs on a temporary database through :class:`tests.harness.Harness`. Officers speak on the
in-memory ``console`` channel; Thailand's focal point (``th-fp``) prefers LINE, which the
shipped ``bot.toml`` marks pointer-only.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from linebot.v3.webhooks import Event

from adapters.channels import CORE_KEYS, platform_adapters
from adapters.line import LineAdapter, parse_options
from adapters.line_convert import inbound_event, retry_key, split_text, translate_error
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError
from bot.events import Button, ButtonPress, Outbound, TextMessage
from tests.fake_line import SECRET, TOKEN, FakeLine, LineSide
from tests.harness import Harness, settings_preferring, shipped_settings
from tests.marked_catalog import marked
from tests.test_fallback import reading_the_console

TH_FP = "U0a1b2c3d4e5f60718293a4b5c6d7e8f9"  # th-fp's LINE identity in the shipped bot.toml
ENV = {"FOCALBOT_LINE_CHANNEL_TOKEN": TOKEN, "FOCALBOT_LINE_CHANNEL_SECRET": SECRET}
SECRET_TEXT = "Please trace passport N1234567 for Somchai."


def line_options(host: str, **changes: object) -> dict[str, object]:
    """The shipped ``[channels.line]`` keys, pointed at the fake and a free local port."""
    section = shipped_settings().channels["line"].model_dump(exclude=CORE_KEYS)
    return {**section, "api_host": host, "port": 0, **changes}


@dataclass
class World:
    """A running bot with a LINE channel, the fake API, and LINE's side of the wire."""

    bot: Harness
    adapter: LineAdapter
    api: FakeLine
    line: LineSide


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    api = await FakeLine().start()
    adapter = LineAdapter.from_settings(line_options(api.host), ENV)
    settings = reading_the_console(settings_preferring("line", "th-fp"))
    bot = Harness(tmp_path / "bot.db", settings, [adapter])
    await bot.start()
    yield World(bot, adapter, api, LineSide(f"http://127.0.0.1:{adapter.port}/line/webhook"))
    await bot.stop()
    await api.stop()


async def file_request(world: World, text: str = f"urgent {SECRET_TEXT}") -> str:
    """An officer on the console files a request; return its id."""
    return await world.bot.file_request(f"TH {text}")


# --- the main scenario -----------------------------------------------------------------------
async def test_a_request_reaches_line_as_a_pointer_and_is_acknowledged_by_quick_reply(
    world: World,
) -> None:
    request_id = await file_request(world)
    [push] = world.api.delivered_to(TH_FP)
    assert push.texts == [f"{request_id} awaits you — open it on console."]
    assert "N1234567" not in str(push.body) and "Somchai" not in str(push.body)
    assert push.quick_replies == [
        {
            "type": "postback",
            "label": "Acknowledge",
            "data": f"/ack {request_id}",
            "displayText": "Acknowledge",
        }
    ]

    assert await world.line.deliver(world.line.tap(TH_FP, push)) == 200
    await world.bot.settle()

    assert any("acknowledged by Niran" in t for t in world.bot.inbox("au-officer"))
    assert all("N1234567" not in t for t in world.api.texts_to(TH_FP))
    rows = await world.bot.rows(
        "SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND kind = 'ack'", [request_id]
    )
    assert rows == [(1,)]


async def test_many_independent_buttons_are_chips_told_apart_and_all_typed(world: World) -> None:
    """A handover in Indonesian with thirty broadcasts to acknowledge: thirteen chips whose
    cut labels keep their ids, and every command typed too, since LINE takes all the chips away
    at the first tap."""
    acks = tuple(
        Button(f"Konfirmasi penerimaan B-{n}", f"/broadcast ack B-{n}") for n in range(1, 31)
    )
    await world.adapter.send(Outbound(91, "line", TH_FP, "Diserahkan kepada Anda.", "th-fp", acks))
    [push] = world.api.delivered_to(TH_FP)
    labels = [chip["label"] for chip in push.quick_replies]
    assert labels == [f"Konfirmasi… B-{n}" for n in range(1, 14)]
    assert [chip["data"] for chip in push.quick_replies] == [b.command for b in acks[:13]]
    typed = push.texts[-1].splitlines()[2:]
    assert typed == [f"Konfirmasi penerimaan B-{n}: /broadcast ack B-{n}" for n in range(1, 31)]


async def test_a_typed_command_is_answered_on_line(world: World) -> None:
    assert await world.line.deliver(world.line.text(TH_FP, "/ping")) == 200
    await world.bot.settle()
    # Pointer-only channels carry no casework, but "pong" holds none.
    assert world.api.texts_to(TH_FP) == ["pong"]


async def test_a_redelivered_event_has_one_effect(world: World) -> None:
    request_id = await file_request(world)
    tap = world.line.postback(TH_FP, f"/ack {request_id}", event_id="01HREDELIVERED000000000001")
    again = {**tap, "deliveryContext": {"isRedelivery": True}}
    assert await world.line.deliver(tap) == 200
    assert await world.line.deliver(again) == 200
    await world.bot.settle()

    told = [t for t in world.bot.inbox("au-officer") if "acknowledged by" in t]
    assert len(told) == 1
    rows = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'line:%'")
    assert rows == [("line:01HREDELIVERED000000000001",)]


async def test_a_bad_signature_is_refused(world: World) -> None:
    body = world.line.body(world.line.text(TH_FP, "/ping"))
    assert await world.line.post(body, secret="not-the-secret") == 401
    await world.bot.settle()
    assert world.api.pushes == []
    assert await world.bot.rows("SELECT * FROM inbound WHERE event_key LIKE 'line:%'") == []


async def test_the_webhook_check_with_no_events_is_answered(world: World) -> None:
    assert await world.line.deliver() == 200


async def test_a_stranger_gets_the_polite_refusal_and_the_admin_is_told(world: World) -> None:
    stranger = "U" + "9" * 32
    assert await world.line.deliver(world.line.follow(stranger)) == 200
    await world.bot.settle()
    assert len(world.api.delivered_to(stranger)) == 1
    assert any(stranger in t for t in world.bot.inbox("admin"))


# --- delivery semantics --------------------------------------------------------------------
async def test_a_lost_answer_is_retried_with_the_same_key_and_delivered_once(world: World) -> None:
    world.api.fail_next(500, "Internal error", accept=True)
    await file_request(world)

    attempts = [p for p in world.api.pushes if p.to == TH_FP]
    assert len(attempts) == 2 and attempts[0].retry_key == attempts[1].retry_key
    assert len(world.api.delivered_to(TH_FP)) == 1  # the retry was answered 409
    rows = await world.bot.rows("SELECT status, platform_id FROM outbox WHERE channel = 'line'")
    assert rows == [("sent", "req-1")]


async def test_a_429_is_waited_out_and_the_message_still_delivered(world: World) -> None:
    world.api.fail_next(429, "Too many requests", retry_after="0")
    request_id = await file_request(world)
    assert len(world.api.delivered_to(TH_FP)) == 1
    assert request_id in world.api.texts_to(TH_FP)[0]


async def test_a_refused_push_falls_back_and_the_officer_is_told(world: World) -> None:
    world.api.fail_next(400, "The property, 'to', in the request body is invalid")
    await file_request(world)
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'line'")
    assert rows[0][0] == "failed" and "HTTP 400" in rows[0][1]
    # The pointer-only row held no text; on a full channel it says where the text is.
    assert world.bot.last("th-fp").endswith("awaits you — /show R-2026-0001 shows it here.")
    assert "could not deliver" in world.bot.last("au-officer")


@pytest.mark.expects_errors  # the refused token is logged as an error on purpose
async def test_a_refused_token_stops_only_this_channel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = await FakeLine().start()
    env = {**ENV, "FOCALBOT_LINE_CHANNEL_TOKEN": "wrong"}
    adapter = LineAdapter.from_settings(line_options(api.host), env)
    bot = await Harness(tmp_path / "bot.db", extra_adapters=[adapter]).start()
    try:
        assert await bot.say("au-officer", "/ping") == ["pong"]
    finally:
        await bot.stop()
        await api.stop()


# --- pure conversions and configuration ----------------------------------------------------
def message(text: str = "hello", message_id: int = 7) -> Outbound:
    return Outbound(message_id, "line", TH_FP, text, "th-fp", created_at="2026-01-01T00:00:00")


def test_the_retry_key_is_a_stable_uuid_per_message() -> None:
    key = retry_key(message())
    assert key == retry_key(message("other text")) != retry_key(message(message_id=8))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", key)


def test_long_text_is_split_into_at_most_five_parts() -> None:
    parts = split_text("word " * 6000)
    assert len(parts) == 5 and all(len(p) <= 5000 for p in parts)
    assert parts[-1].endswith("approved channel]")


def test_a_cut_is_noted_in_the_readers_language_and_the_typed_commands_survive_it() -> None:
    from adapters.line_convert import push_request

    buttons = tuple(Button(f"Pilihan {n}", f"/return answer {n}") for n in range(14))
    long = Outbound(1, "line", TH_FP, "kata " * 6000, buttons=buttons)  # 13 chips, 1 typed
    assert push_request(long).messages[-1].text == "Pilihan 13: /return answer 13"
    with marked("ms"):
        request = push_request(long, "ms")
    texts = [m.text for m in request.messages]
    assert len(texts) == 5 and all(len(t) <= 5000 for t in texts)
    assert texts[-2].endswith("\n‹ms›[…cut: the rest is on an approved channel]‹/ms›")
    assert texts[-1] == "Pilihan 13: /return answer 13"


def test_labels_that_cannot_be_told_apart_are_typed_instead() -> None:
    from adapters.line_convert import push_request

    same = (Button("Acknowledge", "/ack R-2026-0001"), Button("Acknowledge", "/refer R-2026-0001"))
    request = push_request(Outbound(1, "line", TH_FP, "Take it or pass it on", buttons=same))
    assert request.messages[-1].quick_reply is None
    assert request.messages[-1].text.endswith("Acknowledge: /refer R-2026-0001")


def test_errors_map_onto_the_core_classes() -> None:
    from linebot.v3.messaging.exceptions import ApiException

    def failure(status: int, message: str = "") -> ApiException:
        exc = ApiException(status=status, reason="x")
        exc.body = f'{{"message": "{message}"}}'
        return exc

    assert isinstance(translate_error(failure(429)), RateLimited)
    assert isinstance(
        translate_error(failure(429, "You have reached your monthly limit.")), PermanentError
    )
    assert isinstance(translate_error(failure(503)), TransientError)
    assert isinstance(translate_error(failure(400)), PermanentError)
    assert isinstance(translate_error(failure(403)), PermanentError)


def test_group_chatter_is_not_addressed_but_commands_are() -> None:
    side = LineSide("unused")
    group = {"type": "group", "groupId": "C123", "userId": TH_FP}
    chatter = inbound_event(Event.from_dict(side.text(TH_FP, "hi all") | {"source": group}))
    command = inbound_event(Event.from_dict(side.text(TH_FP, "/ping") | {"source": group}))
    assert isinstance(chatter, TextMessage) and not chatter.addressed
    assert isinstance(command, TextMessage) and command.addressed and not command.chat.private
    press = inbound_event(Event.from_dict(side.postback(TH_FP, "/ack R-1")))
    assert isinstance(press, ButtonPress) and press.command == "/ack R-1"


def test_a_button_too_long_for_a_postback_is_spelled_out() -> None:
    from adapters.line_convert import push_request

    long = Button("Start", "/return " + "x" * 400)
    request = push_request(Outbound(1, "line", TH_FP, "hi", buttons=(long,)))
    assert request.messages[-1].quick_reply is None
    assert request.messages[-1].text.endswith(long.command)


def test_the_shipped_section_builds_an_adapter_when_both_secrets_are_set() -> None:
    built = platform_adapters(shipped_settings(), ENV)
    assert [type(a) for a in built] == [LineAdapter]
    assert shipped_settings().channels["line"].content == "pointer"


def test_missing_secret_and_bad_keys_name_the_key() -> None:
    section = line_options("https://api.line.me")
    with pytest.raises(ConfigError, match="channels.line.secret_env"):
        LineAdapter.from_settings(section, {"FOCALBOT_LINE_CHANNEL_TOKEN": TOKEN})
    with pytest.raises(ConfigError, match="channels.line.api_host"):
        parse_options({**section, "api_host": "api.line.me"})
    with pytest.raises(ConfigError, match="channels.line.prot"):
        parse_options({**section, "prot": 1})
