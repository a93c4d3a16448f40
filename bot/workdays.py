"""Each country's working calendar, and each person's quiet hours.

A country works on the days its week does not rest (Afghanistan rests Thursday and Friday,
Bangladesh and the Maldives Friday and Saturday, most members Saturday and Sunday), except on
its public holidays (the ``holidays`` package) and the closures ``bot.toml`` adds. Periods
(due dates), reminders (which days) and request escalation (whose hours count) share it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType

from bot.clock import time_zone
from bot.config import Country, Settings
from bot.i18n import Localised, Text, _
from bot.i18n.languages import nearest_tag

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKEND = frozenset({5, 6})  # Saturday, Sunday: when neither bot.toml nor the package say
# Where the members' practice differs from the holidays package (which gives Afghanistan
# Friday-Saturday): Afghanistan's offices rest on Thursday and Friday.
KNOWN_WEEKENDS = {"AF": frozenset({3, 4})}


def _holidays() -> ModuleType:
    """The holidays package, imported when a calendar first needs it: importing it is a
    tenth of the bot's start, which needs no holiday (see ``preload``)."""
    package = importlib.import_module("holidays")
    with _REGISTERING:  # (``preload`` runs on a thread)
        if "holidays.countries" not in sys.modules:
            _countries_on_demand(package)
    return package


_REGISTERING = threading.Lock()


def _countries_on_demand(package: ModuleType) -> None:
    """Let the package load only the calendars asked for. Its own loader imports one
    country's module on first use, but the ``holidays.countries`` package it lives in
    imports all 250 countries first (17 MiB, a third of the bot's memory), for a group
    that uses a dozen. The package is registered here without running that list; its
    country modules import as usual. Should a later version lay its files out otherwise,
    nothing is registered and the package imports as it always did."""
    spec = importlib.util.find_spec("holidays.countries")
    if spec is None or spec.submodule_search_locations is None:
        return
    countries = importlib.util.module_from_spec(spec)  # its __path__, without running it
    sys.modules["holidays.countries"] = countries
    package.countries = countries  # type: ignore[attr-defined]


def preload() -> None:
    """Import the holidays package ahead of need (on a thread, once the bot is ready), so
    the first due date worked out does not wait for it on the event loop."""
    _holidays()


class HolidayName(Localised):
    """A public holiday's name: English as a ``str``; in the reader's language where the
    holidays package has the country's names in it (Thai for Thailand, Tamil or Sinhala for
    Sri Lanka), else English."""

    code: str
    day: date

    def __new__(cls, name: str, code: str, day: date) -> HolidayName:
        made = super().__new__(cls, name)
        made.code, made.day = code, day
        return made

    def in_language(self, language: str) -> str:
        tag = _holiday_language(self.code, language)
        return _holiday_names(self.code, self.day.year, tag).get(self.day, str(self))


@functools.cache
def _holiday_language(code: str, language: str) -> str | None:
    """The holidays package's language tag for ``language`` in ``code``'s calendar (``th``,
    ``ms_MY``, ``ta_LK``…), English where it lacks that language (None: its own default)."""
    supported = _holidays().country_holidays(code).supported_languages or ()
    return nearest_tag(language, supported) or nearest_tag("en_US", supported)


@functools.lru_cache(maxsize=128)
def _holiday_names(code: str, year: int, tag: str | None) -> dict[date, str]:
    """One country's public holidays in one year, named in ``tag``'s language."""
    found = _holidays().country_holidays(code, years=year, language=tag)
    return {day: str(name) for day, name in found.items()}


@dataclass
class CountryCalendar:
    """One country's working days: its weekend, public holidays and own closures."""

    code: str
    zone: str
    weekend: frozenset[int]
    closures: frozenset[date]
    known_holidays: bool  # False: the holidays package has no calendar for this code

    def holiday(self, day: date) -> HolidayName | None:
        """The public holiday's name on ``day``, if any (English; each reader sees it in
        their own language where the package knows it)."""
        if not self.known_holidays:
            return None
        name = _holiday_names(self.code, day.year, _holiday_language(self.code, "en")).get(day)
        return HolidayName(name, self.code, day) if name else None

    def why_closed(self, day: date) -> Text | None:
        """Why ``day`` is not a working day ("weekend", the holiday, "closure"); None if it is.
        The holiday's name is the holidays package's own."""
        if day in self.closures:
            return _("national closure")
        if day.weekday() in self.weekend:
            return _("weekend")
        return self.holiday(day)

    def is_working(self, day: date) -> bool:
        """Whether the country works on ``day``."""
        return self.why_closed(day) is None

    def next_working(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        for _step in range(366):
            if self.is_working(day):
                return day
            day += timedelta(days=1)
        return day  # a year without a working day is a configuration error; give up moving

    def previous_working(self, day: date) -> date:
        """``day`` itself when it is a working day, else the one before."""
        for _step in range(366):
            if self.is_working(day):
                return day
            day -= timedelta(days=1)
        return day

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """``start`` plus ``duration`` counted only during the country's working days (local
        time): a day's clock filed on a Friday evening stops over the weekend."""
        zone = time_zone(self.zone)
        moment, left = start.astimezone(zone), duration
        for _step in range(800):  # bounded: at most a couple of years of days
            day = moment.date()
            midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            if self.is_working(day):
                chunk = min(left, midnight.astimezone(UTC) - moment.astimezone(UTC))
                moment = (moment.astimezone(UTC) + chunk).astimezone(zone)
                left -= chunk
                if left <= timedelta(0):
                    return moment.astimezone(UTC)
            else:
                moment = midnight
        return moment.astimezone(UTC)


def weekend_of(country: Country) -> frozenset[int]:
    """The configured weekend, else the one the holidays package knows, else Sat–Sun."""
    if country.weekend is not None:
        return frozenset(WEEKDAYS.index(d) for d in country.weekend)
    if country.code in KNOWN_WEEKENDS:
        return KNOWN_WEEKENDS[country.code]
    try:
        return frozenset(_holidays().country_holidays(country.code).weekend) or DEFAULT_WEEKEND
    except NotImplementedError:
        return DEFAULT_WEEKEND


def has_holidays(code: str) -> bool:
    """Whether the holidays package has public holidays for ``code`` (loading only that
    country's calendar: ``list_supported_countries`` loads every one)."""
    try:
        _holidays().country_holidays(code)
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class QuietHours:
    """A daily window (local) in which routine messages wait; it may span midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """``"21:00-07:00"``; None for "" (no quiet hours)."""
        if not text:
            return None
        first, last = text.split("-")
        return cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))

    def ends(self, now: datetime, zone: str) -> datetime | None:
        """When the quiet window ``now`` falls in ends (UTC); None when ``now`` is not quiet."""
        local = now.astimezone(time_zone(zone))
        clock, today = local.time(), local.date()
        if self.start <= self.end:
            quiet = self.start <= clock < self.end
            end_day = today
        else:  # spans midnight: 21:00-07:00
            quiet = clock >= self.start or clock < self.end
            end_day = today + timedelta(days=1) if clock >= self.start else today
        if not quiet:
            return None
        return datetime.combine(end_day, self.end, tzinfo=time_zone(zone)).astimezone(UTC)


class Calendar:
    """Every member country's calendar and every person's quiet hours, from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._default_quiet = QuietHours.parse(settings.quiet_hours.default)
        self._quiet = {
            p.id: QuietHours.parse(p.quiet_hours)
            for p in settings.people
            if p.quiet_hours is not None
        }

    @functools.cached_property
    def countries(self) -> dict[str, CountryCalendar]:
        """Each member country's calendar, made when a day is first worked out: knowing which
        have holidays imports the holidays package, which quiet hours alone do not need."""
        return {
            c.code: CountryCalendar(
                c.code, c.timezone, weekend_of(c), frozenset(c.closures), has_holidays(c.code)
            )
            for c in self.settings.countries
        }

    def of(self, code: str) -> CountryCalendar:
        """A country's calendar (Saturday–Sunday weekend, no holidays, UTC when unknown)."""
        found = self.countries.get(code)
        if found is None:
            found = CountryCalendar(code, "UTC", DEFAULT_WEEKEND, frozenset(), False)
        return found

    def without_holidays(self) -> list[str]:
        """Member countries whose public holidays the holidays package does not know."""
        return sorted(c for c, cal in self.countries.items() if not cal.known_holidays)

    def quiet_hours_of(self, person_id: str) -> QuietHours | None:
        """``person_id``'s quiet hours (theirs, else the bot's); None when they have none."""
        return self._quiet.get(person_id, self._default_quiet)
