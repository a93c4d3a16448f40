"""`focalbot check` connects to PostgreSQL as `run` would, with the password from the
variable [bot] database_password_env names, and says what it found without creating or
migrating anything; a database `run` could not use stops it with `run`'s words, and the
password is never shown.

The suite's server trusts every connection from 127.0.0.1; a role of these tests' own must
give a password (scram-sha-256), so that a wrong one is refused as a real server refuses it.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.storage.migrations import MIGRATIONS
from bot.storage.postgres import redact
from tests.harness import SHIPPED_CONFIG, created_database
from tests.pg_server import PostgresServer

ROLE, PASSWORD = "check_db_role", "right-Pa55word"
WRONG = "wrong-Pa55word"
_names = itertools.count(1)


def check(database: str, **env: str) -> Result:
    """`focalbot check --database DATABASE` of the shipped bot.toml, with ``env`` set."""
    return CliRunner().invoke(
        main, ["check", "--config", str(SHIPPED_CONFIG), "--database", database], env=env
    )


def last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def tables_in(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return sorted(name for (name,) in rows)


@pytest.fixture(scope="module")
def password_role(postgres_server: PostgresServer) -> str:
    """``ROLE``, which logs in with ``PASSWORD`` only (the line that says so goes first in
    pg_hba.conf: no other role is concerned)."""
    with postgres_server.admin() as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
            admin.execute(f"CREATE ROLE {ROLE} LOGIN")
        admin.execute(f"ALTER ROLE {ROLE} PASSWORD '{PASSWORD}'")
        hba = postgres_server.data / "pg_hba.conf"
        rule = f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n"
        if rule not in hba.read_text():
            hba.write_text(rule + hba.read_text())
        admin.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10  # the server reloads the file on its own time
    while True:
        try:
            psycopg.connect(role_url(postgres_server, "postgres"), connect_timeout=5).close()
        except psycopg.OperationalError:
            return ROLE  # refused without a password: the rule is in force
        assert time.monotonic() < deadline, "pg_hba.conf was not reloaded"
        time.sleep(0.05)


def role_url(server: PostgresServer, database: str) -> str:
    return f"postgresql://{ROLE}@127.0.0.1:{server.port}/{database}"


def role_database(server: PostgresServer, *, owned: bool) -> str:
    """A fresh, empty database; ``owned``: the role's own (it may create tables in it)."""
    name = f"check_{os.getpid()}_{next(_names)}"
    owner = f" OWNER {ROLE}" if owned else ""
    with server.admin() as admin:
        admin.execute(f"CREATE DATABASE {name}{owner} TEMPLATE focal_template")
    return name


@pytest.fixture(autouse=True)
def no_other_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only the variable the shipped bot.toml names gives a password."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


def test_a_database_the_bot_can_use_is_said_up_to_date(postgres_url: str) -> None:
    database = created_database(postgres_url)
    result = check(database)
    assert result.exit_code == 0, result.output
    assert last_line(result) == (
        f"database: PostgreSQL {redact(database)} — up to date (schema {len(MIGRATIONS)})"
    )
    assert "OK — 16 countries" in result.output  # what check said before, still said


def test_an_empty_database_is_said_to_get_its_tables_at_first_run_and_gets_none(
    postgres_server: PostgresServer, password_role: str
) -> None:
    url = role_url(postgres_server, role_database(postgres_server, owned=True))
    result = check(url, FOCALBOT_DB_PASSWORD=PASSWORD)
    assert result.exit_code == 0, result.output
    assert last_line(result) == (
        f"database: PostgreSQL {redact(url)} — no FocalPoint tables yet: the bot creates them "
        "at its first run"
    )
    assert PASSWORD not in result.output
    assert tables_in(postgres_server.url(url.rsplit("/", 1)[1])) == []


def test_a_wrong_password_stops_the_check_and_is_never_shown(
    postgres_server: PostgresServer, password_role: str
) -> None:
    url = role_url(postgres_server, role_database(postgres_server, owned=True))
    result = check(url, FOCALBOT_DB_PASSWORD=WRONG)
    assert result.exit_code == 1
    assert last_line(result) == (
        f"Error: cannot connect to PostgreSQL at {redact(url)}: connection failed: "
        f'connection to server at "127.0.0.1", port {postgres_server.port} failed: FATAL:  '
        f'password authentication failed for user "{ROLE}" (check the password in the '
        "environment variable FOCALBOT_DB_PASSWORD)"
    ), result.output
    assert WRONG not in result.output
    in_url = url.replace(f"{ROLE}@", f"{ROLE}:{WRONG}@")  # FOCALBOT_DATABASE may carry one
    refused = check(in_url)
    assert refused.exit_code == 1
    assert "password authentication failed" in refused.output
    assert WRONG not in refused.output


def test_a_database_that_does_not_exist_stops_the_check(postgres_server: PostgresServer) -> None:
    url = postgres_server.url("no_such_focalpoint")
    result = check(url)
    assert result.exit_code == 1
    assert last_line(result).startswith(f"Error: cannot connect to PostgreSQL at {redact(url)}: ")
    assert last_line(result).endswith('database "no_such_focalpoint" does not exist')


def test_a_database_the_role_may_not_create_in_stops_the_check_in_the_starts_words(
    postgres_server: PostgresServer, password_role: str
) -> None:
    name = role_database(postgres_server, owned=False)  # PostgreSQL 15: public is the owner's
    result = check(role_url(postgres_server, name), FOCALBOT_DB_PASSWORD=PASSWORD)
    assert result.exit_code == 1
    assert last_line(result) == (
        f"Error: the role {ROLE} may not create FocalPoint's tables in the database {name} "
        f"(permission denied for schema public): create the database owned by that role "
        f"(CREATE DATABASE {name} OWNER {ROLE}), or grant it the right (GRANT CREATE ON "
        f"SCHEMA public TO {ROLE}, run in that database by its owner)"
    )
    with postgres_server.admin() as admin:  # nor may it connect at all
        admin.execute(f"REVOKE CONNECT ON DATABASE {name} FROM PUBLIC")
    refused = check(role_url(postgres_server, name), FOCALBOT_DB_PASSWORD=PASSWORD)
    assert refused.exit_code == 1
    assert last_line(refused).endswith(f'FATAL:  permission denied for database "{name}"')
