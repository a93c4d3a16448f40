"""Shared fixtures. Platform env vars are cleared so no test reaches a real service.

Every test also watches the log: anything the app reports as an error (the error sink's
"handling … failed" and its apology, a failed timer, background task, outbox worker or
adapter) fails the test that caused it, unless the test is marked ``expects_errors``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from aiosmtpd.smtp import TLSSetupException

from tests.harness import ENGINE, DatabaseFactory, Harness

pytest_plugins = ["tests.pg_fixtures", "tests.files_support"]

# The suite's own PostgreSQL settings (tests/pg_fixtures.py) are CI's, not the app's: they stay.
_SUITE_SETTINGS = ("FOCALBOT_REQUIRE_POSTGRES", "FOCALBOT_PG_BINDIR")
for _name in list(os.environ):
    if _name.startswith(("SLACK_", "FOCALBOT_")) and _name not in _SUITE_SETTINGS:
        del os.environ[_name]
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

TRACEBACK = "Traceback (most recent call last)"
ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every end-to-end test (one that runs the app through the Harness) runs on both engines,
    unless it is marked ``sqlite_only`` because it reads the SQLite file itself."""
    uses_app = hasattr(metafunc.module, "Harness") or "bot" in metafunc.fixturenames
    if uses_app and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture(autouse=True)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database engine under test: ``sqlite`` unless parametrised for both."""
    name = getattr(request, "param", "sqlite")
    factory = server = None
    if name == "postgresql":
        server = request.getfixturevalue("postgres_server")
        factory = DatabaseFactory(server.schema_database)
        # A PostgreSQL database has no file to put its audit anchors and reports beside: they
        # go to the working directory, which must be the test's own, not the repository.
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
    token = ENGINE.set(factory)
    yield name
    ENGINE.reset(token)
    if server is not None and factory is not None:
        for url in factory.urls():  # emptied and used again by the next test
            server.give_back(url)


# Readers of the output of processes the current test started (see watch_output).
_children: list[tuple[str, Callable[[], str]]] = []


class ErrorRecords(logging.Handler):
    """Keeps every record that reports a failure: ERROR or above, or one with a traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if is_error(record):
            self.records.append(record)


def is_error(record: logging.LogRecord) -> bool:
    """Whether ``record`` reports a failure (a traceback counts whatever its level).

    A client that went away mid-request (a bot process a test killed, hanging up on a fake
    platform server) is logged by aiohttp's server as an error; it is no failure of ours.
    """
    if _client_hung_up(record):
        return False
    return record.levelno >= logging.ERROR or bool(record.exc_info) or bool(record.exc_text)


def _client_hung_up(record: logging.LogRecord) -> bool:
    """A fake server's log of a client that hung up: a test's client refusing the server's
    certificate does so on purpose (aiosmtpd logs it from Python 3.12, as the reset it sees)."""
    error = record.exc_info[1] if record.exc_info else None
    if record.name == "aiohttp.server":
        return isinstance(error, ConnectionResetError)
    return (
        record.name == "mail.log"
        and isinstance(error, TLSSetupException)
        and isinstance(error.__cause__, ConnectionResetError)
    )


def describe_errors(records: list[logging.LogRecord]) -> str:
    """A failure message listing ``records`` ('' when there are none)."""
    if not records:
        return ""
    lines = [f"{len(records)} error(s) logged (mark the test expects_errors if intended):"]
    for record in records:
        lines.append(f"  {record.levelname} {record.name}: {record.getMessage()}")
        if record.exc_info and record.exc_info[1] is not None:
            lines.append(f"    {type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
    return "\n".join(lines)


def tracebacks_in(output: str) -> list[str]:
    """Each traceback printed in a child process's output, from its header to the next blank."""
    found, start = [], output.find(TRACEBACK)
    while start != -1:
        end = output.find(TRACEBACK, start + 1)
        found.append(output[start : end if end != -1 else len(output)].strip()[:2000])
        start = end
    return found


def assert_no_tracebacks(output: str, what: str = "the bot process") -> None:
    """Fail when a child process's output shows a crash (for tests that run the bot apart)."""
    found = tracebacks_in(output)
    assert not found, f"{what} logged {len(found)} traceback(s):\n" + "\n\n".join(found)


def watch_output(what: str, read: Callable[[], str]) -> None:
    """Have the current test fail if ``read()`` (a child process's output) shows a traceback."""
    _children.append((what, read))


def _child_tracebacks() -> str:
    found = []
    for what, read in _children:
        found += [f"{what}:\n{t}" for t in tracebacks_in(read())]
    return (
        f"child processes logged {len(found)} traceback(s):\n" + "\n\n".join(found) if found else ""
    )


@pytest.fixture(autouse=True)
def fail_on_logged_errors(request: pytest.FixtureRequest) -> Iterator[ErrorRecords]:
    """Fail the test if the app (or a bot process it ran) logged an error during it."""
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    _children.clear()
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    if request.node.get_closest_marker("expects_errors") is None:
        message = "\n".join(m for m in (describe_errors(handler.records), _child_tracebacks()) if m)
        _children.clear()
        if message:
            pytest.fail(message, pytrace=False)
    _children.clear()


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    """The shipped configuration running on a fresh database."""
    harness = Harness(tmp_path / "bot.db")
    await harness.start()
    yield harness
    await harness.stop()
