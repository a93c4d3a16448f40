"""/handover's answer is honest about quiet hours: it said "Both were told, and so were the
requesters" while the successor's notice waited in the outbox for their morning, and the
predecessor's, held the same way, was withdrawn by their revocation."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.harness import Harness
from tests.returns_support import move_to
from tests.test_roster import started

NIGHT_IN_BANGKOK = datetime(2027, 1, 20, 16, 30, tzinfo=UTC)  # 23:30 there, 03:30 in Sydney
EVENING_IN_BANGKOK = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)  # 19:00 there, 23:00 in Sydney
MORNING_EVERYWHERE = datetime(2027, 1, 20, 3, 0, tzinfo=UTC)  # 10:00 there, 14:00 in Sydney


async def with_a_request_in_hand(tmp_path: Path, at: datetime) -> Harness:
    """th-fp has acknowledged au-officer's request; the clock then moves to ``at``."""
    bot = await started(tmp_path, quiet_hours=QuietHoursSettings())  # 21:00-07:00 local
    move_to(bot, MORNING_EVERYWHERE)
    acked = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {acked}")
    move_to(bot, at)
    return bot


async def test_a_handover_at_night_says_whose_notice_waits(tmp_path: Path) -> None:
    bot = await with_a_request_in_hand(tmp_path, NIGHT_IN_BANGKOK)
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert done.splitlines() == [
        "Handed over from th-fp to th-fp2: 1 open request, 0 draft returns and 0 broadcasts "
        "to acknowledge; th-fp is revoked.",
        "The notice to th-fp2 waits. It is 23:30 in Thailand, within their quiet hours: they "
        "will see it at Jan 21, 2027, 07:00 (UTC+7). That is Jan 21, 2027, 13:00 your time.",
        "th-fp was not told: their notice would have waited for their quiet hours to end, and "
        "someone revoked receives nothing more.",
        "Requesters in their quiet hours are told when those end: Australia at Jan 21, 2027, "
        "07:00 (UTC+11).",
    ], done
    assert not any("handed their open work" in m for m in bot.inbox("th-fp2"))

    await bot.advance(timedelta(hours=8))  # 07:30 in Bangkok: what the answer promised
    assert any("handed their open work to you" in m for m in bot.inbox("th-fp2"))
    assert any("is now handled by Somchai" in m for m in bot.inbox("au-officer"))
    assert not any("handed over to" in m for m in bot.inbox("th-fp"))  # as the answer said
    await bot.stop()


async def test_a_handover_in_the_evening_names_only_the_requesters_asleep(
    tmp_path: Path,
) -> None:
    bot = await with_a_request_in_hand(tmp_path, EVENING_IN_BANGKOK)
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert done.splitlines()[1:] == [
        "Both were told.",
        "Requesters in their quiet hours are told when those end: Australia at Jan 21, 2027, "
        "07:00 (UTC+11).",
    ], done
    assert "handed over to Somchai Successor-Example" in bot.last("th-fp")
    assert any("handed their open work to you" in m for m in bot.inbox("th-fp2"))
    await bot.stop()


async def test_a_handover_with_everyone_awake_says_all_were_told(tmp_path: Path) -> None:
    bot = await with_a_request_in_hand(tmp_path, MORNING_EVERYWHERE)
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert done == (
        "Handed over from th-fp to th-fp2: 1 open request, 0 draft returns and 0 broadcasts to "
        "acknowledge. Both were told, and so were the requesters; th-fp is revoked."
    )
    assert any("is now handled by Somchai" in m for m in bot.inbox("au-officer"))
    await bot.stop()
