"""The report as a picture for chat: totals by country and submission status (matplotlib).

The Agg backend draws to memory, so no display is needed (servers have none).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib.axes import Axes  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402

from bot.reports.figures import ReportData, status_counts, totals  # noqa: E402
from bot.reports.render import status_label, title  # noqa: E402
from bot.returns.repo import AWAITING, DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED  # noqa: E402

STATUS_COLOURS = {  # each status of bot.reports.figures.STATUSES, in the legend's order
    SUBMITTED: "#2e7d32",
    LATE: "#f9a825",
    AWAITING: "#7e57c2",  # purple: in, not counted until national sign-off
    DRAFT: "#90a4ae",
    MISSING: "#c62828",  # red: past its due moment, not in
    NOT_DUE: "#e0e0e0",  # light grey: not in, and not due yet
}


def counts_by_metric(data: ReportData) -> list[tuple[str, list[int]]]:
    """Each count figure reported anywhere, with its sum per participating country (in the
    order of ``data.countries``). Counts of different things are not added together: persons,
    warrants and training sessions make no meaningful total."""
    found = []
    for metric in (m for m in data.metrics if m.kind == "count"):
        per_country = [
            sum(a for (c, m, _cur), a in data.sums.items() if c == code and m == metric.key)
            for code in data.countries
        ]
        if any(per_country):
            found.append((metric.label, per_country))
    return found


def legend_labels(data: ReportData, labels: list[str]) -> list[str]:
    """Each figure's legend entry with its total as every other total counts it (a joint
    operation's figure once), so the bars, which show each country's own figures, are never
    added up into a different total."""
    total = totals(data)
    keys = {m.label: m.key for m in data.metrics}
    return [f"{label} (total {total.get((keys.get(label, label), ''), 0):,})" for label in labels]


def to_png(data: ReportData) -> bytes:
    """Two panels: figures by country (one bar segment per figure), and who has reported
    per window (stacked)."""
    figure = Figure(figsize=(11, 8), dpi=100, layout="constrained")
    by_country, by_status = figure.subplots(2, 1)
    figure.suptitle(title(data))
    names = [data.names[code] for code in data.countries]
    stacks = counts_by_metric(data)
    left = [0] * len(names)
    colours = matplotlib.colormaps["tab20"]
    labels = legend_labels(data, [label for label, _values in stacks])
    for i, ((_label, values), label) in enumerate(zip(stacks, labels, strict=True)):
        by_country.barh(names, values, left=left, color=colours(i % 20), label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    by_country.invert_yaxis()  # first country at the top, as in the tables
    heading = "Figures reported by country, each figure its own colour (all windows)"
    if data.joints:  # each partner's bar shows the figure: the total in the legend counts it once
        heading += "\njoint operations show under each country; the totals count them once"
    by_country.set_title(heading)
    if stacks:
        by_country.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    else:
        by_country.barh(names, [0] * len(names))  # the countries, on an empty axis
        empty = "No count above zero yet" if data.reported else "No returns yet"
        by_country.text(0.5, 0.5, empty, ha="center", va="center", transform=by_country.transAxes)
    _status_panel(by_status, data)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _status_panel(axes: Axes, data: ReportData) -> None:
    labels = [w.label for w in data.period.windows]
    left = [0] * len(labels)
    for status, colour in STATUS_COLOURS.items():
        counts = [status_counts(data, w.seq)[status] for w in data.period.windows]
        axes.barh(labels, counts, left=left, color=colour, label=status_label(status))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_title("Returns by reporting window (countries)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the bars, not over them
