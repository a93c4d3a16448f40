"""The SMS adapter, end to end: signed webhook calls in, the real core, a fake provider API.

The adapter's own aiohttp client talks HTTP to :class:`tests.fake_sms.FakeSms`, which also plays
the phone network calling the bot's webhook. The bot's public URL is an https address on another
host, as behind a reverse proxy: the provider signs that URL and the fake forwards the call to
the adapter's local server. The core runs on a temporary database through
:class:`tests.harness.Harness`; Thailand's focal point (``th-fp``) prefers SMS, which the shipped
``bot.toml`` marks pointer-only.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.channels import CORE_KEYS, platform_adapters
from adapters.sms import SmsAdapter, parse_options
from adapters.sms_convert import command_line, sms_body, translate_error
from bot.errors import ConfigError, PermanentError, RateLimited, TransientError
from bot.events import Button
from bot.factory import default_registry
from tests.fake_sms import ACCOUNT_SID, BOT_NUMBER, TOKEN, FakeSms
from tests.harness import Harness, settings_preferring, shipped_settings
from tests.marked_catalog import marked

TH_FP = "+66800000041"  # th-fp's SMS identity in the shipped bot.toml
PUBLIC = "https://bot.example.org/sms"
ENV = {"FOCALBOT_SMS_AUTH_TOKEN": TOKEN, "FOCALBOT_SMS_ACCOUNT_SID": ACCOUNT_SID}
SECRET_TEXT = "Please trace passport N1234567 for Somchai."
COMMANDS = frozenset(spec.name for spec in default_registry())


def sms_options(api_url: str, **changes: object) -> dict[str, object]:
    """The shipped ``[channels.sms]`` keys, pointed at the fake and a free local port."""
    section = shipped_settings().channels["sms"].model_dump(exclude=CORE_KEYS)
    return {
        **section,
        "api_url": api_url,
        "from_number": BOT_NUMBER,
        "webhook_url": PUBLIC,
        "port": 0,
        "per_user_interval": 0.0,
        "messages_per_second": 0.0,
        **changes,
    }


@dataclass
class World:
    """A running bot with an SMS channel and the fake provider."""

    bot: Harness
    adapter: SmsAdapter
    sms: FakeSms


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    sms = await FakeSms(webhook=PUBLIC).start()
    adapter = SmsAdapter.from_settings(sms_options(sms.api_url), ENV)
    bot = Harness(tmp_path / "bot.db", settings_preferring("sms", "th-fp"), [adapter])
    await bot.start()
    sms.proxy = f"http://127.0.0.1:{adapter.port}"
    yield World(bot, adapter, sms)
    await bot.stop()
    await sms.stop()


async def file_request(world: World, text: str = f"urgent {SECRET_TEXT}") -> str:
    """An officer on the console files a request; return its id."""
    return await world.bot.file_request(f"TH {text}")


# --- the main scenario -----------------------------------------------------------------------
async def test_what_to_text_back_is_said_in_the_readers_language(world: World) -> None:
    with marked("th"):
        await world.bot.say("th-fp", "/language th")
        request_id = await file_request(world)
    [sent] = world.sms.sent_to(TH_FP)
    hint = sent["Body"].splitlines()[-1]
    assert hint == f"‹th›‹th›Acknowledge‹/th›: reply ACK {request_id}‹/th›"  # words kept


async def test_a_request_reaches_sms_as_a_pointer_and_ack_by_sms_acknowledges(
    world: World,
) -> None:
    request_id = await file_request(world)
    [sent] = world.sms.sent_to(TH_FP)
    assert sent["Body"] == (
        f"{request_id} awaits you - open it on console.\nAcknowledge: reply ACK {request_id}"
    )
    assert (sent["From"], sent["StatusCallback"]) == (BOT_NUMBER, f"{PUBLIC}/status")
    assert "N1234567" not in str(sent) and "Somchai" not in str(sent)

    assert await world.sms.text(TH_FP, f"ack {request_id.lower()}") == 200
    await world.bot.settle()

    assert any("acknowledged by Niran" in t for t in world.bot.inbox("au-officer"))
    assert all("N1234567" not in m.get("Body", "") for m in world.sms.messages)
    rows = await world.bot.rows(
        "SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND kind = 'ack'", [request_id]
    )
    assert rows == [(1,)]


async def test_a_redelivered_sms_has_one_effect(world: World) -> None:
    request_id = await file_request(world)
    sid = "SM" + "f" * 32
    assert await world.sms.text(TH_FP, f"ACK {request_id}", sid=sid) == 200
    assert await world.sms.text(TH_FP, f"ACK {request_id}", sid=sid) == 200
    await world.bot.settle()

    assert len([t for t in world.bot.inbox("au-officer") if "acknowledged by" in t]) == 1
    rows = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'sms:%'")
    assert rows == [(f"sms:{sid}",)]


async def test_bad_signatures_and_other_accounts_are_refused(world: World) -> None:
    assert await world.sms.text(TH_FP, "PING", token="not-the-token") == 403
    other = world.sms.incoming(TH_FP, "PING") | {"AccountSid": "AC" + "9" * 32}
    assert await world.sms.post(PUBLIC, other) == 403
    wrong_url = world.sms.incoming(TH_FP, "PING")
    assert await world.sms.post("https://bot.example.org/sms?x=1", wrong_url) == 403
    await world.bot.settle()
    assert world.sms.messages == []
    assert await world.bot.rows("SELECT * FROM inbound WHERE event_key LIKE 'sms:%'") == []


async def test_opt_out_words_are_left_to_the_provider(world: World) -> None:
    assert await world.sms.text(TH_FP, "STOP") == 200
    await world.bot.settle()
    assert world.sms.messages == []
    assert await world.bot.rows("SELECT * FROM inbound WHERE event_key LIKE 'sms:%'") == []


async def test_status_callbacks_are_checked_and_recorded(world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    await file_request(world)
    [sent] = world.sms.sent_to(TH_FP)
    assert await world.sms.report(sent, "delivered", token="forged") == 403
    assert world.adapter.statuses == {}

    assert await world.sms.report(sent, "sent") == 204
    with caplog.at_level(logging.WARNING, logger="adapters.sms"):
        assert await world.sms.report(sent, "undelivered", error="30003") == 204
    assert world.adapter.statuses == {sent["_sid"]: "undelivered"}
    assert f"message {sent['_sid']} undelivered (error 30003)" in caplog.text
    assert TH_FP not in caplog.text  # phone numbers stay out of the log
    # Not only logged: the core marks it failed, falls back and tells the officer, once.
    await world.bot.settle()
    rows = await world.bot.rows(
        "SELECT status, error FROM outbox WHERE channel = 'sms' AND platform_id = ?", [sent["_sid"]]
    )
    assert rows == [("failed", "after sending: undelivered (error 30003)")]
    told = [m for m in world.bot.inbox("au-officer") if "could not deliver" in m]
    assert len(told) == 1 and "on sms (the platform could not deliver it)" in told[0]
    assert await world.sms.report(sent, "undelivered", error="30003") == 204  # Twilio retries
    await world.bot.settle()
    assert len([m for m in world.bot.inbox("au-officer") if "could not deliver" in m]) == 1


async def test_an_invalid_number_falls_back_and_the_officer_is_told(world: World) -> None:
    world.sms.fail_next(400, 21211, "The 'To' number is not a valid phone number.")
    await file_request(world)
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'sms'")
    assert rows == [
        ("failed", "sms: HTTP 400 code 21211: The 'To' number is not a valid phone number.")
    ]
    assert "could not deliver your message to Niran Example on sms" in world.bot.last("au-officer")


async def test_a_429_is_waited_out_and_the_message_still_delivered(world: World) -> None:
    world.sms.fail_next(429, 20429, "Too Many Requests", retry_after="0")
    request_id = await file_request(world)
    assert len(world.sms.messages) == 2
    assert request_id in world.sms.bodies_to(TH_FP)[0]


async def test_wrong_credentials_fail_for_good(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sms = await FakeSms(webhook=PUBLIC).start()
    env = {**ENV, "FOCALBOT_SMS_AUTH_TOKEN": "wrong"}
    adapter = SmsAdapter.from_settings(sms_options(sms.api_url), env)
    bot = await Harness(tmp_path / "bot.db", settings_preferring("sms", "th-fp"), [adapter]).start()
    try:
        await bot.say("au-officer", f"/request TH urgent {SECRET_TEXT}")
        await bot.settle()
        assert sms.refused_logins == 1
        rows = await bot.rows("SELECT status, error FROM outbox WHERE channel = 'sms'")
        assert rows == [("failed", "sms: HTTP 401 code 20003: Authenticate")]
    finally:
        await bot.stop()
        await sms.stop()


# --- pure conversions and configuration ----------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("ACK R-2026-0042", "/ack R-2026-0042"),
        ("ack r-2026-0042", "/ack R-2026-0042"),
        (
            "  Reply r-2026-0042 Found him at r-2026-0001  ",
            "/reply R-2026-0042 Found him at r-2026-0001",
        ),
        ("CLOSE R-2026-0042 done", "/close R-2026-0042 done"),
        ("/ack R-2026-0042", "/ack R-2026-0042"),
        ("help", "/help"),
        ("hello there", "hello there"),
        ("STOP", None),
        ("start", None),
        ("   ", None),
    ],
)
def test_short_sms_commands_become_command_lines(typed: str, line: str | None) -> None:
    assert command_line(typed, COMMANDS) == line


def test_notifications_are_cut_but_reply_hints_kept() -> None:
    buttons = (Button("Acknowledge", "/ack R-2026-0001"), Button("Open it", "/period confirm"))
    body = sms_body("R-1 awaits you — “open” it… " + "x" * 600, buttons, 100)
    text, *hints = body.split("\n")
    assert len(text) == 100 and text.startswith('R-1 awaits you - "open" it... ')
    assert hints == ["Acknowledge: reply ACK R-2026-0001", "Open it: reply PERIOD confirm"]


def test_a_thai_notification_is_cut_between_clusters_only() -> None:
    thai = "ที่นี่มีผู้หญิงสองคนรอที่ด่านตรวจคนเข้าเมือง" * 20  # no spaces between words
    for limit in range(60, 70):  # wherever the cut falls, on a letter or on its mark
        text = sms_body(thai, (), limit).removesuffix("...")
        assert thai.startswith(text) and len(text) <= limit - 3
        assert not unicodedata.category(thai[len(text)]).startswith("M"), limit


def test_many_reply_hints_are_kept_and_the_text_cut_for_them() -> None:
    """Thirty broadcasts handed over: the hints need over a thousand characters, so the text
    gives way, never a hint."""
    acks = tuple(Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(1, 31))
    body = sms_body("Handed over to you. " + "x" * 600, acks, 480)
    text, *hints = body.split("\n")
    assert len(body) <= 1600 and text.endswith("...")
    assert hints == [f"Acknowledge B-{n}: reply BROADCAST ack B-{n}" for n in range(1, 31)]


def test_hints_beyond_one_sms_are_counted_in_the_readers_language() -> None:
    acks = tuple(Button(f"Acknowledge B-{n}", f"/broadcast ack B-{n}") for n in range(1, 61))
    with marked("th"):
        body = sms_body("Handed over to you.", acks, 480, "th")
    lines = body.split("\n")
    assert len(body) <= 1600 and lines[0] == "Handed over to you."
    assert lines[-1].startswith("‹th›") and "more actions could not fit in this SMS." in lines[-1]
    left = int(lines[-1].removeprefix("‹th›").split()[0])
    assert len(lines) - 2 + left == 60  # every hint shown or counted


def test_errors_map_onto_the_core_classes() -> None:
    assert isinstance(translate_error(429, {"code": 20429}, "3"), RateLimited)
    assert translate_error(429, {}, "3").retry_after == 3.0  # type: ignore[attr-defined]
    assert isinstance(translate_error(503, {}, None), TransientError)
    assert isinstance(translate_error(400, {"code": 21610}, None), PermanentError)
    assert isinstance(translate_error(404, "not json", None), PermanentError)


def test_configuration_errors_name_the_key() -> None:
    section = sms_options("https://api.twilio.com")
    with pytest.raises(ConfigError, match="channels.sms.from_number"):
        parse_options({**section, "from_number": ""})
    with pytest.raises(ConfigError, match="channels.sms.from_number"):
        parse_options({**section, "messaging_service_sid": "MG" + "a" * 32})
    with pytest.raises(ConfigError, match="channels.sms.webhook_url"):
        parse_options({**section, "webhook_url": "https://bot.example.org/sms?token=1"})
    with pytest.raises(ConfigError, match="channels.sms.account_sid_env"):
        SmsAdapter.from_settings(section, {"FOCALBOT_SMS_AUTH_TOKEN": TOKEN})
    with pytest.raises(ConfigError, match="channels.sms.webhook_url"):
        platform_adapters(shipped_settings(), ENV)
    assert shipped_settings().channels["sms"].content == "pointer"


async def test_help_by_sms_leaves_out_the_languages_list(world: World) -> None:
    """The list of languages in their own scripts made /help eight paid UCS-2 segments and
    pushed its last line past the provider's cut; /language lists them."""
    assert await world.sms.text(TH_FP, "help") == 200
    await world.bot.settle()
    [sent] = world.sms.sent_to(TH_FP)
    body = sent["Body"]
    assert "/language" in body and "ไทย" not in body and "العربية" not in body, body
    assert body.isascii() and len(body) <= 3 * 153, body  # GSM-7: at most three segments
    [console] = await world.bot.say("th-fp", "/help")  # other channels keep the list
    assert "ไทย" in console
