"""The one-line return: ``arrests 10, victims assisted 6, search warrants: 5``.

Items are separated by ``;``, new lines, or a comma that is not inside a number (``1,200``
stays whole; ``10,5`` stays whole too and is then refused as ambiguous). Each item is
``name value``, ``name: value``, ``name=value`` or ``value name``; names are keys, labels or
aliases in any case. Every problem is collected, so one answer lists all of them, and
nothing is kept unless every item is valid.

A filled-in form (a Slack modal) travels as ``/return … submit`` with one ``key: value`` per
line instead, so a comma inside a note cannot split it; :func:`field_errors` checks a form's
answers field by field without any I/O, for adapters that must show errors on the fields
before they answer their platform.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from bot.errors import UserError
from bot.events import Form, FormField
from bot.numbers import TENS, UNITS, ZERO_WORDS
from bot.returns.metric_values import Value, parse_kind, parse_value, show
from bot.returns.metrics import Metric, Schema

_ITEMS = re.compile(r"\s*(?:[;\n]|,(?![0-9]))\s*")
_KEYED = re.compile(r"^(?P<key>[^:=]*?)\s*[:=]\s*(?P<value>.*)$", re.DOTALL)


def parse_line(schema: Schema, text: str) -> dict[str, Value]:
    """Values by metric key, in the order given.

    Raises:
        UserError: listing every item that is wrong (unknown name with a "did you mean",
            bad number, a figure given twice); nothing is returned then.
    """
    return _collect(schema, _ITEMS.split(text.strip()), parse_item)


def parse_filled(schema: Schema, text: str) -> dict[str, Value]:
    """A filled-in form's figures: one ``name: value`` per line (see :func:`filled_line`).

    Raises:
        UserError: listing every line that is wrong, as :func:`parse_line` does.
    """
    return _collect(schema, text.splitlines(), _parse_keyed)


def _parse_keyed(schema: Schema, line: str) -> tuple[Metric, Value]:
    """``name: value``, split at the first colon only (a note may hold more)."""
    name, _, raw = line.partition(":")
    metric = schema.find(name)
    if metric is None:
        raise UserError(_unknown(schema, name.strip()))
    return metric, parse_value(metric, raw)


def _collect(
    schema: Schema,
    items: Iterable[str],
    parse: Callable[[Schema, str], tuple[Metric, Value]],
) -> dict[str, Value]:
    """Parse every item, collecting every problem, so one answer lists all of them."""
    found: dict[str, Value] = {}
    problems: list[str] = []
    for item in (i.strip() for i in items if i.strip()):
        try:
            metric, value = parse(schema, item)
        except UserError as exc:
            problems.append(str(exc))
            continue
        if metric.key in found:
            problems.append(
                f"{metric.label} is given twice ({show(found[metric.key])} and "
                f"{show(value)}); give it once"
            )
        found[metric.key] = value
    if problems:
        raise UserError("Nothing was saved. Please fix:\n" + "\n".join(f"• {p}" for p in problems))
    if not found:
        raise UserError("Which figures? e.g. /return arrests 10, victims assisted 6")
    return found


def parse_item(schema: Schema, item: str) -> tuple[Metric, Value]:
    """One ``name value`` item, perhaps with a joint operation (``joint with MY op:X``)."""
    rest, op, partner = split_joint(item)
    name, raw = split_item(schema, rest)
    metric = schema.find(name)
    if metric is not None and metric.kind == "text" and (op or partner):
        name, raw = split_item(schema, item)  # a note may say "joint with": it is all text
        metric, op, partner = schema.find(name), "", ""
    if metric is None:
        raise UserError(_unknown(schema, name))
    if not raw.strip():
        raise UserError(f"{metric.label}: the figure is missing (e.g. {metric.key} 3)")
    return metric, _joined(metric, parse_value(metric, raw), op, partner)


def parse_answer(metric: Metric, raw: str) -> Value:
    """One answer of the guided form: the figure, perhaps with a joint operation."""
    if metric.kind == "text":
        return parse_value(metric, raw)
    rest, op, partner = split_joint(raw)
    return _joined(metric, parse_value(metric, rest), op, partner)


_JOINT_WITH = re.compile(r"(?:^|\s)joint\s+with\s+(?P<partner>\S+)", re.IGNORECASE)
_JOINT_OP = re.compile(r"(?:^|\s)op\s*[:=]\s*(?P<op>\S+)", re.IGNORECASE)
_OP_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
_JOINT_EXAMPLE = "e.g. arrests 4 joint with MY op:SONGKHLA-3"


def split_joint(item: str) -> tuple[str, str, str]:
    """Take ``joint with <country>`` and ``op:<reference>`` out of an item.

    Returns:
        The item without them, the operation reference and the partner (upper case; empty
        when the item is not joint). Checked for shape only: whether the partner is a known
        country is for the caller, which knows the directory.
    """
    partner_match, op_match = _JOINT_WITH.search(item), _JOINT_OP.search(item)
    if not partner_match and not op_match:
        return item, "", ""
    rest = _JOINT_OP.sub(" ", _JOINT_WITH.sub(" ", item)).strip()
    partner = partner_match["partner"].upper() if partner_match else ""
    op = op_match["op"].upper().rstrip(".") if op_match else ""
    return rest, op, partner


def _joined(metric: Metric, value: Value, op: str, partner: str) -> Value:
    """``value`` carrying its joint operation, once the reference and partner are checked."""
    if not op and not partner:
        return value
    if metric.kind != "count":
        raise UserError(f"{metric.label}: only counted figures can be joint ({_JOINT_EXAMPLE})")
    if not partner or not op:
        missing = "the partner country (joint with MY)" if not partner else "the operation (op:X)"
        raise UserError(f"{metric.label}: a joint figure needs {missing}; {_JOINT_EXAMPLE}")
    if len(partner) != 2 or not partner.isalpha():
        raise UserError(
            f"{metric.label}: {partner[:10]!r} is not a country code ({_JOINT_EXAMPLE})"
        )
    if not _OP_SHAPE.match(op):
        raise UserError(
            f"{metric.label}: the operation reference {op[:40]!r} should be letters, digits "
            f"and hyphens, at most 32 ({_JOINT_EXAMPLE})"
        )
    return Value(value.amount, value.currency, value.text, op, partner)


def split_item(schema: Schema, item: str) -> tuple[str, str]:
    """Separate the name from the value: explicit ``:``/``=``, else the longest known name."""
    keyed = _KEYED.match(item)
    if keyed and keyed["key"] and schema.find(keyed["key"]):
        return keyed["key"], keyed["value"]
    words = item.split()
    for cut in range(len(words) - 1, 0, -1):
        if schema.find(" ".join(words[:cut])):
            return " ".join(words[:cut]), " ".join(words[cut:])
    for cut in range(1, len(words)):
        if schema.find(" ".join(words[cut:])):
            return " ".join(words[cut:]), " ".join(words[:cut])
    if keyed and keyed["key"]:
        return keyed["key"], keyed["value"]
    return _guess_split(words)


_NUMBER_WORDS = {*UNITS, *TENS[2:], *ZERO_WORDS}


def _guess_split(words: list[str]) -> tuple[str, str]:
    """No known name: take a trailing number-like word as the value, for the "did you mean"."""
    last = words[-1] if len(words) > 1 else ""
    if any(c.isdigit() for c in last) or last.lower().split("-")[0] in _NUMBER_WORDS:
        return " ".join(words[:-1]), last
    return " ".join(words), ""


def _unknown(schema: Schema, name: str) -> str:
    guess = schema.suggest(name)
    shown = name[:40] or "(no name)"
    if guess:
        return f"I don't know {shown!r}. Did you mean {guess.label.lower()!r}?"
    known = ", ".join(m.key for m in schema.metrics)
    return f"I don't know {shown!r}. The figures are: {known}"


# --- forms ----------------------------------------------------------------------------------
def field_errors(form: Form, raw: Mapping[str, str]) -> dict[str, str]:
    """What is wrong with each answer of a filled-in form, by field key; empty when all is well.

    Pure and quick on purpose: Slack shows errors on a modal's fields only in the answer to
    the submission, within 3 seconds, so the adapter calls this before anything reaches the
    core. The core checks the filled line again (:func:`parse_filled`), so an adapter that
    skipped this could still not save a bad figure.
    """
    errors = {f.key: e for f in form.fields if (e := _field_error(f, raw.get(f.key) or ""))}
    if not errors and form.fields and not any((raw.get(f.key) or "").strip() for f in form.fields):
        errors[form.fields[0].key] = "Please fill in at least one figure."
    return errors


def _field_error(field: FormField, raw: str) -> str:
    if not raw.strip():
        if not field.required:
            return ""
        return "Required." if field.kind == "text" else "Required (0 if none)."
    try:
        parse_kind(field.kind, raw)
    except UserError as exc:
        message = str(exc)
        return message[:1].upper() + message[1:]
    return ""


def filled_line(form: Form, raw: Mapping[str, str]) -> str:
    """The command line a filled-in form sends: ``submit``, then one ``key: value`` per line.

    Empty fields are left out, so they leave a figure as it is; line breaks inside an answer
    become spaces, since each line is one answer.
    """
    items = [
        f"{f.key}: {' '.join((raw.get(f.key) or '').split())}"
        for f in form.fields
        if (raw.get(f.key) or "").strip()
    ]
    return f"{form.submit} " + "\n".join(items)
