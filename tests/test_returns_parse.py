"""Unit tests: numbers as people type them, figures with currencies, the one-line return."""

import pytest

from bot.config import parse_settings
from bot.errors import ConfigError, UserError
from bot.i18n import LANGUAGES, render
from bot.number_words import read_words, word_languages
from bot.numbers import in_text, parse_whole, sentence_start, words
from bot.returns.metric_values import Value, parse_kind, parse_value, show
from bot.returns.metrics import DEFAULT_METRICS, Metric, Schema, duplicate_name
from bot.returns.parse import parse_answer, parse_line

SCHEMA = Schema(DEFAULT_METRICS)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("1,200", 1200),
        ("12,345,678", 12345678),
        ("seven", 7),
        ("Seven", 7),
        ("twelve", 12),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("ninety-nine", 99),
        ("ninety nine", 99),
        ("one hundred", 100),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("three hundred forty-two", 342),
        ("two thousand", 2000),
        ("two thousand and forty-one", 2041),
        ("none", 0),
        ("nil", 0),
        ("zero", 0),
        ("twelve hundred", 1200),  # hundreds counted past ten, where no thousand is named
        ("twelve hundred and five", 1205),
        ("twenty-one hundred", 2100),
        ("1 200", 1200),  # grouped by spaces, as many languages print numbers
        ("12 345 678", 12_345_678),
        ("1\u202f200", 1200),  # a narrow no-break space (French)
        ("a dozen", 12),  # as a count is said
        ("half a dozen", 6),
        ("three dozen", 36),
    ],
)
def test_whole_numbers_read(text: str, value: int) -> None:
    assert parse_whole(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10,5", "ambiguous"),
        ("1,20", "ambiguous"),
        ("1.200", "ambiguous"),
        ("1.5", "not a whole number"),
        ("3/4", "not a whole number"),
        ("-3", "negative"),
        ("-0", "negative"),
        ("−2", "negative"),
        ("+5", "total itself"),
        ("1e9", r"in full, with digits only \(e\.g\. 1,000,000,000\)"),
        ("1e3", r"in full, with digits only \(e\.g\. 1,000\)"),
        ("1 20", "can't read"),
        ("twenty hundred", "can't read"),
        ("two thousand twelve hundred", "can't read"),
        ("1٣", "mixes digits of different scripts"),
        ("๑2", "mixes digits of different scripts"),
        ("١٫٥", "not a whole number"),
        ("١٬٢٠", "ambiguous"),
        ("-٣", "negative"),
        ("½", "with digits"),
        ("Ⅻ", "with digits"),
        ("over 70", "exact"),
        ("about 5", "exact"),
        ("lots", "can't read"),
        ("twenty twenty", "can't read"),
        ("dozens", "can't read"),  # no number
        ("dozen", "can't read"),
        ("five seven", "can't read"),
        ("10 5", "can't read"),
        ("", "missing"),
        ("1,000,000,000,000", "larger"),
    ],
)
def test_doubtful_numbers_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(UserError, match=reason):
        parse_whole(text)


def test_number_words_written_the_seeds_way() -> None:
    assert [in_text(n) for n in (0, 7, 9, 10, 63, 1200)] == [
        "zero",
        "seven",
        "nine",
        "10",
        "63",
        "1,200",
    ]
    assert words(99) == "ninety-nine" and words(342) == "three hundred and forty-two"
    assert sentence_start(8) == "Eight" and sentence_start(62) == "Sixty-two"


def test_money_needs_a_currency_code() -> None:
    assets = SCHEMA.by_key["assets_restrained"]
    assert parse_value(assets, "USD 25,000") == Value(2_500_000, "USD")
    assert parse_value(assets, "1,500,000.50 thb") == Value(150_000_050, "THB")
    assert show(parse_value(assets, "aud 1200.5")) == "AUD 1,200.50"
    assert parse_value(assets, "0") == Value(0, "")
    for bad, reason in (
        ("$500", "currency code"),
        ("500", "currency code"),
        ("USD 1,20", "ambiguous"),
        ("USD -5", "currency code"),
    ):
        with pytest.raises(UserError, match=reason):
            parse_value(assets, bad)


def test_money_grouped_with_dots_by_an_english_reader_is_asked_about() -> None:
    """``1.500 USD`` was answered "write the currency code and the amount", though both were
    there: the dot is what is ambiguous (a thousand and a half, or one and a half)."""
    assets = SCHEMA.by_key["assets_restrained"]
    with pytest.raises(UserError) as caught:
        parse_value(assets, "1.500 USD")
    said = str(caught.value)
    assert "1.500 USD is ambiguous: write USD 1,500 for the whole amount, or USD 1.50" in said
    assert "write the currency code" not in said
    assert parse_value(assets, "1.500 IDR", "id") == Value(150_000, "IDR")  # theirs: grouping


def test_the_issue_example_in_one_line() -> None:
    assert parse_line(SCHEMA, "arrests 10, victims assisted 6, search warrants: 5") == {
        "arrests": Value(10),
        "victims_assisted": Value(6),
        "search_warrants": Value(5),
    }


def test_names_forms_and_order_are_free() -> None:
    found = parse_line(
        SCHEMA,
        "Suspects=seven; 1,200 officers trained\nSEARCH-WARRANTS: twenty-one, "
        "training sessions 12, assets restrained USD 1,200, notes: raid at 10:30",
    )
    assert found == {
        "suspects_identified": Value(7),
        "officers_trained": Value(1200),
        "search_warrants": Value(21),
        "training_sessions": Value(12),
        "assets_restrained": Value(120_000, "USD"),
        "notes": Value(None, "", "raid at 10:30"),
    }


def test_ten_comma_five_is_an_error_not_105() -> None:
    with pytest.raises(UserError, match="10,5 is ambiguous"):
        parse_line(SCHEMA, "arrests 10,5")


def test_every_problem_is_listed_and_nothing_returned() -> None:
    with pytest.raises(UserError) as caught:
        parse_line(SCHEMA, "arests 10, victims -2, suspects 1.5, warrants ٣, foo bar, arrests 3")
    text = str(caught.value)
    assert text.startswith("Nothing was saved")
    assert "the closest figure is 'arrests'" in text
    assert "negative" in text and "not a whole number" in text
    assert "Search warrants executed: 3" not in text  # ٣ is read as 3: nothing to fix there
    assert "I don't know 'foo bar'. The figures are: Persons convicted, Trafficked" in text


def test_near_misses_get_a_did_you_mean() -> None:
    for typo, meant in (
        ("victms asisted 4", "trafficked persons assisted"),
        ("serch warants 2", "search warrants executed"),
        ("awarness 3", "awareness-raising activities"),
    ):
        with pytest.raises(UserError, match=f"the closest figure is '{meant}'"):
            parse_line(SCHEMA, typo)


def test_a_figure_given_twice_is_refused() -> None:
    with pytest.raises(UserError, match="given twice"):
        parse_line(SCHEMA, "arrests 3, arrest 4")


def test_shipped_metric_names_are_unambiguous() -> None:
    assert duplicate_name(DEFAULT_METRICS) is None
    keys = {m.key for m in DEFAULT_METRICS}
    assert {"financial_investigations", "assets_restrained", "mla_requests"} <= keys


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("๑๒", "Thai"),
        ("١٢", "Arabic-Indic"),
        ("۱۲", "Extended Arabic-Indic (Dari, Pashto, Urdu)"),
        ("১২", "Bengali"),
        ("१२", "Devanagari"),
        ("၁၂", "Burmese"),
        ("௧௨", "Tamil"),
        ("෧෨", "Sinhala"),
        ("１２", "full width"),
        ("12", "Latin"),
    ],
)
def test_digits_of_every_script_are_read(text: str, script: str) -> None:
    assert parse_whole(text) == 12, script


@pytest.mark.parametrize("text", ["๑,๒๐๐", "١٬٢٠٠", "١,٢٠٠", "۱٬۲۰۰", "১,২০০", "१,२००"])
def test_grouped_digits_of_every_script(text: str) -> None:
    assert parse_whole(text) == 1200


def test_money_in_another_script() -> None:
    assets = SCHEMA.by_key["assets_restrained"]
    assert parse_value(assets, "THB ๑,๕๐๐,๐๐๐") == Value(150_000_000, "THB")
    assert parse_value(assets, "USD ١٬٢٠٠٫٥") == Value(120_050, "USD")
    assert parse_value(assets, "๐") == Value(0, "")


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("dua belas", "id", 12),
        ("Dua-Belas", "id", 12),
        ("seribu", "id", 1000),
        ("สิบสอง", "th", 12),
        ("สามร้อยสี่สิบห้า", "th", 345),
        ("mười hai", "vi", 12),
        ("اثنا عشر", "ar", 12),
        ("ثلاثمائة وخمسة وأربعون", "ar", 345),  # "و" joined or apart, hamza or not
        ("বারো", "bn", 12),
        ("دوازده", "fa_AF", 12),
        ("twelve", "th", 12),  # English words for everyone
    ],
)
def test_number_words_in_the_readers_language(text: str, language: str, value: int) -> None:
    assert parse_whole(text, language=language) == value


def test_number_words_only_in_ones_own_language() -> None:
    with pytest.raises(UserError, match="can't read 'dua belas'"):
        parse_whole("dua belas", language="th")
    assert read_words("dua belas", "ms") is None  # num2words lacks Malay: digits only
    assert read_words("kaksitoista", "fil") is None  # not Finnish for a Filipino reader
    assert set(word_languages()) == {"ar", "bn", "fa_AF", "id", "th", "vi"}


def test_a_guided_answer_in_words_and_digits_of_the_language() -> None:
    arrests = SCHEMA.by_key["arrests"]
    assert parse_answer(arrests, "dua belas", "id") == Value(12)
    assert parse_answer(arrests, "৪ joint with MY op:X-1", "bn") == Value(4, "", "", "X-1", "MY")


def test_labels_and_aliases_of_every_language_are_read() -> None:
    assert parse_line(SCHEMA, "จับกุม ๑๐; ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคุ้มครองช่วยเหลือ 6") == {
        "arrests": Value(10),
        "victims_assisted": Value(6),
    }
    assert parse_line(SCHEMA, "الاعتقالات: ١٬٢٠٠، أوامر التفتيش ٣") == {
        "arrests": Value(1200),
        "search_warrants": Value(3),
    }
    assert parse_line(SCHEMA, "গ্রেপ্তার ৪") == {"arrests": Value(4)}
    with pytest.raises(UserError, match="Arrests is given twice"):
        parse_line(SCHEMA, "গ্রেপ্তার ৪, arrests 5")  # one figure, whichever language names it


def test_a_label_is_shown_in_the_readers_language() -> None:
    arrests = SCHEMA.by_key["arrests"]
    assert arrests.label == "Arrests" and arrests.label_for("en") == "Arrests"
    assert arrests.label_for("th") == "การจับกุม" and arrests.label_for("vi") == "Bắt giữ"
    assert arrests.label_for("xx") == "Arrests"  # a language without a label: English
    assert render(arrests.text, "ar") == "الاعتقالات"
    with pytest.raises(UserError) as caught:
        parse_line(SCHEMA, "จับกุม -1")
    assert "• การจับกุม: -1" in render(caught.value.text, "th")
    assert "Arrests: -1 is negative" in str(caught.value)
    for dash in ("-", "+"):  # a dash for "none" is no number at all, not a negative one
        with pytest.raises(UserError) as caught:
            parse_line(SCHEMA, f"arrests {dash}")
        assert f"I can't read '{dash}' as a number" in str(caught.value), caught.value


def test_shipped_labels_in_thai_arabic_and_bengali() -> None:
    for metric in DEFAULT_METRICS:
        assert {lang for lang, _text in metric.labels} >= {"th", "ar", "bn"}, metric.key


TOML_BASE = """
[[countries]]
code = "TH"
name = "Thailand"
timezone = "Asia/Bangkok"
"""


def test_a_metric_label_may_be_a_table_by_language() -> None:
    settings = parse_settings(
        "[[metric_sets.mine]]\n"
        'key = "arrests"\n'
        'label = { en = "Arrests", th = "จับกุม", "fa-AF" = "بازداشت" }\n'
        'aliases = { en = ["held"], th = ["การจับกุม"] }\n' + TOML_BASE
    )
    [metric] = settings.metric_sets["mine"]
    assert metric.label == "Arrests" and metric.label_for("fa_AF") == "بازداشت"
    assert set(metric.aliases) == {"held", "การจับกุม"}
    schema = Schema((metric,))
    assert schema.find("จับกุม") is schema.find("HELD") is schema.find("การจับกุม") is metric


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ('label.th = "จับกุม"', "label.en"),
        ('label.en = "Arrests"\nlabel.xx = "?"', "label.xx: not a language"),
    ],
)
def test_a_label_table_is_checked(label: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_settings(f'[[metric_sets.mine]]\nkey = "arrests"\n{label}\n' + TOML_BASE)


def test_one_name_in_two_languages_of_one_set_is_refused() -> None:
    clash = (
        '[[metric_sets.mine]]\nkey = "arrests"\nlabel.en = "Arrests"\nlabel.th = "จับกุม"\n'
        '[[metric_sets.mine]]\nkey = "detained"\nlabel = "Detained"\naliases.th = ["จับกุม"]\n'
    )
    with pytest.raises(ConfigError, match="the name 'จับกุม' is used twice"):
        parse_settings(clash + TOML_BASE)


def test_a_snapshot_keeps_its_labels() -> None:
    for metric in DEFAULT_METRICS:
        assert Metric.model_validate(metric.model_dump(mode="json")) == metric


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("1.200", "id", 1200),  # Indonesian, Vietnamese and Pashto group thousands with dots
        ("1.500.000", "id", 1_500_000),
        ("12.345", "vi", 12_345),
        ("۱.۲۰۰", "ps", 1200),
        ("۱٬۲۰۰", "ps", 1200),  # the Arabic thousands separator is one in every language
        ("1,50,000", "hi", 150_000),  # Hindi, Bengali, Tamil, Dhivehi group by lakh and crore
        ("১,৫০,০০০", "bn", 150_000),
        ("1,23,45,678", "ta", 12_345_678),
        ("150,000", "hi", 150_000),  # and by thousands too
        ("1,200", "en", 1200),
    ],
)
def test_numbers_are_read_as_the_readers_language_writes_them(
    text: str, language: str, value: int
) -> None:
    assert parse_whole(text, language=language) == value


@pytest.mark.parametrize(
    ("text", "language", "hint"),
    [
        ("1,200", "id", "1200 atau 1.200"),  # 1.2 or 1200: asked, not guessed
        ("1.200", "en", "write 1200 or 1,200 if you mean thousands"),
        ("1,50,000", "en", "grouped in threes (1,200)"),  # lakhs only where the reader writes them
        ("1,50,000", "th", "(1,200)"),
        ("1,5", "vi", "1,5 không phải số nguyên"),
        ("12 people", "bn", "১,২০০"),  # the example in the reader's digits and grouping
    ],
)
def test_a_number_in_another_style_is_refused_with_the_readers_own_example(
    text: str, language: str, hint: str
) -> None:
    with pytest.raises(UserError) as refused:
        parse_whole(text, language=language)
    assert hint in render(refused.value.text, language)


def test_money_is_read_as_the_readers_language_writes_it() -> None:
    assert parse_kind("money", "IDR 1.500.000,50", "id") == Value(150_000_050, "IDR")
    assert parse_kind("money", "INR 1,50,000.75", "hi") == Value(15_000_075, "INR")
    assert parse_kind("money", "25.000 USD", "vi") == Value(2_500_000, "USD")
    assert parse_kind("money", "AFN ۱٬۵۰۰٫۵۰", "ps") == Value(150_050, "AFN")
    with pytest.raises(UserError) as refused:
        parse_kind("money", "USD 25,000", "id")  # 25 or 25 thousand, for an Indonesian
    said = render(refused.value.text, "id")  # both readings, written their way
    assert "USD 25.000 " in said and "USD 25,00 " in said, said


def test_the_shipped_figures_are_named_in_every_members_language() -> None:
    assert parse_line(SCHEMA, "bắt giữ 10, nạn nhân 6") == {  # Vietnamese, as typed
        "arrests": Value(10),
        "victims_assisted": Value(6),
    }
    assert parse_line(SCHEMA, "penangkapan 7") == {"arrests": Value(7)}  # Indonesian
    for metric in DEFAULT_METRICS:  # a label in each of the bot's languages
        assert {lang for lang, _ in metric.labels} >= set(LANGUAGES) - {"en"}, metric.key


def test_dari_names_match_as_keyboards_type_them() -> None:
    # with the zero-width non-joiner, without it, and with an Arabic keyboard's ي and ك
    for typed in ("گرفتاری\u200cها 5", "گرفتاریها 5", "گرفتاريها 5"):
        assert parse_line(SCHEMA, typed) == {"arrests": Value(5)}, typed


def test_a_count_may_carry_its_unit_as_people_write_it() -> None:
    """Thai counts take a classifier ("5 คน", five persons); it was refused."""
    assert parse_line(SCHEMA, "จับกุม 5 คน, ผู้เสียหาย ๓ ราย", "th") == {
        "arrests": Value(5),
        "victims_assisted": Value(3),
    }
    assert parse_line(SCHEMA, "arrests 5 people, victims assisted five persons") == {
        "arrests": Value(5),
        "victims_assisted": Value(5),
    }
    with pytest.raises(UserError, match="can't read '5 boats'"):
        parse_line(SCHEMA, "arrests 5 boats")  # not a unit of people or cases: refused


@pytest.mark.parametrize("language", ["en", "vi", "id", "hi"])
@pytest.mark.parametrize("text", ["9,000,001", "9.000.001"])
def test_a_number_grouped_twice_is_whole_in_either_style(text: str, language: str) -> None:
    # two separators of one kind grouping threes can be no decimal: a Vietnamese reader's
    # 9,000,001 (as English writes it) was "write it with digits", though it was digits
    assert parse_whole(text, language=language) == 9_000_001


@pytest.mark.parametrize(("text", "language"), [("1.200", "en"), ("1,200", "vi")])
def test_one_separator_the_other_way_is_still_ambiguous(text: str, language: str) -> None:
    with pytest.raises(UserError, match="ambiguous"):
        parse_whole(text, language=language)
