"""Files from WhatsApp, a pointer-only channel: a focal point's photo (the Cloud API's media
id, its URL from the Graph API, the bytes with the access token) reaches the officer on an
approved channel; the officer's file never travels to WhatsApp, only the pointer does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.files_support import pdf, png, sha, write
from tests.harness import Harness  # noqa: F401  (the module runs on both engines)
from tests.test_whatsapp import PH_FP, World, start_world

RID = "R-2026-0001"


@pytest.fixture
async def world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    w = await start_world(tmp_path)
    yield w
    await w.bot.stop()
    await w.api.stop()


async def test_a_photo_from_whatsapp_reaches_the_officer_and_theirs_never_goes_back(
    world: World, tmp_path: Path
) -> None:
    crew = pdf()
    await world.bot.say(
        "au-officer", "/request PH Crew list?", files=[write(tmp_path, "c.pdf", crew)]
    )
    await world.settle()
    sent = json.dumps([c.body for c in world.api.to(PH_FP)])
    assert "c.pdf" not in sent and '"document"' not in sent and '"image"' not in sent
    photo = png()
    world.api.wrote(PH_FP)
    media_id = world.api.add_media(photo)
    reply = await world.phone.send(world.phone.image(PH_FP, media_id, f"/attach {RID}"))
    assert reply.status == 200
    await world.settle()
    assert world.api.downloads == [media_id]
    received = [
        (d.message.attachment.filename, world.bot.chat.received[d.message.id])
        for d in world.bot.chat.sent
        if d.message.address == "au-officer" and d.message.attachment is not None
    ]
    assert [digest for _, digest in received] == [sha(photo)]
    rows = await world.bot.rows("SELECT n, kind, sender_id FROM request_files ORDER BY n")
    assert rows == [(1, "document", "au-officer"), (2, "photo", "ph-fp")]
