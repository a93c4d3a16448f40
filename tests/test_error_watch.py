"""The log watch in conftest: an error logged during a test fails it unless it expects one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.conftest import ErrorRecords, assert_no_tracebacks, describe_errors, is_error

pytest_plugins = ["pytester"]

INNER_CONFTEST = """
from tests.conftest import fail_on_logged_errors  # noqa: F401  (the autouse fixture under test)

def pytest_configure(config):
    config.addinivalue_line("markers", "expects_errors: errors are intended")
"""

INNER_TESTS = """
import logging
import pytest

log = logging.getLogger("bot.app")

def test_quiet():
    log.warning("a warning is not a failure")

def test_error_logged():
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        log.error("handling Text from console failed", exc_info=exc)

def test_traceback_at_warning():
    try:
        raise ValueError("odd")
    except ValueError:
        log.warning("retrying", exc_info=True)

@pytest.mark.expects_errors
def test_error_expected():
    log.error("line cannot start: refused")
"""


def record(level: int, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc is not None else None
    return logging.LogRecord("bot.app", level, __file__, 1, "msg %s", ("x",), exc_info)


def test_errors_and_tracebacks_count_but_warnings_do_not() -> None:
    assert is_error(record(logging.ERROR))
    assert is_error(record(logging.CRITICAL))
    assert is_error(record(logging.WARNING, RuntimeError("boom")))
    assert not is_error(record(logging.WARNING))
    assert not is_error(record(logging.INFO))


def test_the_handler_keeps_only_errors_and_names_them() -> None:
    handler = ErrorRecords()
    for level in (logging.INFO, logging.WARNING, logging.ERROR):
        handler.handle(record(level, RuntimeError("boom") if level == logging.ERROR else None))
    assert [r.levelno for r in handler.records] == [logging.ERROR]
    message = describe_errors(handler.records)
    assert "1 error(s) logged" in message and "msg x" in message
    assert "RuntimeError: boom" in message
    assert describe_errors([]) == ""


def test_a_child_traceback_fails() -> None:
    crash = "INFO started\nTraceback (most recent call last):\n  File x\nKeyError: 'a'\n"
    with pytest.raises(AssertionError, match="KeyError"):
        assert_no_tracebacks(crash)
    assert_no_tracebacks("INFO started\nWARNING slow\n")


def test_the_fixture_fails_tests_that_log_errors(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A separate pytest run, so the errors it logs on purpose stay out of this one."""
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_error_logged*"])
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_traceback_at_warning*"])
