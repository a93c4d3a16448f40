"""Files from LINE, a pointer-only channel without captions: a focal point's photo (its
content from the Messaging API) is held, "attach to R-…" attaches it, and it reaches the
officer on an approved channel; only pointers go back to LINE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.line import LineAdapter
from tests.fake_line import FakeLine, LineSide
from tests.files_support import png, sha
from tests.harness import Harness, settings_preferring
from tests.test_line import ENV, TH_FP, World, line_options

RID = "R-2026-0001"


@pytest.fixture
async def world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    api = await FakeLine().start()
    adapter = LineAdapter.from_settings(line_options(api.host), ENV)
    bot = Harness(tmp_path / "bot.db", settings_preferring("line", "th-fp"), [adapter])
    await bot.start()
    yield World(bot, adapter, api, LineSide(f"http://127.0.0.1:{adapter.port}/line/webhook"))
    await bot.stop()
    await api.stop()


async def test_a_photo_from_line_is_held_then_attached_and_reaches_the_officer(
    world: World,
) -> None:
    await world.bot.file_request("TH Photo of the vessel please")
    photo = png()
    assert await world.line.deliver(world.line.image(world.api, TH_FP, photo)) == 200
    await world.bot.settle()
    assert len(world.api.downloads) == 1
    assert any("Which request is it for?" in t for t in world.api.texts_to(TH_FP))
    assert await world.line.deliver(world.line.text(TH_FP, f"attach to {RID}")) == 200
    await world.bot.settle()
    received = [
        world.bot.chat.received[d.message.id]
        for d in world.bot.chat.sent
        if d.message.address == "au-officer" and d.message.attachment is not None
    ]
    assert received == [sha(photo)]
    [row] = await world.bot.rows("SELECT kind, sender_id FROM request_files")
    assert row == ("photo", "th-fp")
    assert all("png" not in t for t in world.api.texts_to(TH_FP))
