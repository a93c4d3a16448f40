"""Dari and Pashto readers see dates in the Solar Hijri calendar, as Afghan officials date
things (CLDR's calendar preference for Afghanistan: "persian gregorian"), with the Gregorian
date after it in brackets, and may type them so; other readers, the store, the audit and the
report files keep Gregorian dates. Expected dates checked against persiantools: 2026-04-04 is
15 Hamal 1405, 2027-02-07 is 18 Dalw 1405."""

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.i18n import _, render
from bot.periods.parse import parse_day, parse_open_args
from tests.returns_support import PERIOD, running
from tests.test_thai_buddhist_era import workbook_cells

KABUL = timezone(timedelta(hours=4, minutes=30))
AFGHAN_PERIOD = PERIOD.model_copy(update={"countries": ("AF", "TH")})
"""JPA-9 (monthly windows from January 2027, W1 due 7 February) with Afghanistan in it."""


def test_dates_and_times_are_solar_hijri_then_gregorian_for_dari_and_pashto_readers() -> None:
    sent = datetime(2026, 4, 4, 14, 30, tzinfo=UTC)
    due = _("Due {day}, sent {at}.", day=date(2026, 4, 4), at=sent)
    # Dari: CLDR's medium date (d MMM y) with the Afghan month, then "{1}،‏ {0}" and the time
    assert render(due, "fa_AF") == (
        "Due ۱۵ حمل ۱۴۰۵ (۴ اپریل ۲۰۲۶), sent ۱۵ حمل ۱۴۰۵ (۴ اپریل ۲۰۲۶)،\u200f ۱۴:۳۰."
    )
    # Pashto: the same order, its own month names, "{1} {0}" before the time
    assert render(due, "ps") == (
        "Due ۱۵ وری ۱۴۰۵ (۴ اپریل ۲۰۲۶), sent ۱۵ وری ۱۴۰۵ (۴ اپریل ۲۰۲۶) ۱۴:۳۰."
    )
    # the sixth month as CLDR writes it in a date (the ezafe joining it to the year)
    assert render(_("{day}", day=date(2026, 9, 1)), "fa_AF") == "۱۰ سنبلهٔ ۱۴۰۵ (۱ سپتمبر ۲۰۲۶)"
    assert render(_("{day}", day=date(2027, 2, 7)), "ps") == "۱۸ سلواغه ۱۴۰۵ (۷ فبروري ۲۰۲۷)"
    # other readers unchanged: English, Thai's Buddhist Era, right to left or own digits
    assert render(due, "en") == "Due Apr 4, 2026, sent Apr 4, 2026, 14:30."
    assert render(due, "th") == "Due 4 เม.ย. 2569, sent 4 เม.ย. 2569 14:30 น.."
    for language in ("ar", "ur", "dv", "bn"):
        shown = render(due, language)
        assert "1405" not in shown and "١٤٠٥" not in shown and "۱۴۰۵" not in shown, shown
        assert "حمل" not in shown and "(" not in shown, shown


def test_nowruz_begins_the_solar_hijri_year() -> None:
    """20 March 2026 is the last day of 1404 (29 Hut), 21 March the first of 1405 (1 Hamal);
    1403 was a leap year, its Hut 30 days long (20 March 2025)."""
    assert render(_("{day}", day=date(2026, 3, 20)), "fa_AF") == "۲۹ حوت ۱۴۰۴ (۲۰ مارچ ۲۰۲۶)"
    assert render(_("{day}", day=date(2026, 3, 21)), "fa_AF") == "۱ حمل ۱۴۰۵ (۲۱ مارچ ۲۰۲۶)"
    assert render(_("{day}", day=date(2026, 3, 20)), "ps") == "۲۹ کب ۱۴۰۴ (۲۰ مارچ ۲۰۲۶)"
    assert render(_("{day}", day=date(2026, 3, 21)), "ps") == "۱ وری ۱۴۰۵ (۲۱ مارچ ۲۰۲۶)"
    assert render(_("{day}", day=date(2025, 3, 20)), "fa_AF") == "۳۰ حوت ۱۴۰۳ (۲۰ مارچ ۲۰۲۵)"
    # a moment is dated in its own zone: a minute before midnight in Kabul is still 1404
    eve = datetime(2026, 3, 20, 23, 59, tzinfo=KABUL)
    assert render(_("{at}", at=eve), "fa_AF") == "۲۹ حوت ۱۴۰۴ (۲۰ مارچ ۲۰۲۶)،\u200f ۲۳:۵۹"
    assert render(_("{at}", at=eve + timedelta(minutes=1)), "ps") == (
        "۱ وری ۱۴۰۵ (۲۱ مارچ ۲۰۲۶) ۰۰:۰۰"
    )


def test_a_typed_solar_hijri_date_is_read_as_the_gregorian_one() -> None:
    assert parse_day("1405-01-15") == date(2026, 4, 4) == parse_day("2026-04-04")
    assert parse_day(" 14050115 ") == date(2026, 4, 4)  # ISO's basic form too
    assert parse_day("۱۴۰۵-۰۱-۱۵") == date(2026, 4, 4)  # in the digits Dari and Pashto write
    assert parse_day("1404-12-29") == date(2026, 3, 20)  # the day before Nowruz
    assert parse_day("1403-12-30") == date(2025, 3, 20)  # 1403 is a leap year
    assert parse_day("1405-06-31") == date(2026, 9, 22)  # the first six months have 31 days
    for missing in ("1404-12-30", "1405-07-31", "1405-13-01", "1405-00-10"):
        with pytest.raises(UserError, match="is not a date"):
            parse_day(missing)
    fields = parse_open_args('JPA-5 "Fifth JPA" 1405-12-10 1406-05-09 monthly AF', ["AF"])
    assert (fields["starts_on"], fields["ends_on"]) == ("2027-03-01", "2027-07-31")


async def test_dari_focal_point_sees_solar_hijri_deadlines(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(AFGHAN_PERIOD,))
    await bot.say("af-fp", "/language fa_AF")
    [listing] = await bot.say("af-fp", "/deadline")
    w1 = "۱۱ جدی ۱۴۰۵ (۱ جنو ۲۰۲۷) – ۱۱ دلو ۱۴۰۵ (۳۱ جنو ۲۰۲۷)"
    assert w1 in listing and "۱۸ دلو ۱۴۰۵ (۷ فبروری ۲۰۲۷)" in listing, listing
    await bot.say("af-fp", "/language ps")
    [pashto] = await bot.say("af-fp", "/deadline")
    assert "۱۸ سلواغه ۱۴۰۵ (۷ فبروري ۲۰۲۷)" in pashto, pashto
    [english] = await bot.say("th-fp", "/deadline")  # another reader: unchanged
    assert "W1 Jan 1, 2027 – Jan 31, 2027: due Feb 7, 2027" in english
    await bot.stop()


async def test_dari_cochair_moves_a_deadline_in_solar_hijri(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(AFGHAN_PERIOD,))
    await bot.say("nz-cochair", "/language fa_AF")
    [moved, *_rest] = await bot.say("nz-cochair", "/deadline W1 1405-11-30")  # 30 Dalw
    assert "۳۰ دلو ۱۴۰۵ (۱۹ فبروری ۲۰۲۷)" in moved, moved  # echoed in their own form
    assert "now due on Feb 19, 2027" in bot.last("th-fp")  # an English reader: Gregorian
    due = await bot.rows("SELECT due_on FROM period_windows WHERE period = 'JPA-9' AND seq = 1")
    assert due == [("2027-02-19",)]
    audit = await bot.rows("SELECT detail FROM audit WHERE action = 'period.deadline'")
    assert audit == [("2027-02-07 -> 2027-02-19",)]
    await bot.stop()


async def test_report_files_stay_gregorian_for_a_dari_reader(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(AFGHAN_PERIOD,))
    await bot.say("nz-cochair", "/language fa_AF")
    await bot.say("nz-cochair", "/deadline W1 1405-11-30")
    cells = await workbook_cells(bot, "nz-cochair", "/report xlsx JPA-9")
    assert "W1 (due 2027-02-19)" in cells, cells
    assert not [c for c in cells if "1405" in c or "۱۴۰۵" in c or "دلو" in c]
    await bot.stop()
