"""A running FocalPoint for tests: real core, real store on a temp file, in-memory channel.

People speak by their person id (every person has an implicit console identity, and the
in-memory channel here is named ``console``). The clock is controllable; timers are timed by
:class:`ManualTimers`, a fake that subclasses the same port as the APScheduler one, and fire
when the test moves the clock.
"""

from __future__ import annotations

import asyncio
import functools
import re
import shutil
import sqlite3
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import tomli_w

from adapters.memory import MemoryAdapter
from bot.app import App
from bot.clock import ShiftedClock
from bot.config import Settings, load_settings
from bot.factory import build_app
from bot.ports import Adapter, TimerCallback, TimerScheduler
from bot.storage.sql import to_pyformat

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = ROOT / "bot.toml"
CHAT_INTERVAL = 0.1
"""A platform's one message a second to a chat, kept at a tenth of the time by the channel
tests (a dialogue would otherwise wait a second per answer); pacing tests set their own."""


def quickly_paced(adapter: Adapter) -> None:
    """``adapter`` spaces its messages to one chat :data:`CHAT_INTERVAL` apart."""
    adapter.pacing = replace(adapter.pacing, per_chat_interval=CHAT_INTERVAL)


class ManualTimers(TimerScheduler):
    """Records what the core asks to time; the test decides when time passes."""

    def __init__(self) -> None:
        self.scheduled: dict[str, datetime] = {}
        self.fire: TimerCallback | None = None

    async def start(self, fire: TimerCallback) -> None:
        self.fire = fire

    def schedule(self, timer_id: str, due_at: datetime) -> None:
        self.scheduled[timer_id] = due_at

    async def stop(self) -> None:
        self.fire = None


async def eventually(condition: Callable[[], object], within: float = 10.0, what: str = "") -> None:
    """Wait until ``condition()`` is true; fail after ``within`` seconds (real time)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within}s: {what or condition}")
        await asyncio.sleep(0.01)  # a poll interval, not a wait for something to happen


@functools.cache
def _shipped() -> Settings:
    """bot.toml parsed once per test process (its settings are frozen; parsing it took most
    of a small test's time)."""
    return load_settings(SHIPPED_CONFIG)


@functools.cache
def awake_config() -> Path:
    """The shipped bot.toml without quiet hours, for a command line whose notices a test
    waits for, as :func:`shipped_settings` runs the bot: with them a command run in the
    recipient's night held its notice until their morning, and the test failed at that hour."""
    data = tomllib.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["quiet_hours"]["default"] = ""
    path = Path(tempfile.mkdtemp(prefix="focal-awake-")) / "bot.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def shipped_settings(**overrides: object) -> Settings:
    """The shipped bot.toml, with top-level sections replaced by ``overrides``.

    The daily audit anchor is off here: its timer would fire whenever a test's clock crosses
    midnight and change the counts other tests assert (tests/test_audit_anchor.py turns it on).
    So are quiet hours and the working-day escalation clock: tests that run at the wall
    clock's time would otherwise behave differently at night or on a Friday (tests/
    test_workdays.py turns them on with a fixed clock).
    """
    settings = _shipped()
    quiet = settings.audit.model_copy(update={"anchor_daily": False})
    requests = settings.requests.model_copy(update={"escalation_clock": "elapsed"})
    awake = settings.quiet_hours.model_copy(update={"default": ""})
    changed = {"audit": quiet, "requests": requests, "quiet_hours": awake}
    return settings.model_copy(update={**changed, **overrides})


def settings_preferring(channel: str, *person_ids: str) -> Settings:
    """Shipped settings where ``person_ids`` prefer ``channel``."""
    settings = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": channel}) if p.id in person_ids else p
        for p in settings.people
    )
    return settings.model_copy(update={"people": people})


ENGINE: ContextVar[DatabaseFactory | None] = ContextVar("engine", default=None)
"""Set by the ``engine`` fixture: where a test's databases live when not in a SQLite file."""


class DatabaseFactory:
    """Gives each database path a test names its own PostgreSQL database, the same one each
    time the path is named again (a restart opens the same database)."""

    def __init__(self, new_database: Callable[[], str]) -> None:
        self._new = new_database
        self._urls: dict[str, str] = {}

    def urls(self) -> list[str]:
        """Every database this factory gave out."""
        return list(self._urls.values())

    def database_for(self, path: Path | str) -> str:
        key = str(path)
        if key not in self._urls:
            self._urls[key] = self._new()
        return self._urls[key]


def database_for(path: Path | str) -> str:
    """The database a test's ``path`` stands for on the engine under test."""
    factory = ENGINE.get()
    return factory.database_for(path) if factory else str(path)


def created_database(path: Path | str) -> str:
    """:func:`database_for`, created with the current schema as the bot's first run leaves it
    (a CLI command other than ``run`` refuses a SQLite file that is not there)."""
    database = database_for(path)
    if database.startswith(("postgresql://", "postgres://")):  # the database is there, empty
        from bot.storage.migrations import migrate_postgres
        from bot.storage.sql import PostgresDb

        with psycopg.connect(database) as conn:  # commits on leaving
            migrate_postgres(PostgresDb(conn))
        return database
    from bot.storage.migrations import migrate
    from bot.storage.sqlite import connect

    db = connect(database)
    try:
        migrate(db)
    finally:
        db.close()
    return database


def execute_on(database: str | Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """Run one statement on ``database`` from outside the bot (as an operator or an attacker
    with database access would) and commit; return its rows. ``database`` is a SQLite path or
    a ``postgresql://`` URL; ``sql`` uses ``?`` placeholders on both."""
    database = str(database)
    if database.startswith(("postgresql://", "postgres://")):
        with psycopg.connect(database, autocommit=True) as conn:
            cursor = conn.execute(to_pyformat(sql), list(params))
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    conn = sqlite3.connect(database, timeout=10)
    try:
        with conn:  # commits
            return [tuple(row) for row in conn.execute(sql, list(params)).fetchall()]
    finally:
        conn.close()


@functools.cache
def _schema_file() -> Path:
    """A SQLite file with the current schema and nothing in it, made once per test process
    (in a directory removed when the process ends)."""
    from bot.storage.migrations import migrate
    from bot.storage.sqlite import connect

    _made.append(tempfile.TemporaryDirectory(prefix="focal-schema-"))
    path = Path(_made[-1].name) / "schema.db"
    db = connect(str(path))
    try:
        migrate(db)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file itself
    finally:
        db.close()
    return path


_made: list[tempfile.TemporaryDirectory[str]] = []


def _copy_schema_file(path: Path) -> None:
    """Start a test's SQLite database as a copy of :func:`_schema_file`, readable by its owner
    only, as the bot makes one: migrating every test's new file took 20 ms of its start's 46
    (the bot's own first run, which makes and migrates the file, is tested on its own:
    tests/test_store.py, tests/test_database_private.py and every CLI and console test)."""
    shutil.copyfile(_schema_file(), path)
    path.chmod(0o600)


class Harness:
    """Drive the app as several people; read what each of them received."""

    def __init__(
        self,
        db_path: Path,
        settings: Settings | None = None,
        extra_adapters: list[Adapter] | None = None,
        chat_factory: Callable[[str], MemoryAdapter] = MemoryAdapter,
    ) -> None:
        self.db_path, self.settings = db_path, settings or shipped_settings()
        self.database = database_for(db_path)
        if not self.settings.audit.anchor_file:  # beside the test's files, on either engine
            audit = self.settings.audit.model_copy(
                update={"anchor_file": f"{db_path}.audit-anchors"}
            )
            self.settings = self.settings.model_copy(update={"audit": audit})
        if not self.settings.files.directory:  # the encrypted blobs, beside the test's files
            files = self.settings.files.model_copy(update={"directory": f"{db_path}.files"})
            self.settings = self.settings.model_copy(update={"files": files})
        self.clock = ShiftedClock()
        self.extra = extra_adapters or []
        self.chat_factory = chat_factory
        self.app: App | None = None
        self.chat = MemoryAdapter("console")
        self.timers = ManualTimers()

    async def start(self) -> Harness:
        if self.database == str(self.db_path) and not self.db_path.exists():
            _copy_schema_file(self.db_path)
        self.chat = self.chat_factory("console")
        self.timers = ManualTimers()
        self.app = build_app(
            self.settings, [self.chat, *self.extra], self.timers, self.database, self.clock
        )
        await self.app.start()
        return self

    async def stop(self) -> None:
        if self.app:
            await self.app.stop()
            self.app = None

    async def restart(self) -> None:
        """Stop and start again on the same database (what a deploy or crash-restart does)."""
        await self.stop()
        await self.start()

    async def say(self, person_id: str, text: str, **kwargs: object) -> list[str]:
        """``person_id`` sends ``text``; return what the bot answered them in that chat."""
        before = len(self.chat.sent)
        await self.chat.say(person_id, text, **kwargs)
        await self.settle()
        return [d.message.text for d in self.chat.sent[before:] if d.message.address == person_id]

    async def press(self, person_id: str, command: str) -> list[str]:
        """``person_id`` presses a button carrying ``command``."""
        assert self.app is not None
        before = len(self.chat.sent)
        await self.app.submit(self.chat.press(person_id, command))
        await self.settle()
        return [d.message.text for d in self.chat.sent[before:] if d.message.address == person_id]

    async def settle(self) -> None:
        """Wait until accepted events are handled and owed messages delivered."""
        assert self.app is not None
        await self.app.idle()

    async def file_request(self, args: str, by: str = "au-officer") -> str:
        """``by`` files ``/request <args>``; return the new request's id once all is sent."""
        answer = await self.say(by, f"/request {args}")
        match = re.search(r"Request (\S+) sent", answer[0] if answer else "")
        assert match, answer
        await self.settle()
        return match[1]

    def inbox(self, person_id: str) -> list[str]:
        """Everything sent to ``person_id`` so far."""
        return self.chat.to(person_id)

    def last(self, person_id: str) -> str:
        """The latest message to ``person_id`` ('' when none)."""
        received = self.inbox(person_id)
        return received[-1] if received else ""

    async def advance(self, delta: timedelta) -> int:
        """Move the clock and fire what became due; return how many timers fired."""
        assert self.app is not None
        self.clock.advance(delta)
        fired = await self.app.fire_due_timers()
        await self.settle()
        return fired

    async def rows(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        """Read the database directly, through the app's store thread."""
        assert self.app is not None
        return await self.app.store.run(lambda db: list(db.execute(sql, params or [])))
