"""The Solar Hijri calendar, in which Afghan officials date things (1 Hamal 1405 is 21 March
2026): CLDR's calendar preference for Afghanistan is "persian gregorian". Dari and Pashto
readers see the bot's dates in it (:mod:`bot.i18n.message`), and may type them so
(:mod:`bot.periods.parse`). The arithmetic is persiantools'; Babel has no Persian calendar, so
the month names are here, as CLDR writes them."""

from __future__ import annotations

from datetime import date

from persiantools.jdatetime import JalaliDate

SOLAR_HIJRI_MONTHS: dict[str, tuple[str, ...]] = {
    # CLDR fa_AF, persian calendar, format context, wide (the only width it gives the Afghan
    # names in; Iran's Persian has its own: فروردین …). The sixth carries the ezafe a date
    # joins it to its year with (سنبلهٔ); alone it is سنبله.
    "fa_AF": (
        "حمل",
        "ثور",
        "جوزا",
        "سرطان",
        "اسد",
        "سنبلهٔ",
        "میزان",
        "عقرب",
        "قوس",
        "جدی",
        "دلو",
        "حوت",
    ),
    # CLDR ps, persian calendar, format context, wide (every width the same)
    "ps": (
        "وری",
        "غویی",
        "غبرگولی",
        "چنگاښ",
        "زمری",
        "وږی",
        "تله",
        "لړم",
        "لیندۍ",
        "مرغومی",
        "سلواغه",
        "کب",
    ),
}
"""The languages whose readers date in the Solar Hijri calendar, and its twelve months' names
in each: the Afghan ones, named for the signs of the zodiac."""


def solar_hijri(day: date) -> tuple[int, int, int]:
    """A Gregorian date's Solar Hijri year, month and day: (1405, 1, 1) for 2026-03-21."""
    shown = JalaliDate(day)
    return shown.year, shown.month, shown.day


def from_solar_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Solar Hijri one: 2026-04-04 for 15 Hamal 1405. ValueError for a
    day the month does not have (the seventh to the eleventh have 30, the last 29 or 30)."""
    return JalaliDate(year, month, day).to_gregorian()
