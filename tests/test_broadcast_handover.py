"""A handover passes a broadcast on with its text: the successor was told "broadcast B-1
awaits your acknowledgement" but never sent B-1 itself (the predecessor's copy, held for their
night, was withdrawn by their revocation), and /broadcast status showed them as "no channel"."""

from datetime import datetime, timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.broadcast_support import broadcast
from tests.harness import Harness
from tests.returns_support import move_to
from tests.test_handover_held import MORNING_EVERYWHERE, NIGHT_IN_BANGKOK
from tests.test_roster import started

NEWS = "IMPORTANT: W1 figures must include vessel seizures"


async def broadcast_at(tmp_path: Path, hour: datetime) -> Harness:
    """Quiet hours 21:00-07:00 local; B-1 (``NEWS``) sent to JPA-9's focal points at ``hour``."""
    bot = await started(tmp_path, quiet_hours=QuietHoursSettings())
    move_to(bot, hour)
    [sent] = await broadcast(bot, "nz-cochair", f"/broadcast {NEWS}")
    assert sent.startswith("Broadcast B-1 queued"), sent
    return bot


def copies_of_b1(bot: Harness, person_id: str) -> list[str]:
    return [m for m in bot.inbox(person_id) if NEWS in m and "(B-1)" in m]


async def test_the_successor_reads_the_broadcast_after_their_quiet_hours(tmp_path: Path) -> None:
    bot = await broadcast_at(tmp_path, NIGHT_IN_BANGKOK)  # th-fp's copy waits for 07:00
    [done] = await bot.say("nz-cochair", "/handover th-fp th-deputy")
    assert "1 broadcast to acknowledge" in done, done
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert (
        "• Thailand · Nirana Deputy-Example — held for their quiet hours until Jan 21, 2027, "
        "13:00 UTC+13, not acknowledged"
    ) in status.splitlines(), status
    assert copies_of_b1(bot, "th-deputy") == []  # their night too

    await bot.advance(timedelta(hours=8))  # 07:30 in Bangkok
    [copy] = copies_of_b1(bot, "th-deputy")
    assert copy.startswith("JPA-9 · message from Aroha Cochair-Example, co-chair (B-1):"), copy
    [sent] = [
        d.message
        for d in bot.chat.sent
        if (d.message.address, d.message.text)
        == (
            "th-deputy",
            copy,
        )
    ]
    assert [b.command for b in sent.buttons] == ["/broadcast ack B-1"]
    assert copies_of_b1(bot, "th-fp") == []  # revoked: their held copy was withdrawn
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "• Thailand · Nirana Deputy-Example — delivered, not acknowledged" in status, status
    assert "Thank you; B-1 is acknowledged." in await bot.press("th-deputy", "/broadcast ack B-1")
    await bot.stop()


async def test_a_successor_who_has_the_broadcast_gets_no_second_copy(tmp_path: Path) -> None:
    bot = await broadcast_at(tmp_path, MORNING_EVERYWHERE)
    assert len(copies_of_b1(bot, "th-fp2")) == 1  # both Thai focal points were sent it
    [done] = await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert "1 broadcast to acknowledge" in done, done
    assert len(copies_of_b1(bot, "th-fp2")) == 1
    assert "Thank you; B-1 is acknowledged." in await bot.press("th-fp2", "/broadcast ack B-1")
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert "Thailand · Niran Example" not in status  # handed over: one line, th-fp2's
    await bot.stop()
