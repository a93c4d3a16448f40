"""``focalbot db``: move a deployment from its SQLite file to PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.audit import chain as audit
from bot.cli import _settings, config_option, main, sqlite_problem
from bot.errors import BotError
from bot.storage import is_postgres

if TYPE_CHECKING:
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
