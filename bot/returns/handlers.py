"""Returns by chat: /return (guided, one line or a form, confirm, amend, show, history), /status.

Only a country's focal points and deputies write its return or see its draft; co-chairs see
every country's return and the status of all. Nothing is submitted without a confirmation,
and a UserError anywhere rolls the whole command back, so bad input saves nothing. The draft
is the country's, shared: a Confirm carries the revision it showed, and one pressed after
another change shows the draft again, with who changed what, instead of submitting it.
Where a period asks for national sign-off, a deputy's return counts once the focal point
approves it; while the country has no focal point, its deputy signs off.

``/return form`` offers every figure at once: a form (a Slack modal) where the platform has
forms, text elsewhere. The filled form comes back as ``/return <CODE> <W> submit`` with one
``figure: value`` per line and is checked, kept and submitted in one unit of work: the form's
Submit button is the confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.access import Scope
from bot.answers import said_yes
from bot.clock import iso, parse_iso, time_zone
from bot.commands import CommandSpec, TextHook
from bot.config import Person
from bot.delivery.held import waiting_until, withdraw
from bot.delivery.outbox import last_buttons, last_message_buttons
from bot.errors import UserError
from bot.events import Button
from bot.i18n import Msg, Text, ZoneOffset, _, in_sentence, join, n_
from bot.periods.handlers import (
    example_code,
    no_such_period,
    non_working_note,
    only_open,
    today,
)
from bot.periods.parse import code_shaped
from bot.periods.repo import (
    CLOSED,
    OPEN,
    WINDOW_TYPED,
    Period,
    collecting_window,
    current_period,
    load_period,
    periods_in,
    window_label,
)
from bot.periods.windows import Window
from bot.returns import repo as store
from bot.returns.choosing import settled, which_period
from bot.returns.draft_seen import as_shown, person_name, submitted_since, unseen
from bot.returns.form import (
    Target,
    form_button,
    form_of,
    form_text,
    left_blank,
    question,
    summary,
    typed_action,
)
from bot.returns.joint import COMMANDS as JOINT_COMMANDS
from bot.returns.metric_values import ZERO, Value, shown
from bot.returns.parse import parse_answer, parse_filled, parse_line
from bot.returns.reminder_handlers import (
    chase_subject,
    chased_lately,
    country_name,
    reaches_at,
    reminder_of,
    send_reminder,
    who_files,
    window_title,
)
from bot.returns.reminders import due_moment, due_of, zone_of_country
from bot.returns.repo import Draft, guided_draft_of, load_draft, load_submitted
from bot.returns.signoff import needs_signoff
from bot.text import counted, country_code
from bot.usage import shown_usage
from bot.work import Work
from reminders.returns import is_late, local_today

_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$")  # JPA-9, not a figure's name
_REVISION = re.compile(r"^(\d{1,9})(?:\s+|$)")  # the draft's state a Confirm or a form showed
FORM_ACTIONS = {"skip", "back", "zero", "confirm", "cancel", "form"}
DRAFT_ACTIONS = FORM_ACTIONS - {"form"}  # act on a draft: typed bare, on the one being written
WRITERS = ("focal_point", "deputy_focal_point")
VIEWS = frozenset({"show", "history"})
ACTION_WORDS = FORM_ACTIONS | VIEWS | {"submit", "approve", "chase"}  # never a period's code
VIEW_USAGE = "/return [CODE] [W<n>] show|history [COUNTRY]"


# --- choosing the return --------------------------------------------------------------------
def _peel(work: Work, text: str) -> tuple[Period | None, str | None, str]:
    """Take an optional period code and window label off the front of the arguments."""
    period, label = None, None
    head, _sep, rest = text.strip().partition(" ")
    if code_shaped(head):  # any code bot.toml takes, JPA-MEKONG too: looked up, not guessed
        period = load_period(work.db, head)
        if period is not None:
            head, _sep, rest = rest.strip().partition(" ")
        elif _CODE.match(head) and any(c.isdigit() for c in head):
            raise UserError(_no_period(work, head))  # JPA-99; "search-warrants" is a figure
        elif WINDOW_TYPED.match(rest.split(" ", 1)[0]) and not _a_returns_word(work, head):
            raise UserError(_no_period(work, head))  # XYZ W1: where a period's code goes
    if WINDOW_TYPED.match(head):
        label, (head, _sep, rest) = window_label(head), rest.strip().partition(" ")
    return period, label, f"{head} {rest}".strip()


def _a_returns_word(work: Work, word: str) -> bool:
    """Whether ``word`` is an action or a figure's name in an open period (not a period's
    code, even before a window label)."""
    if word.lower() in ACTION_WORDS:
        return True
    return any(p.schema.find(word) for p in periods_in(work.db, OPEN))


def _no_period(work: Work, code: str) -> Msg:
    """A code that names no period: the periods the person can send returns for (a writer),
    or the open ones (a co-chair, who reads any)."""
    actor = work.actor
    writer = actor if actor is not None and actor.has(*WRITERS) else None
    codes = [
        p.code for p in periods_in(work.db, OPEN) if writer is None or writer.country in p.countries
    ]
    if not codes:
        return _(
            "There is no period {code}, and none is open for you. /period shows the current one.",
            code=code[:20],
        )
    if writer:
        return _(
            "There is no period {code}; you can send returns for {codes}.",
            code=code[:20],
            codes=join(codes, ", "),
        )
    return no_such_period(code, codes)


def _period_for(work: Work, period: Period | None, country: str) -> Period:
    found = period or current_period(work.db, today(work), country)
    if found is None:
        raise UserError(
            _(
                "No period of action is open for your country, so there is no "
                "return to send. /period shows the current one."
            )
        )
    return found


def _period_meant(
    work: Work,
    period: Period | None,
    country: str,
    line: tuple[str | None, str],
    hints: Iterable[Iterable[str]] = (),
) -> Period | None:
    """``period`` when named; else the open period ``country`` takes part in. With several,
    the one the first telling hint settles (:func:`settled`), or none: then the person is
    asked which, with the command (``line``: its window label and the rest) once per period,
    and None is returned, so nothing is filed into a period they did not choose."""
    if period is not None:
        return period
    found = [p for p in periods_in(work.db, OPEN) if country in p.countries]
    if len(found) < 2:
        return _period_for(work, None, country)
    chosen = settled(found, hints)
    if chosen is None:
        work.reply(*which_period(country_name(work, country), found, *line))
    return chosen


def _writing_hints(work: Work, action: str, tail: str) -> list[list[str]]:
    """What settles the period of a writer's command naming none: for an action on a draft
    (``confirm``), where the country's draft is; for ``/return`` alone or ``form``, where the
    person's own draft is. Figures typed in one line are settled by nothing but a code."""
    actor = work.actor
    assert actor is not None
    if action in DRAFT_ACTIONS and not tail:
        return [store.draft_periods(work.db, actor.country)]
    if not action or (action == "form" and not tail):
        return [store.draft_periods(work.db, actor.country, actor.id)]
    return []


def _window_for(work: Work, period: Period, label: str | None, country: str) -> Window:
    if label:
        return period.window_named(label)
    return reporting_window(work, period, country)


def reporting_window(work: Work, period: Period, country: str) -> Window:
    """The oldest started window without a return; the latest started one when all are in."""
    local = local_today(work.now, zone_of_country(work, country))
    started = [w for w in period.windows if w.starts_on <= local]
    if not started:
        first = period.windows[0]
        raise UserError(
            _(
                "{code} starts on {date}; its first return can be sent from then.",
                code=period.code,
                date=first.starts_on,
            )
        )
    owing = [w for w in started if not load_submitted(work.db, period.code, w.seq, country)]
    return owing[0] if owing else started[-1]


def _check_started(work: Work, target: Target) -> None:
    """Refuse a return for a window that has not started in the country's own time zone."""
    window = target.window
    if window.starts_on > local_today(work.now, zone_of_country(work, target.country)):
        raise UserError(
            _(
                "{code} {window} starts on {date}; its return can be sent from then.",
                code=target.period.code,
                window=window.label,
                date=window.starts_on,
            )
        )


def _writer_target(work: Work, period: Period | None, label: str | None) -> Target:
    actor = work.actor
    assert actor is not None
    chosen = _period_for(work, period, actor.country)  # writers only: declared on /return
    if actor.country not in chosen.countries:
        raise UserError(
            _(
                "{country} does not take part in {code}.",
                country=country_name(work, actor.country),
                code=chosen.code,
            )
        )
    if chosen.status != OPEN:
        raise UserError(_not_open(chosen))
    window = _window_for(work, chosen, label, actor.country)
    return Target(chosen, window, actor.country, country_name(work, actor.country))


def _with_draft(work: Work, target: Target) -> Target:
    """``target``, or the window whose draft the country is writing when ``target`` has none:
    a bare ``/return confirm`` after amending an earlier window's return confirms that one,
    not the next window's (which has nothing to confirm)."""
    if load_draft(work.db, *target.key) is not None:
        return target
    seq = store.latest_draft_window(work.db, target.period.code, target.country)
    window = next((w for w in target.period.windows if w.seq == seq), None)
    return replace(target, window=window) if window else target


def _not_open(period: Period) -> Msg:
    """Why a period that is not open takes no returns (one sentence per status)."""
    if period.status == CLOSED:
        return _(
            "{code} is closed; returns are not accepted. Please ask a co-chair.", code=period.code
        )
    return _(
        "{code} is planned; returns are not accepted. Please ask a co-chair.", code=period.code
    )


# --- /return --------------------------------------------------------------------------------
def return_command(work: Work, text: str) -> None:
    """Dispatch /return: guided, one line, a form action, show or history."""
    period, label, rest = _peel(work, text)
    action, _sep, tail = rest.partition(" ")
    shown = None  # the draft's revision a Confirm or a form showed (None: typed without)
    if action.lower() in ("confirm", "submit") and (number := _REVISION.match(tail)):
        shown, tail = int(number[1]), tail[number.end() :]
    if action.lower() in VIEWS:  # not the view's shape (a word too many): not a return either
        raise UserError(_("Usage: {usage}", usage=shown_usage(VIEW_USAGE)))
    if action.lower() == "approve":
        raise UserError(_approve_usage(work))
    actor = work.actor
    assert actor is not None
    if period is None and label is None and shown is None and not tail:
        pressed = _on_draft_shown_last(work, actor, action.lower())
        if pressed is not None:  # the window and revision the person was shown last
            return_command(work, pressed.removeprefix("/return "))
            return
    hints = _writing_hints(work, action.lower(), tail)
    period = _period_meant(work, period, actor.country, (label, rest), hints)
    if period is None:
        return  # asked which period is meant
    target = _writer_target(work, period, label)
    if label is None and action.lower() in DRAFT_ACTIONS and not tail:
        target = _with_draft(work, target)
    if action.lower() != "cancel":  # a draft can always be thrown away
        _check_started(work, target)
    if not rest:
        start_guided(work, target)
    elif action.lower() == "submit":
        submit_filled(work, target, tail, shown)
    elif action.lower() == "confirm" and not tail:
        confirm(work, target, shown)
    elif action.lower() in FORM_ACTIONS and not tail:
        ACTIONS[action.lower()](work, target)
    else:
        one_line(work, target, rest)


def _before(work: Work, target: Target) -> dict[str, Value]:
    submitted = load_submitted(work.db, *target.key)
    return store.current_values(work.db, submitted.id) if submitted else {}


def _draft(work: Work, target: Target) -> Draft:
    """The country's draft, or a new one seeded with the submitted figures (to amend)."""
    actor = work.actor
    assert actor is not None
    draft = load_draft(work.db, *target.key)
    if draft is None:
        revision = _new_revision(work, target)
        draft = Draft(*target.key, actor.id, answers=_before(work, target), revision=revision)
    draft.person_id = actor.id
    return draft


def _new_revision(work: Work, target: Target) -> int:
    """A new draft's revision: above every earlier draft's, so an old Confirm never fits it."""
    return (store.latest_revision(work.db, target.key) or 0) + 1


def start_guided(work: Work, target: Target) -> None:
    """Start or resume the guided form."""
    draft = _draft(work, target)
    resuming = draft.guided or (load_draft(work.db, *target.key) is not None)
    if draft.step >= len(target.period.metrics) and not draft.guided:
        draft.step = 0
    draft.guided = True
    store.save_draft(work.db, draft, work.stamp)
    if resuming:
        work.reply(
            n_(
                "Resuming the draft ({count} figure so far).",
                "Resuming the draft ({count} figures so far).",
                len(draft.answers),
            )
        )
    _ask(work, target, draft)


def _ask(work: Work, target: Target, draft: Draft) -> None:
    before = _before(work, target)
    if draft.step < len(target.period.metrics):
        work.reply(*question(target, draft, before))
    else:
        _summarise(work, target, draft, before)


def _summarise(
    work: Work, target: Target, draft: Draft, before: dict[str, Value], lead: Iterable[Text] = ()
) -> None:
    """Reply with the summary to confirm, dated by the country's own calendar and clock,
    after the ``lead`` lines (why it is shown again)."""
    due = due_of(work, target.window, target.country)
    today = local_today(work.now, zone_of_country(work, target.country))
    text, buttons = summary(target, draft, before, due, today)
    work.reply(join([*lead, text]), buttons)


def _guided(work: Work, target: Target) -> Draft:
    draft = load_draft(work.db, *target.key)
    if draft is None or not draft.guided:
        raise UserError(
            _("No question is open for this return. {command} starts one.", command=target.command)
        )
    return draft


def _step(work: Work, target: Target, draft: Draft, value: Value | None) -> None:
    """Record an answer (None: keep what is there) and move to the next question."""
    metric = target.period.metrics[draft.step]
    was = dict(draft.answers)
    if value is not None:
        draft.answers[metric.key] = value
    draft.step += 1
    draft.person_id = work.actor.id  # type: ignore[union-attr]
    store.change_draft(work.db, draft, was, work.stamp)
    work.audit("return.answered", _subject(target), metric.key if value else f"{metric.key} kept")
    _ask(work, target, draft)


def _subject(target: Target) -> str:
    return f"{target.period.code}:{target.window.label}:{target.country}"


def skip(work: Work, target: Target) -> None:
    """Leave the current question as it is."""
    draft = _open_question(work, target)
    metric = target.period.metrics[draft.step]
    if metric.required and metric.key not in draft.answers:
        raise UserError(
            _("{figure} is required; reply with a number (0 if none).", figure=metric.text)
        )
    _step(work, target, draft, None)


def zero(work: Work, target: Target) -> None:
    """Answer 0 to the current question."""
    draft = _open_question(work, target)
    if target.period.metrics[draft.step].kind == "text":
        raise UserError(_("This question takes text; press Skip if there is nothing to say."))
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
        raise UserError(_("All questions are answered; confirm, go back, or cancel."))
    return draft


def one_line(work: Work, target: Target, text: str) -> None:
    """``/return arrests 10, victims 6``: validate everything, keep it as a draft, summarise."""
    language = work.language_of(work.actor.id if work.actor else None)  # its number words
    values = parse_line(target.period.schema, text, language, configured_currencies(work))
    draft = _keep(work, target, values)
    _summarise(work, target, draft, _before(work, target))


def configured_currencies(work: Work) -> tuple[str, ...]:
    """``[reports]`` currency and those its rates convert: the examples of a currency code."""
    reports = work.ctx.settings.reports
    return tuple(dict.fromkeys(c for c in (reports.currency, *reports.rates) if c))


def _keep(work: Work, target: Target, values: dict[str, Value]) -> Draft:
    """Put checked figures into the draft (other figures stay) and leave the guided form."""
    check_partners(work, target, values)
    draft = _draft(work, target)
    was = dict(draft.answers)
    draft.answers.update(values)
    draft.guided, draft.step = False, len(target.period.metrics)
    store.change_draft(work.db, draft, was, work.stamp)
    work.audit("return.drafted", _subject(target), ", ".join(values))
    return draft


def show_form(work: Work, target: Target) -> None:
    """Every figure at once, pre-filled from the draft or the submitted return.

    Where the platform has forms (Slack), the reply's button opens it; elsewhere there is no
    button: it would only run the command that showed this text.
    """
    draft = load_draft(work.db, *target.key)
    if draft is None:  # the submitted figures: the revision a draft started now would have
        form = form_of(target, _before(work, target), _new_revision(work, target))
    else:
        form = form_of(target, draft.answers, draft.revision)
    opens = work.ctx.router.opens_forms(work.origin.channel if work.origin else "")
    work.reply(form_text(target, form), (form_button(target, form),) if opens else ())


def submit_filled(work: Work, target: Target, text: str, shown: int | None = None) -> None:
    """A filled-in form: keep its figures and submit, all in this one unit of work.

    Pressing the form's Submit is the confirmation, of the draft at ``shown`` (the revision
    the form was filled from; None: typed without one). A wrong figure or a required one
    still missing raises, and the unit rolls back, so nothing is kept. When the draft changed
    since, a field left blank would submit another person's figure unseen: the form's figures
    are kept, and the draft shown to confirm.
    """
    language = work.language_of(work.actor.id if work.actor else None)
    values = parse_filled(target.period.schema, text, language, configured_currencies(work))
    draft = load_draft(work.db, *target.key)
    metrics = target.period.metrics
    if draft is None:  # submitted since the form was shown, perhaps by someone else
        told = submitted_since(work, target.key, metrics, shown)
    else:
        told = unseen(work, target.key, metrics, draft, shown)
    draft = _keep(work, target, values)
    if told:
        _summarise(work, target, draft, _before(work, target), told)
        return
    _submit(work, target, draft)


def confirm(work: Work, target: Target, shown: int | None = None) -> None:
    """Submit (or amend) the return from the draft, if it is the one the person saw: at
    revision ``shown``, the one their Confirm showed; typed without one, a draft they changed
    last. Else the draft is shown again, with who changed what, and nothing is submitted."""
    draft = load_draft(work.db, *target.key)
    if draft is None:
        raise UserError(
            _("There is nothing to confirm. {command} starts the return.", command=target.command)
        )
    told = unseen(work, target.key, target.period.metrics, draft, shown)
    if told:
        _summarise(work, target, draft, _before(work, target), told)
        return
    _submit(work, target, draft)


def _submit(work: Work, target: Target, draft: Draft) -> None:
    """Submit (or amend) the return from ``draft``, which its confirmer saw."""
    _check_started(work, target)  # a draft kept from before the window could be refused
    needed = [m.text for m in target.period.metrics if m.required and m.key not in draft.answers]
    if needed:
        raise UserError(_("Still needed before submitting: {figures}.", figures=join(needed, ", ")))
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
        work.reply(_("Nothing changed; the submitted return stays as it was."))
        return
    _announce(work, target, version, len(changes), late, bool(awaiting))


def _awaiting(work: Work, target: Target) -> bool | None:
    """None without national sign-off; else whether the submitter does not sign off."""
    if not needs_signoff(work.db, target.period.code):
        return None
    return not _signs_off(work, target.country)


def _signs_off(work: Work, country: str) -> bool:
    """Whether the person gives ``country``'s national sign-off: its focal point; while it
    has none (after a handover or a revocation), its deputy, as there is nobody else to."""
    actor = work.actor
    if actor is None or actor.country != country:
        return False
    focal_points = work.directory.focal_points(country)
    if focal_points:
        return any(p.id == actor.id for p in focal_points)
    return actor.has("deputy_focal_point")


def _announce(
    work: Work, target: Target, version: int, changed: int, late: bool, awaiting: bool = False
) -> None:
    subject = _subject(target)
    if version == 1:
        work.audit("return.submitted", subject, "late" if late else "on time")
        _withdraw_reminders(work, target)
    else:
        work.audit("return.amended", subject, f"version {version}, {counted(changed, 'figure')}")
    told = _announcement(target, version, changed, late)
    if awaiting:
        told += " " + _("It counts once the national focal point approves it.")
    work.reply(_("Thank you. {told} /return show displays it.", told=told))
    actor = work.actor
    approval = _approve_button(target) if awaiting else ()
    focal_points = {p.id for p in work.directory.focal_points(target.country)}
    for person in [
        *work.directory.focal_points(target.country),
        *work.directory.deputies(target.country),
    ]:
        if actor and person.id != actor.id:
            buttons = approval if person.id in focal_points else ()
            work.notify(
                person, _("{told} By {name}.", told=told, name=actor.name), buttons, subject=subject
            )


def _withdraw_reminders(work: Work, target: Target, action: str = "") -> None:
    """Reminders of this return still held for someone's night are not sent: it is in (or,
    with ``action`` "approve", the reminders to approve it: it is signed off)."""
    code, label, country = target.period.code, target.window.label, target.country
    people = [
        p.id for p in (*work.directory.focal_points(country), *work.directory.deputies(country))
    ]
    subject, command = reminder_of(target.period, target.window)
    reason = f"withdrawn: the return of {country} for {code} {label} came in"
    if action:
        command, reason = f"{command} {action}", f"{reason}: it is signed off"
    for person in withdraw(work.db, subject, reason, command, (), people):
        work.audit("message.withdrawn", f"{subject}:{country}", f"reminder to {person}")


def _announcement(target: Target, version: int, changed: int, late: bool) -> Msg:
    """What happened to the return: submitted (perhaps late) or amended."""
    what = {
        "country": in_sentence(target.country_name),
        "window": window_title(target.period, target.window),
    }
    if version > 1:
        return n_(
            "The return of {country} for {window} is amended "
            "(version {version}, {count} figure changed).",
            "The return of {country} for {window} is amended "
            "(version {version}, {count} figures changed).",
            changed,
            version=version,
            **what,
        )
    if late:
        return _("The return of {country} for {window} is submitted (late).", **what)
    return _("The return of {country} for {window} is submitted.", **what)


def _approve_button(target: Target) -> tuple[Button, ...]:
    which = f"/return {target.period.code} {target.window.label}"
    return (Button(_("Approve"), f"{which} approve"), Button(_("Show it"), f"{which} show"))


# --- national sign-off ----------------------------------------------------------------------
def approve(work: Work, period: Period | None, label: str | None, rest: str) -> None:
    """``/return [CODE] [W<n>] approve``: the focal point signs off a return a deputy sent."""
    actor = work.actor
    assert actor is not None
    if rest:
        raise UserError(_approve_usage(work))
    if not _signs_off(work, actor.country):
        raise UserError(_not_yours_to_approve(work, actor.country))
    awaiting = store.awaiting_periods(work.db, actor.country)
    if period is None and label is None and not awaiting:
        raise UserError(_no_awaiting(work, actor.country))
    chosen = _period_meant(work, period, actor.country, (label, "approve"), [awaiting])
    if chosen is None:
        return  # asked which period is meant
    if label:
        window = _window_for(work, chosen, label, actor.country)
    else:
        window = _awaiting_window(work, chosen, actor.country)
    target = Target(chosen, window, actor.country, country_name(work, actor.country))
    submitted = load_submitted(work.db, *target.key)
    if submitted is None or not store.is_awaiting(work.db, submitted.id):
        raise UserError(_("{title}: nothing awaits your sign-off.", title=target.title))
    late = _late_by_signoff(work, target, submitted)
    store.approve(work.db, submitted.id, actor.id, work.stamp, late)
    detail = f"version {submitted.version}" + (", late" if late else "")
    work.audit(store.SIGNED_OFF, _subject(target), detail)
    _withdraw_reminders(work, target, "approve")
    what = {"title": target.title, "name": actor.name}
    if late:
        told = _(
            "{title} is signed off by {name} and now counts in the report, as late: its "
            "deadline had passed before the sign-off.",
            **what,
        )
    else:
        told = _("{title} is signed off by {name} and now counts in the report.", **what)
    work.reply(_("Thank you. {told}", told=told))
    for person in work.directory.deputies(actor.country):
        if person.id != actor.id:
            work.notify(person, told, subject=_subject(target))


def _late_by_signoff(work: Work, target: Target, submitted: store.Submitted) -> bool:
    """Whether a return sent in time becomes late by its sign-off: it counts only once
    approved, so a first version approved after the country's deadline came in late. (An
    amendment leaves the return as its approved first version came in.)"""
    if submitted.late or store.counts_earlier_figures(work.db, submitted.id):
        return False
    due = due_of(work, target.window, target.country)
    return is_late(work.now, due, zone_of_country(work, target.country))


def _approve_usage(work: Work) -> Msg:
    return _(
        "Use /return approve, or /return {code} W2 approve for another window.",
        code=example_code(work),
    )


def _not_yours_to_approve(work: Work, country: str) -> Msg:
    """A deputy's refusal while the country has a focal point, who signs off."""
    focal_points = work.directory.focal_points(country)
    return n_(
        "/return approve is not available to you: {country}'s focal point, {names}, signs "
        "off its returns. A deputy does only while the country has no focal point.",
        "/return approve is not available to you: {country}'s focal points, {names}, sign "
        "off its returns. A deputy does only while the country has no focal point.",
        len(focal_points),
        country=country_name(work, country),
        names=join([p.name for p in focal_points], ", "),
    )


def _awaiting_window(work: Work, period: Period, country: str) -> Window:
    for window in period.windows:
        submitted = load_submitted(work.db, period.code, window.seq, country)
        if submitted and store.is_awaiting(work.db, submitted.id):
            return window
    raise UserError(_no_awaiting(work, country))


def _no_awaiting(work: Work, country: str) -> Msg:
    country_named = in_sentence(country_name(work, country))
    return _("No return of {country} awaits your sign-off.", country=country_named)


def check_partners(work: Work, target: Target, values: dict[str, Value]) -> None:
    """A joint figure's partner is another known country taking part in the period (one
    outside it never reports the operation: the figure would stay a discrepancy)."""
    problems: list[Text] = []
    for value in values.values():
        if not value.partner:
            continue
        if value.partner == target.country:
            problems.append(
                _("op:{op}: the partner must be another country, not your own", op=value.op)
            )
        elif work.directory.country(value.partner) is None:
            problems.append(
                _("op:{op}: I don't know the country {code}", op=value.op, code=value.partner)
            )
        elif value.partner not in target.period.countries:
            problems.append(
                _(
                    "op:{op}: {country} does not take part in {code}, so it cannot report "
                    "the operation with you",
                    op=value.op,
                    country=country_name(work, value.partner),
                    code=target.period.code,
                )
            )
    if problems:
        raise UserError(
            join(
                [
                    _("Nothing was saved. Please fix:"),
                    *("• " + p for p in problems),
                    _("/countries lists the codes."),
                ]
            )
        )


def cancel(work: Work, target: Target) -> None:
    """Throw the draft away."""
    if store.load_draft(work.db, *target.key) is None:
        work.reply(
            _(
                "There is no draft to discard for {title}.",
                title=window_title(target.period, target.window),
            )
        )
        return
    store.delete_draft(work.db, *target.key)
    work.audit("return.discarded", _subject(target))
    if _before(work, target):
        work.reply(
            _("Draft discarded; nothing was submitted and the submitted return is unchanged.")
        )
    else:
        work.reply(_("Draft discarded; nothing was submitted."))


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
    country = work.country_named(arg) if arg else actor.country
    if country is None:
        raise UserError(
            _("I don't know the country {code}; /countries lists the codes.", code=arg[:10])
        )
    chosen = _period_meant(work, period, country, (label, " ".join((what, arg)).strip()))
    if chosen is None:
        return  # asked which period is meant
    drafts = what == "show"  # a draft has figures to show, but no history yet
    window = (
        _window_for(work, chosen, label, country)
        if label
        else _seen_window(work, chosen, country, drafts)
    )
    target = Target(chosen, window, country, country_name(work, country))
    (_show if what == "show" else _history)(work, target)


def _seen_window(work: Work, period: Period, country: str, drafts: bool) -> Window:
    """The latest window the country has sent a return for, or (with ``drafts``) started one
    for: a draft for an older window, still waiting while the next is collected, is what
    ``show`` is asked about. With none, the window a bare ``/return`` would write to (the
    oldest still owed), so that both speak of one window."""
    code = period.code
    touched = [
        w
        for w in period.windows
        if load_submitted(work.db, code, w.seq, country)
        or (drafts and load_draft(work.db, code, w.seq, country))
    ]
    if touched:
        return touched[-1]
    if period.windows[0].starts_on > today(work):
        return collecting_window(period, today(work))
    return reporting_window(work, period, country)


def _show(work: Work, target: Target) -> None:
    submitted = load_submitted(work.db, *target.key)
    values = store.current_values(work.db, submitted.id) if submitted else {}
    lines: list[Text] = [target.title]
    if submitted:
        lines.append(_submitted_line(work, submitted, target.country))
        if store.is_awaiting(work.db, submitted.id):
            lines.append(_("Awaiting national sign-off: it counts once the focal point approves."))
        elif submitted.signed_off_by and submitted.signed_off_at:
            lines.append(
                _(
                    "Signed off by {name}, {when}.",
                    name=person_name(work, submitted.signed_off_by),
                    when=_local(work, submitted.signed_off_at, target.country),
                )
            )
        metrics = target.period.metrics
        lines += [
            _("{figure}: {value}", figure=m.text, value=shown(values[m.key]))
            for m in metrics
            if values.get(m.key) is not None
        ]
        lines += left_blank([m.text for m in metrics if values.get(m.key) is None], len(metrics))
    else:
        lines.append(_("Not submitted yet."))
    draft = load_draft(work.db, *target.key)
    if draft:
        lines.append(
            n_(
                "A draft is open with {count} figure.",
                "A draft is open with {count} figures.",
                len(draft.answers),
            )
        )
    work.reply(join(lines))


def _submitted_line(work: Work, submitted: store.Submitted, country: str) -> Text:
    """When it came in, by the country's own clock (as /status dates it), its version, and
    when it was last amended."""
    when, version = _local(work, submitted.submitted_at, country), submitted.version
    if submitted.late:
        line = _("Submitted {when} (late), version {version}.", when=when, version=version)
    else:
        line = _("Submitted {when}, version {version}.", when=when, version=version)
    if submitted.amended_at is None:
        return line
    amended = _("Last amended {when}.", when=_local(work, submitted.amended_at, country))
    return join([line, amended], " ")


def _history(work: Work, target: Target) -> None:
    submitted = load_submitted(work.db, *target.key)
    if submitted is None:
        work.reply(_("{title}: not submitted yet, so there is no history.", title=target.title))
        return
    metrics = {m.key: m for m in target.period.metrics}
    # (when, version, 0 for a change or 1 for an approval, line): told in the order they
    # happened; at one moment a version's changes, then its approval, then the next version
    entries: list[tuple[datetime, int, int, Text]] = []
    for version, key, at, by, old, new in store.history(work.db, submitted.id):
        metric = metrics.get(key)
        line = _(
            "v{version} {when} {name}: {figure} {old} → {new}",
            version=version,
            when=_local(work, at, target.country),
            name=person_name(work, by),
            figure=metric.text if metric else key,
            old=as_shown(metric, old),
            new=as_shown(metric, new),
        )
        entries.append((parse_iso(at), version, 0, line))
    entries += [
        (parse_iso(a.at), a.version or submitted.version, 1, _approved(work, target, a))
        for a in store.approvals(work.db, _subject(target))
    ]
    entries.sort(key=lambda entry: entry[:3])
    work.reply(join([_("{title} — history", title=target.title), *(e[3] for e in entries)]))


def _approved(work: Work, target: Target, approval: store.Approval) -> Msg:
    """A history line for the national sign-off of one version."""
    when, name = _local(work, approval.at, target.country), person_name(work, approval.by)
    if approval.version is None:
        return _("{when} {name}: approved (national sign-off)", when=when, name=name)
    return _(
        "v{version} {when} {name}: approved (national sign-off)",
        version=approval.version,
        when=when,
        name=name,
    )


def _local(work: Work, stamp: str, country: str = "") -> Msg:
    """A stored timestamp in ``country``'s zone (default: the reader's own), with the zone:
    a return is late by its country's clock, so /status dates each in its own."""
    actor = work.actor
    country = country or (actor.country if actor else "")
    zone = zone_of_country(work, country) if country else "UTC"
    moment = parse_iso(stamp).astimezone(time_zone(zone))
    return _("{time} {zone}", time=moment, zone=ZoneOffset(moment))


# --- free text: the guided form's answers -------------------------------------------------
def consume_text(work: Work, text: str) -> bool:
    """A plain message answers the current question of the person's guided return."""
    actor = work.actor  # who may continue it here was checked by the gate (bot.dispatch)
    if actor is None:
        return False
    draft = guided_draft_of(work.db, actor.id)
    period = load_period(work.db, draft.period) if draft else None
    if draft is None or period is None:
        return _summary_answered(work, actor, text)
    if period.status != OPEN:
        _closed_under(work, draft, period)
        return True
    window = period.window(draft.seq)
    assert window is not None
    target = Target(period, window, draft.country, country_name(work, draft.country))
    language = work.language_of(actor.id)
    action = typed_action(text, language)  # a button's label, typed (the console has none)
    at_summary = draft.step >= len(period.metrics)
    if at_summary and (action == "confirm" or (action is None and said_yes(text, language))):
        _confirm_summary_shown(work, actor, target)
        return True
    if action == "cancel" and _asked_to_discard(work, actor, target, draft):
        return True
    if action:
        ACTIONS[action](work, target)
        return True
    if at_summary:
        raise _ready(target)
    metric = period.metrics[draft.step]
    value = parse_answer(metric, text, language, configured_currencies(work))
    check_partners(work, target, {metric.key: value})
    _step(work, target, draft, value)
    return True


def _ready(target: Target) -> UserError:
    """Every question of a guided return is answered: what confirms it."""
    return UserError(
        _(
            "Your return is ready: {command} confirm submits it, {command} back changes an answer.",
            command=target.command,
        )
    )


def _confirm_summary_shown(work: Work, actor: Person, target: Target) -> None:
    """``confirm`` or ``yes`` typed at the end of a guided return: its summary's Confirm,
    pressed, while that summary is the last message the person was sent (its revision then
    checked as a press is); after anything since (a refused change, another question) the
    word is not taken for it, and they are told what confirms it."""
    pressed = _button_for(_last_return_buttons(work, actor, last_message=True), "confirm")
    if pressed is None or not pressed.startswith(f"{target.command} confirm"):
        raise _ready(target)
    return_command(work, pressed.removeprefix("/return "))


def _asked_to_discard(work: Work, actor: Person, target: Target, draft: Draft) -> bool:
    """``cancel`` typed where the last message showed no Cancel for this draft (a question;
    a summary has one, and so has this ask): the figures given so far, which the country's
    focal points and deputies share, are not thrown away on one word. It asks, with the
    discard as a button; a second ``cancel`` right after presses it. True when it asked."""
    if not draft.answers:
        return False  # nothing to lose
    discard = f"{target.command} cancel"
    if _button_for(_last_return_buttons(work, actor, last_message=True), "cancel") == discard:
        return False  # shown just now: this cancel presses it
    work.reply(
        n_(
            "Discard the draft of {title}? The {count} figure given so far would be lost "
            "(your country's focal points and deputies share it). Type cancel again to "
            "discard it, or go on with the question.",
            "Discard the draft of {title}? The {count} figures given so far would be lost "
            "(your country's focal points and deputies share it). Type cancel again to "
            "discard it, or go on with the question.",
            len(draft.answers),
            title=target.title,
        ),
        (Button(_("Discard"), discard), Button(_("Go on"), target.command)),
    )
    return True


def _summary_answered(work: Work, actor: Person, text: str) -> bool:
    """``confirm`` or ``cancel`` typed bare where a return's summary showed its buttons as
    words (console, SMS, email): the button it names, while that summary is the last message
    the person was sent and of today (within :data:`TYPED_ANSWER_WITHIN`). Its command names
    the window and the revision shown, so a draft someone changed since is shown again, not
    submitted (:func:`confirm`)."""
    language = work.language_of(actor.id)
    action = typed_action(text, language)
    if action is None and said_yes(text, language):
        action = "confirm"  # "yes" to the summary's question
    if action not in ("confirm", "cancel") or not actor.has(*WRITERS):
        return False
    pressed = _button_for(_last_return_buttons(work, actor, last_message=True), action)
    if pressed is None:
        earlier = _button_for(_last_return_buttons(work, actor), action)
        if earlier is not None and last_message_buttons(work.db, actor.id) is None:
            raise _not_taken_for(earlier, action)  # a summary, then a refusal (or news)
        return False  # the last buttons were another question's (a broadcast's, a request's)
    return_command(work, pressed.removeprefix("/return "))
    return True


def _not_taken_for(button: str, action: str) -> UserError:
    """A bare ``confirm`` or ``cancel`` (``yes``) after a return's summary was followed by
    other messages (a change refused, say): not taken for that summary; what would do it."""
    command = " ".join(button.split()[:3])  # /return CODE W<n>
    if action == "confirm":
        return UserError(
            _(
                "Nothing was submitted: other messages came after the summary, so I did not "
                "take that for its answer. {command} confirm submits the draft as it stands.",
                command=command,
            )
        )
    return UserError(
        _(
            "Nothing was discarded: other messages came after the summary, so I did not take "
            "that for its answer. {command} cancel discards the draft.",
            command=command,
        )
    )


TYPED_ANSWER_WITHIN = timedelta(hours=12)  # a summary older than that is asked for again


def _on_draft_shown_last(work: Work, actor: Person, action: str) -> str | None:
    """``/return confirm`` or ``/return cancel`` typed without a window: the command of the
    draft the person was shown last (a summary or a question of the last
    :data:`TYPED_ANSWER_WITHIN`), with the revision a summary showed, if that window still has
    a draft; None to go by the windows owed. (Going by the oldest window owed, a confirm after
    W2's summary submitted an older W1 draft, and a cancel threw W1's away.)"""
    if action not in ("confirm", "cancel"):
        return None
    buttons = [b for b in _last_return_buttons(work, actor) if _return_action(b.command)]
    if not buttons:
        return None
    words = buttons[0].command.split()  # /return CODE W<n> <action> …, as every button has
    if len(words) < 4:
        return None
    code, label = words[1], words[2]
    period = load_period(work.db, code)
    window = next((w for w in period.windows if w.label == label), None) if period else None
    if (
        period is None
        or window is None
        or not load_draft(work.db, period.code, window.seq, actor.country)
    ):
        return None  # submitted or discarded since: the windows owed say which is meant
    return _button_for(buttons, action) or f"/return {code} {label} {action}"


def _button_for(buttons: Iterable[Button], action: str) -> str | None:
    """The command of the button among ``buttons`` that takes ``action`` on a draft."""
    return next((b.command for b in buttons if _return_action(b.command) == action), None)


def _last_return_buttons(
    work: Work, actor: Person, last_message: bool = False
) -> tuple[Button, ...]:
    """The buttons of the last message with buttons the person was sent, if it was of a
    return and was sent within :data:`TYPED_ANSWER_WITHIN`; else none. ``last_message``: only
    if it is the last message they were sent at all (a bare word answers only what was
    asked last: after a refusal, a ``yes`` confirmed a summary shown before it)."""
    last = (last_message_buttons if last_message else last_buttons)(work.db, actor.id)
    if last is None or parse_iso(last[1]) < work.now - TYPED_ANSWER_WITHIN:
        return ()
    return tuple(b for b in last[0] if b.command.startswith("/return "))


def _return_action(command: str) -> str | None:
    """``confirm`` for ``/return JPA-9 W1 confirm 2``, ``skip`` for ``/return JPA-9 W1 skip``:
    the draft's action a return's button takes; None for another command (show, approve)."""
    words = command.split()
    if words[:1] != ["/return"]:
        return None
    return next((w for w in words[1:] if w in FORM_ACTIONS), None)


def _closed_under(work: Work, draft: Draft, period: Period) -> None:
    """The period closed while this person was answering its guided return: say so once and
    leave the form (the draft is kept, should a co-chair reopen the period)."""
    draft.guided = False
    store.save_draft(work.db, draft, work.stamp)
    work.reply(
        _(
            "{code} — {name} was closed by the co-chairs, so its returns are no longer "
            "collected and your draft was not submitted. /period shows what is open.",
            code=period.code,
            name=period.name,
        )
    )


# --- /status --------------------------------------------------------------------------------
def status_command(work: Work, text: str) -> None:
    """Per country: submitted, late, draft, missing or not in yet (before its due moment there),
    for one window."""
    period, label, rest = _peel(work, text)
    if rest and rest.lower() != "chase":
        raise UserError(
            _(
                "Use /status, /status W2, /status {code} W2 or /status W2 chase.",
                code=example_code(work),
            )
        )
    if period is None:
        only_open(work)  # with two open, the co-chair names one
    period = period or current_period(work.db, today(work))
    if period is None:
        raise UserError(_("No period of action is open."))
    if rest:
        if period.status != OPEN:  # closed or planned: no return is owed
            raise UserError(_("{code} is not open: no return is owed.", code=period.code))
        window = _window_for(work, period, label, "") if label else None
        chase(work, period, window or collecting_window(period, today(work)))
        return
    if label:
        work.reply(status_text(work, period, _window_for(work, period, label, "")))
        return
    window = collecting_window(period, today(work))
    work.reply(status_text(work, period, window) + _earlier_owed(work, period, window))


SENT = (store.SUBMITTED, store.LATE, store.AWAITING)  # a return in, counted or awaiting sign-off
COUNTED = (store.SUBMITTED, store.LATE)


@dataclass
class Chased:
    """What ``/status … chase`` did, country by country (codes, in the order told)."""

    now: list[str] = field(default_factory=list)  # reminded at once
    held: list[tuple[str, datetime]] = field(default_factory=list)  # until their quiet hours end
    recent: list[str] = field(default_factory=list)  # chased less than CHASE_EVERY ago
    unreachable: list[str] = field(default_factory=list)  # nobody in the directory to remind
    no_channel: list[str] = field(default_factory=list)  # people to remind, but no channel
    not_due: list[str] = field(default_factory=list)  # its own due date has not ended there


def chase(work: Work, period: Period, window: Window) -> None:
    """``/status W1 chase``: remind the focal points of every country whose return for
    ``window`` is not in (once the window has ended), each with its own due date. Those in
    their quiet hours get it when these end, and the co-chair is told when, by their clock."""
    if window.ends_on >= today(work):
        title = window_title(period, window)
        raise UserError(_("{window} has not ended yet: its returns are not owed.", window=title))
    states = store.window_statuses(work.db, period.code, window.seq)
    # a return awaiting its first sign-off is owed too: its focal points are asked to approve
    owing = [c for c in period.countries if states.get(c, ("", ""))[0] not in COUNTED]
    chased = Chased()
    for country in sorted(owing, key=lambda c: country_name(work, c)):
        if due_moment(work, window, country) > work.now:  # not missing yet: /status says so
            chased.not_due.append(country)
            continue
        _chase_one(work, period, window, country, chased)
    work.reply(_chased(work, period, window, chased))


def _chase_one(work: Work, period: Period, window: Window, country: str, chased: Chased) -> None:
    """Remind one country's focal points (unless a co-chair did lately); note what happened."""
    if chased_lately(work, period, window, country, scheduled=True):
        people = [p.id for p in who_files(work, country)]
        waits = waiting_until(work.db, *reminder_of(period, window), people)
        if waits is not None:  # that reminder still waits for their morning
            chased.held.append((country, parse_iso(waits)))
        else:
            chased.recent.append(country)
        return
    recipients = who_files(work, country)
    if not recipients:
        chased.unreachable.append(country)
        return
    reachable = [p for p in recipients if work.ctx.router.reaches(work.directory, p)]
    if not reachable:  # sending would only note "undeliverable": not a reminder
        chased.no_channel.append(country)
        return
    held = reaches_at(work, reachable)  # judged at the moment notify judges it
    send_reminder(work, period, window, country, recipients)
    detail = f"{len(recipients)} reminded" + (f", held until {iso(held)}" if held else "")
    work.audit("return.chased", chase_subject(period, window, country), detail)
    if held is None:
        chased.now.append(country)
    else:
        chased.held.append((country, held))


def _chased(work: Work, period: Period, window: Window, chased: Chased) -> Msg:
    def names(codes: list[str]) -> Msg:
        return join([country_name(work, c) for c in codes], ", ")

    title = window_title(period, window)
    lines: list[Text] = []
    if chased.now:
        lines.append(
            _("Reminded now for {window}: {countries}.", window=title, countries=names(chased.now))
        )
    if chased.held:
        lines.append(
            _(
                "Reminding later for {window}, when their quiet hours end: {countries}.",
                window=title,
                countries=join([_held_until(work, c, at) for c, at in chased.held], "; "),
            )
        )
    told = (  # who was not reminded now, and why
        (chased.recent, _("Reminded less than 12 hours ago, so not again: {countries}.")),
        (chased.unreachable, _("Nobody to remind in the directory for: {countries}.")),
        (chased.no_channel, _("No running channel reaches anyone to remind for: {countries}.")),
        (chased.not_due, _("Not due yet, so not reminded: {countries}.")),
    )
    lines += [replace(line, params={"countries": names(codes)}) for codes, line in told if codes]
    if not lines:
        lines.append(_("Every return for {window} is in; nobody to remind.", window=title))
    return join(lines)


def _held_until(work: Work, country: str, at: datetime) -> Msg:
    """``Sri Lanka at Feb 11, 2027, 07:00 (UTC+5:30)``: when a held reminder goes, by the
    country's own clock, as the reader's language writes dates."""
    local = at.astimezone(time_zone(zone_of_country(work, country)))
    return _(
        "{country} at {time} ({zone})",
        country=country_name(work, country),
        time=local,
        zone=ZoneOffset(local),
    )


def _earlier_owed(work: Work, period: Period, window: Window) -> Text:
    """Earlier windows some countries still owe a return for, past its due moment there:
    the board shows one window, and a co-chair chasing returns should not miss last
    month's (nor be told of one whose due date has not come). Counted as the board counts:
    a country with a draft is a draft, not missing."""
    total = len(period.countries)
    owed: list[tuple[str, Msg]] = []  # (window label, how many are owed)
    for earlier in (w for w in period.windows if w.seq < window.seq):
        states = store.window_statuses(work.db, period.code, earlier.seq)
        unsent = [
            states.get(c, ("", ""))[0]
            for c in period.countries
            if states.get(c, ("", ""))[0] not in SENT and _overdue(work, earlier, c)
        ]
        drafts, missing = unsent.count(store.DRAFT), len(unsent) - unsent.count(store.DRAFT)
        if drafts:
            counted = _(
                "{label} ({missing} of {total} missing, {drafts} draft)",
                label=earlier.label,
                missing=missing,
                total=total,
                drafts=drafts,
            )
            owed.append((earlier.label, counted))
        elif missing:
            counted = _(
                "{label} ({missing} of {total} missing)",
                label=earlier.label,
                missing=missing,
                total=total,
            )
            owed.append((earlier.label, counted))
    if not owed:
        return ""
    return "\n\n" + _(
        "Earlier windows still missing returns: {windows}. /status {label} lists who.",
        windows=join([counted for _label, counted in owed], "; "),
        label=owed[0][0],  # the oldest window still owed
    )


def _overdue(work: Work, window: Window, country: str) -> bool:
    """Whether ``country``'s due moment for ``window`` has passed (in its own time zone)."""
    return work.now >= due_moment(work, window, country)


def status_text(work: Work, period: Period, window: Window) -> Text:
    """The status board of one window. A country without a return is missing only once its
    due moment has passed there; before it, its return is simply not in yet."""
    found = store.window_statuses(work.db, period.code, window.seq)
    amended = store.amended_at(work.db, period.code, window.seq)
    awaiting = store.amendments_awaiting(work.db, period.code, window.seq)
    rows = sorted(period.countries, key=lambda c: country_name(work, c))
    overdue = {c: _overdue(work, window, c) for c in rows}
    lines = [
        _with_amendment(
            work,
            window,
            c,
            _status_line(work, window, c, found.get(c), overdue[c]),
            amended,
            awaiting,
        )
        for c in rows
    ]
    absent = [c for c in rows if c not in found]
    head = _status_head(
        period,
        window,
        [found[c][0] for c in rows if c in found],
        len(rows),
        missing=sum(1 for c in absent if overdue[c]),
    )
    return join([head + non_working_note(work, period, [window]), *lines])


def _status_head(
    period: Period, window: Window, states: list[str], total: int, missing: int
) -> Msg:
    """``JPA-4 · W1 (…), due …: 2 of 8 in (1 late), 1 draft, 3 missing, 2 not due yet.``:
    ``missing``, of the countries with neither return nor draft, are past their due moment;
    the others' are not due yet (said only when there are some)."""
    late, awaiting = states.count(store.LATE), states.count(store.AWAITING)
    counts = {
        "window": window_title(period, window),
        "date": window.due_on,
        "done": states.count(store.SUBMITTED) + late,
        "total": total,
        "late": late,
        "drafts": states.count(store.DRAFT),
        "missing": missing,
    }
    pending = total - len(states) - missing
    if awaiting and pending:
        return _(
            "{window}, due {date}: {done} of {total} in ({late} late), {awaiting} awaiting "
            "national sign-off, {drafts} draft, {missing} missing, {pending} not due yet.",
            awaiting=awaiting,
            pending=pending,
            **counts,
        )
    if awaiting:
        return _(
            "{window}, due {date}: {done} of {total} in ({late} late), {awaiting} awaiting "
            "national sign-off, {drafts} draft, {missing} missing.",
            awaiting=awaiting,
            **counts,
        )
    if pending:
        return _(
            "{window}, due {date}: {done} of {total} in ({late} late), {drafts} draft, "
            "{missing} missing, {pending} not due yet.",
            pending=pending,
            **counts,
        )
    return _(
        "{window}, due {date}: {done} of {total} in ({late} late), {drafts} draft, "
        "{missing} missing.",
        **counts,
    )


def _with_amendment(
    work: Work,
    window: Window,
    country: str,
    line: Msg,
    amended: dict[str, str],
    awaiting: dict[str, str],
) -> Text:
    """``line``, saying when the return was last amended, and whether after its due moment:
    figures changed after a report was taken, or after the deadline, show here. An amendment
    awaiting national sign-off is said to (the approved figures count until it is approved)."""
    if country in awaiting:
        when = _local(work, awaiting[country], country)
        told = _("an amendment awaits national sign-off (sent {when})", when=when)
        return join([line, told], ", ")
    at = amended.get(country)
    if at is None:
        return line
    when = _local(work, at, country)
    if parse_iso(at) >= due_moment(work, window, country):
        return join([line, _("amended {when}, after the due date", when=when)], ", ")
    return join([line, _("amended {when}", when=when)], ", ")


def _status_line(
    work: Work, window: Window, country: str, found: tuple[str, str] | None, overdue: bool
) -> Msg:
    name = country_name(work, country)
    when = _local(work, found[1], country) if found else ""
    if found and found[0] == store.SUBMITTED:
        return _("• {country} — submitted {when}", country=name, when=when)
    if found and found[0] == store.LATE:
        return _("• {country} — submitted {when} (late)", country=name, when=when)
    if found and found[0] == store.AWAITING:
        return _("• {country} — awaiting national sign-off (sent {when})", country=name, when=when)
    if found:  # a draft
        if overdue:
            return _("• {country} — draft started, overdue", country=name)
        return _("• {country} — draft started", country=name)
    if overdue:
        return _("• {country} — missing, overdue", country=name)
    # not missing yet: its due day has not ended there (its own date, moved off a holiday)
    return _(
        "• {country} — not in yet, due {date}",
        country=name,
        date=due_of(work, window, country),
    )


def _is_approve(text: str) -> bool:
    """``approve``, after an optional period code and window (and a word after it, which the
    approval refuses with its usage: ``approve MY`` is refused as an approval, by its gate)."""
    return _action_shape(text, frozenset({"approve"}), 1) is not None


def _is_chase(text: str) -> bool:
    """``chase`` last, after an optional period code and window (the status command itself)."""
    return bool(re.match(r"^(?:\S+\s+){0,2}?chase\s*$", text.strip(), re.IGNORECASE))


def _is_joint(text: str) -> bool:
    """A one-line return with a joint figure in it (the return command itself)."""
    return bool(re.search(r"\bjoint\s+with\b", text, re.IGNORECASE))


def _action_shape(text: str, actions: frozenset[str], after: int) -> list[str] | None:
    """The words after the action of a line ``[CODE] [W<n>] <action> [word…]`` (at most
    ``after`` of them); None when ``text`` has another shape.

    A subcommand open to other roles than ``/return``'s is chosen by this shape, so it is
    kept as narrow as what :func:`_peel` takes off the front: ``/return arrests=7 notes:
    show`` is a return, not a view, and goes through ``/return``'s own gate.
    """
    words = text.split()
    for at in range(min(3, len(words))):
        if words[at].lower() in actions and len(words) - at - 1 <= after:
            before = words[:at]
            if at == 0 or (at == 1 and _front_word(before[0])) or _code_and_window(before):
                return words[at + 1 :]
    return None


def _front_word(word: str) -> bool:
    return code_shaped(word) or bool(WINDOW_TYPED.match(word))


def _code_and_window(words: list[str]) -> bool:
    return len(words) == 2 and code_shaped(words[0]) and bool(WINDOW_TYPED.match(words[1]))


def _is_view(text: str) -> bool:
    """``show`` or ``history`` (and a country), after an optional period code and window."""
    return _action_shape(text, VIEWS, 1) is not None


def _viewed_country(text: str) -> str | None:
    """The country asked about (None: the person's own)."""
    after = _action_shape(text, VIEWS, 1)
    return country_code(after[0]) if after else None


def view_command(work: Work, text: str) -> None:
    """``/return [CODE] [W<n>] show|history [COUNTRY]``: read a return; never writes one (it is
    open to co-chairs, who send none)."""
    period, label, rest = _peel(work, text)
    action, _sep, tail = rest.partition(" ")
    if action.lower() not in VIEWS:  # a code-shaped first word that names no period
        raise UserError(_no_period(work, action))
    _view(work, period, label, action.lower(), tail.strip())


def approve_command(work: Work, text: str) -> None:
    """``/return [CODE] [W<n>] approve``: the focal point's national sign-off."""
    period, label, rest = _peel(work, text)
    action, _sep, tail = rest.partition(" ")
    if action.lower() != "approve":
        raise UserError(_no_period(work, action))
    approve(work, period, label, tail.strip())


COMMANDS = [
    CommandSpec(
        "return",
        _(
            "Send your country's return: /return alone asks one figure at a time; or give them "
            "in one line, or all in one form. Then confirm. Also: show, history."
        ),
        "/return [CODE] [W<n>] [<figure> <number>, …|form|show|history|confirm|cancel]",
        _("/return arrests 10, victims assisted 6, search warrants: 5"),
        return_command,
        roles=frozenset(WRITERS),
        subcommands=(
            CommandSpec(
                "show",
                _("See a country's return (your own; co-chairs any) or its history."),
                "/return [CODE] [W<n>] show|history [COUNTRY]",
                "/return show",
                view_command,
                roles=frozenset({*WRITERS, "co_chair"}),
                scope=Scope.OWN_COUNTRY,
                subject=_viewed_country,
                matches=_is_view,
            ),
            CommandSpec(
                "approve",
                _(
                    "Where a period requires national sign-off: approve the return a deputy "
                    "sent, so that it counts (a deputy approves while the country has no "
                    "focal point)."
                ),
                "/return [CODE] [W<n>] approve",
                "/return approve",
                approve_command,
                roles=frozenset(WRITERS),  # a deputy only while there is no focal point
                matches=_is_approve,
            ),
            CommandSpec(  # the same command; its own entry so that /help return shows how
                "joint",
                _(
                    "A figure your country shares with another in one joint operation: name "
                    "the partner and the operation, so that the report counts it once."
                ),
                "/return [CODE] [W<n>] <figure> <number> joint with <COUNTRY> op:<OP>, …",
                "/return arrests 4 joint with MY op:SONGKHLA-3, victims assisted 2",
                return_command,
                roles=frozenset(WRITERS),
                matches=_is_joint,
            ),
        ),
    ),
    CommandSpec(
        "status",
        _(
            "Which countries have sent their return for a window: submitted, late, awaiting "
            "national sign-off, draft, missing, or not due yet."
        ),
        "/status [CODE] [W<n>] [chase]",
        "/status W1",
        status_command,
        roles=frozenset({"co_chair"}),
        subcommands=(
            CommandSpec(  # the same command; its own entry so that /help status explains it
                "chase",
                _(
                    "Remind the focal points of the countries whose return is missing (each "
                    "country at most every 12 hours), and see who gets it now and who when "
                    "their quiet hours end."
                ),
                "/status [CODE] [W<n>] chase",
                "/status W1 chase",
                status_command,
                roles=frozenset({"co_chair"}),
                matches=_is_chase,
            ),
        ),
    ),
]
COMMANDS += JOINT_COMMANDS
TEXT = (TextHook("return", consume_text),)
