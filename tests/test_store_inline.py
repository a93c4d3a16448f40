"""Short units on the event loop: no hop to the store thread for a ping, the same guarantees.

A unit marked ``short`` runs on the loop when the store thread has nothing in hand; deferred
bookkeeping (marking a message sent) rides in its transaction; it never overtakes work queued
before it and never waits on the loop for another process's write lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import bot.app
import bot.unit_costs
from adapters.memory import MemoryAdapter
from bot.factory import build_app
from bot.storage.sqlite import SqliteStore
from tests.harness import ManualTimers, eventually, shipped_settings

WITHIN = 10.0  # seconds before a wait is declared hung


def _write(key: str) -> Any:
    def unit(db: Any) -> int:
        db.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", [key])
        return threading.get_ident()

    return unit


def _keys(db: Any) -> list[str]:
    return [r[0] for r in db.execute("SELECT key FROM meta WHERE key LIKE 't-%' ORDER BY key")]


@pytest.fixture
async def store(tmp_path: Path) -> Any:
    opened = SqliteStore(tmp_path / "inline.db")
    await opened.open()
    yield opened
    await opened.close()


async def test_a_short_unit_runs_on_the_loop_a_long_one_on_the_thread(store: SqliteStore) -> None:
    loop_thread = threading.get_ident()
    assert await store.run(_write("t-short"), short=True) == loop_thread
    assert await store.run(_write("t-long")) != loop_thread
    assert await store.run(_keys) == ["t-long", "t-short"]


async def test_a_short_unit_never_overtakes_work_queued_before_it(store: SqliteStore) -> None:
    def slow_first(db: Any) -> int:
        time.sleep(0.05)  # still in hand on the thread when the short unit arrives
        return _write("t-1")(db)

    first = asyncio.create_task(store.run(slow_first))
    await asyncio.sleep(0)  # the slow unit is queued
    seen = await asyncio.wait_for(store.run(_keys, short=True), WITHIN)
    assert seen == ["t-1"]
    await asyncio.wait_for(first, WITHIN)


async def test_callers_resume_in_commit_order_when_a_short_unit_follows_the_thread(
    store: SqliteStore,
) -> None:
    """A unit the thread has committed, whose caller has not resumed yet, still comes first:
    the app hands a unit's messages to the outbox when its caller resumes, so a short unit
    run on the loop in between would have its chat's answer delivered ahead of older ones."""
    resumed: list[str] = []
    committed_soon = threading.Event()

    async def caller(name: str, unit: Any, short: bool) -> None:
        await store.run(unit, short=short)
        resumed.append(name)

    def on_the_thread(db: Any) -> None:
        _write("t-1")(db)
        committed_soon.set()

    first = asyncio.create_task(caller("thread", on_the_thread, short=False))
    await asyncio.sleep(0)  # queued to the thread
    assert committed_soon.wait(WITHIN)
    time.sleep(0.1)  # noqa: ASYNC251  (the loop held on purpose: the thread commits meanwhile)
    second = asyncio.create_task(caller("short", _write("t-2"), short=True))
    await asyncio.wait_for(asyncio.gather(first, second), WITHIN)
    assert resumed == ["thread", "short"]
    assert await store.run(_keys) == ["t-1", "t-2"]


async def test_marking_sent_rides_with_the_next_short_unit(store: SqliteStore) -> None:
    rider_threads: list[int] = []

    def rider(db: Any) -> None:
        rider_threads.append(threading.get_ident())
        _write("t-rider")(db)

    store.defer(rider)
    assert await store.run(_keys, short=True) == ["t-rider"]  # in the same transaction
    assert rider_threads == [threading.get_ident()]  # no hop of its own


async def test_deferred_work_alone_is_committed_soon(store: SqliteStore, tmp_path: Path) -> None:
    store.defer(_write("t-alone"))
    await eventually(
        lambda: _committed(tmp_path / "inline.db") == ["t-alone"], WITHIN, "deferred commit"
    )


async def test_no_deferred_work_is_dropped_while_the_thread_takes_it(
    store: SqliteStore,
) -> None:
    """The loop defers (marks messages sent) while the thread takes what was deferred for its
    batches. With the interpreter switching threads as often as it can, a take that copied
    the queue and then cleared it lost hundreds of the riders deferred in between (a long
    queue, piled up while the thread worked, gave the switch its moment)."""
    riders = 250_000
    deferred = 0

    async def defer_all() -> None:
        nonlocal deferred
        while deferred < riders:
            for _ in range(2):
                store.defer(_write(f"t-{deferred:06d}"))
                deferred += 1
            await asyncio.sleep(0)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        deferring = asyncio.create_task(defer_all())
        while not deferring.done():  # batches on the thread, each taking the riders so far
            # (a batch may take seconds here: the interpreter switches threads every microsecond)
            await asyncio.wait_for(store.run(lambda db: sum(range(2_000))), 6 * WITHIN)
        await deferring
    finally:
        sys.setswitchinterval(switching)

    assert len(await store.run(_keys)) == riders  # the last riders ride with this unit


async def test_a_failed_short_unit_undoes_itself_and_keeps_its_riders(
    store: SqliteStore, tmp_path: Path
) -> None:
    def failing(db: Any) -> None:
        _write("t-failed")(db)
        raise ValueError("boom")

    store.defer(_write("t-rider"))
    with pytest.raises(ValueError, match="boom"):
        await store.run(failing, short=True)
    await eventually(
        lambda: _committed(tmp_path / "inline.db") == ["t-rider"], WITHIN, "rider committed"
    )


async def test_a_short_unit_never_blocks_the_loop_on_another_process(
    store: SqliteStore, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # an operator's CLI holds the write lock
    other.execute("INSERT INTO meta (key, value) VALUES ('t-cli', 'x')")
    started = time.monotonic()
    unit = asyncio.create_task(store.run(_write("t-bot"), short=True))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(unit), 0.2)
    assert time.monotonic() - started < 2.0  # the loop kept running meanwhile
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(unit, WITHIN)  # the thread waited for the lock and ran it
    assert await store.run(_keys) == ["t-bot", "t-cli"]


async def test_a_ping_is_handled_on_the_loop_and_persisted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, int] = {}
    real = bot.app.process_event

    def spy(db: Any, ctx: Any, hooks: Any, event: Any, now: Any) -> Any:
        threads[event.text.split()[0]] = threading.get_ident()
        return real(db, ctx, hooks, event, now)

    monkeypatch.setattr(bot.app, "process_event", spy)
    chat = MemoryAdapter("console")
    database = tmp_path / "ping.db"
    app = build_app(shipped_settings(), [chat], ManualTimers(), str(database))
    await app.start()
    try:
        await asyncio.wait_for(chat.say("au-officer", "/ping 7"), WITHIN)
        await asyncio.wait_for(chat.say("au-officer", "/countries"), WITHIN)
        await asyncio.wait_for(app.idle(), WITHIN)
        assert chat.to("au-officer")[0] == "pong 7"
        assert threads["/ping"] == threading.get_ident()  # no hop to the store thread
        assert threads["/countries"] != threading.get_ident()  # not marked quick: the thread
        await eventually(
            lambda: _rows(database, "SELECT status FROM outbox") == [("sent",), ("sent",)],
            WITHIN,
            "both answers marked sent",
        )
        assert len(_rows(database, "SELECT event_key FROM inbound")) == 2
    finally:
        await app.stop()


async def test_a_burst_offered_at_once_shares_commits(tmp_path: Path) -> None:
    """Events offered without waiting (a burst through the bounded queue) are taken by the
    workers together and committed several to a transaction, each answered once."""
    chat = MemoryAdapter("console")
    app = build_app(shipped_settings(), [chat], ManualTimers(), str(tmp_path / "burst.db"))
    await app.start()
    try:
        store = app.store
        assert isinstance(store, SqliteStore)
        before = store._commits
        for i in range(80):
            await app.submit(chat.event("au-officer", f"/ping {i}"), wait=False)
        await asyncio.wait_for(app.idle(), WITHIN)
        assert sorted(chat.to("au-officer")) == sorted(f"pong {i}" for i in range(80))
        assert store._commits - before <= 80 // 4  # eight workers' units to a commit, not one
    finally:
        await app.stop()


def test_a_sqlite_bot_does_not_load_reports_or_postgres_libraries() -> None:
    """matplotlib, openpyxl and psycopg cost ~75 MiB and a second; they load when used."""
    code = (
        "import sys, bot.factory, bot.app; "
        "print(sorted({'matplotlib', 'openpyxl', 'psycopg'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_starting_a_bot_loads_no_language_data() -> None:
    """Babel's data for a language (~4 MiB each) loads when a message is first written in it,
    not when the bot's modules are imported (hints made at import write their numbers
    without it)."""
    code = "import bot.factory, bot.app, babel.localedata as data; print(sorted(data._cache))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_a_number_in_a_hint_reads_in_english_as_babel_writes_it() -> None:
    from bot.i18n import ShownNumber, number

    for value, pattern in [(1200, "#,##0"), (1_500_000.5, "#,##0.00"), (1200, "0")]:
        assert str(ShownNumber(value, pattern)) == number(value, "en", pattern)


def _committed(path: Path) -> list[str]:
    return [r[0] for r in _rows(path, "SELECT key FROM meta WHERE key LIKE 't-%' ORDER BY key")]


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.timeout(30)  # without the fix, Python 3.12+ spins in stop() and never yields
async def test_a_stop_right_after_an_answer_that_waited_for_the_thread_returns(
    tmp_path: Path,
) -> None:
    """A ping taken at once that had to wait for the store thread finishes in a task; a stop
    made as soon as its answer is in must not wait on that finished task for ever (from
    Python 3.12 a gather of finished tasks completes without yielding to the loop)."""
    chat = MemoryAdapter("console")
    app = build_app(shipped_settings(), [chat], ManualTimers(), str(tmp_path / "stop.db"))
    await app.start()
    stopped = False
    try:
        busy = asyncio.ensure_future(app.store.run(lambda db: time.sleep(0.2)))
        await asyncio.sleep(0.05)  # the thread has the slow unit in hand
        async with asyncio.timeout(WITHIN):  # (wait_for would add a task and loop turns)
            await app.submit(chat.event("au-officer", "/ping 1"))
        assert app._inline, "the ping waited in a task"  # finished, its callbacks not yet run
        await asyncio.wait_for(app.stop(), WITHIN)
        stopped = True
        await busy
        assert chat.to("au-officer") == ["pong 1"]
        assert not app._inline
    finally:
        if not stopped:
            await app.stop()


async def test_a_command_measured_short_comes_to_the_loop_and_a_slow_unit_sends_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/countries is not marked quick: it starts on the store thread, runs on the loop once
    its units are measured short (no hop, which costs milliseconds on some machines), and
    goes back to the thread for a while after a slow unit."""
    threads: list[int] = []
    slow = {"next": False}
    real = bot.app.process_event
    took = {"clock": 0.0}  # what each unit is measured to take, whatever the machine's load

    def spy(db: Any, ctx: Any, hooks: Any, event: Any, now: Any) -> Any:
        threads.append(threading.get_ident())
        took["clock"] += 0.005 if slow["next"] else 0.0002  # 5 ms: five times the bar
        slow["next"] = False
        return real(db, ctx, hooks, event, now)

    monkeypatch.setattr(bot.app, "process_event", spy)
    monkeypatch.setattr(bot.unit_costs, "time", SimpleNamespace(perf_counter=lambda: took["clock"]))
    chat = MemoryAdapter("console")
    app = build_app(shipped_settings(), [chat], ManualTimers(), str(tmp_path / "costs.db"))
    await app.start()
    loop = threading.get_ident()
    try:

        async def countries() -> int:
            await asyncio.wait_for(chat.say("my-fp", "/countries"), WITHIN)
            await asyncio.wait_for(app.idle(), WITHIN)
            return threads[-1]

        assert await countries() != loop  # unmeasured: the thread
        assert await countries() == loop  # measured short
        slow["next"] = True
        assert await countries() == loop  # (slow, but it was measured short before it)
        after_slow = [await countries() for _ in range(12)]
        assert after_slow[0] != loop  # back to the thread ...
        assert after_slow[-1] == loop  # ... until the slow unit is forgotten
        assert all("Member countries" in t for t in chat.to("my-fp"))
    finally:
        await app.stop()
