"""Storage: one store port, SQLite (the embedded default) and PostgreSQL (several replicas).

A database is named by a file path (SQLite) or a ``postgresql://`` URL; the password of a
PostgreSQL database comes from the environment (libpq's ``PGPASSWORD``, or the variable named
by ``[bot] database_password_env``), never from the URL in ``bot.toml``.
"""

from __future__ import annotations

from typing import Any

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(database: str) -> bool:
    """Whether ``database`` names a PostgreSQL database rather than a SQLite file."""
    return str(database).startswith(POSTGRES_SCHEMES)


def open_store(database: str, password: str | None = None) -> Any:
    """The store for ``database``: PostgreSQL for a URL, SQLite for a file path."""
    if is_postgres(database):
        from bot.storage.postgres import PostgresStore

        return PostgresStore(database, password=password)
    from bot.storage.sqlite import Store

    return Store(database)
