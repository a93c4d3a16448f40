"""A database the bot's role does not own: since PostgreSQL 15 only the owner creates tables in
schema public, and the start said so in a 53-line traceback. It now says what to do in one
line; and an upgrade of an existing database is logged, since older replicas cannot start on
it afterwards."""

from __future__ import annotations

import logging

import psycopg
import pytest

from bot.storage.migrations import MIGRATIONS, migrate_postgres, postgres_ddl, record_version
from bot.storage.postgres import DatabaseUnavailable, PostgresStore
from bot.storage.sql import PostgresDb
from tests.pg_server import PostgresServer


async def test_a_database_the_role_may_not_create_in_is_refused_in_one_clear_line(
    postgres_server: PostgresServer,
) -> None:
    with postgres_server.admin() as admin:
        admin.execute("DROP DATABASE IF EXISTS not_ours")
        admin.execute("DROP ROLE IF EXISTS focal_guest")
        admin.execute("CREATE ROLE focal_guest LOGIN")
        admin.execute("CREATE DATABASE not_ours")  # owned by the administrator, as is usual
    url = postgres_server.url("not_ours").replace(f"{postgres_server.user}@", "focal_guest@")
    store = PostgresStore(url, threads=1)
    with pytest.raises(DatabaseUnavailable) as refused:
        await store.open()
    await store.close()
    said = str(refused.value)
    assert "\n" not in said
    assert "the role focal_guest may not create FocalPoint's tables in the database not_ours" in (
        said
    )
    assert "CREATE DATABASE not_ours OWNER focal_guest" in said
    assert "GRANT CREATE ON SCHEMA public TO focal_guest" in said


def test_an_upgrade_of_an_existing_database_is_logged(
    postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = postgres_server.new_database()
    with psycopg.connect(url) as conn, conn.transaction():
        db = PostgresDb(conn)
        for script in MIGRATIONS[:-1]:  # as the previous release left it
            for statement in filter(str.strip, script.split(";")):
                db.execute(postgres_ddl(statement))
        record_version(db, len(MIGRATIONS) - 1)
        with caplog.at_level(logging.INFO, logger="bot.storage.migrations"):
            migrate_postgres(db)
    assert f"migrating the database schema from {len(MIGRATIONS) - 1} to {len(MIGRATIONS)}" in (
        caplog.text
    )
