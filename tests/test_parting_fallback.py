"""A handover's notice to the outgoing person goes at once or not at all, to nobody by name (so
their revocation in the same unit does not withdraw it). When its channel fails for good it
fell back nowhere: it now goes on their next channel like any other message, still neither
withdrawn nor held."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.audit.retention import purge
from bot.config import RetentionSettings
from tests.harness import Harness
from tests.test_fallback import Blocked, settings_with_th_fp_on

PARTING = "Your open work is handed over to Nirana Deputy-Example"


async def test_a_parting_notice_whose_channel_fails_goes_on_their_next_one(
    tmp_path: Path,
) -> None:
    slack = MemoryAdapter("slack")  # Thailand's focal point is on Slack too (U0THFP01)
    bot = await Harness(
        tmp_path / "bot.db",
        settings_with_th_fp_on("telegram"),
        extra_adapters=[Blocked("telegram"), slack],
    ).start()
    request = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {request}")  # on the console (a command's answer)
    await bot.say("nz-cochair", "/handover th-fp th-deputy")
    await bot.settle()
    parting = [d.message for d in slack.sent if PARTING in d.message.text]
    assert len(parting) == 1, [d.message.text for d in slack.sent]
    assert parting[0].address == "U0THFP01"
    rows = await bot.rows(
        "SELECT channel, status, person_id FROM outbox WHERE subject = 'handover' "
        "AND text LIKE ? ORDER BY id",
        [f"%{PARTING}%"],
    )
    assert rows == [("telegram", "failed", None), ("slack", "sent", None)], rows
    await bot.stop()


async def test_a_copy_kept_on_standby_and_never_needed_goes_with_delivered_messages(
    tmp_path: Path,
) -> None:
    """The notice reached its first channel: its copy on the next one, kept in case, holds
    the notice's words and stayed in the outbox for good (retention purged sent messages
    only)."""
    telegram, slack = MemoryAdapter("telegram"), MemoryAdapter("slack")
    bot = await Harness(
        tmp_path / "bot.db", settings_with_th_fp_on("telegram"), extra_adapters=[telegram, slack]
    ).start()
    await bot.say("nz-cochair", "/handover th-fp th-deputy")
    await bot.settle()
    copies = "SELECT COUNT(*) FROM outbox WHERE status = 'standby' AND text LIKE ?"
    assert await bot.rows(copies, [f"%{PARTING}%"]) == [(1,)]  # kept in case
    await bot.advance(timedelta(days=8))
    assert bot.app is not None
    now, keep = bot.clock.now(), RetentionSettings(delivered_messages=timedelta(days=7))
    done = await bot.app.store.run(lambda db: purge(db, now, keep))
    assert done.messages > 0
    assert await bot.rows(copies, [f"%{PARTING}%"]) == [(0,)]
    await bot.stop()
