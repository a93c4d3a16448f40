"""What every adapter does with the core's buttons, whatever the platform draws them as.

Pure functions, no I/O:

- **Independent or one choice.** The core gives no flag, so it is read from the commands: a
  message whose buttons run the same command on different items (``/broadcast ack B-1``,
  ``/broadcast ack B-2``, …: a handover's one Acknowledge per broadcast) offers several
  independent actions, and pressing one must leave the others live. Any other set (Yes/No,
  Send/Cancel, the answers to one question, the cadences to choose from) is one choice, and
  pressing one settles it: the platforms' usual "the buttons go once one is pressed" is right.
  An item is the core's kind of id, letters then numbers joined by hyphens (``B-3``,
  ``R-2026-0001``), so ``/period open monthly`` and ``/period open final`` stay a choice.
- **Typed alternatives.** A button a platform cannot show (too many, a command too long, a
  label that would not be told apart) is offered as a line to type instead, so no action is
  ever lost.
- **Short labels that stay distinct.** A label cut to a platform's limit keeps the tail that
  tells it from its neighbours (``Konfirmasi… B-12``); when even that collides, the caller
  types the commands instead of sending buttons nobody can tell apart (or that the platform
  refuses: WhatsApp wants each title unique).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.events import Button, drawn
from bot.i18n import DEFAULT_LANGUAGE, isolate_command

ELLIPSIS = "…"
_ITEM = re.compile(r"^[A-Za-z]{1,4}(?:-\d+)+$")


# --- independent actions or one choice -----------------------------------------------------
def independent(commands: Sequence[str]) -> bool:
    """Whether buttons carrying ``commands`` are separate actions (see the module docstring):
    at least two, the same command each, on a different item each."""
    if len(commands) < 2:
        return False
    heads, items = set(), set()
    for command in commands:
        head, _space, item = command.strip().rpartition(" ")
        if not head or not _ITEM.match(item):
            return False
        heads.add(head)
        items.add(item.upper())
    return len(heads) == 1 and len(items) == len(commands)


def buttons_independent(buttons: Sequence[Button]) -> bool:
    """:func:`independent` for the core's buttons."""
    return independent([b.command for b in buttons])


def remaining(commands: Sequence[str], pressed: str) -> list[str] | None:
    """The commands still to offer once ``pressed`` was pressed: the others when they are
    independent actions, else None (the choice is made: all go)."""
    if not independent(commands) or pressed not in commands:
        return None
    return [c for c in commands if c != pressed]


# --- typed alternatives --------------------------------------------------------------------
def typed_lines(
    buttons: Sequence[Button], prefix: str = "/", language: str = DEFAULT_LANGUAGE
) -> list[str]:
    """``Label: command`` for each button, the command written as it is typed on the channel
    (``prefix`` "/focal " on Slack, where a leading slash belongs to the client), isolated
    left to right for a reader of a right-to-left ``language`` so it shows as typed."""
    return [
        f"{drawn(b.label)}: {isolate_command(as_typed(b.command, prefix), language)}"
        for b in buttons
        if b.command
    ]


def as_typed(command: str, prefix: str = "/") -> str:
    """``/ack R-1`` as typed where commands start with ``prefix``."""
    return prefix + command.removeprefix("/") if command.startswith("/") else command


def with_typed(text: str, lines: Sequence[str], header: str = "") -> str:
    """``text``, a blank line, then ``header`` (if any) and the typed ``lines``."""
    if not lines:
        return text
    block = "\n".join([header, *lines] if header else lines)
    return f"{text}\n\n{block}" if text.strip() else block


# --- short labels ---------------------------------------------------------------------------
def short_labels(labels: Sequence[str], limit: int) -> list[str] | None:
    """``labels`` cut to ``limit`` characters each, still all different; None if that cannot
    be done (the caller then offers typed commands).

    A long label is cut at its end (``Acknowledge this re…``) unless that makes it collide
    with another; then its head is cut and its distinguishing tail kept (``Konfirmasi… B-12``).
    """
    cut = [end_cut(label, limit) for label in labels]
    for group in _collisions(cut):
        prefix = _common_prefix([labels[i] for i in group])
        for i in group:
            cut[i] = _tail_kept(labels[i], limit, _word_start(labels[i], len(prefix)))
    return cut if len(set(cut)) == len(cut) else None


def end_cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def middle_cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters in its middle, keeping its last word (a window
    label, an id: what tells one from the next) whole where it fits."""
    if len(text) <= limit:
        return text
    return _tail_kept(text, limit, _word_start(text, len(text.rstrip())))


def _tail_kept(label: str, limit: int, start: int) -> str:
    """``head… tail``: the label from ``start`` kept whole, its head cut to what is left."""
    if len(label) <= limit:
        return label
    tail = label[start:].strip()
    room = limit - len(tail) - 2  # the ellipsis and a space
    if not tail or room < 1:
        return end_cut(label, limit)
    head = label[:start].rstrip()[:room]
    words = head.rsplit(" ", 1)[0] if " " in head else head
    head = words if len(words) > room // 2 else head  # a word break, unless it costs half
    return f"{head.rstrip()}{ELLIPSIS} {tail}"


def _collisions(labels: Sequence[str]) -> list[list[int]]:
    """Groups of positions holding the same label (two or more each)."""
    seen: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        seen.setdefault(label, []).append(i)
    return [group for group in seen.values() if len(group) > 1]


def _common_prefix(labels: Sequence[str]) -> str:
    first, last = min(labels), max(labels)
    end = 0
    while end < min(len(first), len(last)) and first[end] == last[end]:
        end += 1
    return first[:end]


def _word_start(text: str, position: int) -> int:
    """Where the word at ``position`` begins (labels differ from there on)."""
    return text.rfind(" ", 0, position) + 1
