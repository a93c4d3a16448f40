"""The languages the bot speaks, and how people name them (``th``, ``fa-AF``, ``prs``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale

DEFAULT_LANGUAGE = "en"

LANGUAGES: tuple[str, ...] = (
    "en",
    "ar",  # Arabic (United Arab Emirates)
    "bn",  # Bengali (Bangladesh)
    "dv",  # Dhivehi (Maldives)
    "fa_AF",  # Dari (Afghanistan)
    "fil",  # Filipino (Philippines)
    "hi",  # Hindi (India)
    "id",  # Indonesian
    "ms",  # Malay (Malaysia)
    "my",  # Burmese (Myanmar)
    "ps",  # Pashto (Afghanistan)
    "si",  # Sinhala (Sri Lanka)
    "ta",  # Tamil (Sri Lanka, India)
    "th",  # Thai
    "ur",  # Urdu (Pakistan)
    "vi",  # Vietnamese
)
"""English first (the fallback), then the member countries' languages by code."""

ALIASES = {"prs": "fa_AF", "fa": "fa_AF", "tl": "fil", "zsm": "ms"}
"""Other codes people use for the same language (Dari is ISO 639-3 ``prs``)."""


ENGLISH_ALIASES = {
    "bengali": "bn",
    "dhivehi": "dv",
    "persian": "fa_AF",
    "tagalog": "fil",
    "bahasa indonesia": "id",
    "bahasa melayu": "ms",
    "bahasa malaysia": "ms",
}
"""Names people use beside CLDR's (``Bangla``, ``Divehi``, ``Dari``, ``Filipino``; the
languages' usual names in Indonesia and Malaysia)."""


def resolve_language(code: str) -> str | None:
    """The supported language a code or name names (``TH``, ``fa-af``, ``prs``, ``Thai``,
    ``ไทย``), or None."""
    wanted = code.strip().replace("-", "_")
    if not wanted:
        return None
    lowered = wanted.casefold()
    for language in LANGUAGES:
        if language.lower() == lowered:
            return language
    found = ALIASES.get(lowered) or _by_name().get(" ".join(code.split()).casefold())
    base, _, region = lowered.partition("_")
    if found is None and region and base != "fa":  # th_TH, ms-MY, ta_LK: the language (a
        return resolve_language(base)  # Persian outside Afghanistan is not Dari)
    return found


@cache
def _by_name() -> dict[str, str]:
    """Each language by its own name and its English one, case-folded."""
    english = Locale.parse(DEFAULT_LANGUAGE).languages
    names = {name.casefold(): code for code, name in OWN_NAMES.items()}
    names |= {english[code].casefold(): code for code in LANGUAGES if code in english}
    return names | ENGLISH_ALIASES


def nearest_tag(language: str, tags: Iterable[str]) -> str | None:
    """The tag among ``tags`` (another library's or platform's language codes: ``ms_MY``,
    ``ta_LK``, ``fa``) that is ``language`` itself, else shares its base language; None."""
    tags = tuple(tags)
    for wanted in (language, language.split("_")[0]):
        for tag in tags:
            if tag == wanted or tag.split("_")[0] == wanted:
                return tag
    return None


@cache
def locale_of(language: str) -> Locale:
    """The Babel locale for a supported language (English for anything else)."""
    try:
        return Locale.parse(language)
    except (ValueError, LookupError):
        return Locale.parse(DEFAULT_LANGUAGE)


RIGHT_TO_LEFT = frozenset({"ar", "dv", "fa_AF", "ps", "ur"})
"""CLDR's right-to-left languages among ours (a test checks it against CLDR): asking Babel
would load a locale's whole data (~4 MiB) only to learn that English runs left to right."""


def is_rtl(language: str) -> bool:
    """Whether the language is written right to left (Arabic, Dari, Dhivehi, Pashto, Urdu)."""
    return language in RIGHT_TO_LEFT


ARABIC_COMMA, MYANMAR_COMMA = "\u060c ", "\u104a "
LIST_COMMAS = {"ar": ARABIC_COMMA, "dv": ARABIC_COMMA, "fa_AF": ARABIC_COMMA, "ps": ARABIC_COMMA}
LIST_COMMAS |= {"ur": ARABIC_COMMA, "my": MYANMAR_COMMA}
"""The comma between the items of a list where it is not ``", "``: the Arabic comma in the
Arabic-script and Thaana languages, Myanmar's little section mark (CLDR's list patterns,
except Arabic's, which joins every item with "and", and Dhivehi's, which has no data)."""


def list_comma(language: str) -> str:
    """What separates the items of a list (country names, figures) in ``language``."""
    return LIST_COMMAS.get(language, ", ")


def list_semicolon(language: str) -> str:
    """What separates items that hold commas themselves: the Arabic semicolon where the
    comma is the Arabic one."""
    return "\u061b " if LIST_COMMAS.get(language) == ARABIC_COMMA else "; "


OWN_NAMES = {
    "en": "English",
    "ar": "العربية",
    "bn": "বাংলা",
    "dv": "ދިވެހިބަސް",
    "fa_AF": "دری",  # CLDR says فارسی (افغانستان); Afghanistan's Persian is called Dari
    "fil": "Filipino",
    "hi": "हिन्दी",
    "id": "Indonesia",
    "ms": "Melayu",
    "my": "မြန်မာ",
    "ps": "پښتو",
    "si": "සිංහල",
    "ta": "தமிழ்",
    "th": "ไทย",
    "ur": "اردو",
    "vi": "Tiếng Việt",
}
"""Each language's name in itself, as CLDR writes it (a test compares them with Babel's).
Kept here because /help lists all sixteen: asking Babel loads sixteen locales' data (18 MiB)
into a process that may never write in most of them."""


def native_name(language: str) -> str:
    """The language's name in itself: ``ไทย``, ``العربية``, ``دری``."""
    if language in OWN_NAMES:
        return OWN_NAMES[language]
    return locale_of(language).get_display_name(locale_of(language)) or language
