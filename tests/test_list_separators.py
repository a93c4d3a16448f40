"""A list reads with the reader's own separators: the Arabic comma and semicolon in the
Arabic-script and Thaana languages, Myanmar's section mark; an example of what to type keeps
the comma it must be typed with."""

import pytest

from bot.i18n import LANGUAGES, is_rtl, join, listed, render

COUNTRIES = ["Thailand", "Malaysia", "Viet Nam"]


@pytest.mark.parametrize("language", [code for code in LANGUAGES if is_rtl(code)])
def test_right_to_left_readers_get_the_arabic_comma_and_semicolon(language: str) -> None:
    assert render(join(COUNTRIES, ", "), language) == "Thailand\u060c Malaysia\u060c Viet Nam"
    held = join(["Australia at 07:00", "Fiji, Samoa at 08:00"], "; ")
    assert render(held, language) == "Australia at 07:00\u061b Fiji, Samoa at 08:00"


def test_myanmar_and_the_latin_comma_languages() -> None:
    assert render(join(COUNTRIES, ", "), "my") == "Thailand\u104a Malaysia\u104a Viet Nam"
    for language in ("en", "th", "vi", "id", "hi"):
        assert render(join(COUNTRIES, ", "), language) == "Thailand, Malaysia, Viet Nam"
        assert render(join(["a", "b"], "; "), language) == "a; b"


def test_a_typed_example_keeps_its_comma_and_other_separators_stay() -> None:
    example = join(["arrests 3", "victims 2"], ", ", typed=True)
    assert render(example, "ar") == render(example, "my") == "arrests 3, victims 2"
    assert render(join(["a", "b"], " · "), "ar") == "a · b"


def test_a_list_with_and_is_the_readers_own() -> None:
    """:func:`listed`: CLDR's list patterns, the last item after the language's "and"."""
    assert render(listed(COUNTRIES), "en") == "Thailand, Malaysia, and Viet Nam"
    assert render(listed(COUNTRIES[:2]), "id") == "Thailand dan Malaysia"
    assert render(listed(["THB 5", "VND 6"]), "th") == "THB 5และVND 6"
    assert render(listed(["one"]), "vi") == "one"
