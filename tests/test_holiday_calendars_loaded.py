"""The holidays package loads the calendars of the member countries only: its
``holidays.countries`` package would import all 250 of them (17 MiB) on the first holiday
looked up. Run in a fresh interpreter, as the bot runs, so no other test's imports count."""

import json
import subprocess
import sys
from datetime import date

from bot.config import load_settings
from bot.workdays import Calendar
from tests.harness import SHIPPED_CONFIG

LOOK_UP_EVERY_MEMBER = f"""
import json, sys
from datetime import date
from bot.config import load_settings
from bot.workdays import Calendar
calendar = Calendar(load_settings({str(SHIPPED_CONFIG)!r}))
for code in calendar.countries:
    calendar.of(code).is_working(date(2026, 12, 25))
loaded = sorted(m for m in sys.modules if m.startswith("holidays.countries."))
print(json.dumps({{"loaded": loaded, "without": calendar.without_holidays()}}))
"""


def test_only_the_member_countries_calendars_are_loaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOOK_UP_EVERY_MEMBER],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout)
    assert "holidays.countries.zimbabwe" not in found["loaded"]
    assert "holidays.countries.thailand" in found["loaded"]
    # a dozen-odd members, and the few calendars theirs build on; not the whole world
    assert len(found["loaded"]) < 40
    assert found["without"] == []


def test_a_members_holidays_still_count_and_an_unknown_code_has_none() -> None:
    calendar = Calendar(load_settings(SHIPPED_CONFIG))
    thailand = calendar.of("TH")
    assert thailand.known_holidays
    assert thailand.holiday(date(2026, 12, 10)) is not None  # Constitution Day
    assert not thailand.is_working(date(2026, 12, 10))
    assert not calendar.of("XX").known_holidays
