"""Unit tests: reporting windows and the reminder schedule in each country's own time."""

from datetime import UTC, date, datetime, time

import pytest

from bot.errors import UserError
from bot.periods.parse import answer, parse_open_args
from bot.periods.windows import date_range, make_windows
from reminders.returns import (
    Policy,
    before_and_due,
    deadline,
    is_late,
    next_overdue,
    overdue,
    upcoming,
)

DUE = date(2027, 2, 7)
POLICY = Policy()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_monthly_and_quarterly_windows_follow_the_calendar() -> None:
    monthly = make_windows(date(2026, 10, 15), date(2027, 1, 31), "monthly", 7)
    assert [(w.label, w.starts_on, w.ends_on, w.due_on) for w in monthly] == [
        ("W1", date(2026, 10, 15), date(2026, 10, 31), date(2026, 11, 7)),
        ("W2", date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 7)),
        ("W3", date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 7)),
        ("W4", date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 7)),
    ]
    quarterly = make_windows(date(2027, 2, 1), date(2027, 8, 15), "quarterly", 14)
    assert [(w.starts_on, w.ends_on) for w in quarterly] == [
        (date(2027, 2, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 8, 15)),
    ]
    final = make_windows(date(2027, 1, 1), date(2027, 6, 30), "final", 10)
    assert [(w.label, w.due_on) for w in final] == [("W1", date(2027, 7, 10))]


def test_date_ranges_read_like_the_seeds() -> None:
    assert date_range(date(2015, 9, 28), date(2015, 10, 28)) == "28 September to 28 October 2015"
    assert date_range(date(2026, 10, 1), date(2027, 1, 31)) == "1 October 2026 to 31 January 2027"


def test_reminders_are_at_nine_local_in_each_zone() -> None:
    bangkok = [(r.kind, r.n, r.at) for r in before_and_due(DUE, "Asia/Bangkok", POLICY)]
    assert bangkok == [
        ("before", 7, utc(2027, 1, 31, 2)),
        ("before", 1, utc(2027, 2, 6, 2)),
        ("due", 0, utc(2027, 2, 7, 2)),
    ]
    auckland = before_and_due(DUE, "Pacific/Auckland", POLICY)  # UTC+13 in summer
    assert auckland[-1].at == utc(2027, 2, 6, 20)
    colombo = before_and_due(DUE, "Asia/Colombo", POLICY)  # UTC+5:30
    assert colombo[-1].at == utc(2027, 2, 7, 3, 30)


def test_daylight_saving_changes_the_utc_hour_not_the_local_one() -> None:
    winter = before_and_due(date(2027, 7, 7), "Pacific/Auckland", POLICY)[-1]
    assert winter.at == utc(2027, 7, 6, 21)  # NZST, UTC+12
    new_york = before_and_due(date(2027, 3, 15), "America/New_York", POLICY)
    assert new_york[0].at == utc(2027, 3, 8, 14)  # 7 days before: still EST
    assert new_york[-1].at == utc(2027, 3, 15, 13)  # on the day: EDT


def test_overdue_every_two_days_at_most_n_times() -> None:
    chain = [overdue(DUE, "Asia/Bangkok", POLICY, n) for n in range(1, 7)]
    assert [r.at.date() for r in chain if r] == [date(2027, 2, d) for d in (9, 11, 13, 15, 17)]
    assert chain[-1] is None
    assert overdue(DUE, "Asia/Bangkok", POLICY, 0) is None


def test_what_to_arm_depends_on_now() -> None:
    early = upcoming(DUE, "Asia/Bangkok", POLICY, utc(2027, 1, 20))
    assert [(r.kind, r.n) for r in early] == [
        ("before", 7),
        ("before", 1),
        ("due", 0),
        ("overdue", 1),
    ]
    late = upcoming(DUE, "Asia/Bangkok", POLICY, utc(2027, 2, 12))
    assert [(r.kind, r.n) for r in late] == [("overdue", 3)]
    assert upcoming(DUE, "Asia/Bangkok", POLICY, utc(2027, 3, 1)) == []
    digest = next_overdue(DUE, "Pacific/Auckland", POLICY, utc(2027, 1, 1), "digest")
    assert digest is not None and digest.at == utc(2027, 2, 7, 20)  # 09:00 on the 8th in NZ


def test_late_means_after_the_due_day_ended_there() -> None:
    assert deadline(DUE, "Asia/Bangkok") == utc(2027, 2, 7, 17)
    assert not is_late(utc(2027, 2, 7, 16, 59), DUE, "Asia/Bangkok")
    assert is_late(utc(2027, 2, 7, 17, 0), DUE, "Asia/Bangkok")
    assert is_late(utc(2027, 2, 7, 12), DUE, "Pacific/Auckland")  # already the 8th there


def test_policy_from_settings() -> None:
    from bot.periods.configured import ReminderSettings

    policy = ReminderSettings(before_days=(3,), local_time="08:30", overdue_max=1).policy()
    assert policy == Policy((3,), True, 2, 1, time(8, 30))
    with pytest.raises(ValueError, match="08h00"):
        ReminderSettings(local_time="08h00")


def test_period_arguments_are_recognised_by_shape() -> None:
    fields = parse_open_args(
        'jpa-5 "Fifth JPA" 2027-03-01 2027-08-31 monthly au, id MY', {"AU", "ID", "MY", "TH"}
    )
    assert fields == {
        "name": "Fifth JPA",
        "code": "JPA-5",
        "starts_on": "2027-03-01",
        "ends_on": "2027-08-31",
        "cadence": "monthly",
        "countries": ["AU", "ID", "MY"],
    }
    assert parse_open_args("all", {"TH", "AU"}) == {"countries": ["AU", "TH"]}
    assert answer("ends_on", "2027-08-31", {"TH"}) == {"ends_on": "2027-08-31"}
    for bad, reason in (
        ("2027-02-30", "not a date"),
        ("XX", "don't know the country"),
        ("soon", "don't understand"),
    ):
        with pytest.raises(UserError, match=reason):
            parse_open_args(bad, {"TH"})
