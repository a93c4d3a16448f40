"""The report as an Excel workbook a co-chair can hand over (openpyxl).

Sheets: Summary (the debrief, wrapped, totals and a native chart of them), By country
(figures per country with a total row), one sheet per reporting window (that window's
figures), Status (countries × windows, coloured: red only for a return missing past its
due moment, grey for one not due yet), Joint operations (when there are any, a
discrepancy in red). Headers are bold and frozen, tables have filters, figures are real
numbers with number or currency formats, so they sum in Excel; all text (names, notes from
returns) goes through :mod:`bot.spreadsheet_safety`, never a formula.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from copy import copy
from typing import cast

from bot.gc_pause import gc_paused
from bot.periods.windows import Window
from bot.reports.debrief import debrief
from bot.reports.figures import ReportData, columns, converted, excess, totals, window_totals
from bot.reports.render import (
    JOINT_HEAD,
    JOINT_NOTE,
    converted_text,
    header,
    joint_note,
    joint_rows,
    returns_in,
    status_table,
    subtitle,
    title,
)
from bot.returns.metrics import Metric
from bot.returns.repo import DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED
from bot.spreadsheet_safety import xlsx_row
from bot.without_numpy import import_without_numpy

import_without_numpy("openpyxl")  # it would load numpy (~60 ms) to recognise numpy numbers

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import Cell, WriteOnlyCell  # noqa: E402
from openpyxl.chart import BarChart, Reference  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402
from openpyxl.styles.cell_style import StyleArray  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT_FORMAT = "#,##0"
BOLD = Font(bold=True)
STATUS_FILLS = {  # light fills that print legibly in black and white too
    SUBMITTED: PatternFill("solid", fgColor="C6EFCE"),
    LATE: PatternFill("solid", fgColor="FFEB9C"),
    DRAFT: PatternFill("solid", fgColor="DDEBF7"),
    MISSING: PatternFill("solid", fgColor="FFC7CE"),  # red: past its due moment, not in
    NOT_DUE: PatternFill("solid", fgColor="F2F2F2"),  # grey: not in, and not due yet
}
DISCREPANCY_FILL = PatternFill("solid", fgColor="FFC7CE")
Figure = Callable[[str, Metric, str], float | int | str | None]
StyleKey = tuple[str, bool, bool]  # number format, wrapped (text), bold


def to_xlsx(data: ReportData) -> bytes:
    """The workbook's bytes."""
    with gc_paused():
        return _workbook(data)


def _workbook(data: ReportData) -> bytes:
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)  # a new workbook has one worksheet
    _summary(first, data)
    styles = _FigureStyles()
    _by_country(book.create_sheet("By country"), data, styles, totals(data))
    by_window = window_totals(data)
    for window in data.period.windows:
        sheet = book.create_sheet(f"{window.label} figures"[:31])
        _by_country(sheet, data, styles, by_window.get(window.seq, {}), window)
    _status(book.create_sheet("Status"), data)
    if data.joints:
        _joints(book.create_sheet("Joint operations"), data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def money_format(currency: str) -> str:
    """``"USD "#,##0.00``: the amount with its currency, still a number."""
    return f'"{currency} "#,##0.00' if currency else "#,##0.00"


def _append(sheet: Worksheet, values: Sequence[object]) -> int:
    """Every row goes in through here: text as text, numbers as numbers. Returns the row."""
    return _append_cells(sheet, xlsx_row(sheet, values))


def _append_cells(sheet: Worksheet, cells: list[object]) -> int:
    """A row of values made safe already (:func:`xlsx_row`); returns the row (the one
    ``append`` just wrote: ``max_row`` would scan every cell of the sheet)."""
    sheet.append(cells)
    return int(sheet._current_row)  # type: ignore[attr-defined]


def _head(sheet: Worksheet, values: Sequence[object], widths: list[int]) -> int:
    """A bold header row, frozen below, with column widths."""
    row = _append(sheet, values)
    for index, width in enumerate(widths, start=1):
        sheet.cell(row, index).font = BOLD
        sheet.column_dimensions[get_column_letter(index)].width = width
    # by name: ``sheet.cell`` would make the cell, an empty row before the data
    sheet.freeze_panes = f"A{row + 1}"
    return row


def _summary(sheet: Worksheet, data: ReportData) -> None:
    sheet.title = "Summary"
    _append(sheet, [title(data)])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    _append(sheet, [subtitle(data)])
    _append(sheet, [])
    sheet.cell(_append(sheet, ["Draft debrief statement"]), 1).font = BOLD
    for paragraph in debrief(data).split("\n\n"):
        row = _append(sheet, [paragraph])
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 15 * (len(paragraph) // 90 + 1)
    _append(sheet, [])
    first = _totals(sheet, data)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 30
    _converted(sheet, data)
    if data.joints:
        _append(sheet, [joint_note(data)])
    _totals_chart(sheet, data, first)


def _totals(sheet: Worksheet, data: ReportData) -> int:
    """The totals table (counts first, so the chart takes them); returns its header row."""
    head = _append(sheet, ["Metric", "Total"])
    sheet.cell(head, 1).font = sheet.cell(head, 2).font = BOLD
    total = totals(data)
    ordered = sorted(
        (pair for pair in columns(data) if pair[0].kind != "text"),
        key=lambda pair: pair[0].kind != "count",
    )
    for metric, currency in ordered:
        amount = _number(metric.kind, total.get((metric.key, currency), 0))
        row = _append(sheet, [header(metric, currency), amount])
        sheet.cell(row, 2).number_format = _format(metric, currency)
    return head


def _converted(sheet: Worksheet, data: ReportData) -> None:
    """Money totalled in one currency, with the rates used stated beside it."""
    for metric in data.metrics:
        found = converted(data, metric.key) if metric.kind == "money" else None
        if found:
            row = _append(sheet, [f"{metric.label} (all in {found.currency})", found.amount / 100])
            sheet.cell(row, 2).number_format = money_format(found.currency)
            _append(sheet, ["Rates used", converted_text(found)])


def _totals_chart(sheet: Worksheet, data: ReportData, head: int) -> None:
    """A native bar chart of the count totals (Excel redraws it from the cells)."""
    counts = sum(1 for m, _c in columns(data) if m.kind == "count")
    if not counts:
        return
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", "Totals", None
    chart.add_data(
        Reference(sheet, min_col=2, min_row=head, max_row=head + counts), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=head + 1, max_row=head + counts))
    chart.height, chart.width = max(7.5, counts * 0.8), 18
    sheet.add_chart(chart, "D4")


def _window_return(data: ReportData, seq: int, country: str) -> str:
    """A country's return for one window: submitted, late, draft, missing or not due."""
    return data.statuses[(seq, country)]


def _by_country(
    sheet: Worksheet,
    data: ReportData,
    styles: _FigureStyles,
    total: dict[tuple[str, str], int],
    window: Window | None = None,
) -> None:
    """Figures per country and a total row (``total``), with formats and a filter: the
    period's, with the text metrics' columns; or one ``window``'s, without them (texts are
    not kept per window).
    The third column: the windows a country has sent (``3 of 12``), or on a window's sheet,
    that window's return (submitted, late, draft, missing, not due)."""
    cols = [pair for pair in columns(data) if window is None or pair[0].kind != "text"]
    figure: Figure = functools.partial(_value, data)
    returned: Callable[[str], str] = functools.partial(returns_in, data)
    if window is not None:
        figure = _window_value(data, window.seq)
        returned = functools.partial(_window_return, data, window.seq)
    third = "Returns in" if window is None else "Return"
    names = ["Code", "Country", third, *(header(m, c) for m, c in cols)]
    widths = [8, 24, 11, *(max(12, min(len(n) + 2, 40)) for n in names[3:])]
    head = _head(sheet, names, widths)
    keys = styles.keys(cols)
    for code in data.countries:
        lead = xlsx_row(sheet, [code, data.names[code], returned(code)])
        figures = [figure(code, m, c) for m, c in cols]
        _append_cells(sheet, [*lead, *styles.cells(sheet, figures, keys)])
    sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(names))}{sheet.max_row}"
    _table_total(sheet, data, styles, cols, total, window)


def _table_total(
    sheet: Worksheet,
    data: ReportData,
    styles: _FigureStyles,
    cols: list[tuple[Metric, str]],
    total: dict[tuple[str, str], int],
    window: Window | None,
) -> None:
    """The total row, each joint outcome once (a window's as the period's is counted), and
    under it, where joint operations are in the table, by how much its rows add up to more."""
    seq = window.seq if window else None
    empty = None if window is None else 0  # a window's sheet has always summed to 0
    sums = [_number(m.kind, total.get((m.key, c), empty)) for m, c in cols]
    label = "Total" if window is None else f"{window.label}: Total"
    lead = xlsx_row(sheet, ["", label, ""])
    row = _append_cells(sheet, [*lead, *styles.cells(sheet, sums, styles.keys(cols, bold=True))])
    for index in range(1, 4):
        sheet.cell(row, index).font = BOLD
    if any(seq is None or j.window == seq for j in data.joints):
        over = excess(data, seq)
        notes = [over.get(m.key) if not c else None for m, c in cols]
        lead = xlsx_row(sheet, ["", JOINT_NOTE, ""])
        _append_cells(sheet, [*lead, *styles.cells(sheet, notes, styles.keys(cols))])


def _joints(sheet: Worksheet, data: ReportData) -> None:
    """Joint operations, a discrepancy marked in red until the co-chairs resolve it."""
    head = _head(sheet, JOINT_HEAD, [20, 9, 20, 30, 14, 50])
    for values in joint_rows(data):  # what the totals count is a number, as figures are
        row = _append(sheet, values)
        if str(values[-1]).startswith("DISCREPANCY"):
            sheet.cell(row, len(values)).fill = DISCREPANCY_FILL
        sheet.cell(row, JOINT_HEAD.index("Counted once") + 1).number_format = COUNT_FORMAT
    sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(JOINT_HEAD))}{sheet.max_row}"


class _FigureStyles:
    """Each figure's cell, made with its number format (and wrapping for text). A style is
    looked up in the workbook once per kind and then copied to each new cell: set cell by
    cell, openpyxl hashes it every time, which took half of a large report's time. Text is
    neutralised as every cell's is (:mod:`bot.spreadsheet_safety`), keeping its quote prefix."""

    def __init__(self) -> None:
        self._made: dict[StyleKey, StyleArray] = {}

    @staticmethod
    def keys(cols: Sequence[tuple[Metric, str]], bold: bool = False) -> list[StyleKey]:
        """Each column's style: its number format, whether it wraps (text), bold."""
        return [
            (_format(metric, currency), metric.kind == "text", bold) for metric, currency in cols
        ]

    def cells(self, sheet: Worksheet, values: Sequence[object], keys: list[StyleKey]) -> list[Cell]:
        """A row's figure cells, each with its column's style (``keys``)."""
        made = []
        for value, key in zip(values, keys, strict=True):
            style = self._made.get(key)
            if style is not None and not isinstance(value, str):  # a number: nothing to neutralise
                made.append(Cell(sheet, 0, 0, cast(float | None, value), style))  # style copied
                continue
            cell = _cell(sheet, value)
            if style is None or cell.has_style:
                style = self._style(cell, key)
            cell._style = copy(style)  # type: ignore[attr-defined]  # openpyxl's own idiom
            made.append(cell)
        return made

    def _style(self, cell: Cell, key: StyleKey) -> StyleArray:
        fresh = not cell.has_style
        cell.number_format = key[0]
        if key[1]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key[2]:
            cell.font = BOLD
        style: StyleArray = cell._style  # type: ignore[attr-defined]
        if fresh:
            self._made[key] = copy(style)
        return style


def _cell(sheet: Worksheet, value: object) -> Cell:
    """A cell of ``sheet`` holding ``value`` safely (text never a formula)."""
    [made] = xlsx_row(sheet, [value])
    return made if isinstance(made, Cell) else WriteOnlyCell(sheet, cast(float | None, made))


def _format(metric: Metric, currency: str) -> str:
    if metric.kind == "money":
        return money_format(currency)
    return COUNT_FORMAT if metric.kind == "count" else "@"


def _status(sheet: Worksheet, data: ReportData) -> None:
    """Countries × windows, each cell coloured by its status."""
    names, rows = status_table(data)
    head = _head(sheet, list(names), [24, *(22 for _ in names[1:])])
    filled: dict[str, StyleArray] = {}  # each status's style, made once (see _FigureStyles)
    for values in rows:
        row = _append(sheet, list(values))
        for index, status in enumerate(values[1:], start=2):
            cell = sheet.cell(row, index)
            if status in filled and not cell.has_style:
                cell._style = copy(filled[status])  # type: ignore[union-attr]
                continue
            fresh = not cell.has_style
            cell.fill = STATUS_FILLS.get(status, PatternFill())
            if fresh:
                filled[status] = copy(cell._style)  # type: ignore[union-attr]
    sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(names))}{sheet.max_row}"


def _value(data: ReportData, code: str, metric: Metric, currency: str) -> float | int | str | None:
    if metric.kind == "text":
        return " | ".join(data.texts.get((code, metric.key), ())) or None
    return _number(metric.kind, data.sums.get((code, metric.key, currency)))


def _window_value(data: ReportData, seq: int) -> Figure:
    """One window's figures (counts and money: texts are left to By country)."""

    def value(code: str, metric: Metric, currency: str) -> float | int | str | None:
        return _number(metric.kind, data.window_sums.get((seq, code, metric.key, currency)))

    return value


def _number(kind: str, amount: int | None) -> float | int | None:
    if amount is None:
        return None
    return amount / 100 if kind == "money" else amount
