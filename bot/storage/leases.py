"""Who does what when several replicas share one database.

Some work must run on exactly one replica at a time: long polling (Telegram ``getUpdates``,
IMAP), where two pollers would steal each other's updates. On PostgreSQL a replica holds such a
lease as a session-level advisory lock on a connection of its own: if the replica dies, its
connection closes and PostgreSQL frees the lock at once, so another replica takes over at its
next try (every :data:`RETRY_EVERY` seconds). On SQLite there is only one process, which always
holds every lease.
"""

from __future__ import annotations

import abc
import hashlib
import logging
from typing import Any

import psycopg

log = logging.getLogger(__name__)
RETRY_EVERY = 1.0  # seconds between attempts to take a lease another replica holds


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lease name."""
    digest = hashlib.blake2b(f"focalbot:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leases(abc.ABC):
    """Exclusive, self-expiring roles among the replicas of one bot."""

    @abc.abstractmethod
    async def try_acquire(self, name: str) -> bool:
        """Take the lease ``name`` if nobody holds it; True when this replica holds it."""

    @abc.abstractmethod
    async def still_held(self) -> bool:
        """False once this replica may have lost its leases (its connection broke)."""

    @abc.abstractmethod
    async def release(self, name: str) -> None:
        """Give the lease ``name`` up, so another replica can take it at once."""

    async def close(self) -> None:
        """Give every lease up."""
        return None


class LocalLeases(Leases):
    """One process, one replica: every lease is always ours."""

    async def try_acquire(self, name: str) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self, name: str) -> None:
        return None


class PostgresLeases(Leases):
    """Advisory locks on one dedicated connection, freed by PostgreSQL when it closes."""

    def __init__(self, url: str, password: str | None = None) -> None:
        self.url = url
        self._kwargs: dict[str, Any] = {"password": password} if password else {}
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._held: set[str] = set()

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        if self._conn is None or self._conn.closed:
            self._held.clear()  # a new session holds nothing
            self._conn = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=5, **self._kwargs
            )
        return self._conn

    async def try_acquire(self, name: str) -> bool:
        if name in self._held and await self.still_held():
            return True
        try:
            conn = await self._connection()
            cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
            row = await cursor.fetchone()
        except psycopg.OperationalError as exc:
            log.warning("cannot reach PostgreSQL for lease %s: %s", name, exc)
            await self._drop()
            return False
        if row and row[0]:
            self._held.add(name)
            return True
        return False

    async def still_held(self) -> bool:
        if self._conn is None or self._conn.closed:
            return False
        try:
            await self._conn.execute("SELECT 1")
        except psycopg.OperationalError:
            await self._drop()
            return False
        return True

    async def release(self, name: str) -> None:
        if name not in self._held or self._conn is None:
            return
        self._held.discard(name)
        try:
            await self._conn.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
        except psycopg.OperationalError:
            await self._drop()

    async def close(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        self._held.clear()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                await conn.close()
            except psycopg.Error:
                log.debug("closing the lease connection failed", exc_info=True)
