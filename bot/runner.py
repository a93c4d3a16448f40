"""Running the bot: channels from settings, console wiring, signals, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from datetime import UTC, timedelta

from adapters.channels import platform_adapters
from adapters.console import ConsoleAdapter
from bot.app import App
from bot.basics import roles_of
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.factory import build_app
from bot.gc_pause import settle_after_start
from bot.i18n import Text, join
from bot.ports import Adapter
from bot.storage import is_postgres
from bot.storage.run_lock import only_bot_on
from bot.workdays import preload as preload_holidays
from reminders.scheduler import APSchedulerTimers

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, database: str | None = None, console: bool = True) -> None:
    """Run until end of console input or a signal; a second signal exits at once. One bot
    per SQLite file: a second one on it is refused (PostgreSQL takes several replicas)."""
    database = database or settings.bot.database
    if is_postgres(database):
        await _run_bot(settings, database, console)
        return
    with only_bot_on(database):
        await _run_bot(settings, database, console)


async def _run_bot(settings: Settings, database: str, console: bool) -> None:
    clock = ShiftedClock()
    adapters: list[Adapter] = platform_adapters(settings)
    shell: ConsoleAdapter | None = None
    app_ref: list[App] = []
    if (
        console
        and settings.channels.get("console", None) is not None
        and (settings.channels["console"].enabled)
    ):
        shell = ConsoleAdapter(
            people=lambda: console_people(app_ref[0]),
            advance=lambda delta: _advance(app_ref[0], clock, delta),
            idle=lambda: app_ref[0].idle(),
            now=lambda: clock.now().astimezone(UTC),
        )
        adapters.append(shell)
    if not adapters:
        raise SystemExit("No channel to run: enable the console or set a platform token.")
    app = build_app(settings, adapters, APSchedulerTimers(), database, clock)
    app_ref.append(app)
    stop = asyncio.Event()
    _on_signals(stop)
    await app.start()
    log_ready(app)
    settle_after_start()  # once ready: a collection of everything, about 30 ms here
    app.spawn(asyncio.to_thread(preload_holidays), "holidays preload")
    waits = [asyncio.create_task(stop.wait())]
    if shell is not None:
        waits.append(asyncio.create_task(shell.finished.wait()))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in waits:
        task.cancel()
    await app.stop()


def log_ready(app: App) -> None:
    """Say which channels serve; a warning naming those that do not (yet)."""
    running = [name for name in app.adapters if name in app.started]
    stopped = [name for name in app.adapters if name in app.given_up]
    waiting = [name for name in app.adapters if name not in app.started and name not in stopped]
    ready = f"FocalPoint ready on {', '.join(running) or 'no channel'}"
    missing = [f"{name} (cannot start, see above)" for name in stopped]
    missing += [f"{name} (still trying to start)" for name in waiting]
    if missing:
        log.warning("%s; not running: %s", ready, ", ".join(missing))
    else:
        log.info("%s", ready)


def console_people(app: App) -> list[tuple[str, Text]]:
    """Who one can speak as in the console, each with their roles and country (rendered in
    the language the console writes in: the speaker's, or the bot's for the list)."""
    if app.ctx is None:
        return []
    directory = app.ctx.directory
    return [
        (
            p.id,
            join(
                [f"{p.name} — ", join([roles_of(p), directory.country_name(p.country)], ", ")], ""
            ),
        )
        for p in directory.people.values()
    ]


async def _advance(app: App, clock: ShiftedClock, delta: timedelta) -> int:
    clock.advance(delta)
    return await app.fire_due_timers()


def _on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def first() -> None:
        if stop.is_set():
            os._exit(130)  # second signal: leave now; WAL keeps the database consistent
        log.warning("stopping: finishing accepted work (signal again to exit at once)")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, first)
