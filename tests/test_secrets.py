"""Secrets never leak: not in logs (even of failures that print URLs), errors, the database,
exports or /whoami. The real `focalbot run -v` runs with tokens set and platforms unreachable."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bot.logs import REDACTED, RedactSecrets
from tests.harness import ROOT, SHIPPED_CONFIG

SECRETS = {
    "FOCALBOT_TELEGRAM_TOKEN": "123456789:AAH-secret-telegram-token-value",
    "FOCALBOT_SLACK_BOT_TOKEN": "xoxb-0000-secret-slack-bot-token",
    "FOCALBOT_SLACK_SIGNING_SECRET": "signing-secret-value-0123456789",
    "FOCALBOT_TELEGRAM_WEBHOOK_SECRET": "webhook_secret_value_42",
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_redaction_filter_covers_messages_arguments_and_tracebacks() -> None:
    redact = RedactSecrets(SECRETS.values())
    token = SECRETS["FOCALBOT_TELEGRAM_TOKEN"]
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "GET %s failed", (f"/bot{token}/getMe",), None
    )
    try:
        raise RuntimeError(f"boom at https://api/bot{token}/x")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    redact.filter(record)
    assert token not in record.getMessage() and REDACTED in record.getMessage()
    assert token not in (record.exc_text or "") and "boom at" in (record.exc_text or "")


def test_running_bot_never_prints_its_secrets(tmp_path: Path) -> None:
    port = closed_port()
    config = tmp_path / "bot.toml"
    config.write_text(
        SHIPPED_CONFIG.read_text()
        .replace(
            'base_url = "https://api.telegram.org/bot"', f'base_url = "http://127.0.0.1:{port}/bot"'
        )
        .replace(
            'base_url = "https://slack.com/api/"', f'base_url = "http://127.0.0.1:{port}/api/"'
        )
        .replace("port = 3000", f"port = {closed_port()}")
    )
    env = {**os.environ, **SECRETS, "NO_PROXY": "127.0.0.1,localhost"}
    bot = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "-v",
            "--no-console",
            "--config",
            str(config),
            "--database",
            str(tmp_path / "bot.db"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    bot.send_signal(signal.SIGTERM)
    out, err = bot.communicate(timeout=30)
    printed = out + err
    assert printed.strip(), "expected the bot to log something"
    for name, value in SECRETS.items():
        assert value not in printed, f"{name} leaked into the output"
    if (tmp_path / "bot.db").exists():
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))
        for name, value in SECRETS.items():
            assert value.encode() not in stored, f"{name} stored in the database"
