"""The WhatsApp channel, end to end: signed webhook calls in, the real core, a fake Cloud API.

:class:`tests.fake_whatsapp.FakeGraph` stands in for the messages endpoint and keeps the
24-hour window; :class:`tests.fake_whatsapp.WhatsAppSide` signs and posts webhook calls into
the running adapter. The Philippines' focal point (``ph-fp``, ``+639170000035``) prefers
WhatsApp, which the shipped bot.toml marks pointer-only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.channels import CORE_KEYS
from adapters.whatsapp import WHATSAPP_PACING, WhatsAppAdapter, parse_options
from bot.dispatch import STRANGER_REPLY
from bot.errors import ConfigError
from bot.events import Button, ButtonPress, Inbound, Outbound, TextMessage
from bot.ports import FollowUp, Pacing, SentInPart
from tests.fake_whatsapp import (
    APP_SECRET,
    PHONE_NUMBER_ID,
    TEMPLATE,
    TOKEN,
    VERIFY_TOKEN,
    FakeGraph,
    WhatsAppSide,
)
from tests.harness import Harness, quickly_paced, settings_preferring, shipped_settings
from tests.marked_catalog import marked

PH_FP = "639170000035"
ENV = {
    "FOCALBOT_WHATSAPP_TOKEN": TOKEN,
    "FOCALBOT_WHATSAPP_APP_SECRET": APP_SECRET,
    "FOCALBOT_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
}
REQUEST_TEXT = "Please trace the owner of vessel MV Example Star."


def whatsapp_options(api_host: str, **changes: object) -> dict[str, object]:
    """The shipped ``[channels.whatsapp]`` keys, pointed at the fake and a free local port."""
    shipped = shipped_settings().channels["whatsapp"].model_dump(exclude=CORE_KEYS)
    return {
        **shipped,
        "api_host": api_host,
        "phone_number_id": PHONE_NUMBER_ID,
        "port": 0,
        "template_name": TEMPLATE,
        **changes,
    }


def settings_preferring_whatsapp(*person_ids: str):  # type: ignore[no-untyped-def]
    """Shipped settings where ``person_ids`` prefer whatsapp."""
    return settings_preferring("whatsapp", *person_ids)


@dataclass
class World:
    bot: Harness
    adapter: WhatsAppAdapter
    api: FakeGraph
    phone: WhatsAppSide

    async def write(self, wa_id: str, text: str, message_id: str = "") -> int:
        """``wa_id`` writes to the bot (which opens their window); return the HTTP status."""
        self.api.wrote(wa_id)
        reply = await self.phone.send(self.phone.text(wa_id, text, message_id))
        await self.settle()
        return reply.status

    async def settle(self) -> None:
        await self.bot.settle()
        await self.api.reports_sent()
        await self.bot.settle()


async def start_world(tmp_path, adapter: WhatsAppAdapter | None = None, settings=None) -> World:  # type: ignore[no-untyped-def]
    api = await FakeGraph().start()
    adapter = adapter or WhatsAppAdapter.from_settings(whatsapp_options(api.api_host), ENV)
    if adapter.options.api_host != api.api_host:
        adapter = WhatsAppAdapter(
            adapter.options.model_copy(update={"api_host": api.api_host}),
            TOKEN,
            APP_SECRET,
            VERIFY_TOKEN,
            adapter._clock,  # noqa: SLF001 (the test's clock)
        )
    settings = settings or settings_preferring_whatsapp("ph-fp")
    if adapter.pacing == WHATSAPP_PACING:  # (a test that set its own keeps it)
        quickly_paced(adapter)
    bot = Harness(tmp_path / "bot.db", settings, [adapter])
    await bot.start()
    url = f"http://127.0.0.1:{adapter.port}/whatsapp/webhook"
    api.webhook_url = url
    return World(bot, adapter, api, WhatsAppSide(url))


@pytest.fixture
async def world(tmp_path) -> AsyncIterator[World]:  # type: ignore[no-untyped-def]
    w = await start_world(tmp_path)
    yield w
    await w.bot.stop()
    await w.api.stop()


async def file_request(world: World) -> str:
    """An officer on the console files a request; return its id."""
    return await world.bot.file_request(f"PH urgent {REQUEST_TEXT}")


def everything_sent(world: World) -> str:
    return json.dumps([c.body for c in world.api.calls])


# --- the main scenarios ------------------------------------------------------------------------
async def test_outside_the_window_a_request_arrives_as_the_template_pointer(world: World) -> None:
    request_id = await file_request(world)
    calls = world.api.to(PH_FP)
    assert [c.kind for c in calls] == ["template"]
    template = calls[0].body["template"]
    assert template["name"] == TEMPLATE and template["language"] == {"code": "en"}
    assert calls[0].text == (
        f"{request_id} awaits you — open it on console. Reply with: Acknowledge: /ack {request_id}"
    )
    assert calls[0].token == TOKEN
    assert REQUEST_TEXT not in everything_sent(world)


async def test_the_template_goes_in_the_readers_language_where_it_is_approved_in_it(
    tmp_path: Path,
) -> None:
    options = whatsapp_options("http://127.0.0.1:9", template_languages=["fil", "th", "fa"])
    adapter = WhatsAppAdapter.from_settings(options, ENV)
    base = settings_preferring_whatsapp("ph-fp")
    people = tuple(
        p.model_copy(update={"language": "fil"}) if p.id == "ph-fp" else p for p in base.people
    )
    world = await start_world(tmp_path, adapter, base.model_copy(update={"people": people}))
    try:
        request_id = await file_request(world)
        [to_focal_point] = world.api.to(PH_FP)
        assert to_focal_point.body["template"]["language"] == {"code": "fil"}
        assert request_id in to_focal_point.text
    finally:
        await world.bot.stop()
        await world.api.stop()
    reads = {"vi-reader": "vi", "dari-reader": "fa_AF", "thai-reader": "th"}
    adapter.reader_language = lambda reader: reads[str(reader)]
    chosen = {
        person: adapter._template_language(Outbound(1, "whatsapp", "+1", "x", person))  # noqa: SLF001
        for person in [*reads, None]
    }
    # not approved in Vietnamese: the default; Dari reads the Persian one; no reader: default
    assert chosen == {"vi-reader": "en", "dari-reader": "fa", "thai-reader": "th", None: "en"}


def test_template_languages_must_be_language_codes() -> None:
    with pytest.raises(ConfigError, match="template_languages: .*'th-TH' is not a language code"):
        WhatsAppAdapter.from_settings(
            whatsapp_options("http://x", template_languages=["th-TH"]), ENV
        )


async def test_inside_the_window_the_pointer_comes_with_an_acknowledge_button(world: World) -> None:
    assert await world.write(PH_FP, "/whoami") == 200
    request_id = await file_request(world)
    call = world.api.to(PH_FP)[-1]
    assert call.kind == "interactive"
    assert call.text == f"{request_id} awaits you — open it on console."
    button = call.body["interactive"]["action"]["buttons"][0]["reply"]
    assert button == {"id": f"/ack {request_id}", "title": "Acknowledge"}

    reply = await world.phone.send(world.phone.press(PH_FP, call))
    await world.settle()
    assert reply.status == 200
    assert any("acknowledged by Jose Example" in t for t in world.bot.inbox("au-officer"))
    assert REQUEST_TEXT not in everything_sent(world)


LONG = "\n\n".join(f"Paragraph {n}: " + " ".join(["evidence"] * 100) for n in range(10))
ACK = (Button("Acknowledge", "/broadcast ack B-1"),)


async def test_long_free_form_text_goes_in_parts_and_keeps_its_typed_commands(
    world: World,
) -> None:
    world.adapter.pacing = Pacing(per_chat_interval=0.05)  # parts a second apart, shortened
    assert await world.write(PH_FP, "/whoami") == 200
    before = len(world.api.to(PH_FP))
    with marked("fil"):
        await world.bot.say("ph-fp", "/language fil")  # on the console: nothing sent here
        await world.adapter.send(Outbound(93, "whatsapp", "+" + PH_FP, LONG, "ph-fp", ACK))
    parts = [c.text for c in world.api.to(PH_FP)[before:]]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert all(p.endswith(("evidence", "/broadcast ack B-1")) for p in parts)  # at breaks
    assert parts[-1].endswith("\n\n‹fil›Reply with:‹/fil›\nAcknowledge: /broadcast ack B-1")
    assert "\n\n".join(parts).startswith(LONG)


async def test_a_template_too_short_for_the_message_says_so_and_it_follows_in_full(
    world: World,
) -> None:
    """Outside the window the template holds 1,024 characters: it carries what fits, the
    typed command and word that the rest follows, and tells the core the message went in part
    (the core keeps that promise: tests/test_whatsapp_followup.py). Handed back as a
    follow-up, once the person has written, it goes free-form and whole, though this adapter
    never saw them write (they may have written to another replica, or before a restart)."""
    world.adapter.pacing = Pacing(per_chat_interval=0.05)
    sent = await world.adapter.send(Outbound(93, "whatsapp", "+" + PH_FP, LONG, "ph-fp", ACK))
    [template] = world.api.to(PH_FP)
    assert isinstance(sent, SentInPart) and sent == template.wamid
    assert template.kind == "template" and len(template.text) <= 1024
    assert template.text.startswith("Paragraph 0: evidence")
    assert template.text.endswith(
        "… (Shortened: reply to this message and it follows in full.) "
        "Reply with: Acknowledge: /broadcast ack B-1"
    )

    world.api.wrote(PH_FP)  # to another replica: this adapter's window is still closed
    assert not world.adapter.in_window("+" + PH_FP)
    whole = await world.adapter.send(FollowUp(93, "whatsapp", "+" + PH_FP, LONG, "ph-fp", ACK))
    after = world.api.to(PH_FP)[1:]
    assert [c.kind for c in after] == ["text", "text", "text"]
    assert not isinstance(whole, SentInPart) and whole == after[-1].wamid
    assert "\n\n".join(c.text for c in after).startswith(LONG)
    assert after[2].text.endswith("Acknowledge: /broadcast ack B-1")


async def test_a_command_typed_on_whatsapp_runs_and_the_answer_is_a_pointer(world: World) -> None:
    await world.write(PH_FP, "/requests")
    texts = world.api.texts_to(PH_FP)
    assert texts == ["A message from FocalPoint awaits you — open it on console."]
    assert [c.kind for c in world.api.to(PH_FP)] == ["text"]


async def test_a_redelivered_call_is_handled_once(world: World) -> None:
    await world.write(PH_FP, "/whoami", message_id="wamid.SAME")
    await world.write(PH_FP, "/whoami", message_id="wamid.SAME")
    assert len(world.api.to(PH_FP)) == 1
    keys = await world.bot.rows("SELECT event_key FROM inbound WHERE event_key LIKE 'whatsapp:%'")
    assert keys == [("whatsapp:wamid.SAME",)]


async def test_a_free_form_message_refused_as_outside_the_window_goes_again_as_template(
    world: World,
) -> None:
    """The bot believed the window open; Meta reported 131047 later; the template follows."""
    await world.phone.send(world.phone.text(PH_FP, "/whoami"))  # the fake did not see it
    await world.settle()
    await world.api.wait_for(lambda: world.api.to(PH_FP))
    calls = [c for c in world.api.calls if c.to == PH_FP]
    assert [c.kind for c in calls] == ["text", "template"]
    assert calls[1].text == calls[0].text
    request_id = await file_request(world)
    assert world.api.to(PH_FP)[-1].kind == "template"  # the window is known closed now
    assert request_id in world.api.to(PH_FP)[-1].text


async def test_the_window_closes_24_hours_after_the_last_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    now = [1_800_000_000.0]
    options = parse_options(whatsapp_options("http://127.0.0.1:1"))
    adapter = WhatsAppAdapter(options, TOKEN, APP_SECRET, VERIFY_TOKEN, clock=lambda: now[0])
    w = await start_world(tmp_path, adapter)
    try:
        await w.write(PH_FP, "/whoami")
        now[0] += 23 * 3600
        assert w.adapter.in_window("+" + PH_FP)
        now[0] += 2 * 3600
        assert not w.adapter.in_window("+" + PH_FP)
        await file_request(w)
        assert [c.kind for c in w.api.to(PH_FP)] == ["text", "template"]
    finally:
        await w.bot.stop()
        await w.api.stop()


# --- webhook security --------------------------------------------------------------------------
async def test_the_handshake_echoes_the_challenge_to_our_verify_token(world: World) -> None:
    good = await world.phone.handshake(
        **{"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    wrong = await world.phone.handshake(
        **{"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    no_mode = await world.phone.handshake(
        **{"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}
    )
    assert (good.status, good.text) == (200, "1158201444")
    assert (wrong.status, no_mode.status) == (403, 403)


async def test_a_call_with_a_wrong_or_missing_signature_is_refused(world: World) -> None:
    payload = world.phone.payload([world.phone.text(PH_FP, "/request TH urgent forged")])
    wrong = await world.phone.post(payload, secret="not-the-app-secret")
    missing = await world.phone.post(payload, signature="")
    await world.settle()
    assert (wrong.status, missing.status) == (403, 401)
    assert await world.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]
    assert world.api.calls == []


async def test_calls_for_another_number_are_ignored(world: World) -> None:
    payload = world.phone.payload([world.phone.text(PH_FP, "/whoami")], phone_number_id="999")
    assert (await world.phone.post(payload)).status == 200
    await world.settle()
    assert await world.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]


async def test_a_stranger_is_refused_politely(world: World) -> None:
    await world.write("15550009999", "hello")
    assert world.api.texts_to("15550009999") == [str(STRANGER_REPLY)]  # holds no casework
    assert any("+15550009999" in t for t in world.bot.inbox("admin"))


async def test_the_webhook_answers_200_only_once_the_core_has_the_event(tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = await FakeGraph().start()
    adapter = WhatsAppAdapter.from_settings(whatsapp_options(api.api_host), ENV)
    arrived, release, received = asyncio.Event(), asyncio.Event(), []

    async def slow_core(event: Inbound) -> None:
        received.append(event)
        arrived.set()
        await release.wait()

    await adapter.start(slow_core)
    try:
        phone = WhatsAppSide(f"http://127.0.0.1:{adapter.port}/whatsapp/webhook")
        call = asyncio.create_task(phone.send(phone.text(PH_FP, "/whoami")))
        await arrived.wait()
        assert not call.done()  # Meta is still waiting for its answer
        release.set()
        assert (await call).status == 200
        assert isinstance(received[0], TextMessage) and received[0].sender.user_id == "+" + PH_FP
    finally:
        await adapter.stop()
        await adapter.close()
        await api.stop()


@pytest.mark.expects_errors  # the core failure is logged with its traceback on purpose
async def test_a_core_failure_answers_503_so_meta_delivers_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = await FakeGraph().start()
    adapter = WhatsAppAdapter.from_settings(whatsapp_options(api.api_host), ENV)

    async def failing_core(event: Inbound) -> None:
        raise RuntimeError("store unavailable")

    await adapter.start(failing_core)
    try:
        phone = WhatsAppSide(f"http://127.0.0.1:{adapter.port}/whatsapp/webhook")
        assert (await phone.send(phone.text(PH_FP, "/whoami"))).status == 503
    finally:
        await adapter.stop()
        await adapter.close()
        await api.stop()


# --- sending failures --------------------------------------------------------------------------
async def test_a_rate_limit_is_waited_out_and_the_message_delivered(world: World) -> None:
    world.api.fail_next(429, 130429)
    request_id = await file_request(world)
    assert [c.kind for c in world.api.calls if c.to == PH_FP] == ["template", "template"]
    assert request_id in world.api.texts_to(PH_FP)[0]
    rows = await world.bot.rows("SELECT status FROM outbox WHERE channel = 'whatsapp'")
    assert rows == [("sent",)]


async def test_a_server_error_is_retried(world: World) -> None:
    world.api.fail_next(503, 131016)
    await file_request(world)
    assert len(world.api.to(PH_FP)) == 1
    assert len([c for c in world.api.calls if c.to == PH_FP]) == 2


async def test_an_invalid_number_fails_for_good_and_falls_back(world: World) -> None:
    world.api.fail_next(400, 131026)
    await file_request(world)
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'whatsapp'")
    assert rows[0][0] == "failed" and rows[0][1].startswith("whatsapp: 131026")
    # the request went whole, at once, where WhatsApp's pointer names (the console standing in)
    assert world.bot.last("ph-fp").startswith("URGENT Request R-2026-0001")
    assert "could not deliver your message to Jose Example on whatsapp" in world.bot.last(
        "au-officer"
    )


async def test_a_template_that_is_not_approved_fails_for_good(world: World) -> None:
    world.api.templates.clear()
    await file_request(world)
    rows = await world.bot.rows("SELECT status, error FROM outbox WHERE channel = 'whatsapp'")
    assert rows[0][0] == "failed" and "132001" in rows[0][1]


# --- conversions and configuration -------------------------------------------------------------
def test_a_press_carries_its_command_and_a_template_quick_reply_without_one_is_text() -> None:
    from adapters.whatsapp_convert import message_event

    press = message_event(
        {
            "from": PH_FP,
            "id": "wamid.P",
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "/ack R-2026-0001"}},
        }
    )
    quick = message_event(
        {
            "from": PH_FP,
            "id": "wamid.Q",
            "type": "button",
            "button": {"text": "Stop", "payload": "x"},
        }
    )
    reaction = message_event({"from": PH_FP, "id": "wamid.R", "type": "reaction"})
    assert isinstance(press, ButtonPress) and press.command == "/ack R-2026-0001"
    assert isinstance(quick, TextMessage) and quick.text == "Stop"
    assert reaction is None


def test_buttons_that_do_not_fit_are_typed_instead() -> None:
    from adapters.whatsapp_convert import message_body
    from bot.events import Button, Outbound

    four = tuple(Button(f"Choice {i}", f"/return answer {i}") for i in range(4))
    body = message_body(Outbound(1, "whatsapp", "+" + PH_FP, "Pick one", buttons=four))
    assert body["type"] == "text" and body["to"] == PH_FP
    assert "Choice 3: /return answer 3" in body["text"]["body"]
    long_label = (Button("Acknowledge this request now please", "/ack R-2026-0001"),)
    body = message_body(Outbound(2, "whatsapp", "+" + PH_FP, "x", buttons=long_label))
    assert body["interactive"]["action"]["buttons"][0]["reply"]["title"] == "Acknowledge this re…"


def test_reply_button_titles_are_cut_apart_or_the_commands_typed() -> None:
    """Meta refuses two reply buttons with the same title: cut titles keep their ids, and
    titles that cannot be told apart give way to typed commands."""
    from adapters.whatsapp_convert import message_body

    acks = tuple(Button(f"Konfirmasi penerimaan B-{n}", f"/broadcast ack B-{n}") for n in (1, 2))
    body = message_body(Outbound(1, "whatsapp", "+" + PH_FP, "Diserahkan.", buttons=acks))
    titles = [b["reply"]["title"] for b in body["interactive"]["action"]["buttons"]]
    assert titles == ["Konfirmasi… B-1", "Konfirmasi… B-2"]
    alike = (Button("Acknowledge", "/ack R-2026-0001"), Button("Acknowledge", "/ack R-2026-0002"))
    with marked("ms"):
        body = message_body(Outbound(2, "whatsapp", "+" + PH_FP, "Two.", buttons=alike), "ms")
    assert body["type"] == "text"
    assert body["text"]["body"] == (
        "Two.\n\n‹ms›Reply with:‹/ms›\nAcknowledge: /ack R-2026-0001\nAcknowledge: /ack R-2026-0002"
    )


def test_template_parameters_are_one_line() -> None:
    from adapters.whatsapp_convert import one_line

    assert one_line("Line one\n\nline   two\tend") == "Line one · line two end"


def test_missing_secrets_and_bad_keys_are_named() -> None:
    with pytest.raises(ConfigError, match="channels.whatsapp.app_secret_env"):
        WhatsAppAdapter.from_settings(
            whatsapp_options("http://x"), {"FOCALBOT_WHATSAPP_TOKEN": "t"}
        )
    with pytest.raises(ConfigError, match="channels.whatsapp.phone_number_id"):
        parse_options(whatsapp_options("http://x", phone_number_id=""))


def test_the_shipped_section_needs_the_number_id_once_the_token_is_set() -> None:
    from adapters.channels import platform_adapters

    with pytest.raises(ConfigError, match="channels.whatsapp.phone_number_id"):
        platform_adapters(shipped_settings(), ENV)
    whatsapp = shipped_settings().channels["whatsapp"]
    channels = {"whatsapp": whatsapp.model_copy(update={"phone_number_id": PHONE_NUMBER_ID})}
    built = platform_adapters(shipped_settings(channels=channels), ENV)
    assert [type(a) for a in built] == [WhatsAppAdapter]
    assert whatsapp.content == "pointer"


async def test_a_failure_reported_after_sending_falls_back_once(world: World) -> None:
    """Meta accepted the message, then reports it undeliverable: the core falls back."""
    await file_request(world)
    [routed] = [c for c in world.api.to(PH_FP) if c.wamid]
    failed = world.phone.payload(statuses=[world.phone.failed_status(routed.wamid, PH_FP, 131026)])
    for _ in range(2):  # Meta may report it more than once
        assert (await world.phone.post(failed)).status == 200
        await world.settle()
    rows = await world.bot.rows(
        "SELECT status, error FROM outbox WHERE platform_id = ?", [routed.wamid]
    )
    assert rows == [("failed", "after sending: not delivered (code 131026)")]
    told = [m for m in world.bot.inbox("au-officer") if "could not deliver" in m]
    assert len(told) == 1 and "on whatsapp" in told[0]


def test_an_empty_number_id_says_what_it_is_and_where_to_find_it() -> None:
    with pytest.raises(ConfigError) as empty:
        parse_options(whatsapp_options("http://x", phone_number_id=""))
    assert str(empty.value) == (
        "channels.whatsapp.phone_number_id: is empty: set the id Meta gives the bot's sending "
        "number (digits only, e.g. 106540352242922; not the phone number itself). Find it in "
        "Meta's WhatsApp Manager under Phone numbers (the number's ID), or on your app's "
        "WhatsApp > API Setup page as 'Phone number ID'"
    )
    with pytest.raises(ConfigError, match=r"'\+15550001234' is not a phone number id: set"):
        parse_options(whatsapp_options("http://x", phone_number_id="+15550001234"))
