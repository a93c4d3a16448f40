"""Long text cut into the parts a platform takes, at the breaks a reader expects.

Pure functions, no I/O. Telegram (4,096 UTF-16 units) and WhatsApp (4,096 characters) send a
long message as several; each part ends at a paragraph break if one falls in its second half,
else at a line break, else between words, and only a word longer than half a part is cut
inside, between two grapheme clusters (a Thai vowel or tone mark stays on its letter). Only
the whitespace at a cut is lost, so nothing the core wrote goes missing.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

Measure = Callable[[str], int]
_CLUSTER = regex.compile(r"\X")


def split_text(text: str, limit: int, size: Measure = len) -> list[str]:
    """``text`` in parts of at most ``limit`` (as ``size`` counts), cut at breaks."""
    parts: list[str] = []
    rest = text.strip()
    while size(rest) > limit:
        cut = _cut_point(rest[: cluster_start(rest, fitting(rest, limit, size))])
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


def cluster_start(text: str, end: int) -> int:
    """``end`` moved back to the start of the grapheme cluster it falls in, so that a cut
    there leaves no combining mark without its letter. A first cluster longer than ``end``
    (hundreds of marks on one letter) is cut at ``end`` all the same: a part must fit."""
    if end >= len(text):
        return len(text)
    start = 0
    for cluster in _CLUSTER.finditer(text):  # lazily: the clusters up to ``end`` only
        if cluster.end() > end:
            break
        start = cluster.end()
    return start or end


def _cut_point(head: str) -> int:
    """The last paragraph, line or word break in the second half of ``head``, else its end."""
    floor = len(head) // 2
    for separator in ("\n\n", "\n", " "):
        found = head.rfind(separator, floor)
        if found > 0:
            return found
    return len(head)
