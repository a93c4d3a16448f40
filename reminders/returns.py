"""When to remind a country about a return: pure functions of the due date and the policy.

A return is due *on* a date in the country's own calendar, so it is late only once that day has
ended there. Reminders go out at a sensible local hour (default 09:00): some days before, on
the day, then every few days while overdue, up to a bound. Everything here is computed from
the due date, the time zone and the policy, so the bot can derive the same schedule again
after a restart and arm it idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from bot.clock import time_zone

BEFORE, DUE, OVERDUE, DIGEST = "before", "due", "overdue", "digest"


@dataclass(frozen=True)
class Policy:
    """How a period reminds: days before, on the day, every N days while overdue, at most M."""

    before_days: tuple[int, ...] = (7, 1)
    on_due_day: bool = True
    overdue_every_days: int = 2
    overdue_max: int = 5
    local_time: time = time(9, 0)
    working_days: bool = True  # reminders only on the country's working days


class WorkingDays(Protocol):
    """A country's calendar as the schedule needs it (see ``bot.workdays``)."""

    def next_working(self, day: date) -> date: ...

    def previous_working(self, day: date) -> date: ...


@dataclass(frozen=True)
class Reminder:
    """One reminder: its kind, its number within the kind (days before, or the nth overdue)."""

    kind: str
    n: int
    at: datetime


def local_moment(day: date, zone: str, at: time) -> datetime:
    """``at`` o'clock on ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=time_zone(zone)).astimezone(UTC)


def deadline(due: date, zone: str) -> datetime:
    """The end of the due day in ``zone`` (UTC): submitted after this, a return is late."""
    return local_moment(due + timedelta(days=1), zone, time(0, 0))


def is_late(submitted_at: datetime, due: date, zone: str) -> bool:
    """Whether a return submitted at ``submitted_at`` missed its due day."""
    return submitted_at >= deadline(due, zone)


def local_today(now: datetime, zone: str) -> date:
    """Today's date in ``zone``."""
    return now.astimezone(time_zone(zone)).date()


def before_and_due(
    due: date, zone: str, policy: Policy, days: WorkingDays | None = None
) -> list[Reminder]:
    """The reminders up to and including the due day, in time order. With the country's
    working ``days``, each falls on the last working day at or before its date ("the day
    before" is the previous working day), and two that land on one day are sent once."""
    wanted = [
        (BEFORE, n, due - timedelta(days=n))
        for n in sorted(set(policy.before_days), reverse=True)
        if n > 0
    ]
    if policy.on_due_day:
        wanted.append((DUE, 0, due))
    found: list[Reminder] = []
    for kind, n, day in wanted:
        if days is not None and policy.working_days:
            day = days.previous_working(day)
        if found and day <= found[-1].at.astimezone(time_zone(zone)).date():
            continue  # moved onto a day that already has a reminder
        found.append(Reminder(kind, n, local_moment(day, zone, policy.local_time)))
    return found


def overdue(
    due: date,
    zone: str,
    policy: Policy,
    n: int,
    kind: str = OVERDUE,
    days: WorkingDays | None = None,
) -> Reminder | None:
    """The ``n``-th reminder after the due day (n ≥ 1), or None past the policy's bound; with
    working ``days``, on the first working day at or after its date."""
    if n < 1 or n > policy.overdue_max or policy.overdue_every_days < 1:
        return None
    first = due + timedelta(days=1 if kind == DIGEST else policy.overdue_every_days)
    day = first + timedelta(days=policy.overdue_every_days * (n - 1))
    if days is not None and policy.working_days:
        day = days.next_working(day)
    return Reminder(kind, n, local_moment(day, zone, policy.local_time))


def next_overdue(
    due: date,
    zone: str,
    policy: Policy,
    now: datetime,
    kind: str = OVERDUE,
    days: WorkingDays | None = None,
) -> Reminder | None:
    """The first overdue reminder (or co-chair digest) still ahead of ``now``."""
    n = 1
    while (found := overdue(due, zone, policy, n, kind, days)) is not None:
        if found.at > now:
            return found
        n += 1
    return None


def upcoming(
    due: date, zone: str, policy: Policy, now: datetime, days: WorkingDays | None = None
) -> list[Reminder]:
    """What to arm at ``now``: every reminder still ahead up to the due day, and the next overdue.

    Later overdue reminders are armed one at a time by the one before, which stops the chain
    once the return is in.
    """
    found = [r for r in before_and_due(due, zone, policy, days) if r.at > now]
    following = next_overdue(due, zone, policy, now, days=days)
    return found + ([following] if following else [])
