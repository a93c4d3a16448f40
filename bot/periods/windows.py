"""Reporting windows: one final return, or one per month or quarter, each with a due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import Msg, _

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Window:
    """One reporting window of a period: what it covers and when its return is due."""

    seq: int
    label: str
    starts_on: date
    ends_on: date
    due_on: date

    @property
    def span(self) -> str:
        """``1–31 October 2026`` or ``28 September – 28 October 2015``."""
        return date_range(self.starts_on, self.ends_on, dash=True)

    @property
    def dates(self) -> Msg:
        """What the window covers, in the reader's language (chat; ``span`` is for files)."""
        return date_span(self.starts_on, self.ends_on)


def make_windows(starts_on: date, ends_on: date, cadence: str, due_after_days: int) -> list[Window]:
    """Split a period into windows; each is due ``due_after_days`` after it ends."""
    if cadence == "final":
        spans = [(starts_on, ends_on)]
    else:
        spans = _calendar_spans(starts_on, ends_on, 1 if cadence == "monthly" else 3)
    after = timedelta(days=due_after_days)
    return [Window(i, f"W{i}", s, e, e + after) for i, (s, e) in enumerate(spans, start=1)]


def _calendar_spans(starts_on: date, ends_on: date, months: int) -> list[tuple[date, date]]:
    spans, start = [], starts_on
    while start <= ends_on:
        first = date(start.year, 1 + months * ((start.month - 1) // months), 1)
        end = min(_add_months(first, months) - timedelta(days=1), ends_on)
        spans.append((start, end))
        start = end + timedelta(days=1)
    return spans


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def date_span(first: date, last: date) -> Msg:
    """``Jan 1, 2027 – Jan 31, 2027`` (dates in the reader's language), for chat."""
    return _("{first} – {last}", first=first, last=last)


def long_date(day: date) -> str:
    """``7 November 2026`` (English: files and the debrief; chat passes dates to ``_``)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``Sat 7 Nov 2026``."""
    return f"{day:%a} {day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def date_range(first: date, last: date, dash: bool = False) -> str:
    """``28 September to 28 October 2015`` (the year once when both share it)."""
    joiner = "–" if dash else " to "
    if first.year != last.year:
        return f"{long_date(first)}{joiner}{long_date(last)}"
    if dash and first.month == last.month:
        return f"{first.day}{joiner}{long_date(last)}"
    return f"{first.day} {MONTHS[first.month - 1]}{joiner}{long_date(last)}"
