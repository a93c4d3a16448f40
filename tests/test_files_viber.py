"""Files from Viber, a pointer-only channel: a focal point's picture (its media URL, fetched
from Viber's host only) reaches the officer on an approved channel; nothing but the pointer
goes back to Viber."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fake_viber import FakeViber
from tests.files_support import png, sha
from tests.harness import Harness, settings_preferring
from tests.test_viber import ENV, TH_FP, LocalViber, World, viber_options

RID = "R-2026-0001"


@pytest.fixture
async def world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    viber = await FakeViber().start()
    adapter = LocalViber.from_settings(viber_options(viber.api_url), ENV)
    bot = Harness(tmp_path / "bot.db", settings_preferring("viber", "th-fp"), [adapter])
    await bot.start()
    yield World(bot, adapter, viber)  # type: ignore[arg-type]
    await bot.stop()
    await viber.stop()


async def test_a_picture_from_viber_reaches_the_officer(world: World) -> None:
    assert (await world.viber.subscribe(TH_FP)).status == 200
    await world.bot.file_request("TH Photo of the vessel please")
    photo = png()
    answer = await world.viber.callback(world.viber.picture_payload(TH_FP, photo, f"/attach {RID}"))
    assert answer.status == 200
    await world.bot.settle()
    assert world.viber.downloads == ["m1"]
    received = [
        world.bot.chat.received[d.message.id]
        for d in world.bot.chat.sent
        if d.message.address == "au-officer" and d.message.attachment is not None
    ]
    assert received == [sha(photo)]
    assert all(body.get("type") == "text" for body in world.viber.sends())


async def test_a_media_url_outside_viber_is_not_fetched(world: World) -> None:
    assert (await world.viber.subscribe(TH_FP)).status == 200
    await world.bot.file_request("TH Photo of the vessel please")
    payload = world.viber.picture_payload(TH_FP, png(), f"/attach {RID}")
    payload["message"]["media"] = "http://169.254.169.254/latest/meta-data"
    assert (await world.viber.callback(payload)).status == 200
    await world.bot.settle()
    assert world.viber.downloads == []
    assert await world.bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
    assert any("could not fetch that file from viber" in t for t in world.viber.texts_to(TH_FP))
