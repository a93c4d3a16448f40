"""A return awaiting its first national sign-off has a status of its own in every report
format (chat, Markdown, CSV, workbook, JSON, chart), its figures still not counted; a joint
operation's partner whose return awaits sign-off is said to, not to have "not reported"."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from bot.reports.chart import STATUS_COLOURS, to_png
from bot.reports.figures import STATUSES, load_report
from bot.reports.workbook import STATUS_FILLS
from bot.returns.repo import AWAITING, DRAFT
from tests.harness import Harness
from tests.returns_support import PERIOD, running
from tests.test_report import cli

SIGNOFF = PERIOD.model_copy(update={"signoff": True})
OP = "op:SONGKHLA-3"


async def submit(bot: Harness, person: str, line: str) -> None:
    [summary] = await bot.say(person, f"/return {line}")
    assert "Confirm to submit" in summary, summary
    [sent] = await bot.say(person, "/return confirm")
    assert "is submitted" in sent or "counts once" in sent, sent


async def awaiting_thailand(tmp_path: Path) -> Harness:
    """JPA-9 with national sign-off, mid-January: Thailand's deputy sent W1 (awaiting its
    focal point), Malaysia's focal point sent W1 naming the joint operation with Thailand."""
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await submit(bot, "th-deputy", f"arrests 4 joint with MY {OP}, victims 2")
    await submit(bot, "my-fp", f"arrests 4 joint with TH {OP}, victims 1")
    return bot


async def chat_report(bot: Harness) -> str:
    return (await bot.say("nz-cochair", "/report JPA-9"))[0]


async def test_the_chat_report_counts_a_return_awaiting_signoff_apart(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    text = await chat_report(bot)
    assert (
        "  W1 due Feb 7, 2027: 1 in (0 late), 1 awaiting national sign-off, 0 draft, "
        "0 missing, 6 not due yet\n"
    ) in text, text
    assert "1 draft" not in text
    assert "  Arrests: 4\n" in text and "  Trafficked persons assisted: 1\n" in text  # MY's only
    assert "did not report" not in text, text
    assert f"{OP} Arrests: MY 4; TH — → 4 (TH awaiting national sign-off)" in text, text
    assert "To resolve" not in text  # nothing for the co-chairs to resolve: sign-off is due
    await bot.press("th-fp", "/return JPA-9 W1 approve")
    text = await chat_report(bot)
    assert "  W1 due Feb 7, 2027: 2 in (0 late), 0 draft, 0 missing, 6 not due yet\n" in text
    assert f"{OP} Arrests: MY 4; TH 4 → 4 (agreed)" in text, text
    await bot.stop()


async def test_the_files_carry_the_status_and_the_joint_check(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    await bot.stop()
    db = bot.database
    markdown = await cli("JPA-9", "-d", db)
    assert "| Thailand | awaiting sign-off | not due (due 2027-03-08) | not due |" in markdown, (
        markdown  # W2 is due on Sunday 7 March: Thailand's next working day is the 8th
    )
    assert "| op:SONGKHLA-3 | W1 | Arrests | MY 4; TH — | 4 | TH awaiting national sign-off |" in (
        markdown
    ), markdown
    assert "draft" not in markdown.split("## Submission status", 1)[1]
    table = await cli("JPA-9", "-d", db, "--format", "csv")
    rows = {r["Code"]: r for r in csv.DictReader(io.StringIO(table))}
    assert rows["TH"]["Returns in"] == "0 of 3 (1 awaiting sign-off)", rows["TH"]
    assert rows["TH"]["Arrests"] == "" and rows["MY"]["Returns in"] == "1 of 3"
    body = json.loads(await cli("JPA-9", "-d", db, "--format", "json"))
    status = {c["code"]: c["status"] for c in body["countries"]}
    assert status["TH"] == {"W1": "awaiting", "W2": "not due", "W3": "not due"}, status
    [joint] = body["joint_operations"]
    assert joint["discrepancy"] == "" and joint["awaiting_signoff"] == ["TH"], joint
    target = tmp_path / "jpa9.xlsx"
    await cli("JPA-9", "-d", db, "--format", "xlsx", "--output", str(target))
    book = await asyncio.to_thread(load_workbook, target)
    sheet = book["Status"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Thailand")
    assert row[1].value == "awaiting sign-off"
    assert str(row[1].fill.fgColor.rgb).endswith(str(STATUS_FILLS[AWAITING].fgColor.rgb)[-6:])
    assert STATUS_FILLS[AWAITING].fgColor.rgb != STATUS_FILLS[DRAFT].fgColor.rgb
    joints = list(book["Joint operations"].iter_rows(values_only=True))
    assert joints[-1][-1] == "TH awaiting national sign-off", joints


async def test_the_chart_draws_and_names_the_status(tmp_path: Path) -> None:
    bot = await awaiting_thailand(tmp_path)
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    await bot.stop()
    assert data is not None and data.statuses[(1, "TH")] == AWAITING
    assert AWAITING in STATUSES and AWAITING in STATUS_COLOURS
    assert STATUS_COLOURS[AWAITING] not in {c for s, c in STATUS_COLOURS.items() if s != AWAITING}
    png = await asyncio.to_thread(to_png, data)
    assert coloured_pixels(png, STATUS_COLOURS[AWAITING]) > 2_000  # W1's bar, and the legend


async def test_an_amendment_awaiting_signoff_stays_submitted(tmp_path: Path) -> None:
    """The approved figures count while an amendment awaits: the return is in, as before."""
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await submit(bot, "th-deputy", "arrests 5, victims 1")
    await bot.press("th-fp", "/return JPA-9 W1 approve")
    await submit(bot, "th-deputy", "arrests 9")
    text = await chat_report(bot)
    assert "  W1 due Feb 7, 2027: 1 in (0 late), 0 draft, 0 missing, 7 not due yet\n" in text
    assert "  Arrests: 5\n" in text
    await bot.stop()


def coloured_pixels(png: bytes, colour: str) -> int:
    """How many pixels of the picture are ``colour`` (``#rrggbb``)."""
    from matplotlib import image

    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    pixels = image.imread(io.BytesIO(png), format="png")[..., :3] * 255
    return int((abs(pixels - rgb) < 3).all(axis=-1).sum())
