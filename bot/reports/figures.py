"""A period's report as data: totals, per-country figures, submission status.

Loading reads the database once (a few grouped queries); everything after is pure, so the
chat command and the CLI render the same numbers in every format. Each window's return
reports that window's figures, so totals add the windows up. A joint operation's figure is
counted once per window (:func:`excess`), the same way in the period's total and in each
window's, so the windows' totals add up to the period's. A country with no return for a
window is ``missing`` only once its due moment has passed there; before, it is ``not due``.
A return awaiting its first national sign-off is ``awaiting``: in, but not counted yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import groupby

from bot.clock import Clock, time_zone
from bot.config import Rate
from bot.periods.repo import PLANNED, Period, load_period
from bot.periods.windows import Window
from bot.returns.metrics import Metric
from bot.returns.repo import AWAITING, DRAFT, LATE, MISSING, NOT_DUE, SUBMITTED
from bot.storage.sql import Db
from reminders.returns import deadline

Cell = tuple[str, str, str]  # (country, metric, currency)
WindowCell = tuple[int, str, str, str]  # (window, country, metric, currency)
DueMoment = Callable[[Window, str], datetime]
"""When a country's return for a window becomes overdue (``bot.returns.reminders.due_moment``)."""
STATUSES = (SUBMITTED, LATE, AWAITING, DRAFT, MISSING, NOT_DUE)
"""A country's return for one window, as the report says it."""


@dataclass(frozen=True)
class JointOp:
    """One figure of a joint operation as the countries reported it for one window.

    Each country's return shows what it reported; the totals count the outcome once: the
    co-chairs' resolved figure, else the largest reported (a discrepancy until resolved).
    Windows are compared apart: each window's return reports that window's figures, so
    figures of different windows are different outcomes, never two reports of one.
    """

    op: str
    metric: str
    window: int  # the reporting window's seq
    claims: dict[str, int]  # country -> amount it reported for this operation in the window
    named: tuple[str, ...]  # every country taking part: reporters and the partners they name
    resolved: int | None = None
    awaiting: tuple[str, ...] = ()  # named countries whose return awaits its first sign-off

    @property
    def counted(self) -> int:
        """What the totals count for this outcome."""
        return self.resolved if self.resolved is not None else max(self.claims.values())

    @property
    def excess(self) -> int:
        """What adding up the countries' figures counts more than once."""
        return sum(self.claims.values()) - self.counted

    @property
    def discrepancy(self) -> str:
        """Why the countries' returns disagree (empty when they agree or it is resolved)."""
        if self.resolved is not None:
            return ""
        if silent := self.silent:
            return f"{', '.join(silent)} did not report op:{self.op}"
        if len(set(self.claims.values())) > 1:
            given = ", ".join(f"{c} {a:,}" for c, a in sorted(self.claims.items()))
            return f"different figures ({given})"
        return ""

    @property
    def silent(self) -> list[str]:
        """Named countries with no figure for it and no return awaiting sign-off either."""
        return [c for c in self.named if c not in self.claims and c not in self.awaiting]

    @property
    def waiting(self) -> str:
        """Who is yet to sign off a return that may report it (empty when nobody)."""
        return f"{', '.join(self.awaiting)} awaiting national sign-off" if self.awaiting else ""

    @property
    def check(self) -> str:
        """Whether the returns agree, for files: resolved, a discrepancy, a sign-off awaited,
        or agreed."""
        if self.resolved is not None:
            return "resolved by the co-chairs"
        found = [f"DISCREPANCY: {self.discrepancy}"] if self.discrepancy else []
        found += [self.waiting] if self.waiting else []
        return "; ".join(found) or "agreed"


@dataclass(frozen=True)
class Unscoped:
    """A co-chairs' figure set for a joint operation over the whole period (before resolutions
    named a window) that is not counted: the operation was reported in several windows, and
    one figure for all of them would erase the others' (see :func:`resolution_key`)."""

    op: str
    metric: str
    amount: int


WINDOW_MARK = "@"
"""Between an operation and its window's seq in ``joint_resolutions.op`` (``SONGKHLA-3@2``):
a resolution is for one window, and the table has no window column; an operation reference
never holds ``@`` (``bot.returns.parse``), so the two cannot be confused."""


def resolution_key(op: str, window: int) -> str:
    """What ``joint_resolutions.op`` holds for one window's resolution of ``op``."""
    return f"{op}{WINDOW_MARK}{window}"


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, for one period."""

    period: Period
    names: dict[str, str]  # country code -> name, participating countries
    sums: dict[Cell, int]  # amounts summed over windows (money in hundredths)
    texts: dict[tuple[str, str], tuple[str, ...]]  # (country, metric) -> texts
    statuses: dict[tuple[int, str], str]  # (window, country) -> one of STATUSES
    window_sums: dict[WindowCell, int] = field(default_factory=dict)
    currency: str = ""  # money is also totalled in this currency, at ``rates``
    rates: dict[str, Rate] = field(default_factory=dict)
    joints: tuple[JointOp, ...] = ()  # by operation, figure and window
    unscoped: tuple[Unscoped, ...] = ()
    # (window, country) -> the country's own due date, where its closures, holidays or
    # weekend moved it off the window's (the only ones listed)
    due_dates: dict[tuple[int, str], date] = field(default_factory=dict)

    @property
    def reported(self) -> list[str]:
        """Participating countries that sent at least one return, by name."""
        sent = {c for (_seq, c), s in self.statuses.items() if s in (SUBMITTED, LATE)}
        sent |= {c for c, _m, _cur in self.sums} | {c for c, _m in self.texts}
        return [c for c in self.countries if c in sent]

    @property
    def countries(self) -> list[str]:
        """Participating countries, by name."""
        return sorted(self.period.countries, key=lambda c: self.names[c])

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The period's metrics, in schema order."""
        return self.period.metrics


def load_report(
    db: Db,
    code: str,
    currency: str = "",
    rates: dict[str, Rate] | None = None,
    now: datetime | None = None,
    due: DueMoment | None = None,
) -> ReportData | None:
    """Read a period's report data; None when there is no such period. With ``currency``
    and ``rates``, money is also totalled in that currency.

    A return not in is missing once ``due`` (by default: the end of the window's due date
    in the country's time zone) is past at ``now`` (by default: the clock's time).
    """
    period = load_period(db, code)
    if period is None:
        return None
    rows = db.execute("SELECT code, name, timezone FROM countries").fetchall()
    names, zones = {row[0]: row[1] for row in rows}, {row[0]: row[2] for row in rows}
    due = due or _due_by_zone(zones)
    sums, window_sums = _amounts(db, period.code)
    statuses = _statuses(db, period, now or Clock().now(), due)
    joints, unscoped = _joints(db, period.code)
    return ReportData(
        period,
        {c: names.get(c, c) for c in period.countries},
        sums,
        _texts(db, period.code),
        statuses,
        window_sums,
        currency,
        dict(rates or {}),
        tuple(_with_awaiting(j, statuses) for j in joints),
        unscoped,
        _moved_due_dates(period, due, zones),
    )


def _moved_due_dates(
    period: Period, due: DueMoment, zones: dict[str, str]
) -> dict[tuple[int, str], date]:
    """Each country's own due date for a window, where it is not the window's: the day whose
    end, in the country's zone, is its due moment."""
    moved = {}
    for window in period.windows:
        for country in period.countries:
            zone = time_zone(zones.get(country, "UTC"))
            day = (due(window, country).astimezone(zone) - timedelta(microseconds=1)).date()
            if day != window.due_on:
                moved[(window.seq, country)] = day
    return moved


def _with_awaiting(joint: JointOp, statuses: dict[tuple[int, str], str]) -> JointOp:
    """``joint`` knowing which of its silent partners' returns await their first sign-off:
    they reported, but their figures count only once approved."""
    awaiting = (c for c in joint.named if statuses.get((joint.window, c)) == AWAITING)
    return replace(joint, awaiting=tuple(c for c in awaiting if c not in joint.claims))


def _due_by_zone(zones: dict[str, str]) -> DueMoment:
    """The end of a window's due date in each country's time zone (``zones``): the date as
    configured, not moved off a non-working day, which takes the settings' calendar."""

    def due(window: Window, country: str) -> datetime:
        return deadline(window.due_on, zones.get(country, "UTC"))

    return due


COUNTED = (
    "(SELECT v.return_id, v.metric, v.amount, v.currency, v.text, v.joint_op, v.joint_partner "
    "FROM return_values v JOIN returns s ON s.id = v.return_id WHERE s.awaiting_signoff = 0 "
    "UNION ALL SELECT return_id, metric, amount, currency, text, joint_op, joint_partner "
    "FROM return_counted)"
)
"""The figures that count: a return's own, or, while its amendment awaits national sign-off,
the approved ones it had before (a return awaiting its first sign-off has none)."""

JointKey = tuple[str, str, int]  # (op, metric, window)


def _joints(db: Db, code: str) -> tuple[tuple[JointOp, ...], tuple[Unscoped, ...]]:
    """Joint operations named in the period's counted returns, window by window, with any
    resolutions; and the period-wide resolutions that can no longer be applied."""
    claims: dict[JointKey, dict[str, int]] = defaultdict(dict)
    named: dict[JointKey, set[str]] = defaultdict(set)
    for seq, country, metric, op, partner, amount in db.execute(
        "SELECT r.window_seq, r.country, v.metric, v.joint_op, v.joint_partner, SUM(v.amount) "
        f"FROM returns r JOIN {COUNTED} v ON v.return_id = r.id WHERE r.period = ? "
        "AND v.joint_op IS NOT NULL AND v.amount IS NOT NULL "
        "GROUP BY r.window_seq, r.country, v.metric, v.joint_op, v.joint_partner",
        [code],
    ):
        key = (op, metric, int(seq))
        claims[key][country] = claims[key].get(country, 0) + int(amount)
        named[key] |= {country, partner}
    resolved, unscoped = _resolutions(db, code, set(claims))
    joints = tuple(
        JointOp(*key, claims[key], tuple(sorted(named[key])), resolved.get(key))
        for key in sorted(claims)
    )
    return joints, unscoped


def _resolutions(
    db: Db, code: str, reported: set[JointKey]
) -> tuple[dict[JointKey, int], tuple[Unscoped, ...]]:
    """The co-chairs' figures by (op, metric, window). One set for the whole period (stored
    before resolutions named a window) applies where the operation's figure is in one window
    only; else it is returned apart, not counted."""
    scoped: dict[JointKey, int] = {}
    whole: dict[tuple[str, str], int] = {}
    for op, metric, amount in db.execute(
        "SELECT op, metric, amount FROM joint_resolutions WHERE period = ?", [code]
    ):
        name, mark, seq = str(op).partition(WINDOW_MARK)
        if mark and seq.isdigit():
            scoped[(name, metric, int(seq))] = int(amount)
        else:
            whole[(name, metric)] = int(amount)
    unscoped = []
    for (op, metric), amount in sorted(whole.items()):
        windows = [key for key in reported if key[:2] == (op, metric)]
        if len(windows) == 1:
            scoped.setdefault(windows[0], amount)  # a window's own resolution comes first
        elif windows:
            unscoped.append(Unscoped(op, metric, amount))
    return scoped, tuple(unscoped)


def _amounts(db: Db, code: str) -> tuple[dict[Cell, int], dict[WindowCell, int]]:
    """The counted figures summed per country and per window, from one pass over them
    (grouped here rather than by SQL: each (window, country, metric) is one value already,
    so a GROUP BY only sorted them, and a second query read them all again)."""
    whole: dict[Cell, int] = defaultdict(int)
    windows: dict[WindowCell, int] = defaultdict(int)
    for seq, country, metric, currency, amount in db.execute(
        "SELECT r.window_seq, r.country, v.metric, v.currency, v.amount FROM returns r "
        f"JOIN {COUNTED} v ON v.return_id = r.id WHERE r.period = ? AND v.amount IS NOT NULL",
        [code],
    ):
        whole[country, metric, currency] += amount
        windows[seq, country, metric, currency] += amount
    return dict(whole), dict(windows)


def _texts(db: Db, code: str) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for country, metric, text in db.execute(
        f"SELECT r.country, v.metric, v.text FROM returns r JOIN {COUNTED} v "
        "ON v.return_id = r.id WHERE r.period = ? AND v.text IS NOT NULL "
        "ORDER BY r.country, r.window_seq",
        [code],
    ):
        found[(country, metric)].append(text)
    return {k: tuple(v) for k, v in found.items()}


def _statuses(db: Db, period: Period, now: datetime, due: DueMoment) -> dict[tuple[int, str], str]:
    owed = period.status != PLANNED  # nothing is owed before it opens, past dates included
    found = {
        (w.seq, c): MISSING if owed and now >= due(w, c) else NOT_DUE
        for w in period.windows
        for c in period.countries
    }
    for seq, country in db.execute(
        "SELECT window_seq, country FROM return_drafts WHERE period = ?", [period.code]
    ):
        found[(seq, country)] = DRAFT
    for seq, country, late, awaiting, earlier in db.execute(
        "SELECT window_seq, country, late, awaiting_signoff, EXISTS (SELECT 1 FROM "
        "return_counted c WHERE c.return_id = returns.id) FROM returns WHERE period = ?",
        [period.code],
    ):
        # a return awaiting its first national sign-off is in but does not count yet; an
        # amendment awaiting it leaves the approved figures counting: the return stays in
        found[(seq, country)] = (
            AWAITING if awaiting and not earlier else LATE if late else SUBMITTED
        )
    return found


def totals(data: ReportData) -> dict[tuple[str, str], int]:
    """(metric, currency) -> total over every country and window, each joint outcome once."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for (_country, metric, currency), amount in data.sums.items():
        found[(metric, currency)] += amount
    for metric, amount in excess(data).items():
        found[(metric, "")] -= amount
    return dict(found)


def window_totals(data: ReportData) -> dict[int, dict[tuple[str, str], int]]:
    """window seq -> (metric, currency) -> that window's total over every country, each joint
    outcome once as :func:`totals` counts it, so the windows' totals add up to the period's
    (all windows from one pass over the figures)."""
    found: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for (seq, _country, metric, currency), amount in data.window_sums.items():
        found[seq][(metric, currency)] += amount
    for joint in data.joints:
        found[joint.window][(joint.metric, "")] -= joint.excess
    return {seq: dict(total) for seq, total in found.items()}


def excess(data: ReportData, seq: int | None = None) -> dict[str, int]:
    """metric -> how much more adding up the countries' figures gives than the total, as
    joint outcomes are counted once (in one window, or with ``seq`` None the period); every
    metric with a joint outcome there is in, even at zero."""
    found: dict[str, int] = defaultdict(int)
    for joint in data.joints:
        if seq is None or joint.window == seq:
            found[joint.metric] += joint.excess
    return dict(found)


def discrepancies(data: ReportData) -> list[JointOp]:
    """Joint outcomes whose countries' returns disagree and that no co-chair resolved."""
    return [j for j in data.joints if j.discrepancy]


def columns(data: ReportData) -> list[tuple[Metric, str]]:
    """The table columns: one per count metric, one per currency seen for money, text last."""
    currencies: dict[str, set[str]] = defaultdict(set)
    for _country, key, currency in data.sums:
        currencies[key].add(currency)
    found: list[tuple[Metric, str]] = []
    for metric in data.metrics:
        if metric.kind == "money":
            found += [(metric, c) for c in sorted(currencies[metric.key] - {""}) or [""]]
        else:
            found.append((metric, ""))
    return found


def columns_by_metric(data: ReportData) -> list[tuple[Metric, list[str]]]:
    """:func:`columns` metric by metric: each of the period's metrics, in its order, with its
    columns' currencies (``[""]`` for a count or text), for lists that follow a metric's own
    rows with more about it (money in the report currency)."""
    grouped = groupby(columns(data), key=lambda pair: pair[0].key)
    return [(pairs[0][0], [c for _m, c in pairs]) for pairs in (list(g) for _k, g in grouped)]


def metric_order(data: ReportData) -> Callable[[str, str], tuple[int, str, str]]:
    """A sort key for a (metric, currency): the period's metric order, as every table lists
    them, then the currency (a key the period no longer has last)."""
    rank = {m.key: i for i, m in enumerate(data.metrics)}
    return lambda metric, currency: (rank.get(metric, len(rank)), metric, currency)


def status_counts(data: ReportData, seq: int) -> dict[str, int]:
    """How many countries are submitted, late, awaiting sign-off, draft, missing, not due for
    one window."""
    counts = dict.fromkeys(STATUSES, 0)
    for country in data.period.countries:
        counts[data.statuses[(seq, country)]] += 1
    return counts


@dataclass(frozen=True)
class Converted:
    """One money metric totalled in one currency, and what that total rests on."""

    amount: int  # hundredths of ``currency``
    currency: str
    used: tuple[tuple[str, Rate], ...]  # the rates applied, by currency
    left_out: tuple[str, ...]  # currencies with no rate, not in the total


def converted(data: ReportData, metric: str) -> Converted | None:
    """A money metric's total in the report currency; None without rates or amounts."""
    if not data.currency or not data.rates:
        return None
    amounts = {cur: a for (m, cur), a in totals(data).items() if m == metric and a}
    if not amounts:
        return None
    total, used, left_out = 0.0, [], []
    for currency, amount in sorted(amounts.items()):
        if currency == data.currency:
            total += amount
        elif currency in data.rates:
            total += amount * data.rates[currency].rate
            used.append((currency, data.rates[currency]))
        else:
            left_out.append(currency)
    return Converted(round(total), data.currency, tuple(used), tuple(left_out))
