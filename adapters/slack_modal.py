"""The core's forms as Slack modals: pure conversions, no I/O.

A core :class:`~bot.events.Button` that carries a :class:`~bot.events.Form` becomes a button
whose press opens a modal (``views.open``) at once, without asking the core: the press's
``trigger_id`` is good for 3 seconds only, so the form travels inside the button's value
(Slack hands the value back with the press). The modal keeps the same form in its
``private_metadata``, one input block per field named by the field's key.

On submission the adapter checks the answers with the core's pure
:func:`bot.returns.parse.field_errors` and answers Slack, within its 3 seconds, with
``response_action: "errors"`` keyed by those block ids, so each mistake shows on its field.
Valid answers become one core command line (:func:`bot.returns.parse.filled_line`) that the
core checks again and saves in a unit of work; nothing is saved here.

A form that does not fit a button value (2,000 characters) goes out as a plain button, whose
command shows the same form as text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from adapters.buttons import middle_cut
from bot.events import Button, Form, FormField, drawn
from bot.i18n import Text

FORM_ACTION = "fp-form:"
"""``action_id`` prefix of buttons that open a form (the ordinary ``fp:`` buttons run commands)."""
FORM_VIEW = "fp-form"
"""``callback_id`` of every form modal."""
INPUT = "value"
"""``action_id`` of the input element inside each field's block."""

VALUE_LIMIT = 2000  # characters in a button's value
TITLE_LIMIT = 24  # characters in a modal's title
LABEL_LIMIT = 2000  # characters in a block's label, hint or context text
BUTTON_LABEL_LIMIT = 75


# --- the form inside a button value or a view's metadata --------------------------------------
def encode_form(command: str, form: Form) -> str:
    """Compact JSON of ``form`` and the command that shows it as text (the fallback).

    Hints repeat per kind of figure, so they are stored once and referred to by position.
    """
    hints = list(dict.fromkeys(f.hint for f in form.fields))
    fields = [
        [f.key, f.label, f.kind, int(f.required), f.value, hints.index(f.hint)] for f in form.fields
    ]
    data = {"c": command, "t": form.title, "s": form.submit, "i": form.intro, "h": hints}
    data |= {"sl": drawn(form.send_label), "cl": drawn(form.close_label)}  # reader's language
    return json.dumps({**data, "f": fields}, separators=(",", ":"), ensure_ascii=False)


def decode_form(text: str) -> tuple[str, Form] | None:
    """``(command, form)`` back from :func:`encode_form`; None for anything else."""
    try:
        data = json.loads(text)
        hints = [str(h) for h in data["h"]]
        fields = tuple(
            FormField(str(k), str(label), str(kind), bool(req), str(value), hints[int(hint)])
            for k, label, kind, req, value, hint in data["f"]
        )
        form = Form(str(data["t"]), str(data["s"]), fields, str(data["i"]))
        if "sl" in data and "cl" in data:  # a button sent before the labels travelled has none
            form = replace(form, send_label=str(data["sl"]), close_label=str(data["cl"]))
        return str(data["c"]), form
    except (ValueError, TypeError, KeyError, IndexError):
        return None


# --- outbound: the button and the modal -------------------------------------------------------
def form_button(button: Button, index: int) -> dict[str, Any] | None:
    """The Block Kit button that opens ``button.form``; None when there is none or it is too big."""
    if button.form is None:
        return None
    value = encode_form(button.command, button.form)
    if len(value) > VALUE_LIMIT:
        return None
    return {
        "type": "button",
        "action_id": f"{FORM_ACTION}{index}",
        "text": _plain(button.label, BUTTON_LABEL_LIMIT),
        "value": value,
        "style": "primary",
    }


def modal_view(command: str, form: Form) -> dict[str, Any]:
    """The ``views.open`` view: the form's intro, then one input block per field. A title
    longer than Slack's 24 characters is cut in its middle: its end names the window."""
    intro = [{"type": "context", "elements": [_plain(form.intro)]}] if form.intro else []
    return {
        "type": "modal",
        "callback_id": FORM_VIEW,
        "title": {"type": "plain_text", "text": middle_cut(drawn(form.title), TITLE_LIMIT) or " "},
        "submit": _plain(form.send_label),
        "close": _plain(form.close_label),
        "private_metadata": encode_form(command, form),
        "blocks": [*intro, *(_input_block(f) for f in form.fields)],
    }


def _input_block(field: FormField) -> dict[str, Any]:
    block = {
        "type": "input",
        "block_id": field.key,
        "optional": not field.required,
        "label": _plain(field.label),
        "element": _element(field),
    }
    if field.hint:
        block["hint"] = _plain(field.hint)
    return block


def _element(field: FormField) -> dict[str, Any]:
    """A number field for counts; a text field for money (it needs a currency code) and text."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": INPUT}
    if field.kind == "count":
        element = {
            "type": "number_input",
            "action_id": INPUT,
            "is_decimal_allowed": False,
            "min_value": "0",
        }
    if field.value:
        element["initial_value"] = field.value
    return element


def _plain(text: Text, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": drawn(text)[:limit] or " "}


# --- inbound: the submitted modal -------------------------------------------------------------
def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """What the person typed into each field, by block id ('' for an empty field)."""
    state = (view.get("state") or {}).get("values") or {}
    return {
        str(block): str(((actions or {}).get(INPUT) or {}).get("value") or "")
        for block, actions in state.items()
    }
