"""The Telegram channel end to end: the real core, the real python-telegram-bot client, and a
fake Bot API server on 127.0.0.1 that enforces Telegram's limits.

People are the shipped directory's: an Australian officer (Telegram user 300020) and
Thailand's focal point (100041), both preferring Telegram. Waits are bounded only so that a
hung test fails; nothing here asserts how fast anything is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters import telegram as telegram_module
from adapters.telegram import TelegramAdapter
from adapters.telegram_convert import telegram_language_code
from bot.config import Settings
from bot.delivery import replicas
from bot.dispatch import STRANGER_REPLY
from bot.errors import RateLimited, TransientError
from bot.events import Button, ChatRef, Inbound, Outbound, Sender, TextMessage
from bot.ports import Pacing
from bot.runner import log_ready
from tests.fake_telegram import TOKEN, FakeTelegram, Limits, free_port
from tests.harness import CHAT_INTERVAL, Harness, quickly_paced, shipped_settings
from tests.marked_catalog import marked
from tests.returns_support import MID_JANUARY, PERIOD, move_to
from tests.test_replicas import crash

OFFICER, FOCAL, DEPUTY, STRANGER, MALAYSIA = 300020, 100041, 200042, 777001, 100026
GROUP = -100500
SECRET = "s3cret-hook_token"
RID = "R-2026-0001"
# PTB 22 warns from inside RetryAfter's constructor on every 429; not ours to change.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)


@dataclass
class Room:
    """A running bot on Telegram and the fake Telegram it talks to."""

    fake: FakeTelegram
    adapter: TelegramAdapter
    bot: Harness

    def say(self, user_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        """``user_id`` writes ``text`` to the bot (privately unless a chat is given)."""
        return self.fake.message(user_id, text, **kwargs)

    async def outbox(self) -> list[tuple[Any, ...]]:
        """Telegram rows of the outbox: (address, status, error)."""
        await self.bot.settle()
        return await self.bot.rows(
            "SELECT address, status, error FROM outbox WHERE channel = 'telegram' ORDER BY id"
        )


def on_telegram(**overrides: object) -> Settings:
    """The shipped directory, with everyone who has a Telegram id preferring it."""
    base = shipped_settings(**overrides)
    people = tuple(
        p.model_copy(update={"preferred_channel": "telegram"}) if "telegram" in p.identities else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


def options(fake: FakeTelegram, **extra: object) -> dict[str, object]:
    """A ``[channels.telegram]`` section pointing at the fake."""
    return {
        "token_env": "TG_TOKEN",
        "base_url": fake.base_url,
        "base_file_url": fake.base_file_url,
        "poll_timeout": 5,
        **extra,
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def running(
    tmp_path: Path, fake: FakeTelegram, settings: Settings | None = None, **extra: object
) -> Room:
    env = {"TG_TOKEN": TOKEN, "TG_SECRET": SECRET}
    adapter = TelegramAdapter.from_settings(options(fake, **extra), env)
    quickly_paced(adapter)
    fake.limits.per_chat_interval = CHAT_INTERVAL  # the fake still answers 429 to a faster one
    bot = Harness(tmp_path / "bot.db", settings or on_telegram(), extra_adapters=[adapter])
    await bot.start()
    return Room(fake, adapter, bot)


@pytest.fixture
async def room(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Room]:
    started = await running(tmp_path, fake)
    yield started
    await started.bot.stop()


@pytest.fixture
async def hooked(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Room]:
    port = free_port()
    started = await running(
        tmp_path,
        fake,
        mode="webhook",
        listen="127.0.0.1",
        port=port,
        webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
        webhook_secret_env="TG_SECRET",
    )
    yield started
    await started.bot.stop()


async def file_request(room: Room) -> dict[str, Any]:
    """The officer files an urgent request to Thailand; return what the focal point got."""
    room.say(OFFICER, f"/request TH urgent Subscriber of +66 81 234 5678 needed {'x' * 5}")
    await room.fake.wait_for_text(OFFICER, f"Request {RID} sent to Thailand")
    await room.fake.wait_for_text(FOCAL, f"URGENT Request {RID}")
    return room.fake.sent(FOCAL)[-1]


# --- the request lifecycle ----------------------------------------------------------------
async def test_request_routed_to_focal_point_with_acknowledge_button(room: Room) -> None:
    routed = await file_request(room)

    assert "Subscriber of +66 81 234 5678" in routed["text"]
    keys = routed["reply_markup"]["inline_keyboard"]
    assert keys == [[{"text": "Acknowledge", "callback_data": f"/ack {RID}"}]]
    assert room.fake.rejected_429 == 0  # the outbox kept to Telegram's pace


async def test_acknowledge_button_removes_keyboard_and_second_press_changes_nothing(
    room: Room,
) -> None:
    routed = await file_request(room)

    room.fake.press(FOCAL, routed)
    await room.fake.wait_for_text(OFFICER, f"{RID} was acknowledged by Niran Example")
    await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")
    # the adapter edits the keyboard away once the press is committed, beside the outbox's
    # confirmation: either may reach Telegram first
    await room.fake.wait_for(
        lambda: "reply_markup" not in room.fake.messages[(FOCAL, routed["message_id"])]
    )
    assert [c.status for c in room.fake.called("answerCallbackQuery")] == [200]

    room.fake.press(FOCAL, routed)  # a stale client still showing the button
    await room.fake.wait_for_text(FOCAL, "already acknowledged")
    assert len([t for t in room.fake.texts(OFFICER) if "acknowledged by" in t]) == 1
    acks = await room.bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'request.acknowledged'")
    assert acks == [(1,)]


async def test_a_press_on_one_of_several_independent_buttons_leaves_the_others(
    room: Room,
) -> None:
    """One Acknowledge per request, as a handover's: acknowledging the second keeps the others
    live."""
    room.fake.limits = Limits(per_chat_interval=0.05)  # the handover follows the requests
    ids = [f"R-2026-000{n}" for n in (1, 2, 3)]
    for n, request_id in enumerate(ids, 1):
        room.say(OFFICER, f"/request TH routine Trace phone number {n} for the case")
        await room.fake.wait_for_text(OFFICER, f"Request {request_id} sent to Thailand")
    acks = tuple(Button(f"Acknowledge {rid}", f"/ack {rid}") for rid in ids)
    handover = Outbound(97, "telegram", str(FOCAL), "Handed over to you.", "th-fp", acks)
    await room.bot.settle()  # the requests' pages are out; sent past the outbox, this one is
    await asyncio.sleep(2 * room.fake.limits.per_chat_interval)  # paced here (else a 429)
    await room.adapter.send(handover)
    sent = room.fake.sent(FOCAL)[-1]

    room.fake.press(FOCAL, sent, f"/ack {ids[1]}")
    await room.fake.wait_for_text(FOCAL, f"You acknowledged {ids[1]}")

    def kept() -> list[str]:
        markup = room.fake.messages[(FOCAL, sent["message_id"])].get("reply_markup")
        return [k["callback_data"] for row in markup["inline_keyboard"] for k in row]

    assert await room.fake.wait_for(lambda: kept() == [f"/ack {ids[0]}", f"/ack {ids[2]}"])


async def test_a_refused_press_leaves_the_keyboard_as_it_was(room: Room) -> None:
    """Malaysia's focal point, shown Thailand's request, presses its Acknowledge."""
    await file_request(room)
    room.fake.limits = Limits(per_chat_interval=0.05)  # the refusal follows at once
    ack = (Button("Acknowledge", f"/ack {RID}"),)
    await room.adapter.send(Outbound(98, "telegram", str(MALAYSIA), RID, "my-fp", ack))
    [shown] = room.fake.sent(MALAYSIA)

    room.fake.press(MALAYSIA, shown)
    await room.fake.wait_for(lambda: len(room.fake.texts(MALAYSIA)) == 2)  # the refusal
    await room.bot.settle()
    assert room.fake.messages[(MALAYSIA, shown["message_id"])]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Acknowledge", "callback_data": f"/ack {RID}"}]]
    }
    assert room.fake.called("editMessageReplyMarkup") == []
    assert [c.status for c in room.fake.called("answerCallbackQuery")] == [200]  # no spinner
    acks = await room.bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'request.acknowledged'")
    assert acks == [(0,)]


async def test_reply_is_relayed_with_markup_escaped(room: Room) -> None:
    routed = await file_request(room)
    room.fake.press(FOCAL, routed)
    await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")

    room.say(FOCAL, f"/reply {RID} Owner is <b>Somchai</b> & <a href='x'>co</a>")
    relayed = await room.fake.wait_for_text(OFFICER, "Niran Example (Thailand) wrote")

    assert "Owner is <b>Somchai</b> & <a href='x'>co</a>" in relayed[0]  # shown literally
    raw = [c.params["text"] for c in room.fake.called("sendMessage") if "wrote" in c.params["text"]]
    assert "&lt;b&gt;Somchai&lt;/b&gt; &amp; &lt;a href='x'&gt;" in raw[0]


async def test_hints_on_telegram_show_the_slash_form(room: Room) -> None:
    """Telegram people type ``/reply``: hints and help keep the slash (Slack's ``/focal`` is
    for Slack only)."""
    await file_request(room)
    room.say(FOCAL, f"/ack {RID}")
    [acked] = await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")
    assert f"Answer with /reply {RID} <text>." in acked
    room.say(FOCAL, "/help all")
    [shown] = await room.fake.wait_for_text(FOCAL, "commands you can use")
    assert "/reply <id> <text>" in shown and "/focal" not in shown
    raw = [c.params["text"] for c in room.fake.called("sendMessage")]
    assert any(f"/reply {RID} &lt;text&gt;" in text for text in raw)  # escaped for HTML


async def test_guided_return_is_completed_with_buttons(tmp_path: Path, fake: FakeTelegram) -> None:
    """Malaysia's focal point answers the guided form: buttons for Zero and Skip, typed numbers
    for required figures, then Confirm. Pacing is relaxed here (16 questions to one chat); the
    limits themselves are tested above."""
    fake.limits = Limits(per_chat_interval=0.05)
    adapter = TelegramAdapter.from_settings(options(fake), {"TG_TOKEN": TOKEN})
    adapter.pacing = Pacing(per_chat_interval=0.05, overall_rate=29)
    bot = Harness(tmp_path / "bot.db", on_telegram(periods=(PERIOD,)), extra_adapters=[adapter])
    move_to(bot, MID_JANUARY)
    await bot.start()

    fake.message(MALAYSIA, "/return")
    pressed = await answer_form(fake, MALAYSIA)
    await fake.wait_for_text(MALAYSIA, "is submitted")
    await fake.wait_for_text(200027, "submitted. By Aina Example")  # the deputy is told
    await bot.settle()

    labels = [
        b["text"] for m in pressed for row in m["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert {"Zero", "Skip", "Confirm"} <= set(labels)
    assert await fake.wait_for(  # each once carried out, which may follow the answer
        lambda: all(
            "reply_markup" not in fake.messages[(MALAYSIA, m["message_id"])] for m in pressed
        )
    )
    assert {c.status for c in fake.called("answerCallbackQuery")} == {200}
    stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
    assert stored["persons_convicted"] == 0 and stored["arrests"] == 3
    await bot.stop()


async def answer_form(fake: FakeTelegram, user: int) -> list[dict[str, Any]]:
    """Zero for the first question, 3 typed for required ones, Skip otherwise, then Confirm.

    Each answer gets exactly one message back, the next question or the summary.
    """
    pressed: list[dict[str, Any]] = []
    for step in range(40):
        await fake.wait_for(lambda seen=step: len(fake.sent(user)) > seen)
        question = fake.sent(user)[-1]
        rows = question.get("reply_markup", {}).get("inline_keyboard", [])
        keys = {b["text"]: b for row in rows for b in row}
        wanted = ("Confirm", "Zero") if step == 0 else ("Confirm", "Skip")
        choice = next((keys[k] for k in wanted if k in keys), None)
        if choice is None:
            fake.message(user, "3")
            continue
        fake.press(user, question, choice["callback_data"])
        pressed.append(question)
        if choice["text"] == "Confirm":
            return pressed
    raise AssertionError("the form never ended")


# --- delivery -------------------------------------------------------------------------------
async def test_429_storm_delays_but_loses_nothing(room: Room) -> None:
    room.fake.storm(4, retry_after=1)
    for user, n in ((OFFICER, 1), (FOCAL, 2), (DEPUTY, 3)):
        room.say(user, f"/ping {n}")
    for user, n in ((OFFICER, 1), (FOCAL, 2), (DEPUTY, 3)):
        await room.fake.wait_for_text(user, f"pong {n}")

    assert room.fake.rejected_429 == 4
    for user, n in ((OFFICER, 1), (FOCAL, 2), (DEPUTY, 3)):
        assert room.fake.texts(user) == [f"pong {n}"]
    await room.bot.settle()  # the fake saw the last pong before the outbox heard back
    assert {status for _, status, _ in await room.outbox()} == {"sent"}


async def test_bad_gateway_on_send_is_retried_and_delivered_once(room: Room) -> None:
    room.fake.outage("sendMessage")
    room.say(OFFICER, "/ping 4")
    await room.fake.wait_for_text(OFFICER, "pong 4")

    assert [c.status for c in room.fake.called("sendMessage")] == [502, 200]
    await room.bot.settle()
    rows = await room.bot.rows("SELECT status, attempts FROM outbox WHERE channel = 'telegram'")
    assert rows == [("sent", 2)]


async def test_polling_carries_on_after_a_bad_gateway(room: Room) -> None:
    room.fake.outage("getUpdates")
    room.say(OFFICER, "/ping 5")  # answers the poll in flight; the next poll fails
    await room.fake.wait_for(lambda: any(c.status == 502 for c in room.fake.calls))
    room.say(OFFICER, "/ping 6")
    await room.fake.wait_for_text(OFFICER, "pong 6")
    assert room.fake.texts(OFFICER) == ["pong 5", "pong 6"]


async def test_blocked_bot_marks_the_message_failed(room: Room) -> None:
    room.fake.blocked.add(FOCAL)
    room.say(OFFICER, "/request TH routine Vessel registry extract please")
    await room.fake.wait_for_text(OFFICER, f"Request {RID} sent")
    await room.fake.wait_for(lambda: any(c.status == 403 for c in room.fake.called("sendMessage")))
    await room.bot.settle()  # the refusal reached the fake before the outbox recorded it

    failed = [row for row in await room.outbox() if row[0] == str(FOCAL)]
    assert failed == [
        (str(FOCAL), "failed", "telegram refused: Forbidden: bot was blocked by the user")
    ]


async def test_messages_owed_at_shutdown_are_still_delivered(room: Room) -> None:
    assert room.bot.app is not None
    ping = TextMessage(
        "late-1", Sender("telegram", str(OFFICER)), ChatRef("telegram", str(OFFICER)), "/ping 9"
    )
    await room.bot.app.submit(ping)  # committed; its reply is owed...
    await room.bot.stop()  # ...when receiving stops: the outbox still delivers it, then closes

    assert room.fake.texts(OFFICER) == ["pong 9"]


async def test_long_message_is_split_with_buttons_on_the_last_part(room: Room) -> None:
    paragraphs = [f"Paragraph {i}: " + " ".join(["evidence"] * 60) for i in range(10)]
    text = "\n\n".join(paragraphs)  # about 5,600 characters
    message = Outbound(
        99, "telegram", str(FOCAL), text, "th-fp", (Button("Acknowledge", "/ack x"),)
    )

    await room.adapter.send(message)

    parts = room.fake.sent(FOCAL)
    assert len(parts) == 2 and all(len(p["text"]) <= 4096 for p in parts)
    assert parts[0]["text"].endswith("evidence")  # cut at a paragraph, not mid-word
    assert "reply_markup" not in parts[0] and "reply_markup" in parts[1]
    assert "\n\n".join(p["text"] for p in parts) == text


async def test_retry_of_a_split_message_sends_only_the_missing_part(room: Room) -> None:
    text = "\n\n".join(["first " * 500, "second " * 500]).strip()
    message = Outbound(98, "telegram", str(FOCAL), text, "th-fp")
    room.fake.outage("sendMessage", after=1)  # the first part arrives, the second fails

    with pytest.raises(TransientError) as failed:
        await room.adapter.send(message)
    assert failed.value.sent_parts == (str(room.fake.sent(FOCAL)[0]["message_id"]),)
    await room.adapter.send(replace(message, sent_parts=failed.value.sent_parts))  # the retry

    texts = room.fake.texts(FOCAL)
    assert [t.split()[0] for t in texts] == ["first", "second"]


async def test_a_split_message_retried_after_a_restart_sends_only_the_missing_part(
    tmp_path: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts that went are kept with the message in the store: the retry, by the process
    started after a crash, sends the rest (it resent the first part when only the process
    remembered it)."""
    monkeypatch.setattr(replicas, "STALE_AFTER", 2.0)  # (PostgreSQL: the crashed one's chats)
    room = await running(tmp_path, fake, LONG_REQUESTS)
    fake.outage("sendMessage", after=1, chat_id=FOCAL)  # its first part arrives, then it fails
    room.say(OFFICER, f"/request TH urgent {TWO_PARTS}")
    assert await fake.wait_for(lambda: fake.failed("sendMessage", FOCAL))
    await crash_telegram(room)  # before the retry (a clean stop would finish it first)
    await the_rest_only_after_a_restart(tmp_path, fake)


async def test_the_outboxs_retry_of_a_split_message_sends_only_the_missing_part(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    """In one process: the outbox retries with the parts the failed send reported."""
    room = await running(tmp_path, fake, LONG_REQUESTS)
    try:
        fake.outage("sendMessage", after=1, chat_id=FOCAL)  # the second part fails once
        room.say(OFFICER, f"/request TH urgent {TWO_PARTS}")
        assert await fake.wait_for(lambda: len(fake.texts(FOCAL)) >= 2)
        await room.bot.settle()
        texts = fake.texts(FOCAL)
        assert len(fake.failed("sendMessage", FOCAL)) == 1
        assert len(texts) == 2 and "first" in texts[0] and "second" in texts[1]
    finally:
        await room.bot.stop()


async def test_a_crash_between_two_parts_costs_the_next_process_the_rest_only(
    tmp_path: Path, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part but the last is noted as it goes: a process that dies while waiting the
    chat's interval between two parts leaves the next one the rest to send."""
    monkeypatch.setattr(replicas, "STALE_AFTER", 2.0)
    room = await running(tmp_path, fake, LONG_REQUESTS)
    room.adapter.pacing = replace(room.adapter.pacing, per_chat_interval=30.0)
    room.say(OFFICER, f"/request TH urgent {TWO_PARTS}")
    assert await fake.wait_for(lambda: fake.sent(FOCAL))  # the first part; the rest waits
    await crash_telegram(room)
    await the_rest_only_after_a_restart(tmp_path, fake)


LONG_REQUESTS = on_telegram().model_copy(
    update={"requests": on_telegram().requests.model_copy(update={"max_text_length": 6000})}
)
TWO_PARTS = "\n\n".join(["first " * 450, "second " * 400]).strip()  # Thailand's notice: 2 parts


async def crash_telegram(room: Room) -> None:
    """The bot process dies (the store commits what it was given, as SQLite or PostgreSQL
    has it after a crash); its Telegram client stops polling."""
    await crash(room.bot)
    await room.adapter.stop()
    await room.adapter.close()


async def the_rest_only_after_a_restart(tmp_path: Path, fake: FakeTelegram) -> None:
    """The store keeps the first part of the notice to FOCAL; a new process sends the rest."""
    probe = Harness(tmp_path / "bot.db", on_telegram())  # what the store kept
    await probe.start()
    try:
        kept = await probe.rows("SELECT parts_sent FROM outbox WHERE address = ?", [str(FOCAL)])
    finally:
        await probe.stop()
    assert kept == [(json.dumps([str(fake.sent(FOCAL)[0]["message_id"])]),)]

    again = await running(tmp_path, fake, LONG_REQUESTS)  # a new process: a new adapter
    try:  # (on PostgreSQL it adopts the chat once the crashed replica counts as gone)
        assert await fake.wait_for(lambda: len(fake.texts(FOCAL)) >= 2)
        await again.bot.settle()
        texts = fake.texts(FOCAL)
        assert len(texts) == 2 and "first" in texts[0] and "second" in texts[1]
        assert "first" not in texts[1] and "second" not in texts[0]
        rows = await again.bot.rows("SELECT status FROM outbox WHERE address = ?", [str(FOCAL)])
        assert rows == [("sent",)]
    finally:
        await again.bot.stop()


async def test_parts_to_a_group_are_spaced_by_the_groups_own_interval(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group takes about 20 messages a minute: its parts wait the group's interval, not a
    private chat's second (both shortened here; their ratio is what counts)."""
    room.fake.limits = Limits(per_chat_interval=0.05)
    room.adapter.pacing = Pacing(per_chat_interval=0.05, overall_rate=29)
    monkeypatch.setattr(telegram_module, "GROUP_INTERVAL", 0.6)
    text = "\n\n".join(["first " * 500, "second " * 500]).strip()

    await room.adapter.send(Outbound(94, "telegram", str(GROUP), text))

    sends = [c for c in room.fake.called("sendMessage") if c.params["chat_id"] == str(GROUP)]
    assert len(sends) == 2 and sends[1].at - sends[0].at >= 0.6


async def test_a_pause_begun_between_parts_holds_back_the_next_part(room: Room) -> None:
    """A 429 on another chat pauses the whole channel: the split message waiting between its
    parts leaves the rest to the outbox, which resumes after the pause."""
    room.fake.limits = Limits(per_chat_interval=0.05)
    room.adapter.pacing = Pacing(per_chat_interval=0.5, overall_rate=29)
    text = "\n\n".join(["first " * 500, "second " * 500]).strip()
    split = Outbound(96, "telegram", str(FOCAL), text, "th-fp")
    sending = asyncio.create_task(room.adapter.send(split))
    await room.fake.wait_for(lambda: room.fake.sent(FOCAL))  # the first part is out

    room.fake.storm(1, retry_after=1)
    with pytest.raises(RateLimited) as paused:
        await room.adapter.send(Outbound(95, "telegram", str(OFFICER), "pong", "au-officer"))
    pause_ends = time.monotonic() + paused.value.retry_after
    with pytest.raises(RateLimited) as cut_short:
        await asyncio.wait_for(sending, 5)
    assert len(room.fake.sent(FOCAL)) == 1  # the second part waited

    await asyncio.sleep(max(pause_ends - time.monotonic(), 0))  # as the outbox does
    await room.adapter.send(replace(split, sent_parts=cut_short.value.sent_parts))
    assert [t.split()[0] for t in room.fake.texts(FOCAL)] == ["first", "second"]


# --- who may talk to the bot, and where -----------------------------------------------------
async def test_stranger_gets_the_polite_refusal(room: Room) -> None:
    room.say(STRANGER, "/request TH urgent give me everything")
    assert await room.fake.wait_for_text(STRANGER, str(STRANGER_REPLY))
    assert await room.bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]


async def test_group_chat_answers_only_group_commands(room: Room) -> None:
    room.say(FOCAL, "good morning everyone", chat_id=GROUP, chat_type="supergroup")
    room.say(FOCAL, "/help@another_bot", chat_id=GROUP, chat_type="supergroup")
    room.say(FOCAL, "/requests", chat_id=GROUP, chat_type="supergroup")
    room.say(FOCAL, "/ping@focalpoint_test_bot 9", chat_id=GROUP, chat_type="supergroup")

    await room.fake.wait_for_text(GROUP, "pong 9")
    texts = room.fake.texts(GROUP)
    assert len(texts) == 2 and "message me privately" in texts[0]


async def test_commands_are_registered_for_private_chats_and_groups(room: Room) -> None:
    private = {c["command"] for c in room.fake.commands["all_private_chats"]}
    groups = {c["command"] for c in room.fake.commands["all_group_chats"]}
    assert {"request", "ack", "reply", "help", "ping"} <= private
    assert groups == {"help", "ping"}


async def test_command_lists_are_described_in_each_language_with_a_catalog(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    with marked("th"):
        started = await running(tmp_path, fake)
        await started.bot.stop()
    english = {c["command"]: c["description"] for c in fake.commands["all_private_chats"]}
    thai = {c["command"]: c["description"] for c in fake.commands["all_private_chats:th"]}
    assert english["help"] == "What each command does, with an example."
    assert thai["help"] == "‹th›What each command does, with an example.‹/th›"
    assert thai.keys() == english.keys()  # the command words are the same in every language
    groups = {c["command"]: c["description"] for c in fake.commands["all_group_chats:th"]}
    assert groups.keys() == {"help", "ping"} and groups["ping"].startswith("‹th›")
    # every shipped catalog gets its own list, in its own words
    vietnamese = {c["command"]: c["description"] for c in fake.commands["all_private_chats:vi"]}
    assert vietnamese.keys() == english.keys() and vietnamese["help"] != english["help"]


def test_telegram_language_codes() -> None:
    assert [telegram_language_code(x) for x in ("th", "fa_AF", "fil")] == ["th", "fa", None]


# --- exactly once ----------------------------------------------------------------------------
async def test_update_redelivered_after_a_crash_has_one_effect(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    before = await running(tmp_path, fake)
    first = before.say(OFFICER, "/ping 7")
    await fake.wait_for_text(OFFICER, "pong 7")
    await before.bot.stop()
    fake.unconfirm(first["update_id"])  # the confirmation never reached Telegram

    seen = len(fake.calls)
    after = await running(tmp_path, fake)  # a new process: new adapter, same database
    after.say(OFFICER, "/ping 8")
    await fake.wait_for_text(OFFICER, "pong 8")
    await after.bot.stop()

    assert fake.texts(OFFICER) == ["pong 7", "pong 8"]
    polls = [c for c in fake.calls[seen:] if c.method == "getUpdates" and c.result]
    assert any(first in c.result for c in polls)  # it really was delivered again


@pytest.mark.expects_errors  # the refused hand-over is logged with its traceback on purpose
async def test_update_is_confirmed_only_after_the_core_took_it(fake: FakeTelegram) -> None:
    adapter = TelegramAdapter.from_settings(options(fake), {"TG_TOKEN": TOKEN})
    taken: list[Inbound] = []

    async def sink(event: Inbound) -> None:
        if not taken:
            taken.append(event)
            raise RuntimeError("not accepting yet")  # e.g. the core is still starting
        taken.append(event)

    await adapter.start(sink)
    update = fake.message(OFFICER, "/ping 1")
    await fake.wait_for(lambda: len(taken) == 2)
    await adapter.stop()
    await adapter.close()

    assert taken[0] == taken[1] and taken[1].event_id == str(update["update_id"])
    offsets = [c.params.get("offset") for c in fake.called("getUpdates")]
    assert offsets[:2] == [None, None] and str(update["update_id"] + 1) in offsets


# --- webhook mode ----------------------------------------------------------------------------
async def test_webhook_without_the_right_secret_is_refused(hooked: Room) -> None:
    fake = hooked.fake
    assert fake.webhook["secret_token"] == SECRET
    update = {
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": OFFICER, "type": "private"},
            "from": {"id": OFFICER, "is_bot": False, "first_name": "A"},
            "text": "/ping 1",
        }
    }

    assert await fake.deliver(dict(update), secret="wrong") == 403
    assert await fake.deliver(dict(update), secret="") == 403
    await hooked.bot.settle()
    assert await hooked.bot.rows("SELECT COUNT(*) FROM inbound") == [(0,)]
    assert fake.sent() == []


async def test_webhook_update_delivered_twice_is_handled_once(hooked: Room) -> None:
    update = {
        "update_id": 5001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": OFFICER, "type": "private"},
            "from": {"id": OFFICER, "is_bot": False, "first_name": "A"},
            "text": "/ping 2",
        },
    }

    assert await hooked.fake.deliver(dict(update)) == 200
    assert await hooked.fake.deliver(dict(update)) == 200  # Telegram retrying
    await hooked.fake.wait_for_text(OFFICER, "pong 2")
    await hooked.bot.settle()
    assert hooked.fake.texts(OFFICER) == ["pong 2"]


async def test_webhook_refuses_malformed_bodies(hooked: Room) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as session:
        url = hooked.fake.webhook["url"]
        async with session.post(url, data="update_id=1", headers=headers) as response:
            assert response.status == 415
        json_headers = {**headers, "Content-Type": "application/json"}
        async with session.post(url, data="{not json", headers=json_headers) as response:
            assert response.status == 400


# --- secrets ---------------------------------------------------------------------------------
async def test_token_never_reaches_the_log(
    tmp_path: Path, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what `focalbot run --verbose` shows
    started = await running(tmp_path, fake)
    started.say(OFFICER, "/ping 3")
    await fake.wait_for_text(OFFICER, "pong 3")
    await started.bot.stop()

    assert "getUpdates" in " ".join(c.method for c in fake.calls)
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


# --- a token Telegram refuses ---------------------------------------------------------------
@pytest.mark.expects_errors  # the refusal is reported as one ERROR line on purpose
async def test_a_refused_token_is_one_plain_error_and_the_channel_stays_stopped(
    tmp_path: Path, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wrong = "654321:WRONG-token-for-tests"
    adapter = TelegramAdapter.from_settings(options(fake), {"TG_TOKEN": wrong})
    bot = Harness(tmp_path / "bot.db", on_telegram(), extra_adapters=[adapter])
    await bot.start()
    assert bot.app is not None
    bot.app.adapter_retry = 0.01
    await asyncio.sleep(0.3)  # many retry intervals: none may happen
    log_ready(bot.app)
    await bot.stop()

    assert len(fake.called("getMe")) == 1  # the same refused token is not tried again
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        "telegram cannot start: channels.telegram.token_env: Telegram refused the token in "
        "TG_TOKEN; the other channels run without it (fix this and restart)"
    ]
    assert not any(r.exc_info or r.exc_text for r in caplog.records)
    [ready] = [r for r in caplog.records if "ready on" in r.getMessage()]
    assert ready.getMessage() == (
        "FocalPoint ready on console; not running: telegram (cannot start, see above)"
    )
    assert wrong not in caplog.text and wrong.split(":")[1] not in caplog.text
