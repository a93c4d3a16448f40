"""The shipped catalogs: complete for every member language, placeholders intact, compiled.

Fails when a string shown to users (``_()``/``n_()`` in the code) is missing from a catalog or
untranslated, when a translation drops, adds or misspells a ``{placeholder}``, when a catalog
keeps a string the code no longer says, or when a ``.mo`` was not recompiled after its ``.po``
changed (CONTRIBUTING.md says how to update them).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, is_rtl
from bot.i18n.catalogs import DOMAIN, LOCALE_DIR
from bot.i18n.message import placeholders

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [code for code in LANGUAGES if code != "en"]
KEYWORDS = {"_": None, "n_": (1, 2)}


@cache
def source_messages() -> dict[str, str | None]:
    """msgid → msgid_plural (None for a singular message), as the code says them."""
    found: dict[str, str | None] = {}
    for folder in ("bot", "adapters", "reminders"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                found[message[0]] = message[1]
            else:
                found[message] = None
    return found


@cache
def catalog(language: str) -> Catalog:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_code_has_messages_to_translate() -> None:
    assert len(source_messages()) > 300


def test_fifteen_member_languages_are_shipped() -> None:
    assert len(TRANSLATED) == 15
    for language in TRANSLATED:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").is_file(), language


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_is_complete_and_current(language: str) -> None:
    po = catalog(language)
    code = source_messages()
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    missing = sorted(set(code) - ids)
    stale = sorted(ids - set(code))
    assert not missing, f"{language}: {len(missing)} strings not in the catalog: {missing[:5]}"
    assert not stale, f"{language}: strings the code no longer says: {stale[:5]}"
    untranslated = [m.id for m in po if m.id and not _all_forms(m.string)]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy (needs review): {fuzzy[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language: str) -> None:
    forms = get_plural(language).num_plurals
    broken = []
    for message in catalog(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            expected = placeholders(message.id[0]) | placeholders(message.id[1])
            strings = list(message.string)
            if len(strings) != forms:
                broken.append((message.id[0], f"{len(strings)} plural forms, not {forms}"))
            for form in strings:  # a form may leave out {count} ("one file"), never invent one
                if not placeholders(form) <= expected or not _formats(form, expected):
                    broken.append((message.id[0], form))
        else:
            if placeholders(message.string) != placeholders(message.id) or not _formats(
                message.string, placeholders(message.id)
            ):
                broken.append((message.id, message.string))
    assert not broken, f"{language}: {broken[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_commands_in_a_translation_stay_commands(language: str) -> None:
    """Each ``/command`` a message names stands on its own in the translation, so a channel
    can write it as typed there (``/focal reply`` on Slack): glued to a word (Arabic
    ``و/reply``, "and /reply") it is no longer seen as one."""
    from bot.commands import _command_words
    from bot.factory import default_registry

    pattern = _command_words(tuple(default_registry().names()))
    assert pattern is not None
    glued = []
    for message in catalog(language):
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if not msgid:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = len(pattern.findall(msgid))
        glued += [(msgid, text) for text in strings if len(pattern.findall(text)) < wanted]
    assert not glued, f"{language}: {glued[:3]}"


ARGUMENT = re.compile(r"<([A-Za-z][A-Za-z -]*)>")  # `/reply {id} <text>`: what to type there
SAME_WORD = {"id": {"id", "ms", "fil", "my"}}  # where the language says "id" too


@pytest.mark.parametrize("language", TRANSLATED)
def test_what_to_type_is_named_in_the_readers_language(language: str) -> None:
    """A usage hint's ``<text>``, ``<figure> <number>`` is the reader's word: a Thai focal
    point was told to add figures with ``/return W1 <figure> <number>``."""
    english = []
    for message in catalog(language):
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for word in ARGUMENT.findall(msgid or ""):
            if language in SAME_WORD.get(word, set()):
                continue
            english += [(word, text) for text in strings if f"<{word}>" in text]
    assert not english, f"{language}: {english[:3]}"


@pytest.mark.parametrize("language", [code for code in TRANSLATED if is_rtl(code)])
def test_arrows_from_old_to_new_point_left_in_right_to_left_languages(language: str) -> None:
    """A right-to-left line lays "{old} → {new}" out as "new → old" on screen: the arrow
    must be written ← to point from the old value to the new one."""
    wrong = [
        message.string
        for message in catalog(language)
        if isinstance(message.string, str) and "→" in message.string
    ]
    assert not wrong, f"{language}: {wrong[:3]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_matches_its_source(language: str) -> None:
    mo = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, form in enumerate(message.string):
                assert compiled._catalog[(message.id[0], n)] == form, (language, message.id)  # type: ignore[attr-defined]
        else:
            assert compiled.gettext(message.id) == message.string, (language, message.id)


@pytest.mark.parametrize("language", TRANSLATED)
def test_header_says_the_translation_awaits_review(language: str) -> None:
    text = (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").read_text("utf-8")
    assert "awaiting review by native-speaking officers" in text.split("msgid", 1)[0]


def _all_forms(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _formats(template: str, names: set[str]) -> bool:
    try:
        template.format_map(dict.fromkeys(names, "x"))
    except (KeyError, IndexError, ValueError):
        return False
    return True


def test_filipino_says_a_count_one_way_for_every_number() -> None:
    """Filipino's plural rule puts 2, 3, 5, 7, 8 … in the form for one: a singular wording
    there ("inililipat ito") would be read for two requests, and a plural one for none."""
    split = [
        message.id
        for message in catalog("fil")
        if isinstance(message.string, tuple) and len(set(message.string)) > 1
    ]
    assert not split, split
