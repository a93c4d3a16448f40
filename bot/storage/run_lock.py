"""One running bot per SQLite file.

Two bots on one file would both resume the outbox and deliver every queued message twice
(SQLite keeps their writes apart, not their sends). ``focalbot run`` holds an advisory lock on
``<database>.lock`` while it runs; the kernel drops it when the process ends however it ends,
so a crash leaves nothing to undo (the file stays, naming the last holder's process). The
command-line tools do not take it: they may run beside the bot. Several replicas need
PostgreSQL, where leases share the work out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.errors import ConfigError


@contextlib.contextmanager
def only_bot_on(database: str) -> Iterator[None]:
    """Hold the lock beside the SQLite ``database`` for the ``with`` block; ConfigError naming
    the other bot's process when one holds it already."""
    path = Path(f"{Path(database).resolve()}.lock")  # one file however it is named
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise ConfigError(
                f"Another FocalPoint is running on {database} (process {other}). One bot per "
                "SQLite file: stop it first, or use PostgreSQL to run several replicas."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
