"""Support for the "nothing lost" tests: the bot as a real process, its config, the CLI.

The crash and shutdown tests need the bot in its own process (so SIGKILL is a real crash, not a
cancelled task) talking to a fake platform in the test process. This module writes a bot.toml
pointing the Telegram channel at the fake, starts and kills ``focalbot run``, runs the CLI
against the same database, and reads the fake's record of what users saw.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import watch_output
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import ROOT, SHIPPED_CONFIG, execute_on

PYTHON = sys.executable
_PREFERS_CONSOLE = re.compile(r'preferred_channel = "console"\n(identities = \{ telegram)')


def bot_env() -> dict[str, str]:
    """The environment of a bot or CLI process: the token, no proxy, no other platform."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FOCALBOT_"))}
    env.update(
        FOCALBOT_TELEGRAM_TOKEN=TOKEN,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),  # the processes run in the test's folder, not the repository's
    )
    return env


def telegram_config(folder: Path, fake: FakeTelegram, urgent: str = "30m") -> Path:
    """The shipped bot.toml with Telegram pointed at ``fake`` and preferred by all who have it.

    ``urgent`` is the acknowledgement limit of urgent requests, short to see escalations.
    A short long-poll keeps a restarted bot's first poll (and the test) quick.
    """
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    text = _PREFERS_CONSOLE.sub(r'preferred_channel = "telegram"\n\1', text)
    text = text.replace('"https://api.telegram.org/bot"', f'"{fake.base_url}"', 1)
    text = text.replace('"https://api.telegram.org/file/bot"', f'"{fake.base_file_url}"', 1)
    text = re.sub(r"poll_timeout = \d+", "poll_timeout = 1", text, count=1)
    text = text.replace('urgent = "30m"', f'urgent = "{urgent}"', 1)
    # no quiet hours, every hour counted: the bot runs at the wall clock's time of day
    text = text.replace('default = "21:00-07:00"', 'default = ""', 1)
    text = text.replace('escalation_clock = "working"', 'escalation_clock = "elapsed"', 1)
    path = folder / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Life:
    """One run of the bot process: when it started, when it ended, and how."""

    started: float
    ended: float = float("inf")
    killed: bool = False
    exit_code: int | None = None


@dataclass
class BotProcess:
    """``focalbot run --no-console`` as a child process, restartable on the same database."""

    config: Path
    database: Path | str  # a SQLite path or a PostgreSQL URL
    log: Path
    lives: list[Life] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # beside bot_env(): other channels' secrets
    _proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        # A crash in the child fails the test, as an error logged in the test process does.
        watch_output("the bot process", lambda: self.output() if self.log.exists() else "")

    def start(self) -> Life:
        """Start a new process (the previous one must have ended)."""
        assert self._proc is None or self._proc.poll() is not None, "still running"
        command = [PYTHON, "-m", "bot.cli", "run", "--no-console", "--verbose"]
        command += ["--config", str(self.config), "--database", str(self.database)]
        with self.log.open("ab") as log:
            log.write(f"--- start {len(self.lives) + 1}\n".encode())
            # in the test's folder: a PostgreSQL database's audit anchors go to the working one
            self._proc = subprocess.Popen(
                command,
                cwd=self.config.parent,
                env={**bot_env(), **self.env},
                stdout=log,
                stderr=log,
            )
        life = Life(time.monotonic())
        self.lives.append(life)
        return life

    async def kill(self) -> None:
        """SIGKILL: the crash nothing can clean up after."""
        await self._end(signal.SIGKILL, killed=True)

    async def terminate(self, again_after: float | None = None) -> int:
        """SIGTERM (and a second one ``again_after`` seconds later); return the exit code."""
        return await self._end(signal.SIGTERM, killed=False, again_after=again_after)

    async def _end(self, sig: int, killed: bool, again_after: float | None = None) -> int:
        proc, life = self._proc, self.lives[-1]
        assert proc is not None
        proc.send_signal(sig)
        if again_after is not None:
            await asyncio.sleep(again_after)
            if proc.poll() is None:
                proc.send_signal(sig)
        code = await asyncio.wait_for(asyncio.to_thread(proc.wait), 30)
        # Any exit but a clean one counts as a crash: it may not have written down its sends.
        life.ended, life.killed, life.exit_code = time.monotonic(), killed or code != 0, code
        return code

    @property
    def pid(self) -> int:
        """The current process's id (a replica records it in its heartbeat row)."""
        assert self._proc is not None
        return self._proc.pid

    def alive(self) -> bool:
        """Whether the current process still runs."""
        return self._proc is not None and self._proc.poll() is None

    def output(self) -> str:
        """Everything the processes logged (for a failing test's report)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def cli(
    config: Path, database: Path | str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``focalbot <args>`` on the database as its own process."""
    command = [PYTHON, "-m", "bot.cli", *args, "--config", str(config), "--database", str(database)]
    done = subprocess.run(
        command,
        cwd=config.parent,
        env=bot_env(),
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )
    watch_output(f"focalbot {' '.join(args)}", lambda: done.stderr)
    return done


def query(database: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Read the bot's database (a SQLite path or a PostgreSQL URL) from outside; neither
    engine makes the bot wait for a reader."""
    return execute_on(database, sql, params)


# --- what the fake saw -------------------------------------------------------------------------
def deliveries(fake: FakeTelegram) -> dict[tuple[int, str], list[float]]:
    """Every accepted sendMessage by (chat, visible text): the times each copy arrived."""
    seen: dict[tuple[int, str], list[float]] = defaultdict(list)
    for call in fake.called("sendMessage"):
        if call.status == 200:
            seen[(call.result["chat"]["id"], call.result["text"])].append(call.at)
    return seen


def life_at(lives: list[Life], moment: float) -> int:
    """Index of the bot process that sent what arrived at ``moment``: the last one started
    before it (a killed process's last bytes may still arrive just after it was reaped)."""
    started = [i for i, life in enumerate(lives) if life.started <= moment]
    if not started:
        raise AssertionError(f"no bot process was running at {moment}")
    return started[-1]


def unexplained_duplicates(
    copies: dict[tuple[int, str], list[float]], lives: list[Life]
) -> list[tuple[int, str]]:
    """Duplicates the bot could have avoided: two copies from one process, or a copy sent
    again after a process that ended cleanly (a clean stop writes down everything sent).

    A copy sent by a process that was then SIGKILLed, and sent again by the next one, is the
    allowed at-least-once case: the send succeeded but the kill came before the deferred
    'mark sent' reached the disk, and Telegram's sendMessage has no idempotency key.
    """
    bad = []
    for key, times in copies.items():
        owners = [life_at(lives, t) for t in times]
        repeated = len(set(owners)) != len(owners)
        after_clean_stop = any(not lives[i].killed for i in owners[:-1])
        if repeated or after_clean_stop:
            bad.append(key)
    return bad


def timeline(fake: FakeTelegram, lives: list[Life]) -> str:
    """The fake's calls and the bot's lives on one clock, for a failing test's report."""
    base = lives[0].started if lives else 0.0
    lines = [
        f"life {i}: {lf.started - base:.3f}-{lf.ended - base:.3f} killed={lf.killed}"
        for i, lf in enumerate(lives)
    ]
    for call in fake.calls:
        text = str(call.params.get("text", ""))[:60].replace("\n", " ")
        chat = call.params.get("chat_id", call.params.get("offset", ""))
        lines.append(f"{call.at - base:8.3f} {call.method} {call.status} {chat} {text!r}")
    return "\n".join(lines)
