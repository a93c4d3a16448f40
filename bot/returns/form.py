"""What the return dialogue says: one question per metric, and the summary to confirm.

Buttons carry the full ``/return <CODE> <window> <action>`` line, so a press always acts on the
return it was shown for, even if another window has become current since.

The same return as one form (:func:`form_of`) serves platforms that can show forms: a Slack
modal with one field per metric. Platforms without forms get :func:`form_text` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import Button, Form, FormField
from bot.periods.repo import Period
from bot.periods.windows import Window, short_date
from bot.returns.metric_values import Value, show, typed
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
    def title(self) -> str:
        """``Thailand · JPA-4 W1 (1–31 January 2027)``."""
        return f"{self.country_name} · {self.period.code} {self.window.label} ({self.window.span})"


def question(
    target: Target, draft: Draft, before: dict[str, Value]
) -> tuple[str, tuple[Button, ...]]:
    """The guided form's current question and its buttons."""
    metrics = target.period.metrics
    metric = metrics[draft.step]
    lines = [
        f"{target.title} — question {draft.step + 1} of {len(metrics)}",
        f"{metric.label}?{' (required)' if metric.required else ''} "
        f"Reply with {KIND_HELP[metric.kind]}.",
    ]
    now = draft.answers.get(metric.key, before.get(metric.key))
    if now is not None:
        lines.append(f"Now: {show(now)} (Skip keeps it)")
    if draft.step == 0:
        lines.append(f"Or every figure at once: {target.command} form")
    return "\n".join(lines), _question_buttons(target, metric, draft.step, now is not None)


def _question_buttons(
    target: Target, metric: Metric, step: int, has_value: bool
) -> tuple[Button, ...]:
    buttons = []
    if metric.kind != "text":
        buttons.append(Button("Zero", f"{target.command} zero"))
    if not metric.required or has_value:
        buttons.append(Button("Skip", f"{target.command} skip"))
    if step > 0:
        buttons.append(Button("Back", f"{target.command} back"))
    return tuple(buttons)


def summary(
    target: Target, draft: Draft, before: dict[str, Value]
) -> tuple[str, tuple[Button, ...]]:
    """Every figure as it would be submitted, what changed, what is still required."""
    metrics = target.period.metrics
    lines = [f"{target.title}, due {short_date(target.window.due_on)}"]
    lines += [_line(m, draft.answers.get(m.key), before.get(m.key), bool(before)) for m in metrics]
    needed = [m.label for m in metrics if m.required and m.key not in draft.answers]
    buttons: list[Button] = []
    if needed:
        lines.append(
            f"Still needed: {', '.join(needed)}. Add them with "
            f"{target.command} <figure> <number>, or {target.command} to answer "
            "step by step."
        )
    elif before and draft.answers == before:
        lines.append("Nothing has changed from the submitted return.")
    else:
        lines.append("Confirm to submit" + (" these changes." if before else "."))
        buttons.append(Button("Confirm", f"{target.command} confirm"))
    if draft.guided:
        buttons.append(Button("Back", f"{target.command} back"))
    buttons.append(Button("Cancel", f"{target.command} cancel"))
    return "\n".join(lines), tuple(buttons)


def _line(metric: Metric, value: Value | None, old: Value | None, amending: bool) -> str:
    shown = show(value) if value is not None else "—"
    change = ""
    if amending and value != old:
        change = f"  (was {show(old) if old is not None else '—'})"
    return f"{metric.label}: {shown}{change}"


# --- the whole return as one form -----------------------------------------------------------
FORM_LABEL = "Fill in the form"
_EXAMPLES = {"count": "3", "money": "USD 1,000", "text": "none"}


def form_of(target: Target, values: dict[str, Value]) -> Form:
    """Every figure of the return in one form, pre-filled with ``values`` (draft or submitted).

    Submitting it runs ``/return <CODE> <window> submit …``: pressing the form's Submit is the
    confirmation, so the figures are kept and submitted in one step.
    """
    fields = tuple(
        FormField(
            m.key,
            m.label,
            m.kind,
            m.required,
            typed(values[m.key]) if m.key in values else "",
            KIND_HELP[m.kind].capitalize(),
        )
        for m in target.period.metrics
    )
    title = f"Return {target.period.code} {target.window.label}"
    return Form(title, f"{target.command} submit", fields, intro=target.title)


def form_button(target: Target, form: Form) -> Button:
    """Opens ``form`` where the platform has forms; elsewhere shows it again as text."""
    return Button(FORM_LABEL, f"{target.command} form", form=form)


def form_text(target: Target, form: Form) -> str:
    """The form as text, for platforms without forms: every figure now, and the one-line way."""
    lines = [f"{target.title} — every figure at once"]
    lines += [
        f"{f.label}{' (required)' if f.required else ''}: {f.value or '—'}" for f in form.fields
    ]
    example = ", ".join(f"{f.key} {_EXAMPLES.get(f.kind, '3')}" for f in form.fields[:2])
    lines.append(f"Send them in one line, e.g. {target.command} {example}; then confirm.")
    return "\n".join(lines)
