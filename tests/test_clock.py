"""The store's timestamp format: UTC, to the second, the same text for the same second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.clock import iso, parse_iso


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
