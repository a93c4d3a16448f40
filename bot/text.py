"""Inbound text hygiene: what reaches the core is normalised and free of invisible tricks.

Control characters, zero-width characters and bidirectional overrides can disguise a country
code (``T\u200bH``), reverse how a name or figure displays to the next reader (U+202E), or hide
text. They are removed on the way in; line breaks and tabs stay. Escaping for a platform's
markup is the adapters' job on the way out.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError

_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0/C1 controls except \t \n \r
    "\u200b-\u200f"  # zero-width space/joiners, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u2069"  # word joiner, invisible operators, bidi isolates
    "\ufeff"  # zero-width no-break space / BOM
    "]"
)


def clean(text: str) -> str:
    """NFC-normalise and drop invisible and direction-changing characters."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n")


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character :func:`clean` would remove (for validating names)."""
    return bool(_INVISIBLE.search(text)) or "\n" in text or "\r" in text


def clip(text: str, width: int = 80) -> str:
    """One line of at most ``width`` characters, for lists."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def within(text: str, limit: int, hint: str = "") -> str:
    """``text`` if it fits in ``limit`` characters; otherwise a UserError saying by how much."""
    if len(text) > limit:
        raise UserError(f"Your text is {len(text):,} characters; the limit is {limit:,}.{hint}")
    return text
