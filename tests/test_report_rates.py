"""Exchange rates in a report read as plain decimals (``VND 1 = USD 0.00004``), never in
scientific notation, in chat and in the files that state rates (Markdown, the workbook; the
CSV holds figures only)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from openpyxl import load_workbook

from bot.config import Rate
from bot.i18n import render
from bot.reports.figures import ReportData, converted
from bot.reports.render import converted_text, rate_text, to_chat, to_markdown
from bot.reports.xlsx import to_xlsx
from tests.returns_support import january_report

VND_RATE = "VND 1 = USD 0.00004 (Jan 8, 2027)"


def in_dong() -> ReportData:
    """Vietnam's assets restrained, VND 55,000,000, and a rate of 0.00004 USD to the dong."""
    sums = {("VN", "assets_restrained", "VND"): 5_500_000_000}  # in hundredths
    data = january_report({"VN": "Viet Nam"}, sums, submitted=True)
    rates = {"VND": Rate(rate=0.00004, date=date(2027, 1, 8))}
    return replace(data, currency="USD", rates=rates)


def test_rates_are_plain_decimals_with_their_significant_digits() -> None:
    assert rate_text(0.00004) == "0.00004"
    assert rate_text(0.028) == "0.028"
    assert rate_text(1_234_567.0) == "1234567"  # :g gave 1.23457e+06
    assert rate_text(25_000.0) == "25000"
    assert rate_text(0.1 + 0.2) == "0.3"  # float noise stays out
    assert rate_text(4.1234e-7) == "0.00000041234"


def test_chat_and_files_state_a_small_rate_in_decimals() -> None:
    data = in_dong()
    found = converted(data, "assets_restrained")
    assert found is not None
    assert converted_text(found) == "2,200 at VND 1 = USD 0.00004 (Fri 8 Jan 2027)"
    chat = render(to_chat(data), "en")
    assert "at " + VND_RATE in chat, chat
    markdown = to_markdown(data)
    assert VND_RATE.replace("Jan 8, 2027", "Fri 8 Jan 2027") in markdown, markdown
    assert "e-05" not in markdown
    book = load_workbook(io.BytesIO(to_xlsx(data)))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(VND_RATE.replace("Jan 8, 2027", "Fri 8 Jan 2027") in c for c in cells), cells
