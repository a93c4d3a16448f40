"""The report as an Excel workbook (openpyxl, write-only mode for speed).

Sheets: Summary (debrief and totals), By country (figures per country with a total row),
Status (countries × windows). Figures are real numbers, not text, so they sum in Excel; all
text (names, notes from returns) goes through :mod:`bot.spreadsheet_safety`, never a formula.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from bot.reports.debrief import debrief
from bot.reports.figures import ReportData, columns, totals
from bot.reports.render import header, status_table, subtitle, title
from bot.spreadsheet_safety import xlsx_row


def to_xlsx(data: ReportData) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    _summary(book.create_sheet("Summary"), data)
    _by_country(book.create_sheet("By country"), data)
    status = book.create_sheet("Status")
    for row in _status_rows(data):
        _append(status, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, values: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Every row goes in through here: text as text, numbers as numbers."""
    sheet.append(xlsx_row(sheet, values))


def _summary(sheet, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    _append(sheet, [title(data)])
    _append(sheet, [subtitle(data)])
    _append(sheet, [])
    _append(sheet, ["Draft debrief statement"])
    for paragraph in debrief(data).split("\n\n"):
        _append(sheet, [paragraph])
    _append(sheet, [])
    _append(sheet, ["Metric", "Total"])
    total = totals(data)
    for metric, currency in columns(data):
        if metric.kind != "text":
            _append(
                sheet,
                [
                    header(metric, currency),
                    _number(metric.kind, total.get((metric.key, currency), 0)),
                ],
            )


def _by_country(sheet, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    cols = columns(data)
    _append(sheet, ["Code", "Country", "Returns in", *(header(m, c) for m, c in cols)])
    windows = len(data.period.windows)
    for code in data.countries:
        done = sum(
            1 for w in data.period.windows if data.statuses[(w.seq, code)] in ("submitted", "late")
        )
        _append(
            sheet,
            [
                code,
                data.names[code],
                f"{done}/{windows}",
                *(_value(data, code, m, c) for m, c in cols),
            ],
        )
    total = totals(data)
    _append(
        sheet,
        [
            "",
            "Total",
            "",
            *(
                _number(m.kind, total.get((m.key, c))) if m.kind != "text" else None
                for m, c in cols
            ),
        ],
    )


def _value(data: ReportData, code: str, metric, currency: str):  # type: ignore[no-untyped-def]
    if metric.kind == "text":
        return " | ".join(data.texts.get((code, metric.key), ())) or None
    return _number(metric.kind, data.sums.get((code, metric.key, currency)))


def _number(kind: str, amount: int | None) -> float | int | None:
    if amount is None:
        return None
    return amount / 100 if kind == "money" else amount


def _status_rows(data: ReportData) -> list[list[str]]:
    head, rows = status_table(data)
    return [head, *rows]
