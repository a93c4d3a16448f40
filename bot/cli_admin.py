"""Administration commands of the ``focalbot`` CLI: audit verification and anchors, outbox,
the requests listing, revocation, handover, retention purge.

Registered on the main group by ``bot.cli``; each opens the store, runs one unit, closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import click

from bot.audit import chain as audit
from bot.cli import _run, _settings, _with_store, config_option, database_option, directory, main
from bot.delivery import outbox
from bot.delivery.held import WITHDRAWN
from bot.text import counted
from bot.work import STANDBY

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.sql import Db
    from bot.work import Work


@main.group("audit")
def audit_group() -> None:
    """Check the tamper-evident audit log; print its head to keep elsewhere."""


@audit_group.command("verify")
@config_option
@database_option
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help='A head kept elsewhere: "SEQ:HASH", or an anchor file (every head in it is checked).',
)
def audit_verify(config: str, database: str | None, anchors: tuple[str, ...]) -> None:
    """Walk the hash chain, name every row edited or deleted, every stored figure, person or
    request that differs from the chain, and every anchored head the chain no longer holds."""
    # the same head given twice (a file and its line pasted, the bot's stop after a manual
    # anchor) is one anchor: counted and checked once
    found_anchors = {(a.seq, a.hash): a for given in anchors for a in _anchors(given)}
    wanted = list(found_anchors.values())
    settings = _settings(config)
    rows, found, head = _run(_with_store(settings, database, lambda db: _verify(db, wanted)))
    for problem in found:
        click.echo(problem, err=True)
    if found:
        raise click.ClickException(
            f"the audit log does not verify ({counted(len(found), 'problem')})"
        )
    held = f", {counted(len(wanted), 'anchor')} held" if wanted else ""
    click.echo(f"audit log OK: {rows} rows, chain intact{held}, head {head}")


def _anchors(given: str) -> list[audit.Anchor]:
    """The anchors named by ``--anchor``: ``SEQ:HASH`` or a file of anchor lines."""
    from pathlib import Path

    path = Path(given)
    text = path.read_text(encoding="utf-8") if path.is_file() else given
    found = audit.parse_anchors(text)
    if not found:
        where = f"the file {given}" if path.is_file() else repr(given[:80])
        raise click.BadParameter(
            f"{where} holds no anchor; give SEQ:HASH (as `focalbot audit anchor` prints) "
            "or an anchor file",
            param_hint="--anchor",
        )
    return found


def _verify(db: Db, anchors: list[audit.Anchor]) -> tuple[int, list[str], str]:
    from bot.audit import state as audit_state

    total = db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    found = [f"audit row {b.row_id}: {b.reason}" for b in audit.verify(db)]
    found += audit_state.problems(db)
    for anchor in anchors:
        why = audit.check_anchor(db, anchor)
        if why:
            found.append(f"anchor {anchor.seq}:{anchor.hash[:16]}… does not hold: {why}")
    return total, found, audit.head(db)


@audit_group.command("anchor")
@config_option
@database_option
def audit_anchor(config: str, database: str | None) -> None:
    """Print the chain head (row number, hash, time) to keep outside the database; a later
    `audit verify --anchor SEQ:HASH` proves nothing up to it was altered or removed."""
    from bot.clock import Clock, iso

    def unit(db: Db) -> tuple[bool, audit.Anchor]:
        return bool(audit.verify(db)), audit.current_anchor(db)

    broken, head = _run(_with_store(_settings(config), database, unit))
    if broken:
        raise click.ClickException(
            "the audit log does not verify; anchoring it would vouch for a broken chain "
            "(run `focalbot audit verify`)"
        )
    click.echo(head.line(iso(Clock().now())))
    click.echo(f"verify later with: focalbot audit verify --anchor {head.short()}")


@audit_group.command("baseline")
@config_option
@database_option
def audit_baseline(config: str, database: str | None) -> None:
    """Bind returns, people and requests stored before the audit log covered them (an older
    database) into the chain as they are now; anything already bound is left alone."""
    from bot.audit import state as audit_state
    from bot.clock import Clock, iso

    at = iso(Clock().now())
    bound = _run(
        _with_store(_settings(config), database, lambda db: audit_state.baseline(db, at, "cli"))
    )
    click.echo(
        f"bound {counted(bound.returns, 'return')}, {counted(bound.people, 'person', 'people')} "
        f"and {counted(bound.requests, 'request')} into the audit log"
    )


STATES = ("queued", "sent", "failed", "expired", WITHDRAWN, STANDBY)
"""An outbox message's states, as `focalbot outbox --status` takes them."""
STATE_WIDTH = max(len(state) for state in STATES)  # the listing's state column
TOTALS = ("queued", "held", "failing", "sent", "failed", "expired", WITHDRAWN, STANDBY)
"""The outbox's totals line, in this order (held and failing are queued ones)."""


@main.group("outbox", invoke_without_command=True)
@config_option
@database_option
@click.option(
    "--status",
    type=click.Choice(STATES),
    help="Only messages in this state.",
)
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(min=1), help="How many to list."
)
@click.pass_context
def outbox_group(
    ctx: click.Context, config: str, database: str | None, status: str | None, limit: int
) -> None:
    """Show what is queued, held, failing (retrying), dead (failed or expired), withdrawn
    (held for quiet hours, then no longer needed) or on standby (a copy of a departing
    person's last notice kept on their next channel, sent only if the notice fails);
    `outbox retry ID` resends."""
    if ctx.invoked_subcommand:
        return
    settings = _settings(config)
    totals, rows = _run(
        _with_store(
            settings, database, lambda db: (outbox.counts(db), outbox.listing(db, status, limit))
        )
    )
    click.echo(_totals_line(totals))
    for row_id, created, channel, to, state, attempts, error, about, held in rows:
        why = f"  ({error})" if error else ""
        if held and state == "queued":
            why += f"  (held for quiet hours until {held})"
        click.echo(
            f"{row_id:>6}  {created}  {channel:<9} {to:<14} {state:<{STATE_WIDTH}} x{attempts}  "
            f"{about or '-'}{why}"
        )


def _totals_line(totals: dict[str, int]) -> str:
    """Every state's count, the known ones in order, then any other state found: the totals
    add up to what the listing shows."""
    others = sorted(set(totals) - set(TOTALS))
    return "  ".join(f"{key}: {totals.get(key, 0)}" for key in (*TOTALS, *others))


@main.command("requests")
@config_option
@database_option
@click.option(
    "--status",
    type=click.Choice(["open", "all"]),
    default="open",
    show_default=True,
    help="Requests not closed yet, or all of them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="An aligned table, or CSV for a spreadsheet.",
)
def requests_command(config: str, database: str | None, status: str, fmt: str) -> None:
    """List requests, oldest first: id, from and to country, category, urgency, status, when
    filed, acknowledged and closed (UTC), and whether it was escalated. No request text or
    names; read-only, safe beside a running bot."""
    from bot.requests import export
    from bot.requests.repo import overview

    found = _run(_with_store(_settings(config), database, lambda db: overview(db, status)))
    click.echo(export.to_csv(found) if fmt == "csv" else export.to_text(found, status), nl=False)


@outbox_group.command("retry")
@config_option
@database_option
@click.argument("message_id", type=int)
def outbox_retry(config: str, database: str | None, message_id: int) -> None:
    """Queue a failed or expired message again; a running bot sends it within seconds."""
    settings = _settings(config)
    refused = _run(_with_store(settings, database, lambda db: _requeue(db, message_id)))
    if refused:
        raise click.ClickException(refused)
    click.echo(f"message {message_id} queued again")


def _requeue(db: Db, message_id: int) -> str:
    """Queue the message again; or say why not ('' when queued)."""
    if outbox.requeue(db, message_id):
        return ""
    status = outbox.status_of(db, message_id)
    if status is None:
        return f"No message {message_id} in the outbox."
    return f"message {message_id} is {status}, not failed or expired: only those are sent again"


@directory.command("revoke")
@config_option
@database_option
@click.argument("person_id")
def directory_revoke(config: str, database: str | None, person_id: str) -> None:
    """Revoke a person: every channel identity of theirs stops working (within seconds in a
    running bot); bot.toml syncs and imports do not bring them back."""
    from bot.clock import Clock
    from bot.directory.handlers import after_revocation
    from bot.directory.handover import revoke_and_withdraw
    from bot.directory.repo import load_directory
    from bot.i18n import DEFAULT_LANGUAGE, render

    settings = _settings(config)
    passed_on: list[str] = []

    def revoke(db: Db, at: str) -> bool:  # and pass their work on, as /revoke in chat does
        work = _cli_work(db, settings, Clock().now())
        person = work.directory.people.get(person_id)
        if person is None or not revoke_and_withdraw(db, person_id, at, "cli"):
            return False
        lines = after_revocation(work, person, cut_off_said=True)
        passed_on.extend(render(line, DEFAULT_LANGUAGE) for line in lines)
        _tell_running_bot(db)
        return True

    _change_person(config, database, person_id, "revoked", revoke, "revoke")
    directory = _run(_with_store(settings, database, load_directory))
    person = directory.people.get(person_id)
    answers = person is not None and person.has("focal_point", "deputy_focal_point")
    if person is not None and answers and not directory.answering(person.country):
        click.echo(  # as /revoke in chat says it: the country is cut off until someone is added
            f"warning: {directory.country_name(person.country)} now has no active focal point "
            "or deputy: requests to it are refused and nobody files its returns. Add one "
            f"(`focalbot directory import`) or `focalbot directory reinstate {person_id}`."
        )
    for line in passed_on:
        click.echo(line)


@directory.command("reinstate")
@config_option
@database_option
@click.argument("person_id")
def directory_reinstate(config: str, database: str | None, person_id: str) -> None:
    """Undo a revocation; identities return with the next bot.toml sync or import."""
    from bot.directory.repo import reinstate

    _change_person(
        config,
        database,
        person_id,
        "reinstated",
        lambda db, at: reinstate(db, person_id, at, "cli"),
        "reinstate",
    )


def _change_person(
    config: str,
    database: str | None,
    person_id: str,
    done: str,
    change: Callable[[Db, str], bool],
    refusal: str,
) -> None:
    """Apply ``change(db, at)``, which audits itself as ``person.<done>`` by the CLI."""
    from bot.clock import Clock, iso

    settings, at = _settings(config), iso(Clock().now())
    if _run(_with_store(settings, database, lambda db: change(db, at))):
        click.echo(f"{person_id} {done}")
        return
    why, already = _unchanged(settings, database, person_id, refusal)
    if not already:
        raise click.ClickException(why)
    click.echo(why)  # the wanted state holds: a script that says it twice has not failed


def _unchanged(
    settings: Settings, database: str | None, person_id: str, command: str
) -> tuple[str, bool]:
    """Why ``focalbot directory <command> <person_id>`` changed nothing (nobody by that id,
    or revoked, or not, already, and what would undo it), and whether that is because the
    person is already as asked."""
    from bot.directory.repo import is_revoked, load_directory

    known, revoked = _run(
        _with_store(
            settings,
            database,
            lambda db: (person_id in load_directory(db).people, is_revoked(db, person_id)),
        )
    )
    if not known:
        listed = "(`focalbot directory export` lists them)"
        return f"no person {person_id!r} in the directory {listed}", False
    if command == "revoke" and revoked:
        undo = f"`focalbot directory reinstate {person_id}`"
        return f"{person_id} is revoked already ({undo} undoes it)", True
    if command == "reinstate" and not revoked:
        return f"{person_id} is not revoked, so there is nothing to reinstate", True
    return f"{person_id} did not change", False  # a concurrent change: try again


@main.command("purge")
@config_option
@database_option
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def purge_command(config: str, database: str | None, dry_run: bool) -> None:
    """Remove closed requests, delivered messages and inbound records past retention
    ([retention] in bot.toml); aggregate figures and the audit chain stay."""
    from bot.audit.retention import purge
    from bot.clock import Clock
    from bot.files.intake import sweep_files

    settings = _settings(config)
    now = Clock().now()
    done = _run(
        _with_store(settings, database, lambda db: purge(db, now, settings.retention, dry_run))
    )
    click.echo(("Would remove " if dry_run else "Removed ") + done.summary() + ".")
    if not dry_run:
        swept = _run(_with_store(settings, database, lambda db: sweep_files(db, settings.files)))
        click.echo(f"Removed {counted(swept, 'stored file')} no request holds.")


@directory.command("handover")
@config_option
@database_option
@click.argument("from_person")
@click.argument("to_person")
def directory_handover(config: str, database: str | None, from_person: str, to_person: str) -> None:
    """Hand one person's open requests, acknowledgements, draft returns and unacknowledged
    broadcasts to their successor, tell both and the requesters, revoke the first: one
    audited unit. A running bot delivers the notices within seconds."""
    from bot.clock import Clock
    from bot.directory.handover import handover
    from bot.errors import UserError

    settings = _settings(config)

    def unit(db: Db) -> str:
        work = _cli_work(db, settings, Clock().now())
        try:
            moved = handover(work, from_person.lower(), to_person.lower())
        except UserError as exc:
            return str(exc)
        _tell_running_bot(db)
        return f"handed over from {from_person} to {to_person}: {moved.summary()}"

    told = _run(_with_store(settings, database, unit))
    if not told.startswith("handed over"):
        raise click.ClickException(told)
    click.echo(told)


def _cli_work(db: Db, settings: Settings, now: datetime) -> Work:
    """A unit of work outside the running bot, acting as ``cli``: its messages wait in the
    outbox for the bot (every enabled channel addresses a person by their identity)."""
    from bot.config import Person
    from bot.delivery.routing import Router
    from bot.directory.repo import load_directory
    from bot.factory import default_registry
    from bot.work import Context, Work

    enabled = {name for name, section in settings.channels.items() if section.enabled}
    pointer = frozenset(n for n in enabled if settings.channels[n].content == "pointer")
    router = Router(dict.fromkeys(enabled, str), pointer)
    ctx = Context(settings, load_directory(db), router, default_registry())
    cli = Person(id="cli", name="Administrator (CLI)", country="ZZ", roles=("admin",))
    return Work(db, ctx, now, actor=cli)


def _tell_running_bot(db: Db) -> None:
    """Bump the outbox version a running bot watches, so it delivers what was queued here."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
        [outbox.OUTBOX_VERSION],
    )
