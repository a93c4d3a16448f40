"""Reading ``/period open`` arguments, in one line or one answer at a time.

In one line the words are recognised by their shape, in any order: the code (``JPA-5``,
``JPA-BIG``: capitals with a digit or a hyphen, as bot.toml accepts), the name in quotes,
two ISO dates (first and last day), the cadence (``final``, ``monthly``, ``quarterly``),
two-letter country codes (or ``all``) and, optionally, ``signoff``. What is missing is then
asked for, one question at a time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from bot.errors import UserError
from bot.i18n import Msg, _
from bot.i18n.message import BUDDHIST_ERA
from bot.i18n.solar_hijri import from_solar_hijri
from bot.numbers import latin_digits
from bot.periods.configured import CODE_PATTERN
from bot.text import NAME_LIMIT, country_code

FIELDS = ("code", "name", "starts_on", "ends_on", "cadence", "countries")
CADENCES = ("final", "monthly", "quarterly")
OTHER_CADENCES = frozenset(
    {"weekly", "daily", "fortnightly", "biweekly", "yearly", "annual", "annually", "semiannual"}
)
QUESTIONS: dict[str, Msg] = {
    "code": _("What is the period's code? (e.g. JPA-5)"),
    "name": _("What is its name? (e.g. Fifth Joint Period of Action)"),
    "starts_on": _("Its first day? (YYYY-MM-DD, e.g. 2027-03-01)"),
    "ends_on": _("Its last day? (YYYY-MM-DD)"),
    "cadence": _("Returns: one final return, or monthly or quarterly returns?"),
    "countries": _("Which countries take part? Two-letter codes (e.g. AU ID MY TH), or 'all'."),
}
SIGNOFF_WORDS = {"signoff": True, "sign-off": True, "nosignoff": False, "no-signoff": False}
"""National sign-off asked for (a deputy's return counts once the focal point approves it),
or dropped again before the period opens."""
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
_CODE = re.compile(CODE_PATTERN)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Fields = dict[str, object]


def parse_open_args(text: str, countries: Iterable[str]) -> Fields:
    """The fields given in one line; UserError for a word that fits none of them."""
    known = set(countries)
    fields: Fields = {}
    name = _QUOTED.search(text)
    if name:
        fields["name"] = (name[1] or name[2]).strip()
        text = _QUOTED.sub(" ", text)
    for word in re.split(r"[\s,;]+", text.strip()):
        if word:
            _place(fields, word, known)
    return fields


def _place(fields: Fields, word: str, known: set[str]) -> None:
    lower, upper = word.lower(), word.upper()
    if _DATE.match(word):
        slot = "ends_on" if "starts_on" in fields else "starts_on"
        if "ends_on" in fields:
            raise UserError(_("Give two dates only: the first and the last day."))
        fields[slot] = parse_day(word).isoformat()
    elif lower in CADENCES:
        fields["cadence"] = lower
    elif lower in SIGNOFF_WORDS:
        fields["signoff"] = SIGNOFF_WORDS[lower]  # national sign-off: deputies' returns wait
    elif lower == "all":
        fields["countries"] = sorted(known)
    elif len(word) == 2 and word.isalpha():
        code = _country(country_code(word), known)  # ＴＨ too, as a CJK keyboard types it
        fields["countries"] = sorted({*_list(fields.get("countries")), code})
    elif _looks_like_code(word):
        fields["code"] = upper
    elif lower in OTHER_CADENCES:
        raise UserError(_("Returns can be final, monthly or quarterly, not {word}.", word=lower))
    else:
        raise UserError(
            _(
                "I don't understand {word} here. A code looks like JPA-5, the name goes "
                "in quotes, dates look like 2027-03-01.",
                word=repr(word[:30]),
            )
        )


def _looks_like_code(word: str) -> bool:
    """A new period's code: a digit or a hyphen tells it from a plain word (a one-word name
    still needs quotes)."""
    return code_shaped(word) and (any(c.isdigit() for c in word) or "-" in word)


def code_shaped(word: str) -> bool:
    """Whether ``word`` (any case) could be a period's code as bot.toml accepts one
    (``JPA-5``, ``JPA-MEKONG``, ``JPAMEKONG``): worth looking up as a period."""
    word = unicodedata.normalize("NFKC", word)  # ＪＰＡ－５, as a CJK keyboard types it
    return _CODE.match(word.upper()) is not None and 3 <= len(word) <= 16


def _list(value: object) -> list[str]:
    return list(value) if isinstance(value, list) else []


def _country(code: str, known: set[str]) -> str:
    if code not in known:
        raise UserError(
            _("I don't know the country {code}; /countries lists the codes.", code=code)
        )
    return code


YEARS = range(1990, 2101)
"""The years a period's dates may fall in: a typo like 0001 or 9999 is refused, not computed
with (a due date after 9999-12-31 does not exist)."""

BUDDHIST_ERA_FROM = 2400
"""A typed year of 2400 or more is a Buddhist Era one (Thai readers see dates so: 2569 is
2026), read as its Gregorian year. The parser need not know the reader's language: the years
it takes (:data:`YEARS`, to 2100) are all below 2400, and the Buddhist Era years that land in
them (2533 to 2643) all above, so no date accepted before is read differently now; 2101 to
2532 stay refused either way. Sri Lanka's and Myanmar's Buddhist Era (544 ahead) is no civil
calendar there, and the bot shows those readers Gregorian years."""

SOLAR_HIJRI_YEARS = range(1300, 1500)
"""A typed year from 1300 to 1499 is a Solar Hijri one (Dari and Pashto readers see dates so:
1405-01-15 is 2026-04-04), and its month and day are Solar Hijri ones too: the date is read
as the Gregorian one it is. As for the Buddhist Era, the parser need not know the reader's
language (it is not given it): no year it takes (:data:`YEARS`) is in this range, and these
Solar Hijri years (1921 to 2121) are the only readings of such a date, so anyone's is read
so, and no date accepted before is read differently now."""

_LEADING_YEAR = re.compile(r"^(\d{4})(?=\D|\d{4}$)")
"""The year of an ISO date, ``2569-12-15`` or ``25691215`` (what :meth:`date.fromisoformat`
takes)."""

_SOLAR_HIJRI_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{4})(\d{2})(\d{2})")
"""A Solar Hijri date as ISO's two forms write a day: ``1405-01-15`` or ``14050115``."""


def parse_day(text: str) -> date:
    """An ISO date within :data:`YEARS`, with a clear error; its digits may be any one
    script's (``২০২৭-০২-১৪``, ``٢٠٢٧-٠٢-١٤``), and a Buddhist Era year (``2569-12-15``) is
    read as its Gregorian one (2026-12-15), a Solar Hijri date (``1405-01-15``) as the
    Gregorian date it is (2026-04-04)."""
    typed = text.strip()
    try:
        day = date.fromisoformat(_iso(typed))
    except ValueError:
        raise UserError(_("{text} is not a date like 2027-03-01.", text=repr(typed[:20]))) from None
    if day.year not in YEARS:
        raise UserError(
            _(
                "{day} is outside the years I take ({first} to {last}); please check the date.",
                day=typed,
                first=str(YEARS[0]),
                last=str(YEARS[-1]),
            )
        )
    return day


def _iso(text: str) -> str:
    """``text`` as :meth:`date.fromisoformat` may read it: any one script's decimal digits as
    0-9 (as figures in returns are read), then a Buddhist Era year or a Solar Hijri date as
    the Gregorian one (the year is compared as a number, so the digits come first).
    ValueError for a Solar Hijri date that does not exist (``1405-07-31``)."""
    try:
        latin = latin_digits(text)
    except UserError:  # the digits of two scripts: no date, and refused as one
        return text
    return gregorian(latin)


def gregorian(text: str) -> str:
    """An ISO date with a Buddhist Era year (:data:`BUDDHIST_ERA_FROM`) written with its
    Gregorian one, a Solar Hijri date (:data:`SOLAR_HIJRI_YEARS`) as the Gregorian date it
    is; any other text as it is. The year changes before the date is made: BE 2567 is the leap
    year 2024, so its 29 February exists. ValueError for a Solar Hijri date that does not
    exist."""
    found = _LEADING_YEAR.match(text)
    if found is None:
        return text
    year = int(found[1])
    if year in SOLAR_HIJRI_YEARS:
        return _from_solar_hijri(text)
    if year < BUDDHIST_ERA_FROM:
        return text
    return f"{year - BUDDHIST_ERA['th']:04d}{text[4:]}"


def _from_solar_hijri(text: str) -> str:
    """A Solar Hijri date (``1405-01-15``) as the Gregorian ISO date it is (``2026-04-04``);
    other text with such a year as it is (:meth:`date.fromisoformat` refuses it or reads a
    year :func:`parse_day` refuses). Its day is checked against its own month: the first six
    have 31 days, the next five 30, the last 29 or 30."""
    found = _SOLAR_HIJRI_DAY.fullmatch(text)
    if found is None:
        return text
    year, month, day = (int(part) for part in found.groups() if part is not None)
    return from_solar_hijri(year, month, day).isoformat()


DATE_FIELDS = ("starts_on", "ends_on")


def _a_date(text: str) -> bool:
    """Whether ``text`` is a date at all (one :func:`parse_day` may still refuse)."""
    try:
        date.fromisoformat(_iso(text.strip()))
    except ValueError:
        return False
    return True


def answer(field: str, text: str, countries: Iterable[str]) -> Fields:
    """One guided answer for ``field``."""
    text = text.strip()
    if field == "name":
        if not 1 <= len(text) <= NAME_LIMIT:
            raise UserError(_("Please give a name of up to {limit} characters.", limit=NAME_LIMIT))
        return {"name": text}
    try:
        found = parse_open_args(text, countries)
    except UserError:
        if field not in DATE_FIELDS or _a_date(text):
            raise  # an unknown country code, a year out of range: its own message says more
        found = {}
    if field in DATE_FIELDS and not found.get("starts_on"):
        raise UserError(
            _("{text} is not a date. {question}", text=repr(text[:30]), question=QUESTIONS[field])
        )
    if field == "ends_on" and "starts_on" in found and "ends_on" not in found:
        found = {"ends_on": found.pop("starts_on"), **found}
    if field not in found:
        raise UserError(_("Sorry, that doesn't answer it. {question}", question=QUESTIONS[field]))
    return found


def missing(fields: Fields) -> str | None:
    """The first field still to ask for, or None when the period is complete."""
    return next((f for f in FIELDS if not fields.get(f)), None)


def check_dates(fields: Fields) -> None:
    """UserError when the first and last day (once both are known) contradict each other."""
    if not (fields.get("starts_on") and fields.get("ends_on")):
        return
    first = date.fromisoformat(str(fields["starts_on"]))
    last = date.fromisoformat(str(fields["ends_on"]))
    if last < first:
        raise UserError(_("The last day is before the first day; please check the dates."))
    if (last - first).days > 3 * 366:
        raise UserError(_("A period lasts at most three years; please check the dates."))
