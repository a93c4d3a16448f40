"""W6: start to ready with the shipped config, and idle RSS after start.

Starts the real ``focalbot run`` (console, fresh SQLite file) as a process, times it from
spawn to the "FocalPoint ready" log line, waits a second, reads its RSS, then ends its input.
The bot's modules are compiled first, as the README's first command does (and as any start
after the first does where Python may write its caches; this machine forbids that with
``PYTHONDONTWRITEBYTECODE``, so every start would compile the bot's 140 modules again).

    .venv/bin/python bench/w6_startup.py [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, main, temp_db

PACKAGES = ("bot", "adapters", "reminders")  # what the README's first command compiles


def rss_mib(pid: int) -> float:
    """Resident set size of a running process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(args: argparse.Namespace) -> dict[str, float]:
    for package in PACKAGES:  # up to date after the first run: a no-op then
        compileall.compile_dir(ROOT / package, quiet=1)
    return await asyncio.to_thread(measure)


def measure() -> dict[str, float]:
    """Spawn the bot, time it to ready, read its idle RSS, end its input."""
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "-v",
        "--config",
        str(ROOT / "bot.toml"),
        "--database",
        temp_db(),
    ]
    start = time.perf_counter()
    bot = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert bot.stderr is not None and bot.stdin is not None
    for line in bot.stderr:
        if "FocalPoint ready" in line:
            break
    ready = time.perf_counter() - start
    time.sleep(1.0)
    idle = rss_mib(bot.pid)
    bot.stdin.close()
    code = bot.wait(timeout=30)
    assert code == 0, f"focalbot exited {code}"
    return {"start_to_ready_s": ready, "idle_rss_mib": idle}


if __name__ == "__main__":
    main("W6 start to ready", run)
