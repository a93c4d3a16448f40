"""The one-line return: ``arrests 10, victims assisted 6, search warrants: 5``.

Items are separated by ``;``, new lines, or a comma that is not inside a number (``1,200``
stays whole; ``10,5`` stays whole too and is then refused as ambiguous). Each item is
``name value``, ``name: value``, ``name=value`` or ``value name``; names are keys, labels or
aliases in any case. Every problem is collected, so one answer lists all of them, and
nothing is kept unless every item is valid.
"""

from __future__ import annotations

import re

from bot.errors import UserError
from bot.metrics import Metric, Schema
from bot.metrics_values import Value, parse_value, show
from bot.numbers import TENS, UNITS, ZERO_WORDS

_ITEMS = re.compile(r"\s*(?:[;\n]|,(?![0-9]))\s*")
_KEYED = re.compile(r"^(?P<key>[^:=]*?)\s*[:=]\s*(?P<value>.*)$", re.DOTALL)


def parse_line(schema: Schema, text: str) -> dict[str, Value]:
    """Values by metric key, in the order given.

    Raises:
        UserError: listing every item that is wrong (unknown name with a "did you mean",
            bad number, a figure given twice); nothing is returned then.
    """
    found: dict[str, Value] = {}
    problems: list[str] = []
    for item in (i for i in _ITEMS.split(text.strip()) if i):
        try:
            metric, value = parse_item(schema, item)
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
    """One ``name value`` item."""
    name, raw = split_item(schema, item)
    metric = schema.find(name)
    if metric is None:
        raise UserError(_unknown(schema, name))
    if not raw.strip():
        raise UserError(f"{metric.label}: the figure is missing (e.g. {metric.key} 3)")
    return metric, parse_value(metric, raw)


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
