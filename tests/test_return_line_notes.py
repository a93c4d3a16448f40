"""The one-line return's notes and commas: a text figure (notes) takes the rest of the line,
commas, semicolons, numbers and figure names included, so no word of a note is read as a
figure; figures written without commas are read where they split one way only, and otherwise
the answer asks for commas instead of blaming the number."""

from pathlib import Path

import pytest

from bot.errors import UserError
from bot.returns.metric_values import Value
from bot.returns.metrics import DEFAULT_METRICS, Metric, Schema
from bot.returns.parse import parse_line
from tests.harness import Harness
from tests.returns_support import counts, running

SCHEMA = Schema(DEFAULT_METRICS)
COMMAS = "please separate figures with commas, e.g. arrests 10, victims assisted 6"


def buttons(bot: Harness) -> list[tuple[str, str]]:
    return [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]


# --- notes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "note", "arrests"),
    [  # as focal points typed them on the console: the note was cut, or read as figures
        ("arrests 1, notes: Raid in Songkhla, 2 victims", "Raid in Songkhla, 2 victims", True),
        ("notes: Raid in Songkhla, two boats seized", "Raid in Songkhla, two boats seized", False),
        (
            "notes: Raid near the border, officers from both sides",
            "Raid near the border, officers from both sides",
            False,
        ),
        ("arrests 1, notes: hello; world", "hello; world", True),
    ],
)
async def test_a_note_is_kept_whole_and_invents_no_figure(
    tmp_path: Path, line: str, note: str, arrests: bool
) -> None:
    bot = await running(tmp_path)
    [summary] = await bot.say("th-fp", f"/return W1 {line}")
    assert f"\nNotes: {note}\n" in summary
    given = {m.label for m in DEFAULT_METRICS if f"\n{m.label}: " in summary}
    assert given == {"Notes", *(["Arrests"] if arrests else [])}  # nothing invented
    await bot.say("th-fp", "/return W1 victims 0, arrests 1")  # the required ones, to confirm
    [done] = await bot.press("th-fp", "/return JPA-9 W1 confirm")
    assert "is submitted" in done
    stored = await bot.rows("SELECT text FROM return_values WHERE metric = 'notes'")
    assert stored == [(note,)]
    assert await bot.rows("SELECT COUNT(*) FROM return_values WHERE amount > 1") == [(0,)]
    await bot.stop()


def test_a_note_runs_to_the_end_with_figures_before_it() -> None:
    assert parse_line(
        SCHEMA,
        "arrests 1,200, victims assisted 6; notes: raid at 10:30; 3 arrests, seized USD 500,\n"
        "officers trained 40 in the week",
    ) == {
        "arrests": Value(1200),
        "victims_assisted": Value(6),
        "notes": Value(
            None, "", "raid at 10:30; 3 arrests, seized USD 500,\nofficers trained 40 in the week"
        ),
    }
    assert parse_line(SCHEMA, "arrests 2 comment = a note, with 2 commas, ok") == {
        "arrests": Value(2),  # a note without a comma before its name, "=" for its colon
        "notes": Value(None, "", "a note, with 2 commas, ok"),
    }
    assert parse_line(SCHEMA, "จับกุม ๑๐, หมายเหตุ: บุกค้น, ๒ ราย") == {
        "arrests": Value(10),
        "notes": Value(None, "", "บุกค้น, ๒ ราย"),
    }
    assert parse_line(SCHEMA, "arrests 3\nnotes:\nRaid in Songkhla, 2 boats;") == {
        "arrests": Value(3),  # the separators around a note are not part of it
        "notes": Value(None, "", "Raid in Songkhla, 2 boats"),
    }


def test_a_note_after_the_figures_it_names_is_not_read_as_them() -> None:
    # a note naming the figure again: not "given twice", and the note keeps its words
    assert parse_line(SCHEMA, "victims 2, notes: victims 2 were assisted by an NGO; note: NGO") == {
        "victims_assisted": Value(2),
        "notes": Value(None, "", "victims 2 were assisted by an NGO; note: NGO"),
    }
    with pytest.raises(UserError, match="Notes: the text is empty"):
        parse_line(SCHEMA, "arrests 3, notes:;")


TWO_TEXTS = Schema(
    (
        *DEFAULT_METRICS,
        Metric(key="operation", label="Operation", aliases=("operation name",), kind="text"),
    )
)


def test_with_two_text_figures_each_runs_to_the_others_name_and_colon() -> None:
    assert parse_line(
        TWO_TEXTS, "arrests 2, operation: Sea Shield, phase 2, notes: raid, 3 boats seized"
    ) == {
        "arrests": Value(2),
        "operation": Value(None, "", "Sea Shield, phase 2"),
        "notes": Value(None, "", "raid, 3 boats seized"),
    }
    assert parse_line(TWO_TEXTS, "notes: raid; operation name = Sea Shield\nPhase 2") == {
        "notes": Value(None, "", "raid"),
        "operation": Value(None, "", "Sea Shield\nPhase 2"),
    }
    # without a colon, the other text figure's name is part of the note
    assert parse_line(TWO_TEXTS, "notes: raid, operation Sea Shield") == {
        "notes": Value(None, "", "raid, operation Sea Shield"),
    }


async def test_a_note_reads_the_same_one_line_and_guided(tmp_path: Path) -> None:
    note = "Raid in Songkhla, 2 victims; officers from both sides"
    bot = await running(tmp_path)
    [line] = await bot.say("th-fp", f"/return W1 arrests 1, victims 0, notes: {note}")
    await bot.press("th-fp", "/return JPA-9 W1 confirm")

    await bot.say("my-fp", "/return")
    guided = ""
    for _ in range(20):
        labels = [label for label, _ in buttons(bot)]
        if "Confirm" in labels:
            break
        if "Notes?" in bot.last("my-fp"):
            [guided] = await bot.say("my-fp", note)
        elif "Skip" in labels:
            await bot.press("my-fp", "/return JPA-9 W1 skip")
        else:
            await bot.say("my-fp", "1" if "Arrests?" in bot.last("my-fp") else "0")
    await bot.press("my-fp", "/return JPA-9 W1 confirm")

    assert f"\nNotes: {note}\n" in line and f"\nNotes: {note}\n" in guided
    for summary in (line, guided):
        assert "\nArrests: 1\n" in summary and "\nTrafficked persons assisted: 0\n" in summary
        assert "Officers trained:" not in summary
    stored = await bot.rows(
        "SELECT r.country, v.text FROM return_values v JOIN returns r ON r.id = v.return_id "
        "WHERE v.metric = 'notes' ORDER BY r.country"
    )
    assert stored == [("MY", note), ("TH", note)]
    await bot.stop()


# --- figures without commas -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("arrests 10 victims 2", {"arrests": Value(10), "victims_assisted": Value(2)}),
        ("10 arrests 2 victims", {"arrests": Value(10), "victims_assisted": Value(2)}),
        (
            "arrests twelve thousand victims assisted forty two suspects 1,200",
            {
                "arrests": Value(12_000),
                "victims_assisted": Value(42),
                "suspects_identified": Value(1200),
            },
        ),
        ("จับกุม ๑๒ ผู้ต้องสงสัย ๑,๒๐๐", {"arrests": Value(12), "suspects_identified": Value(1200)}),
        (
            "الاعتقالات ١٢ أوامر التفتيش ١٬٢٠٠",
            {"arrests": Value(12), "search_warrants": Value(1200)},
        ),
        (
            "arrests: 4 joint with MY op:SONGKHLA-3 seized USD 25,000 officers trained=7",
            {
                "arrests": Value(4, "", "", "SONGKHLA-3", "MY"),
                "assets_restrained": Value(2_500_000, "USD"),
                "officers_trained": Value(7),
            },
        ),
        (
            "arrests 1 victims 2, search warrants 3 notes: raid, 4 boats",
            {
                "arrests": Value(1),
                "victims_assisted": Value(2),
                "search_warrants": Value(3),
                "notes": Value(None, "", "raid, 4 boats"),
            },
        ),
    ],
)
def test_figures_without_commas_are_read_where_they_split_one_way(
    line: str, values: dict[str, Value]
) -> None:
    assert parse_line(SCHEMA, line) == values


def test_words_in_the_readers_language_without_commas() -> None:
    assert parse_line(SCHEMA, "penangkapan dua belas korban 3", "id") == {
        "arrests": Value(12),
        "victims_assisted": Value(3),
    }


@pytest.mark.parametrize(
    "line",
    [
        "arrests 10 victims",  # a figure without its value
        "arrests 10 6 victims",  # names on both sides
        "arrests forty two victims",  # 42 arrests, or 40 arrests and 2 victims?
        "arrests 10 victims assisted",
    ],
)
def test_figures_that_do_not_split_one_way_ask_for_commas(line: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_line(SCHEMA, line)
    text = str(refused.value)
    assert f"I can't tell where each figure ends in '{line}'; {COMMAS}" in text
    assert "as a number" not in text  # the number is not to blame


def test_a_wrong_figure_among_several_is_named_as_it_would_be_alone() -> None:
    with pytest.raises(UserError) as refused:
        parse_line(SCHEMA, "arrests 10 victims -2 suspects 1.5, search warrants 2")
    text = str(refused.value)
    assert "• Trafficked persons assisted: -2 is negative" in text
    assert "• Suspects identified: 1.5 is not a whole number" in text
    assert "commas" not in text
    with pytest.raises(UserError, match="Arrests is given twice"):
        parse_line(SCHEMA, "arrests 10 arrest 3")


async def test_a_line_without_commas_by_chat(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    [refused] = await bot.say("th-fp", "/return W1 arrests 10 6 victims")
    assert refused == (
        "Nothing was saved. Please fix:\n"
        f"• I can't tell where each figure ends in 'arrests 10 6 victims'; {COMMAS}"
    )
    assert await counts(bot) == before

    [summary] = await bot.say("th-fp", "/return W1 arrests 10 victims 2")
    assert "\nTrafficked persons assisted: 2\nArrests: 10\n" in summary
    assert "Confirm to submit." in summary
    await bot.press("th-fp", "/return JPA-9 W1 confirm")
    values = await bot.rows("SELECT metric, amount FROM return_values ORDER BY metric")
    assert values == [("arrests", 10), ("victims_assisted", 2)]
    await bot.stop()


def test_the_myanmar_section_mark_separates_figures_as_a_comma_does() -> None:
    """Myanmar readers see lists parted by "၊" and write figures so."""
    assert parse_line(SCHEMA, "arrests 3\u104a victims 2", "my") == {
        "arrests": Value(3),
        "victims_assisted": Value(2),
    }


def test_a_figure_typed_after_the_note_is_a_figure_not_its_words() -> None:
    """Figures typed after a note were kept as its text: "notes: first note here, arrests 3"
    left arrests as it was, silently. A part after a separator that is a figure named first
    ends the note; a number in the note's prose ("2 victims", "arrests 3 expected") does not."""
    joint = parse_line(SCHEMA, "officers trained 40 joint with MY op:X-1")["officers_trained"]
    assert parse_line(SCHEMA, "notes: raid, 2 boats, officers trained 40 joint with MY op:X-1") == {
        "notes": Value(None, "", "raid, 2 boats"),
        "officers_trained": joint,
    }
    assert parse_line(SCHEMA, "arrests 5\nnotes: line one\nline two, victims 3") == {
        "arrests": Value(5),
        "notes": Value(None, "", "line one\nline two"),
        "victims_assisted": Value(3),
    }
    assert parse_line(
        SCHEMA,
        "\u0e1a\u0e31\u0e19\u0e17\u0e36\u0e01: x, \u0e08\u0e31\u0e1a\u0e01\u0e38\u0e21 9",
        "th",
    ) == {
        "notes": Value(None, "", "x"),
        "arrests": Value(9),
    }
    assert parse_line(SCHEMA, "notes: suspects fled, arrests 3 expected next week") == {
        "notes": Value(None, "", "suspects fled, arrests 3 expected next week"),
    }
    with pytest.raises(UserError, match="Arrests is given twice"):
        parse_line(SCHEMA, "arrests 5, notes: first note here, arrests 3")
    # a figure-like part with the note's words after it is the note's
    assert parse_line(SCHEMA, "notes: raid, seized USD 500, officers came at 10") == {
        "notes": Value(None, "", "raid, seized USD 500, officers came at 10"),
    }


def test_an_answer_lists_each_problem_once_and_ten_at_most() -> None:
    """A line repeating one mistake 2,000 times was answered with 2,000 identical lines."""
    with pytest.raises(UserError) as repeated:
        parse_line(SCHEMA, "arrests 1, " * 2000)
    lines = str(repeated.value).split("\n")
    assert lines == [
        "Nothing was saved. Please fix:",
        "• Arrests is given twice (1 and 1); give it once",
    ]
    many = ", ".join(f"arrests -{i}" for i in range(1, 30))
    with pytest.raises(UserError) as distinct:
        parse_line(SCHEMA, many)
    lines = str(distinct.value).split("\n")
    assert len(lines) == 12 and lines[-1] == "…and 19 more problems.", lines
