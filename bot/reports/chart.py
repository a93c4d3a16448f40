"""The report as a picture for chat: figures by country and submission status (matplotlib).

Each count figure gets its own small panel on its own scale (persons, warrants and vessels
are never added into one bar); a country with no return counted is marked, not drawn as an
empty bar, and a figure a country's returns left blank reads "—", never 0 (zero is a result;
blank is none given). The Agg backend draws to memory, so no display is needed (servers have
none).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib.axes import Axes  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure, SubFigure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.reports.figures import ReportData, status_counts, totals  # noqa: E402
from bot.reports.render import NOT_REPORTED, status_label, title  # noqa: E402
from bot.returns.metrics import Metric  # noqa: E402
from bot.returns.repo import AWAITING, DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED  # noqa: E402

STATUS_COLOURS = {  # each status of bot.reports.figures.STATUSES, in the legend's order
    SUBMITTED: "#2e7d32",
    LATE: "#f9a825",
    AWAITING: "#7e57c2",  # purple: in, not counted until national sign-off
    DRAFT: "#90a4ae",
    MISSING: "#c62828",  # red: past its due moment, not in
    NOT_DUE: "#e0e0e0",  # light grey: not in, and not due yet
}
BAR_COLOUR = "#1565c0"  # one colour: each panel is one figure, its title names it
MARK_COLOUR = "#757575"
MAX_PANELS = 8  # four rows of two read on a phone; the workbook has every figure
MANY_COUNTRIES = 16  # beyond this, four panels a row keep the picture from growing too tall
NO_RETURN = "no return yet"
AWAITING_MARK = "awaiting sign-off"
DPI = 120

Sums = list[int | None]
"""A figure's sum per participating country (in the order of ``data.countries``); None where
the country gave none: no return counted, or the figure left blank in each of its returns."""


def counts_by_metric(data: ReportData) -> list[tuple[str, Sums]]:
    """Each count figure reported anywhere, with its sum per participating country. Counts of
    different things are not added together: persons, warrants and training sessions make no
    meaningful total."""
    return [(metric.label, values) for metric, values in _count_figures(data)]


def legend_labels(data: ReportData, labels: list[str]) -> list[str]:
    """Each figure's label with its total as every other total counts it (a joint operation's
    figure once), so the bars, which show each country's own figures, are never added up into
    a different total."""
    total = totals(data)
    keys = {m.label: m.key for m in data.metrics}
    return [f"{label} (total {total.get((keys.get(label, label), ''), 0):,})" for label in labels]


def shown_figures(data: ReportData) -> tuple[list[tuple[str, Sums]], int]:
    """The count figures the chart draws, in schema order, and how many more it leaves to
    the workbook: at most :data:`MAX_PANELS`, the largest by total (ties: schema order)."""
    found = _count_figures(data)
    total = totals(data)
    ranked = sorted(range(len(found)), key=lambda i: -total.get((found[i][0].key, ""), 0))
    kept = sorted(ranked[:MAX_PANELS])
    return [(found[i][0].label, found[i][1]) for i in kept], len(found) - len(kept)


def country_mark(data: ReportData, code: str) -> str:
    """What stands in for a country's bars when nothing of it is counted (empty when its
    returns are in: then a figure it left blank reads :data:`NOT_REPORTED`)."""
    if code in data.reported:
        return ""
    waiting = any(s == AWAITING for (_seq, c), s in data.statuses.items() if c == code)
    return AWAITING_MARK if waiting else NO_RETURN


def draw(data: ReportData) -> Figure:
    """Two parts: one panel per count figure (bars by country), and who has reported per
    window (stacked: those are countries, alike)."""
    shown, more = shown_figures(data)
    columns = _columns(len(shown), len(data.countries))
    rows = max(1, math.ceil(len(shown) / columns))
    top = rows * _panel_height(len(data.countries)) + (1.3 if more else 1.0)
    bottom = max(2.6, 0.4 * len(data.period.windows) + 1.4)
    width = 8.0 if columns <= 2 else 11.0
    figure = Figure(figsize=(width, top + bottom + 0.4), dpi=DPI, layout="constrained")
    figure.suptitle(title(data), fontweight="bold")
    parts = figure.add_gridspec(2, 1, height_ratios=[top, bottom])
    by_country, by_status = figure.add_subfigure(parts[0]), figure.add_subfigure(parts[1])
    _figures_part(by_country, data, shown, more, columns)
    _status_panel(by_status.subplots(), data)
    return figure


def to_png(data: ReportData) -> bytes:
    """:func:`draw` as a PNG."""
    out = io.BytesIO()
    draw(data).savefig(out, format="png")
    return out.getvalue()


def _count_figures(data: ReportData) -> list[tuple[Metric, Sums]]:
    """Each count metric with a figure above zero somewhere, with each country's own sum
    (None where it gave none: ``data.sums`` holds only figures given, zeros included)."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for (country, key, _currency), amount in data.sums.items():
        sums[(country, key)] += amount
    found = []
    for metric in (m for m in data.metrics if m.kind == "count"):
        per_country = [sums.get((code, metric.key)) for code in data.countries]
        if any(per_country):
            found.append((metric, per_country))
    return found


def _columns(panels: int, countries: int) -> int:
    """Panels a row: two (one for a lone figure), four when many countries make each tall."""
    return max(1, min(panels, 4 if countries > MANY_COUNTRIES else 2))


def _panel_height(countries: int) -> float:
    """Inches for one row of panels: a country's line each, squeezed past about 24 of them."""
    return min(0.24 * max(countries, 2), 6.0) + 0.6  # + the panel's title


def _figures_part(
    part: SubFigure,
    data: ReportData,
    shown: list[tuple[str, Sums]],
    more: int,
    columns: int,
) -> None:
    """The heading, a grid of figure panels sharing the countries, and what is left out."""
    heading = "Figures reported by country, each on its own scale (all windows)"
    if data.joints:  # each partner's bar shows the figure: the total in the title counts it once
        heading += "\njoint operations show under each country; the totals count them once"
    part.suptitle(heading, fontsize="medium")
    if not shown:
        _nothing_counted(part.subplots(), data)
        return
    rows = math.ceil(len(shown) / columns)
    grid = part.subplots(rows, columns, sharey=True, squeeze=False)
    titles = legend_labels(data, [label for label, _values in shown])
    for axes, (_label, values), heading in zip(grid.flat, shown, titles, strict=False):
        _figure_panel(axes, data, values, _wrapped(heading, 44 if columns <= 2 else 30))
    for spare in grid.flat[len(shown) :]:
        spare.remove()  # an odd number of figures leaves one cell empty
    if more:
        part.supxlabel(_more_note(data, more), fontsize="small")


def _figure_panel(axes: Axes, data: ReportData, values: Sums, heading: str) -> None:
    """One figure's bars: each country's own figure, 0 shown as 0, "—" where its returns
    left the figure blank, a mark where none is in."""
    _countries(axes, data)
    counted = [y for y, code in enumerate(data.countries) if not country_mark(data, code)]
    given = {y: value for y in counted if (value := values[y]) is not None}
    bars = axes.barh(list(given), list(given.values()), color=BAR_COLOUR)
    axes.bar_label(
        bars, labels=[f"{value:,}" for value in given.values()], padding=2, fontsize="small"
    )
    for y in (y for y in counted if y not in given):
        _not_reported(axes, y)
    axes.set_xlim(0, max(given.values()) * 1.3)  # room for the longest bar's number
    axes.set_xticks([])  # each bar carries its number; a scale per panel would be noise
    axes.set_title(heading, fontsize="small", loc="left")
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)


def _not_reported(axes: Axes, y: int) -> None:
    """No bar, and "—" where its number would be: the figure was left blank, which a 0 would
    report as a result (the totals say "—" for it too)."""
    axes.annotate(
        NOT_REPORTED,
        (0, y),
        xytext=(2, 0),  # where bar_label's padding puts a number
        textcoords="offset points",
        va="center",
        fontsize="small",
        color=MARK_COLOUR,
    )


def _wrapped(heading: str, width: int) -> str:
    """``heading`` on lines of ``width``, its ``(total N)`` kept on one line."""
    kept = heading.replace("(total ", "(total\u00a0")  # textwrap breaks at ASCII spaces only
    return textwrap.fill(kept, width).replace("\u00a0", " ")


def _countries(axes: Axes, data: ReportData) -> None:
    """The countries down the y axis, with a mark for each that has nothing counted."""
    size = _tick_size(len(data.countries))
    axes.set_yticks(range(len(data.countries)), [data.names[c] for c in data.countries])
    axes.tick_params(axis="y", labelsize=size, length=0)
    axes.set_ylim(len(data.countries) - 0.5, -0.5)  # the first at the top, as in the tables
    for y, code in enumerate(data.countries):
        if mark := country_mark(data, code):
            axes.text(
                0.01,
                y,
                mark,
                transform=axes.get_yaxis_transform(),  # x in the panel, y at the country
                va="center",
                fontsize=size,
                fontstyle="italic",
                color=MARK_COLOUR,
            )


def _tick_size(countries: int) -> float:
    """Points for a country's name: smaller when many share a panel's height."""
    return min(9.0, 72 * min(0.24, 6.0 / max(countries, 1)) * 0.7)


def _nothing_counted(axes: Axes, data: ReportData) -> None:
    """The countries, marked, and why there are no bars."""
    _countries(axes, data)
    axes.set_xticks([])
    empty = "No count above zero yet" if data.reported else "No returns yet"
    axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)


def _more_note(data: ReportData, more: int) -> str:
    """The line under the panels saying the workbook has the figures left out."""
    code = data.period.code
    if more == 1:
        return f"1 more figure, with a smaller total, is in the workbook: /report xlsx {code}"
    return f"{more} more figures, with smaller totals, are in the workbook: /report xlsx {code}"


def _status_panel(axes: Axes, data: ReportData) -> None:
    labels = [w.label for w in data.period.windows]
    left = [0] * len(labels)
    for status, colour in STATUS_COLOURS.items():
        counts = [status_counts(data, w.seq)[status] for w in data.period.windows]
        axes.barh(labels, counts, left=left, color=colour, label=status_label(status))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # countries come whole
    axes.set_title("Returns by reporting window (countries)", fontsize="medium")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the bars, not over them
