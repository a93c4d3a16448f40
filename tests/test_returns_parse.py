"""Unit tests: numbers as people type them, figures with currencies, the one-line return."""

import pytest

from bot.errors import UserError
from bot.numbers import in_text, parse_whole, sentence_start, words
from bot.returns.metric_values import Value, parse_value, show
from bot.returns.metrics import DEFAULT_METRICS, Schema, duplicate_name
from bot.returns.parse import parse_line

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
        ("1e9", "in full"),
        ("٣", "digits 0-9"),
        ("３", "digits 0-9"),
        ("½", "digits 0-9"),
        ("over 70", "exact"),
        ("about 5", "exact"),
        ("lots", "can't read"),
        ("twenty twenty", "can't read"),
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
    assert "Did you mean 'arrests'" in text
    assert "negative" in text and "not a whole number" in text and "digits 0-9" in text
    assert "I don't know 'foo bar'. The figures are: persons_convicted" in text


def test_near_misses_get_a_did_you_mean() -> None:
    for typo, meant in (
        ("victms asisted 4", "trafficked persons assisted"),
        ("serch warants 2", "search warrants executed"),
        ("awarness 3", "awareness-raising activities"),
    ):
        with pytest.raises(UserError, match=f"Did you mean '{meant}'"):
            parse_line(SCHEMA, typo)


def test_a_figure_given_twice_is_refused() -> None:
    with pytest.raises(UserError, match="given twice"):
        parse_line(SCHEMA, "arrests 3, arrest 4")


def test_shipped_metric_names_are_unambiguous() -> None:
    assert duplicate_name(DEFAULT_METRICS) is None
    keys = {m.key for m in DEFAULT_METRICS}
    assert {"financial_investigations", "assets_restrained", "mla_requests"} <= keys
