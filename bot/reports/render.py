"""Rendering a report: Markdown, CSV, JSON, and the short form for chat (XLSX is its own module).

Every format shows the same data: the draft debrief, totals, the per-country table and the
submission status per window.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from bot.periods.windows import Window, short_date
from bot.reports.debrief import debrief
from bot.reports.figures import (
    Converted,
    JointOp,
    ReportData,
    columns,
    converted,
    status_counts,
    totals,
)
from bot.returns.metric_values import money_amount
from bot.returns.metrics import Metric
from bot.spreadsheet_safety import csv_row, is_number


def header(metric: Metric, currency: str) -> str:
    """A column title: the label, with the currency for money."""
    return f"{metric.label} ({currency})" if currency else metric.label


def amount_text(metric: Metric, amount: int | None) -> str:
    """A figure as text (money in units with decimals when there are cents)."""
    if amount is None:
        return ""
    return money_amount(amount) if metric.kind == "money" else f"{amount:,}"


def cell(data: ReportData, country: str, metric: Metric, currency: str) -> str:
    """One country's figure for a column."""
    if metric.kind == "text":
        return " | ".join(data.texts.get((country, metric.key), ()))
    return amount_text(metric, data.sums.get((country, metric.key, currency)))


def country_table(data: ReportData) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per country (figures, windows in), then the total row."""
    cols = columns(data)
    head = ["Code", "Country", "Returns in", *(header(m, c) for m, c in cols)]
    rows = [
        [
            code,
            data.names[code],
            returns_in(data, code),
            *(cell(data, code, m, c) for m, c in cols),
        ]
        for code in data.countries
    ]
    total = totals(data)
    rows.append(
        [
            "",
            "Total",
            "",
            *(amount_text(m, total.get((m.key, c))) if m.kind != "text" else "" for m, c in cols),
        ]
    )
    return head, rows


def returns_in(data: ReportData, country: str) -> str:
    """``3/12``: how many of its windows a country has sent."""
    done = sum(
        1 for w in data.period.windows if data.statuses[(w.seq, country)] in ("submitted", "late")
    )
    return f"{done}/{len(data.period.windows)}"


def status_table(data: ReportData) -> tuple[list[str], list[list[str]]]:
    """Countries × windows: submitted / late / draft / missing."""
    windows = data.period.windows
    head = ["Country", *(f"{w.label} (due {w.due_on.isoformat()})" for w in windows)]
    rows = [[data.names[c], *(data.statuses[(w.seq, c)] for w in windows)] for c in data.countries]
    return head, rows


def joint_table(data: ReportData) -> tuple[list[str], list[list[str]]]:
    """Joint operations: the figure, the countries with what each reported, what the totals
    count, and whether the returns agree."""
    head = ["Operation", "Figure", "Reported by", "Counted once", "Check"]
    return head, [_joint_row(data, j) for j in data.joints]


def _joint_row(data: ReportData, joint: JointOp) -> list[str]:
    metric = period_metric(data, joint.metric)
    label = metric.label if metric else joint.metric
    reported = "; ".join(
        f"{c} {joint.claims[c]:,}" if c in joint.claims else f"{c} —" for c in joint.named
    )
    if joint.resolved is not None:
        check = "resolved by the co-chairs"
    else:
        check = f"DISCREPANCY: {joint.discrepancy}" if joint.discrepancy else "agreed"
    return [f"op:{joint.op}", label, reported, f"{joint.counted:,}", check]


def _joint_lines(data: ReportData) -> list[str]:
    """The chat report's joint operations, with how to resolve a discrepancy."""
    if not data.joints:
        return []
    lines = ["", "Joint operations (each outcome counted once in the totals):"]
    lines += [
        f"  {row[0]} {row[1]}: {row[2]} → {row[3]} ({row[4]})" for row in joint_table(data)[1]
    ]
    if any(j.discrepancy for j in data.joints):
        lines.append("  To resolve: /joint OP <figure> <number>, or /joint OP accept <COUNTRY>.")
    return lines


def title(data: ReportData) -> str:
    """``JPA-4 — Fourth Joint Period of Action``."""
    return f"{data.period.code} — {data.period.name}"


def subtitle(data: ReportData) -> str:
    """Dates, status, size."""
    period = data.period
    return (
        f"{period.span} · {period.status} · {len(period.countries)} countries · "
        f"{len(period.windows)} reporting window{'' if len(period.windows) == 1 else 's'}"
    )


def to_markdown(data: ReportData) -> str:
    """The report as Markdown."""
    parts = [
        f"# {title(data)}",
        subtitle(data),
        "## Draft debrief statement",
        debrief(data),
        "## Totals",
        _md_table(["Metric", "Total"], _total_rows(data)),
        "## By country",
        _md_table(*country_table(data)),
        "## Submission status",
        _md_table(*status_table(data)),
    ]
    if data.joints:
        parts += ["## Joint operations", _md_table(*joint_table(data))]
    return "\n\n".join(parts) + "\n"


def _total_rows(data: ReportData) -> list[list[str]]:
    total = totals(data)
    rows = [
        [header(m, c), amount_text(m, total.get((m.key, c), 0))]
        for m, c in columns(data)
        if m.kind != "text"
    ]
    for metric in data.metrics:
        if metric.kind == "money" and (found := converted(data, metric.key)):
            rows.append([f"{metric.label} (all in {found.currency})", converted_text(found)])
    return rows


def converted_text(found: Converted) -> str:
    """``25,012.00 at THB 1 = USD 0.028 (15 Jan 2025); KRW left out (no rate)``."""
    rates = [f"{c} 1 = {found.currency} {r.rate:g} ({short_date(r.date)})" for c, r in found.used]
    text = money_amount(found.amount)
    if rates:
        text += " at " + ", ".join(rates)
    if found.left_out:
        text += f"; {', '.join(found.left_out)} left out (no rate in bot.toml)"
    return text


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    return "\n".join([_md_line(head), _md_line(["---"] * len(head)), *map(_md_line, rows)])


def _md_line(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def to_csv(data: ReportData) -> str:
    """The per-country table (with totals and windows in) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head, rows = country_table(data)
    writer.writerow(csv_row(head))
    writer.writerows(csv_row(_plain(row)) for row in rows)
    return out.getvalue()


def _plain(row: list[str]) -> list[str]:
    """Numbers without thousands separators, for spreadsheets (negative ones too)."""
    return [c.replace(",", "") if is_number(c.replace(",", "")) else c for c in row]


def to_json(data: ReportData) -> str:
    """Everything, structured."""
    total = totals(data)
    body = {
        "period": _period_json(data),
        "windows": [
            {
                "label": w.label,
                "starts_on": w.starts_on.isoformat(),
                "ends_on": w.ends_on.isoformat(),
                "due_on": w.due_on.isoformat(),
            }
            for w in data.period.windows
        ],
        "metrics": [{"key": m.key, "label": m.label, "kind": m.kind} for m in data.metrics],
        "totals": [
            {"metric": m, "currency": c, "amount": _number(data, m, a)}
            for (m, c), a in sorted(total.items())
        ],
        "countries": [_country_json(data, code) for code in data.countries],
        "debrief": debrief(data),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _period_json(data: ReportData) -> dict[str, str]:
    period = data.period
    return {
        "code": period.code,
        "name": period.name,
        "status": period.status,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }


def _number(data: ReportData, key: str, amount: int) -> float | int:
    metric = period_metric(data, key)
    return amount / 100 if metric and metric.kind == "money" else amount


def period_metric(data: ReportData, key: str) -> Metric | None:
    """A metric of the report's period by key."""
    return next((m for m in data.metrics if m.key == key), None)


def _country_json(data: ReportData, code: str) -> dict[str, object]:
    figures = [
        {"metric": m, "currency": c, "amount": _number(data, m, a)}
        for (country, m, c), a in sorted(data.sums.items())
        if country == code
    ]
    texts = {m: list(t) for (country, m), t in data.texts.items() if country == code}
    status = {w.label: data.statuses[(w.seq, code)] for w in data.period.windows}
    return {
        "code": code,
        "name": data.names[code],
        "figures": figures,
        "texts": texts,
        "status": status,
    }


def to_chat(data: ReportData) -> str:
    """A short report for chat: debrief, totals, status per window, figures per country."""
    lines = [
        title(data),
        subtitle(data),
        "",
        "Draft debrief statement:",
        debrief(data),
        "",
        "Totals:",
    ]
    lines += [f"  {name}: {value}" for name, value in _total_rows(data)]
    lines += ["", "Returns:"] + [_window_line(data, w) for w in data.period.windows]
    lines += ["", "By country:"] + [_country_line(data, c) for c in data.countries]
    lines += _joint_lines(data)
    lines += [
        "",
        f"Full tables: /report xlsx {data.period.code}; a chart: /report chart {data.period.code}",
    ]
    return "\n".join(lines)


def _window_line(data: ReportData, window: Window) -> str:
    counts = status_counts(data, window.seq)
    return (
        f"  {window.label} due {short_date(window.due_on)}: "
        f"{counts['submitted'] + counts['late']} in ({counts['late']} late), "
        f"{counts['draft']} draft, {counts['missing']} missing"
    )


def _country_line(data: ReportData, code: str) -> str:
    """A country's figures by label; a return of zeros is told apart from no return."""
    if code not in data.reported:
        return f"  {data.names[code]}: no return yet"
    figures = [
        f"{m.label} {cell(data, code, m, c)}" + (f" {c}" if c else "")
        for m, c in columns(data)
        if m.kind != "text" and data.sums.get((code, m.key, c))
    ]
    return f"  {data.names[code]}: {', '.join(figures) or 'all figures zero'}"


RENDERERS: dict[str, Callable[[ReportData], str]] = {
    "md": to_markdown,
    "csv": to_csv,
    "json": to_json,
}
