"""Time as a port: the core asks a clock, so tests and the console can move it forward."""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


@functools.cache
def time_zone(name: str) -> ZoneInfo:
    """The time zone ``name``, loaded once a process. ZoneInfo keeps only the last eight
    alive: a message from each of twenty countries read its tz file again each time (64 µs,
    and the garbage kept W1's peak 11 MiB higher)."""
    return ZoneInfo(name)


class Clock:
    """The real clock: aware UTC datetimes only."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)

    def seconds(self) -> float:
        """The current time in seconds since the epoch: cheaper than :meth:`now` where only
        the second matters (a stamp, a cut-off checked for every message)."""
        return time.time()


class ShiftedClock(Clock):
    """The real clock plus an offset that can be advanced (console ``time +30m``, tests)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def seconds(self) -> float:
        return self.now().timestamp()  # a subclass may move now() its own way

    def advance(self, delta: timedelta) -> None:
        """Move time forward by ``delta``."""
        self.offset += delta


_last_iso: tuple[float, str] = (-1.0, "")  # the last second formatted (a unit stamps several)


def iso(moment: datetime) -> str:
    """Store format: UTC ISO 8601 to the second, sortable as text."""
    global _last_iso
    if moment.tzinfo is not UTC:  # the clock's own datetimes are UTC already
        moment = moment.astimezone(UTC)
    second = moment.timestamp() // 1
    last = _last_iso  # one read: the store thread formats too
    if last[0] == second:
        return last[1]
    text = moment.isoformat(timespec="seconds")
    _last_iso = (second, text)
    return text


def stamp(clock: Clock) -> str:
    """The clock's present time in store format (formatted once a second, as :func:`iso`)."""
    last = _last_iso
    if last[0] == clock.seconds() // 1:
        return last[1]
    return iso(clock.now())


def local_moment(stamp: str, zone: str) -> dict[str, object]:
    """A stored timestamp in ``zone`` (``at``, written in each reader's way by a message)
    and the zone's offset (``zone``: ``UTC+11``, ``UTC+7``): a message's parameters."""
    from bot.i18n import ZoneOffset  # (the i18n package is loaded by then; clock stays light)

    moment = parse_iso(stamp).astimezone(time_zone(zone))
    return {"at": moment, "zone": ZoneOffset(moment)}


def parse_iso(text: str) -> datetime:
    """Read a stored timestamp back as an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)
