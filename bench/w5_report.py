"""W5: a period's report over a large history.

Builds a fresh database of 10 periods, each 50 countries × 20 metrics × 12 monthly windows,
every return submitted and then amended 3 times (through the real ``bot.returns.repo.submit``, so
the history table holds four versions), then times the report for one period in each
format — reading it from the database and rendering it — as ``focalbot report`` does.

    .venv/bin/python bench/w5_report.py [--json FILE]
"""

from __future__ import annotations

import argparse
import random
import string
import time
from datetime import date
from itertools import product

import common
from common import main, peak_rss_mib, temp_db

from bot.periods.repo import OPEN, Period, insert_period
from bot.periods.windows import make_windows
from bot.reports.figures import load_report
from bot.reports.render import to_csv, to_markdown
from bot.reports.xlsx import to_xlsx
from bot.returns.metric_values import Value
from bot.returns.metrics import DEFAULT_METRICS, Metric
from bot.returns.repo import submit
from bot.storage.migrations import migrate
from bot.storage.sql import SqliteDb
from bot.storage.sqlite import connect

PERIODS, COUNTRIES, WINDOWS, AMENDMENTS = 10, 50, 12, 3
EXTRA = tuple(
    Metric(key=f"extra_{i}", label=f"Extra count {i}", phrase=f"did {{n}} extra {i}")
    for i in range(1, 5)
)
METRICS = DEFAULT_METRICS + EXTRA  # 16 shipped (count, money, text) + 4 = 20
CODES = ["".join(p) for p in product(string.ascii_uppercase, repeat=2)][:COUNTRIES]


def build(path: str) -> None:
    """Fill a fresh database with the W5 history."""
    db = connect(path)
    migrate(db)
    rng = random.Random(5)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO countries (code, name, timezone) VALUES (?, ?, 'UTC')",
            [(c, f"Country {c}") for c in CODES],
        )
        for n in range(1, PERIODS + 1):
            period = _period(n)
            insert_period(SqliteDb(db), period, "bench", "2027-01-01T00:00:00+00:00", "bench")
            _returns(SqliteDb(db), period, rng)
    db.close()


def _period(n: int) -> Period:
    start = date(2020 + n, 1, 1)
    windows = make_windows(start, date(start.year, 12, 31), "monthly", 7)
    return Period(
        f"JPA-{n}",
        f"Period {n}",
        start,
        date(start.year, 12, 31),
        OPEN,
        tuple(CODES),
        tuple(windows),
        METRICS,
    )


def _returns(db, period: Period, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    for window, country in product(period.windows, period.countries):
        for version in range(AMENDMENTS + 1):
            stamp = f"{window.due_on.isoformat()}T0{version}:00:00+00:00"
            values = {m.key: _value(m, rng) for m in METRICS}
            submit(db, (period.code, window.seq, country), values, "bench", stamp, False)


def _value(metric: Metric, rng: random.Random) -> Value:
    if metric.kind == "text":
        return Value(None, "", f"note {rng.randrange(1000)}")
    if metric.kind == "money":
        return Value(rng.randrange(10**8), rng.choice(["USD", "AUD", "THB"]))
    return Value(rng.randrange(0, 200))


def timed(path: str, render) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds to read period JPA-10 and render it."""
    db = connect(path)
    start = time.perf_counter()
    data = load_report(SqliteDb(db), "JPA-10")
    assert data is not None
    render(data)
    elapsed = (time.perf_counter() - start) * 1000
    db.close()
    return elapsed


async def run(args: argparse.Namespace) -> dict[str, float]:
    """One fresh-process run: build, then time each format."""
    path = temp_db()
    start = time.perf_counter()
    build(path)
    built = time.perf_counter() - start
    db = connect(path)
    history = db.execute("SELECT COUNT(*) FROM return_value_history").fetchone()[0]
    db.close()
    return {
        "report_md_ms": timed(path, to_markdown),
        "report_csv_ms": timed(path, to_csv),
        "report_xlsx_ms": timed(path, to_xlsx),
        "build_s": built,
        "history_rows": float(history),
        "peak_rss_mib": peak_rss_mib(),
    }


if __name__ == "__main__":
    common.PACKAGES.append("openpyxl")
    main("W5 report: 10 periods × 50 countries × 20 metrics × 12 windows, 3 amendments", run)
