"""Hostile input: any text never crashes the core, always gets an answer, saves nothing partial.

Property tests drive the real dispatch (``process_event``: parsing, permissions, handlers, the
unit of work) on a real SQLite database; named cases cover the tricks people actually try.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.factory import default_registry
from tests.dispatch_world import DispatchWorld

COMMANDS = sorted(default_registry().names())
PEOPLE = ["au-officer", "th-fp", "th-deputy", "nz-cochair", "admin", "my-fp"]


@pytest.fixture(scope="module")
def core(tmp_path_factory) -> DispatchWorld:  # type: ignore[no-untyped-def]
    """The shipped directory with one request filed."""
    world = DispatchWorld(tmp_path_factory.mktemp("hostile") / "bot.db")
    world.send("au-officer", "/request TH urgent Check passport N1234567")
    return world


def send(core: DispatchWorld, person: str, text: str):  # type: ignore[no-untyped-def]
    """One event through the real dispatch, committed."""
    return core.send(person, text)


def table_counts(db) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return db.execute(
        "SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM request_messages), "
        "(SELECT COUNT(*) FROM timers)"
    ).fetchone()


def answers_to(work, person: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in work.outbound if m.address == person]


hostile_text = st.one_of(
    st.text(max_size=300),
    st.builds(lambda c, rest: f"/{c} {rest}", st.sampled_from(COMMANDS), st.text(max_size=200)),
    st.builds(
        lambda c, rest: f"/{c} R-2026-0001 {rest}", st.sampled_from(COMMANDS), st.text(max_size=120)
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(person=st.sampled_from(PEOPLE), text=hostile_text)
def test_any_text_gets_an_answer_and_never_crashes(core, person: str, text: str) -> None:  # type: ignore[no-untyped-def]
    work = send(core, person, text)
    assert work is not None
    replies = answers_to(work, person)
    assert len(replies) >= 1 and all(r.strip() for r in replies)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_refused_input_saves_nothing(core, text: str) -> None:  # type: ignore[no-untyped-def]
    """Outsiders (Malaysia's focal point, an admin) can never change Thailand's request."""
    before = table_counts(core.db)
    for person in ("my-fp", "admin"):
        for command in ("ack", "reply", "close", "refer"):
            send(core, person, f"/{command} R-2026-0001 {text}")
    assert table_counts(core.db) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/request T\u200bH urgent help", "sent to Thailand"),  # the zero-width is dropped
        ("/request \u202eHT urgent help", "I don't know the country 'HT'"),
        ("/request TH urgent '; DROP TABLE requests; --", "sent to Thailand"),
        ("/show R-2026-0001' OR '1'='1", "is not a request id"),
        ("/ack R-2026-0001;DELETE FROM audit", "is not a request id"),
        ("/request TH <!channel> <a href='http://x'>click</a> [x](http://y)", "sent to Thailand"),
        ("/request TH " + "A" * 100_000, "the limit is 3,000"),
        ("/\x00\x01request TH hi", "sent to Thailand"),  # controls are dropped
        ("/request ٣ help", "I don't know the country"),
    ],
)
def test_named_hostile_cases(core, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    work = send(core, "au-officer" if "ack" not in text else "th-fp", text)
    replies = answers_to(work, "au-officer") + answers_to(work, "th-fp")
    assert any(expected in r for r in replies), replies


def test_a_sentences_semicolon_after_an_id_ends_it(tmp_path: Path) -> None:
    """What follows is not run as SQL, nor as anything (a world of its own: the shared one's
    request may have been acknowledged by an earlier case, on whichever worker runs this)."""
    world = DispatchWorld(tmp_path / "bot.db")
    world.send("au-officer", "/request TH urgent Check passport N1234567")
    work = world.send("th-fp", "/ack R-2026-0001; DELETE FROM audit")
    [answer] = answers_to(work, "th-fp")
    assert answer.startswith("You acknowledged R-2026-0001."), answer
    assert world.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] > 0


def test_sql_looking_text_is_stored_verbatim(core) -> None:  # type: ignore[no-untyped-def]
    send(core, "au-officer", "/request TH routine x'); DELETE FROM people; --")
    db: sqlite3.Connection = core.db.conn
    assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 33
    stored = db.execute("SELECT text FROM requests ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    assert stored == "x'); DELETE FROM people; --"


def test_invisible_characters_are_removed_before_storage(core) -> None:  # type: ignore[no-untyped-def]
    send(core, "au-officer", "/request TH routine pay\u202eroll\u200b of 5\u2066000")
    stored = core.db.conn.execute(
        "SELECT text FROM requests ORDER BY rowid DESC LIMIT 1"
    ).fetchone()[0]
    assert stored == "payroll of 5000"
