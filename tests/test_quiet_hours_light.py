"""Whether someone is in their quiet hours is asked on every message they send (someone
writing at night is at work); the answer needs no holiday calendar. Asking it built every
country's calendar, which imports the holidays package: W1's peak memory rose from 55 to
66 MiB. Run in a fresh interpreter, where nothing has imported it yet."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from datetime import UTC, datetime
from bot.config import load_settings
from bot.workdays import Calendar
calendar = Calendar(load_settings("bot.toml"))
night = datetime(2027, 1, 20, 20, 30, tzinfo=UTC)  # 03:30 in Bangkok
quiet = calendar.quiet_hours_of("th-fp")  # as Work.quiet_until asks, on every message
assert quiet is not None and quiet.ends(night, "Asia/Bangkok") is not None
assert "holidays" not in sys.modules, "quiet hours imported the holidays package"
assert calendar.of("TH").known_holidays  # a day's calendar still has them, when asked
print("ok")
"""


def test_quiet_hours_need_no_holiday_calendar() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
