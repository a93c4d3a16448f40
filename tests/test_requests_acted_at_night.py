"""Whoever acted on a request at night (their own held page withdrawn as they did) still hears
what becomes of it: its close, its referral."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.test_requests_lifecycle_notices import about, started


async def test_a_focal_point_who_answered_at_night_hears_it_was_closed(tmp_path: Path) -> None:
    # 00:30 in Bangkok: th-fp's page is held for 07:00, but th-fp is awake and answers
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC), quiet=True)
    rid = await bot.file_request("TH #info Vessel owner, please", by="id-officer")
    await bot.say("th-fp", f"/reply {rid} Owner is Somchai Boats Co.")
    await bot.say("id-officer", f"/close {rid} thanks, all we needed")
    await bot.advance(timedelta(hours=8))  # morning in Bangkok
    got = about(bot, "th-fp", rid)
    assert any("closed" in m for m in got), "th-fp, who answered it, never hears it was closed"
    await bot.stop()


async def test_one_who_acknowledged_at_night_hears_it_was_referred(tmp_path: Path) -> None:
    bot = await started(tmp_path, datetime(2027, 3, 9, 17, 30, tzinfo=UTC), quiet=True)
    rid = await bot.file_request("TH #info Vessel owner, please", by="id-officer")
    await bot.say("th-fp", f"/ack {rid}")
    await bot.say("nz-cochair", f"/refer {rid} MY vessel is Malaysian")
    await bot.advance(timedelta(hours=8))
    got = about(bot, "th-fp", rid)
    assert any("referred" in m for m in got), "th-fp, who took it on, never hears it left"
    await bot.stop()
