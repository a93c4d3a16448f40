"""Joint operations in the reports, window by window: every total (the period's, each
window's; chat, Markdown, CSV, JSON, workbook, chart) counts a joint figure once, each table
with a total says by how much its rows add up to more, and a co-chair's /joint resolution is
for one window, so it cannot erase another window's figure. Also the CSV's "Returns in" cell
(never a date) and the workbook's rows and types."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.harness import Harness
from tests.returns_support import running
from tests.test_report import cli

MARCH = datetime(2027, 3, 10, 3, tzinfo=UTC)  # JPA-9's W1 (January) and W2 (February) are due
OP = "op:SONGKHLA-3"
# W1: Malaysia names the operation, Thailand's return does not; W2: both report 6 for it.
RETURNS = [
    ("au-fp", "W1 arrests 10, victims 2"),
    ("my-fp", f"W1 arrests 4 joint with TH {OP}, victims 1"),
    ("th-fp", "W1 arrests 3, victims 2"),
    ("my-fp", f"W2 arrests 6 joint with TH {OP}, victims 0"),
    ("th-fp", f"W2 arrests 6 joint with MY {OP}, victims 0"),
]
JOINT_NOTE = "Joint operations counted once: the rows add up to this much more than the Total"
ROWS, TOTAL, W1_TOTAL, W2_TOTAL = 29, 23, 17, 6  # W2's 6 is one outcome: counted once


async def submit(bot: Harness, person: str, line: str) -> None:
    [summary] = await bot.say(person, f"/return {line}")
    assert "Confirm to submit" in summary, summary
    assert "is " in (await bot.say(person, "/return confirm"))[0]


async def two_windows(tmp_path: Path) -> Harness:
    bot = await running(tmp_path, at=MARCH)
    for person, line in RETURNS:
        await submit(bot, person, line)
    return bot


async def chat_report(bot: Harness) -> str:
    return (await bot.say("nz-cochair", "/report JPA-9"))[0]


def chat_arrests(report: str) -> tuple[int, int, int]:
    """The chat report's arrests: its total, the sum of the lines by country, and the
    difference its note gives (0 without a note)."""
    total = int(re.search(r"^  Arrests: (\d+)$", report, re.MULTILINE)[1])  # type: ignore[index]
    by_country = report.split("By country:", 1)[1].split("\n\n", 1)[0]
    rows = sum(int(n) for n in re.findall(r"Arrests (\d+)", by_country))
    note = re.search(r"differ from them by Arrests \+(\d+)", report)
    return total, rows, int(note[1]) if note else 0


async def test_chat_compares_joint_figures_window_by_window(tmp_path: Path) -> None:
    bot = await two_windows(tmp_path)
    report = await chat_report(bot)
    assert f"W2 {OP} Arrests: MY 6; TH 6 → 6 (agreed)" in report
    assert f"W1 {OP} Arrests: MY 4; TH — → 4 (DISCREPANCY: TH did not report {OP})" in report
    assert "different figures" not in report  # they agree in the only window both reported
    total, rows, note = chat_arrests(report)
    assert (total, rows, note) == (TOTAL, ROWS, ROWS - TOTAL)
    await bot.stop()


async def test_a_resolution_names_its_window_and_erases_no_other(tmp_path: Path) -> None:
    bot = await two_windows(tmp_path)
    [ambiguous] = await bot.say("nz-cochair", "/joint SONGKHLA-3 arrests 6")
    assert "is reported in W1, W2" in ambiguous and "/joint SONGKHLA-3 W2 arrests" in ambiguous
    [no_window] = await bot.say("nz-cochair", "/joint SONGKHLA-3 W7 arrests 6")
    assert "JPA-9 has no window W7; its windows are W1, W2, W3." in no_window
    [not_there] = await bot.say("nz-cochair", "/joint SONGKHLA-3 W3 arrests 6")
    assert "names op:SONGKHLA-3 in W3; it is reported in W1, W2." in not_there
    [bare] = await bot.say("nz-cochair", "/joint SONGKHLA-3 W2")
    assert "/joint [CODE] OP [W<n>] <figure> <number>" in bare
    assert await bot.rows("SELECT COUNT(*) FROM joint_resolutions") == [(0,)]
    [resolved] = await bot.say("nz-cochair", "/joint SONGKHLA-3 W2 arrests 6")
    assert "op:SONGKHLA-3 in JPA-9 is resolved: Arrests 6 in W2" in resolved
    report = await chat_report(bot)
    assert f"W2 {OP} Arrests: MY 6; TH 6 → 6 (resolved by the co-chairs)" in report
    assert chat_arrests(report)[0] == TOTAL  # Malaysia's W1 4 still counts
    [accepted] = await bot.say("nz-cochair", "/joint SONGKHLA-3 accept MY")  # each window its own
    assert "Arrests 4 in W1, Arrests 6 in W2" in accepted
    assert chat_arrests(await chat_report(bot))[0] == TOTAL
    audited = await bot.rows(
        "SELECT subject FROM audit WHERE action = 'joint.resolved' ORDER BY id"
    )
    assert audited[0] == ("JPA-9:SONGKHLA-3:arrests:W2",)
    await bot.stop()


async def test_a_resolution_for_the_whole_period_erases_no_window(tmp_path: Path) -> None:
    """A figure stored before resolutions named a window is not counted where the operation
    is in several windows (it erased Malaysia's W1 4); the report says so."""
    bot = await two_windows(tmp_path)
    assert bot.app is not None
    await bot.app.store.run(
        lambda db: db.execute(
            "INSERT INTO joint_resolutions VALUES ('JPA-9', 'SONGKHLA-3', 'arrests', 6, "
            "'nz-cochair', '2027-03-10T03:00:00+00:00')"
        )
    )
    report = await chat_report(bot)
    assert chat_arrests(report)[0] == TOTAL  # not 19
    assert f"{OP} Arrests: the co-chairs' figure 6 was set for the whole period" in report
    await bot.say("nz-cochair", "/joint SONGKHLA-3 W1 arrests 4")
    assert await bot.rows("SELECT op FROM joint_resolutions") == [("SONGKHLA-3@1",)]
    assert "set for the whole period" not in await chat_report(bot)
    await bot.stop()


async def test_the_old_form_still_works_for_an_operation_in_one_window(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=MARCH)
    await submit(bot, "my-fp", f"W2 arrests 6 joint with TH {OP}, victims 0")
    await submit(bot, "th-fp", f"W2 arrests 4 joint with MY {OP}, victims 0")
    [resolved] = await bot.say("nz-cochair", "/joint SONGKHLA-3 arrests 5")
    assert "is resolved: Arrests 5 in W2" in resolved
    assert await bot.rows("SELECT op, amount FROM joint_resolutions") == [("SONGKHLA-3@2", 5)]
    assert "  Arrests: 5\n" in await chat_report(bot)
    await bot.stop()


async def test_every_file_counts_joint_figures_once_and_says_so(tmp_path: Path) -> None:
    bot = await two_windows(tmp_path)
    await bot.stop()
    db = bot.database

    rows = list(csv.DictReader(io.StringIO(await cli("JPA-9", "-d", db, "--format", "csv"))))
    countries = [r for r in rows if r["Code"]]
    [total] = [r for r in rows if r["Country"] == "Total"]
    [note] = [r for r in rows if r["Country"] == JOINT_NOTE]
    assert sum(int(r["Arrests"] or 0) for r in countries) == ROWS
    assert int(total["Arrests"]) == ROWS - int(note["Arrests"]) == TOTAL
    assert {r["Code"]: r["Returns in"] for r in countries}["MY"] == "2 of 3"  # never a date

    markdown = await cli("JPA-9", "-d", db)
    assert f"| Arrests | {TOTAL} |" in markdown
    assert f"| | {JOINT_NOTE} | | " in markdown.replace("|  |", "| |")
    assert "adding up the countries' rows gives 6 more Arrests" in markdown

    body = json.loads(await cli("JPA-9", "-d", db, "--format", "json"))
    [arrests] = [t for t in body["totals"] if t["metric"] == "arrests"]
    figures = [f for c in body["countries"] for f in c["figures"] if f["metric"] == "arrests"]
    assert sum(f["amount"] for f in figures) - arrests["joint_excess"] == arrests["amount"]
    assert arrests["amount"] == TOTAL
    by_window = {}
    for window in body["windows"]:
        [w] = [t for t in window["totals"] if t["metric"] == "arrests"] or [{"amount": 0}]
        shown = [
            f["amount"]
            for c in body["countries"]
            for f in c["window_figures"].get(window["label"], [])
            if f["metric"] == "arrests"
        ]
        assert sum(shown) - w.get("joint_excess", 0) == w["amount"]
        by_window[window["label"]] = w["amount"]
    assert by_window == {"W1": W1_TOTAL, "W2": W2_TOTAL, "W3": 0}
    assert [(j["window"], j["counted"]) for j in body["joint_operations"]] == [("W1", 4), ("W2", 6)]


async def test_workbook_totals_agree_and_its_cells_are_typed(tmp_path: Path) -> None:
    bot = await two_windows(tmp_path)
    await bot.stop()
    target = tmp_path / "jpa9.xlsx"
    await cli("JPA-9", "-d", bot.database, "--format", "xlsx", "--output", str(target))
    book = load_workbook(target)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r}
    assert summary["Arrests"] == TOTAL
    assert any(isinstance(k, str) and "6 more Arrests" in k for k in summary)
    totals = {}
    for name, label in [("By country", "Total"), ("W1 figures", "W1: Total")]:
        table = book[name]
        column = [c.value for c in table[1]].index("Arrests")
        values = list(table.iter_rows(min_row=2, values_only=True))
        assert values[0][0] == "AU"  # data from row 2: no empty row under the header
        assert re.fullmatch(r"A1:[A-Z]+9", str(table.auto_filter.ref))  # header, 8 countries
        rows = [r for r in values if r[0]]
        [total] = [r for r in values if r[1] == label]
        notes = [r for r in values if r[1] == JOINT_NOTE]
        over = whole(notes[0][column]) if notes else 0
        assert sum(whole(r[column]) for r in rows) - over == whole(total[column]), name
        totals[name] = total[column]
    w2 = {r[1]: r for r in book["W2 figures"].iter_rows(min_row=2, values_only=True)}
    column = [c.value for c in book["W2 figures"][1]].index("Arrests")
    assert w2["W2: Total"][column] == W2_TOTAL and w2[JOINT_NOTE][column] == 6  # 12 - 6
    assert totals == {"By country": TOTAL, "W1 figures": W1_TOTAL}
    assert W1_TOTAL + W2_TOTAL == TOTAL
    joint = book["Joint operations"]
    assert [c.value for c in joint[1]][:2] == ["Operation", "Window"]
    counted = [r[4] for r in joint.iter_rows(min_row=2)]
    assert [c.value for c in counted] == [4, 6] and {c.data_type for c in counted} == {"n"}
    for sheet in book.worksheets[1:]:
        assert any(v is not None for v in next(sheet.iter_rows(min_row=2, values_only=True)))


def whole(value: object) -> int:
    """A workbook cell's count (blank: 0)."""
    assert value is None or isinstance(value, int), value
    return value or 0


async def test_the_chart_legend_gives_totals_counted_once(tmp_path: Path) -> None:
    from bot.reports.chart import counts_by_metric, draw, legend_labels
    from bot.reports.figures import load_report
    from tests.test_report_chart import bars, panels

    bot = await two_windows(tmp_path)
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    assert data is not None
    stacks = dict(counts_by_metric(data))
    assert sum(v or 0 for v in stacks["Arrests"]) == ROWS  # each bar: the country's own
    assert f"Arrests (total {TOTAL})" in legend_labels(data, list(stacks))
    await bot.stop()
    arrests = panels(draw(data))[f"Arrests (total {TOTAL})"]  # the bot has stopped
    assert bars(arrests) == {"Australia": 10, "Malaysia": 10, "Thailand": 9}  # ROWS: 29
