"""The store's timestamp format: UTC, to the second, the same text for the same second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.clock import Clock, ShiftedClock, iso, parse_iso, stamp
from bot.i18n import ZoneOffset


def test_iso_is_utc_to_the_second_across_second_boundaries() -> None:
    late = datetime(2026, 12, 1, 12, 0, 0, 999_999, tzinfo=UTC)
    assert iso(late) == "2026-12-01T12:00:00+00:00"
    assert iso(late + timedelta(microseconds=1)) == "2026-12-01T12:00:01+00:00"
    assert iso(late) == "2026-12-01T12:00:00+00:00"  # the remembered second is not reused
    tokyo = datetime(2026, 12, 1, 21, 0, 1, tzinfo=timezone(timedelta(hours=9)))
    assert iso(tokyo) == "2026-12-01T12:00:01+00:00"
    assert iso(datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)) == (
        "1969-12-31T23:59:59+00:00"
    )
    assert parse_iso(iso(tokyo)) == tokyo.replace(microsecond=0)


class _Frozen(ShiftedClock):
    """A clock whose now() is fixed (as some tests make): stamp() follows now(), not the
    machine's time."""

    def __init__(self, at: datetime) -> None:
        super().__init__()
        self.at = at

    def now(self) -> datetime:
        return self.at


def test_a_stamp_is_the_clocks_own_time_in_store_format() -> None:
    real = Clock()
    assert abs(parse_iso(stamp(real)) - real.now()) < timedelta(seconds=2)
    ahead = ShiftedClock(timedelta(days=30))
    assert parse_iso(stamp(ahead)) - real.now() > timedelta(days=29)
    frozen = _Frozen(datetime(2026, 3, 1, 8, 30, 15, 700_000, tzinfo=UTC))
    assert stamp(frozen) == "2026-03-01T08:30:15+00:00"
    iso(datetime(2026, 3, 1, 8, 30, 16, tzinfo=UTC))  # another second formatted meanwhile
    assert stamp(frozen) == "2026-03-01T08:30:15+00:00"


def test_a_zone_is_shown_as_its_offset_from_utc_in_the_readers_digits() -> None:
    def at(zone: str) -> ZoneOffset:
        return ZoneOffset(datetime(2027, 1, 20, 12, tzinfo=UTC).astimezone(ZoneInfo(zone)))

    assert at("Asia/Manila") == "UTC+8"  # not "PST", which reads as America's Pacific time
    assert at("Asia/Yangon") == "UTC+6:30" and at("Asia/Kabul") == "UTC+4:30"
    assert at("America/St_Johns") == "UTC-3:30" and at("UTC") == "UTC+0"
    assert at("Asia/Kabul").in_language("fa_AF") == "UTC+۴:۳۰"  # Dari digits
