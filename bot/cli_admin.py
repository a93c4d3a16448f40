"""Administration commands of the ``focalbot`` CLI: audit verification, retention purge.

Registered on the main group by ``bot.cli``; each opens the store, runs one unit, closes.
"""

from __future__ import annotations

import click

from bot import audit
from bot.cli import _run, _settings, _with_store, config_option, database_option, main


@main.group("audit")
def audit_group() -> None:
    """Check the tamper-evident audit log."""


@audit_group.command("verify")
@config_option
@database_option
def audit_verify(config: str, database: str | None) -> None:
    """Walk the hash chain; name every row that was edited or deleted."""
    settings = _settings(config)
    rows, breaks, head = _run(_with_store(settings, database, _verify))
    if breaks:
        for found in breaks:
            click.echo(f"audit row {found.row_id}: {found.reason}", err=True)
        raise click.ClickException(f"the audit log does not verify ({len(breaks)} problem(s))")
    click.echo(f"audit log OK: {rows} rows, chain intact, head {head}")


def _verify(db):  # type: ignore[no-untyped-def]
    total = db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    return total, audit.verify(db), audit.head(db)
