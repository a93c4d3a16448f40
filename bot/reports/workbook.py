"""The report as an Excel workbook a co-chair can hand over (openpyxl), written by
:func:`bot.reports.xlsx.to_xlsx`, which imports this module (and openpyxl) only when a
workbook is asked for.

Sheets: Summary (the debrief, wrapped, totals in the period's metric order and a native chart
of the counts' totals, drawn from a copy of them in hidden rows at the end), By country
(figures per country with a total row), one sheet per reporting window (that window's
figures), Status (countries × windows, coloured: red only for a return missing past its
due moment, grey for one not due yet, purple for one awaiting national sign-off), Joint
operations (when there are any, a discrepancy in red). Headers are bold and frozen, tables
have filters, figures are real numbers with number or currency formats, so they sum in
Excel; all text (names, notes from returns) is an inline string, never a formula,
quote-prefixed where it begins like one (:mod:`bot.spreadsheet_safety`).

Each sheet's rows are made as XML text and parsed once (:class:`_Sheet`): openpyxl's own
writer builds and serialises an object per cell, which took most of a large report's time
(50 countries × 20 metrics × 12 windows: ~17,000 cells).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

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
    status_label,
    status_table,
    subtitle,
    title,
)
from bot.returns.metrics import Metric
from bot.returns.repo import AWAITING, DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED
from bot.spreadsheet_safety import is_formula_like
from bot.without_numpy import import_without_numpy

import_without_numpy("openpyxl")  # it would load numpy (~60 ms) to recognise numpy numbers

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402
from openpyxl.chart import BarChart, Reference  # noqa: E402
from openpyxl.compat import safe_string  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.utils.exceptions import IllegalCharacterError  # noqa: E402
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # noqa: E402
from openpyxl.worksheet.cell_range import MultiCellRange  # noqa: E402
from openpyxl.worksheet.dimensions import (  # noqa: E402
    ColumnDimension,
    DimensionHolder,
    RowDimension,
)
from openpyxl.worksheet.filters import AutoFilter  # noqa: E402
from openpyxl.xml.functions import fromstring  # noqa: E402

COUNT_FORMAT = "#,##0"
BOLD = Font(bold=True)
STATUS_FILLS = {  # light fills that print legibly in black and white too
    SUBMITTED: PatternFill("solid", fgColor="C6EFCE"),
    LATE: PatternFill("solid", fgColor="FFEB9C"),
    AWAITING: PatternFill("solid", fgColor="E4DFEC"),  # purple: in, not counted until sign-off
    DRAFT: PatternFill("solid", fgColor="DDEBF7"),
    MISSING: PatternFill("solid", fgColor="FFC7CE"),  # red: past its due moment, not in
    NOT_DUE: PatternFill("solid", fgColor="F2F2F2"),  # grey: not in, and not due yet
}
DISCREPANCY_FILL = PatternFill("solid", fgColor="FFC7CE")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_TEXT = 32767  # characters in a cell, as openpyxl cuts them
Value = str | int | float | None
Figure = Callable[[str, Metric, str], Value]


@dataclass(frozen=True)
class Look:
    """How a cell looks: its number format, font, fill, wrapping and quote prefix."""

    number_format: str = "General"
    font: Font | None = None
    fill: PatternFill | None = None
    wrap: bool = False
    quoted: bool = False


PLAIN, HEAD = Look(), Look(font=BOLD)


class _Style(NamedTuple):
    """A look made in the workbook: ``attr`` is the cell's ``s`` attribute (empty if plain)."""

    attr: str
    look: Look


def to_xlsx(data: ReportData) -> bytes:
    """The workbook's bytes."""
    with gc_paused():
        return _workbook(data)


def _workbook(data: ReportData) -> bytes:
    book = _Book()
    _summary(book.sheet("Summary"), data)
    _by_country(book.sheet("By country"), data, totals(data))
    by_window = window_totals(data)
    for window in data.period.windows:
        sheet = book.sheet(f"{window.label} figures"[:31])
        _by_country(sheet, data, by_window.get(window.seq, {}), window)
    _status(book.sheet("Status"), data)
    if data.joints:
        _joints(book.sheet("Joint operations"), data)
    return book.save()


class _Book:
    """A write-only workbook; each look's style and each text's XML made once."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._styles: dict[Look, _Style] = {}
        self._texts: dict[str, tuple[str, bool]] = {}

    def sheet(self, title: str) -> _Sheet:
        made = _Sheet(self, title)
        self.workbook._add_sheet(made)  # type: ignore[attr-defined]  # create_sheet's own kind
        return made

    def style(self, look: Look, sheet: _Sheet) -> _Style:
        """``look`` as a style of this workbook (made with a cell of ``sheet``)."""
        made = self._styles.get(look)
        if made is None:
            made = self._styles[look] = _Style(_style_attr(look, sheet), look)
        return made

    def text(self, value: str) -> tuple[str, bool]:
        """A text cell's ``<is>`` element ("" for empty text), and whether it begins like a
        formula (then it is quote-prefixed, so editing it in Excel does not make it one)."""
        made = self._texts.get(value)
        if made is None:
            made = self._texts[value] = _inline(value), is_formula_like(value)
        return made

    def save(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def _style_attr(look: Look, sheet: _Sheet) -> str:
    """The ``s`` attribute of a cell that looks like ``look`` (openpyxl numbers the style)."""
    cell = WriteOnlyCell(sheet)  # any sheet of the workbook: the style is the workbook's
    cell.number_format = look.number_format
    if look.font:
        cell.font = look.font
    if look.fill:
        cell.fill = look.fill
    if look.wrap:
        cell.alignment = WRAP
    if look.quoted:
        cell.quotePrefix = True
    return f' s="{cell.style_id}"' if cell.has_style else ""


def _inline(value: str) -> str:
    """``<is><t>…</t></is>``: the text as openpyxl writes it (cut at 32,767 characters,
    refused with control characters, spaces kept), escaped (``\\r`` too, or XML reads ``\\n``)."""
    text = value[:MAX_TEXT]
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{escape(text, {chr(13): '&#13;'})}</t></is>"


class _Sheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows :meth:`add` makes as XML, parsed once on save.

    A row's height goes to :meth:`add` (it is written into the row). Text is always an
    inline string, so no cell can be a formula.

    It leans on openpyxl 3.1's write-only internals (``_write_rows``, ``_writer.xf``,
    ``Workbook._add_sheet``); tests/test_report_xlsx_same.py compares every cell with what
    openpyxl's own writer made, should an upgrade change them.
    """

    column_dimensions: DimensionHolder[str, ColumnDimension]  # openpyxl's (not in its stubs)
    row_dimensions: DimensionHolder[int, RowDimension]
    merged_cells: MultiCellRange
    auto_filter: AutoFilter

    def __init__(self, book: _Book, title: str) -> None:
        super().__init__(book.workbook, title)
        self.book = book
        self.last_row = 0  # the last row added
        self._rows_xml: list[str] = []

    def close(self) -> None:
        """Write the rows, parsed at once, then what follows them (openpyxl calls it on save)."""
        if self._rows_xml:
            self.append([fromstring(f"<sheetData>{''.join(self._rows_xml)}</sheetData>")])
        super().close()

    def styles(self, looks: Sequence[Look]) -> list[_Style]:
        """``looks`` as this workbook's styles, for :meth:`add`."""
        return [self.book.style(look, self) for look in looks]

    def add(
        self,
        values: Sequence[Value],
        styles: Sequence[_Style] = (),
        height: float = 0,
        hidden: bool = False,
    ) -> int:
        """Add the next row (each value with its style, plain past ``styles``); its number."""
        self.last_row += 1
        if height:
            self.row_dimensions[self.last_row].height = height
        if hidden:
            self.row_dimensions[self.last_row].hidden = True
        plain = self.book.style(PLAIN, self)
        cells = "".join(self._row_xml(values, [*styles, *[plain] * (len(values) - len(styles))]))
        if cells or height or hidden:
            dims = "".join(f' {k}="{v}"' for k, v in self.row_dimensions.get(self.last_row, ()))
            self._rows_xml.append(f'<row r="{self.last_row}"{dims}>{cells}</row>')
        return self.last_row

    def _row_xml(self, values: Sequence[Value], styles: Sequence[_Style]) -> Iterator[str]:
        """Each cell as openpyxl writes it; an empty one only if it has a style."""
        row = self.last_row
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            ref = f"{get_column_letter(column)}{row}"
            if value is None:
                if style.attr:
                    yield f'<c r="{ref}"{style.attr} t="n"/>'
            elif isinstance(value, str):
                yield self._text_xml(ref, value, style)
            else:
                yield f'<c r="{ref}"{style.attr} t="n"><v>{safe_string(value)}</v></c>'

    def _text_xml(self, ref: str, value: str, style: _Style) -> str:
        inline, quoted = self.book.text(value)
        if quoted:
            style = self.book.style(replace(style.look, quoted=True), self)
        if not inline:
            return f'<c r="{ref}"{style.attr} t="inlineStr"/>'
        return f'<c r="{ref}"{style.attr} t="inlineStr">{inline}</c>'

    def _write_rows(self) -> Generator[None, list[Any], None]:
        """openpyxl's own (``append`` sends rows here), for all rows made as XML already."""
        xf = self._writer.xf.send(True)  # type: ignore[attr-defined]
        try:
            while True:
                [rows] = yield  # the <sheetData> element
                xf.write(rows)
        except GeneratorExit:
            pass
        self._writer.xf.send(None)  # type: ignore[attr-defined]


def money_format(currency: str) -> str:
    """``"USD "#,##0.00``: the amount with its currency, still a number."""
    return f'"{currency} "#,##0.00' if currency else "#,##0.00"


def _head(sheet: _Sheet, values: Sequence[str], widths: list[int]) -> None:
    """The first row: bold, with column widths, and frozen below."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.add(values, sheet.styles([HEAD] * len(widths)))


def _summary(sheet: _Sheet, data: ReportData) -> None:
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 30
    sheet.add([title(data)], sheet.styles([Look(font=Font(bold=True, size=14))]))
    sheet.add([subtitle(data)])
    sheet.add([])
    sheet.add(["Draft debrief statement"], sheet.styles([HEAD]))
    wrapped = sheet.styles([Look(wrap=True)])
    for paragraph in debrief(data).split("\n\n"):
        row = sheet.add([paragraph], wrapped, height=15 * (len(paragraph) // 90 + 1))
        sheet.merged_cells.add(f"A{row}:B{row}")
    sheet.add([])
    _totals(sheet, data)
    if data.joints:
        sheet.add([joint_note(data)])
    _totals_chart(sheet, data)


def _totals(sheet: _Sheet, data: ReportData) -> None:
    """The totals table in the period's metric order, as every other sheet and format lists
    them; a money metric's total in the report currency follows its own rows."""
    sheet.add(["Metric", "Total"], sheet.styles([HEAD, HEAD]))
    total = totals(data)
    cols = columns(data)
    for metric in (m for m in data.metrics if m.kind != "text"):
        for currency in (c for m, c in cols if m.key == metric.key):
            amount = _number(metric.kind, total.get((metric.key, currency)))  # None: not given
            sheet.add([header(metric, currency), amount], _total_styles(sheet, metric, currency))
        _converted(sheet, data, metric)


def _total_styles(sheet: _Sheet, metric: Metric, currency: str) -> list[_Style]:
    return sheet.styles([PLAIN, Look(_format(metric, currency))])


def _converted(sheet: _Sheet, data: ReportData, metric: Metric) -> None:
    """A money metric totalled in one currency, with the rates used stated beside it."""
    found = converted(data, metric.key) if metric.kind == "money" else None
    if found:
        label = f"{metric.label} (all in {found.currency})"
        formatted = sheet.styles([PLAIN, Look(money_format(found.currency))])
        sheet.add([label, found.amount / 100], formatted)
        sheet.add(["Rates used", converted_text(found)])


CHART_DATA = "Count totals, for the chart"
"""The heading of the hidden rows the Summary's chart draws."""


def _totals_chart(sheet: _Sheet, data: ReportData) -> None:
    """A native bar chart of the count totals (Excel redraws it from the cells)."""
    head, counts = _chart_data(sheet, data)
    if not counts:
        return
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", "Totals", None
    chart.visible_cells_only = False  # its cells are in hidden rows
    chart.add_data(
        Reference(sheet, min_col=2, min_row=head, max_row=head + counts), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=head + 1, max_row=head + counts))
    chart.height, chart.width = max(7.5, counts * 0.8), 18
    sheet.add_chart(chart, "D4")  # type: ignore[misc]  # Worksheet's, as openpyxl copies it


def _chart_data(sheet: _Sheet, data: ReportData) -> tuple[int, int]:
    """The count totals again, in hidden rows under the Summary: a chart draws one block of
    cells, and the totals table, in the period's order, has money between the counts (a
    chart of several blocks is Excel's own, which other spreadsheets may not read). Its
    header row and how many counts follow (none: no rows)."""
    counts = [m for m, _c in columns(data) if m.kind == "count"]
    if not counts:
        return 0, 0
    total = totals(data)
    sheet.add([], hidden=True)
    head = sheet.add([CHART_DATA, "Total"], sheet.styles([HEAD, HEAD]), hidden=True)
    for metric in counts:
        amount = total.get((metric.key, ""))
        sheet.add([metric.label, amount], _total_styles(sheet, metric, ""), hidden=True)
    return head, len(counts)


def _window_return(data: ReportData, seq: int, country: str) -> str:
    """A country's return for one window: submitted, late, awaiting sign-off, draft, missing
    or not due."""
    return status_label(data.statuses[(seq, country)])


def _by_country(
    sheet: _Sheet,
    data: ReportData,
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
    _head(sheet, names, [8, 24, 11, *(max(12, min(len(n) + 2, 40)) for n in names[3:])])
    styles = sheet.styles([PLAIN] * 3 + _looks(cols))
    for code in data.countries:
        figures = [figure(code, m, c) for m, c in cols]
        sheet.add([code, data.names[code], returned(code), *figures], styles)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{sheet.last_row}"
    _table_total(sheet, data, cols, total, window)


def _looks(cols: Sequence[tuple[Metric, str]], bold: bool = False) -> list[Look]:
    """Each figure column's look: its number format, wrapped if text, bold in a total."""
    font = BOLD if bold else None
    return [Look(_format(m, c), font, wrap=m.kind == "text") for m, c in cols]


def _table_total(
    sheet: _Sheet,
    data: ReportData,
    cols: list[tuple[Metric, str]],
    total: dict[tuple[str, str], int],
    window: Window | None,
) -> None:
    """The total row, each joint outcome once (a window's as the period's is counted), and
    under it, where joint operations are in the table, by how much its rows add up to more."""
    seq = window.seq if window else None
    sums = [_number(m.kind, total.get((m.key, c))) for m, c in cols]  # None: nobody gave it
    label = "Total" if window is None else f"{window.label}: Total"
    sheet.add(["", label, "", *sums], sheet.styles([HEAD] * 3 + _looks(cols, bold=True)))
    if any(seq is None or j.window == seq for j in data.joints):
        over = excess(data, seq)
        notes = [over.get(m.key) if not c else None for m, c in cols]
        sheet.add(["", JOINT_NOTE, "", *notes], sheet.styles([PLAIN] * 3 + _looks(cols)))


def _joints(sheet: _Sheet, data: ReportData) -> None:
    """Joint operations, a discrepancy marked in red until the co-chairs resolve it."""
    _head(sheet, JOINT_HEAD, [20, 9, 20, 30, 14, 50])
    counted = JOINT_HEAD.index("Counted once")
    for values in joint_rows(data):  # what the totals count is a number, as figures are
        looks = [PLAIN] * len(values)
        looks[counted] = Look(COUNT_FORMAT)
        if str(values[-1]).startswith("DISCREPANCY"):
            looks[-1] = Look(fill=DISCREPANCY_FILL)
        sheet.add(values, sheet.styles(looks))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(JOINT_HEAD))}{sheet.last_row}"


def _format(metric: Metric, currency: str) -> str:
    if metric.kind == "money":
        return money_format(currency)
    return COUNT_FORMAT if metric.kind == "count" else "@"


def _status(sheet: _Sheet, data: ReportData) -> None:
    """Countries × windows, each cell coloured by its status."""
    names, rows = status_table(data)
    _head(sheet, names, [24, *(22 for _ in names[1:])])
    filled = {s: sheet.book.style(Look(fill=fill), sheet) for s, fill in STATUS_FILLS.items()}
    plain = sheet.book.style(PLAIN, sheet)
    for code, values in zip(data.countries, rows, strict=True):  # the table's row order
        statuses = (data.statuses[(w.seq, code)] for w in data.period.windows)
        sheet.add(values, [plain, *(filled.get(status, plain) for status in statuses)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{sheet.last_row}"


def _value(data: ReportData, code: str, metric: Metric, currency: str) -> Value:
    if metric.kind == "text":
        return " | ".join(data.texts.get((code, metric.key), ())) or None
    return _number(metric.kind, data.sums.get((code, metric.key, currency)))


def _window_value(data: ReportData, seq: int) -> Figure:
    """One window's figures (counts and money: texts are left to By country)."""

    def value(code: str, metric: Metric, currency: str) -> Value:
        return _number(metric.kind, data.window_sums.get((seq, code, metric.key, currency)))

    return value


def _number(kind: str, amount: int | None) -> float | int | None:
    if amount is None:
        return None
    return amount / 100 if kind == "money" else amount
