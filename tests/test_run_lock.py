"""One running bot per SQLite file: a second ``focalbot run`` on it is refused, naming the
first one's process; the lock goes with the process, however it ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.storage.run_lock import only_bot_on
from tests.harness import SHIPPED_CONFIG

HOLD = "from bot.storage.run_lock import only_bot_on\nimport sys, time\n"


def test_a_second_bot_on_one_file_is_refused_and_the_lock_dies_with_the_first(
    tmp_path: Path,
) -> None:
    database = str(tmp_path / "focalpoint.db")
    first = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD + "with only_bot_on(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)",
            database,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        with (
            pytest.raises(
                ConfigError, match=f"Another FocalPoint is running on .*process {first.pid}"
            ),
            only_bot_on(database),
        ):
            pass
    finally:
        first.kill()  # as a crash would: nothing cleans up, the kernel drops the lock
        first.wait(timeout=10)
    with only_bot_on(database):  # free again
        assert (tmp_path / "focalpoint.db.lock").read_text().strip() == str(os.getpid())


def test_focalbot_run_refuses_a_second_bot_on_the_same_file(tmp_path: Path) -> None:
    database = str(tmp_path / "focalpoint.db")
    command = [sys.executable, "-m", "bot.cli", "run", "--config", str(SHIPPED_CONFIG)]
    first = subprocess.Popen(
        [*command, "--database", database],
        stdin=subprocess.PIPE,  # the console waits for input: the bot runs until it ends
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = tmp_path / "focalpoint.db.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert time.monotonic() < deadline and first.poll() is None, "first bot not up"
            time.sleep(0.05)
        second = subprocess.run(
            [*command, "--database", database], input="", capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 1
        assert f"Another FocalPoint is running on {database} (process {first.pid})" in (
            second.stderr
        )
        assert "Traceback" not in second.stderr
    finally:
        first.communicate(input="", timeout=60)  # end of input: the first bot stops cleanly
    assert first.returncode == 0


def test_the_same_file_by_another_name_is_the_same_bot(tmp_path: Path) -> None:
    database = tmp_path / "focalpoint.db"
    database.touch()
    (tmp_path / "link.db").symlink_to(database)
    with (
        only_bot_on(str(database)),
        pytest.raises(ConfigError, match="Another FocalPoint"),
        only_bot_on(str(tmp_path / "link.db")),
    ):
        pass
