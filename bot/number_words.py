"""Number words in the reader's language, read by inverting num2words.

num2words writes numbers as words for many languages; a table of its words for 0 to 1000
read backwards lets a focal point type a figure the way they would say it ("dua belas" is 12
in Indonesian, "สิบสอง" in Thai). Of the bot's languages, num2words knows Arabic, Bengali,
Dari (as Persian), Indonesian, Thai and Vietnamese; the others (Dhivehi, Filipino, Hindi,
Malay, Burmese, Pashto, Sinhala, Tamil, Urdu) read digits only, in any script, and English
words, which everyone may use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

LARGEST = 1000
"""Words are read up to this figure; larger figures are typed with digits."""

_CONVERTERS = {"ar": "ar", "bn": "bn", "fa_AF": "fa", "id": "id", "th": "th", "vi": "vi"}
"""The bot's languages num2words writes, by its own codes. Chosen explicitly: num2words falls
back on a code's first two letters, which would read Filipino (``fil``) as Finnish."""

_IGNORED = re.compile(r"[\s\-\u2010,\u060c\u0640]+")  # spaces, hyphens, commas, Arabic tatweel
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي"})


def word_languages() -> tuple[str, ...]:
    """The languages whose number words are read (besides English, read for everyone)."""
    from num2words import CONVERTER_CLASSES  # type: ignore[import-untyped,unused-ignore]

    return tuple(lang for lang, code in _CONVERTERS.items() if code in CONVERTER_CLASSES)


def read_words(text: str, language: str) -> int | None:
    """The number ``text`` writes in ``language``'s words (0 to 1000), or None."""
    if language not in word_languages():
        return None
    return _table(language).get(_key(text))


def _key(text: str) -> str:
    """How words are compared: case, spaces, hyphens, Arabic vowel marks and alef forms aside
    (``واحد و عشرون`` and ``واحد وعشرون`` are one number)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not _is_arabic_mark(ch))
    return _IGNORED.sub("", unicodedata.normalize("NFC", bare).translate(_ALEFS))


def _is_arabic_mark(ch: str) -> bool:
    """Arabic short-vowel marks, which people write or leave out freely."""
    return "\u064b" <= ch <= "\u065f" or ch == "\u0670"


@cache
def _table(language: str) -> dict[str, int]:
    """Words → number for 0 to :data:`LARGEST`, built once per language."""
    from num2words import num2words  # imported when first needed: 4 MiB for every language

    code = _CONVERTERS[language]
    table: dict[str, int] = {}
    for n in range(LARGEST + 1):
        table.setdefault(_key(num2words(n, lang=code)), n)
    return table
