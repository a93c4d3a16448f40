"""Hostile numbers: an argument of more digits than any file, draft or broadcast has gets a
short, polite answer through the real dispatch, never an error (nor an echo of thousands of
digits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.periods.handlers import sync_configured
from bot.storage.sql import atomic
from bot.work import Work
from tests.dispatch_world import DispatchWorld

LONG = "9" * 26  # past what the answer's number formatting can write
HUGE = "9" * 5000  # past what int() converts (4,300 digits)
ARABIC = "\u0669" * 30  # the same in Arabic-Indic digits


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DispatchWorld:
    """The shipped directory, JPA-4 open, one request filed and one broadcast sent."""
    world = DispatchWorld(tmp_path_factory.mktemp("numbers") / "bot.db")
    with world.db.database.atomic(), atomic(world.db):
        sync_configured(Work(world.db, world.ctx, world.now))
    assert "is open" in world.answers("nz-cochair", "/period open JPA-4 confirm")[0]
    world.send("au-officer", "/request TH urgent Check passport N1234567")
    world.send("nz-cochair", "/broadcast Returns are due Friday")
    assert "Broadcast B-1 queued" in world.answers("nz-cochair", "/broadcast send")[0]
    return world


@pytest.mark.parametrize("number", [LONG, HUGE, ARABIC])
def test_a_file_number_too_long_for_any_request_is_no_file(
    world: DispatchWorld, number: str
) -> None:
    [answer] = world.answers("th-fp", f"/file R-2026-0001 {number}", keep=False)
    shown = number[:12]
    assert answer == f"R-2026-0001 has no file {shown}…. /show R-2026-0001 lists its files."


def test_a_file_number_as_long_as_the_formatting_allows_is_written_in_full(
    world: DispatchWorld,
) -> None:
    [answer] = world.answers("th-fp", f"/file R-2026-0001 {'9' * 24}", keep=False)
    assert answer.startswith("R-2026-0001 has no file 999,999,999,999,999,999,999,999."), answer
    [zeros] = world.answers("th-fp", f"/file R-2026-0001 {'0' * 40}1", keep=False)
    assert zeros.startswith("R-2026-0001 has no file 1."), zeros  # leading zeros count for nothing


def test_a_huge_file_number_on_a_request_one_cannot_see_is_refused_politely(
    world: DispatchWorld,
) -> None:
    [answer] = world.answers("my-fp", f"/file R-2026-0001 {HUGE}", keep=False)
    assert "No such request" in answer, answer
    [other] = world.answers("au-officer", f"/file TH {HUGE}", keep=False)
    assert "is not a request id" in other and len(other) < 200, other


@pytest.mark.parametrize("number", [LONG, HUGE, f"B-{HUGE}"])
def test_an_unknown_broadcast_number_is_answered_without_echoing_it(
    world: DispatchWorld, number: str
) -> None:
    [answer] = world.answers("nz-cochair", f"/broadcast status {number}", keep=False)
    assert answer == (
        "There is no broadcast B-9999999999…. The latest is B-1: /broadcast status B-1."
    ), answer[:200]


@pytest.mark.parametrize(
    "line",
    [
        f"/broadcast send {LONG}",
        f"/broadcast send {HUGE}",
        f"/broadcast cancel {LONG}",
        f"/broadcast ack {HUGE}",
        f"/broadcast ack B-{LONG}",
    ],
)
def test_other_number_arguments_get_a_short_answer(world: DispatchWorld, line: str) -> None:
    answers = world.answers("nz-cochair", line, keep=False)
    assert answers and all(0 < len(a) < 4000 for a in answers), [a[:200] for a in answers]
    assert not any("went wrong" in a for a in answers), answers


def test_a_number_argument_changes_nothing(tmp_path: Path) -> None:
    world = DispatchWorld(tmp_path / "bot.db")
    world.send("au-officer", "/request TH urgent Check passport N1234567")
    before = world.db.execute("SELECT COUNT(*) FROM audit").fetchone()
    world.answers("th-fp", f"/file R-2026-0001 {HUGE}")
    assert world.db.execute("SELECT COUNT(*) FROM audit").fetchone() == before


@pytest.mark.parametrize("command", ["/refer", "/reply", "/close", "/ack", "/show"])
def test_a_huge_id_is_not_echoed_back_whole(world: DispatchWorld, command: str) -> None:
    """`/refer 999…` (5,000 digits) answered with all of them in its hint."""
    [answer] = world.answers("th-fp", f"{command} {HUGE}", keep=False)
    assert len(answer) < 600, (command, len(answer), answer[:200])
