"""The report chart as matplotlib objects: one panel per count figure on its own scale (never
persons + warrants + vessels in one bar), its total counted once in the title, a mark where a
country has nothing counted, and a picture of bounded size however many figures and countries.
"""

from __future__ import annotations

from datetime import date

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from bot.periods.repo import OPEN, Period
from bot.periods.windows import make_windows
from bot.reports.chart import AWAITING_MARK, MAX_PANELS, NO_RETURN, draw
from bot.reports.figures import JointOp, ReportData
from bot.reports.render import NOT_REPORTED
from bot.returns.metrics import Metric
from bot.returns.repo import AWAITING, MISSING, SUBMITTED

PERSONS = Metric(key="persons", label="Persons arrested")
WARRANTS = Metric(key="warrants", label="Search warrants")
VESSELS = Metric(key="vessels", label="Vessels inspected")
NAMES = {"AU": "Australia", "MY": "Malaysia", "TH": "Thailand", "US": "United States"}
IN = {"AU": SUBMITTED, "TH": SUBMITTED, "US": SUBMITTED}  # Malaysia: missing
SUMS = {
    ("AU", "persons", ""): 40,
    ("AU", "warrants", ""): 3,
    ("TH", "persons", ""): 5,
    ("TH", "vessels", ""): 900,
    ("US", "persons", ""): 0,
    ("US", "warrants", ""): 0,
}
PHONE = 1080  # pixels across a phone held upright


def report(
    sums: dict[tuple[str, str, str], int],
    statuses: dict[str, str],
    metrics: tuple[Metric, ...] = (PERSONS, WARRANTS, VESSELS),
    names: dict[str, str] | None = None,
    joints: tuple[JointOp, ...] = (),
) -> ReportData:
    """A one-window period's report: each country's W1 status in ``statuses`` (missing when
    absent), the figures in ``sums``."""
    names = names or NAMES
    windows = tuple(make_windows(date(2027, 1, 1), date(2027, 1, 31), "monthly", 7))
    period = Period(
        "JPA-9", "Test", date(2027, 1, 1), date(2027, 1, 31), OPEN, tuple(names), windows, metrics
    )
    status = {(1, c): statuses.get(c, MISSING) for c in names}
    return ReportData(period, dict(names), sums, {}, status, joints=joints)


def panels(figure: Figure) -> dict[str, Axes]:
    """The figure panels by title (its lines joined by spaces); the status panel is not one."""
    found = {a.get_title(loc="left").replace("\n", " "): a for a in figure.axes}
    found.pop("", None)
    return found


def country_at(axes: Axes, y: float) -> str:
    """The country named on the y axis at ``y``."""
    ticks = [float(t) for t in axes.get_yticks()]  # the names, even where a shared axis hides them
    names = dict(zip(ticks, axes.yaxis.get_major_formatter().format_ticks(ticks), strict=True))
    return names[round(y)]


def bars(axes: Axes) -> dict[str, float]:
    """Country -> the width of its bar in a panel (every bar starts at 0)."""
    found = {}
    for bar in axes.patches:
        assert bar.get_x() == 0, "a bar stacked on another"  # type: ignore[attr-defined]
        middle = bar.get_y() + bar.get_height() / 2  # type: ignore[attr-defined]
        found[country_at(axes, middle)] = bar.get_width()  # type: ignore[attr-defined]
    return found


def numbers(axes: Axes) -> list[str]:
    """The numbers written at the ends of a panel's bars."""
    return [t.get_text() for t in axes.texts if isinstance(t, Annotation)]


def written(axes: Axes) -> dict[str, str]:
    """Country -> what is written where its bar's number goes (its number, or "—")."""
    return {
        country_at(axes, t.xy[1]): t.get_text() for t in axes.texts if isinstance(t, Annotation)
    }


def marks(axes: Axes) -> dict[str, str]:
    """Country -> the text standing where its bar would be."""
    return {
        country_at(axes, t.get_position()[1]): t.get_text()
        for t in axes.texts
        if not isinstance(t, Annotation) and t.get_transform() != axes.transAxes
    }


def notes(figure: Figure) -> list[str]:
    """The lines under the panels (how many more figures the workbook has)."""
    labels = (s._supxlabel for s in figure.subfigs)  # type: ignore[attr-defined]
    return [label.get_text() for label in labels if label is not None]


def pixels(figure: Figure) -> tuple[float, float]:
    width, height = figure.get_size_inches() * figure.dpi
    return width, height


def test_each_figure_has_its_own_panel_and_no_bar_adds_two_figures() -> None:
    shown = panels(draw(report(SUMS, IN)))
    assert list(shown) == [
        "Persons arrested (total 45)",
        "Search warrants (total 3)",
        "Vessels inspected (total 900)",
    ]
    persons, warrants, vessels = shown.values()
    assert bars(persons) == {"Australia": 40, "Thailand": 5, "United States": 0}
    assert bars(warrants) == {"Australia": 3, "United States": 0}  # not 43
    assert bars(vessels) == {"Thailand": 900}  # not 905
    assert numbers(persons) == ["40", "5", "0"]  # a zero reported reads 0
    for axes in shown.values():  # no return: a mark, not an empty bar that reads as zero
        assert marks(axes) == {"Malaysia": NO_RETURN}
        assert not axes.get_shared_x_axes().get_siblings(axes)[1:]  # each its own scale


def test_a_figure_left_blank_has_no_bar_and_reads_a_dash_not_zero() -> None:
    """Thailand gave no warrants figure, Australia and Thailand none for vessels: drawn as 0
    they read as results; the United States' zeros, reported, still read 0."""
    shown = panels(draw(report(SUMS, IN)))
    warrants, vessels = shown["Search warrants (total 3)"], shown["Vessels inspected (total 900)"]
    assert written(warrants) == {"Australia": "3", "Thailand": NOT_REPORTED, "United States": "0"}
    assert "Thailand" not in bars(warrants)
    assert written(vessels) == {
        "Australia": NOT_REPORTED,
        "Thailand": "900",
        "United States": NOT_REPORTED,
    }
    assert set(bars(vessels)) == {"Thailand"}
    assert all(marks(a) == {"Malaysia": NO_RETURN} for a in shown.values())  # no return: no "—"


def test_a_return_awaiting_sign_off_is_marked_as_such() -> None:
    shown = panels(draw(report(SUMS, IN | {"MY": AWAITING})))
    assert len(shown) == 3
    for axes in shown.values():
        assert marks(axes) == {"Malaysia": AWAITING_MARK} and "Malaysia" not in bars(axes)


def test_the_title_counts_a_joint_figure_once_while_bars_show_each_country() -> None:
    joint = JointOp("SONGKHLA-3", "persons", 1, {"AU": 5, "TH": 5}, ("AU", "TH"))
    figure = draw(report(SUMS, IN, joints=(joint,)))
    persons = panels(figure)["Persons arrested (total 40)"]  # 45, the joint 5 counted once
    assert bars(persons)["Australia"] == 40 and bars(persons)["Thailand"] == 5
    headings = [t.get_text() for s in figure.subfigs for t in s.texts]
    assert any("the totals count them once" in h for h in headings), headings


def test_up_to_eight_figures_read_on_a_phone() -> None:
    metrics = tuple(Metric(key=f"count_{n}", label=f"Count {n}") for n in range(1, 9))
    eight = {f"C{n}": f"Country {n}" for n in range(8)}
    for shown in range(1, 9):
        sums = {(c, m.key, ""): 1 for c in eight for m in metrics[:shown]}
        figure = draw(report(sums, dict.fromkeys(eight, SUBMITTED), metrics, eight))
        assert len(panels(figure)) == shown
        width, height = pixels(figure)
        assert width <= PHONE and height <= 2 * width, (shown, width, height)
        columns = {a.get_position().x0 for a in panels(figure).values()}
        assert len(columns) == min(shown, 2)  # two panels a row, sharing the countries


def test_many_figures_show_the_largest_and_say_how_many_more() -> None:
    metrics = tuple(Metric(key=f"count_{n}", label=f"Count {n}") for n in range(1, 21))
    fifty = {f"C{n:02}": f"Country {n:02}" for n in range(50)}
    sums = {(c, m.key, ""): n for c in fifty for n, m in enumerate(metrics, 1)}
    figure = draw(report(sums, dict.fromkeys(fifty, SUBMITTED), metrics, fifty))
    shown = panels(figure)
    assert len(shown) == MAX_PANELS == 8
    assert list(shown) == [f"Count {n} (total {50 * n:,})" for n in range(13, 21)]
    assert all(len(bars(a)) == 50 for a in shown.values())
    more = "12 more figures, with smaller totals, are in the workbook: /report xlsx JPA-9"
    assert notes(figure) == [more]
    width, height = pixels(figure)
    assert width + height <= 10_000 and height <= 20 * width  # Telegram's limits for a photo
    assert height <= 2_600  # and what it shows without shrinking the text away


def test_nothing_counted_says_why_and_marks_the_countries() -> None:
    for sums, statuses, said in (
        ({}, {}, "No returns yet"),
        ({("US", "persons", ""): 0}, {"US": SUBMITTED}, "No count above zero yet"),
    ):
        [axes, _status] = draw(report(sums, statuses)).axes
        assert not axes.patches
        assert [t.get_text() for t in axes.texts if t.get_transform() == axes.transAxes] == [said]
        assert marks(axes)["Malaysia"] == NO_RETURN
        assert ("United States" in marks(axes)) == (not sums)  # it reported: no mark
