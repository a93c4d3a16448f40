"""Arming return reminders from the period's own tables.

The schedule is derived (``reminders.returns``) from each window's due date and each country's
time zone; every reminder is a core timer with a deterministic id, so arming again (a restart,
a re-sync) is a no-op and a fired reminder is never armed twice; one not yet fired whose moment
the current configuration puts elsewhere is moved there. The due date is part of the
id, so moving a deadline arms a fresh schedule and the old one goes quiet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import timer_store
from bot.clock import iso
from bot.config import Settings
from bot.periods.repo import OPEN, Period
from bot.periods.windows import Window
from bot.returns.repo import load_submitted
from bot.storage.sql import Db
from bot.work import Work
from bot.workdays import Calendar, CountryCalendar
from reminders.returns import (
    BEFORE,
    DIGEST,
    DUE,
    OVERDUE,
    Policy,
    Reminder,
    deadline,
    local_moment,
    local_today,
    next_overdue,
    upcoming,
)

log = logging.getLogger(__name__)

REMIND = "return.remind"
DIGEST_TIMER = "return.digest"


@dataclass(frozen=True)
class Subject:
    """What a reminder timer is about: period, window, its due date, target, kind, number."""

    code: str
    seq: int
    due: str
    target: str
    kind: str
    n: int

    def __str__(self) -> str:
        return f"{self.code}:{self.seq}:{self.due}:{self.target}:{self.kind}:{self.n}"

    @classmethod
    def parse(cls, text: str) -> Subject:
        """Back from ``str(subject)``."""
        code, seq, due, target, kind, n = text.split(":")
        return cls(code, int(seq), due, target, kind, int(n))

    def following(self) -> Subject:
        """The same chain, one further."""
        return Subject(self.code, self.seq, self.due, self.target, self.kind, self.n + 1)


def policy(work: Work) -> Policy:
    """The configured reminder policy."""
    return work.ctx.settings.returns.reminders.policy()


def zone_of_country(work: Work, code: str) -> str:
    """A country's IANA time zone (UTC when unknown)."""
    return work.directory.timezone_of(code)


def zone_of_person(work: Work, person_id: str) -> str:
    """The time zone of a person's country."""
    person = work.directory.people.get(person_id)
    return zone_of_country(work, person.country) if person else "UTC"


def days_of(work: Work, country: str) -> CountryCalendar:
    """A country's working days (weekend, holidays, closures)."""
    return work.ctx.calendar.of(country)


def due_of(work: Work, window: Window, country: str) -> date:
    """The window's due date for ``country``: moved to its next working day when the date is
    a weekend, holiday or closure there and ``[returns] non_working_due = "move"``."""
    return due_on(work.ctx.settings, days_of(work, country), window)


def due_on(settings: Settings, days: CountryCalendar, window: Window) -> date:
    """:func:`due_of` for a country's calendar ``days`` (where there is no unit of work)."""
    if settings.returns.non_working_due == "move":
        return days.next_working(window.due_on)
    return window.due_on


def due_moment(work: Work, window: Window, country: str) -> datetime:
    """When ``country``'s return for ``window`` becomes overdue: the end of its own due day
    (:func:`due_of`) in its own time zone. Before it, a return not in is not yet missing."""
    return deadline(due_of(work, window, country), zone_of_country(work, country))


def due_moments(settings: Settings) -> Callable[[Window, str], datetime]:
    """:func:`due_moment` from the settings alone (the command-line report)."""
    calendar = Calendar(settings)

    def due(window: Window, country: str) -> datetime:
        days = calendar.of(country)
        return deadline(due_on(settings, days, window), days.zone)

    return due


def arm_period(work: Work, period: Period) -> int:
    """Arm every reminder still ahead for an open period; return how many timers were offered."""
    if period.status != OPEN:
        return 0
    return sum(arm_window(work, period, window) for window in period.windows)


def arm_window(work: Work, period: Period, window: Window) -> int:
    """Arm one window's reminders for each country still owing, and the co-chairs' digest."""
    armed = 0
    for country in period.countries:
        if load_submitted(work.db, period.code, window.seq, country):
            continue
        zone, due = zone_of_country(work, country), due_of(work, window, country)
        for reminder in upcoming(due, zone, policy(work), work.now, days_of(work, country)):
            arm(
                work,
                Subject(
                    period.code,
                    window.seq,
                    due.isoformat(),
                    country,
                    reminder.kind,
                    reminder.n,
                ),
                reminder,
            )
            armed += 1
    return armed + _arm_digests(work, period, window)


def arm_late_start(work: Work, period: Period) -> int:
    """A period opened after a window's due date, so late that its overdue reminders would all
    lie in the past: each country still owing gets one overdue reminder at the next local
    reminder time (the last of its chain, so no burst follows). Returns how many were armed."""
    rules, armed = policy(work), 0
    if rules.overdue_max < 1 or rules.overdue_every_days < 1:
        return 0
    for window in period.windows:
        for country in period.countries:
            zone, day = zone_of_country(work, country), due_of(work, window, country)
            if deadline(day, zone) > work.now or load_submitted(
                work.db, period.code, window.seq, country
            ):
                continue
            days = days_of(work, country)
            if next_overdue(day, zone, rules, work.now, days=days) is not None:
                continue  # the ordinary chain still has reminders ahead
            at = local_moment(local_today(work.now, zone), zone, rules.local_time)
            at = at if at > work.now else at + timedelta(days=1)
            if rules.working_days:  # the next reminder time on a working day there
                at = local_moment(days.next_working(local_today(at, zone)), zone, rules.local_time)
            last = rules.overdue_max
            due = day.isoformat()
            arm(
                work,
                Subject(period.code, window.seq, due, country, OVERDUE, last),
                Reminder(OVERDUE, last, at),
            )
            armed += 1
    return armed


def _arm_digests(work: Work, period: Period, window: Window) -> int:
    if not work.ctx.settings.returns.reminders.cochair_digest:
        return 0
    armed = 0
    for cochair in work.directory.with_role("co_chair"):
        zone, days = zone_of_person(work, cochair.id), days_of(work, cochair.country)
        found = next_overdue(window.due_on, zone, policy(work), work.now, DIGEST, days)
        if found:
            due = window.due_on.isoformat()
            arm(work, Subject(period.code, window.seq, due, cochair.id, DIGEST, found.n), found)
            armed += 1
    return armed


def still_asked_for(work: Work, subject: Subject) -> bool:
    """Whether the configuration still asks for this reminder: one armed before an
    administrator dropped it (``before_days`` without 7, ``on_due_day = false``, a lower
    ``overdue_max``, no co-chair digest) is not sent when its timer fires."""
    rules, settings = policy(work), work.ctx.settings.returns.reminders
    if subject.kind == BEFORE:
        return subject.n in rules.before_days
    if subject.kind == DUE:
        return rules.on_due_day
    if subject.kind == DIGEST and not settings.cochair_digest:
        return False
    return 1 <= subject.n <= rules.overdue_max and rules.overdue_every_days >= 1


def arm(work: Work, subject: Subject, reminder: Reminder) -> None:
    """Arm one reminder timer (idempotent), or move it to ``reminder.at`` when it is armed
    for another moment and has not fired: the configuration it was computed from changed
    (a country's time zone, ``local_time``) and the id, which holds only the due date,
    cannot tell."""
    kind = DIGEST_TIMER if subject.kind == DIGEST else REMIND
    timer_id = f"{kind}:{subject}"
    work.schedule(timer_id, kind, str(subject), reminder.at)
    if timer_store.retime(work.db, timer_id, reminder.at):
        log.info("re-timed %s to %s", timer_id, iso(reminder.at))


def record_sent(db: Db, subject: Subject, stamp: str, notified: int) -> bool:
    """Record a reminder as sent; False when it already was (then nothing is sent again)."""
    cursor = db.execute(
        "INSERT INTO return_reminders (period, window_seq, due_on, target, kind, n, "
        "sent_at, notified) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            subject.code,
            subject.seq,
            subject.due,
            subject.target,
            subject.kind,
            subject.n,
            stamp,
            notified,
        ],
    )
    return cursor.rowcount == 1
