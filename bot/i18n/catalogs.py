"""Compiled gettext catalogs (``bot/i18n/locale/<lang>/LC_MESSAGES/focalpoint.mo``).

The ``.po`` files are the source translators edit; ``pybabel compile`` (see CONTRIBUTING.md)
writes the ``.mo`` files shipped beside them, so an installed bot needs no build step. A
string missing from a catalog falls back to English.
"""

from __future__ import annotations

import gettext
from functools import cache, lru_cache
from pathlib import Path

DOMAIN = "focalpoint"
LOCALE_DIR = Path(__file__).parent / "locale"

_overrides: dict[str, gettext.NullTranslations] = {}


@cache
def _installed(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def translations(language: str) -> gettext.NullTranslations:
    """The catalog for ``language``; English (the msgids themselves) when there is none."""
    return _overrides.get(language) or _installed(language)


@lru_cache(maxsize=8192)
def translated(msgid: str, language: str) -> str:
    """``msgid`` in ``language`` (itself where the catalog lacks it), looked up once: every
    answer asks (the ids are the code's and bot.toml's own, so the cache stays small)."""
    return translations(language).gettext(msgid)


def install_override(language: str, catalog: gettext.NullTranslations | None) -> None:
    """Use ``catalog`` for ``language`` instead of the shipped one (tests' pseudo-language);
    None removes the override."""
    if catalog is None:
        _overrides.pop(language, None)
    else:
        _overrides[language] = catalog
    translated.cache_clear()
