"""Long text cut into the parts a platform takes, at the breaks a reader expects.

Pure functions, no I/O. Telegram (4,096 UTF-16 units) and WhatsApp (4,096 characters) send a
long message as several; each part ends at a paragraph break if one falls in its second half,
else at a line break, else between words, and only a word longer than half a part is cut
inside. Only the whitespace at a cut is lost, so nothing the core wrote goes missing.
"""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], int]


def split_text(text: str, limit: int, size: Measure = len) -> list[str]:
    """``text`` in parts of at most ``limit`` (as ``size`` counts), cut at breaks."""
    parts: list[str] = []
    rest = text.strip()
    while size(rest) > limit:
        cut = _cut_point(rest[: fitting(rest, limit, size)])
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def fitting(text: str, limit: int, size: Measure = len) -> int:
    """How many characters of ``text`` fit in ``limit`` (at least one, so a cut advances)."""
    end = min(len(text), limit)
    while end > 1 and (over := size(text[:end]) - limit) > 0:
        end -= max((over + 1) // 2, 1)  # a character counts one or two: never drops too many
    return max(end, 1)


def _cut_point(head: str) -> int:
    """The last paragraph, line or word break in the second half of ``head``, else its end."""
    floor = len(head) // 2
    for separator in ("\n\n", "\n", " "):
        found = head.rfind(separator, floor)
        if found > 0:
            return found
    return len(head)
