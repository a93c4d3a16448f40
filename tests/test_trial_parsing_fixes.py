"""What a new user's trial found in reading dates, figures and broadcasts.

Typed dates take any one script's digits, as figures in returns do (a co-chair who types
Bengali or Arabic-Indic digits was told the date was no date); a due date written in words
is refused as a date, not with the listing's usage; a figure like ``1.000`` is refused with
its own two readings; and ``/broadcast JPA-8`` with two periods open asks what to send.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.i18n import render
from bot.numbers import parse_whole
from bot.periods.parse import answer, parse_day, parse_open_args
from tests.harness import Harness
from tests.returns_support import PERIOD, counts, running


@pytest.mark.parametrize(
    "typed",
    [
        "২০২৭-০২-১৪",  # Bengali
        "٢٠٢٧-٠٢-١٤",  # Arabic-Indic
        "۲۰۲۷-۰۲-۱۴",  # Extended Arabic-Indic (Dari, Pashto, Urdu)
        "၂၀၂၇-၀၂-၁၄",  # Burmese
        "๒๐๒๗-๐๒-๑๔",  # Thai
        "๒๕๗๐-๐๒-๑๔",  # Thai digits and a Buddhist Era year: digits first, then the era
        "২০২৭০২১৪",  # ISO's basic form too
    ],
)
def test_a_date_is_read_in_any_scripts_digits(typed: str) -> None:
    assert parse_day(typed) == date(2027, 2, 14)


def test_a_period_opens_with_dates_in_another_scripts_digits() -> None:
    found = parse_open_args("JPA-5 ২০২৭-০৩-০১ ২০২৭-০৮-৩১ monthly MY", ["MY", "TH"])
    assert (found["starts_on"], found["ends_on"]) == ("2027-03-01", "2027-08-31")
    assert answer("ends_on", "٢٠٢٧-٠٨-٣١", ["MY"]) == {"ends_on": "2027-08-31"}  # guided
    for typed in ("২০২৭-০২-١٤", "14 Jan 2027"):  # two scripts in one date, or words: no date
        with pytest.raises(UserError) as refused:
            parse_day(typed)
        assert str(refused.value) == f"{typed!r} is not a date like 2027-03-01."


@pytest.mark.parametrize("typed", ["W2 ২০২৭-০৩-১৪", "W2 ٢٠٢٧-٠٣-١٤", "JPA-9 W2 ٢٠٢٧-٠٣-١٤"])
async def test_a_cochair_moves_a_deadline_typed_in_other_digits(tmp_path: Path, typed: str) -> None:
    bot = await running(tmp_path)
    [moved] = await bot.say("nz-cochair", f"/deadline {typed}")
    assert "JPA-9 · W2 (Feb 1, 2027 – Feb 28, 2027) is now due on Mar 14, 2027" in moved, moved
    due = await bot.rows("SELECT due_on FROM period_windows WHERE period = 'JPA-9' AND seq = 2")
    assert due == [("2027-03-14",)]
    await bot.stop()


WORDS = {
    "W3 14 Jan 2027": "'14 Jan 2027' is not a date like 2027-03-01.",
    "W3 January 14, 2027": "'January 14, 2027' is not a date like 2027-03-01.",
    "JPA-9 W3 14 Jan 2027": "'14 Jan 2027' is not a date like 2027-03-01.",
    "W3 on 2027-04-14": "'on 2027-04-14' is not a date like 2027-03-01.",
}


async def test_a_due_date_in_words_is_refused_as_a_date(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    for typed, said in WORDS.items():
        assert await bot.say("nz-cochair", f"/deadline {typed}") == [said], typed
        [refused] = await bot.say("th-fp", f"/deadline {typed}")  # the move is the co-chairs'
        assert "is not available to you (it is for co-chairs)" in refused, refused
    assert await counts(bot) == before
    usage = "Use /deadline to list due dates, /deadline JPA-5 for one period"
    for typed in ("W3", "for the next period please"):  # no date to move, no window named
        assert usage in (await bot.say("nz-cochair", f"/deadline {typed}"))[0], typed
    [unknown] = await bot.say("nz-cochair", "/deadline JPA-9 X2 2027-04-14")
    assert unknown.startswith("JPA-9 has no window X2"), unknown
    [listing] = await bot.say("nz-cochair", "/deadline JPA-9")
    assert "W3 Mar 1, 2027 – Mar 31, 2027: due Apr 7, 2027" in listing
    await bot.stop()


@pytest.mark.parametrize(
    ("typed", "language", "hint"),
    [
        ("1.000", "en", "1.000 is ambiguous: write 1000 or 1,000 if you mean thousands"),
        ("2.500", "en", "2.500 is ambiguous: write 2500 or 2,500 if you mean thousands"),
        ("١.٠٠٠", "en", "write 1000 or 1,000 if you mean thousands"),
        ("12.345", "bn", "১২৩৪৫ বা ১২,৩৪৫"),  # the reader's own digits and grouping
    ],
)
def test_a_dotted_figure_is_refused_with_its_own_readings(
    typed: str, language: str, hint: str
) -> None:
    with pytest.raises(UserError) as refused:
        parse_whole(typed, language=language)
    assert hint in render(refused.value.text, language)


async def test_a_dotted_figure_in_a_return_gets_its_own_example(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [refused] = await bot.say("th-fp", "/return W1 arrests 1.000")
    assert "Arrests: 1.000 is ambiguous: write 1000 or 1,000 if you mean thousands" in refused
    assert "1200" not in refused, refused
    await bot.stop()


JPA8 = PERIOD.model_copy(update={"code": "JPA-8", "name": "Eighth Joint Period of Action"})
WHAT = "What should I send? e.g. /broadcast Returns for W1 are due Friday."


async def two_open(tmp_path: Path) -> Harness:
    """JPA-9 and JPA-8 open together, for the same eight countries."""
    return await running(tmp_path, periods=(PERIOD, JPA8))


async def test_broadcast_naming_a_period_without_text_asks_what_to_send(tmp_path: Path) -> None:
    bot = await two_open(tmp_path)
    before = await counts(bot)
    assert await bot.say("nz-cochair", "/broadcast") == [WHAT]
    assert await bot.say("nz-cochair", "/broadcast JPA-8") == [WHAT]
    assert await bot.say("nz-cochair", "/broadcast jpa-9  ") == [WHAT]
    assert await counts(bot) == before  # no draft of the code as news
    [named] = await bot.say("nz-cochair", "/broadcast JPA-8 Returns are due Friday")
    assert "focal points in 8 countries of JPA-8" in named, named
    [unnamed] = await bot.say("nz-cochair", "/broadcast Returns are due Friday")
    assert "2 periods are open (JPA-8, JPA-9); please name one" in unnamed, unnamed
    await bot.stop()


async def test_with_one_period_open_its_code_alone_is_not_broadcast(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    assert await bot.say("nz-cochair", "/broadcast JPA-9") == [WHAT]
    assert await bot.rows("SELECT COUNT(*) FROM broadcast_drafts") == [(0,)]
    await bot.stop()
