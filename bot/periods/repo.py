"""Periods of action in the database: dates, participating countries, windows, metric schema.

A period is ``planned`` (known, not yet collecting), ``open`` (reminders run, returns are
accepted) or ``closed``. It keeps its own snapshot of the metric schema.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from bot.errors import UserError
from bot.i18n import Msg, _, join
from bot.numbers import latin_digits
from bot.periods.windows import Window, date_range, date_span
from bot.returns.metrics import Metric, Schema
from bot.storage.sql import Db

PLANNED, OPEN, CLOSED = "planned", "open", "closed"


@dataclass(frozen=True)
class Period:
    """A period of action as stored."""

    code: str
    name: str
    starts_on: date
    ends_on: date
    status: str
    countries: tuple[str, ...]
    windows: tuple[Window, ...]
    metrics: tuple[Metric, ...]

    @property
    def schema(self) -> Schema:
        """The period's metrics, with lookup by name."""
        return Schema(self.metrics)

    @property
    def span(self) -> str:
        """``1 January to 30 April 2027``."""
        return date_range(self.starts_on, self.ends_on)

    @property
    def dates(self) -> Msg:
        """The period's first and last day in the reader's language (chat; ``span``: files)."""
        return date_span(self.starts_on, self.ends_on)

    def window(self, seq: int) -> Window | None:
        """The window numbered ``seq`` (1-based), if any."""
        return self.windows[seq - 1] if 0 < seq <= len(self.windows) else None

    def window_named(self, label: str) -> Window:
        """The window typed as ``label`` (``W2``, ``w2``, ``W02``, ``W٢``); a UserError naming
        the period's windows when it has none of that name."""
        typed = window_label(label).lower()
        found = next((w for w in self.windows if w.label.lower() == typed), None)
        if found is None:
            raise UserError(
                _(
                    "{code} has no window {window}; its windows are {windows}.",
                    code=self.code,
                    window=label[:10],
                    windows=join([w.label for w in self.windows], ", "),
                )
            )
        return found

    def collecting_until(self) -> date:
        """The last due date: the period collects returns until then."""
        return max(w.due_on for w in self.windows)


def insert_period(db: Db, period: Period, source: str, stamp: str, actor: str) -> None:
    """Store a new period with its countries and windows."""
    opened = (actor, stamp) if period.status == OPEN else (None, None)
    db.execute(
        "INSERT INTO periods (code, name, starts_on, ends_on, status, source, metrics, "
        "created_at, opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            period.code,
            period.name,
            period.starts_on.isoformat(),
            period.ends_on.isoformat(),
            period.status,
            source,
            json.dumps([m.model_dump() for m in period.metrics]),
            stamp,
            *opened,
        ],
    )
    db.executemany(
        "INSERT INTO period_countries (period, country) VALUES (?, ?)",
        [(period.code, c) for c in period.countries],
    )
    db.executemany(
        "INSERT INTO period_windows (period, seq, label, starts_on, ends_on, due_on) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(period.code, w.seq, w.label, *_days(w)) for w in period.windows],
    )


def _days(window: Window) -> tuple[str, str, str]:
    return window.starts_on.isoformat(), window.ends_on.isoformat(), window.due_on.isoformat()


def load_period(db: Db, code: str) -> Period | None:
    """The period with ``code`` (any case, or typed fullwidth: ``ＪＰＡ－４``), or None."""
    row = db.execute(
        "SELECT code, name, starts_on, ends_on, status, metrics FROM periods WHERE upper(code) = ?",
        [unicodedata.normalize("NFKC", code).strip().upper()],
    ).fetchone()
    return _period(db, row) if row else None


def _period(db: Db, row: Sequence[Any]) -> Period:
    code = row[0]
    countries = tuple(
        r[0]
        for r in db.execute(
            "SELECT country FROM period_countries WHERE period = ? ORDER BY country", [code]
        )
    )
    windows = tuple(
        Window(
            r[0], r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3]), date.fromisoformat(r[4])
        )
        for r in db.execute(
            "SELECT seq, label, starts_on, ends_on, due_on FROM period_windows "
            "WHERE period = ? ORDER BY seq",
            [code],
        )
    )
    metrics = _metrics(row[5])
    start, end = date.fromisoformat(row[2]), date.fromisoformat(row[3])
    return Period(code, row[1], start, end, row[4], countries, windows, metrics)


@lru_cache(maxsize=16)  # the periods in use: each set parsed once, not per command
def _metrics(stored: str) -> tuple[Metric, ...]:
    """A period's metrics from their stored JSON: in every language with their aliases, a
    set of twenty takes half a millisecond to parse and check. (Metrics are frozen, so one
    parsed set may be shared.)"""
    return tuple(Metric.model_validate(m) for m in json.loads(stored))


def periods_in(db: Db, *statuses: str) -> list[Period]:
    """Every period in one of ``statuses``, oldest first."""
    marks = ", ".join("?" for _ in statuses)
    rows = db.execute(
        "SELECT code, name, starts_on, ends_on, status, metrics FROM periods "
        f"WHERE status IN ({marks}) ORDER BY starts_on, code",
        list(statuses),
    ).fetchall()
    return [_period(db, row) for row in rows]


def current_period(db: Db, today: date, country: str | None = None) -> Period | None:
    """The open period now collecting (for ``country`` if given), else the latest open one."""
    found = [p for p in periods_in(db, OPEN) if country is None or country in p.countries]
    if not found:
        return None
    return min(
        found,
        key=lambda p: (not p.starts_on <= today <= p.collecting_until(), -p.starts_on.toordinal()),
    )


def set_status(db: Db, code: str, status: str, actor: str, stamp: str) -> None:
    """Open or close a period, recording who and when."""
    column = "opened" if status == OPEN else "closed"
    db.execute(
        f"UPDATE periods SET status = ?, {column}_by = ?, {column}_at = ? WHERE code = ?",
        [status, actor, stamp, code],
    )


def set_due(db: Db, code: str, seq: int, due: date) -> None:
    """Move a window's due date."""
    db.execute(
        "UPDATE period_windows SET due_on = ? WHERE period = ? AND seq = ?",
        [due.isoformat(), code, seq],
    )


def drop_signoff(db: Db, code: str) -> None:
    """``code`` no longer needs national sign-off: a co-chair dropped, before opening it, the
    ``signoff = true`` bot.toml planned it with (set by :func:`bot.returns.signoff
    .require_signoff`)."""
    db.execute("DELETE FROM period_signoff WHERE period = ?", [code])


def load_draft(db: Db, person_id: str) -> dict[str, object] | None:
    """The fields of ``person_id``'s period-opening dialogue so far (None: no dialogue)."""
    row = db.execute("SELECT fields FROM period_drafts WHERE person_id = ?", [person_id]).fetchone()
    return json.loads(row[0]) if row else None


def save_draft(db: Db, person_id: str, fields: dict[str, object], stamp: str) -> None:
    """Keep ``person_id``'s dialogue fields (one draft per person)."""
    db.execute(
        "INSERT INTO period_drafts (person_id, fields, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET fields = excluded.fields, "
        "updated_at = excluded.updated_at",
        [person_id, json.dumps(fields), stamp],
    )


def drop_draft(db: Db, person_id: str) -> None:
    """End ``person_id``'s dialogue (opened or cancelled)."""
    db.execute("DELETE FROM period_drafts WHERE person_id = ?", [person_id])


def collecting_window(period: Period, today: date) -> Window:
    """The window whose returns are being collected: the latest one that has ended, else W1."""
    ended = [w for w in period.windows if w.ends_on < today]
    return ended[-1] if ended else period.windows[0]


WINDOW_TYPED = re.compile(r"^[WwＷｗ]\d{1,3}$")
"""A window's label as typed: ``W2``, ``w02``, ``W٢`` (any script's digits), ``Ｗ２`` (as a
Chinese or Japanese keyboard types it); :func:`window_label` writes it as the period does."""


def window_label(typed: str) -> str:
    """A window label as the period writes it: ``W2`` for ``w2``, ``W02`` or ``W٢`` (the
    window's number in any script's digits, as figures and dates are read)."""
    if WINDOW_TYPED.match(typed):
        return f"W{int(latin_digits(typed[1:]))}"  # W1٢: refused, as a figure mixing them is
    return typed.upper()
