"""The PostgreSQL password: `check` warns when none is at hand, and a refused connection at
start names the variable to set. A local stand-in answers libpq's start-up message by asking
for a password (PostgreSQL's own AuthenticationCleartextPassword), so the real psycopg meets
the real "fe_sendauth: no password supplied"."""

from __future__ import annotations

import asyncio
import os
import struct
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.factory import build_app
from bot.storage import missing_password
from bot.storage.postgres import DatabaseUnavailable
from tests.harness import SHIPPED_CONFIG, ManualTimers, shipped_settings

NEGOTIATIONS = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered "N" (not offered)
CLEARTEXT_PASSWORD = struct.pack("!cii", b"R", 8, 3)


async def _ask_for_a_password(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            (length,) = struct.unpack("!i", await reader.readexactly(4))
            body = await reader.readexactly(length - 4)
            if struct.unpack("!i", body[:4])[0] in NEGOTIATIONS:
                writer.write(b"N")
                continue
            writer.write(CLEARTEXT_PASSWORD)  # the start-up message: "which password?"
            await writer.drain()
            await reader.read()  # libpq, with no password to give, hangs up
            return
    except (asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


@pytest.fixture
async def wants_password() -> AsyncIterator[str]:
    """The URL of a server that asks every client for a password."""
    server = await asyncio.start_server(_ask_for_a_password, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"postgresql://focalbot@127.0.0.1:{port}/focalpoint?sslmode=disable"
    server.close()
    await server.wait_closed()


async def test_a_missing_password_at_start_names_the_variable_to_set(
    wants_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOCALBOT_DB_PASSWORD", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull + "-none")
    app = build_app(shipped_settings(), [], ManualTimers(), wants_password)
    with pytest.raises(DatabaseUnavailable) as refused:
        await app.start()
    message = str(refused.value)
    assert message.startswith("cannot connect to PostgreSQL at postgresql://focalbot@127.0.0.1")
    assert message.endswith(
        "fe_sendauth: no password supplied "
        "(set the password in the environment variable FOCALBOT_DB_PASSWORD)"
    )


def check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`focalbot check` of the shipped bot.toml as its own process, as an operator runs it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FOCALBOT_", "PG"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--config", str(SHIPPED_CONFIG)],
        env={**clean, "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_warns_when_postgresql_has_no_password_source(tmp_path: Path) -> None:
    url = "postgresql://focalbot@db.example.org/focalpoint"
    refused = "postgresql://focalbot@127.0.0.1:9/focalpoint"  # refused at once, no DNS wait
    done = check(tmp_path, FOCALBOT_DATABASE=refused)
    assert done.returncode == 1, done.stderr  # check tries the database: nothing listens
    assert "cannot connect to PostgreSQL at postgresql://focalbot@127.0.0.1:9" in done.stderr
    assert (
        "warning: database: PostgreSQL will get no password: the environment variable "
        "FOCALBOT_DB_PASSWORD that [bot] database_password_env names is not set, and neither "
        "PGPASSWORD nor a password file (~/.pgpass) gives one."
    ) in done.stdout
    given = check(tmp_path, FOCALBOT_DATABASE=refused, PGPASSWORD="pw").stdout
    assert "no password" not in given
    # each other source, asked directly (a `focalbot check` process costs seconds: it loads
    # every channel's SDK to check its section)
    home = {"HOME": str(tmp_path)}
    variable = "FOCALBOT_DB_PASSWORD"
    assert missing_password(url, variable, home) is not None
    with_password = url.replace("focalbot@", "focalbot:s3cret-pw@")  # FOCALBOT_DATABASE's own
    assert missing_password(with_password, variable, home) is None
    assert missing_password(url, variable, {**home, variable: "s3cret-pw"}) is None
    (tmp_path / ".pgpass").write_text("db.example.org:5432:focalpoint:focalbot:s3cret-pw\n")
    assert missing_password(url, variable, home) is None
    assert missing_password(str(tmp_path / "bot.db"), variable, {}) is None  # SQLite: none


def test_the_database_password_is_masked_in_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import _secret_values
    from bot.config import load_settings

    monkeypatch.setenv("FOCALBOT_DB_PASSWORD", "s3cret-db-pw")
    assert "s3cret-db-pw" in _secret_values(load_settings(SHIPPED_CONFIG))
