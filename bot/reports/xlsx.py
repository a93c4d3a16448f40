"""The report as an Excel workbook: what callers import, without loading openpyxl.

The workbook is written by :mod:`bot.reports.workbook`, imported on the first workbook asked
for: openpyxl takes ~0.2–0.4 s to import, which ``focalbot report --format md`` (and every
other format) would otherwise pay for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.reports.figures import ReportData

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(data: ReportData) -> bytes:
    """The workbook's bytes (:func:`bot.reports.workbook.to_xlsx`)."""
    from bot.reports import workbook

    return workbook.to_xlsx(data)
