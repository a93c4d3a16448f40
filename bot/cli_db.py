"""``focalbot db``: move a deployment from its SQLite file to PostgreSQL; and what
``focalbot check`` finds of the database, read without creating or migrating anything."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.audit import chain as audit
from bot.cli import (
    _database,
    _settings,
    _where_named,
    config_option,
    main,
    refuse_unusable_sqlite,
    sqlite_problem,
)
from bot.errors import BotError, StoreUnavailable
from bot.storage import is_postgres

if TYPE_CHECKING:
    import psycopg

    from bot.config import Settings


@main.group("db")
def db_group() -> None:
    """The database itself: copy a SQLite deployment to PostgreSQL."""


@db_group.command("copy")
@config_option
@click.option("--from", "source", required=True, help="The SQLite file to copy from.")
@click.option("--to", "target", required=True, help="postgresql://user@host/db (empty).")
def db_copy(config: str, source: str, target: str) -> None:
    """Copy every table into an empty PostgreSQL database; verify counts and the audit chain.

    The password comes from the variable named by [bot] database_password_env (or PGPASSWORD).
    Stop the bot first: a source in use is refused. Stored files and the audit anchor file
    stay where they are; the copy says what to set in bot.toml so the new database finds them.
    """
    if is_postgres(source) or not is_postgres(target):
        raise click.UsageError("copy --from a SQLite file --to a postgresql:// URL")
    if not Path(source).is_file():
        raise click.ClickException(f"there is no SQLite file at {source}")
    if problem := sqlite_problem(Path(source), new_ok=False):
        raise click.ClickException(f"{problem}; check --from.")
    # psycopg is imported here, not when the CLI loads: a SQLite deployment never needs it
    from bot.storage.copy import CopyError, copy_sqlite_to_postgres
    from bot.storage.postgres import redact
    from bot.storage.sqlite import in_use

    settings = _settings(config)
    password = settings.bot.database_password()
    try:
        if in_use(source):  # what a running bot wrote during the copy would be missing
            raise click.ClickException(f"Stop the bot first: {source} is in use.")
        report = asyncio.run(copy_sqlite_to_postgres(source, target, audit.verify, password))
    except (CopyError, BotError) as exc:
        raise click.ClickException(str(exc)) from exc
    for table, rows in sorted(report.rows.items()):
        click.echo(f"{table:24} {rows:>9} rows")
    click.echo(
        f"copied to {redact(target)}: every table's rows counted on both sides, "
        f"the audit chain ({report.audit_rows} rows) verifies on the copy"
    )
    click.echo("\n".join(files_after_copy(settings, source, target)))


def files_after_copy(settings: Settings, source: str, target: str) -> list[str]:
    """Where the stored files and the audit anchor file are, and what to set in bot.toml so
    the PostgreSQL database finds them: by default they lie beside the SQLite file, but a
    PostgreSQL database looks for ``<dbname>.files`` in the working directory."""
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(target).get("dbname") or "<database name>"
    lines, to_set = [], []
    for section, key, configured, suffix, what in (
        ("files", "directory", settings.files.directory, ".files", "Stored files"),
        ("audit", "anchor_file", settings.audit.anchor_file, ".audit-anchors", "Audit anchors"),
    ):
        if configured:
            where = Path(configured).resolve()
            lines.append(f"{what}: {where} ([{section}] {key} in bot.toml; the copy uses it too).")
        elif (beside := Path(f"{source}{suffix}").resolve()).exists():
            lines.append(f"{what}: {beside} (not moved).")
            to_set.append(f"[{section}]\n{key} = {json.dumps(str(beside), ensure_ascii=False)}")
        else:
            lines.append(f"{what}: none beside {source}.")
    if to_set:
        lines.append(
            f"The PostgreSQL database would look for them as {name}.files and "
            f"{name}.audit-anchors in the working directory; so that it finds them, set in "
            "bot.toml:\n" + "\n".join(to_set)
        )
    return lines


def database_status(settings: Settings, database: str | None) -> str:
    """One line on the database ``run`` would open (``database``: what ``--database`` gave),
    read without creating or migrating anything. One ``run`` could not open stops here with
    the line ``run`` would stop with."""
    path = _database(settings, database)
    refuse_unusable_sqlite(path, database, new_ok=True)  # as run refuses it
    try:
        if is_postgres(path):
            return _postgres_status(settings, path)
        return _sqlite_status(Path(path), database)
    except BotError as exc:
        raise click.ClickException(str(exc)) from exc


def _sqlite_status(path: Path, database: str | None) -> str:
    if problem := _unwritable(path):
        raise click.ClickException(f"{problem}; check {_where_named(database)}.")
    where = f"database: SQLite {path}"
    if not path.exists() or not path.stat().st_size:  # to SQLite an empty file is a new one
        return f"{where} — not there yet: the bot creates it at its first run"
    return _schema_news(where, _sqlite_version(path))


def _unwritable(path: Path) -> str | None:
    """Why the bot could not write ``path``, or None when it can (or can create it)."""
    if not os.access(path.parent, os.W_OK | os.X_OK):  # the -wal and -shm files go there too
        return f"cannot write in the folder {path.parent.resolve()} of {path}"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"cannot read and write {path}"
    return None


def _sqlite_version(path: Path) -> int:
    """The schema version of the SQLite file at ``path``, read on a plain connection: the
    store's would create the file and set its pragmas. ``mode=rw`` creates no database (a
    read-only connection would leave -wal and -shm files behind)."""
    from bot.storage.migrations import version_in  # schema_version, on a sqlite3 connection

    uri = f"{path.resolve().as_uri()}?mode=rw"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return version_in(conn, [name for (name,) in tables])
    except sqlite3.Error as exc:  # in the words the store says it at start
        raise StoreUnavailable(f"cannot open the SQLite database {path}: {exc}") from exc


def _postgres_status(settings: Settings, url: str) -> str:
    from bot.storage.postgres import PostgresStore, redact

    store = PostgresStore(
        url,
        password=settings.bot.database_password(),
        password_env=settings.bot.database_password_env,
    )
    version, refusal = store.read(_version_and_create_right)
    if refusal:
        raise click.ClickException(refusal)
    return _schema_news(f"database: PostgreSQL {redact(url)}", version)


def _version_and_create_right(conn: psycopg.Connection[Any]) -> tuple[int, str | None]:
    """The schema version, and why the role could not create the tables that the first start
    (or an upgrade) creates: None when it can, or need not."""
    from bot.storage.migrations import MIGRATIONS, schema_version
    from bot.storage.postgres import no_create_right
    from bot.storage.sql import PostgresDb

    version = schema_version(PostgresDb(conn))
    if version >= len(MIGRATIONS):
        return version, None
    schema, allowed = conn.execute(
        "SELECT current_schema(), has_schema_privilege(current_schema(), 'CREATE')"
    ).fetchone() or (None, False)
    if allowed:
        return version, None
    # PostgreSQL's own words for what the first CREATE TABLE would meet
    why = f"permission denied for schema {schema}" if schema else "no schema to create in"
    return version, no_create_right(conn.info.user, conn.info.dbname, why)


def _schema_news(where: str, version: int) -> str:
    """``where``, with what the next start does to a database at schema ``version``; a
    schema newer than this code (the start would refuse it) stops here."""
    from bot.storage.migrations import MIGRATIONS

    expected = len(MIGRATIONS)
    if version > expected:
        raise click.ClickException(
            f"{where} — schema {version} is newer than this code ({expected}): "
            "upgrade FocalPoint first"
        )
    if version == expected:
        return f"{where} — up to date (schema {expected})"
    if not version:
        return f"{where} — no FocalPoint tables yet: the bot creates them at its first run"
    return f"{where} — schema {version}: will be upgraded from {version} to {expected} at start"
