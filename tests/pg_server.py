"""A throwaway PostgreSQL server for the test suite: real server, nothing mocked.

Started once per test session in a temporary directory (``initdb`` + ``pg_ctl``), on a free
port on 127.0.0.1, with durability switched off because the data is thrown away. ``initdb``
refuses to run as root, so as root the cluster belongs to the ``postgres`` user.

Each test gets a database of its own, cloned from an empty template in a few milliseconds.

Nothing outlives the run, however it ends. A watchdog started with each server waits for the
process that made it to go (a normal end, a crash, a SIGKILL), then stops the server and
removes its directory. When the watchdog was killed too (a whole container or process tree
killed), the directory is left; the next session's :func:`sweep` finds and removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bot.storage.migrations import migrate_postgres
from bot.storage.sql import PostgresDb

FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")

STOP_PATIENCE = 10.0  # seconds stop() waits for the postmaster to exit (bounds a hang only)
PREFIX = "focalbot-pg-"
# Written into a server's directory once its maker holds the directory's lock: from then on
# the directory is abandoned as soon as nobody holds that lock (see :func:`sweep`).
MARKER = "watched"
# A directory without the marker was made by the code before the watchdog, whose live runs
# cannot be told from dead ones: only age shows it abandoned (a session takes minutes).
LEGACY_AGE = 3600.0

# The watchdog, in ``sh`` so that it costs next to nothing while it waits. ``cat`` returns
# when no process holds the write end of its stdin any more: the server's maker has stopped or
# died (a sweep gives it /dev/null: no wait). The server is then stopped and its directory
# removed, unless a server still runs there that could not be stopped. The data goes first,
# the marker last; the lock on the directory, inherited, is held until the end. "$0" is the
# directory, "$@" the pg_ctl command for its cluster, without the action.
_WATCHDOG = """
cat >/dev/null
"$@" -m immediate -w stop >/dev/null 2>&1 || ! "$@" status >/dev/null 2>&1 || exit 1
rm -rf "$0/data"
exec rm -rf "$0"
"""


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def bindir() -> Path:
    """The directory of the PostgreSQL server programs (``FOCALBOT_PG_BINDIR`` overrides)."""
    explicit = os.environ.get("FOCALBOT_PG_BINDIR")
    if explicit:
        return Path(explicit)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise PostgresUnavailable(
        "PostgreSQL server not found (pg_config --bindir has no initdb); "
        "install the Debian package 'postgresql'"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres() -> bool:
    """Whether the servers run as the ``postgres`` user (we are root, which initdb refuses)."""
    return os.geteuid() == 0


def _command(programs: Path, *args: str) -> list[str]:
    """A PostgreSQL program's command line, run as the user that owns the clusters."""
    command = [str(programs / args[0]), *args[1:]]
    return ["runuser", "-u", "postgres", "--", *command] if _as_postgres() else command


def _claim(root: Path) -> int:
    """Lock ``root`` and mark it watched; returns the lock, held while its holders live."""
    lock = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # blocking: a sweep may hold it for a moment
    if _as_postgres():
        shutil.chown(root, "postgres")
    (root / MARKER).write_text(f"{os.getpid()}\n")
    return lock


def _watchdog(root: Path, programs: Path, lock: int, stdin: int) -> subprocess.Popen[bytes]:
    """Start the watchdog of ``root``, holding ``lock``, in a session of its own so that a
    Ctrl-C meant for pytest does not reach it."""
    pg_ctl = _command(programs, "pg_ctl", "-D", str(root / "data"))
    return subprocess.Popen(  # noqa: S603 - our own temporary directory
        ["sh", "-c", _WATCHDOG, str(root), *pg_ctl],
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(lock,),
        start_new_session=True,
    )


class PostgresServer:
    """One server process; :meth:`new_database` hands out fresh, empty databases.

    Its directory is made in ``parent`` (the system's temporary directory by default).
    """

    def __init__(self, parent: Path | None = None) -> None:
        self.bindir = bindir()
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_postgres = _as_postgres()
        self._names = itertools.count(1)
        self._spare: list[str] = []  # databases given back, to empty and hand out again
        self._schema_made = False
        self._schema: list[tuple[str, tuple[str, ...]]] = []
        self._meta: list[tuple[str, str]] = []
        self._sequences: list[str] = []  # of that schema, started again for each test
        self.user = "postgres" if self._as_postgres else os.environ.get("USER", "postgres")
        self._lock = _claim(self.root)
        # The watchdog waits on a pipe whose only write end this process holds (it is not
        # inherited by the processes we start): the end of this process is the end of the pipe.
        read_end, self._maker_alive = os.pipe()
        self.watchdog = _watchdog(self.root, self.bindir, self._lock, read_end)
        os.close(read_end)

    def _run(self, *args: str) -> None:
        subprocess.run(_command(self.bindir, *args), check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = " ".join(f"-c {setting}" for setting in FAST_SETTINGS)
        options += f" -c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        options += " -c max_connections=300"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "-l",
            str(self.root / "log"),
            "start",
        )
        with self.admin() as conn:
            conn.execute("CREATE DATABASE focal_template")
        return self

    def schema_database(self) -> str:
        """A database with FocalPoint's schema and nothing in it (as a bot leaves one it has
        just created); returns its URL. One a test gave back (:meth:`give_back`) is emptied
        and handed out again: copying a database and migrating it took 0.3-1 s a test."""
        while self._spare:
            name = self._spare.pop()
            if self._emptied(name):
                return self.url(name)
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            if not self._schema_made:
                conn.execute("CREATE DATABASE focal_schema TEMPLATE focal_template")
                with psycopg.connect(self.url("focal_schema")) as made, made.transaction():
                    migrate_postgres(PostgresDb(made))
                    self._schema = _schema_of(made)
                    self._meta = made.execute("SELECT key, value FROM meta").fetchall()
                    self._sequences = _sequences_of(made)
                self._schema_made = True
            conn.execute(f"CREATE DATABASE {name} TEMPLATE focal_schema")
        return self.url(name)

    def give_back(self, url: str) -> None:
        """A test is done with a database :meth:`schema_database` gave it."""
        self._spare.append(url.rsplit("/", 1)[1])

    def _emptied(self, name: str) -> bool:
        """Empty a given-back database for the next test; False when it cannot be (its schema
        was changed, it is in use): it is then left alone."""
        try:
            with self.admin() as admin:  # whatever the test left connected goes
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                if _schema_of(conn) != self._schema:
                    return False
                _empty(conn, self._schema, self._sequences)
                with conn.cursor() as cursor:
                    cursor.executemany("INSERT INTO meta (key, value) VALUES (%s, %s)", self._meta)
        except psycopg.Error:
            return False
        return True

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    @contextlib.contextmanager
    def admin(self) -> Iterator[psycopg.Connection]:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            yield conn

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE focal_template")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server now (returning once its postmaster has exited); its directory goes
        in the background."""
        postmaster = 0
        with contextlib.suppress(OSError, ValueError, IndexError):
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        # pg_ctl returns once the pid file is gone, which the postmaster removes just before
        # it exits: on a busy machine it may still be there a moment
        deadline = time.monotonic() + STOP_PATIENCE
        while postmaster and running(postmaster) and time.monotonic() < deadline:
            time.sleep(0.01)
        # Every test's database is still on disk (tens of thousands of files by the end): the
        # watchdog, a process of its own, removes them once the pipe closes, so the session's
        # last test does not wait 10-20 s.
        os.close(self._maker_alive)
        os.close(self._lock)


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def sweep(parent: Path | None = None, legacy_age: float = LEGACY_AGE) -> list[Path]:
    """Have the servers and directories that killed runs left in ``parent`` removed.

    Only directories this suite made (by their name), owned by the user our servers run as,
    whose maker and watchdog are both gone, are touched: each gets a watchdog that does not
    wait. Returns those directories; their removal goes on in the background.
    """
    try:
        programs = bindir()
        owner = pwd.getpwnam("postgres").pw_uid if _as_postgres() else os.geteuid()
    except (PostgresUnavailable, KeyError):
        return []  # no server could have been started here
    swept = []
    for root in sorted(Path(parent or tempfile.gettempdir()).glob(f"{PREFIX}*")):
        lock = _abandoned(root, owner, legacy_age)
        if lock is not None:
            _watchdog(root, programs, lock, subprocess.DEVNULL)
            os.close(lock)
            swept.append(root)
    return swept


def _abandoned(root: Path, owner: int, legacy_age: float) -> int | None:
    """The lock of ``root`` when nobody looks after that server directory any more."""
    try:
        lock = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # not a directory, gone meanwhile, or not ours to read
        return None
    with contextlib.suppress(OSError):
        if os.fstat(lock).st_uid == owner and _unwatched(root, lock, legacy_age):
            return lock
    os.close(lock)
    return None


def _unwatched(root: Path, lock: int, legacy_age: float) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its maker or its watchdog is alive
    if (root / MARKER).exists():
        return True
    return time.time() - os.fstat(lock).st_mtime > legacy_age


def _schema_of(conn: psycopg.Connection) -> list[tuple[str, tuple[str, ...]]]:
    """Each table of schema public with its columns, to tell a database whose schema a test
    changed from one that can be emptied and used again."""
    rows = conn.execute(  # the catalog itself: information_schema's view took 17 ms
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return [(table, tuple(columns)) for table, columns in sorted(tables.items())]


def _sequences_of(conn: psycopg.Connection) -> list[str]:
    """The sequences of schema public (the id columns' counters)."""
    rows = conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
        "AND relkind = 'S' ORDER BY relname"
    ).fetchall()
    return [name for (name,) in rows]


def _empty(
    conn: psycopg.Connection, schema: list[tuple[str, tuple[str, ...]]], sequences: list[str]
) -> None:
    """Empty the tables a test wrote to and start again the ids it took, as in a new database.

    Only those: a TRUNCATE makes new files for each table and index (90 ms a test for all 35,
    25-40 ms for the ten a test writes). DELETE and VACUUM take 4 ms: VACUUM cuts an emptied
    table's file back to nothing, so new rows are written from its start, in order, as in a
    fresh table (after a DELETE alone they took the space of deleted rows, and a test reading
    rows without ORDER BY saw another order). A table VACUUM could not cut back (it does not
    wait for a lock) is truncated."""
    tables = [table for table, _columns in schema]
    probe = [f'EXISTS (SELECT 1 FROM "{table}")' for table in tables]
    probe += [f'(SELECT is_called FROM "{name}")' for name in sequences]
    row = conn.execute(f"SELECT {', '.join(probe)}").fetchone() or ()
    written = [f'"{table}"' for table, used in zip(tables, row[: len(tables)], strict=True) if used]
    called = [name for name, used in zip(sequences, row[len(tables) :], strict=True) if used]
    if written:
        conn.execute("; ".join(f"DELETE FROM {table}" for table in written))
        conn.execute(f"VACUUM {', '.join(written)}")
        sizes = conn.execute(
            f"SELECT {', '.join(f'pg_relation_size($${table}$$)' for table in written)}"
        ).fetchone()
        left = [table for table, size in zip(written, sizes or (), strict=True) if size]
        if left:
            conn.execute(f"TRUNCATE {', '.join(left)}")
    if called:
        conn.execute("; ".join(f'ALTER SEQUENCE "{name}" RESTART' for name in called))
