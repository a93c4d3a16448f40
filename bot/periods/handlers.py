"""Periods of action: /period (show, open, close), /deadline, and the start-up sync from bot.toml.

Opening by chat is a short dialogue: ``/period open`` with whatever is known, then one question
per missing field (answered in plain text or with a new ``/period open …``), then a summary
to confirm. A period in ``bot.toml`` is synced into the database at start; a planned one is
opened by a co-chair with ``/period open <CODE>``, asked first (with whether national sign-off
is on, which ``signoff`` or ``nosignoff`` then changes) unless the command says ``confirm``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.answers import folded, said_yes
from bot.clock import parse_iso, time_zone
from bot.commands import CommandSpec, TextHook
from bot.config import Person
from bot.delivery import held
from bot.delivery.outbox import last_message_buttons
from bot.errors import UserError
from bot.events import Button
from bot.i18n import DEFAULT_LANGUAGE, Msg, Text, ZoneOffset, _, join, n_, render
from bot.periods import notices
from bot.periods import repo as store
from bot.periods.configured import PeriodConfig, WindowConfig
from bot.periods.parse import (
    QUESTIONS,
    SIGNOFF_WORDS,
    Fields,
    answer,
    check_dates,
    missing,
    parse_day,
    parse_open_args,
)
from bot.periods.repo import CLOSED, OPEN, PLANNED, Period
from bot.periods.windows import Window, make_windows
from bot.returns.reminder_handlers import country_name, window_title
from bot.returns.reminders import (
    arm_late_start,
    arm_period,
    arm_window,
    due_moment,
    due_of,
    zone_of_country,
)
from bot.returns.repo import (
    AWAITING,
    DRAFT,
    LATE,
    SUBMITTED,
    on_time_by_moved_date,
    window_statuses,
)
from bot.returns.signoff import needs_signoff, require_signoff
from bot.text import NAME_LIMIT
from bot.work import Work
from bot.workdays import CountryCalendar
from reminders.returns import local_today

COCHAIR = frozenset({"co_chair"})

STATUS: dict[str, Msg] = {PLANNED: _("planned"), OPEN: _("open"), CLOSED: _("closed")}
"""A period's status as people read it (the stored value stays English)."""

RETURN_STATUS: dict[str, Msg] = {
    DRAFT: _("draft"),
    SUBMITTED: _("submitted"),
    LATE: _("late"),
    AWAITING: _("awaiting"),
}
"""A country's return for one window, as /deadline shows it to its focal point."""

CADENCE_LABELS: dict[str, Msg] = {
    "final": _("Final"),
    "monthly": _("Monthly"),
    "quarterly": _("Quarterly"),
}


@dataclass(frozen=True)
class PeriodArgs:
    """``/period [open|close|confirm|cancel] [rest]``."""

    action: str
    rest: str


def parse_period_args(text: str) -> PeriodArgs:
    """Split the sub-command from its arguments."""
    head, _sep, rest = text.strip().partition(" ")
    action = head.lower()
    if action and action not in {"open", "close", "confirm", "cancel", "reopen"}:
        if " " not in text.strip():
            return PeriodArgs("", head)  # `/period JPA-5` shows that one
        raise UserError(
            _("/period {word}? Use /period, /period open or /period close.", word=head[:20])
        )
    return PeriodArgs(action, rest.strip())


def no_such_period(code: str, open_codes: Sequence[str]) -> Msg:
    """``There is no period JPA-9; the open period is JPA-4.``: a code typed that no period
    has, and the open ones (some at least)."""
    return n_(
        "There is no period {code}; the open period is {codes}.",
        "There is no period {code}; the open periods are {codes}.",
        len(open_codes),
        code=code[:20],
        codes=join(open_codes, ", "),
    )


def example_code(work: Work) -> str:
    """A period's code for an example in an answer: the person's current period, else the
    latest period there is (one closed since), else ``JPA-4`` (no period yet)."""
    actor_country = work.actor.country if work.actor else None
    period = store.current_period(work.db, today(work), actor_country) or store.current_period(
        work.db, today(work)
    )
    if period is not None:
        return period.code
    every = store.periods_in(work.db, OPEN, CLOSED, PLANNED)
    return every[-1].code if every else "JPA-4"


def today(work: Work) -> date:
    """Today for the person acting (their country's calendar), UTC for the system."""
    actor = work.actor
    country = work.directory.country(actor.country) if actor else None
    return local_today(work.now, country.timezone if country else "UTC")


# --- /period ------------------------------------------------------------------------------
def period_command(work: Work, args: PeriodArgs) -> None:
    """Show the current period, or open, confirm, cancel or close one."""
    action = {
        "": show_current,
        "open": open_period,
        "confirm": confirm,
        "cancel": cancel,
        "close": close_period,
        "reopen": reopen_period,
    }[args.action]
    action(work, args.rest)  # who may open or close is declared on the subcommands below


def show_current(work: Work, code: str) -> None:
    """The open periods (or the one named): dates, countries, windows and due dates."""
    if code:
        work.reply(_described(work, _named_or_current(work, code), _own_country(work)))
        return
    periods = store.periods_in(work.db, OPEN)
    if not periods:
        planned = store.periods_in(work.db, PLANNED)
        hints = [
            _(
                "Planned: {code} — {name}. A co-chair opens it with /period open {code}.",
                code=p.code,
                name=p.name,
            )
            for p in planned
        ]
        work.reply(join([_("No period of action is open."), *hints]))
        return
    country = _own_country(work)
    work.reply(join((_described(work, p, country) for p in periods), "\n\n"))


def _described(work: Work, period: Period, country: str | None) -> Text:
    """:func:`describe`; for a reader without a country's own dates (a co-chair), with the
    countries whose due dates moved off a day off, as /status and /deadline say them."""
    shown = describe(work, period, country)
    return shown if country is not None else shown + non_working_note(work, period)


def _own_country(work: Work) -> str | None:
    """The country whose returns the reader sends (a focal point's, a deputy's), if any: its
    due dates are theirs, moved off its days off, as /deadline and the reminders give them."""
    actor = work.actor
    if actor is None or not actor.has("focal_point", "deputy_focal_point"):
        return None
    return actor.country


def heading(period: Period) -> Msg:
    """``JPA-5 — Fifth Joint Period of Action (open)``."""
    status = STATUS.get(period.status, period.status)
    return _("{code} — {name} ({status})", code=period.code, name=period.name, status=status)


def countries_line(work: Work, codes: Sequence[str]) -> Msg:
    """``Countries (3): Australia, Malaysia, Thailand``."""
    names = join(sorted(country_name(work, c) for c in codes), ", ")  # each in the reader's
    return _("Countries ({count}): {names}", count=len(codes), names=names)


def describe(work: Work, period: Period, country: str | None = None) -> Msg:
    """A period in a few lines; with ``country`` (one taking part), its own due dates."""
    own = country if country in period.countries else None
    lines: list[Text] = [
        heading(period),
        period.dates,
        countries_line(work, period.countries),
        _("Returns:"),
    ]
    lines += [
        "  "
        + _(
            "{label} {dates} — due {due}",
            label=w.label,
            dates=w.dates,
            due=due_of(work, w, own) if own else w.due_on,
        )
        for w in period.windows
    ]
    return join(lines)


def open_period(work: Work, rest: str) -> None:
    """Open a planned period by its code, or start/continue the opening dialogue."""
    code, _sep, word = rest.partition(" ")
    existing = store.load_period(work.db, code.upper()) if code else None
    if word.strip().lower() == "cancel" and existing:
        if _offer(work):
            store.drop_draft(work.db, _actor_id(work))  # the question, not a dialogue
        work.reply(_("Cancelled; no period was opened."))
        return
    chosen = _planned_words(word)
    if existing is None or chosen is None:
        fields = {**_draft(work), **parse_open_args(rest, work.directory.countries)}
        _continue(work, fields)
        return
    confirmed, signoff = chosen
    if existing.status != PLANNED and signoff is not None and not confirmed:
        raise UserError(_already_exists(existing.code))  # as any new period with its code
    _open_or_ask(work, existing, confirmed, signoff)


def _planned_words(text: str) -> tuple[bool, bool | None] | None:
    """What may follow a planned period's code: ``confirm`` (open it now) and ``signoff`` or
    ``nosignoff`` (None when neither); None when other words follow."""
    words = text.lower().split()
    if not set(words) <= {"confirm", *SIGNOFF_WORDS}:
        return None
    said = [SIGNOFF_WORDS[w] for w in words if w in SIGNOFF_WORDS]
    return "confirm" in words, (said[-1] if said else None)


def _open_or_ask(work: Work, period: Period, confirmed: bool, signoff: bool | None) -> None:
    """Open a planned period once confirmed, with national sign-off as chosen; else ask first,
    saying whether sign-off will be on: once open, deputies' returns count as it says."""
    _refuse_unless_planned(period)
    on = _signoff_chosen(work, period, signoff)
    if confirmed:
        _open_planned(work, period, on)
        return
    _ask_planned(work, period, on)


def _signoff_chosen(work: Work, period: Period, said: bool | None) -> bool:
    """Sign-off as the co-chair just said, else as they said when asked about ``period``
    (within the hour), else as planned (``[[periods]] signoff`` in bot.toml)."""
    if said is not None:
        return said
    offered = store.load_draft(work.db, _actor_id(work)) or {}
    if _offer(work) == period.code and SIGNOFF in offered:
        return bool(offered[SIGNOFF])
    return needs_signoff(work.db, period.code)


def _passed(work: Work, windows: Sequence[Window]) -> list[Window]:
    """The windows whose due date is already behind the co-chair."""
    return [w for w in windows if w.due_on < today(work)]


def _past_due_note(work: Work, windows: Sequence[Window]) -> Text:
    passed = _passed(work, windows)
    if not passed:
        return ""
    labels = join((_("{label} (due {due})", label=w.label, due=w.due_on) for w in passed), ", ")
    return "\n" + n_(
        "Careful: {windows} is already past due. Focal points are told at once, and those "
        "returns are overdue from the start.",
        "Careful: {windows} are already past due. Focal points are told at once, and those "
        "returns are overdue from the start.",
        len(passed),
        windows=labels,
    )


def _ask_planned(work: Work, period: Period, signoff: bool) -> None:
    """Ask before opening a planned period: which windows are past due already, and whether
    national sign-off will be on (a plain ``signoff`` or ``nosignoff`` then changes it)."""
    typed = not _draft(work)  # a plain word or "/period confirm" answers this, not a dialogue's
    if typed:
        offer: Fields = {OFFERED: period.code, ASKED_AT: work.stamp, SIGNOFF: signoff}
        store.save_draft(work.db, _actor_id(work), offer, work.stamp)
    words = "signoff confirm" if signoff else "confirm"  # the button opens what was shown
    work.reply(
        join(
            [
                _("Open {code} — {name}?", code=period.code, name=period.name)
                + _past_due_note(work, period.windows),
                _planned_signoff_line(period.code, signoff, typed),
            ]
        ),
        (
            Button(_("Open it"), f"/period open {period.code} {words}"),
            Button(_("Cancel"), f"/period open {period.code} cancel"),  # a dialogue stays
        ),
    )


def _planned_signoff_line(code: str, on: bool, typed: bool) -> Text:
    """:func:`_signoff_line`; with the whole command instead of the word when a dialogue under
    way would take the word for its own period."""
    if typed:
        return _signoff_line(on)
    if on:
        return join(
            [SIGNOFF_ON, _("Send /period open {code} nosignoff to drop it.", code=code)], " "
        )
    return _(
        "National sign-off: off — send /period open {code} signoff to require it (a deputy's "
        "return then counts only once the focal point approves it).",
        code=code,
    )


def _refuse_unless_planned(period: Period) -> None:
    if period.status == OPEN:
        raise UserError(_("{code} is already open.", code=period.code))
    if period.status != PLANNED:
        raise UserError(_("{code} is already closed.", code=period.code))


def _open_planned(work: Work, period: Period, signoff: bool, note: Text = "") -> None:
    _refuse_unless_planned(period)
    store.set_status(work.db, period.code, OPEN, _actor_id(work), work.stamp)
    _keep_signoff(work, period.code, signoff)
    if _offer(work):
        store.drop_draft(work.db, _actor_id(work))  # the question is answered
    opened = store.load_period(work.db, period.code)
    assert opened is not None
    _announce(work, opened, note)


def _keep_signoff(work: Work, code: str, on: bool) -> None:
    """Store national sign-off as the co-chair opened the period with it (it was planned
    with bot.toml's ``signoff``), audited when that changes it."""
    if on == needs_signoff(work.db, code):
        return
    if on:
        require_signoff(work.db, code, _actor_id(work), work.stamp)
        work.audit("period.signoff", code, "national sign-off required")
        return
    store.drop_signoff(work.db, code)
    work.audit("period.signoff", code, "national sign-off dropped")


def _continue(work: Work, fields: Fields) -> None:
    _check_name(str(fields.get("name", "")))
    if fields.get("code") and store.load_period(work.db, str(fields["code"])):
        raise UserError(_already_exists(str(fields["code"])))
    check_dates(fields)
    _save_draft(work, fields)
    field = missing(fields)
    if field:
        work.reply(join([QUESTIONS[field], _("(/period cancel stops.)")]), _cadence_buttons(field))
        return
    work.reply(
        _summary(work, fields),
        (Button(_("Open it"), "/period confirm"), Button(_("Cancel"), "/period cancel")),
    )


def _check_name(name: str) -> None:
    """A period's name fits every list and reminder it appears in."""
    if len(name) > NAME_LIMIT:
        raise UserError(
            _(
                "The name is {length} characters; the limit is {limit}. "
                "Please give a shorter name.",
                length=len(name),
                limit=NAME_LIMIT,
            )
        )


def _already_exists(code: str) -> Msg:
    return _("There is already a period {code}; choose another code.", code=code)


def _cadence_buttons(field: str) -> tuple[Button, ...]:
    if field != "cadence":
        return ()
    return tuple(Button(label, f"/period open {c}") for c, label in CADENCE_LABELS.items())


def _summary(work: Work, fields: Fields) -> Msg:
    windows = _windows(work, fields)
    codes = [str(c) for c in fields["countries"]]  # type: ignore[attr-defined]
    lines: list[Text] = [
        _("Open {code} — {name}?", code=str(fields["code"]), name=str(fields["name"])),
        _cadence_line(str(fields["cadence"]), windows),
        countries_line(work, codes),
    ]
    lines.append(_signoff_line(bool(fields.get("signoff"))))
    return join(lines) + _past_due_note(work, windows)


SIGNOFF_ON = _("National sign-off: a deputy's return counts once the focal point approves it.")


def _signoff_line(on: bool) -> Text:
    """Whether the period will need national sign-off, and the word that changes it: easily
    missed otherwise, as no question asks about it."""
    if on:
        return join([SIGNOFF_ON, _("Send nosignoff to drop it.")], " ")
    return _(
        "National sign-off: off — send signoff to require it (a deputy's return then counts "
        "only once the focal point approves it)."
    )


def _cadence_line(cadence: str, windows: Sequence[Window]) -> Msg:
    """``Mar 1, 2027 to Aug 31, 2027, monthly returns (6 windows), first due Apr 7, 2027.``"""
    span = {"first": windows[0].starts_on, "last": windows[-1].ends_on, "due": windows[0].due_on}
    if cadence == "monthly":
        return n_(
            "{first} to {last}, monthly returns ({count} window), first due {due}.",
            "{first} to {last}, monthly returns ({count} windows), first due {due}.",
            len(windows),
            **span,
        )
    if cadence == "quarterly":
        return n_(
            "{first} to {last}, quarterly returns ({count} window), first due {due}.",
            "{first} to {last}, quarterly returns ({count} windows), first due {due}.",
            len(windows),
            **span,
        )
    return n_(
        "{first} to {last}, final returns ({count} window), first due {due}.",
        "{first} to {last}, final returns ({count} windows), first due {due}.",
        len(windows),
        **span,
    )


def _windows(work: Work, fields: Fields) -> list[Window]:
    return make_windows(
        date.fromisoformat(str(fields["starts_on"])),
        date.fromisoformat(str(fields["ends_on"])),
        str(fields["cadence"]),
        work.ctx.settings.returns.due_after_days,
    )


def confirm(work: Work, _rest: str) -> None:
    """Open the period the dialogue described."""
    offered = _offer(work)
    if offered:  # "/period confirm" after being asked about a planned period
        period = store.load_period(work.db, offered)
        if period is not None and period.status == PLANNED:
            signoff = _signoff_chosen(work, period, None)
            _open_planned(work, period, signoff, _past_due_note(work, period.windows))
            return
        store.drop_draft(work.db, _actor_id(work))  # opened or gone meanwhile
    fields = _draft(work)
    if not fields:
        planned = store.periods_in(work.db, PLANNED)
        if planned:  # never opened unasked: each one's command
            raise UserError(
                join(
                    _(
                        "To open {code} — {name}, send /period open {code} confirm.",
                        code=p.code,
                        name=p.name,
                    )
                    for p in planned
                )
            )
    if not fields or missing(fields):
        raise UserError(_("There is no complete period to open. Start with /period open."))
    if store.load_period(work.db, str(fields["code"])):
        raise UserError(_already_exists(str(fields["code"])))
    check_dates(fields)
    period = Period(
        str(fields["code"]),
        str(fields["name"]),
        date.fromisoformat(str(fields["starts_on"])),
        date.fromisoformat(str(fields["ends_on"])),
        OPEN,
        tuple(fields["countries"]),  # type: ignore[arg-type]
        tuple(_windows(work, fields)),
        work.ctx.settings.metric_sets["default"],
    )
    store.insert_period(work.db, period, "chat", work.stamp, _actor_id(work))
    if fields.get("signoff"):
        require_signoff(work.db, period.code, _actor_id(work), work.stamp)
        work.audit("period.signoff", period.code, "national sign-off required")
    store.drop_draft(work.db, _actor_id(work))
    _announce(work, period)


def _announce(work: Work, period: Period, note: Text = "") -> None:
    """Audit, arm the reminders, tell the focal points, confirm to the co-chair."""
    work.audit("period.opened", period.code, f"{len(period.countries)} countries")
    arm_period(work, period)
    arm_late_start(work, period)
    reached: list[Person] = []
    for country in period.countries:
        people = work.directory.focal_points(country)
        text = _open_notice(work, period, country)
        reached += notices.tell(work, people, text, (notices.dates_button(period),), period.code)
    awake = notices.awake(work, reached)  # the others read it when their quiet hours end
    if reached and not awake:  # "I told 0 focal points" read as if nobody would be
        opened = _(
            "{code} is open. The focal points are told when their quiet hours end.",
            code=period.code,
        )
    else:
        opened = n_(
            "{code} is open. I told {count} focal point.",
            "{code} is open. I told {count} focal points.",
            awake,
            code=period.code,
        )
    told = opened + held.held_countries_note(work, reached)
    _tell_other_cochairs(work, period, told)
    work.reply(
        join([told, "", describe(work, period)])
        + non_working_note(work, period)
        + _overlap_note(work, period)
        + note
    )


def _open_notice(work: Work, period: Period, country: str) -> Msg:
    """What ``country``'s focal points read when the period opens: its first due date."""
    first = period.windows[0]
    facts = {
        "code": period.code,
        "name": period.name,
        "dates": period.dates,
        "title": window_title(period, first),
        "due": due_of(work, first, country),
    }
    if work.now >= due_moment(work, first, country):  # opened after its due date
        return _(
            "{code} — {name} is open ({dates}). Your first return, {title}, was due on "
            "{due}, so it is overdue already: please send it with /return. /deadline "
            "lists the due dates.",
            **facts,
        )
    return _(
        "{code} — {name} is open ({dates}). Your first return, {title}, is due on "
        "{due}. /deadline lists the due dates; /return submits.",
        **facts,
    )


def _overlap_note(work: Work, period: Period) -> Text:
    """Other open periods over the same days for some of the same countries: commands that
    name no period then ask which one is meant, and focal points file for both."""
    others = [
        other
        for other in store.periods_in(work.db, OPEN)
        if other.code != period.code
        and set(other.countries) & set(period.countries)
        and other.starts_on <= period.ends_on
        and period.starts_on <= other.ends_on
    ]
    if not others:
        return ""
    return "\n" + _(
        "Also open over these days for some of the same countries: {periods}. Commands "
        "that name no period will ask which one is meant (/status {code}, /deadline {code}).",
        periods=join([join([o.code, " (", o.dates, ")"], "") for o in others], ", "),
        code=period.code,
    )


def non_working_note(work: Work, period: Period, windows: Sequence[Window] = ()) -> Text:
    """Which countries' due dates fall on their weekend, a holiday or a closure, and what
    ``[returns] non_working_due`` did about it, one line for the countries that share a
    window, a new date and a reason: ``W1 due Nov 7, 2026 → Nov 9, 2026 for Indonesia,
    Thailand (weekend)``. For ``windows`` (all the period's by default), on a line of its
    own after a newline ("" when no date falls on a day off)."""
    move = work.ctx.settings.returns.non_working_due == "move"
    groups: dict[tuple[int, date, str], tuple[Window, Text, list[str]]] = {}
    for window in windows or period.windows:
        for country in sorted(period.countries, key=lambda c: country_name(work, c)):
            days = work.ctx.calendar.of(country)
            if days.why_closed(window.due_on) is not None:
                due = due_of(work, window, country) if move else window.due_on
                why = _days_off(days, window.due_on, due)
                key = (window.seq, due, render(why, DEFAULT_LANGUAGE))
                groups.setdefault(key, (window, why, []))[2].append(country)
    if not groups:
        return ""
    lines = [
        "  " + _closed_line(work, window, due, countries, why, move)
        for (_seq, due, _reason), (window, why, countries) in groups.items()
    ]
    head = (
        _("Due dates moved to the country's next working day:")
        if move
        else _("Careful, kept as they are:")  # (the setting's name is the administrator's)
    )
    return "\n" + join([head, *lines])


def _days_off(days: CountryCalendar, first: date, moved_to: date) -> Text:
    """Why each day from ``first`` up to ``moved_to`` is off, each reason once: a due date
    moved from Sunday over Tết says both ("weekend, Vietnamese New Year")."""
    reasons: dict[str, Text] = {}
    day = first
    while day < moved_to or day == first:
        why = days.why_closed(day)
        if why is not None:
            reasons.setdefault(render(why, DEFAULT_LANGUAGE), why)
        day += timedelta(days=1)
    return join(list(reasons.values()), ", ")


def _closed_line(
    work: Work, window: Window, due: date, countries: list[str], why: Text, move: bool
) -> Msg:
    """One window's due date on some countries' day off: where it moved, or that it stays."""
    names = join([country_name(work, country) for country in countries], ", ")
    if move:
        return _(
            "{label} due {was} → {due} for {country} ({why})",
            label=window.label,
            was=window.due_on,
            due=due,
            country=names,
            why=why,
        )
    return _(
        "{label} due {was} is not a working day in {country} ({why})",
        label=window.label,
        was=window.due_on,
        country=names,
        why=why,
    )


def cancel(work: Work, _rest: str) -> None:
    """Drop the opening dialogue."""
    store.drop_draft(work.db, _actor_id(work))
    work.audit("period.discarded")
    work.reply(_("Cancelled; no period was opened."))


def close_period(work: Work, rest: str) -> None:
    """End a period once the co-chair confirms: no more reminders or returns."""
    code, _sep, word = rest.partition(" ")
    if code.lower() == "confirm":
        code, word = "", "confirm"
    period = _named_or_current(work, code)
    if period.status != OPEN:
        raise UserError(_not_open(period))
    if word.strip().lower() != "confirm":
        _ask_close(work, period)
        return
    store.set_status(work.db, period.code, CLOSED, _actor_id(work), work.stamp)
    work.audit("period.closed", period.code)
    closed = _("{code} is closed; reminders have stopped.", code=period.code)
    _tell_other_cochairs(work, period, closed)
    notices.withdraw_when_closed(work, period)  # its notices still held are news no more
    told = notices.tell_focal_points(
        work,
        period,
        _(
            "{code} — {name} is closed; its returns are no longer collected "
            "and reminders have stopped.",
            code=period.code,
            name=period.name,
        ),
        leaving_out=(unseen := notices.never_told_open(work, period)),
    )
    work.reply(
        _(
            "{code} is closed; reminders have stopped and the focal points were told. "
            "{never_started} /report {code} gives the totals; "
            "/period reopen {code} opens it again.",
            code=period.code,
            never_started=_never_started(_missing(work, period)),
        )
        + held.held_countries_note(work, told)
        + _not_told_note(work, unseen)
    )


def _not_told_note(work: Work, people: Collection[str]) -> Text:
    """The countries whose focal points are not told of the close: the notice that it opened
    still waited for their night, and was withdrawn with it."""
    countries = {p.country for i in people if (p := work.directory.people.get(i))}
    if not countries:
        return ""
    names = join(sorted(work.directory.country_name(c) for c in countries), ", ")  # by name
    return "\n" + _(
        "Not told, as the opening had not reached them yet: {countries}.", countries=names
    )


def _ask_close(work: Work, period: Period) -> None:
    work.reply(
        _(
            "Close {code} — {name}? {never_started} "
            "Reminders stop and the focal points are told; a co-chair can reopen it.",
            code=period.code,
            name=period.name,
            never_started=_never_started(_missing(work, period)),
        ),
        (
            Button(_("Close it"), f"/period close {period.code} confirm"),
            Button(_("Keep it open"), f"/period {period.code}"),
        ),
    )


def answer_close_or_reopen(work: Work, text: str) -> bool:
    """``confirm`` or ``cancel`` (``yes``, or a button's label) typed where the question whether
    to close or reopen a period showed its buttons as words (console, SMS, email), while it
    is the last message the co-chair was sent and within :data:`OFFER_STANDS`. A bare
    ``confirm`` after the question to open one already worked; after closing's, it was "I only
    understand commands". ``cancel`` says nothing changed, and the question is over."""
    actor = work.actor
    if actor is None or not actor.has("co_chair"):
        return False
    last = last_message_buttons(work.db, actor.id)
    if last is None or parse_iso(last[1]) < work.now - OFFER_STANDS:
        return False
    buttons = last[0]
    if len(buttons) != 2 or not buttons[0].command.startswith(_CLOSE_OR_REOPEN):
        return False  # the last question was another one
    typed = folded(text)
    yes, keep = buttons
    if typed in {"confirm", folded(str(yes.label))} or said_yes(text, work.language_of(actor.id)):
        period_command(work, parse_period_args(yes.command.removeprefix("/period ")))
    elif typed in {"cancel", folded(str(keep.label))}:
        period = store.load_period(work.db, yes.command.split()[2])
        if period is not None:
            status = STATUS[period.status]
            work.reply(
                _("Nothing changed: {code} stays {status}.", code=period.code, status=status)
            )
    else:
        return False
    return True


_CLOSE_OR_REOPEN = ("/period close ", "/period reopen ")


def _not_open(period: Period) -> Msg:
    if period.status == PLANNED:
        return _("{code} is planned, not open.", code=period.code)
    return _("{code} is closed, not open.", code=period.code)


def _missing(work: Work, period: Period) -> int:
    return sum(
        len(period.countries) - len(window_statuses(work.db, period.code, w.seq))
        for w in period.windows
    )


def _never_started(count: int) -> Msg:
    if count == 0:
        return _("Every return was started.")
    return n_("{count} return was never started.", "{count} returns were never started.", count)


def reopen_period(work: Work, rest: str) -> None:
    """Open a closed period again (a co-chair closed it too early) once the co-chair
    confirms, as for closing: reminders resume and every focal point is told."""
    code, _sep, word = rest.strip().partition(" ")
    if not code:
        raise UserError(_("Which period? e.g. /period reopen JPA-5"))
    period = _named_or_current(work, code)
    if period.status == OPEN:
        raise UserError(_("{code} is open, not closed.", code=period.code))
    if period.status != CLOSED:
        raise UserError(_("{code} is planned, not closed.", code=period.code))
    if word.strip().lower() != "confirm":
        work.reply(
            _(
                "Reopen {code} — {name}? Reminders resume and the focal points are told.",
                code=period.code,
                name=period.name,
            ),
            (
                Button(_("Reopen it"), f"/period reopen {period.code} confirm"),
                Button(_("Keep it closed"), f"/period {period.code}"),
            ),
        )
        return
    store.set_status(work.db, period.code, OPEN, _actor_id(work), work.stamp)
    work.audit("period.reopened", period.code)
    again = _("{code} is open again; reminders resume.", code=period.code)
    _tell_other_cochairs(work, period, again)
    reopened = store.load_period(work.db, period.code)
    assert reopened is not None
    arm_period(work, reopened)
    arm_late_start(work, reopened)
    unseen = notices.never_told_open(work, period)  # computed before this notice is queued
    told = notices.tell_focal_points(
        work,
        period,
        _(
            "{code} — {name} is open again; /deadline lists the due dates.",
            code=period.code,
            name=period.name,
        ),
        (notices.dates_button(period),),  # withdrawn, still held, if it closes again
        leaving_out=unseen,
    )
    for country in reopened.countries:  # never told it opened: the opening's notice, not "again"
        people = [p for p in work.directory.focal_points(country) if p.id in unseen]
        text = _open_notice(work, reopened, country)
        told += notices.tell(work, people, text, (notices.dates_button(period),), period.code)
    work.reply(
        _(
            "{code} is open again; reminders resume and the focal points were told.",
            code=period.code,
        )
        + held.held_countries_note(work, told)
    )


def _named_or_current(work: Work, code: str) -> Period:
    if not code:
        only_open(work)
    period = (
        store.load_period(work.db, code.upper())
        if code
        else store.current_period(work.db, today(work))
    )
    if period is None:
        raise UserError(
            _("No period {code}.", code=code[:20]) if code else _("No period of action is open.")
        )
    return period


def only_open(work: Work) -> None:
    """UserError when more than one period is open and the command named none of them."""
    codes = [p.code for p in store.periods_in(work.db, OPEN)]
    if len(codes) > 1:
        raise UserError(
            n_(
                "{count} period is open ({codes}); please name one, "
                "e.g. with {example} after the command.",
                "{count} periods are open ({codes}); please name one, "
                "e.g. with {example} after the command.",
                len(codes),
                codes=join(codes, ", "),
                example=codes[-1],
            )
        )


def _actor_id(work: Work) -> str:
    return work.actor.id if work.actor else "system"


OFFERED, ASKED_AT, SIGNOFF = "offered", "asked_at", "signoff"
"""A draft of only these keys holds no dialogue: the bot asked the co-chair whether to open
that planned period (``/period open JPA-4``), when, and with national sign-off or not."""
OFFER_STANDS = timedelta(hours=1)
"""How long a bare "/period confirm" answers that question; later it names the command."""


def _draft(work: Work) -> Fields:
    """The opening dialogue's fields so far ({} when none)."""
    fields = store.load_draft(work.db, _actor_id(work)) or {}
    return {} if OFFERED in fields else fields


def _offer(work: Work) -> str:
    """The planned period the co-chair was asked about within the hour, if any."""
    fields = store.load_draft(work.db, _actor_id(work)) or {}
    asked = fields.get(ASKED_AT)
    if OFFERED not in fields or not asked or parse_iso(str(asked)) < work.now - OFFER_STANDS:
        return ""
    return str(fields[OFFERED])


def _save_draft(work: Work, fields: Fields) -> None:
    store.save_draft(work.db, _actor_id(work), fields, work.stamp)
    work.audit("period.drafted", str(fields.get("code", "")), ", ".join(sorted(fields)))


def consume_text(work: Work, text: str) -> bool:
    """A plain message from a co-chair in the opening dialogue answers its current question."""
    if work.actor is None:  # co-chairs only: checked by the gate, as for /period open
        return False
    draft = store.load_draft(work.db, _actor_id(work))
    if draft is None:
        return False
    word = text.strip().lower()
    if word == "cancel":  # as the guided /return takes its own words bare
        cancel(work, "")
        return True
    offered = OFFERED in draft  # no dialogue: asked whether to open a planned period
    field = None if offered else missing(draft)
    if word == "confirm" and (offered or field is None):
        confirm(work, "")  # what the summary (or the planned period's question) offered
        return True
    if offered:
        return _answer_offer(work, text)
    if field is None:  # the summary awaits confirmation: only sign-off may still change
        signoff = SIGNOFF_WORDS.get(word)
        if signoff is None:
            return False
        _continue(work, {**draft, "signoff": signoff})
        return True
    if field == "countries":
        text = _country_codes(work, text)
    _continue(work, {**draft, **answer(field, text, work.directory.countries)})
    return True


_FIRST_WORD = re.compile(r"([^\s,;]+)")


def _country_codes(work: Work, text: str) -> str:
    """``Thailand, Malaysia, Sri Lanka`` as ``TH MY LK``: the countries question answered by
    name (in English, the group's spelling or the person's language) as well as by code; a
    word that is neither is refused as no country known (not as a period's code or date)."""
    codes: list[str] = []
    rest = re.sub(r"\s*[,;]\s*", ", ", text.strip())  # a name ends at a comma: Sri Lanka,NZ
    while rest := rest.lstrip(" ,;\n\t"):
        first = _FIRST_WORD.match(rest)
        assert first is not None  # rest starts with no separator
        word = first[1]
        if (len(word) == 2 and word.isalpha()) or word.lower() == "all":
            codes.append(word)
            rest = rest[first.end() :]
            continue
        found = work.country_at_start(rest)
        if found is None or work.directory.country(found[0]) is None:
            typed = rest[: len(rest) - len(found[1])] if found else word
            raise UserError(
                _(
                    "I don't know the country {code}; /countries lists the codes.",
                    code=typed.strip(" ,;")[:40],
                )
            )
        codes.append(found[0])
        rest = found[1]
    return " ".join(codes)


def _answer_offer(work: Work, text: str) -> bool:
    """``signoff`` or ``nosignoff`` sent after being asked about a planned period (within the
    hour): asked again, with sign-off as said."""
    signoff = SIGNOFF_WORDS.get(text.strip().lower())
    code = _offer(work) if signoff is not None else ""
    period = store.load_period(work.db, code) if code else None
    if signoff is None or period is None or period.status != PLANNED:
        return False
    _ask_planned(work, period, signoff)
    return True


# --- /deadline ----------------------------------------------------------------------------
def deadline_command(work: Work, text: str) -> None:
    """List the coming due dates (all, or one period's)."""
    words = text.split()
    if len(words) == 1 and store.load_period(work.db, words[0].upper()):
        work.reply(_deadlines(work, _named_or_current(work, words[0])))
        return
    if words:
        raise UserError(
            _(
                "Use /deadline to list due dates, /deadline JPA-5 for one period, "
                "or /deadline W2 2027-04-14 to move one."
            )
        )
    periods = [p for p in store.periods_in(work.db, OPEN, PLANNED) if _concerns(work, p)]
    if not periods:
        work.reply(_("No period of action is open, so nothing is due."))
        return
    work.reply(join((_deadlines(work, p) for p in periods), "\n\n"))


def _concerns(work: Work, period: Period) -> bool:
    """Whether the actor's /deadline lists ``period``: a country's people see the periods
    their country takes part in; co-chairs and administrators see every one."""
    actor = work.actor
    return actor is None or actor.has("co_chair", "admin") or actor.country in period.countries


def _is_move(text: str) -> bool:
    """``[CODE] <window> <date>``: two or three words (the listing takes at most one), or more
    after a window's label, a date in words (``W3 14 Jan 2027``) that the move then refuses
    as one, where the listing's usage would not say what was wrong."""
    words = text.split()
    labels = map(store.WINDOW_TYPED.match, words[:2])
    return len(words) in (2, 3) or (len(words) > 3 and any(labels))


def move_deadline_command(work: Work, text: str) -> None:
    """A co-chair moves a window's due date: ``/deadline [CODE] W2 2027-03-14``."""
    _move_deadline(work, text.split())


def _move_words(words: list[str]) -> tuple[str, str, str]:
    """The period's code ("" for the current one), the window and the date as typed, of
    ``[CODE] <window> <date>``; the date may take several words (``14 Jan 2027``)."""
    window = store.WINDOW_TYPED.match
    if len(words) == 2 or (window(words[0]) and not window(words[1])):
        return "", words[0], " ".join(words[1:])
    return words[0], words[1], " ".join(words[2:])


def _deadlines(work: Work, period: Period) -> Msg:
    now, actor = today(work), work.actor
    in_it = bool(actor and actor.country in period.countries and actor.handles_country_requests)
    mine = in_it and period.status != PLANNED  # nothing is owed before it opens
    lines: list[Text] = [heading(period)]
    for window in period.windows:
        own, says_passed = _own_status(work, period, window) if mine else (None, False)
        # a focal point reads their own country's date (moved off its day off), planned too
        due = due_of(work, window, actor.country) if in_it and actor else window.due_on
        lines.append(_deadline_line(window, due, due < now and not says_passed, own))
    return join(lines)


def _own_status(work: Work, period: Period, window: Window) -> tuple[Text, bool]:
    """The actor's country's return for ``window`` (draft, submitted, late… not started, or
    missing and overdue since its due day ended there, as /status says it), and whether that
    says the due date has passed already."""
    assert work.actor is not None
    country = work.actor.country
    status = window_statuses(work.db, period.code, window.seq).get(country)
    overdue = due_moment(work, window, country)
    local = overdue.astimezone(time_zone(zone_of_country(work, country)))
    if status is not None and status[0] == DRAFT and work.now >= overdue:  # as /status says
        since = _("overdue since {at} {zone}", at=local, zone=ZoneOffset(local))
        return join([RETURN_STATUS[DRAFT], since], ", "), True
    if status is not None:
        return RETURN_STATUS.get(status[0], status[0]), False
    if work.now < overdue:
        return _("not started"), False
    return _("missing, overdue since {time} ({zone})", time=local, zone=ZoneOffset(local)), True


def _deadline_line(window: Window, due: date, passed: bool, own: Text | None) -> Msg:
    """``W1 Jan 1, 2027 – Jan 31, 2027: due Feb 7, 2027 (passed) — yours: draft``."""
    at = {"label": window.label, "dates": window.dates, "due": due}
    if own is None:
        if passed:
            return _("{label} {dates}: due {due} (passed)", **at)
        return _("{label} {dates}: due {due}", **at)
    if passed:
        return _("{label} {dates}: due {due} (passed) — yours: {status}", status=own, **at)
    return _("{label} {dates}: due {due} — yours: {status}", status=own, **at)


LONGEST_AFTER_END = timedelta(days=366)
"""How long after its window's end a due date may be: more is a mistyped year."""


def _move_deadline(work: Work, words: list[str]) -> None:
    code, label, typed = _move_words(words)
    period = _named_or_current(work, code)
    if period.status == CLOSED:  # its returns are final: a new date would make them late
        raise UserError(
            _(
                "{code} is closed, so its due dates stay as they are. "
                "To move one, reopen it first: /period reopen {code}",
                code=period.code,
            )
        )
    day = parse_day(typed)
    window = period.window_named(label)
    if day < window.ends_on:
        raise UserError(
            _(
                "{label} ends on {end}; the due date can't be before that.",
                label=window.label,
                end=window.ends_on,
            )
        )
    if day > window.ends_on + LONGEST_AFTER_END:  # 2207 for 2027: nobody would be reminded
        raise UserError(
            _(
                "{day} is more than a year after {label} ends ({end}); check the year.",
                day=day,
                label=window.label,
                end=window.ends_on,
            )
        )
    latest = max(local_today(work.now, zone_of_country(work, c)) for c in period.countries)
    if day < latest:  # past somewhere: those returns would be overdue at once, unannounced
        raise UserError(_("{day} is already past; a new due date is today or later.", day=day))
    title = window_title(period, window)
    if day == window.due_on:
        work.reply(_("{title} is already due on {due}; nothing changed.", title=title, due=day))
        return
    store.set_due(work.db, period.code, window.seq, day)
    work.audit(
        "period.deadline",
        f"{period.code}:{window.label}",
        f"{window.due_on.isoformat()} -> {day.isoformat()}",
    )
    moved_note = _("New due date: {title} is now due on {due}.", title=title, due=day)
    if period.status == PLANNED:  # nothing is sent before it opens; the opening says it
        _tell_other_cochairs(work, period, moved_note)
        planned = _(
            "New due date: {title} is now due on {due}. {code} is planned: its focal points "
            "will read the new date when it opens.",
            title=title,
            due=day,
            code=period.code,
        )
        work.reply(planned)
        return
    # a new date is today or later everywhere, so whatever is in came in before it
    actor = work.actor.id if work.actor else "system"
    on_time_by_moved_date(work.db, period.code, window.seq, work.stamp, actor)
    moved = store.load_period(work.db, period.code)
    assert moved is not None
    new = moved.windows[window.seq - 1]
    arm_window(work, moved, new)
    notices.withdraw_when_moved(work, moved, new)  # held with the former date: not true now
    reached: list[Person] = []
    button = (notices.return_button(moved, new),)
    for code in period.countries:  # each told their own date (moved off its day off)
        told = _(
            "New due date: {title} is now due on {due}.", title=title, due=due_of(work, new, code)
        )
        reached += notices.tell(work, work.directory.focal_points(code), told, button, moved.code)
    later = non_working_note(work, moved, [new])  # what those focal points were told instead
    _tell_other_cochairs(work, period, moved_note + later)
    told = _(
        "New due date: {title} is now due on {due}. The focal points were told.",
        title=title,
        due=day,
    )
    work.reply(told + held.held_countries_note(work, reached) + later)


def _tell_other_cochairs(work: Work, period: Period, what: Text) -> None:
    """The other co-chairs hear what one of them did to a period (``From Aroha, co-chair:
    …``): two acting at once otherwise each learn of the other's change from the focal
    points."""
    name = work.actor.name if work.actor else "FocalPoint"
    text = _("From {name}, co-chair: {what}", name=name, what=what)
    for cochair in work.directory.with_role("co_chair"):
        if work.actor is None or cochair.id != work.actor.id:
            work.notify(cochair, text, subject=period.code)


# --- start-up: periods from bot.toml ------------------------------------------------------
def sync_configured(work: Work) -> None:
    """Create the periods ``bot.toml`` names, open those it opens, arm every open one."""
    for config in work.ctx.settings.periods:
        existing = store.load_period(work.db, config.code)
        if existing is None:
            # like the directory, what bot.toml says is loaded, not audited as a change
            store.insert_period(work.db, from_config(work, config), "config", work.stamp, "system")
            if config.signoff:
                require_signoff(work.db, config.code, "system", work.stamp)
        elif existing.status == PLANNED and config.status == OPEN:
            store.set_status(work.db, config.code, OPEN, "system", work.stamp)
            work.audit("period.opened", config.code, "from bot.toml")
    for period in store.periods_in(work.db, OPEN):
        arm_period(work, period)


def from_config(work: Work, config: PeriodConfig) -> Period:
    """A period as ``bot.toml`` describes it."""
    due_after = config.due_after_days
    if due_after is None:
        due_after = work.ctx.settings.returns.due_after_days
    if isinstance(config.windows, str):
        windows = make_windows(config.starts_on, config.ends_on, config.windows, due_after)
    else:
        windows = [_explicit(i, w) for i, w in enumerate(config.windows, start=1)]
    metrics = work.ctx.settings.metric_sets[config.metrics]
    return Period(
        config.code,
        config.name,
        config.starts_on,
        config.ends_on,
        config.status,
        tuple(sorted(set(config.countries))),
        tuple(windows),
        metrics,
    )


def _explicit(seq: int, window: WindowConfig) -> Window:
    return Window(seq, window.label or f"W{seq}", window.starts_on, window.ends_on, window.due_on)


PERIOD_ACTIONS = {  # summary, usage, example of each co-chair subcommand
    "open": (
        _(
            "Co-chairs: open a period of action (guided if details are missing). Add signoff "
            "for national sign-off: a deputy's return then counts only once the focal point "
            "approves it."
        ),
        '/period open <CODE> ["<name>" <first-day> <last-day> final|monthly|quarterly '
        "<countries>] [signoff]",
        '/period open JPA-5 "Fifth Joint Period of Action" 2027-03-01 2027-08-31 monthly '
        "AU ID MY TH signoff",
    ),
    "confirm": (
        _("Co-chairs: confirm the period being opened."),
        "/period confirm",
        "/period confirm",
    ),
    "cancel": (_("Co-chairs: drop the period being opened."), "/period cancel", "/period cancel"),
    "close": (
        _("Co-chairs: close the current period, after a confirmation (reminders stop)."),
        "/period close [CODE]",
        "/period close",
    ),
    "reopen": (
        _("Co-chairs: open a closed period again, after a confirmation (reminders resume)."),
        "/period reopen <CODE>",
        "/period reopen JPA-5",
    ),
}

COMMANDS = [
    CommandSpec(
        "period",
        _("The current period of action: dates, countries, reporting windows."),
        "/period [CODE]",
        "/period",
        period_command,
        parse_period_args,
        subcommands=tuple(
            CommandSpec(
                action,
                PERIOD_ACTIONS[action][0],
                PERIOD_ACTIONS[action][1],
                PERIOD_ACTIONS[action][2],
                period_command,
                functools.partial(PeriodArgs, action),
                roles=COCHAIR,
            )
            for action in ("open", "confirm", "cancel", "close", "reopen")
        ),
    ),
    CommandSpec(
        "deadline",
        _("The coming due dates for returns."),
        "/deadline [CODE]",
        "/deadline",
        deadline_command,
        subcommands=(
            CommandSpec(
                "move",
                _("Co-chairs: move a reporting window's due date."),
                "/deadline [CODE] <window> <YYYY-MM-DD>",
                "/deadline W2 2027-04-14",
                move_deadline_command,
                roles=COCHAIR,
                matches=_is_move,
            ),
        ),
    ),
]
TEXT = (
    TextHook("period open", consume_text),
    TextHook("period close or reopen", answer_close_or_reopen),
)
