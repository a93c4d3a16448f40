"""Telegram groups with topics (forums): the bot answers in the topic it was asked in, not in
General.

The real core, python-telegram-bot and the fake Bot API server (see tests/test_telegram.py,
whose people and fixtures these are).
"""

from __future__ import annotations

from typing import Any

import pytest

import adapters.telegram as telegram_module
from tests.fake_telegram import Limits
from tests.harness import Harness
from tests.test_telegram import FOCAL, GROUP, Room, fake, room

__all__ = ["Harness", "fake", "room"]  # the fixtures, used by name; Harness: on both engines
TOPIC = 42


def answers_in(room: Room, fragment: str) -> list[dict[str, Any]]:
    """The group's messages that contain ``fragment``, as Telegram stored them."""
    return [m for m in room.fake.sent(GROUP) if fragment in m["text"]]


async def test_answers_to_a_message_in_a_topic_go_to_that_topic(room: Room) -> None:
    room.say(FOCAL, "/ping in topic", chat_id=GROUP, chat_type="supergroup", topic=TOPIC)
    room.say(FOCAL, "/requests", chat_id=GROUP, chat_type="supergroup", topic=TOPIC)

    await room.fake.wait_for_text(GROUP, "pong in topic")
    await room.fake.wait_for_text(GROUP, "message me privately")
    assert [m.get("message_thread_id") for m in room.fake.sent(GROUP)] == [TOPIC, TOPIC]
    assert await room.bot.rows(
        "SELECT DISTINCT address FROM outbox WHERE channel = 'telegram' AND address LIKE '-%'"
    ) == [(f"{GROUP}:{TOPIC}",)]


async def test_answers_in_general_or_a_group_without_topics_carry_no_topic(room: Room) -> None:
    room.say(FOCAL, "/ping general", chat_id=GROUP, chat_type="supergroup")
    # a reply in a group without topics has a thread id too, but no topic to post in
    replied = room.say(FOCAL, "/ping 1", chat_id=GROUP, chat_type="supergroup")["message"]
    room.fake.push(
        {
            "message": {
                **replied,
                "message_id": replied["message_id"] + 1000,
                "text": "/ping thread",
                "message_thread_id": replied["message_id"],
                "reply_to_message": replied,
            }
        }
    )

    await room.fake.wait_for_text(GROUP, "pong thread")
    await room.fake.wait_for_text(GROUP, "pong general")
    assert all("message_thread_id" not in m for m in room.fake.sent(GROUP))
    assert not [c for c in room.fake.called("sendMessage") if c.params.get("message_thread_id")]


async def test_topics_of_one_group_are_paced_as_the_group(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram limits a group, whichever topics its messages go to: answers in two topics
    at once leave the group's interval apart, and Telegram never has to refuse one (a 429
    would pause the whole channel, every chat's messages with it)."""
    monkeypatch.setattr(telegram_module, "GROUP_INTERVAL", 0.6)
    room.fake.limits = Limits(per_chat_interval=0.5)  # what the fake enforces per chat
    room.say(FOCAL, "/ping one", chat_id=GROUP, chat_type="supergroup", topic=TOPIC)
    room.say(FOCAL, "/ping two", chat_id=GROUP, chat_type="supergroup", topic=TOPIC + 1)

    await room.fake.wait_for_text(GROUP, "pong one")
    await room.fake.wait_for_text(GROUP, "pong two")
    sends = [c for c in room.fake.called("sendMessage") if c.params["chat_id"] == str(GROUP)]
    assert room.fake.rejected_429 == 0
    assert len(sends) == 2 and sends[1].at - sends[0].at >= 0.5
