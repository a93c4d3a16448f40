"""Secrets never leak: not in logs (even of failures that print URLs), errors, the database,
exports or /whoami. The real `focalbot run -v` runs with tokens set and platforms unreachable."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.logs import REDACTED, RedactSecrets
from tests.conftest import watch_output
from tests.harness import ROOT, SHIPPED_CONFIG

SECRETS = {
    "FOCALBOT_TELEGRAM_TOKEN": "123456789:AAH-secret-telegram-token-value",
    "FOCALBOT_SLACK_BOT_TOKEN": "xoxb-0000-secret-slack-bot-token",
    "FOCALBOT_SLACK_SIGNING_SECRET": "signing-secret-value-0123456789",
    "FOCALBOT_TELEGRAM_WEBHOOK_SECRET": "webhook_secret_value_42",
}


READY_WITHIN = 30.0


def read_until(process: subprocess.Popen[str], lines: list[str], marker: str) -> bool:
    """Collect ``process``'s output into ``lines`` until a line has ``marker`` (or time is up)."""
    seen = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            lines.append(line)
            if marker in line:
                seen.set()
                return

    threading.Thread(target=read, daemon=True).start()
    return seen.wait(READY_WITHIN)


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
    command = [sys.executable, "-m", "bot.cli", "run", "-v", "--no-console"]
    command += ["--config", str(config), "--database", str(tmp_path / "bot.db")]
    bot = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    watch_output("the bot process", lambda: "".join(lines))
    ready = read_until(bot, lines, "FocalPoint ready")  # after the failed calls that print URLs
    bot.send_signal(signal.SIGTERM)
    rest, _ = bot.communicate(timeout=30)
    lines.append(rest)
    printed = "".join(lines)
    assert ready, f"the bot did not get ready within {READY_WITHIN}s:\n{printed}"
    assert printed.strip(), "expected the bot to log something"
    for name, value in SECRETS.items():
        assert value not in printed, f"{name} leaked into the output"
    if (tmp_path / "bot.db").exists():
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))
        for name, value in SECRETS.items():
            assert value.encode() not in stored, f"{name} stored in the database"


def test_a_token_pasted_where_its_variable_is_named_is_refused_and_never_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A token written as the value of token_env passed `focalbot check`, and `run` logged it
    in clear ("telegram not started: <the token> is not set")."""
    from click.testing import CliRunner

    from bot.cli import main

    shipped = SHIPPED_CONFIG.read_text()
    pasted = {
        'token_env = "FOCALBOT_TELEGRAM_TOKEN"': SECRETS["FOCALBOT_TELEGRAM_TOKEN"],
        'app_token_env = "FOCALBOT_SLACK_APP_TOKEN"': "xapp-1-A0123456789-0123456789-abcdef",
        'token_env = "FOCALBOT_SMS_AUTH_TOKEN"': "0123456789abcdef0123456789abcdef",
    }
    caplog.set_level(logging.DEBUG)
    for line, token in pasted.items():
        config = tmp_path / "bot.toml"
        key = line.split(" = ")[0]
        config.write_text(shipped.replace(line, f'{key} = "{token}"', 1))
        for command in ("check", "run"):
            result = CliRunner().invoke(
                main, [command, "--config", str(config), "--database", str(tmp_path / "b.db")]
            )
            assert result.exit_code == 1, result.output
            assert f"{key} must be the NAME of the environment variable" in result.output
            assert "looks like the secret itself" in result.output
            assert token not in result.output and token not in caplog.text
    assert not (tmp_path / "b.db").exists()
