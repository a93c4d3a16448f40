"""A test run cut short leaves no PostgreSQL server behind (see :mod:`tests.pg_server`).

Each server here is made in a directory of the test's own, by a Python process started as the
suite's workers start theirs; the test then kills what a Ctrl-C, a ``kill -9`` or a CI
timeout would kill, and waits (bounded) for the server and its directory to go.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import pg_fixtures
from tests.pg_server import LEGACY_AGE, MARKER, PREFIX, PostgresServer, running, sweep

REPO = Path(__file__).resolve().parents[1]

# A server's maker, as a worker of the suite is one: it starts the server and lives on.
MAKER = """
import sys, time
from pathlib import Path
from tests.pg_server import PostgresServer

server = PostgresServer(Path(sys.argv[1])).start()
print(server.root, server.watchdog.pid, flush=True)
time.sleep(600)
"""


@dataclass(frozen=True)
class Made:
    """A server started by a process of its own."""

    maker: subprocess.Popen[str]
    root: Path
    watchdog: int  # the watchdog's process group
    postmaster: int


def group_alive(group: int) -> bool:
    """Whether any live process belongs to process group ``group``."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] not in ("Z", "X"):
                return True
    return False


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {timeout} s: {what}"
        time.sleep(0.05)


def gone(made: Made) -> bool:
    return not running(made.postmaster) and not made.root.exists()


def postmaster_of(root: Path) -> int:
    return int((root / "data" / "postmaster.pid").read_text().split()[0])


@pytest.fixture
def parent(postgres_bindir: Path) -> Iterator[Path]:
    """A directory of the test's own for servers (short: their sockets live there). Whatever
    a failing test left in it is stopped and removed afterwards."""
    where = Path(tempfile.mkdtemp(prefix="pgc-"))
    where.chmod(0o755)  # as root, the servers run as postgres
    yield where
    left = []
    for root in where.glob(f"{PREFIX}*"):
        with contextlib.suppress(OSError, ValueError):
            left.append(postmaster_of(root))
            os.kill(left[-1], signal.SIGQUIT)  # an immediate stop
    wait_until(lambda: not any(map(running, left)), "the servers left to stop")
    shutil.rmtree(where, ignore_errors=True)


@pytest.fixture
def make(parent: Path) -> Iterator[Callable[[], Made]]:
    """Starts a server from a Python process of its own; kills what is left of it after."""
    made: list[Made] = []

    def start() -> Made:
        maker = subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", MAKER, str(parent)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert maker.stdout is not None
        ready, _, _ = select.select([maker.stdout], [], [], 90)
        line = maker.stdout.readline() if ready else ""
        if not line:
            maker.kill()
            pytest.fail(f"the maker started no server: {maker.communicate(timeout=10)[1]}")
        root, watchdog = line.split()
        made.append(Made(maker, Path(root), int(watchdog), postmaster_of(Path(root))))
        return made[-1]

    yield start
    for one in made:
        one.maker.kill()
        one.maker.communicate(timeout=10)


def kill_watchdog(made: Made) -> None:
    os.killpg(made.watchdog, signal.SIGKILL)
    wait_until(lambda: not group_alive(made.watchdog), "the watchdog's death")


def kill_maker(made: Made) -> None:
    made.maker.send_signal(signal.SIGKILL)
    made.maker.communicate(timeout=10)


def test_a_server_goes_when_its_maker_is_killed(make: Callable[[], Made]) -> None:
    made = make()
    assert running(made.postmaster)

    kill_maker(made)

    wait_until(lambda: gone(made), "the server to stop and its directory to go")


def test_a_stopped_server_is_down_at_once_and_its_directory_goes(parent: Path) -> None:
    server = PostgresServer(parent).start()
    postmaster = postmaster_of(server.root)

    server.stop()

    assert not running(postmaster)
    wait_until(lambda: not server.root.exists(), "the directory to go")


def test_the_sweep_removes_what_a_run_killed_with_its_watchdog_left(
    make: Callable[[], Made], parent: Path
) -> None:
    made = make()
    assert sweep(parent) == [], "maker and watchdog alive"
    kill_watchdog(made)
    assert sweep(parent) == [], "the maker alive"
    kill_maker(made)
    assert running(made.postmaster), "the server is left behind"

    assert sweep(parent) == [made.root]

    wait_until(lambda: gone(made), "the server to stop and its directory to go")


def legacy_directory(parent: Path, age: float) -> Path:
    """A server directory as the code before the watchdog left it: no marker, no lock."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    (root / "log").write_text("")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    made_at = time.time() - age
    os.utime(root, (made_at, made_at))
    return root


@pytest.mark.usefixtures("postgres_bindir")  # the sweep needs pg_ctl
def test_the_sweep_gives_a_directory_from_before_the_watchdog_an_hour(tmp_path: Path) -> None:
    young = legacy_directory(tmp_path, LEGACY_AGE - 60)
    old = legacy_directory(tmp_path, LEGACY_AGE + 60)
    assert not (old / MARKER).exists()

    assert sweep(tmp_path) == [old]

    wait_until(lambda: not old.exists(), "the old directory to go")
    assert young.exists()


@pytest.mark.usefixtures("postgres_bindir")
def test_each_run_sweeps_the_temporary_directory_once_at_its_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = legacy_directory(tmp_path, LEGACY_AGE + 60)
    worker = SimpleNamespace(config=SimpleNamespace(workerinput={}))
    main = SimpleNamespace(config=SimpleNamespace())

    pg_fixtures.pytest_sessionstart(worker)  # type: ignore[arg-type]
    assert left.exists(), "xdist's workers leave it to the main process"
    pg_fixtures.pytest_sessionstart(main)  # type: ignore[arg-type]

    wait_until(lambda: not left.exists(), "the left directory to go")


@pytest.mark.usefixtures("postgres_bindir")
@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make another user's directory")
def test_the_sweep_leaves_what_it_did_not_make(tmp_path: Path) -> None:
    another_users = legacy_directory(tmp_path, LEGACY_AGE + 60)
    shutil.chown(another_users, "nobody")
    another_name = tmp_path / "elsewhere-pg-1"
    another_name.mkdir()
    shutil.chown(another_name, "postgres")
    os.utime(another_name, (0, 0))

    assert sweep(tmp_path) == []


def test_the_suites_postgres_settings_outlive_the_conftest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """conftest clears every FOCALBOT_ variable: not the suite's own, or CI could not require
    PostgreSQL (FOCALBOT_REQUIRE_POSTGRES) nor name its programs (FOCALBOT_PG_BINDIR)."""
    names = ("FOCALBOT_REQUIRE_POSTGRES", "FOCALBOT_PG_BINDIR", "FOCALBOT_TOKEN")
    for name in names:
        monkeypatch.setenv(name, "1")

    runpy.run_path(str(REPO / "tests" / "conftest.py"))  # as when a run starts

    assert [os.environ.get(name) for name in names] == ["1", "1", None]
