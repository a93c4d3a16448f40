"""Timer handlers for returns: remind a country that owes a return; digest who is late.

Each checks, inside the timer's own transaction, that the reminder still makes sense (period
open, deadline unchanged, return still not in), records it as sent, sends it, and arms the
next one of an overdue chain. A restart can therefore neither lose nor repeat a reminder.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import timer_store
from bot.audit import chain as audit_log
from bot.clock import iso
from bot.config import Person
from bot.events import Button
from bot.i18n import Msg, Text, _, in_sentence, join, n_
from bot.periods.repo import OPEN, Period, load_period
from bot.periods.windows import Window
from bot.returns.draft_seen import person_name
from bot.returns.form import one_line_example
from bot.returns.reminders import (
    DIGEST_TIMER,
    REMIND,
    Subject,
    arm,
    days_of,
    due_moment,
    due_of,
    policy,
    record_sent,
    still_asked_for,
    zone_of_country,
)
from bot.returns.repo import (
    AWAITING,
    LATE,
    SUBMITTED,
    load_draft,
    load_submitted,
    window_statuses,
)
from bot.work import Work
from reminders.returns import BEFORE, DUE, OVERDUE, local_today, overdue


def window_title(period: Period, window: Window) -> Msg:
    """``JPA-4 · W1 (Jan 1, 2027 – Jan 31, 2027)``, dates in the reader's language."""
    return _(
        "{code} · {window} ({dates})", code=period.code, window=window.label, dates=window.dates
    )


def country_name(work: Work, code: str) -> str:
    """A country's name from the directory (its code when unknown)."""
    return work.directory.country_name(code)


def _still_due(
    work: Work, subject: Subject, country: str | None = None
) -> tuple[Period, Window] | None:
    """The period and window when the reminder still applies (open, deadline unchanged: the
    ``country``'s own due date when given, else the window's)."""
    period = load_period(work.db, subject.code)
    if period is None or period.status != OPEN:
        return None
    window = period.window(subject.seq)
    if window is None:
        return None
    due = due_of(work, window, country) if country else window.due_on
    return (period, window) if due.isoformat() == subject.due else None


def remind(work: Work, text_subject: str) -> None:
    """Remind a country's focal points that its return is due or overdue."""
    subject = Subject.parse(text_subject)
    if not still_asked_for(work, subject):
        return
    country = subject.target
    found = _still_due(work, subject, country)
    if found is None or country not in found[0].countries:
        return
    period, window = found
    zone = zone_of_country(work, country)
    if _status(work, period, window, country) in (SUBMITTED, LATE):
        return  # in: the chain stops here (one awaiting its sign-off is not: its signer is told)
    if subject.kind in (BEFORE, DUE) and work.now >= due_moment(work, window, country):
        return  # fired late after downtime; the overdue chain covers it
    on_the_day = local_today(work.now, zone) >= due_of(work, window, country)
    if subject.kind == BEFORE and on_the_day and policy(work).on_due_day:
        return  # fired late, on the due day itself: the due day's reminder says it once
    recipients = who_files(work, country)
    # measured from the moment the reminder was meant for: one firing late (a restart, a
    # clock jump, a release after quiet hours) still repeats a chase made before that moment
    meant_for = timer_store.due_at(work.db, f"{REMIND}:{subject}") or work.now
    chased = chased_lately(work, period, window, country, meant_for)
    if not record_sent(work.db, subject, work.stamp, 0 if chased else len(recipients)):
        return
    if chased:  # a co-chair's chase reminded them a little while ago: once is enough
        work.audit("return.reminder_skipped", chase_subject(period, window, country), subject.kind)
    else:
        send_reminder(work, period, window, country, recipients, subject.kind == DUE)
        work.audit(
            "return.reminded",
            chase_subject(period, window, country),
            f"{subject.kind} {subject.n} to {len(recipients)}",
        )
    if subject.kind == OVERDUE:
        _arm_next(work, subject, due_of(work, window, country), zone, country)


CHASE_EVERY = timedelta(hours=12)
"""A country is chased for one window at most this often, however many co-chairs ask; a
scheduled reminder that falls this soon after a chase is not sent (it would repeat it)."""


def chase_subject(period: Period, window: Window, country: str) -> str:
    """What the audit log files a country's reminders and chases for one window under."""
    return f"{period.code}:{window.label}:{country}"


def chased_lately(
    work: Work,
    period: Period,
    window: Window,
    country: str,
    at: datetime | None = None,
    scheduled: bool = False,
) -> bool:
    """Whether a co-chair chased ``country`` for ``window`` within :data:`CHASE_EVERY` before
    ``at`` (default: now), or at any time since then; with ``scheduled``, whether a scheduled
    reminder did (a chase must not repeat the reminder that went an hour ago either)."""
    since = iso(min(at or work.now, work.now) - CHASE_EVERY)
    subject = chase_subject(period, window, country)
    actions = ("return.chased", "return.reminded") if scheduled else ("return.chased",)
    return any(audit_log.count_since(work.db, a, since, subject=subject) for a in actions)


def who_files(work: Work, country: str) -> list[Person]:
    """Who is reminded of a country's return: its focal points, else its deputies."""
    return work.directory.focal_points(country) or work.directory.deputies(country)


def reaches_at(work: Work, recipients: list[Person]) -> datetime | None:
    """When a reminder sent now first reaches one of ``recipients``: None for at once, else
    the earliest end of their quiet hours (a routine message waits for it in the outbox,
    :meth:`Work.notify`), so whoever sent it can say when it will be read."""
    held = [work.held_until(person) for person in recipients]
    if not held or None in held:
        return None
    return min(at for at in held if at is not None)


def send_reminder(
    work: Work,
    period: Period,
    window: Window,
    country: str,
    recipients: list[Person],
    on_the_day: bool = False,
) -> None:
    """The reminder of ``country``'s return for ``window``, with a button to start it; of a
    return awaiting its first national sign-off, to the focal points who give it, with a
    button to approve it."""
    subject, command = reminder_of(period, window)
    sent_by = _awaiting_signoff(work, period, window, country)
    if sent_by is not None:
        text: Text = _(
            "Awaiting your national sign-off: the return of {country} for {window}, sent by "
            "{name}, counts once you approve it (due {date}).",
            country=in_sentence(country_name(work, country)),
            window=window_title(period, window),
            name=person_name(work, sent_by),
            date=due_of(work, window, country),
        )
        approve, show = (
            Button(_("Approve"), f"{command} approve"),
            Button(_("Show it"), f"{command} show"),
        )
        buttons: tuple[Button, ...] = (approve, show)
        recipients = work.directory.focal_points(country) or recipients
    else:
        text = reminder_text(work, period, window, country, on_the_day)
        buttons = (Button(_("Start the return"), command),)
    for person in recipients:
        work.notify(person, text, buttons, subject=subject)


def _status(work: Work, period: Period, window: Window, country: str) -> str:
    """``country``'s status for ``window`` as /status, the digest and the reports count it
    (bot.returns.repo.window_statuses); "" with neither return nor draft."""
    return window_statuses(work.db, period.code, window.seq).get(country, ("", ""))[0]


def _awaiting_signoff(work: Work, period: Period, window: Window, country: str) -> str | None:
    """Who sent ``country``'s return for ``window`` when it awaits its first national
    sign-off (nothing of it counts yet); else None."""
    if _status(work, period, window, country) != AWAITING:
        return None
    submitted = load_submitted(work.db, period.code, window.seq, country)
    return submitted.submitted_by if submitted else None


def reminder_of(period: Period, window: Window) -> tuple[str, str]:
    """A window's reminders' outbox subject and the command their button carries: how a held
    one is found again (to withdraw it, or to say when it goes)."""
    return f"{period.code}:{window.label}", f"/return {period.code} {window.label}"


def _arm_next(work: Work, subject: Subject, due: date, zone: str, calendar_of: str) -> None:
    """Arm the chain's next reminder; ones moved onto a day already reminded are skipped."""
    following, days = subject.following(), days_of(work, calendar_of)
    found = overdue(due, zone, policy(work), following.n, subject.kind, days)
    while found is not None and found.at <= work.now:
        following = following.following()
        found = overdue(due, zone, policy(work), following.n, subject.kind, days)
    if found is not None:
        arm(work, following, found)


def reminder_text(
    work: Work, period: Period, window: Window, country: str, on_the_day: bool = False
) -> Text:
    """The reminder, in the country's own calendar: due in N days, today, or N days ago.

    The due date goes in as a date, so each reader gets it written their language's way.
    """
    due = due_of(work, window, country)
    days = (due - local_today(work.now, zone_of_country(work, country))).days
    what = {
        "country": in_sentence(country_name(work, country)),
        "window": window_title(period, window),
    }
    if on_the_day or days == 0:
        head = _(
            "Reminder: the return of {country} for {window} is due today ({date}).",
            date=due,
            **what,
        )
    elif days > 0:
        head = n_(
            "Reminder: the return of {country} for {window} is due on {date}, in {count} day.",
            "Reminder: the return of {country} for {window} is due on {date}, in {count} days.",
            days,
            date=due,
            **what,
        )
    else:
        head = n_(
            "Overdue: the return of {country} for {window} was due on {date}, {count} day ago.",
            "Overdue: the return of {country} for {window} was due on {date}, {count} days ago.",
            -days,
            date=due,
            **what,
        )
    return join([head, _how(work, period, window, country)])


def _how(work: Work, period: Period, window: Window, country: str) -> Msg:
    draft = load_draft(work.db, period.code, window.seq, country)
    if draft and draft.answers:
        return n_(
            "Your draft has {count} figure so far: {command} resumes it.",
            "Your draft has {count} figures so far: {command} resumes it.",
            len(draft.answers),
            command=f"/return {period.code} {window.label}",
        )
    return _(  # the figures named in the reader's language, as a return reads them back
        "Send it step by step with /return, or in one line, e.g. /return {example}.",
        example=one_line_example(period.metrics, 3),
    )


def digest(work: Work, text_subject: str) -> None:
    """Tell a co-chair which countries are late with a window's return."""
    subject = Subject.parse(text_subject)
    if not still_asked_for(work, subject):
        return
    found = _still_due(work, subject)
    cochair = work.directory.people.get(subject.target)
    if found is None or cochair is None or not cochair.active:
        return
    period, window = found
    states = window_statuses(work.db, period.code, window.seq)
    counted = {c for c, (status, _at) in states.items() if status in (SUBMITTED, LATE)}
    owing = [c for c in period.countries if c not in counted]  # awaiting sign-off too, as /status
    if not owing:
        return  # everyone is in: the digest chain ends
    late = [c for c in owing if work.now >= due_moment(work, window, c)]
    if late and record_sent(work.db, subject, work.stamp, 1):
        awaiting = {c for c in late if states.get(c, ("", ""))[0] == AWAITING}
        text = digest_text(work, period, window, late, len(counted), awaiting)
        work.notify(cochair, text, subject=period.code)
        work.audit("return.digest", f"{period.code}:{window.label}", f"{len(late)} late")
    _arm_next(work, subject, window.due_on, zone_of_country(work, cochair.country), cochair.country)


def digest_text(
    work: Work,
    period: Period,
    window: Window,
    late: list[str],
    done: int,
    awaiting: set[str],
) -> Text:
    """Who is late, with drafts and returns awaiting national sign-off noted, and how many
    (``done``) are in."""
    lines: list[Text] = [
        _(
            "Late returns for {window}, due {date}:",
            window=window_title(period, window),
            date=window.due_on,
        )
    ]
    for code in sorted(late, key=lambda c: country_name(work, c)):  # by name, as people read
        draft = load_draft(work.db, period.code, window.seq, code)
        name = country_name(work, code)
        if code in awaiting:
            lines.append(_("• {country} (sent, awaiting national sign-off)", country=name))
        elif draft and draft.answers:
            lines.append(_("• {country} (draft started)", country=name))
        else:
            lines.append(join(["• ", name], ""))  # the name stays the reader's (a str would not)
    total = len(period.countries)
    lines.append(
        n_(
            "{done} of {count} country is in. /status shows details.",
            "{done} of {count} countries are in. /status shows details.",
            total,
            done=done,
        )
    )
    return join(lines)


TIMERS = {REMIND: remind, DIGEST_TIMER: digest}
