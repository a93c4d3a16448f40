"""Rendering a report: Markdown, CSV, JSON, and the short form for chat (XLSX is its own module).

Every format shows the same data: the draft debrief, totals, the per-country table and the
submission status per window. Totals count a joint operation's figure once per window; the
countries' rows show what each reported, so every table with a total says by how much its
rows add up to more (:data:`JOINT_NOTE`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from bot.i18n import DEFAULT_LANGUAGE, LanguageName, Msg, Text, _, join, n_, render
from bot.i18n.message import CountryName, ShownNumber
from bot.markdown_safety import md_text
from bot.periods.repo import CLOSED, OPEN, PLANNED
from bot.periods.windows import Window, short_date
from bot.reports.debrief import debrief, debrief_in
from bot.reports.figures import (
    Converted,
    JointOp,
    ReportData,
    Unscoped,
    columns,
    columns_by_metric,
    converted,
    excess,
    metric_order,
    status_counts,
    totals,
    window_totals,
)
from bot.returns.metric_values import ShownValue, Value, money_amount, money_number
from bot.returns.metrics import Metric
from bot.returns.repo import AWAITING, DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED
from bot.spreadsheet_safety import csv_row


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
    if data.joints:
        rows.append(["", JOINT_NOTE, "", *joint_note_cells(cols, excess(data))])
    return head, rows


NOT_REPORTED = "—"
"""A total no return gave at all (a 0 would read as a result)."""

JOINT_NOTE = "Joint operations counted once: the rows add up to this much more than the Total"
"""The label of the row under a total that joint operations make smaller than its rows' sum."""


def joint_note_cells(cols: list[tuple[Metric, str]], over: dict[str, int]) -> list[str]:
    """The note row's figures: per column, how much more its rows add up to than its total
    (``over``, from :func:`excess`); blank for a column with no joint operation."""
    return [f"{over[m.key]:,}" if m.key in over and not c else "" for m, c in cols]


def joint_note(data: ReportData) -> str:
    """The totals' note, for files: joint operations counted once, and what that takes off."""
    label = {m.key: m.label for m in data.metrics}
    over = [f"{n:,} more {label.get(k, k)}" for k, n in excess(data).items() if n]
    if not over:
        return "Joint operations are counted once in these totals (see Joint operations)."
    return (
        "Joint operations are counted once in these totals: adding up the countries' rows "
        f"gives {', '.join(over)} (see Joint operations)."
    )


def returns_in(data: ReportData, country: str) -> str:
    """``3 of 12``: how many of its windows a country has sent (never ``3/12``, which a
    spreadsheet reads as a date); ``2 of 12 (1 awaiting sign-off)`` with returns sent but
    not counted yet."""
    states = [data.statuses[(w.seq, country)] for w in data.period.windows]
    done = sum(1 for s in states if s in (SUBMITTED, LATE))
    text = f"{done} of {len(states)}"
    awaiting = states.count(AWAITING)
    return f"{text} ({awaiting} {STATUS_LABELS[AWAITING]})" if awaiting else text


STATUS_LABELS = {AWAITING: "awaiting sign-off"}
"""A return's status as the files' tables say it, where the bare value (``awaiting``, as the
JSON gives it) says too little; any other status as it is."""


def status_label(status: str) -> str:
    """A return's status for a file's table (:data:`STATUS_LABELS`)."""
    return STATUS_LABELS.get(status, status)


def status_table(data: ReportData) -> tuple[list[str], list[list[str]]]:
    """Countries × windows: submitted / late / awaiting sign-off (in, not counted yet) /
    draft / missing / not due (no return yet, and not due yet in that country)."""
    windows = data.period.windows
    head = ["Country", *(f"{w.label} (due {w.due_on.isoformat()})" for w in windows)]
    rows = [
        [data.names[c], *(_status_cell(data, w.seq, c) for w in windows)] for c in data.countries
    ]
    return head, rows


def _status_cell(data: ReportData, seq: int, country: str) -> str:
    """``missing``; ``not due (due 2027-02-09)`` for a return not in yet whose country's own
    due date is not the one the column names (its weekend, holiday or closure moved it)."""
    status = data.statuses[(seq, country)]
    moved = data.due_dates.get((seq, country))
    if moved is None or status not in (NOT_DUE, MISSING, DRAFT):
        return status_label(status)
    return f"{status_label(status)} (due {moved.isoformat()})"


JOINT_HEAD = ["Operation", "Window", "Figure", "Reported by", "Counted once", "Check"]


def joint_table(data: ReportData) -> tuple[list[str], list[list[str]]]:
    """Joint operations as text: :func:`joint_rows` with the figure counted written out."""
    rows = [[f"{v:,}" if isinstance(v, int) else v for v in row] for row in joint_rows(data)]
    return list(JOINT_HEAD), rows


def joint_rows(data: ReportData) -> list[list[str | int]]:
    """Joint operations window by window: the figure, the countries with what each reported,
    what the totals count (a number), and whether the returns agree."""
    return [_joint_row(data, j) for j in data.joints]


def _joint_row(data: ReportData, joint: JointOp) -> list[str | int]:
    metric = period_metric(data, joint.metric)
    label = metric.label if metric else joint.metric
    reported = "; ".join(
        f"{c} {joint.claims[c]:,}" if c in joint.claims else f"{c} —" for c in joint.named
    )
    window = window_label(data, joint.window)
    return [f"op:{joint.op}", window, label, reported, joint.counted, joint.check]


def window_label(data: ReportData, seq: int) -> str:
    """A window's label (``W2``) by its seq."""
    return next((w.label for w in data.period.windows if w.seq == seq), f"W{seq}")


def _joint_lines(data: ReportData) -> list[Text]:
    """The chat report's joint operations, with how to resolve a discrepancy."""
    if not data.joints:
        return []
    lines: list[Text] = ["", _("Joint operations (each outcome counted once in the totals):")]
    lines += [_joint_line(data, joint) for joint in data.joints]
    lines += [_unscoped_line(data, u) for u in data.unscoped]
    if any(j.discrepancy for j in data.joints) or data.unscoped:
        lines.append(
            "  "
            + _(
                "To resolve: /joint OP [W<n>] <figure> <number>, or /joint OP [W<n>] accept "
                "<COUNTRY>; each window's figures are compared apart."
            )
        )
    return lines


def _unscoped_line(data: ReportData, unscoped: Unscoped) -> Msg:
    """A co-chairs' figure for the whole period that no longer applies (see ``Unscoped``)."""
    metric = period_metric(data, unscoped.metric)
    return "  " + _(
        "{operation} {metric}: the co-chairs' figure {amount} was set for the whole period; "
        "the operation is reported in several windows, so it is not counted: resolve each "
        "window that needs it.",
        operation=f"op:{unscoped.op}",
        metric=metric.text if metric else unscoped.metric,
        amount=unscoped.amount,
    )


def _joint_line(data: ReportData, joint: JointOp) -> Msg:
    metric = period_metric(data, joint.metric)
    reported = join(
        [
            _("{country} {figure}", country=c, figure=joint.claims[c])
            if c in joint.claims
            else _("{country} —", country=c)
            for c in joint.named
        ],
        "; ",
    )
    return "  " + _(
        "{window} {operation} {metric}: {reported} → {counted} ({check})",
        window=window_label(data, joint.window),
        operation=f"op:{joint.op}",
        metric=metric.text if metric else joint.metric,
        reported=reported,
        counted=joint.counted,
        check=_joint_check(joint),
    )


def _joint_check(joint: JointOp) -> Msg:
    """Whether the countries' returns agree, for chat (``JointOp.check`` in words)."""
    if joint.resolved is not None:
        return _("resolved by the co-chairs")
    found = [check] if (check := _joint_discrepancy(joint)) else []
    if joint.awaiting:  # they sent a return: it may report the operation once approved
        found.append(
            _("{countries} awaiting national sign-off", countries=join(joint.awaiting, ", "))
        )
    return join(found, "; ") if found else _("agreed")


def _joint_discrepancy(joint: JointOp) -> Msg | None:
    """``JointOp.discrepancy`` in words; None when there is none."""
    if silent := joint.silent:
        return _(
            "DISCREPANCY: {countries} did not report op:{operation}",
            countries=join(silent, ", "),
            operation=joint.op,
        )
    if joint.discrepancy:
        given = join(
            [_("{country} {figure}", country=c, figure=a) for c, a in sorted(joint.claims.items())],
            ", ",
        )
        return _("DISCREPANCY: different figures ({figures})", figures=given)
    return None


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


NO_RETURNS = "No returns yet."


def to_markdown(data: ReportData, language: str = DEFAULT_LANGUAGE) -> str:
    """The report as Markdown, its draft debrief statement in ``language`` (the tables stay
    English): what people wrote shows as text, never as markup (:mod:`bot.markdown_safety`)."""
    heading = "## Draft debrief statement"
    if language != DEFAULT_LANGUAGE:
        heading += f", in {md_text(render(LanguageName(language), DEFAULT_LANGUAGE))}"
    parts = [
        f"# {md_text(title(data))}",
        md_text(subtitle(data)),
        heading,
        _md_debrief(data, language),
        "## Totals",
        # before any return, a column of zeros would read as results (as in chat)
        _md_table(["Metric", "Total"], _total_rows(data)) if data.reported else NO_RETURNS,
        *([md_text(joint_note(data))] if data.joints else []),
        "## By country",
        _md_table(*country_table(data)),
        "## Submission status",
        _md_table(*status_table(data)),
    ]
    if data.joints:
        parts += ["## Joint operations", _md_table(*joint_table(data))]
    return "\n\n".join(parts) + "\n"


def _md_debrief(data: ReportData, language: str) -> str:
    """The statement with the names in it escaped before they are placed: escaping it
    afterwards would keep a line break in a period's name, which could start a heading."""
    period = replace(data.period, name=md_text(data.period.name))
    names = {code: md_text(name) for code, name in data.names.items()}
    return debrief_in(replace(data, period=period, names=names), language)


def _total_rows(data: ReportData) -> list[list[str]]:
    """Each figure's total in the period's metric order, money in the report currency under
    its metric's own rows."""
    total = totals(data)
    rows: list[list[str]] = []
    for metric, currencies in columns_by_metric(data):
        if metric.kind == "text":
            continue
        rows += [
            [header(metric, c), amount_text(metric, total.get((metric.key, c))) or NOT_REPORTED]
            for c in currencies
        ]
        if metric.kind == "money" and (found := converted(data, metric.key)):
            rows.append([f"{metric.label} (all in {found.currency})", converted_text(found)])
    return rows


def converted_text(found: Converted) -> str:
    """``25,012.00 at THB 1 = USD 0.028 (15 Jan 2025); KRW left out (no rate)``."""
    rates = [
        f"{c} 1 = {found.currency} {rate_text(r.rate)} ({short_date(r.date)})"
        for c, r in found.used
    ]
    text = money_amount(found.amount)
    if rates:
        text += " at " + ", ".join(rates)
    if found.left_out:
        text += f"; {', '.join(found.left_out)} left out (no rate in bot.toml)"
    return text


def rate_text(rate: float) -> str:
    """A rate as a plain decimal, ``0.00004`` not ``4e-05`` (``:g`` also cut ``1234567`` to
    ``1.23457e+06``): up to 10 significant digits, so a rate reads as ``bot.toml`` gives it
    and float noise (``0.30000000000000004``) stays out."""
    return format(_rate_decimal(rate), "f")


def _rate_decimal(rate: float) -> Decimal:
    return Decimal(f"{rate:.10g}").normalize()


def rate_number(rate: float) -> ShownNumber:
    """:func:`rate_text` for a message: the same plain decimal (every digit it has, none
    added, no grouping), in the reader's decimal sign and digits (``0,2723``, ``০.২৭২৩``)."""
    plain = _rate_decimal(rate)
    places = max(0, -int(plain.as_tuple().exponent))
    return ShownNumber(plain, "0." + "#" * places if places else "0")  # type: ignore[arg-type]


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    return "\n".join([_md_line(head), _md_line(["---"] * len(head)), *map(_md_line, rows)])


def _md_line(cells: list[str]) -> str:
    """A table row, every cell escaped: a note's pipes and line breaks stay in its cell."""
    return "| " + " | ".join(map(md_text, cells)) + " |"


def to_csv(data: ReportData) -> str:
    """The per-country table (with totals and windows in) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head, rows = country_table(data)
    cols = columns(data)
    figures = [False] * (len(head) - len(cols)) + [m.kind != "text" for m, _c in cols]
    writer.writerow(csv_row(head))
    writer.writerows(csv_row(_plain(row, figures)) for row in rows)
    return out.getvalue()


def _plain(row: list[str], figures: list[bool]) -> list[str]:
    """Figures without thousands separators, for spreadsheets (negative ones too); any other
    cell (names, notes) as it was written: a note of ``-1,2`` is not the number -12."""
    return [c.replace(",", "") if figure else c for c, figure in zip(row, figures, strict=True)]


def to_json(data: ReportData) -> str:
    """Everything, structured."""
    total, by_window = totals(data), window_totals(data)
    body = {
        "period": _period_json(data),
        "windows": [_window_json(data, w, by_window.get(w.seq, {})) for w in data.period.windows],
        "metrics": [{"key": m.key, "label": m.label, "kind": m.kind} for m in data.metrics],
        "totals": _totals_json(data, total, excess(data)),
        "converted_totals": _converted_json(data),
        "countries": [_country_json(data, code) for code in data.countries],
        "joint_operations": [_joint_json(data, j) for j in data.joints],
        "debrief": debrief(data),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _window_json(
    data: ReportData, window: Window, total: dict[tuple[str, str], int]
) -> dict[str, object]:
    """A window's dates and its totals (each joint outcome once, as the period's)."""
    return {
        "label": window.label,
        "starts_on": window.starts_on.isoformat(),
        "ends_on": window.ends_on.isoformat(),
        "due_on": window.due_on.isoformat(),
        "totals": _totals_json(data, total, excess(data, window.seq)),
    }


def _totals_json(
    data: ReportData, total: dict[tuple[str, str], int], over: dict[str, int]
) -> list[dict[str, object]]:
    """Totals with ``joint_excess``: how much more the countries' figures add up to, as
    joint operations are counted once; in the period's metric order."""
    order = metric_order(data)
    return [
        {
            "metric": m,
            "currency": c,
            "amount": _number(data, m, a),
            "joint_excess": 0 if c else over.get(m, 0),
        }
        for (m, c), a in sorted(total.items(), key=lambda item: order(*item[0]))
    ]


def _converted_json(data: ReportData) -> list[dict[str, object]]:
    """Each money metric totalled in the report currency, as the other formats state it:
    the amount in units, the rates applied (with their dates) and the currencies left out
    for want of a rate."""
    found = [
        (m.key, c) for m in data.metrics if m.kind == "money" and (c := converted(data, m.key))
    ]
    return [
        {
            "metric": key,
            "currency": c.currency,
            "amount": c.amount / 100,
            "rates": [
                {"currency": cur, "rate": float(_rate_decimal(r.rate)), "date": r.date.isoformat()}
                for cur, r in c.used
            ],
            "left_out": list(c.left_out),
        }
        for key, c in found
    ]


def _joint_json(data: ReportData, joint: JointOp) -> dict[str, object]:
    return {
        "op": joint.op,
        "window": window_label(data, joint.window),
        "metric": joint.metric,
        "reported": dict(sorted(joint.claims.items())),
        "named": list(joint.named),
        "counted": joint.counted,
        "resolved": joint.resolved is not None,
        "discrepancy": joint.discrepancy,
        "awaiting_signoff": list(joint.awaiting),
    }


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
    """A country's figures and texts in the period's metric order, and its windows' status."""
    order = metric_order(data)
    cells = sorted((cell for cell in data.sums if cell[0] == code), key=lambda k: order(*k[1:]))
    figures = [
        {"metric": m, "currency": c, "amount": _number(data, m, data.sums[(code, m, c)])}
        for _code, m, c in cells
    ]
    notes = sorted((key for key in data.texts if key[0] == code), key=lambda k: order(k[1], ""))
    texts = {m: list(data.texts[(code, m)]) for _code, m in notes}
    status = {w.label: data.statuses[(w.seq, code)] for w in data.period.windows}
    return {
        "code": code,
        "name": data.names[code],
        "figures": figures,
        "window_figures": _window_figures_json(data, code),
        "texts": texts,
        "status": status,
    }


def _window_figures_json(data: ReportData, code: str) -> dict[str, list[dict[str, object]]]:
    """A country's figures per window label (windows it reported figures for), each
    window's in the period's metric order."""
    found: dict[str, list[dict[str, object]]] = {}
    labels = {w.seq: w.label for w in data.period.windows}
    order = metric_order(data)
    for (seq, country, m, c), a in sorted(
        data.window_sums.items(), key=lambda item: (item[0][0], order(*item[0][2:]))
    ):
        if country == code:
            shown: dict[str, object] = {"metric": m, "currency": c, "amount": _number(data, m, a)}
            found.setdefault(labels.get(seq, f"W{seq}"), []).append(shown)
    return found


STATUS_WORDS: dict[str, Text] = {
    PLANNED: _("planned"),
    OPEN: _("open"),
    CLOSED: _("closed"),
}
"""A period's status as the chat report says it."""


def chat_subtitle(data: ReportData) -> Msg:
    """Dates, status, size, in the reader's language."""
    period = data.period
    countries, windows = len(period.countries), len(period.windows)
    return _(
        "{start} to {end} · {status} · {countries} · {windows}",
        start=period.starts_on,
        end=period.ends_on,
        status=STATUS_WORDS.get(period.status, period.status),
        countries=n_("{count} country", "{count} countries", countries),
        windows=n_("{count} reporting window", "{count} reporting windows", windows),
    )


def to_chat(data: ReportData, language: str = DEFAULT_LANGUAGE) -> Msg:
    """A short report for chat: debrief (drafted in ``language``), totals, status per window,
    figures per country."""
    heading: Text = _("Draft debrief statement:")
    if language != DEFAULT_LANGUAGE:
        heading = _("Draft debrief statement, in {language}:", language=LanguageName(language))
    lines: list[Text] = [title(data), chat_subtitle(data), "", heading, debrief_in(data, language)]
    if data.reported:  # before any return, a column of zeros would read as results
        lines += ["", _("Totals:"), *(_indent(line) for line in _chat_totals(data))]
    lines += ["", _("Returns:"), *(_window_line(data, w) for w in data.period.windows)]
    lines += ["", _("By country:"), *(_country_line(data, c) for c in data.countries)]
    lines += _chat_joint_note(data)
    lines += _joint_lines(data)
    code = data.period.code
    lines += ["", _("Full tables: /report xlsx {code}; a chart: /report chart {code}", code=code)]
    return join(lines)


def _indent(text: Text) -> Msg:
    return "  " + join([text])


def _figure(metric: Metric, amount: int) -> int | ShownNumber:
    """A figure for chat, written as the reader writes numbers (money in units, with cents
    only when there are some)."""
    return money_number(amount) if metric.kind == "money" else amount


def _chat_header(metric: Metric, currency: str) -> Text:
    """:func:`header` for chat: the label in the reader's language."""
    return join([metric.text, f"({currency})"], " ") if currency else metric.text


def _chat_totals(data: ReportData) -> list[Msg]:
    """Each figure's total; those no return gave at all named on one line after them (a
    total of 0 would read as a result that nobody reported)."""
    total = totals(data)
    rows, silent = [], []
    for m, currencies in columns_by_metric(data):
        for c in currencies if m.kind != "text" else ():
            if (amount := total.get((m.key, c))) is None:
                silent.append(_chat_header(m, c))
            else:
                shown = _figure(m, amount)
                rows.append(_("{metric}: {total}", metric=_chat_header(m, c), total=shown))
        if m.kind == "money" and (found := converted(data, m.key)):  # under its own rows
            all_in = _("{metric} (all in {currency})", metric=m.text, currency=found.currency)
            rows.append(_("{metric}: {total}", metric=all_in, total=converted_message(found)))
    if silent:
        rows.append(_("Not reported by any country: {metrics}", metrics=join(silent, ", ")))
    return rows


def converted_message(found: Converted) -> Msg | int | ShownNumber:
    """:func:`converted_text` for chat, a message's parameter: the amount and the rates written
    as the reader writes numbers (as every other figure of the report is), the rates' dates
    per language; the amount alone when no rate was needed."""
    amount = money_number(found.amount)
    rates = join(
        [
            _(
                "{currency} 1 = {target} {rate} ({date})",
                currency=c,
                target=found.currency,
                rate=rate_number(r.rate),
                date=r.date,
            )
            for c, r in found.used
        ],
        ", ",
    )
    left_out = join(found.left_out, ", ")
    if found.used and found.left_out:
        return _(
            "{amount} at {rates}; {currencies} left out (no rate in bot.toml)",
            amount=amount,
            rates=rates,
            currencies=left_out,
        )
    if found.left_out:
        return _(
            "{amount}; {currencies} left out (no rate in bot.toml)",
            amount=amount,
            currencies=left_out,
        )
    if found.used:
        return _("{amount} at {rates}", amount=amount, rates=rates)
    return amount


def _window_line(data: ReportData, window: Window) -> Msg:
    """``W1 due Feb 7, 2027: 2 in (0 late), 1 draft, 0 missing, 5 not due yet``: missing
    counts only countries past their due moment; returns awaiting national sign-off are
    counted apart when there are some (said as /status says it)."""
    counts = status_counts(data, window.seq)
    shown = {
        "window": window.label,
        "due": window.due_on,
        "received": counts[SUBMITTED] + counts[LATE],
        "late": counts[LATE],
        "draft": counts[DRAFT],
        "missing": counts[MISSING],
    }
    if counts[AWAITING]:
        return "  " + _awaiting_window_line(counts[AWAITING], counts[NOT_DUE], shown)
    if counts[NOT_DUE]:
        return "  " + _(
            "{window} due {due}: {received} in ({late} late), {draft} draft, {missing} missing, "
            "{pending} not due yet",
            pending=counts[NOT_DUE],
            **shown,
        )
    return "  " + _(
        "{window} due {due}: {received} in ({late} late), {draft} draft, {missing} missing",
        **shown,
    )


def _awaiting_window_line(awaiting: int, pending: int, shown: dict[str, object]) -> Msg:
    """:func:`_window_line` with returns awaiting national sign-off: in, not counted yet."""
    if pending:
        return _(
            "{window} due {due}: {received} in ({late} late), {awaiting} awaiting national "
            "sign-off, {draft} draft, {missing} missing, {pending} not due yet",
            awaiting=awaiting,
            pending=pending,
            **shown,
        )
    return _(
        "{window} due {due}: {received} in ({late} late), {awaiting} awaiting national "
        "sign-off, {draft} draft, {missing} missing",
        awaiting=awaiting,
        **shown,
    )


def _chat_joint_note(data: ReportData) -> list[Text]:
    """Under the figures by country: how much more they add up to than the totals, as joint
    operations are counted once (nothing when that is nothing)."""
    over, differences = [], excess(data)
    for metric in data.metrics:
        amount = differences.get(metric.key, 0)
        if amount > 0:
            over.append(_("{metric} +{count}", metric=metric.text, count=amount))
        elif amount < 0:  # a co-chairs' figure above what the countries reported
            over.append(_("{metric} −{count}", metric=metric.text, count=-amount))
    if not over:
        return []
    return [
        "  "
        + _(
            "Joint operations are counted once in the totals; the figures by country differ "
            "from them by {differences}.",
            differences=join(over, ", "),
        )
    ]


def _country_line(data: ReportData, code: str) -> Msg:
    """A country's figures by label; a return of zeros is told apart from no return."""
    name = CountryName(data.names[code], code)  # as the reader's language names it
    if code not in data.reported:
        waiting = sum(1 for (_seq, c), st in data.statuses.items() if c == code and st == AWAITING)
        if waiting:  # sent by a deputy, not counted until the focal point approves
            return "  " + n_(
                "{country}: no return counted yet; {count} awaits national sign-off",
                "{country}: no return counted yet; {count} await national sign-off",
                waiting,
                country=name,
            )
        return "  " + _("{country}: no return yet", country=name)
    sums = data.sums
    shown = [(m, c, figure) for m, c in columns(data) if (figure := sums.get((code, m.key, c)))]
    figures = [
        _("{metric} {figure}", metric=m.text, figure=ShownValue(Value(figure, c)) if c else figure)
        for m, c, figure in shown
    ]
    given = {key for country, key, _c in data.sums if country == code}
    counted = [m.key for m in data.metrics if m.kind != "text"]
    blank = sum(1 for key in counted if key not in given)  # left blank in every return
    zero = sum(1 for key in given if key in counted) - len({m.key for m, _c, _f in shown})
    if not figures and not zero:
        return "  " + _("{country}: no figures given", country=name)
    if not figures:  # a zero is a result reported, a blank is not: never said alike
        if not blank:
            return "  " + _("{country}: all figures zero", country=name)
        return "  " + n_(
            "{country}: all figures given zero; {count} left blank",
            "{country}: all figures given zero; {count} left blank",
            blank,
            country=name,
        )
    rest = [n_("{count} more at zero", "{count} more at zero", zero)] if zero else []
    rest += [n_("{count} left blank", "{count} left blank", blank)] if blank else []
    listed = join(figures, ", ")
    if not rest:
        return "  " + _("{country}: {figures}", country=name, figures=listed)
    return "  " + _(
        "{country}: {figures}; {rest}", country=name, figures=listed, rest=join(rest, ", ")
    )


RENDERERS: dict[str, Callable[[ReportData], str]] = {
    "md": to_markdown,
    "csv": to_csv,
    "json": to_json,
}
