"""Periods of action: /period (show, open, close), /deadline, and the start-up sync from bot.toml.

Opening by chat is a short dialogue: ``/period open`` with whatever is known, then one question
per missing field (answered in plain text or with a new ``/period open …``), then a summary
to confirm. A period in ``bot.toml`` is synced into the database at start; a planned one is
opened by a co-chair with ``/period open <CODE>``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.commands import CommandSpec, TextHook
from bot.errors import UserError
from bot.events import Button
from bot.periods import repo as store
from bot.periods.configured import PeriodConfig, WindowConfig
from bot.periods.parse import (
    QUESTIONS,
    Fields,
    answer,
    check_dates,
    missing,
    parse_day,
    parse_open_args,
)
from bot.periods.repo import CLOSED, OPEN, PLANNED, Period
from bot.periods.windows import Window, make_windows, short_date
from bot.returns.reminder_handlers import country_name, window_title
from bot.returns.reminders import arm_late_start, arm_period, arm_window, due_of
from bot.returns.repo import window_statuses
from bot.returns.signoff import require_signoff
from bot.text import NAME_LIMIT, counted, within
from bot.work import Work
from reminders.returns import local_today

COCHAIR = frozenset({"co_chair"})


@dataclass(frozen=True)
class PeriodArgs:
    """``/period [open|close|confirm|cancel] [rest]``."""

    action: str
    rest: str


def parse_period_args(text: str) -> PeriodArgs:
    """Split the sub-command from its arguments."""
    head, _, rest = text.strip().partition(" ")
    action = head.lower()
    if action and action not in {"open", "close", "confirm", "cancel", "reopen"}:
        if " " not in text.strip():
            return PeriodArgs("", head)  # `/period JPA-5` shows that one
        raise UserError(f"/period {head[:20]}? Use /period, /period open or /period close.")
    return PeriodArgs(action, rest.strip())


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
        work.reply(describe(work, _named_or_current(work, code)))
        return
    periods = store.periods_in(work.db, OPEN)
    if not periods:
        planned = store.periods_in(work.db, PLANNED)
        hint = "".join(
            f"\nPlanned: {p.code} — {p.name}. A co-chair opens it with /period open {p.code}."
            for p in planned
        )
        work.reply("No period of action is open." + hint)
        return
    work.reply("\n\n".join(describe(work, p) for p in periods))


def describe(work: Work, period: Period) -> str:
    """A period in a few lines."""
    names = ", ".join(sorted(country_name(work, c) for c in period.countries))
    lines = [
        f"{period.code} — {period.name} ({period.status})",
        f"{period.span}",
        f"Countries ({len(period.countries)}): {names}",
        "Returns:",
    ]
    lines += [f"  {w.label} {w.span} — due {short_date(w.due_on)}" for w in period.windows]
    return "\n".join(lines)


def open_period(work: Work, rest: str) -> None:
    """Open a planned period by its code, or start/continue the opening dialogue."""
    code, _, word = rest.partition(" ")
    confirmed = word.strip().lower() == "confirm"
    planned = store.load_period(work.db, code) if code and (confirmed or not word) else None
    if planned is not None:
        if planned.status == PLANNED and not confirmed and _passed(work, planned.windows):
            _ask_past_due(work, planned)
            return
        _open_planned(work, planned)
        return
    fields = {**_draft(work), **parse_open_args(rest, work.directory.countries)}
    _continue(work, fields)


def _passed(work: Work, windows: Sequence[Window]) -> list[Window]:
    """The windows whose due date is already behind the co-chair."""
    return [w for w in windows if w.due_on < today(work)]


def _past_due_note(work: Work, windows: Sequence[Window]) -> str:
    passed = _passed(work, windows)
    if not passed:
        return ""
    labels = ", ".join(f"{w.label} (due {short_date(w.due_on)})" for w in passed)
    return (
        f"\nCareful: {labels} {'is' if len(passed) == 1 else 'are'} already past due. Focal "
        "points are told at once, and those returns are overdue from the start."
    )


def _ask_past_due(work: Work, period: Period) -> None:
    work.reply(
        f"Open {period.code} — {period.name}?" + _past_due_note(work, period.windows),
        (
            Button("Open it", f"/period open {period.code} confirm"),
            Button("Cancel", "/period cancel"),
        ),
    )


def _open_planned(work: Work, period: Period) -> None:
    if period.status != PLANNED:
        raise UserError(f"{period.code} is already {period.status}.")
    store.set_status(work.db, period.code, OPEN, _actor_id(work), work.stamp)
    opened = store.load_period(work.db, period.code)
    assert opened is not None
    _announce(work, opened)


def _continue(work: Work, fields: Fields) -> None:
    within(str(fields.get("name", "")), NAME_LIMIT, " Please give a shorter name.", "The name")
    if fields.get("code") and store.load_period(work.db, str(fields["code"])):
        raise UserError(f"There is already a period {fields['code']}; choose another code.")
    check_dates(fields)
    _save_draft(work, fields)
    field = missing(fields)
    if field:
        work.reply(QUESTIONS[field] + "\n(/period cancel stops.)", _cadence_buttons(field))
        return
    work.reply(
        _summary(work, fields),
        (Button("Open it", "/period confirm"), Button("Cancel", "/period cancel")),
    )


def _cadence_buttons(field: str) -> tuple[Button, ...]:
    if field != "cadence":
        return ()
    return tuple(
        Button(c.capitalize(), f"/period open {c}") for c in ("final", "monthly", "quarterly")
    )


def _summary(work: Work, fields: Fields) -> str:
    windows = _windows(work, fields)
    codes = [str(c) for c in fields["countries"]]  # type: ignore[attr-defined]
    return "\n".join(
        [
            f"Open {fields['code']} — {fields['name']}?",
            f"{fields['starts_on']} to {fields['ends_on']}, {fields['cadence']} returns "
            f"({len(windows)} window{'s' if len(windows) != 1 else ''}), first due "
            f"{short_date(windows[0].due_on)}.",
            f"Countries ({len(codes)}): {', '.join(country_name(work, c) for c in codes)}",
            *(
                ["National sign-off: a deputy's return counts once the focal point approves it."]
                if fields.get("signoff")
                else []
            ),
        ]
    ) + _past_due_note(work, windows)


def _windows(work: Work, fields: Fields) -> list[Window]:
    return make_windows(
        date.fromisoformat(str(fields["starts_on"])),
        date.fromisoformat(str(fields["ends_on"])),
        str(fields["cadence"]),
        work.ctx.settings.returns.due_after_days,
    )


def confirm(work: Work, _rest: str) -> None:
    """Open the period the dialogue described."""
    fields = _draft(work)
    if not fields or missing(fields):
        raise UserError("There is no complete period to open. Start with /period open.")
    if store.load_period(work.db, str(fields["code"])):
        raise UserError(f"There is already a period {fields['code']}; choose another code.")
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


def _announce(work: Work, period: Period) -> None:
    """Audit, arm the reminders, tell the focal points, confirm to the co-chair."""
    work.audit("period.opened", period.code, f"{len(period.countries)} countries")
    arm_period(work, period)
    arm_late_start(work, period)
    first = period.windows[0]
    reached = 0
    for country in period.countries:
        text = (
            f"{period.code} — {period.name} is open ({period.span}). Your first return, "
            f"{window_title(period, first)}, is due on "
            f"{short_date(due_of(work, first, country))}. "
            "/deadline lists the due dates; /return submits."
        )
        reached += sum(
            work.notify(p, text, subject=period.code) is not None
            for p in work.directory.focal_points(country)
        )
    work.reply(
        f"{period.code} is open. I told {counted(reached, 'focal point')}.\n\n"
        + describe(work, period)
        + non_working_note(work, period)
    )


def non_working_note(work: Work, period: Period) -> str:
    """Which countries' due dates fall on their weekend, a holiday or a closure, and what
    ``[returns] non_working_due`` did about it: ``W1 due Sat 7 Nov → Mon 9 Nov for Thailand
    (weekend)``."""
    move = work.ctx.settings.returns.non_working_due == "move"
    lines = []
    for window in period.windows:
        for country in sorted(period.countries, key=lambda c: country_name(work, c)):
            why = work.ctx.calendar.of(country).why_closed(window.due_on)
            if why is None:
                continue
            was, name = _day_month(window.due_on), country_name(work, country)
            if move:
                now_due = _day_month(due_of(work, window, country))
                lines.append(f"  {window.label} due {was} → {now_due} for {name} ({why})")
            else:
                lines.append(f"  {window.label} due {was} is not a working day in {name} ({why})")
    if not lines:
        return ""
    head = (
        "Due dates moved to the country's next working day:"
        if move
        else 'Careful, kept as they are ([returns] non_working_due = "warn"):'
    )
    return "\n" + "\n".join([head, *lines])


def _day_month(day: date) -> str:
    """``Sat 7 Nov``."""
    return " ".join(short_date(day).split()[:3])


def cancel(work: Work, _rest: str) -> None:
    """Drop the opening dialogue."""
    store.drop_draft(work.db, _actor_id(work))
    work.audit("period.discarded")
    work.reply("Cancelled; no period was opened.")


def close_period(work: Work, rest: str) -> None:
    """End a period once the co-chair confirms: no more reminders or returns."""
    code, _, word = rest.partition(" ")
    if code.lower() == "confirm":
        code, word = "", "confirm"
    period = _named_or_current(work, code)
    if period.status != OPEN:
        raise UserError(f"{period.code} is {period.status}, not open.")
    if word.strip().lower() != "confirm":
        work.reply(
            f"Close {period.code} — {period.name}? {_never_started(_missing(work, period))} "
            "Reminders stop and the focal points are told; a co-chair can reopen it.",
            (
                Button("Close it", f"/period close {period.code} confirm"),
                Button("Keep it open", f"/period {period.code}"),
            ),
        )
        return
    store.set_status(work.db, period.code, CLOSED, _actor_id(work), work.stamp)
    work.audit("period.closed", period.code)
    _tell_focal_points(
        work,
        period,
        f"{period.code} — {period.name} is closed; its returns are no longer collected "
        "and reminders have stopped.",
    )
    work.reply(
        f"{period.code} is closed; reminders have stopped and the focal points were told. "
        f"{_never_started(_missing(work, period))} /report {period.code} gives the totals; "
        f"/period reopen {period.code} opens it again."
    )


def _missing(work: Work, period: Period) -> int:
    return sum(
        len(period.countries) - len(window_statuses(work.db, period.code, w.seq))
        for w in period.windows
    )


def _never_started(count: int) -> str:
    if count == 0:
        return "Every return was started."
    if count == 1:
        return "1 return was never started."
    return f"{count:,} returns were never started."


def reopen_period(work: Work, code: str) -> None:
    """Open a closed period again (a co-chair closed it too early): reminders resume."""
    if not code:
        raise UserError("Which period? e.g. /period reopen JPA-5")
    period = _named_or_current(work, code)
    if period.status != CLOSED:
        raise UserError(f"{period.code} is {period.status}, not closed.")
    store.set_status(work.db, period.code, OPEN, _actor_id(work), work.stamp)
    work.audit("period.reopened", period.code)
    reopened = store.load_period(work.db, period.code)
    assert reopened is not None
    arm_period(work, reopened)
    arm_late_start(work, reopened)
    _tell_focal_points(
        work, period, f"{period.code} — {period.name} is open again; /deadline lists the due dates."
    )
    work.reply(f"{period.code} is open again; reminders resume and the focal points were told.")


def _named_or_current(work: Work, code: str) -> Period:
    if not code:
        only_open(work)
    period = (
        store.load_period(work.db, code.upper())
        if code
        else store.current_period(work.db, today(work))
    )
    if period is None:
        raise UserError(f"No period {code[:20]}." if code else "No period of action is open.")
    return period


def only_open(work: Work) -> None:
    """UserError when more than one period is open and the command named none of them."""
    codes = [p.code for p in store.periods_in(work.db, OPEN)]
    if len(codes) > 1:
        raise UserError(
            f"{len(codes)} periods are open ({', '.join(codes)}); please name one, "
            f"e.g. with {codes[-1]} after the command."
        )


def _actor_id(work: Work) -> str:
    return work.actor.id if work.actor else "system"


def _draft(work: Work) -> Fields:
    return store.load_draft(work.db, _actor_id(work)) or {}


def _save_draft(work: Work, fields: Fields) -> None:
    store.save_draft(work.db, _actor_id(work), fields, work.stamp)
    work.audit("period.drafted", str(fields.get("code", "")), ", ".join(sorted(fields)))


def consume_text(work: Work, text: str) -> bool:
    """A plain message from a co-chair in the opening dialogue answers its current question."""
    if work.actor is None:  # co-chairs only: checked by the gate, as for /period open
        return False
    draft = store.load_draft(work.db, _actor_id(work))
    fields = draft or {}
    field = missing(fields) if draft is not None else None
    if field is None:
        return False
    _continue(work, {**fields, **answer(field, text, work.directory.countries)})
    return True


# --- /deadline ----------------------------------------------------------------------------
def deadline_command(work: Work, text: str) -> None:
    """List the coming due dates; a co-chair moves one with ``/deadline W2 2027-03-14``."""
    words = text.split()
    if len(words) in (2, 3):
        _move_deadline(work, words)
        return
    if len(words) == 1 and store.load_period(work.db, words[0].upper()):
        work.reply(_deadlines(work, _named_or_current(work, words[0])))
        return
    if words:
        raise UserError(
            "Use /deadline to list due dates, /deadline JPA-5 for one period, "
            "or /deadline W2 2027-04-14 to move one."
        )
    periods = store.periods_in(work.db, OPEN, PLANNED)
    if not periods:
        work.reply("No period of action is open, so nothing is due.")
        return
    work.reply("\n\n".join(_deadlines(work, p) for p in periods))


def _deadlines(work: Work, period: Period) -> str:
    now, actor = today(work), work.actor
    lines = [f"{period.code} — {period.name} ({period.status})"]
    for window in period.windows:
        mark = "" if window.due_on >= now else " (passed)"
        own = ""
        if actor and actor.country in period.countries and actor.handles_country_requests:
            status = window_statuses(work.db, period.code, window.seq).get(actor.country)
            own = f" — yours: {status[0] if status else 'not started'}"
        lines.append(f"{window.label} {window.span}: due {short_date(window.due_on)}{mark}{own}")
    return "\n".join(lines)


def _move_deadline(work: Work, words: list[str]) -> None:
    period = _named_or_current(work, words[0] if len(words) == 3 else "")
    label, day = words[-2], parse_day(words[-1])
    window = next((w for w in period.windows if w.label.lower() == label.lower()), None)
    if window is None:
        raise UserError(
            f"{period.code} has no window {label[:10]}; they are "
            f"{', '.join(w.label for w in period.windows)}."
        )
    if day < window.ends_on:
        raise UserError(
            f"{window.label} ends on {short_date(window.ends_on)}; "
            "the due date can't be before that."
        )
    if day == window.due_on:
        work.reply(
            f"{window_title(period, window)} is already due on {short_date(day)}; nothing changed."
        )
        return
    store.set_due(work.db, period.code, window.seq, day)
    work.audit(
        "period.deadline",
        f"{period.code}:{window.label}",
        f"{window.due_on.isoformat()} -> {day.isoformat()}",
    )
    moved = store.load_period(work.db, period.code)
    assert moved is not None
    arm_window(work, moved, moved.windows[window.seq - 1])
    text = f"New due date: {window_title(period, window)} is now due on {short_date(day)}."
    _tell_focal_points(work, period, text)
    work.reply(text + " The focal points were told.")


def _tell_focal_points(work: Work, period: Period, text: str) -> None:
    for code in period.countries:
        for person in work.directory.focal_points(code):
            work.notify(person, text, subject=period.code)


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
        "Co-chairs: open a period of action (guided if details are missing).",
        '/period open <CODE> ["<name>" <first-day> <last-day> final|monthly|quarterly <countries>]',
        '/period open JPA-5 "Fifth Joint Period of Action" 2027-03-01 2027-08-31 monthly '
        "AU ID MY TH",
    ),
    "confirm": (
        "Co-chairs: confirm the period being opened.",
        "/period confirm",
        "/period confirm",
    ),
    "cancel": ("Co-chairs: drop the period being opened.", "/period cancel", "/period cancel"),
    "close": (
        "Co-chairs: close the current period, after a confirmation (reminders stop).",
        "/period close [CODE]",
        "/period close",
    ),
    "reopen": (
        "Co-chairs: open a closed period again (reminders resume).",
        "/period reopen <CODE>",
        "/period reopen JPA-5",
    ),
}

COMMANDS = [
    CommandSpec(
        "period",
        "The current period of action: dates, countries, reporting windows.",
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
        "The coming due dates for returns.",
        "/deadline [CODE]",
        "/deadline",
        deadline_command,
        subcommands=(
            CommandSpec(
                "move",
                "Co-chairs: move a reporting window's due date.",
                "/deadline [CODE] <window> <YYYY-MM-DD>",
                "/deadline W2 2027-04-14",
                deadline_command,
                roles=COCHAIR,
                matches=lambda text: len(text.split()) in (2, 3),
            ),
        ),
    ),
]
TEXT = (TextHook("period open", consume_text),)
