"""Inbound text cleaning decides by Unicode category, so no invisible character slips through.

A property test over any text, named cases for the characters a list of ranges forgot, names in
the directory (bot.toml and CSV import), and a request stored through the real dispatch.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Person
from bot.directory.csv_io import parse_csv
from bot.errors import ConfigError
from bot.text import BLANK_LETTERS, DROPPED_CATEGORIES, clean
from tests.dispatch_world import DispatchWorld

FORGOTTEN = ["\u061c", "\U000e0041", "\U000e007f", "\u00ad", "\u180e", "\u3164", "\u2028"]
BLANKS = ["\u115f", "\u1160", "\uffa0"]


def _left_invisible(text: str) -> list[str]:
    return [
        c
        for c in text
        if c not in "\t\n" and (unicodedata.category(c) in DROPPED_CATEGORIES or c in BLANK_LETTERS)
    ]


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
