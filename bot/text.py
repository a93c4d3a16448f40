"""Inbound text hygiene: what reaches the core is normalised and free of invisible tricks.

Control characters, zero-width characters and bidirectional overrides can disguise a country
code (``T\u200bH``), reverse how a name or figure displays to the next reader (U+202E), or hide
text. They are removed on the way in, decided by Unicode category rather than by a list, so a
character the list forgot (U+061C, the tag characters, U+00AD, U+2028…) cannot slip through;
line breaks and tabs stay. Escaping for a platform's markup is the adapters' job on the way out.
"""

from __future__ import annotations

import unicodedata

import regex

from bot.errors import UserError
from bot.i18n import Text, _, join

DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
"""Controls, format characters (zero-width, bidi, tags, soft hyphen), private use, unassigned,
surrogates, and the line/paragraph separators U+2028/U+2029 (only ``\n`` breaks a line here)."""

BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Characters that are letters (Lo) or symbols (So) by category but render as nothing: the
Hangul fillers and the blank Braille pattern. A name made of them looks empty or like another."""

_KEPT = frozenset("\t\n")
JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: format characters, but part of the spelling in Persian,
Dari, Urdu, Pashto, Dhivehi, Sinhala, Burmese and the Indic scripts (``ශ්\u200dරී``,
``مشتبه\u200cها``), so they are kept between two letters (or marks) of one such script, and
dropped anywhere else: in Latin or Cyrillic (``И\u200dван`` would pass for ``Иван``), beside
ASCII (``T\u200dH`` is still ``TH``), a space, or another invisible character. The joiner
also stays inside an emoji sequence (``👮\u200d♂️``, a family), between two pictographs, where
it cannot disguise a letter."""

_EMOJI_BEFORE_JOINER = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]")
_EMOJI_AFTER_JOINER = regex.compile(r"\p{Extended_Pictographic}")

JOINING_SCRIPTS = frozenset(
    {"ARABIC", "THAANA", "MYANMAR", "SINHALA", "DEVANAGARI", "BENGALI", "GURMUKHI"}
    | {"GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM"}
)
"""The scripts that spell with the joiners, as Unicode names their characters (the first word
of ``ARABIC LETTER FARSI YEH``, ``SINHALA SIGN AL-LAKUNA``): the stdlib knows no scripts."""


def is_invisible(char: str) -> bool:
    """Whether :func:`clean` drops ``char`` (tab and newline are kept)."""
    if char in _KEPT:
        return False
    return char in BLANK_LETTERS or unicodedata.category(char) in DROPPED_CATEGORIES


def country_code(typed: str) -> str:
    """A country code as typed, as the directory keys it: ``th`` and ``ＴＨ`` (fullwidth, as a
    Chinese or Japanese keyboard types it; NFKC makes it ASCII) are ``TH``."""
    if not typed.isascii():  # (a lookup on every message: ASCII costs no normalising)
        typed = unicodedata.normalize("NFKC", typed)
    return typed.strip().upper()


def clean(text: str) -> str:
    """NFC-normalise, unify line breaks and drop invisible and direction-changing characters
    (a joiner only where it spells: see :data:`JOINERS`)."""
    if text.isascii() and text.isprintable():
        return text  # already NFC, no line breaks, no control characters: the usual command
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(char for char in text if char in JOINERS or not is_invisible(char))
    last = len(kept) - 1  # a joiner is judged by its neighbours once the invisible ones left
    visible = "".join(
        char
        for i, char in enumerate(kept)
        if char not in JOINERS or 0 < i < last and _joins(kept, i)
    )
    return unicodedata.normalize("NFC", visible)  # what was apart may compose now: e + ́


def _joins(text: str, i: int) -> bool:
    """Whether the joiner at ``text[i]`` spells: between two letters of one joining script,
    or (the zero-width joiner) within an emoji sequence."""
    before, after = text[i - 1], text[i + 1]
    if _script(before) == _script(after) != "":
        return True
    return (
        text[i] == "\u200d"
        and bool(_EMOJI_BEFORE_JOINER.fullmatch(before))
        and bool(_EMOJI_AFTER_JOINER.fullmatch(after))
    )


def _script(char: str) -> str:
    """The joining script of a letter or mark, or "" (anything else)."""
    if unicodedata.category(char)[0] not in "LM":
        return ""
    script = unicodedata.name(char, "").partition(" ")[0]
    return script if script in JOINING_SCRIPTS else ""


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character :func:`clean` would remove, or a line break or tab
    (for validating names, which are one plain line)."""
    if any(char in "\t\n\r" for char in text):
        return True
    return clean(text) != unicodedata.normalize("NFC", text)  # joiners in a word are kept


def clip(text: str, width: int = 80) -> str:
    """One line of at most ``width`` characters, for lists."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


NAME_LIMIT = 120
"""A name people give in chat (a period's): one line in every list, reminder and report."""
# Longer free text (a request, reply, referral note, outcome, broadcast) is limited by
# ``[requests] max_text_length`` in bot.toml; a return's text figure by metrics_values.MAX_TEXT.


def within(text: str, limit: int, hint: Text = "") -> str:
    """``text`` if it fits in ``limit`` characters; otherwise a UserError saying by how much,
    followed by ``hint`` (what to do instead).

    Every handler that stores text people send checks it here before anything is written,
    so a refusal names the limit and the unit of work stores nothing.
    """
    if len(text) > limit:
        too_long = _(
            "Your text is {length} characters; the limit is {limit}.",
            length=len(text),
            limit=limit,
        )
        hint = hint.strip() if isinstance(hint, str) else hint
        raise UserError(join([too_long, hint], " ") if hint else too_long)
    return text


def counted(count: int, singular: str, plural: str = "") -> str:
    """``1 figure``, ``3 figures`` in English, for administrators' CLI output; chat text uses
    :func:`bot.i18n.n_` instead."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
