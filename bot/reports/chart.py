"""The report as a picture for chat: totals by country and submission status (matplotlib).

The Agg backend draws to memory, so no display is needed (servers have none).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib.axes import Axes  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402

from bot.reports.figures import ReportData, status_counts  # noqa: E402
from bot.reports.render import title  # noqa: E402

STATUS_COLOURS = {
    "submitted": "#2e7d32",
    "late": "#f9a825",
    "draft": "#90a4ae",
    "missing": "#c62828",
}


def country_counts(data: ReportData) -> list[tuple[str, int]]:
    """Every participating country with the sum of its count figures (money is not added in)."""
    counted = {m.key for m in data.metrics if m.kind == "count"}
    return [
        (
            data.names[code],
            sum(a for (c, m, _cur), a in data.sums.items() if c == code and m in counted),
        )
        for code in data.countries
    ]


def to_png(data: ReportData) -> bytes:
    """Two panels: figures by country (bars), and who has reported per window (stacked)."""
    figure = Figure(figsize=(10, 8), dpi=100, layout="constrained")
    by_country, by_status = figure.subplots(2, 1)
    figure.suptitle(title(data))
    rows = country_counts(data)
    names = [name for name, _ in rows]
    by_country.barh(names, [total for _, total in rows], color="#1565c0")
    by_country.invert_yaxis()  # first country at the top, as in the tables
    by_country.set_title("Figures reported by country (counts, all windows)")
    _status_panel(by_status, data)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _status_panel(axes: Axes, data: ReportData) -> None:
    labels = [w.label for w in data.period.windows]
    left = [0] * len(labels)
    for status, colour in STATUS_COLOURS.items():
        counts = [status_counts(data, w.seq)[status] for w in data.period.windows]
        axes.barh(labels, counts, left=left, color=colour, label=status)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_title("Returns by reporting window (countries)")
    axes.legend(loc="lower right")
