"""Someone who writes to the bot in their quiet hours is at work: what was held for their
morning goes at once, and so does what comes for them in the next half hour. A focal point
working at 03:30 got a colleague's request only at 07:00 (a leftover of earlier notes)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.harness import Harness
from tests.returns_support import running

# Wednesday 20 January 2027, 20:30 UTC: 03:30 in Bangkok (quiet hours 21:00-07:00 local),
# 07:30 in Sydney.
BANGKOK_NIGHT = datetime(2027, 1, 20, 20, 30, tzinfo=UTC)
REQUEST = "TH #victim shelter contacts for two women"


async def night(tmp_path: Path) -> Harness:
    return await running(tmp_path, at=BANGKOK_NIGHT, quiet_hours=QuietHoursSettings())


async def notices(bot: Harness, person: str) -> list[tuple[str, bool]]:
    """Each request notice to ``person``: its outbox status, and whether it is held."""
    rows = await bot.rows(
        "SELECT status, not_before IS NOT NULL FROM outbox WHERE person_id = ? "
        "AND text LIKE 'Request R-%' ORDER BY id",
        [person],
    )
    return [(status, bool(held)) for status, held in rows]


async def test_writing_at_night_brings_what_waits_for_the_morning(tmp_path: Path) -> None:
    bot = await night(tmp_path)
    request_id = await bot.file_request(REQUEST)
    assert not any("shelter contacts" in m for m in bot.inbox("th-fp"))  # asleep: held
    assert await notices(bot, "th-fp") == [("queued", True)]
    *released, answer = await bot.say("th-fp", "/requests")
    assert [m.split("\n")[0] for m in released] == [
        f"Request {request_id} from Alexo Officer-Example (Australia) to Thailand · victim support"
    ]
    assert answer.startswith("Open requests you can see (1):"), answer
    assert await notices(bot, "th-fp") == [("sent", False)]
    await bot.advance(timedelta(hours=4))  # the morning's release finds nothing left
    assert len([m for m in bot.inbox("th-fp") if "shelter contacts" in m]) == 2  # +/requests
    await bot.stop()


async def test_what_comes_in_the_next_half_hour_is_not_held(tmp_path: Path) -> None:
    bot = await night(tmp_path)
    await bot.say("th-fp", "/requests")  # at work at 03:30
    await bot.advance(timedelta(minutes=20))
    await bot.file_request(REQUEST)
    assert any("shelter contacts" in m for m in bot.inbox("th-fp"))
    assert await notices(bot, "th-fp") == [("sent", False)]
    # their last message counts, not their first: 28 minutes after it they are still awake,
    # one four minutes after the one before included (a trial found it held)
    await bot.say("th-fp", "/requests")
    await bot.advance(timedelta(minutes=4))
    await bot.say("th-fp", "/requests")
    await bot.advance(timedelta(minutes=28))
    await bot.file_request("TH #info a third, on the same night")
    assert any("a third, on the same night" in m for m in bot.inbox("th-fp"))
    # more than half an hour after their last message, the quiet hours hold again
    await bot.advance(timedelta(minutes=36))
    await bot.file_request("TH #arrest a second, unrelated matter")
    assert not any("second, unrelated" in m for m in bot.inbox("th-fp"))
    assert await notices(bot, "th-fp") == [("sent", False), ("sent", False), ("queued", True)]
    await bot.stop()


async def test_what_the_message_made_news_no_more_is_not_released(tmp_path: Path) -> None:
    """The handler runs first: acknowledging a request whose notice waits for the morning
    withdraws that notice before what is left is released (it would ask again)."""
    bot = await night(tmp_path)
    request_id = await bot.file_request(REQUEST)
    [acknowledged] = await bot.say("th-fp", f"/ack {request_id}")
    assert acknowledged.startswith(f"You acknowledged {request_id}"), acknowledged
    assert await notices(bot, "th-fp") == [("withdrawn", True)]
    await bot.stop()


async def test_writing_by_day_writes_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path, quiet_hours=QuietHoursSettings())  # 19:00 in Bangkok
    await bot.say("th-fp", "/requests")
    assert await bot.rows("SELECT COUNT(*) FROM awake") == [(0,)]
    await bot.stop()
