"""Unit tests: command lines, request arguments, ids, durations, lifecycle rules."""

from datetime import timedelta

import pytest

from bot import lifecycle
from bot.commands import parse_command_line
from bot.config import parse_duration
from bot.errors import UserError
from bot.requests.handlers import parse_id_and_text, parse_new_request
from bot.requests.repo import normalise_id


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/ping", "ping", ""),
        ("/PING 42", "ping", "42"),
        ("/request@FocalBot TH urgent x", "request", "TH urgent x"),
        ("  /reply R-2026-0001 two\nlines ", "reply", "R-2026-0001 two\nlines"),
    ],
)
def test_command_lines_split_into_name_and_args(text: str, name: str, args: str) -> None:
    line = parse_command_line(text)
    assert line is not None
    assert (line.name, line.args) == (name, args)


@pytest.mark.parametrize("text", ["hello", "", "/", "/ 1", "//x", "/123"])
def test_text_that_is_not_a_command(text: str) -> None:
    assert parse_command_line(text) is None


def test_request_arguments_country_urgency_category_text() -> None:
    parsed = parse_new_request("th URGENT #mla Need bank records for account 123")
    assert (parsed.country, parsed.urgency, parsed.category) == (
        "th",
        "urgent",
        "mutual legal assistance",
    )
    assert parsed.text == "Need bank records for account 123"


def test_request_defaults_to_routine_information() -> None:
    parsed = parse_new_request("MY Urgently needed: vessel owner")
    assert (parsed.urgency, parsed.category) == ("routine", "information")
    assert parsed.text == "Urgently needed: vessel owner"


@pytest.mark.parametrize("text", ["", "TH", "TH urgent", "TH urgent #victim", "TH #info  "])
def test_request_without_text_is_refused(text: str) -> None:
    with pytest.raises(UserError):
        parse_new_request(text)


def test_unknown_category_lists_the_known_ones() -> None:
    with pytest.raises(UserError, match="#victim"):
        parse_new_request("TH #weather rain")


def test_reply_needs_text() -> None:
    with pytest.raises(UserError, match="text"):
        parse_id_and_text("R-2026-0001")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("R-2026-0042", "R-2026-0042"), ("r-2026-42", "R-2026-0042"), (" R-2026-7 ", "R-2026-0007")],
)
def test_request_ids_are_normalised(raw: str, expected: str) -> None:
    assert normalise_id(raw, "R") == expected


@pytest.mark.parametrize("raw", ["42", "R-26-1", "X-2026-0001", "R-2026-", "'; DROP TABLE"])
def test_malformed_ids_are_refused(raw: str) -> None:
    with pytest.raises(UserError, match="not a request id"):
        normalise_id(raw, "R")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("24h", 86400), ("2d", 172800), ("90s", 90), (5, 5), ("16h15m", 58500)],
)
def test_durations(text: object, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text",
    ["soon", "30", "-5m", "1w", "16hh", "h", "1m1m", "1s1d", "\u0665m", "9999999999d"],
)
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_lifecycle_happy_path() -> None:
    status = lifecycle.transition("R", lifecycle.OPEN, "ack")
    assert status == lifecycle.ACKNOWLEDGED
    status = lifecycle.transition("R", status, "answer")
    assert status == lifecycle.ANSWERED
    assert lifecycle.transition("R", status, "close") == lifecycle.CLOSED


def test_referral_then_acknowledgement() -> None:
    status = lifecycle.transition("R", lifecycle.ACKNOWLEDGED, "refer")
    assert status == lifecycle.REFERRED
    assert lifecycle.transition("R", status, "ack") == lifecycle.ACKNOWLEDGED


@pytest.mark.parametrize("action", ["ack", "answer", "follow_up", "refer", "close"])
def test_nothing_changes_a_closed_request(action: str) -> None:
    with pytest.raises(UserError, match="closed"):
        lifecycle.transition("R-1", lifecycle.CLOSED, action)


def test_acknowledging_twice_is_explained() -> None:
    with pytest.raises(UserError, match="already acknowledged"):
        lifecycle.transition("R-1", lifecycle.ACKNOWLEDGED, "ack")
