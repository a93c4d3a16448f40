"""Returns by chat: /return (guided, one line or a form, confirm, amend, show, history), /status.

Only a country's focal points and deputies write its return or see its draft; co-chairs see
every country's return and the status of all. Nothing is submitted without a confirmation,
and a UserError anywhere rolls the whole command back, so bad input saves nothing.

``/return form`` offers every figure at once: a form (a Slack modal) where the platform has
forms, text elsewhere. The filled form comes back as ``/return <CODE> <W> submit`` with one
``figure: value`` per line and is checked, kept and submitted in one unit of work: the form's
Submit button is the confirmation.
"""

from __future__ import annotations

import re

from bot.access import Scope
from bot.clock import local_stamp
from bot.commands import CommandSpec, TextHook
from bot.errors import UserError
from bot.events import Button
from bot.periods.handlers import today
from bot.periods.repo import OPEN, Period, collecting_window, current_period, load_period
from bot.periods.windows import Window, short_date
from bot.returns import repo as store
from bot.returns.form import Target, form_button, form_of, form_text, question, summary
from bot.returns.joint import COMMANDS as JOINT_COMMANDS
from bot.returns.metric_values import ZERO, Value, show
from bot.returns.parse import parse_answer, parse_filled, parse_line
from bot.returns.reminder_handlers import country_name, window_title
from bot.returns.reminders import due_of, zone_of_country
from bot.returns.repo import Draft, guided_draft_of, load_draft, load_submitted
from bot.returns.signoff import needs_signoff
from bot.text import counted
from bot.work import Work
from reminders.returns import deadline, is_late, local_today

_WINDOW = re.compile(r"^[Ww]\d{1,2}$")
FORM_ACTIONS = {"skip", "back", "zero", "confirm", "cancel", "form"}
WRITERS = ("focal_point", "deputy_focal_point")


# --- choosing the return --------------------------------------------------------------------
def _peel(work: Work, text: str) -> tuple[Period | None, str | None, str]:
    """Take an optional period code and window label off the front of the arguments."""
    period, label = None, None
    head, _, rest = text.strip().partition(" ")
    if head and re.match(r"^[A-Za-z][A-Za-z0-9]*-?[A-Za-z0-9]*\d", head):
        period = load_period(work.db, head)
        if period is not None:
            head, _, rest = rest.strip().partition(" ")
    if _WINDOW.match(head):
        label, (head, _, rest) = head.upper(), rest.strip().partition(" ")
    return period, label, f"{head} {rest}".strip()


def _period_for(work: Work, period: Period | None, country: str) -> Period:
    found = period or current_period(work.db, today(work), country)
    if found is None:
        raise UserError(
            "No period of action is open for your country, so there is no "
            "return to send. /period shows the current one."
        )
    return found


def _window_for(work: Work, period: Period, label: str | None, country: str) -> Window:
    if label:
        window = next((w for w in period.windows if w.label == label), None)
        if window is None:
            raise UserError(
                f"{period.code} has no window {label}; it has "
                f"{', '.join(w.label for w in period.windows)}."
            )
        return window
    return reporting_window(work, period, country)


def reporting_window(work: Work, period: Period, country: str) -> Window:
    """The oldest started window without a return; the latest started one when all are in."""
    local = local_today(work.now, zone_of_country(work, country))
    started = [w for w in period.windows if w.starts_on <= local]
    if not started:
        first = period.windows[0]
        raise UserError(
            f"{period.code} starts on {short_date(first.starts_on)}; its first "
            "return can be sent from then."
        )
    owing = [w for w in started if not load_submitted(work.db, period.code, w.seq, country)]
    return owing[0] if owing else started[-1]


def _writer_target(work: Work, period: Period | None, label: str | None) -> Target:
    actor = work.actor
    assert actor is not None
    chosen = _period_for(work, period, actor.country)  # writers only: declared on /return
    if actor.country not in chosen.countries:
        raise UserError(f"{country_name(work, actor.country)} does not take part in {chosen.code}.")
    if chosen.status != OPEN:
        raise UserError(
            f"{chosen.code} is {chosen.status}; returns are not accepted. Please ask a co-chair."
        )
    window = _window_for(work, chosen, label, actor.country)
    return Target(chosen, window, actor.country, country_name(work, actor.country))


# --- /return --------------------------------------------------------------------------------
def return_command(work: Work, text: str) -> None:
    """Dispatch /return: guided, one line, a form action, show or history."""
    period, label, rest = _peel(work, text)
    action, _, tail = rest.partition(" ")
    if action.lower() in {"show", "history"}:
        _view(work, period, label, action.lower(), tail.strip())
        return
    if action.lower() == "approve":
        approve(work, period, label, tail.strip())
        return
    target = _writer_target(work, period, label)
    if not rest:
        start_guided(work, target)
    elif action.lower() == "submit":
        submit_filled(work, target, tail)
    elif action.lower() in FORM_ACTIONS and not tail:
        ACTIONS[action.lower()](work, target)
    else:
        one_line(work, target, rest)


def _before(work: Work, target: Target) -> dict[str, Value]:
    submitted = load_submitted(work.db, *target.key)
    return store.current_values(work.db, submitted.id) if submitted else {}


def _draft(work: Work, target: Target) -> Draft:
    """The country's draft, or a new one seeded with the submitted figures (to amend)."""
    draft = load_draft(work.db, *target.key)
    if draft is None:
        draft = Draft(*target.key, work.actor.id, answers=_before(work, target))  # type: ignore[union-attr]
    draft.person_id = work.actor.id  # type: ignore[union-attr]
    return draft


def start_guided(work: Work, target: Target) -> None:
    """Start or resume the guided form."""
    draft = _draft(work, target)
    resuming = draft.guided or (load_draft(work.db, *target.key) is not None)
    if draft.step >= len(target.period.metrics) and not draft.guided:
        draft.step = 0
    draft.guided = True
    store.save_draft(work.db, draft, work.stamp)
    if resuming:
        work.reply(f"Resuming the draft ({counted(len(draft.answers), 'figure')} so far).")
    _ask(work, target, draft)


def _ask(work: Work, target: Target, draft: Draft) -> None:
    before = _before(work, target)
    if draft.step < len(target.period.metrics):
        work.reply(*question(target, draft, before))
    else:
        work.reply(*summary(target, draft, before))


def _guided(work: Work, target: Target) -> Draft:
    draft = load_draft(work.db, *target.key)
    if draft is None or not draft.guided:
        raise UserError(f"No question is open for this return. {target.command} starts one.")
    return draft


def _step(work: Work, target: Target, draft: Draft, value: Value | None) -> None:
    """Record an answer (None: keep what is there) and move to the next question."""
    metric = target.period.metrics[draft.step]
    if value is not None:
        draft.answers[metric.key] = value
    draft.step += 1
    draft.person_id = work.actor.id  # type: ignore[union-attr]
    store.save_draft(work.db, draft, work.stamp)
    work.audit("return.answered", _subject(target), metric.key if value else f"{metric.key} kept")
    _ask(work, target, draft)


def _subject(target: Target) -> str:
    return f"{target.period.code}:{target.window.label}:{target.country}"


def skip(work: Work, target: Target) -> None:
    """Leave the current question as it is."""
    draft = _open_question(work, target)
    metric = target.period.metrics[draft.step]
    if metric.required and metric.key not in draft.answers:
        raise UserError(f"{metric.label} is required; reply with a number (0 if none).")
    _step(work, target, draft, None)


def zero(work: Work, target: Target) -> None:
    """Answer 0 to the current question."""
    draft = _open_question(work, target)
    if target.period.metrics[draft.step].kind == "text":
        raise UserError("This question takes text; press Skip if there is nothing to say.")
    _step(work, target, draft, ZERO)


def back(work: Work, target: Target) -> None:
    """Go back one question."""
    draft = _guided(work, target)
    draft.step = max(0, draft.step - 1)
    store.save_draft(work.db, draft, work.stamp)
    _ask(work, target, draft)


def _open_question(work: Work, target: Target) -> Draft:
    draft = _guided(work, target)
    if draft.step >= len(target.period.metrics):
        raise UserError("All questions are answered; confirm, go back, or cancel.")
    return draft


def one_line(work: Work, target: Target, text: str) -> None:
    """``/return arrests 10, victims 6``: validate everything, keep it as a draft, summarise."""
    draft = _keep(work, target, parse_line(target.period.schema, text))
    work.reply(*summary(target, draft, _before(work, target)))


def _keep(work: Work, target: Target, values: dict[str, Value]) -> Draft:
    """Put checked figures into the draft (other figures stay) and leave the guided form."""
    check_partners(work, target, values)
    draft = _draft(work, target)
    draft.answers.update(values)
    draft.guided, draft.step = False, len(target.period.metrics)
    store.save_draft(work.db, draft, work.stamp)
    work.audit("return.drafted", _subject(target), ", ".join(values))
    return draft


def show_form(work: Work, target: Target) -> None:
    """Every figure at once, pre-filled from the draft or the submitted return.

    The reply's button carries the form: platforms with forms open it, others run the
    button's command, which shows this text again.
    """
    draft = load_draft(work.db, *target.key)
    form = form_of(target, draft.answers if draft else _before(work, target))
    work.reply(form_text(target, form), (form_button(target, form),))


def submit_filled(work: Work, target: Target, text: str) -> None:
    """A filled-in form: keep its figures and submit, all in this one unit of work.

    Pressing the form's Submit is the confirmation. A wrong figure or a required one still
    missing raises, and the unit rolls back, so nothing is kept.
    """
    _keep(work, target, parse_filled(target.period.schema, text))
    confirm(work, target)


def confirm(work: Work, target: Target) -> None:
    """Submit (or amend) the return from the draft."""
    draft = load_draft(work.db, *target.key)
    if draft is None:
        raise UserError(f"There is nothing to confirm. {target.command} starts the return.")
    needed = [m.label for m in target.period.metrics if m.required and m.key not in draft.answers]
    if needed:
        raise UserError(f"Still needed before submitting: {', '.join(needed)}.")
    actor = work.actor
    assert actor is not None
    zone = zone_of_country(work, target.country)
    late = is_late(work.now, due_of(work, target.window, target.country), zone)
    awaiting = _awaiting(work, target)
    version, changes = store.submit(
        work.db, target.key, draft.answers, actor.id, work.stamp, late, awaiting
    )
    store.delete_draft(work.db, *target.key)
    if not changes:
        work.reply("Nothing changed; the submitted return stays as it was.")
        return
    _announce(work, target, version, len(changes), late, bool(awaiting))


def _awaiting(work: Work, target: Target) -> bool | None:
    """None without national sign-off; else whether the submitter is not a focal point."""
    if not needs_signoff(work.db, target.period.code):
        return None
    return not _is_focal_point(work, target.country)


def _is_focal_point(work: Work, country: str) -> bool:
    actor = work.actor
    return actor is not None and any(p.id == actor.id for p in work.directory.focal_points(country))


def _announce(
    work: Work, target: Target, version: int, changed: int, late: bool, awaiting: bool = False
) -> None:
    what = f"The return of {target.country_name} for {window_title(target.period, target.window)}"
    subject = _subject(target)
    if version == 1:
        work.audit("return.submitted", subject, "late" if late else "on time")
        told = f"{what} is submitted{' (late)' if late else ''}."
    else:
        work.audit("return.amended", subject, f"version {version}, {counted(changed, 'figure')}")
        told = f"{what} is amended (version {version}, {counted(changed, 'figure')} changed)."
    if awaiting:
        told += " It counts once the national focal point approves it."
    work.reply(f"Thank you. {told} /return show displays it.")
    actor = work.actor
    approval = _approve_button(target) if awaiting else ()
    focal_points = {p.id for p in work.directory.focal_points(target.country)}
    for person in [
        *work.directory.focal_points(target.country),
        *work.directory.deputies(target.country),
    ]:
        if actor and person.id != actor.id:
            buttons = approval if person.id in focal_points else ()
            work.notify(person, f"{told} By {actor.name}.", buttons, subject=subject)


def _approve_button(target: Target) -> tuple[Button, ...]:
    which = f"/return {target.period.code} {target.window.label}"
    return (Button("Approve", f"{which} approve"), Button("Show it", f"{which} show"))


# --- national sign-off ----------------------------------------------------------------------
def approve(work: Work, period: Period | None, label: str | None, rest: str) -> None:
    """``/return [CODE] [W<n>] approve``: the focal point signs off a return a deputy sent."""
    actor = work.actor
    assert actor is not None
    if rest:
        raise UserError("Use /return approve, or /return JPA-4 W2 approve for another window.")
    chosen = _period_for(work, period, actor.country)
    if label:
        window = _window_for(work, chosen, label, actor.country)
    else:
        window = _awaiting_window(work, chosen, actor.country)
    target = Target(chosen, window, actor.country, country_name(work, actor.country))
    submitted = load_submitted(work.db, *target.key)
    if submitted is None or not store.is_awaiting(work.db, submitted.id):
        raise UserError(f"{target.title}: nothing awaits your sign-off.")
    store.approve(work.db, submitted.id, actor.id, work.stamp)
    work.audit("return.signed_off", _subject(target), f"version {submitted.version}")
    told = f"{target.title} is signed off by {actor.name} and now counts in the report."
    work.reply(f"Thank you. {told}")
    for person in work.directory.deputies(actor.country):
        if person.id != actor.id:
            work.notify(person, told, subject=_subject(target))


def _awaiting_window(work: Work, period: Period, country: str) -> Window:
    for window in period.windows:
        submitted = load_submitted(work.db, period.code, window.seq, country)
        if submitted and store.is_awaiting(work.db, submitted.id):
            return window
    raise UserError(f"No return of {country_name(work, country)} awaits your sign-off.")


def check_partners(work: Work, target: Target, values: dict[str, Value]) -> None:
    """A joint figure's partner is another known country."""
    problems = []
    for value in values.values():
        if not value.partner:
            continue
        if value.partner == target.country:
            problems.append(f"op:{value.op}: the partner must be another country, not your own")
        elif work.directory.country(value.partner) is None:
            problems.append(f"op:{value.op}: I don't know the country {value.partner}")
    if problems:
        raise UserError(
            "Nothing was saved. Please fix:\n"
            + "\n".join(f"• {p}" for p in problems)
            + "\n/countries lists the codes."
        )


def cancel(work: Work, target: Target) -> None:
    """Throw the draft away."""
    store.delete_draft(work.db, *target.key)
    work.audit("return.discarded", _subject(target))
    work.reply(
        "Draft discarded; nothing was submitted"
        + (" and the submitted return is unchanged." if _before(work, target) else ".")
    )


ACTIONS = {
    "skip": skip,
    "zero": zero,
    "back": back,
    "confirm": confirm,
    "cancel": cancel,
    "form": show_form,
}


# --- reading returns ------------------------------------------------------------------------
def _view(work: Work, period: Period | None, label: str | None, what: str, arg: str) -> None:
    actor = work.actor
    assert actor is not None
    country = arg.upper() if arg else actor.country
    if work.directory.country(country) is None:
        raise UserError(f"I don't know the country {arg[:10]}; /countries lists the codes.")
    chosen = _period_for(work, period, country)
    window = (
        _window_for(work, chosen, label, country) if label else _seen_window(work, chosen, country)
    )
    target = Target(chosen, window, country, country_name(work, country))
    (_show if what == "show" else _history)(work, target)


def _seen_window(work: Work, period: Period, country: str) -> Window:
    submitted = [w for w in period.windows if load_submitted(work.db, period.code, w.seq, country)]
    return submitted[-1] if submitted else collecting_window(period, today(work))


def _show(work: Work, target: Target) -> None:
    submitted = load_submitted(work.db, *target.key)
    values = store.current_values(work.db, submitted.id) if submitted else {}
    lines = [target.title]
    if submitted:
        lines.append(
            f"Submitted {_local(work, submitted.submitted_at)}"
            f"{' (late)' if submitted.late else ''}, version {submitted.version}."
        )
        if store.is_awaiting(work.db, submitted.id):
            lines.append("Awaiting national sign-off: it counts once the focal point approves.")
        lines += [f"{m.label}: {_shown(values.get(m.key))}" for m in target.period.metrics]
    else:
        lines.append("Not submitted yet.")
    draft = load_draft(work.db, *target.key)
    if draft:
        lines.append(f"A draft is open with {counted(len(draft.answers), 'figure')}.")
    work.reply("\n".join(lines))


def _shown(value: Value | None) -> str:
    return show(value) if value is not None else "—"


def _history(work: Work, target: Target) -> None:
    submitted = load_submitted(work.db, *target.key)
    if submitted is None:
        work.reply(f"{target.title}: not submitted yet, so there is no history.")
        return
    labels = {m.key: m.label for m in target.period.metrics}
    lines = [f"{target.title} — history"]
    for version, metric, at, by, old, new in store.history(work.db, submitted.id):
        who = work.directory.people.get(by)
        lines.append(
            f"v{version} {_local(work, at)} {who.name if who else by}: "
            f"{labels.get(metric, metric)} {old or '—'} → {new or '—'}"
        )
    work.reply("\n".join(lines))


def _local(work: Work, stamp: str) -> str:
    actor = work.actor
    return local_stamp(stamp, zone_of_country(work, actor.country) if actor else "UTC")


# --- free text: the guided form's answers -------------------------------------------------
def consume_text(work: Work, text: str) -> bool:
    """A plain message answers the current question of the person's guided return."""
    actor = work.actor  # who may continue it here was checked by the gate (bot.dispatch)
    if actor is None:
        return False
    draft = guided_draft_of(work.db, actor.id)
    period = load_period(work.db, draft.period) if draft else None
    if draft is None or period is None:
        return False
    if period.status != OPEN:
        _closed_under(work, draft, period)
        return True
    window = period.window(draft.seq)
    assert window is not None
    target = Target(period, window, draft.country, country_name(work, draft.country))
    word = text.strip().lower()
    if word in ACTIONS and word != "form":  # the buttons' words, typed (the console has none)
        ACTIONS[word](work, target)
        return True
    if draft.step >= len(period.metrics):
        raise UserError(
            f"Your return is ready: {target.command} confirm submits it, "
            f"{target.command} back changes an answer."
        )
    metric = period.metrics[draft.step]
    value = parse_answer(metric, text)
    check_partners(work, target, {metric.key: value})
    _step(work, target, draft, value)
    return True


def _closed_under(work: Work, draft: Draft, period: Period) -> None:
    """The period closed while this person was answering its guided return: say so once and
    leave the form (the draft is kept, should a co-chair reopen the period)."""
    draft.guided = False
    store.save_draft(work.db, draft, work.stamp)
    work.reply(
        f"{period.code} — {period.name} was closed by the co-chairs, so its returns are no "
        "longer collected and your draft was not submitted. /period shows what is open."
    )


# --- /status --------------------------------------------------------------------------------
def status_command(work: Work, text: str) -> None:
    """Per country: submitted, late, draft or missing, for one window."""
    period, label, rest = _peel(work, text)
    if rest:
        raise UserError("Use /status, /status W2 or /status JPA-4 W2.")
    period = period or current_period(work.db, today(work))
    if period is None:
        raise UserError("No period of action is open.")
    window = (
        _window_for(work, period, label, "") if label else collecting_window(period, today(work))
    )
    work.reply(status_text(work, period, window))


def status_text(work: Work, period: Period, window: Window) -> str:
    """The status board of one window."""
    found = store.window_statuses(work.db, period.code, window.seq)
    rows = sorted(period.countries, key=lambda c: country_name(work, c))
    lines = [_status_line(work, window, c, found.get(c)) for c in rows]
    counts = [s for s, _ in found.values()]
    awaiting = counts.count(store.AWAITING)
    head = (
        f"{window_title(period, window)}, due {short_date(window.due_on)}: "
        f"{counts.count('submitted') + counts.count('late')} of {len(rows)} in "
        f"({counts.count('late')} late), "
        + (f"{awaiting} awaiting national sign-off, " if awaiting else "")
        + f"{counts.count('draft')} draft, {len(rows) - len(counts)} missing."
    )
    return "\n".join([head, *lines])


def _status_line(work: Work, window: Window, country: str, found: tuple[str, str] | None) -> str:
    name = country_name(work, country)
    if found and found[0] in (store.SUBMITTED, store.LATE):
        mark = " (late)" if found[0] == store.LATE else ""
        return f"• {name} — submitted {_local(work, found[1])}{mark}"
    if found and found[0] == store.AWAITING:
        return f"• {name} — awaiting national sign-off (sent {_local(work, found[1])})"
    overdue = work.now >= deadline(due_of(work, window, country), zone_of_country(work, country))
    state = "draft started" if found else "missing"
    return f"• {name} — {state}{', overdue' if overdue else ''}"


def _is_approve(text: str) -> bool:
    """``approve``, after an optional period code and window."""
    return bool(re.match(r"^(?:\S+\s+){0,2}?approve\s*$", text.strip(), re.IGNORECASE))


_VIEW = re.compile(r"^(?:\S+\s+){0,2}?(show|history)(?:\s+(\S+))?\s*$", re.IGNORECASE)


def _is_view(text: str) -> bool:
    """``show`` or ``history``, after an optional period code and window."""
    return bool(_VIEW.match(text.strip()))


def _viewed_country(text: str) -> str | None:
    """The country asked about (None: the person's own)."""
    match = _VIEW.match(text.strip())
    return match[2].upper() if match and match[2] else None


COMMANDS = [
    CommandSpec(
        "return",
        "Send your country's return: /return alone asks one figure at a time; or give them in "
        "one line, or all in one form. Then confirm. Also: show, history.",
        "/return [CODE] [W<n>] [<figure> <number>, …|form|show|history|confirm|cancel]",
        "/return arrests 10, victims assisted 6, search warrants: 5",
        return_command,
        roles=frozenset(WRITERS),
        subcommands=(
            CommandSpec(
                "show",
                "See a country's return (your own; co-chairs any) or its history.",
                "/return [CODE] [W<n>] show|history [COUNTRY]",
                "/return show",
                return_command,
                roles=frozenset({*WRITERS, "co_chair"}),
                scope=Scope.OWN_COUNTRY,
                subject=_viewed_country,
                matches=_is_view,
            ),
            CommandSpec(
                "approve",
                "National sign-off: approve the return a deputy sent, so that it counts.",
                "/return [CODE] [W<n>] approve",
                "/return approve",
                return_command,
                roles=frozenset({"focal_point"}),
                matches=_is_approve,
            ),
        ),
    ),
    CommandSpec(
        "status",
        "Which countries have sent their return for a window: submitted, late, draft, missing.",
        "/status [CODE] [W<n>]",
        "/status W1",
        status_command,
        roles=frozenset({"co_chair"}),
    ),
]
COMMANDS += JOINT_COMMANDS
TEXT = (TextHook("return", consume_text),)
