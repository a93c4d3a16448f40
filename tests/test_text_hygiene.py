"""Inbound text cleaning decides by Unicode category, so no invisible character slips through.

A property test over any text, named cases for the characters a list of ranges forgot, names in
the directory (bot.toml and CSV import), and a request stored through the real dispatch.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Person
from bot.directory.csv_io import parse_csv
from bot.errors import ConfigError
from bot.text import BLANK_LETTERS, DROPPED_CATEGORIES, JOINERS, JOINING_SCRIPTS, clean
from tests.dispatch_world import DispatchWorld

FORGOTTEN = ["\u061c", "\U000e0041", "\U000e007f", "\u00ad", "\u180e", "\u3164", "\u2028"]
BLANKS = ["\u115f", "\u1160", "\uffa0"]


def _left_invisible(text: str) -> list[str]:
    return [
        c
        for i, c in enumerate(text)
        if c not in "\t\n"
        and (unicodedata.category(c) in DROPPED_CATEGORIES or c in BLANK_LETTERS)
        and not _spelling(text, i)
    ]


def _spelling(text: str, i: int) -> bool:
    """A joiner between two letters or marks of one script that spells with joiners, or a
    zero-width joiner inside an emoji sequence."""
    if text[i] not in JOINERS or not 0 < i < len(text) - 1:
        return False
    scripts = [_script_of(c) for c in (text[i - 1], text[i + 1])]
    emoji = text[i] == "\u200d" and _pictograph(text[i - 1], True) and _pictograph(text[i + 1])
    return scripts[0] == scripts[1] != "" or emoji


def _pictograph(char: str, or_modifier: bool = False) -> bool:
    pattern = (
        r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]"
        if or_modifier
        else r"\p{Extended_Pictographic}"
    )
    return bool(regex.fullmatch(pattern, char))


def _script_of(char: str) -> str:
    """The script Unicode's name gives a letter or mark, if it spells with joiners."""
    if unicodedata.category(char)[0] not in "LM":
        return ""
    script = unicodedata.name(char, "").partition(" ")[0]
    return script if script in JOINING_SCRIPTS else ""


@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_after_cleaning_no_invisible_category_remains(text: str) -> None:
    cleaned = clean(text)
    assert _left_invisible(cleaned) == []
    assert clean(cleaned) == cleaned  # cleaning is stable


@given(
    st.lists(
        st.one_of(
            st.sampled_from(FORGOTTEN + BLANKS + ["\u2029", "\ue000", "\u200d", "\r"]),
            st.characters(categories=["L", "N"]),
        ),
        max_size=60,
    ).map("".join)
)
def test_mixed_with_the_known_tricks_only_visible_text_and_newlines_stay(text: str) -> None:
    assert _left_invisible(clean(text)) == []
    assert "\r" not in clean(text)


@pytest.mark.parametrize("char", FORGOTTEN + BLANKS)
def test_each_forgotten_character_is_dropped_but_tabs_and_newlines_stay(char: str) -> None:
    assert clean(f"T{char}H\tline\nnext") == "TH\tline\nnext"


@pytest.mark.parametrize("char", FORGOTTEN + BLANKS)
def test_names_with_invisible_characters_are_refused(char: str) -> None:
    with pytest.raises(ValidationError, match="invisible"):
        Person(id="x-fp", name=f"Niran{char}Example", country="TH", roles=("focal_point",))


def test_a_blank_name_is_refused_in_a_csv_import(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    text = "id,name,country,roles\nblank-fp,\u3164,TH,focal_point\n"
    with pytest.raises(ConfigError, match="invisible"):
        parse_csv(text, world.ctx.directory)


def test_request_text_is_stored_without_them(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    hidden = "".join(FORGOTTEN + BLANKS)
    world.send("au-officer", f"/request T{hidden}H routine pay{hidden}roll of 5000")
    stored = world.db.execute("SELECT target_country, text FROM requests").fetchall()
    assert stored == [("TH", "payroll of 5000")]


SINHALA = "\u0dc1\u0dca\u200d\u0dbb\u0dd3 \u0dbd\u0d82\u0d9a\u0dcf"  # Sri Lanka, with its joiner
DARI = "\u0645\u0634\u062a\u0628\u0647\u200c\u0647\u0627"  # "suspects", with its non-joiner


def test_joiners_that_spell_a_word_are_kept_and_no_others() -> None:
    assert clean(SINHALA) == SINHALA and clean(DARI) == DARI
    assert clean("T\u200dH T\u200cH") == "TH TH"  # beside ASCII: a disguise, dropped
    assert clean("\u200d\u0dc1 \u0dc1\u200d \u200c") == "\u0dc1 \u0dc1 "  # at a word's edge
    assert clean("\u0418\u200d\u0432\u0430\u043d") == "\u0418\u0432\u0430\u043d"  # Cyrillic
    assert clean("Ren\u00e9\u200d\u00e9") == "Ren\u00e9\u00e9"  # Latin
    assert clean("\u0dc1\u200d\u3164") == "\u0dc1"  # its neighbour was invisible itself
    assert clean("\u0dc1\u200d\u0645") == "\u0dc1\u0645"  # two scripts: no word to spell
    assert clean("Jose\u200b\u0301") == "Jos\u00e9" == clean(clean("Jose\u200b\u0301"))  # NFC


POLICE_OFFICER_MAN = "\U0001f46e\u200d\u2642\ufe0f"  # 👮‍♂️: officer + joiner + male sign
FAMILY = "\U0001f468\U0001f3fd\u200d\U0001f469\u200d\U0001f467"  # skin tone, then joiners


def test_joiners_inside_an_emoji_sequence_are_kept() -> None:
    assert clean(f"Boat {POLICE_OFFICER_MAN} {FAMILY}") == f"Boat {POLICE_OFFICER_MAN} {FAMILY}"
    assert (
        clean("\U0001f46e\u200cx \U0001f46e\u200dH A\u200d\u2642")
        == "\U0001f46ex \U0001f46eH A\u2642"
    )


def test_a_name_disguised_with_a_joiner_is_refused() -> None:
    with pytest.raises(ValidationError, match="invisible"):
        Person(id="x-fp", name="\u0418\u200d\u0432\u0430\u043d", country="TH", roles=("officer",))


def test_a_name_spelled_with_a_joiner_is_accepted() -> None:
    person = Person(id="lk-fp", name=SINHALA, country="LK", roles=("focal_point",))
    assert person.name == SINHALA


def test_request_text_keeps_the_joiners_its_script_needs(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    world.send("au-officer", f"/request TH routine {SINHALA} {DARI} {POLICE_OFFICER_MAN}")
    [(text,)] = world.db.execute("SELECT text FROM requests").fetchall()
    assert text == f"{SINHALA} {DARI} {POLICE_OFFICER_MAN}"
