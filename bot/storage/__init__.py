"""Storage: one store port, SQLite (the embedded default) and PostgreSQL (several replicas).

A database is named by a file path (SQLite) or a ``postgresql://`` URL; the password of a
PostgreSQL database comes from the environment (libpq's ``PGPASSWORD``, or the variable named
by ``[bot] database_password_env``), never from the URL in ``bot.toml``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.without_numpy import import_without_numpy

# sqlite-utils loads numpy and pandas if installed, only to map their number types.
import_without_numpy("sqlite_utils")

from bot.storage.sql import Db  # noqa: E402  (after sqlite-utils is loaded without numpy)

T = TypeVar("T")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Store(Protocol):
    """Runs units of work (functions of a :class:`~bot.storage.sql.Db`) atomically, off the
    event loop. Implemented by the SQLite store and the PostgreSQL store."""

    path: str
    dialect: str

    async def open(self) -> None: ...

    async def run(self, unit: Callable[[Db], T], *, short: bool = False, more: bool = False) -> T:
        """Run ``unit`` in one transaction. ``short``: the caller knows it finishes in well
        under a millisecond, so an engine may run it on the event loop itself. ``more``: more
        work waits behind it, so it may wait for company to share one commit."""
        ...

    def defer(self, unit: Callable[[Db], Any]) -> None: ...

    @property
    def is_open(self) -> bool: ...

    async def close(self) -> None: ...


def is_postgres(database: str) -> bool:
    """Whether ``database`` names a PostgreSQL database rather than a SQLite file."""
    return str(database).startswith(POSTGRES_SCHEMES)


def open_store(database: str, password: str | None = None, password_env: str = "") -> Store:
    """The store for ``database``: PostgreSQL for a URL, SQLite for a file path.

    ``password_env`` names the variable the password was read from ([bot]
    database_password_env), so a refused connection can say which one to set.
    """
    if is_postgres(database):
        from bot.storage.postgres import PostgresStore

        return PostgresStore(database, password=password, password_env=password_env)
    from bot.storage.sqlite import SqliteStore

    return SqliteStore(database)


def missing_password(
    database: str, password_env: str, env: Mapping[str, str] | None = None
) -> str | None:
    """Why a PostgreSQL ``database`` may get no password, or None when it has a source.

    A source is the URL itself (from the environment or the command line: ``bot.toml`` may not
    hold one), the variable ``password_env`` names, libpq's ``PGPASSWORD``, or a password file
    (``PGPASSFILE``, else ``~/.pgpass``). Without one the connection still works where
    the server trusts this host (or takes a certificate), so this is a warning, not an error.
    """
    from bot.config import password_in_url  # the rule that keeps it out of bot.toml

    env = os.environ if env is None else env
    if not is_postgres(database) or (password_env and env.get(password_env)):
        return None
    if password_in_url(database):  # FOCALBOT_DATABASE or --database may carry it
        return None
    if env.get("PGPASSWORD") or _password_file(env).is_file():
        return None
    why = (
        f"the environment variable {password_env} that [bot] database_password_env names is not set"
        if password_env
        else "[bot] database_password_env names no variable (e.g. FOCALBOT_DB_PASSWORD)"
    )
    return (
        f"database: PostgreSQL will get no password: {why}, and neither PGPASSWORD nor a "
        "password file (~/.pgpass) gives one. Fine if the server trusts this host without "
        "a password; otherwise the bot will not connect"
    )


def _password_file(env: Mapping[str, str]) -> Path:
    if env.get("PGPASSFILE"):
        return Path(env["PGPASSFILE"])
    return Path(env.get("HOME") or Path.home()) / ".pgpass"
