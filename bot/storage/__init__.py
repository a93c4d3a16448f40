"""Storage: one store port, SQLite (the embedded default) and PostgreSQL (several replicas).

A database is named by a file path (SQLite) or a ``postgresql://`` URL; the password of a
PostgreSQL database comes from the environment (libpq's ``PGPASSWORD``, or the variable named
by ``[bot] database_password_env``), never from the URL in ``bot.toml``.
"""

from __future__ import annotations

from collections.abc import Callable
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


def open_store(database: str, password: str | None = None) -> Store:
    """The store for ``database``: PostgreSQL for a URL, SQLite for a file path."""
    if is_postgres(database):
        from bot.storage.postgres import PostgresStore

        return PostgresStore(database, password=password)
    from bot.storage.sqlite import SqliteStore

    return SqliteStore(database)
