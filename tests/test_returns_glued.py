"""A return line as Thai, Myanmar and English-speaking focal points type it: a Thai or Myanmar
name touching its digits (``จับกุม10``, no space, as those scripts write words), and one
figure named in another word order than its label (``trained officers 5``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import UserError
from bot.returns.metric_values import Value, parse_kind
from bot.returns.metrics import DEFAULT_METRICS, Schema
from bot.returns.parse import parse_answer, parse_line
from tests.returns_support import counts, running

SCHEMA = Schema(DEFAULT_METRICS)
COMMAS = "please separate figures with commas, e.g. arrests 10, victims assisted 6"
SONGKHLA = Value(4, "", "", "SONGKHLA-3", "MY")


def refusal(line: str, language: str = "en") -> str:
    with pytest.raises(UserError) as refused:
        parse_line(SCHEMA, line, language)
    return str(refused.value)


# --- a name glued to its number ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("จับกุม10", {"arrests": Value(10)}),
        ("จับกุม๑๐", {"arrests": Value(10)}),
        ("จับกุม10คน", {"arrests": Value(10)}),  # with its classifier
        ("จับกุม๑๐ ราย", {"arrests": Value(10)}),
        ("๑๐จับกุม", {"arrests": Value(10)}),  # the value first
        ("จับกุม:10", {"arrests": Value(10)}),
        ("จับกุม10, ผู้เสียหาย๖ราย", {"arrests": Value(10), "victims_assisted": Value(6)}),
        ("จับกุม10; ผู้ต้องสงสัย1,200", {"arrests": Value(10), "suspects_identified": Value(1200)}),
        ("จับกุม10 ผู้เสียหาย6", {"arrests": Value(10), "victims_assisted": Value(6)}),
        ("จับกุม10คน ผู้เสียหาย๖ราย", {"arrests": Value(10), "victims_assisted": Value(6)}),
        ("จับกุม10ผู้เสียหาย6", {"arrests": Value(10), "victims_assisted": Value(6)}),
        ("ဖမ်းဆီး၁၀", {"arrests": Value(10)}),  # Myanmar, its digits
        ("ဖမ်းဆီး၁၀ဦး၊ လူကုန်ကူးခံရသူ3", {"arrests": Value(10), "victims_assisted": Value(3)}),
        ("ဖမ်းဆီး၁၀ လူကုန်ကူးခံရသူ၃ ယောက်", {"arrests": Value(10), "victims_assisted": Value(3)}),
    ],
)
def test_a_thai_or_myanmar_name_touching_its_number_is_read(
    line: str, values: dict[str, Value]
) -> None:
    assert parse_line(SCHEMA, line, "th") == values
    assert parse_line(SCHEMA, line) == values  # whoever sends it


def test_glued_joint_figures() -> None:
    joint = "joint with MY op:SONGKHLA-3"
    assert parse_line(SCHEMA, f"จับกุม4 {joint}, ผู้เสียหาย6", "th") == {
        "arrests": SONGKHLA,
        "victims_assisted": Value(6),
    }
    assert parse_line(SCHEMA, f"จับกุม4 {joint} ผู้เสียหาย6", "th") == {
        "arrests": SONGKHLA,
        "victims_assisted": Value(6),
    }


def test_the_note_keeps_the_rest_of_the_line_as_typed() -> None:
    """The glued digits are read apart in figures only: a note's words are kept as typed."""
    assert parse_line(SCHEMA, "จับกุม10 ผู้ต้องสงสัย3 หมายเหตุ: บุกค้น2ราย, จับ 3 คน", "th") == {
        "arrests": Value(10),
        "suspects_identified": Value(3),
        "notes": Value(None, "", "บุกค้น2ราย, จับ 3 คน"),
    }
    assert parse_line(SCHEMA, "จับกุม10หมายเหตุ:บุกค้น2ราย", "th") == {
        "arrests": Value(10),
        "notes": Value(None, "", "บุกค้น2ราย"),
    }
    assert parse_line(SCHEMA, "หมายเหตุ: บุกค้น, จับกุม3", "th") == {  # a figure after the note
        "notes": Value(None, "", "บุกค้น"),
        "arrests": Value(3),
    }


def test_a_glued_answer_and_field_are_read_as_a_spaced_one() -> None:
    """The guided return's answers and a form's fields take a classifier touching digits."""
    arrests = SCHEMA.by_key["arrests"]
    assert parse_answer(arrests, "10คน", "th") == Value(10)
    assert parse_kind("count", "๑๐ราย", "th") == Value(10)
    assert parse_kind("count", "၁၀ဦး", "my") == Value(10)


def test_a_wrong_glued_figure_is_named_as_a_spaced_one_would_be() -> None:
    assert "• Arrests: 10.5 is not a whole number" in refusal("จับกุม10.5")
    assert "• Trafficked persons assisted: -2 is negative" in refusal("จับกุม10, ผู้เสียหาย -2")


@pytest.mark.parametrize("line", ["arrests10", "10arrests"])
def test_latin_script_is_read_as_before(line: str) -> None:
    """Latin words are spaced, and codes such as W1 hold digits: nothing is cut there."""
    assert f"I don't know '{line}'" in refusal(line)
    with pytest.raises(UserError):
        parse_kind("count", "5people")


# --- one figure named in another word order ----------------------------------------------------
@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("trained officers 5", {"officers_trained": Value(5)}),
        ("5 trained officers", {"officers_trained": Value(5)}),
        ("trained 5 officers", {"officers_trained": Value(5)}),
        ("officers: trained 5", {"officers_trained": Value(5)}),
        ("assisted victims 3", {"victims_assisted": Value(3)}),
        (
            "trained officers 4 joint with MY op:SONGKHLA-3",
            {"officers_trained": SONGKHLA},
        ),
        ("arrests 2, trained officers 5", {"arrests": Value(2), "officers_trained": Value(5)}),
        ("arrests 2 trained officers 5", {"arrests": Value(2), "officers_trained": Value(5)}),
        ("trained officers 5 arrests 2", {"officers_trained": Value(5), "arrests": Value(2)}),
        ("ผ่านการอบรม เจ้าหน้าที่ 5", {"officers_trained": Value(5)}),
    ],
)
def test_names_of_one_figure_in_another_order_are_that_figure(
    line: str, values: dict[str, Value]
) -> None:
    assert parse_line(SCHEMA, line) == values


@pytest.mark.parametrize(
    "line",
    [
        "rescued victims 5",  # victims rescued, or victims (assisted) and rescued?
        "2 arrests trained officers 5",  # names on both sides of 2 and of 5
    ],
)
def test_names_of_different_figures_still_ask_for_commas(line: str) -> None:
    assert f"I can't tell where each figure ends in '{line}'; {COMMAS}" in refusal(line)


def test_names_of_one_figure_without_a_value_say_it_is_missing() -> None:
    text = refusal("trained officers")
    assert "• Officers trained: the figure is missing (e.g. officers_trained 3)" in text
    assert "commas" not in text
    assert "Arrests is given twice" in refusal("trained officers 5, arrests 1 arrested 2")


# --- by chat ------------------------------------------------------------------------------------
async def test_a_glued_thai_return_by_chat(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/language th")
        [summary] = await bot.say("th-fp", "/return W1 จับกุม10คน ผู้เสียหาย๖ หมายเหตุ: บุกค้น2ราย")
        assert "การจับกุม: 10" in summary and "บุกค้น2ราย" in summary, summary
        await bot.press("th-fp", "/return JPA-9 W1 confirm")
        stored = await bot.rows("SELECT metric, amount, text FROM return_values ORDER BY metric")
        assert stored == [
            ("arrests", 10, None),
            ("notes", None, "บุกค้น2ราย"),
            ("victims_assisted", 6, None),
        ]
    finally:
        await bot.stop()


async def test_trained_officers_by_chat(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        before = await counts(bot)
        [refused] = await bot.say("th-fp", "/return W1 rescued victims 5")
        assert COMMAS in refused
        assert await counts(bot) == before

        [summary] = await bot.say("th-fp", "/return W1 trained officers 5, arrests 1, victims 0")
        assert "\nOfficers trained: 5\n" in summary, summary
        await bot.press("th-fp", "/return JPA-9 W1 confirm")
        stored = await bot.rows("SELECT metric, amount FROM return_values ORDER BY metric")
        assert stored == [("arrests", 1), ("officers_trained", 5), ("victims_assisted", 0)]
    finally:
        await bot.stop()
