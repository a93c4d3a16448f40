"""Administration commands of the ``focalbot`` CLI: audit verification, retention purge.

Registered on the main group by ``bot.cli``; each opens the store, runs one unit, closes.
"""

from __future__ import annotations

import click

from bot import audit, outbox
from bot.cli import _run, _settings, _with_store, config_option, database_option, directory, main


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


@main.group("outbox", invoke_without_command=True)
@config_option
@database_option
@click.option(
    "--status",
    type=click.Choice(["queued", "sent", "failed", "expired"]),
    help="Only messages in this state.",
)
@click.option("--limit", default=50, show_default=True, help="How many to list.")
@click.pass_context
def outbox_group(
    ctx: click.Context, config: str, database: str | None, status: str | None, limit: int
) -> None:
    """Show what is queued, failing (retrying) or dead (failed); `outbox retry ID` resends."""
    if ctx.invoked_subcommand:
        return
    settings = _settings(config)
    totals, rows = _run(
        _with_store(
            settings, database, lambda db: (outbox.counts(db), outbox.listing(db, status, limit))
        )
    )
    click.echo(
        "  ".join(
            f"{key}: {totals.get(key, 0)}"
            for key in ("queued", "failing", "sent", "failed", "expired")
        )
    )
    for row_id, created, channel, to, state, attempts, error, start in rows:
        why = f"  ({error})" if error else ""
        click.echo(
            f"{row_id:>6}  {created}  {channel:<9} {to:<14} {state:<7} x{attempts}  {start!r}{why}"
        )


@outbox_group.command("retry")
@config_option
@database_option
@click.argument("message_id", type=int)
def outbox_retry(config: str, database: str | None, message_id: int) -> None:
    """Queue a failed or expired message again; a running bot sends it within seconds."""
    settings = _settings(config)
    if not _run(_with_store(settings, database, lambda db: outbox.requeue(db, message_id))):
        raise click.ClickException(f"message {message_id} is not failed or expired")
    click.echo(f"message {message_id} queued again")


@directory.command("revoke")
@config_option
@database_option
@click.argument("person_id")
def directory_revoke(config: str, database: str | None, person_id: str) -> None:
    """Revoke a person: every channel identity of theirs stops working (within seconds in a
    running bot); bot.toml syncs and imports do not bring them back."""
    from bot.directory import revoke

    _change_person(
        config,
        database,
        person_id,
        "revoked",
        lambda db, at: revoke(db, person_id, at),
        "no active person",
    )


@directory.command("reinstate")
@config_option
@database_option
@click.argument("person_id")
def directory_reinstate(config: str, database: str | None, person_id: str) -> None:
    """Undo a revocation; identities return with the next bot.toml sync or import."""
    from bot.directory import reinstate

    _change_person(
        config,
        database,
        person_id,
        "reinstated",
        lambda db, _at: reinstate(db, person_id),
        "not revoked:",
    )


def _change_person(
    config: str, database: str | None, person_id: str, done: str, change, refusal: str
) -> None:  # type: ignore[no-untyped-def]
    """Apply ``change(db, at)`` and audit it as ``person.<done>`` by the CLI, atomically."""
    from bot.clock import Clock, iso

    settings, at = _settings(config), iso(Clock().now())

    def unit(db):  # type: ignore[no-untyped-def]
        changed = change(db, at)
        if changed:
            audit.record(db, at, "cli", f"person.{done}", person_id, "")
        return changed

    if not _run(_with_store(settings, database, unit)):
        raise click.ClickException(f"{refusal} {person_id!r}")
    click.echo(f"{person_id} {done}")


@main.command("purge")
@config_option
@database_option
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def purge_command(config: str, database: str | None, dry_run: bool) -> None:
    """Remove closed requests, delivered messages and inbound records past retention
    ([retention] in bot.toml); aggregate figures and the audit chain stay."""
    from bot.clock import Clock
    from bot.retention import purge

    settings = _settings(config)
    now = Clock().now()
    done = _run(
        _with_store(settings, database, lambda db: purge(db, now, settings.retention, dry_run))
    )
    click.echo(("Would remove " if dry_run else "Removed ") + done.summary() + ".")
