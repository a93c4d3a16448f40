"""Every report lists the figures in the period's metric order: the workbook's Summary put the
counts first ("Mutual legal assistance requests" before "Assets restrained") while its other
sheets, the chat, Markdown and CSV followed the period, and the JSON sorted them by key. A
money figure's total in the report currency follows its own rows.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.config import Rate
from bot.i18n import render
from bot.reports.chart import draw
from bot.reports.figures import ReportData
from bot.reports.render import to_chat, to_csv, to_json, to_markdown
from bot.reports.xlsx import to_xlsx
from bot.returns.repo import SUBMITTED
from tests.returns_support import open_period
from tests.test_report_chart import panels

NAMES = {"TH": "Thailand", "VN": "Viet Nam"}
FIGURES = {  # (country, metric, currency) -> amount; alphabetical keys are not the period's order
    ("TH", "mla_requests", ""): 2,
    ("TH", "arrests", ""): 7,
    ("TH", "assets_restrained", "THB"): 1_000_000_00,
    ("VN", "assets_restrained", "VND"): 2_000_000_00,
    ("VN", "victims_rescued", ""): 5,
}
ORDER = [  # the default metrics' order
    "Trafficked persons rescued",
    "Arrests",
    "Assets restrained",
    "Mutual legal assistance requests",
]
KEYS = ["victims_rescued", "arrests", "assets_restrained", "mla_requests"]


def sample() -> ReportData:
    """One final window; both returns in; money totalled in USD at two rates."""
    period = open_period("JPA-5", "Fifth", date(2027, 1, 31), NAMES, "final")
    statuses = {(1, c): SUBMITTED for c in NAMES}
    window = {(1, *cell): amount for cell, amount in FIGURES.items()}
    rates = {c: Rate(rate=r, date=date(2027, 1, 15)) for c, r in (("THB", 0.03), ("VND", 4e-05))}
    return ReportData(period, NAMES, FIGURES, {}, statuses, window, "USD", rates)


def listed(texts: list[str], names: list[str] = ORDER) -> list[str]:
    """The figures ``texts`` name, in the order they come (each once: a money figure's
    currencies and its total in the report currency name it again)."""
    found: list[str] = []
    for text in texts:
        name = next((n for n in names if text.startswith(n)), None)
        if name and name not in found:
            found.append(name)
        elif name and found[-1] != name:
            found.append(f"{name}, again")  # its rows apart: after another figure
    return found


def visible_labels(sheet: Worksheet) -> list[str]:
    hidden = {n for n, d in sheet.row_dimensions.items() if d.hidden}
    return [str(r[0].value) for r in sheet.iter_rows() if r[0].row not in hidden and r[0].value]


def test_every_sheet_of_the_workbook_follows_the_periods_order() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(sample())))
    summary = book["Summary"]
    assert listed(visible_labels(summary)) == ORDER
    rows = [str(r[0].value) for r in summary.iter_rows() if r[0].value]
    totals = rows[rows.index("Metric") :]
    assert totals[totals.index("Assets restrained (all in USD)") - 2 :][:4] == [
        "Assets restrained (THB)",
        "Assets restrained (VND)",
        "Assets restrained (all in USD)",
        "Rates used",
    ]
    for name in ("By country", "W1 figures"):
        header = [str(v) for v in next(book[name].iter_rows(values_only=True))]
        assert listed(header) == ORDER, name
    [chart] = summary._charts  # type: ignore[attr-defined]
    drawn = chart.series[0].cat.numRef.f.split("!")[1].replace("$", "")  # A30:A43
    first, last = (int(ref[1:]) for ref in drawn.split(":"))
    charted = [str(summary.cell(row, 1).value) for row in range(first, last + 1)]
    assert listed(charted) == [n for n in ORDER if n != "Assets restrained"]  # counts only
    assert summary.cell(first - 1, 2).value == "Total"  # the series' name
    assert all(summary.row_dimensions[r].hidden for r in range(first - 1, last + 1))
    assert not chart.visible_cells_only  # or Excel would draw nothing from hidden rows


def test_markdown_csv_chat_and_chart_follow_the_periods_order() -> None:
    data = sample()
    markdown = to_markdown(data)
    totals = markdown.split("## Totals", 1)[1].split("##", 1)[0]
    assert listed([line.removeprefix("| ") for line in totals.splitlines()]) == ORDER, totals
    table = markdown.split("## By country", 1)[1].split("\n\n", 2)[1]
    assert listed(table.splitlines()[0].split(" | ")) == ORDER
    assert listed(next(csv.reader(io.StringIO(to_csv(data))))) == ORDER
    chat = render(to_chat(data), "en")
    lines = [line.strip() for line in chat.split("Totals:", 1)[1].split("Returns:")[0].splitlines()]
    assert listed(lines) == ORDER, chat
    titles = list(panels(draw(data)))
    assert listed(titles) == [n for n in ORDER if n != "Assets restrained"]


def test_json_lists_figures_in_the_periods_order_not_by_key() -> None:
    body = json.loads(to_json(sample()))
    assert listed([t["metric"] for t in body["totals"]], KEYS) == KEYS
    thailand, viet_nam = body["countries"]
    assert [f["metric"] for f in thailand["figures"]] == [
        "arrests",
        "assets_restrained",
        "mla_requests",
    ]
    assert [f["metric"] for f in viet_nam["figures"]] == ["victims_rescued", "assets_restrained"]
    assert [f["metric"] for f in viet_nam["window_figures"]["W1"]] == [
        "victims_rescued",
        "assets_restrained",
    ]
