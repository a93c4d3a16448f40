"""``/deadline`` tells a focal point whose return is missing past its due day that it is
missing and overdue, and since when by their own country's clock; not before that moment."""

from datetime import UTC, datetime
from pathlib import Path

from tests.harness import Harness
from tests.returns_support import move_to, running

# 17:30 UTC on 7 February: already 8 February in Bangkok (UTC+7), still the 7th in Colombo
W1_DUE_ENDED_IN_BANGKOK = datetime(2027, 2, 7, 17, 30, tzinfo=UTC)


async def deadlines(bot: Harness, person: str) -> str:
    [listing] = await bot.say(person, "/deadline")
    return listing


def w1_line(listing: str) -> str:
    [line] = [line for line in listing.splitlines() if line.startswith("W1 ")]
    return line


async def test_missing_return_past_its_due_day_is_overdue_since_then(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    move_to(bot, W1_DUE_ENDED_IN_BANGKOK)
    thailand = await deadlines(bot, "th-fp")
    assert w1_line(thailand) == (
        "W1 Jan 1, 2027 – Jan 31, 2027: due Feb 7, 2027 — "
        "yours: missing, overdue since Feb 8, 2027, 00:00 (UTC+7)"
    ), thailand
    sri_lanka = await deadlines(bot, "lk-fp")  # its due day has not ended yet
    assert w1_line(sri_lanka).endswith("due Feb 7, 2027 — yours: not started"), sri_lanka
    await bot.stop()


async def test_a_draft_or_a_return_sent_is_not_called_missing(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    move_to(bot, W1_DUE_ENDED_IN_BANGKOK)
    [kept] = await bot.say("th-fp", "/return JPA-9 W1 arrests 3")
    assert "Confirm to submit" in kept or "Still needed" in kept, kept
    listing = await deadlines(bot, "th-fp")
    assert w1_line(listing).endswith(  # as /status says it: a draft, overdue
        "due Feb 7, 2027 — yours: draft, overdue since Feb 8, 2027, 00:00 UTC+7"
    ), listing
    await bot.stop()
