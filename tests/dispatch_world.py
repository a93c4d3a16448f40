"""The real dispatch on a real database, without the async app around it.

For tests that push hundreds of events (property tests, the permission matrix): each event
runs through ``process_event`` — parsing, access checks, handlers, the unit of work — exactly as
on the store thread, but synchronously, so a test can run thousands in seconds.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.delivery.routing import Router
from bot.directory.repo import CONSOLE, Directory, save_directory
from bot.dispatch import process_event
from bot.events import ChatRef, Sender, TextMessage
from bot.factory import default_hooks, default_registry
from bot.storage.migrations import migrate
from bot.storage.sql import SqliteDb
from bot.storage.sqlite import atomic, connect
from bot.work import Context, Work
from tests.harness import shipped_settings

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class _Undo(Exception):
    """Raised to roll a trial event back."""


class DispatchWorld:
    """The shipped directory on a fresh database, spoken to through the real dispatch."""

    def __init__(self, path: Path, now: datetime = NOW, settings: Settings | None = None) -> None:
        settings = settings or shipped_settings()
        database = connect(path)
        migrate(database)
        self.db = SqliteDb(database)
        with database.atomic():
            save_directory(self.db, list(settings.countries), list(settings.people))
        directory = Directory.build(list(settings.countries), list(settings.people))
        router = Router({CONSOLE: lambda user_id: user_id})
        self.ctx = Context(settings, directory, router, default_registry())
        self.hooks, self.now = default_hooks(), now
        self._ids = itertools.count(1)

    def send(self, person: str, text: str, keep: bool = True) -> Work | None:
        """One event from ``person``; committed, or rolled back when ``keep`` is False."""
        event = TextMessage(
            f"w{next(self._ids)}", Sender(CONSOLE, person), ChatRef(CONSOLE, person, True), text
        )
        work: Work | None = None
        try:
            with self.db.database.atomic(), atomic(self.db):
                work = process_event(self.db, self.ctx, self.hooks, event, self.now)
                if not keep:
                    raise _Undo
        except _Undo:
            pass
        return work

    def answers(self, person: str, text: str, keep: bool = True) -> list[str]:
        """What ``person`` was answered in their own chat."""
        work = self.send(person, text, keep)
        return [m.text for m in work.outbound if m.address == person] if work else []
