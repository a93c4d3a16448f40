"""``focalbot db``: move a deployment from its SQLite file to PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.audit import chain as audit
from bot.cli import _settings, config_option, main
from bot.errors import BotError
from bot.storage import is_postgres


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
    Stop the bot first: what it writes during the copy would not be copied.
    """
    if is_postgres(source) or not is_postgres(target):
        raise click.UsageError("copy --from a SQLite file --to a postgresql:// URL")
    if not Path(source).is_file():
        raise click.ClickException(f"there is no SQLite file at {source}")
    # psycopg is imported here, not when the CLI loads: a SQLite deployment never needs it
    from bot.storage.copy import CopyError, copy_sqlite_to_postgres
    from bot.storage.postgres import redact

    password = _settings(config).bot.database_password()
    try:
        report = asyncio.run(copy_sqlite_to_postgres(source, target, audit.verify, password))
    except (CopyError, BotError) as exc:
        raise click.ClickException(str(exc)) from exc
    for table, rows in sorted(report.rows.items()):
        click.echo(f"{table:24} {rows:>9} rows")
    click.echo(
        f"copied to {redact(target)}: every table's rows counted on both sides, "
        f"the audit chain ({report.audit_rows} rows) verifies on the copy"
    )
