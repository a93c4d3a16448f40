"""The Viber adapter, end to end: signed callbacks in, the real core, a fake REST bot API.

The adapter's own aiohttp client talks HTTP to :class:`tests.fake_viber.FakeViber`, which also
plays Viber's servers calling the bot's webhook; the core runs on a temporary database through
:class:`tests.harness.Harness`. Officers speak on the in-memory ``console`` channel;
Thailand's focal point (``th-fp``) prefers Viber, which the shipped ``bot.toml`` marks
pointer-only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.channels import CORE_KEYS, platform_adapters
from adapters.viber import ViberAdapter, parse_options
from adapters.viber_convert import keyboard, send_payload, signed_by, translate_status
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError
from bot.events import Button, Outbound
from tests.fake_viber import TOKEN, FakeViber
from tests.harness import Harness, settings_preferring, shipped_settings
from tests.marked_catalog import marked

TH_FP = "THfpViber0000000000001=="  # th-fp's Viber identity in the shipped bot.toml
ENV = {"FOCALBOT_VIBER_TOKEN": TOKEN}
SECRET_TEXT = "Please trace passport N1234567 for Somchai."


def viber_options(api_url: str, **changes: object) -> dict[str, object]:
    """The shipped ``[channels.viber]`` keys, pointed at the fake and a free local port."""
    section = shipped_settings().channels["viber"].model_dump(exclude=CORE_KEYS)
    return {
        **section,
        "api_url": api_url,
        "webhook_url": "http://127.0.0.1:0/viber/callback",  # the port is fixed up at start
        "port": 0,
        "per_user_interval": 0.0,
        **changes,
    }


@dataclass
class World:
    """A running bot with a Viber channel and the fake Viber."""

    bot: Harness
    adapter: ViberAdapter
    viber: FakeViber


class LocalViber(ViberAdapter):
    """The real adapter, registering the webhook at the port the test server got."""

    async def _serve(self) -> None:
        await super()._serve()
        url = f"http://127.0.0.1:{self.port}/viber/callback"
        self.options = self.options.model_copy(update={"webhook_url": url})


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    viber = await FakeViber().start()
    adapter = LocalViber.from_settings(viber_options(viber.api_url), ENV)
    bot = Harness(tmp_path / "bot.db", settings_preferring("viber", "th-fp"), [adapter])
    await bot.start()
    yield World(bot, adapter, viber)  # type: ignore[arg-type]
    await bot.stop()
    await viber.stop()


async def file_request(world: World, text: str = f"urgent {SECRET_TEXT}") -> str:
    """An officer on the console files a request; return its id."""
    return await world.bot.file_request(f"TH {text}")


# --- the main scenario -----------------------------------------------------------------------
async def test_a_request_reaches_a_subscriber_as_a_pointer_and_is_acknowledged_by_keyboard(
    world: World,
) -> None:
    assert world.viber.webhook_checked == 200  # set_webhook's check call was answered
    assert (await world.viber.subscribe(TH_FP)).status == 200
    request_id = await file_request(world)

    [sent] = world.viber.sent_to(TH_FP)
    assert sent["text"] == f"{request_id} awaits you — open it on console."
    assert sent["sender"] == {"name": "FocalPoint"}
    assert "N1234567" not in str(sent) and "Somchai" not in str(sent)
    [button] = sent["keyboard"]["Buttons"]
    assert (button["ActionType"], button["ActionBody"]) == ("reply", f"/ack {request_id}")

    assert (await world.viber.tap(TH_FP, sent)).status == 200
    await world.bot.settle()

    assert any("acknowledged by Niran" in t for t in world.bot.inbox("au-officer"))
    assert all("N1234567" not in str(body) for body in world.viber.sends())


async def test_a_person_who_never_subscribed_is_reached_on_their_next_channel(
    world: World,
) -> None:
    await file_request(world)
    assert len(world.viber.sends()) == 1 and world.viber.sent_to(TH_FP) == []
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'viber'")
    assert rows == [("failed", "viber refused: receiverNotSubscribed")]
    assert "could not deliver your message to Niran Example on viber" in world.bot.last(
        "au-officer"
    )
    assert world.adapter.subscribed == {TH_FP: False}


async def test_after_unsubscribing_nothing_is_sent_to_viber(world: World) -> None:
    await world.viber.subscribe(TH_FP)
    await world.viber.unsubscribe(TH_FP)
    await file_request(world)
    assert world.viber.sends() == []  # refused locally, without calling Viber
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'viber'")
    assert rows[0][0] == "failed" and "unsubscribed" in rows[0][1]
    # the request went whole, at once, where its pointer would have sent him (the console
    # standing in): nothing is lost with Viber's pointer
    assert "Please trace passport N1234567" in world.bot.last("th-fp")


async def test_a_message_subscribes_and_is_answered(world: World) -> None:
    assert (await world.viber.message(TH_FP, "/whoami")).status == 200
    await world.bot.settle()
    assert world.viber.texts_to(TH_FP) == [
        "A message from FocalPoint awaits you — open it on console."
    ]


async def test_a_repeated_callback_has_one_effect(world: World) -> None:
    await world.viber.subscribe(TH_FP)
    request_id = await file_request(world)
    payload = world.viber.message_payload(
        TH_FP, f"/ack {request_id}", token=7_000_000_000_000_000_001
    )
    assert (await world.viber.callback(payload)).status == 200
    assert (await world.viber.callback(payload)).status == 200
    await world.bot.settle()

    assert len([t for t in world.bot.inbox("au-officer") if "acknowledged by" in t]) == 1
    rows = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'viber:%'")
    assert rows == [("viber:7000000000000000001",)]


async def test_a_bad_signature_is_refused(world: World) -> None:
    payload = world.viber.message_payload(TH_FP, "/ping")
    assert (await world.viber.callback(payload, token="not-the-token")).status == 401
    await world.bot.settle()
    assert world.viber.sends() == []
    assert world.adapter.subscribed == {}
    assert await world.bot.rows("SELECT * FROM inbound WHERE event_key LIKE 'viber:%'") == []


async def test_opening_the_chat_gets_the_welcome(world: World) -> None:
    reply = await world.viber.open_conversation("NEWuser000000000000000==")
    assert reply.status == 200 and "/help" in reply.body


async def test_the_welcome_is_in_the_language_of_the_person_opening_the_chat(
    world: World,
) -> None:
    with marked("th"):
        await world.bot.say("th-fp", "/language th")
        thai = await world.viber.open_conversation(TH_FP)
        stranger = await world.viber.open_conversation("NEWuser000000000000000==")
    welcome = "Hello. Send me any message (for example /help) so I can reach you here."
    assert json.loads(thai.body)["text"] == f"‹th›{welcome}‹/th›"
    assert json.loads(stranger.body)["text"] == welcome  # the bot's default language


async def test_http_429_and_5xx_are_retried_until_delivered(world: World) -> None:
    await world.viber.subscribe(TH_FP)
    world.viber.fail_next(http=429)
    world.viber.fail_next(http=503)
    request_id = await file_request(world)
    assert len(world.viber.sends()) == 3
    assert world.viber.texts_to(TH_FP) == [f"{request_id} awaits you — open it on console."]


# --- pure conversions and configuration ----------------------------------------------------
def test_signatures_are_hex_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"event":"webhook"}'
    right = hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
    assert signed_by(TOKEN, body, right) and signed_by(TOKEN, body, right.upper())
    assert not signed_by(TOKEN, body + b" ", right)


def test_statuses_map_onto_the_core_classes() -> None:
    assert isinstance(translate_status(12, "tooManyRequests"), RateLimited)
    assert isinstance(translate_status(6, "receiverNotSubscribed"), PermanentError)
    assert isinstance(translate_status(2, "invalidAuthToken"), PermanentError)
    assert isinstance(translate_status(10, "webhookNotSet"), TransientError)
    assert isinstance(translate_status(99, "generalError"), TransientError)


def test_labels_are_escaped_and_long_commands_spelled_out() -> None:
    board = keyboard([Button("<b>Ack</b>", "/ack R-1")])
    assert board is not None and board["Buttons"][0]["Text"] == "&lt;b&gt;Ack&lt;/b&gt;"
    long = Button("Start", "/return " + "x" * 300)
    payload = send_payload(Outbound(1, "viber", TH_FP, "hi", buttons=(long,)), "FocalPoint")
    assert "keyboard" not in payload and payload["text"].endswith(long.command)
    huge = send_payload(Outbound(2, "viber", TH_FP, "y" * 9000), "FocalPoint")
    assert len(huge["text"]) == 7000 and huge["text"].endswith("approved channel]")


async def test_every_independent_button_is_typed_and_the_keyboard_holds_what_it_can(
    world: World,
) -> None:
    """A handover with thirty broadcasts to acknowledge: 24 keyboard buttons, and all thirty
    commands typed (those beyond the keyboard, and the rest once the keyboard is gone)."""
    assert (await world.viber.subscribe(TH_FP)).status == 200
    acks = tuple(Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(1, 31))
    await world.adapter.send(Outbound(92, "viber", TH_FP, "Handed over to you.", "th-fp", acks))
    [sent] = world.viber.sent_to(TH_FP)
    assert [b["ActionBody"] for b in sent["keyboard"]["Buttons"]] == [b.command for b in acks[:24]]
    typed = sent["text"].splitlines()[2:]
    assert typed == [f"Acknowledge B-{n}: /broadcast ack B-{n}" for n in range(1, 31)]


def test_a_cut_is_noted_in_the_readers_language_and_keeps_the_typed_commands() -> None:
    long = Button("Start", "/return " + "x" * 300)
    message = Outbound(3, "viber", TH_FP, "y" * 9000, buttons=(long,))
    assert send_payload(message, "FocalPoint")["text"].endswith(f"\n\nStart: {long.command}")
    with marked("ms"):
        text = send_payload(message, "FocalPoint", "ms")["text"]
    assert len(text) == 7000 and text.endswith(f"\n\nStart: {long.command}")
    assert "y\n‹ms›[…cut: the rest is on an approved channel]‹/ms›\n\nStart" in text


def test_pacing_comes_from_the_section() -> None:
    options = viber_options("https://chatapi.viber.com/pa/", per_user_interval=2.5)
    adapter = ViberAdapter.from_settings(options, ENV)
    assert adapter.pacing.per_chat_interval == 2.5 and adapter.pacing.overall_rate == 10.0


def test_the_shipped_section_needs_the_public_webhook_url() -> None:
    with pytest.raises(ConfigError, match="channels.viber.webhook_url"):
        platform_adapters(shipped_settings(), ENV)
    with pytest.raises(ConfigError, match="channels.viber.sender_name"):
        parse_options(viber_options("https://x.example/pa/", sender_name="x" * 29))
    assert shipped_settings().channels["viber"].content == "pointer"


async def test_a_failed_callback_marks_the_message_failed_and_falls_back(world: World) -> None:
    assert (await world.viber.subscribe(TH_FP)).status == 200
    await file_request(world)
    [sent] = world.viber.sent_to(TH_FP)
    failed = {
        "event": "failed",
        "timestamp": 1,
        "message_token": sent["_token"],
        "user_id": TH_FP,
        "desc": "the user's device is unreachable",
    }
    for _ in range(2):  # Viber may call more than once
        assert (await world.viber.callback(failed)).status == 200
        await world.bot.settle()
    rows = await world.bot.rows(
        "SELECT status FROM outbox WHERE channel = 'viber' AND platform_id = ?",
        [str(sent["_token"])],
    )
    assert rows == [("failed",)]
    told = [m for m in world.bot.inbox("au-officer") if "could not deliver" in m]
    assert len(told) == 1 and "on viber (the platform could not deliver it)" in told[0]
    assert "Please trace passport N1234567" in world.bot.last("th-fp")  # whole, at once
