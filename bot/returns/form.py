"""What the return dialogue says: one question per metric, and the summary to confirm.

Buttons carry the full ``/return <CODE> <window> <action>`` line, so a press always acts on the
return it was shown for, even if another window has become current since. Confirm (and the
form's Submit) also carry the revision of the draft shown, ``/return JPA-4 W1 confirm 3``: a
draft another person changed since is shown again, not submitted.

The same return as one form (:func:`form_of`) serves platforms that can show forms: a Slack
modal with one field per metric. Platforms without forms get :func:`form_text` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.answers import folded
from bot.events import Button, Form, FormField
from bot.i18n import Msg, ShownNumber, Text, _, join, render
from bot.periods.repo import Period
from bot.periods.windows import Window
from bot.returns.metric_values import Value, shown, typed
from bot.returns.metrics import KIND_HELP, Metric
from bot.returns.repo import Draft


@dataclass(frozen=True)
class Target:
    """Which return: the period, the window and the country."""

    period: Period
    window: Window
    country: str
    country_name: str

    @property
    def key(self) -> tuple[str, int, str]:
        """(period code, window number, country) as the tables key it."""
        return self.period.code, self.window.seq, self.country

    @property
    def command(self) -> str:
        """``/return JPA-4 W1`` — the prefix every button uses."""
        return f"/return {self.period.code} {self.window.label}"

    @property
    def title(self) -> Msg:
        """``Thailand · JPA-4 W1 (Jan 1, 2027 – Jan 31, 2027)``, dates in the reader's language."""
        return _(
            "{country} · {code} {window} ({dates})",
            country=self.country_name,
            code=self.period.code,
            window=self.window.label,
            dates=self.window.dates,
        )


BUTTONS = {
    "zero": _("Zero"),
    "skip": _("Skip"),
    "back": _("Back"),
    "confirm": _("Confirm"),
    "cancel": _("Cancel"),
}
"""The label of each action's button, which also acts when typed as text."""


def _button(target: Target, action: str) -> Button:
    return Button(BUTTONS[action], f"{target.command} {action}")


def typed_action(text: str, language: str) -> str | None:
    """The action whose button label ``text`` is, in English or in ``language`` (where chat
    has no buttons, or a person types instead of pressing): ``back``, ``Quay lại``."""
    typed = folded(text)
    return next(
        (
            action
            for action, label in BUTTONS.items()
            if typed in {action, folded(render(label, language))}
        ),
        None,
    )


def question(
    target: Target, draft: Draft, before: dict[str, Value]
) -> tuple[Text, tuple[Button, ...]]:
    """The guided form's current question and its buttons."""
    metrics = target.period.metrics
    metric = metrics[draft.step]
    step = _(
        "{title} — question {number} of {total}",
        title=target.title,
        number=draft.step + 1,
        total=len(metrics),
    )
    lines: list[Text] = [step, _ask(metric)]
    now = draft.answers.get(metric.key, before.get(metric.key))
    if now is not None:
        lines.append(_("Now: {value} (Skip keeps it)", value=shown(now)))
    if draft.step == 0:
        lines.append(_("Or every figure at once: {command} form", command=target.command))
    return join(lines), _question_buttons(target, metric, draft.step, now is not None)


def _ask(metric: Metric) -> Msg:
    kind = KIND_HELP[metric.kind]
    if metric.required:
        return _("{metric}? (required) Reply with {kind}.", metric=metric.text, kind=kind)
    return _("{metric}? Reply with {kind}.", metric=metric.text, kind=kind)


def _question_buttons(
    target: Target, metric: Metric, step: int, has_value: bool
) -> tuple[Button, ...]:
    buttons = []
    if metric.kind != "text":
        buttons.append(_button(target, "zero"))
    if not metric.required or has_value:
        buttons.append(_button(target, "skip"))
    if step > 0:
        buttons.append(_button(target, "back"))
    return tuple(buttons)


def summary(
    target: Target, draft: Draft, before: dict[str, Value], due: date, today: date
) -> tuple[Text, tuple[Button, ...]]:
    """The return as it would be submitted: each figure given (and what it was, when amending),
    one line naming those left blank, what is still required; ``due`` is the country's own due
    date (moved off its day off) and ``today`` its own date, for a window not over yet. Short
    enough for a phone, yet every figure is accounted for."""
    metrics = target.period.metrics
    lines: list[Text] = [_("{title}, due {due}", title=target.title, due=due)]
    lines += [
        _line(m, draft.answers.get(m.key), before.get(m.key), bool(before))
        for m in metrics
        if m.key in draft.answers or m.key in before  # a figure taken away shows what it was
    ]
    needed = [m.text for m in metrics if m.required and m.key not in draft.answers]
    blank = [m.text for m in metrics if not m.required and m.key not in draft.answers]
    lines += left_blank(blank, len(metrics) - len(needed))  # the required: "Still needed"
    closing, buttons = _closing(target, draft, before, needed)
    if buttons or needed:  # something to send, now or soon: say if the window still runs
        lines += _still_running(target.window, today)
    if draft.guided:
        buttons.append(_button(target, "back"))
    buttons.append(_button(target, "cancel"))
    return join([*lines, closing]), tuple(buttons)


def _closing(
    target: Target, draft: Draft, before: dict[str, Value], needed: Sequence[Text]
) -> tuple[Msg, list[Button]]:
    """The summary's last line: what is still needed, that nothing changed, or to confirm
    (with its button)."""
    if needed:
        return _(
            "Still needed: {figures}. Add them with {command} <figure> <number>, "
            "or {command} to answer step by step.",
            figures=join(needed, ", "),
            command=target.command,
        ), []
    if before and draft.answers == before:
        return _("Nothing has changed from the submitted return."), []
    confirm = _("Confirm to submit these changes.") if before else _("Confirm to submit.")
    return confirm, [confirm_button(target, draft.revision)]


def confirm_button(target: Target, revision: int) -> Button:
    """Confirm, for the draft as it is at ``revision``: pressed after another change, it
    shows the draft again rather than submit figures its presser did not see."""
    return Button(BUTTONS["confirm"], f"{target.command} confirm {revision}")


def _still_running(window: Window, today: date) -> list[Msg]:
    """A line saying the window has not ended yet (figures sent now cover part of it), so an
    early return is sent knowingly; it is taken all the same, and can be amended."""
    if today > window.ends_on:
        return []
    return [
        _(
            "{window} runs until {last}: figures sent now cover only part of it "
            "(you can amend them later).",
            window=window.label,
            last=window.ends_on,
        )
    ]


def _line(metric: Metric, value: Value | None, old: Value | None, amending: bool) -> Msg:
    now = shown(value)
    if amending and value != old:
        return _("{metric}: {value}  (was {old})", metric=metric.text, value=now, old=shown(old))
    return _("{metric}: {value}", metric=metric.text, value=now)


def left_blank(figures: Sequence[Text], total: int) -> list[Msg]:
    """One line naming the ``figures`` left blank, of ``total`` in the return (no line when
    none is), so a summary lists only the figures given and still shows what was not filled in.
    Each name is in the reader's language."""
    if not figures:
        return []
    names = join(figures, ", ")
    if len(figures) == total:
        return [_("Every figure is blank: {figures}.", figures=names)]
    return [_("Left blank: {figures}.", figures=names)]


# --- the whole return as one form -----------------------------------------------------------
FORM_LABEL = _("Fill in the form")
_EXAMPLES: dict[str, Text] = {
    "count": "3",
    "money": join(["USD ", ShownNumber(1000)], ""),  # as the reader writes numbers
    "text": "none",
}
_HINTS = {
    "count": _("A whole number, 0 if none"),
    "money": _("An amount with its currency code, e.g. USD {example}", example=ShownNumber(25_000)),
    "text": _("A short text"),
}


def form_of(target: Target, values: dict[str, Value], revision: int) -> Form:
    """Every figure of the return in one form, pre-filled with ``values`` (draft or submitted).

    Submitting it runs ``/return <CODE> <window> submit <revision> …``: pressing the form's
    Submit is the confirmation, so the figures are kept and submitted in one step, unless the
    draft changed after ``revision`` (the one the form shows). Labels and hints are messages,
    so each reader's form is in their language.
    """
    fields = tuple(
        FormField(
            m.key,
            m.text,
            m.kind,
            m.required,
            typed(values[m.key]) if m.key in values else "",
            _HINTS[m.kind],
        )
        for m in target.period.metrics
    )
    title = _("Return {code} {window}", code=target.period.code, window=target.window.label)
    return Form(title, f"{target.command} submit {revision}", fields, intro=target.title)


def one_line_example(metrics: Sequence[Metric], count: int) -> Msg:
    """``arrests 3, victims assisted 3`` with each figure named as the reader types it (their
    language's name, which a return reads back) and a sample value of its kind: every required
    figure (a line copied without one is not submitted), then others up to ``count`` figures,
    in the order the form asks them."""
    required = [m for m in metrics if m.required]
    others = [m for m in metrics if not m.required][: max(0, count - len(required))]
    keys = {m.key for m in (*required, *others)}
    chosen = [m for m in metrics if m.key in keys]
    return join(
        [join([m.typed_name, " ", _EXAMPLES[m.kind]], "") for m in chosen], ", ", typed=True
    )


def form_button(target: Target, form: Form) -> Button:
    """Opens ``form`` where the platform has forms; elsewhere shows it again as text."""
    return Button(FORM_LABEL, f"{target.command} form", form=form)


def form_text(target: Target, form: Form) -> Text:
    """The form as text, for platforms without forms: the figures filled in now, one line
    naming the blank ones (the required marked), and the one-line way."""
    lines: list[Text] = [_("{title} — every figure at once", title=target.title)]
    lines += [_field_line(f) for f in form.fields if f.value]
    lines += left_blank([_blank_field(f) for f in form.fields if not f.value], len(form.fields))
    example = one_line_example(target.period.metrics, 2)
    lines.append(
        _(
            "Send them in one line, e.g. {command} {example}; then confirm.",
            command=target.command,
            example=example,
        )
    )
    return join(lines)


def _field_line(field: FormField) -> Msg:
    if field.required:
        return _("{label} (required): {value}", label=field.label, value=field.value)
    return _("{label}: {value}", label=field.label, value=field.value)


def _blank_field(field: FormField) -> Text:
    return _("{figure} (required)", figure=field.label) if field.required else field.label
