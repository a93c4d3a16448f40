"""Telegram as a new user meets it: pressing "Reply" on the bot's message about a request
answers that request, as ``/reply <id> <text>`` would.

The real core, python-telegram-bot and the fake Bot API server (see tests/test_telegram.py,
whose people and fixtures these are).
"""

from __future__ import annotations

from tests.fake_telegram import FakeTelegram
from tests.harness import Harness
from tests.test_telegram import FOCAL, OFFICER, RID, Room, fake, file_request, room

__all__ = ["Harness", "fake", "room"]  # the fixtures, used by name; Harness: on both engines
ONLY_COMMANDS = "I only understand commands"


async def test_a_reply_to_the_message_about_a_request_answers_that_request(room: Room) -> None:
    routed = await file_request(room)

    room.say(FOCAL, "Owner is Somchai, <b>since</b> 2019", reply_to=routed)

    [relayed] = await room.fake.wait_for_text(OFFICER, "Niran Example (Thailand) wrote")
    assert f"{RID} · " in relayed and "Owner is Somchai, <b>since</b> 2019" in relayed
    assert await room.fake.wait_for_text(FOCAL, f"Sent on {RID}")
    thread = await room.bot.rows(
        "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply'", [RID]
    )
    assert thread == [("Owner is Somchai, <b>since</b> 2019",)]
    # and back: the requester presses Reply on the answer relayed to her
    room.say(OFFICER, "Thank you, that is all we need", reply_to=room.fake.sent(OFFICER)[-1])
    back = await room.fake.wait_for_text(FOCAL, "Thank you, that is all we need")
    assert f"{RID} · " in back[0]


async def test_a_reply_to_a_message_about_no_request_stays_plain_text(room: Room) -> None:
    await file_request(room)
    room.say(FOCAL, "/ping 1")
    await room.fake.wait_for_text(FOCAL, "pong 1")
    pong = room.fake.sent(FOCAL)[-1]

    room.say(FOCAL, "what does this mean?", reply_to=pong)

    assert await room.fake.wait_for_text(FOCAL, ONLY_COMMANDS)
    assert not any("what does this mean" in t for t in room.fake.texts(OFFICER))


async def test_a_reply_to_someone_elses_message_stays_plain_text(room: Room) -> None:
    routed = await file_request(room)
    own = room.say(FOCAL, "a note to myself")["message"]
    await room.fake.wait_for_text(FOCAL, ONLY_COMMANDS)
    # the person's own message, even one numbered as the bot's about the request was
    own_again = {**own, "message_id": routed["message_id"]}

    room.say(FOCAL, "second thoughts", reply_to=own_again)

    await room.fake.wait_for_text(FOCAL, ONLY_COMMANDS, count=2)
    assert await room.bot.rows("SELECT COUNT(*) FROM request_messages WHERE kind = 'reply'") == [
        (0,)
    ]


async def test_a_command_sent_as_a_reply_is_that_command(room: Room) -> None:
    routed = await file_request(room)

    room.say(FOCAL, f"/ack {RID}", reply_to=routed)

    assert await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")
    assert await room.bot.rows("SELECT COUNT(*) FROM request_messages WHERE kind = 'reply'") == [
        (0,)
    ]


async def test_a_reply_too_long_is_refused_as_a_typed_reply_would_be(
    room: Room, fake: FakeTelegram
) -> None:
    routed = await file_request(room)
    limit = room.bot.settings.requests.max_text_length

    room.say(FOCAL, "x" * (limit + 1), reply_to=routed)

    assert await fake.wait_for_text(FOCAL, "please shorten it and send it again")
    assert await room.bot.rows("SELECT COUNT(*) FROM request_messages WHERE kind = 'reply'") == [
        (0,)
    ]


async def test_a_reply_to_an_earlier_part_of_a_long_message_answers_its_request(
    room: Room,
) -> None:
    """A request cut in two for Telegram's 4,096 characters (an emoji counts two): pressing
    Reply on its first part answered nothing (only the last part's id was kept)."""
    room.say(OFFICER, f"/request TH urgent Plates seen: {'🚗🚓 ' * 900}")  # 4,500 UTF-16 units
    await room.fake.wait_for_text(OFFICER, f"Request {RID} sent to Thailand")
    first, last = await room.fake.wait_for_text(FOCAL, "🚗🚓", count=2)
    assert f"URGENT Request {RID}" in first and f"Request {RID}" not in last
    await room.bot.settle()
    parts = room.fake.sent(FOCAL)
    assert "reply_markup" not in parts[0] and "reply_markup" in parts[1]  # two parts of one

    room.say(FOCAL, "Both cars belong to one owner", reply_to=parts[0])

    [relayed] = await room.fake.wait_for_text(OFFICER, "Both cars belong to one owner")
    assert f"{RID} · Niran Example (Thailand) wrote" in relayed
    thread = "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply'"
    assert await room.bot.rows(thread, [RID]) == [("Both cars belong to one owner",)]


async def test_a_reply_to_the_bots_answers_about_a_request_answers_that_request(
    room: Room,
) -> None:
    """The requester's confirmation, the focal point's "You acknowledged" and "Sent on", and
    the page /show gives are about a request too: pressing Reply on them was plain text."""
    await file_request(room)
    [confirmation] = [m for m in room.fake.sent(OFFICER) if f"Request {RID} sent" in m["text"]]
    room.say(OFFICER, "Also: the SIM was bought in Hat Yai", reply_to=confirmation)
    assert await room.fake.wait_for_text(FOCAL, "Also: the SIM was bought in Hat Yai")

    room.say(FOCAL, f"/ack {RID}")
    await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")
    [acknowledged] = [m for m in room.fake.sent(FOCAL) if "You acknowledged" in m["text"]]
    room.say(FOCAL, "Looking into it", reply_to=acknowledged)
    assert await room.fake.wait_for_text(OFFICER, "Looking into it")
    [sent_on] = await room.fake.wait_for_text(FOCAL, f"Sent on {RID}")
    sent_on_message = [m for m in room.fake.sent(FOCAL) if m["text"] == sent_on][-1]
    room.say(FOCAL, "Owner found", reply_to=sent_on_message)
    assert await room.fake.wait_for_text(OFFICER, "Owner found")

    room.say(OFFICER, f"/show {RID}")
    await room.fake.wait_for_text(OFFICER, "Owner found", count=2)
    page = room.fake.sent(OFFICER)[-1]
    room.say(OFFICER, "Thank you", reply_to=page)
    assert await room.fake.wait_for_text(FOCAL, "Thank you")

    thread = "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply' ORDER BY id"
    assert await room.bot.rows(thread, [RID]) == [
        ("Also: the SIM was bought in Hat Yai",),
        ("Looking into it",),
        ("Owner found",),
        ("Thank you",),
    ]


async def test_a_command_on_the_request_typed_without_its_slash_is_that_command(
    room: Room,
) -> None:
    """Slack takes a leading slash for its own commands, so people type ``ack R-…``; as a
    reply it was relayed as text. A reply that merely starts with a command word is a reply."""
    routed = await file_request(room)

    room.say(FOCAL, f"ack {RID}", reply_to=routed)
    assert await room.fake.wait_for_text(FOCAL, f"You acknowledged {RID}")

    room.say(FOCAL, "Request denied by the court", reply_to=routed)
    assert await room.fake.wait_for_text(OFFICER, "Request denied by the court")
    thread = "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply'"
    assert await room.bot.rows(thread, [RID]) == [("Request denied by the court",)]
