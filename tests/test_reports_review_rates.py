"""Money totalled in the report currency: in chat, the total and the rates are written as the
reader writes numbers (an Indonesian's ``143.675`` and ``0,2723``, Bengali digits and
grouping), as every other figure is; the JSON file carries the converted total, the rates
with their dates and the currencies left out, as the other formats do."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from bot.config import Rate
from bot.i18n import render
from bot.reports.figures import ReportData
from bot.reports.render import to_chat, to_json, to_markdown
from tests.returns_support import january_report

ASSETS = "assets_restrained"


def in_three_currencies() -> ReportData:
    """The UAE's AED 500,000 and Australia's USD 7,525 (USD 143,675 at AED 1 = USD 0.2723),
    and Korea's KRW 1,000,000, which has no rate."""
    sums = {
        ("AE", ASSETS, "AED"): 50_000_000,  # in hundredths
        ("AU", ASSETS, "USD"): 752_500,
        ("KR", ASSETS, "KRW"): 100_000_000,
    }
    names = {"AE": "United Arab Emirates", "AU": "Australia", "KR": "Korea"}
    data = january_report(names, sums, submitted=True)
    return replace(data, currency="USD", rates={"AED": Rate(rate=0.2723, date=date(2027, 1, 8))})


def converted_line(data: ReportData, language: str) -> str:
    """The chat report's line of the total in the report currency, as a reader of
    ``language`` sees it (the statement drafted in English)."""
    chat = render(to_chat(data), language)
    [line] = [line for line in chat.splitlines() if " = USD " in line]
    return line


def test_english_reads_as_before() -> None:
    line = converted_line(in_three_currencies(), "en")
    assert line.endswith(
        ": 143,675 at AED 1 = USD 0.2723 (Jan 8, 2027); KRW left out (no rate in bot.toml)"
    ), line


def test_an_indonesian_reads_the_total_and_the_rate_in_indonesian_separators() -> None:
    line = converted_line(in_three_currencies(), "id")
    assert " 143.675 " in line and "AED 1 = USD 0,2723" in line, line
    assert "143,675" not in line and "0.2723" not in line, line


def test_a_bengali_reader_reads_bengali_digits_and_grouping() -> None:
    line = converted_line(in_three_currencies(), "bn")
    assert "১,৪৩,৬৭৫" in line and "০.২৭২৩" in line, line  # lakh grouping, as other totals
    sums = {("AE", ASSETS, "AED"): 100_000_000, ("AU", ASSETS, "USD"): 2_500_050}  # with cents
    line = converted_line(replace(in_three_currencies(), sums=sums), "bn")
    assert "২৯৭,৩০০.৫০" in line, line  # USD 25,000.50 + AED 1,000,000 x 0.2723, as money_number


def test_the_json_file_carries_the_converted_total_rates_and_left_out() -> None:
    data = in_three_currencies()
    body = json.loads(to_json(data))
    assert body["converted_totals"] == [
        {
            "metric": ASSETS,
            "currency": "USD",
            "amount": 143_675.0,
            "rates": [{"currency": "AED", "rate": 0.2723, "date": "2027-01-08"}],
            "left_out": ["KRW"],
        }
    ]
    # the same the Markdown states in prose
    assert "| Assets restrained (all in USD) | 143,675 at AED 1 = USD 0.2723" in to_markdown(data)
    no_rates = json.loads(to_json(replace(data, currency="", rates={})))
    assert no_rates["converted_totals"] == []


def test_json_rates_are_numbers_without_float_noise() -> None:
    rates = {"AED": Rate(rate=0.1 + 0.2, date=date(2027, 1, 8))}
    body = json.loads(to_json(replace(in_three_currencies(), rates=rates)))
    [rate] = body["converted_totals"][0]["rates"]
    assert rate["rate"] == 0.3 and isinstance(rate["rate"], float), rate
