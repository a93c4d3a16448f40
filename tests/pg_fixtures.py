"""Fixtures for the real PostgreSQL server (see :mod:`tests.pg_server`).

``FOCALBOT_REQUIRE_POSTGRES=1`` (set by CI) turns a missing server into a failure instead of a
skip, so the PostgreSQL half of the suite can never silently vanish.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.pg_server import PostgresServer, PostgresUnavailable, bindir, sweep


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove the servers and directories that earlier, killed runs left: once a run, by the
    main process (xdist's workers are the ones given ``workerinput``)."""
    if not hasattr(session.config, "workerinput"):
        sweep()


def missing_postgres(exc: PostgresUnavailable) -> NoReturn:
    """Skip the test, or fail it where PostgreSQL is required."""
    if os.environ.get("FOCALBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(str(exc))
    pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_bindir() -> Path:
    """The PostgreSQL server programs, for a test that starts servers of its own."""
    try:
        return bindir()
    except PostgresUnavailable as exc:
        missing_postgres(exc)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole test session."""
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        missing_postgres(exc)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A fresh, empty PostgreSQL database for one test, run in the test's own directory: a
    PostgreSQL database has no file to put its audit anchors beside, so they go to the working
    directory (the repository's root collected them)."""
    monkeypatch.chdir(tmp_path)
    return postgres_server.new_database()
