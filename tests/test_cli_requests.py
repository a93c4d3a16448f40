"""The command line's view of requests: `focalbot requests` lists them for operators and
co-chairs (text or CSV, read-only, no request text), and `focalbot outbox` counts, offers and
aligns the final state ``withdrawn`` of a page no longer needed, and the copies of a parting
notice kept on ``standby``."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from adapters.memory import MemoryAdapter
from bot.cli import main
from bot.config import load_settings
from tests.harness import SHIPPED_CONFIG, Harness, execute_on, shipped_settings
from tests.returns_support import move_to
from tests.test_fallback import settings_with_th_fp_on


async def focalbot(bot: Harness, *args: str) -> Result:
    """Run ``focalbot ARGS`` on the bot's database, beside the running bot."""
    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]
    result = await asyncio.to_thread(CliRunner().invoke, main, [*args, *base])
    assert result.exit_code == 0, result.output
    return result


async def three_requests(bot: Harness) -> tuple[str, str, str]:
    """One escalated then acknowledged, one open, one closed."""
    escalated = await bot.file_request("TH urgent #victim Two women need shelter")
    waiting = await bot.file_request("MY #arrest Suspect on vessel KM Jaya 7")
    closed = await bot.file_request("VN Passport N1234567")
    await bot.advance(timedelta(minutes=31))  # the urgent one goes to Thailand's deputy
    await bot.say("th-deputy", f"/ack {escalated}")
    await bot.say("au-officer", f"/close {closed} Found it myself")
    return escalated, waiting, closed


async def test_requests_lists_the_open_ones_as_a_table(bot: Harness) -> None:
    escalated, waiting, closed = await three_requests(bot)
    before = await bot.rows("SELECT COUNT(*) FROM audit")
    lines = (await focalbot(bot, "requests")).output.splitlines()
    assert lines[0].split() == [
        "id", "from", "to", "category", "urgency", "status", "filed", "(UTC)",
        "acknowledged", "closed", "escalated",
    ]  # fmt: skip
    assert lines[1].startswith(f"{escalated}  AU    TH  victim support  urgent   acknowledged")
    assert lines[1].endswith("  -       yes")
    assert re.search(r"  \d{4}-\d\d-\d\d \d\d:\d\d  \d{4}-\d\d-\d\d \d\d:\d\d  ", lines[1])
    assert lines[2].startswith(f"{waiting}  AU    MY  arrest/warrant  routine  open")
    assert lines[2].endswith("-                 -       no")
    assert lines[3:] == ["2 open requests"]
    assert closed not in "\n".join(lines) and "Two women" not in "\n".join(lines)  # no text
    assert await bot.rows("SELECT COUNT(*) FROM audit") == before  # read-only


async def test_requests_all_as_csv_for_a_spreadsheet(bot: Harness) -> None:
    escalated, waiting, closed = await three_requests(bot)
    execute_on(bot.database, "UPDATE requests SET category = ? WHERE id = ?", ["=1+2", waiting])
    found = await focalbot(bot, "requests", "--status", "all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(found.output)))
    assert [r["id"] for r in rows] == [escalated, waiting, closed]
    first, second, third = rows
    assert (first["from"], first["to"], first["urgency"], first["status"]) == (
        "AU",
        "TH",
        "urgent",
        "acknowledged",
    )
    assert first["escalated"] == "yes" and second["escalated"] == third["escalated"] == "no"
    assert datetime.fromisoformat(first["filed_at"]) <= datetime.fromisoformat(
        first["acknowledged_at"]
    )
    assert second["category"] == "'=1+2"  # a formula is written as text
    assert second["acknowledged_at"] == second["closed_at"] == ""
    assert third["status"] == "closed" and third["closed_at"]
    assert "Found it myself" not in found.output  # no outcome either


async def test_requests_says_when_there_are_none(bot: Harness) -> None:
    assert (await focalbot(bot, "requests")).output == "No open requests.\n"
    assert (await focalbot(bot, "requests", "--status", "all")).output == "No requests.\n"
    empty = await focalbot(bot, "requests", "--format", "csv")
    assert empty.output.startswith("id,from,to,category,urgency,status,filed_at,")


async def test_outbox_counts_offers_and_aligns_withdrawn_messages(tmp_path: Path) -> None:
    shipped = load_settings(SHIPPED_CONFIG)
    bot = Harness(tmp_path / "bot.db", shipped_settings(quiet_hours=shipped.quiet_hours))
    move_to(bot, datetime(2026, 12, 2, 16, 0, tzinfo=UTC))  # 23:00 in Bangkok: th-fp sleeps
    await bot.start()
    rid = await bot.file_request("TH #info Passport check AB123456")
    assert "acknowledged" in (await bot.say("nz-cochair", f"/ack {rid}"))[0]
    [(status,)] = await bot.rows("SELECT status FROM outbox WHERE person_id = 'th-fp'")
    assert status == "withdrawn"  # the page held for th-fp's morning is no longer needed

    listed = (await focalbot(bot, "outbox")).output.splitlines()
    assert listed[0].endswith("  withdrawn: 1  standby: 0"), listed[0]
    rows = listed[1:]
    assert any(" withdrawn " in row for row in rows)
    assert len({row.index(" x") for row in rows}) == 1, rows  # one column for the attempts
    only = (await focalbot(bot, "outbox", "--status", "withdrawn")).output.splitlines()[1:]
    assert len(only) == 1 and "th-fp" in only[0] and rid in only[0]
    assert "Passport" not in "".join(listed)  # what it is about, never the casework itself
    await bot.stop()


async def test_outbox_totals_count_the_copies_kept_on_standby(tmp_path: Path) -> None:
    """A parting notice's copy on the person's next channel is listed as standby: the totals
    counted it nowhere, so they did not add up to the rows listed."""
    adapters = [MemoryAdapter("telegram"), MemoryAdapter("slack")]
    bot = Harness(tmp_path / "bot.db", settings_with_th_fp_on("telegram"), extra_adapters=adapters)
    await bot.start()
    await bot.say("nz-cochair", "/handover th-fp th-deputy")
    await bot.settle()
    [(standing_by,)] = await bot.rows("SELECT COUNT(*) FROM outbox WHERE status = 'standby'")
    assert standing_by == 1

    totals, *rows = (await focalbot(bot, "outbox")).output.splitlines()
    counted = dict(part.split(": ") for part in totals.split("  "))
    assert counted["standby"] == "1", totals
    states = ("queued", "sent", "failed", "expired", "withdrawn", "standby")  # held: queued
    assert sum(int(counted[state]) for state in states) == len(rows), (totals, rows)
    assert sum(" standby " in row for row in rows) == 1, rows
    only = (await focalbot(bot, "outbox", "--status", "standby")).output.splitlines()[1:]
    assert len(only) == 1 and " slack " in only[0] and "handover" in only[0], only
    await bot.stop()
