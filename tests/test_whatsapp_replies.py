"""WhatsApp as people use it: a reply (a swipe) to the bot's message about a request answers
that request, as ``/reply <id> <text>`` would.

Signed webhook calls in, the real core, the fake Cloud API (see tests/test_whatsapp.py, whose
world and people these are). Meta quotes the message replied to in ``context``: its ``wamid``
and who sent it (our business number, or the person's own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.whatsapp_convert import message_event
from bot.ports import Pacing
from tests.fake_whatsapp import Call
from tests.files_support import png, sha
from tests.harness import Harness
from tests.test_whatsapp import PH_FP, World, settings_preferring_whatsapp, start_world, world

__all__ = ["Harness", "world"]  # the fixture, used by name; Harness: on both engines
ONLY_COMMANDS = "I only understand commands"
REPLIES = "SELECT text FROM request_messages WHERE request_id = ? AND kind = 'reply'"


async def request_pointer(world: World) -> tuple[str, Call]:
    """An officer on the console files a request for the Philippines; its id, and the message
    about it that reached the focal point on WhatsApp."""
    request_id = await world.bot.file_request("PH urgent Please trace vessel MV Example Star.")
    [pointer] = [c for c in world.api.to(PH_FP) if request_id in c.text]
    return request_id, pointer


async def reply(world: World, text: str, to: Call, sender: str = "") -> None:
    """The focal point swipes ``to`` and writes ``text`` (``sender``: who sent ``to``, as Meta
    quotes it; the business number unless told)."""
    world.api.wrote(PH_FP)
    message = world.phone.text(PH_FP, text)
    message |= world.phone.quoting(to, sender) if sender else world.phone.quoting(to)
    assert (await world.phone.send(message)).status == 200
    await world.settle()


async def test_a_reply_to_the_message_about_a_request_answers_that_request(world: World) -> None:
    request_id, pointer = await request_pointer(world)
    assert pointer.kind == "template"  # outside the 24 hours: the pointer as the template

    await reply(world, "The owner is Example Shipping Inc.", to=pointer)

    relayed = [t for t in world.bot.inbox("au-officer") if "Example Shipping Inc." in t]
    assert len(relayed) == 1 and request_id in relayed[0]
    assert await world.bot.rows(REPLIES, [request_id]) == [("The owner is Example Shipping Inc.",)]
    assert any(f"Sent on {request_id}" in t for t in world.api.texts_to(PH_FP))


async def test_a_reply_to_a_message_about_no_request_stays_plain_text(world: World) -> None:
    request_id, pointer = await request_pointer(world)
    await world.write(PH_FP, "/ping 1")
    [pong] = [c for c in world.api.to(PH_FP) if c.text == "pong 1"]

    await reply(world, "what does this mean?", to=pong)

    assert ONLY_COMMANDS in world.api.texts_to(PH_FP)[-1]
    assert not any("what does this mean" in t for t in world.bot.inbox("au-officer"))
    await reply(world, "Found the vessel", to=pointer)  # the same, to the request's message
    assert await world.bot.rows(REPLIES, [request_id]) == [("Found the vessel",)]


async def test_a_reply_quoting_the_persons_own_message_stays_plain_text(world: World) -> None:
    """Only a message our number sent counts, even one that bears the id of ours."""
    request_id, pointer = await request_pointer(world)

    await reply(world, "second thoughts", to=pointer, sender=PH_FP)

    assert ONLY_COMMANDS in world.api.texts_to(PH_FP)[-1]
    assert await world.bot.rows(REPLIES, [request_id]) == []
    await reply(world, "second thoughts", to=pointer)
    assert await world.bot.rows(REPLIES, [request_id]) == [("second thoughts",)]


async def test_a_command_sent_as_a_reply_is_that_command(world: World) -> None:
    request_id, pointer = await request_pointer(world)

    await reply(world, f"/ack {request_id}", to=pointer)

    assert any("acknowledged by Jose Example" in t for t in world.bot.inbox("au-officer"))
    assert await world.bot.rows(REPLIES, [request_id]) == []
    await reply(world, "Tracing it now", to=pointer)
    assert await world.bot.rows(REPLIES, [request_id]) == [("Tracing it now",)]


@pytest.fixture
async def files_world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    """The WhatsApp world with files on (a key in the environment before the bot starts)."""
    w = await start_world(tmp_path)
    yield w
    await w.bot.stop()
    await w.api.stop()


async def photo_reply(world: World, caption: str) -> tuple[str, bytes, str]:
    """The focal point swipes the request's message and sends a photo with ``caption``; the
    request's id, the photo and its media id."""
    request_id, pointer = await request_pointer(world)
    photo = png()
    media_id = world.api.add_media(photo)
    world.api.wrote(PH_FP)
    message = world.phone.image(PH_FP, media_id, caption, reply_to=pointer)
    assert (await world.phone.send(message)).status == 200
    await world.settle()
    return request_id, photo, media_id


async def test_a_captioned_photo_sent_as_a_reply_goes_with_the_reply(files_world: World) -> None:
    world = files_world
    request_id, photo, media_id = await photo_reply(world, "The vessel at berth 4")

    assert await world.bot.rows(REPLIES, [request_id]) == [("The vessel at berth 4",)]
    assert world.api.downloads == [media_id]
    delivered = [
        world.bot.chat.received[d.message.id]
        for d in world.bot.chat.sent
        if d.message.address == "au-officer" and d.message.attachment is not None
    ]
    assert delivered == [sha(photo)]


async def test_a_photo_without_caption_sent_as_a_reply_is_attached_to_the_request(
    files_world: World,
) -> None:
    world = files_world
    request_id, _photo, _media_id = await photo_reply(world, "")

    files = "SELECT n, sender_id FROM request_files WHERE request_id = ?"
    assert await world.bot.rows(files, [request_id]) == [(1, "ph-fp")]
    assert any(f"1 file added to {request_id}" in t for t in world.api.texts_to(PH_FP))
    assert await world.bot.rows("SELECT COUNT(*) FROM pending_files") == [(0,)]


@pytest.fixture
async def full_world(tmp_path: Path) -> AsyncIterator[World]:
    """WhatsApp approved for casework (content "full"), requests up to 6,000 characters."""
    settings = settings_preferring_whatsapp("ph-fp")
    channels = dict(settings.channels)
    channels["whatsapp"] = channels["whatsapp"].model_copy(update={"content": "full"})
    requests = settings.requests.model_copy(update={"max_text_length": 6000})
    settings = settings.model_copy(update={"channels": channels, "requests": requests})
    w = await start_world(tmp_path, settings=settings)
    w.adapter.pacing = Pacing(per_chat_interval=0.05)  # parts a moment apart, not a second
    yield w
    await w.bot.stop()
    await w.api.stop()


async def test_a_reply_to_an_earlier_part_of_a_long_message_answers_its_request(
    full_world: World,
) -> None:
    """A request longer than WhatsApp's 4,096 characters reaches the focal point in two
    messages: a reply to the first answered nothing (only the last part's id was kept)."""
    world = full_world
    await world.write(PH_FP, "/whoami")  # inside the 24 hours: free-form text, in parts
    details = " ".join(f"Container {n:04d} sealed at berth {n % 9}." for n in range(150))
    request_id = await world.bot.file_request(f"PH urgent {details}")
    first, last = [c for c in world.api.to(PH_FP) if "Container" in c.text]
    assert request_id in first.text and first.kind == last.kind == "text"

    await reply(world, "All containers were cleared on Monday", to=first)

    assert await world.bot.rows(REPLIES, [request_id]) == [
        ("All containers were cleared on Monday",)
    ]
    assert any("cleared on Monday" in t for t in world.bot.inbox("au-officer"))


def test_which_quoted_messages_count_as_replied_to() -> None:
    """Pure conversion: ours by the metadata's number; with no number to compare, the id goes
    on (the core finds only its own messages to that chat); a template's quick reply quotes
    the template but is no typed reply."""
    quoted = {"from": PH_FP, "id": "wamid.IN1", "type": "text", "text": {"body": "yes"}}
    ours, theirs = {"from": "1 555 000 1234", "id": "wamid.OUT"}, {"from": PH_FP, "id": "w"}

    def replied(message: dict[str, object], number: str = "15550001234") -> str:
        event = message_event(message, number)
        return str(getattr(event, "replied_to", None))

    assert replied(quoted | {"context": ours}) == "wamid.OUT"
    assert replied(quoted | {"context": theirs}) == ""
    assert replied(quoted | {"context": theirs}, number="") == "w"
    assert replied(quoted) == ""
    quick = {"from": PH_FP, "id": "wamid.IN2", "type": "button", "context": ours}
    assert replied(quick | {"button": {"text": "Later", "payload": "later"}}) == ""
