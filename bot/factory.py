"""Builds the app from settings: the one place collaborators are chosen and injected."""

from __future__ import annotations

from collections.abc import Iterable

from bot import basics
from bot.app import App
from bot.audit import anchor as audit_anchor
from bot.broadcasts import handlers as broadcasts
from bot.clock import Clock
from bot.commands import Registry
from bot.config import Settings
from bot.delivery import held
from bot.directory import handlers as admin
from bot.directory import roster
from bot.dispatch import Hooks
from bot.i18n import _
from bot.periods import handlers as periods
from bot.ports import Adapter, TimerScheduler
from bot.reports import handlers as reports
from bot.requests import handlers as requests
from bot.returns import handlers as returns
from bot.returns import reminder_handlers as returns_reminders
from bot.storage import is_postgres, open_store


def default_registry() -> Registry:
    """Every command the bot offers, in the order /help lists them."""
    return Registry.by_topic(
        [
            (_("Requests"), requests.COMMANDS),
            (_("Periods and returns"), [*periods.COMMANDS, *returns.COMMANDS]),
            (_("Broadcasts and reports"), [*broadcasts.COMMANDS, *reports.COMMANDS]),
            (_("People and languages"), [*basics.COMMANDS, *admin.COMMANDS, *roster.COMMANDS]),
        ]
    )


def default_hooks() -> Hooks:
    """Timer handlers by kind, and free-text consumers."""
    return Hooks(
        timers={
            **requests.TIMERS,
            **returns_reminders.TIMERS,
            **audit_anchor.TIMERS,
            **held.TIMERS,
            **roster.TIMERS,
        },
        text=(*returns.TEXT, *periods.TEXT),
    )


def build_app(
    settings: Settings,
    adapters: Iterable[Adapter],
    scheduler: TimerScheduler,
    database: str | None = None,
    clock: Clock | None = None,
) -> App:
    """An app on ``database`` (default: the configured file) with the given channels."""
    database = database or settings.bot.database
    password = settings.bot.database_password()
    store = open_store(database, password, settings.bot.database_password_env)
    # On PostgreSQL any number of replicas may share the database: they coordinate.
    leases = None
    if is_postgres(database):
        from bot.storage.leases import PostgresLeases  # psycopg (~20 MiB) only when needed

        leases = PostgresLeases(database, password)
    return App(
        settings,
        store,
        adapters,
        scheduler,
        default_registry(),
        default_hooks(),
        clock,
        startup=(periods.sync_configured, audit_anchor.arm_daily, roster.arm_all),
        shutdown=(audit_anchor.at_stop,),
        leases=leases,
    )
