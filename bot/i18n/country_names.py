"""Countries typed by name: ``Thailand``, ``Sri Lanka``, ``ไทย``, ``Việt Nam``.

People name a country the way they say it, in English or in their own language, as often as
by its ISO code. The names are CLDR's (through Babel) in the languages given, and the
group's own (bot.toml's), compared case-folded and without spaces, dots or hyphens, so
``Viet Nam``, ``vietnam`` and ``Viet-Nam`` are one name. Whether the country is a member
stays the directory's business.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

import regex

from bot.i18n.languages import locale_of

LONGEST_NAME = 4  # words: "Papua New Guinea", "Bosnia & Herzegovina"
_IGNORED = frozenset(" .,:;-'’\u200b\u200c\u200d")  # spaces, punctuation, joiners: typed or not
_ALSO_CALLED = regex.compile(r"^(.+?)\s*[(（]([^()（）]+)[)）]$")  # "Myanmar (Burma)": both names


def named_country(
    text: str, languages: Iterable[str], own: Mapping[str, str]
) -> tuple[str, str] | None:
    """The code of the country whose name ``text`` starts with, and the text after the name;
    None when it starts with none. Names are those of ``languages`` and ``own`` (code to the
    group's name for it); the longest name wins (``Papua New Guinea`` before ``Papua``)."""
    wanted = tuple(languages)
    ours = {_key(name): code for code, name in own.items()}
    words = text.split()
    for count in range(min(LONGEST_NAME, len(words)), 0, -1):
        key = _key(" ".join(words[:count]))
        code = ours.get(key) or next(
            (found for language in wanted if (found := _codes(language).get(key))), None
        )
        if code is not None:
            parts = text.split(None, count)  # the rest keeps its own spacing and lines
            return code, parts[count] if len(parts) > count else ""
    return _run_together(text, wanted)


RUN_TOGETHER = frozenset({"th", "my"})
"""Languages written without spaces between words: ``มาเลเซียช่วยตรวจสอบ`` is Malaysia and
what follows (a Thai officer typing a request was told the country was unknown)."""


def _run_together(text: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """The country whose name in one of ``languages`` written without spaces starts
    ``text``'s first word, and the rest; the longest name wins."""
    typed = unicodedata.normalize("NFC", text.lstrip())
    for language in (lang for lang in languages if lang in RUN_TOGETHER):
        for name, code in _names_longest_first(language):
            if typed.startswith(name) and len(typed) > len(name) and not typed[len(name)].isspace():
                return code, typed[len(name) :]
    return None


@cache
def _names_longest_first(language: str) -> tuple[tuple[str, str], ...]:
    """Each territory's name in ``language`` (NFC) and its code, longest name first."""
    names = [
        (unicodedata.normalize("NFC", name), code)
        for code, name in locale_of(language).territories.items()
        if len(code) == 2 and code.isalpha()
    ]
    return tuple(sorted(names, key=lambda pair: -len(pair[0])))


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFC", name).casefold()
    return "".join(ch for ch in folded if ch not in _IGNORED)


@cache
def _codes(language: str) -> dict[str, str]:
    """Each two-letter territory by its name in ``language`` (a name two territories share
    names neither)."""
    found: dict[str, str] = {}
    shared: set[str] = set()
    for code, name in locale_of(language).territories.items():
        if len(code) != 2 or not code.isalpha():
            continue  # regions such as 001 (the world) and 419 (Latin America)
        parts = _ALSO_CALLED.match(name)
        for key in {_key(typed) for typed in (name, *(parts.groups() if parts else ()))}:
            if found.get(key, code) != code:
                shared.add(key)
            found[key] = code
    return {key: code for key, code in found.items() if key not in shared}
