"""Shared set-up for the period, return, broadcast and report tests.

A test period with the first JPA's eight countries (Australia to Thailand, UTC+5 to UTC+13),
monthly windows in early 2027, on a harness whose clock is set to a chosen moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from bot.periods.configured import PeriodConfig, ReturnsSettings
from bot.periods.repo import OPEN, Period
from bot.periods.windows import make_windows
from bot.reports.figures import ReportData
from bot.returns.metrics import DEFAULT_METRICS
from tests.harness import Harness, shipped_settings

EIGHT = ("AU", "ID", "MY", "MV", "NZ", "PH", "LK", "TH")
PERIOD = PeriodConfig(
    code="JPA-9",
    name="Ninth Joint Period of Action",
    starts_on=date(2027, 1, 1),
    ends_on=date(2027, 3, 31),
    countries=EIGHT,
    windows="monthly",
)
MID_JANUARY = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)  # W1 (January) is due 7 February


async def running(
    tmp_path: Path,
    at: datetime = MID_JANUARY,
    periods: tuple[PeriodConfig, ...] = (PERIOD,),
    **overrides: object,
) -> Harness:
    """A started harness with ``periods`` from bot.toml, its clock at ``at``.

    These tests pin the schedule as configured (due dates kept, reminders on any day);
    tests/test_workdays.py covers moving them to working days.
    """
    overrides.setdefault("returns", as_configured(shipped_settings().returns))
    bot = Harness(tmp_path / "bot.db", shipped_settings(periods=periods, **overrides))
    move_to(bot, at)
    await bot.start()
    return bot


def as_configured(returns: ReturnsSettings) -> ReturnsSettings:
    """``returns`` with due dates and reminders left where the calendar puts them."""
    reminders = returns.reminders.model_copy(update={"working_days": False})
    return returns.model_copy(update={"non_working_due": "warn", "reminders": reminders})


def move_to(bot: Harness, at: datetime) -> None:
    """Set the harness clock to ``at`` (timers fire only through ``bot.advance``)."""
    bot.clock.advance(at - bot.clock.now())


async def sent(bot: Harness, person: str, like: str) -> int:
    """How many messages to ``person`` matching the SQL pattern ``like`` the outbox holds."""
    rows = await bot.rows(
        "SELECT COUNT(*) FROM outbox WHERE person_id = ? AND text LIKE ?", [person, like]
    )
    return rows[0][0]


async def counts(bot: Harness) -> tuple[int, ...]:
    """Rows in the tables a refused command must not touch."""
    rows = await bot.rows(
        "SELECT (SELECT COUNT(*) FROM returns), (SELECT COUNT(*) FROM return_values), "
        "(SELECT COUNT(*) FROM return_value_history), (SELECT COUNT(*) FROM return_drafts), "
        "(SELECT COUNT(*) FROM periods), (SELECT COUNT(*) FROM broadcasts), "
        "(SELECT COUNT(*) FROM audit), (SELECT COUNT(*) FROM timers)"
    )
    return tuple(rows[0])


async def restart(bot: Harness) -> None:
    """Stop and start again on the same database, as a deploy or a crash-restart does."""
    await bot.restart()


def january_report(
    names: dict[str, str],
    sums: dict[tuple[str, str, str], int],
    texts: dict[tuple[str, str], tuple[str, ...]] | None = None,
    submitted: bool = False,
) -> ReportData:
    """Report data for renderers alone: JPA-X, one final window in January 2027, over the
    countries ``names`` names (every window submitted by each when ``submitted``)."""
    period = open_period("JPA-X", "Joint Period of Action", date(2027, 1, 31), names, "final")
    windows = period.windows
    statuses = {(w.seq, c): "submitted" for w in windows for c in names} if submitted else {}
    return ReportData(period, names, sums, texts or {}, statuses)


def open_period(
    code: str, name: str, ends_on: date, countries: Iterable[str], windows: str = "monthly"
) -> Period:
    """An open period from 1 January 2027 to ``ends_on`` with the default metrics, for report
    renderers alone (no database)."""
    start = date(2027, 1, 1)
    spans = tuple(make_windows(start, ends_on, windows, 7))
    return Period(code, name, start, ends_on, OPEN, tuple(countries), spans, DEFAULT_METRICS)
