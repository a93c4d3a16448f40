"""What a period's commands tell its focal points, and the held notices later news overtakes.

A notice sent in someone's quiet hours waits in the outbox (:meth:`Work.notify`), so the
co-chair's answer names the countries whose focal points read it only when those hours end,
in the words a broadcast's answer uses. A notice still waiting when the period closes (that
it is open, that a due date moved, a reminder), or when the same due date moves again, no
longer holds and is withdrawn (:func:`bot.delivery.held.withdraw`). It is found again by its
subject and the command of its button: each kind carries a button of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.config import Person
from bot.delivery import held
from bot.events import Button
from bot.i18n import Text, _
from bot.periods.repo import Period
from bot.periods.windows import Window
from bot.returns.reminder_handlers import reminder_of
from bot.work import Work


def dates_button(period: Period) -> Button:
    """The button of a notice that the period is open (again): its due dates."""
    return Button(_("Due dates"), f"/deadline {period.code}")


def return_button(period: Period, window: Window) -> Button:
    """The button of a notice that ``window``'s due date moved: the reader's return for it."""
    return Button(_("Your return"), f"/return {period.code} {window.label} show")


def tell(
    work: Work, people: Sequence[Person], text: Text, buttons: tuple[Button, ...], code: str
) -> list[Person]:
    """Notify each of ``people`` about period ``code``; those a channel reaches."""
    return [p for p in people if work.notify(p, text, buttons, subject=code) is not None]


def tell_focal_points(
    work: Work,
    period: Period,
    text: Text,
    buttons: tuple[Button, ...] = (),
    leaving_out: Collection[str] = (),
) -> list[Person]:
    """Notify every focal point of the period's countries but those ``leaving_out``; those
    a channel reaches."""
    people = [p for c in period.countries for p in work.directory.focal_points(c)]
    return tell(work, [p for p in people if p.id not in leaving_out], text, buttons, period.code)


def never_told_open(work: Work, period: Period) -> set[str]:
    """The focal points whose every notice that ``period`` is open was withdrawn before it
    reached them (held for their night, then closed): its closing is no news to them."""
    return held.never_shown(work.db, period.code, dates_button(period).command)


def awake(work: Work, people: Sequence[Person]) -> int:
    """How many of ``people`` read a message sent now at once (not held for quiet hours)."""
    return sum(work.held_until(p) is None for p in people)


def withdraw_when_closed(work: Work, period: Period) -> None:
    """Before the notice that ``period`` closed: what still waits about it is news no more
    (that it is open, a moved due date, a reminder to send a return it no longer takes)."""
    reason = f"withdrawn: {period.code} was closed before it was delivered"
    kinds = [(period.code, dates_button(period).command)]
    for window in period.windows:
        kinds.append((period.code, return_button(period, window).command))
        kinds.append(reminder_of(period, window))
    for subject, command in kinds:
        _withdraw(work, subject, reason, command)


def withdraw_when_moved(work: Work, period: Period, window: Window) -> None:
    """Before the notice of ``window``'s new due date: what still waits with its former one
    (an earlier move's notice, a reminder counting towards it) is withdrawn."""
    reason = f"withdrawn: the due date of {period.code} {window.label} moved"
    _withdraw(work, period.code, reason, return_button(period, window).command)
    subject, command = reminder_of(period, window)
    _withdraw(work, subject, reason, command)


def _withdraw(work: Work, subject: str, reason: str, command: str) -> None:
    for person in held.withdraw(work.db, subject, reason, command):
        work.audit("message.withdrawn", subject, f"{command} to {person}")
