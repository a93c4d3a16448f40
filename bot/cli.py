"""The ``focalbot`` command line (click). Only this module exits the process."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from bot.config import Settings, load_settings
from bot.errors import BotError, ConfigError
from bot.storage import missing_password
from bot.text import counted

if TYPE_CHECKING:
    from bot.directory.repo import Directory
    from bot.storage import Store
    from bot.storage.sql import Db

T = TypeVar("T")
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file

DEFAULT_CONFIG = os.environ.get("FOCALBOT_CONFIG", "bot.toml")


def _settings(config: str) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        raise click.ClickException(f"configuration error:\n{exc}") from exc


def _database(settings: Settings, database: str | None) -> str:
    return database or os.environ.get("FOCALBOT_DATABASE") or settings.bot.database


def _existing_database(settings: Settings, database: str | None) -> str:
    """The database a command other than ``run`` works on, refused unless it is there: a
    mistyped SQLite path would become a new, empty database that 'verifies' and 'purges'."""
    path = _database(settings, database)
    refuse_unusable_sqlite(path, database, new_ok=False)
    return path


def refuse_unusable_sqlite(path: str, database: str | None, *, new_ok: bool) -> None:
    """Stop with one clear line when ``path`` cannot be a SQLite database (a PostgreSQL URL
    passes): missing (unless ``new_ok``), a folder, in no folder, or some other file.
    ``database`` is what ``--database`` gave, to say where to look."""
    from bot.storage import is_postgres

    problem = None if is_postgres(path) else sqlite_problem(Path(path), new_ok=new_ok)
    if problem:
        raise click.ClickException(f"{problem}; check {_where_named(database)}.")


def _where_named(database: str | None) -> str:
    """Where the database was named (``database`` is what ``--database`` gave), to look."""
    named = database or os.environ.get("FOCALBOT_DATABASE")
    return "--database or FOCALBOT_DATABASE" if named else "[bot] database in the config"


def sqlite_problem(path: Path, *, new_ok: bool) -> str | None:
    """Why ``path`` cannot be the SQLite database, or None when it can be (with ``new_ok``:
    also when it is not there yet but SQLite can create it)."""
    if path.is_dir():
        return f"{path} is a folder, not a database file"
    if not path.exists():
        if not new_ok:
            return f"No database at {path} (the bot creates it on its first run)"
        return None if path.parent.is_dir() else f"there is no folder {path.parent} for {path}"
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if not start and not new_ok:  # to SQLite an empty file is a new database
        return f"No database at {path}, an empty file (the bot creates it on its first run)"
    if start and start != SQLITE_HEADER:
        return f"{path} is not a SQLite database"
    return None


config_option = click.option(
    "--config",
    "-c",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The bot.toml to use (or set FOCALBOT_CONFIG).",
)
database_option = click.option(
    "--database",
    "-d",
    default=None,
    help="SQLite file or postgresql://user@host/db (default: FOCALBOT_DATABASE, "
    "else [bot] database in the config).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """FocalPoint: assistance requests, reminders and returns between member countries."""


@main.command()
@config_option
@database_option
@click.option("--no-console", is_flag=True, help="Do not read commands from the terminal.")
@click.option("--verbose", "-v", is_flag=True, help="Log at INFO level on stderr.")
def run(config: str, database: str | None, no_console: bool, verbose: bool) -> None:
    """Run the bot: the console plus every channel whose token is set.

    Type `as <person-id>` then commands; or pipe a scenario: focalbot run < scenario.txt
    """
    from bot.logs import configure
    from bot.runner import run_bot

    settings = _settings(config)
    path = _database(settings, database)
    refuse_unusable_sqlite(path, database, new_ok=True)
    configure(verbose, _secret_values(settings))
    try:
        asyncio.run(run_bot(settings, path, console=not no_console))
    except BotError as exc:
        raise click.ClickException(str(exc)) from exc


def _secret_values(settings: Settings) -> list[str]:
    names = [
        value
        for section in settings.channels.values()
        for key, value in section.model_dump().items()
        if key.endswith("_env") and isinstance(value, str)
    ]
    names.append(settings.files.key_env)  # the files key is masked in logs like any secret
    names.append(settings.bot.database_password_env)  # and PostgreSQL's password
    earlier = settings.files.earlier_keys()  # and each earlier one, for reading old files
    return [os.environ[n] for n in names if n and os.environ.get(n)] + earlier


@main.command()
@config_option
@database_option
def check(config: str, database: str | None) -> None:
    """Validate the configuration without starting anything; open the database only to read
    whether `run` could use it, and whether it would upgrade it."""
    settings = _settings(config)
    from adapters.channels import check_channels, platform_adapters

    try:
        with open(config, encoding="utf-8") as source:
            check_channels(settings, source.read(), config)
        running = console_runs(settings) + [a.channel for a in platform_adapters(settings)]
    except ConfigError as exc:
        raise click.ClickException(f"configuration error:\n{exc}") from exc
    enabled = {name: section for name, section in settings.channels.items() if section.enabled}
    full = [name for name, section in enabled.items() if section.content == "full"]
    pointer = [name for name, section in enabled.items() if section.content != "full"]
    countries = counted(len(settings.countries), "country", "countries")
    click.echo(
        f"{config}: OK — {countries}, {counted(len(settings.people), 'person', 'people')}; "
        f"channels that would run now: {', '.join(running) or 'none'}\n"
        f"may carry casework: {', '.join(full) or 'none'}; "
        f"pointer-only: {', '.join(pointer) or 'none'}"
    )
    click.echo(files_status(settings))
    if "email" in running and (warning := _email_warning(settings)):
        click.echo(f"warning: {warning}")
    path = _database(settings, database)
    if warning := missing_password(path, settings.bot.database_password_env):
        click.echo(f"warning: {warning}")
    if path.startswith("postgresql") and not settings.files.directory:
        click.echo(  # replicas on other machines would not find each other's files
            "warning: files on requests are kept in each replica's working directory "
            "(<database name>.files): replicas on more than one machine need [files] directory "
            "on storage they all share (README: Several replicas on PostgreSQL)"
        )
    if settings.people and not any(p.has("co_chair") for p in settings.people):
        click.echo(
            f'warning: nobody in {config} is a co-chair (roles = ["co_chair"]): nobody can '
            "open a period, broadcast or see /status, unless the database's directory has one"
        )
    for warning in unreachable_people(settings) + countries_without_focal_point(settings):
        click.echo(f"warning: {warning}")
    if not settings.countries or not settings.people:
        click.echo(  # a first bot.toml: nobody can use the bot until the directory is filled
            f"{config} names no {'countries' if not settings.countries else 'people'}: the bot "
            "answers only people of the directory. Add [[countries]] and [[people]] to it, or "
            "import them into the database (`focalbot directory import FILE`, a CSV as "
            "`focalbot directory export` writes it; once `focalbot run` has made the database)"
        )
    from bot.workdays import Calendar

    if missing := Calendar(settings).without_holidays():
        click.echo(
            f"no public holidays known for {', '.join(missing)} (the holidays package lacks "
            "them): only their weekends and [[countries]] closures count as non-working days"
        )
    from bot.cli_db import database_status  # last: one it cannot open stops the check

    click.echo(database_status(settings, database))
    if dropped := _unconfigured(settings, database):
        click.echo(
            f"warning: {', '.join(dropped)} came from {config} and "
            f"{'is' if len(dropped) == 1 else 'are'} no longer in it: the next `focalbot run` "
            "revokes them (as `focalbot directory revoke` does; the open requests they answer "
            "go to whoever else holds the role); put them back in it to keep them"
        )


def _unconfigured(settings: Settings, database: str | None) -> list[str]:
    """Who came from bot.toml, is active and is no longer in it (the next start revokes them),
    read without creating or migrating anything (a database before schema 19 is read as its
    upgrade would mark it)."""
    import sqlite3
    from contextlib import closing
    from pathlib import Path

    from bot.directory.repo import unconfigured
    from bot.storage import is_postgres
    from bot.storage.migrations import version_in

    path = _database(settings, database)
    people = list(settings.people)

    def query(db: Any, tables: list[str]) -> list[str]:
        version = version_in(db, tables)
        if version < 3:  # none yet, or from before revocation (schema 3) and fingerprints
            return []
        return unconfigured(db, people, sourced=version >= 19)

    if is_postgres(path):
        from bot.storage.postgres import PostgresStore
        from bot.storage.sql import PostgresDb

        store = PostgresStore(
            path,
            password=settings.bot.database_password(),
            password_env=settings.bot.database_password_env,
        )

        def read(conn: Any) -> list[str]:
            db = PostgresDb(conn)
            return query(db, list(db.table_names()))

        return store.read(read)
    file = Path(path)
    if not file.exists() or not file.stat().st_size:
        return []
    with closing(
        sqlite3.connect(f"{file.resolve().as_uri()}?mode=rw", uri=True, timeout=5)
    ) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master")]
        return query(conn, tables)


def console_runs(settings: Settings) -> list[str]:
    """``["console"]`` when `run` starts the console (its section there and enabled), as
    bot.runner decides; else nothing."""
    console = settings.channels.get("console")
    return ["console"] if console is not None and console.enabled else []


def unreachable_people(settings: Settings) -> list[str]:
    """A warning naming the active people of bot.toml whom no enabled channel reaches (no
    identity on one, and no console); none when everyone is reachable."""
    enabled = {name for name, section in settings.channels.items() if section.enabled}
    if "console" in enabled:
        return []  # the console stands in for every person
    nobody = [p.id for p in settings.people if p.active and not enabled.intersection(p.identities)]
    if not nobody:
        return []
    return [
        f"no enabled channel reaches {', '.join(nobody)} (no identity on any enabled channel): "
        "messages for them cannot be delivered; add their identities or enable their channels"
    ]


def countries_without_focal_point(settings: Settings) -> list[str]:
    """A warning naming the countries of bot.toml that no active focal point of bot.toml
    holds (their requests go to a deputy or the co-chairs); none when all have one."""
    if not settings.people:
        return []  # nobody named at all: said on its own
    held = {p.country for p in settings.people if p.active and p.has("focal_point")}
    missing = [c.code for c in settings.countries if c.code not in held]
    if not missing:
        return []
    return [
        f"no active focal point in {', '.join(missing)}: requests to them go to a deputy or "
        "the co-chairs, unless the database's directory has one"
    ]


def _email_warning(settings: Settings) -> str | None:
    """What the running email channel's settings leave open (None: nothing), as its start
    logs it too."""
    from adapters.channels import CORE_KEYS
    from adapters.email_options import parse_options, unchecked_senders

    options = parse_options(settings.channels["email"].model_dump(exclude=CORE_KEYS))
    return unchecked_senders(options)


def files_status(settings: Settings) -> str:
    """One line on files on requests: on (with the limits) or off, and why."""
    from bot.files.intake import file_keys

    files = settings.files
    try:
        keys = file_keys(files)
    except ConfigError as exc:
        raise click.ClickException(f"files: {exc}") from exc
    if keys is None:
        return (
            f"files: off — {files.key_env} is not set, so files sent to the bot are refused "
            "politely (`focalbot files-key` makes a key)"
        )
    earlier = (
        f"; {len(keys) - 1} earlier key(s) in {files.earlier_keys_env} still read the files "
        "they sealed (`focalbot files-rekey` seals those with the current key)"
        if len(keys) > 1
        else ""
    )
    return (
        f"files: on — encrypted at rest; up to {files.max_mb:g} MB each, "
        f"{files.per_request} per request; types: {', '.join(files.types)}{earlier}"
    )


@main.command("files-key")
def files_key() -> None:
    """Print a new key for encrypting files at rest (put it in FOCALBOT_FILES_KEY; keep a copy
    somewhere safe: without it the stored files cannot be read)."""
    from bot.files.blobs import new_key

    click.echo(new_key())


@main.command("files-rekey")
@config_option
@database_option
def files_rekey(config: str, database: str | None) -> None:
    """Seal with the current key (FOCALBOT_FILES_KEY) every stored file an earlier key
    (FOCALBOT_FILES_EARLIER_KEYS) sealed; afterwards the earlier keys can be dropped. Each
    file is replaced whole or not at all; safe beside a running bot and safe to run again."""
    from bot.files.intake import open_blobs, rekey_files

    settings = _settings(config)
    blobs = _run(_with_store(settings, database, lambda db: open_blobs(db, settings.files)))
    if blobs is None:
        raise click.ClickException(f"files are off: {settings.files.key_env} is not set")
    done, current, unreadable = rekey_files(blobs)
    click.echo(f"Sealed {done} files with the current key; {current} already were.")
    if unreadable:
        raise click.ClickException(
            f"{len(unreadable)} files could not be read with any key given (damaged, or sealed "
            f"with a key not in {settings.files.earlier_keys_env}); they were left as they "
            "are: " + ", ".join(unreadable)
        )


@main.group()
def directory() -> None:
    """Import or export the directory (countries and people) as CSV."""


@directory.command("export")
@config_option
@database_option
@click.option("--countries", is_flag=True, help="Export countries instead of people.")
@click.argument("output", type=click.File("w"), default="-")
def directory_export(config: str, database: str | None, countries: bool, output: IO[str]) -> None:
    """Write people (or countries) as CSV to OUTPUT (default: standard output)."""
    from bot.directory.csv_io import export_countries, export_people

    directory_now = _run(_load_directory(_settings(config), database))
    output.write(export_countries(directory_now) if countries else export_people(directory_now))


@directory.command("import")
@config_option
@database_option
@click.argument("source", type=click.File("rb"))
def directory_import(config: str, database: str | None, source: IO[bytes]) -> None:
    """Add or update people (or countries) from a CSV file (UTF-8); all or nothing.

    An empty cell or a missing column keeps what a person has, channel identities included.
    To remove an identity, put just - in the person's identity:<channel> cell. A column the
    import does not know, or an identity not in its platform's form (Telegram: the numeric
    user id), refuses the file. The summary counts new people's identities by channel and
    names, for each person already in the directory, each identity added, changed or removed.
    """
    from bot.directory.csv_io import decode_csv, import_summary, parse_csv
    from bot.directory.repo import load_directory, revoked_among, save_directory

    settings = _settings(config)
    known = _run(_load_directory(settings, database))
    try:
        countries, people = parse_csv(decode_csv(source.read()), known, settings.bot.language)
    except ConfigError as exc:
        raise click.ClickException(f"{source.name}: {exc}") from exc

    def save(db: Db) -> tuple[str, list[str]]:
        before = load_directory(db)  # what this import changes, counted in its own unit
        save_directory(db, countries, people, "cli")
        summary = import_summary(before, load_directory(db), countries, people)
        return summary, revoked_among(db, [p.id for p in people])

    summary, revoked = _run(_with_store(settings, database, save))
    click.echo(summary)
    if revoked:
        click.echo(_still_revoked(revoked))


def _still_revoked(person_ids: list[str]) -> str:
    """What an import says of the revoked people it lists: an import never reinstates anyone
    (it would undo a revocation unseen), so the operator is told how to."""
    which = person_ids[0] if len(person_ids) == 1 else "ID"
    return (
        f"Still revoked (an import does not reinstate anyone): {', '.join(person_ids)}. To "
        f"reinstate, run `focalbot directory reinstate {which}`, then this import again to "
        "give back their channel identities."
    )


@main.command()
@config_option
@database_option
@click.argument("period")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "xlsx", "json"]),
    default="md",
    show_default=True,
    help="Markdown, CSV (per country), Excel workbook, or JSON.",
)
@click.option(
    "--output",
    "-o",
    default=None,
    help="File to write (default: standard output; for xlsx, PERIOD.xlsx).",
)
@click.option(
    "--language",
    default=None,
    help="Draft the Markdown report's debrief statement in this language (th, vi, ar…).",
)
def report(
    config: str,
    database: str | None,
    period: str,
    fmt: str,
    output: str | None,
    language: str | None,
) -> None:
    """A period's totals, per-country figures, submission status and draft debrief."""
    from bot.i18n import DEFAULT_LANGUAGE, language_list, render, resolve_language
    from bot.reports.figures import load_report
    from bot.reports.render import RENDERERS, to_markdown
    from bot.reports.xlsx import to_xlsx
    from bot.returns.reminders import due_moments

    chosen = resolve_language(language) if language else None
    if language and chosen is None:
        raise click.BadParameter(
            f"no language {language!r}; available: {render(language_list(), DEFAULT_LANGUAGE)}",
            param_hint="--language",
        )
    if chosen and chosen != DEFAULT_LANGUAGE and fmt != "md":
        raise click.BadParameter(
            "drafts the Markdown report's statement: add --format md (the default)",
            param_hint="--language",
        )
    settings = _settings(config)
    money, due = settings.reports, due_moments(settings)  # due dates moved as the bot moves them
    data = _run(
        _with_store(
            settings,
            database,
            lambda db: load_report(db, period, money.currency, money.rates, due=due),
        )
    )
    if data is None:
        raise click.ClickException(f"there is no period {period!r} in the database")
    if fmt == "xlsx":
        target = output or f"{data.period.code}.xlsx"
        _write_report(target, to_xlsx(data))
        click.echo(f"Wrote {target}.", err=True)
        return
    text = to_markdown(data, chosen) if fmt == "md" and chosen else RENDERERS[fmt](data)
    if output is None or output == "-":
        click.echo(text, nl=False)
    else:
        _write_report(output, text.encode("utf-8"))


def _write_report(target: str, content: bytes) -> None:
    """:func:`_replace_file`, a file that cannot be written said in one line."""
    try:
        _replace_file(target, content)
    except OSError as exc:
        raise click.ClickException(
            f"cannot write {target}: {_why_not_written(exc, target)}"
        ) from exc


def _why_not_written(exc: OSError, target: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"there is no folder {os.path.dirname(os.path.abspath(target))}"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder; name a file in it"
    return exc.strerror or str(exc)


def _replace_file(target: str, content: bytes) -> None:
    """Write ``content`` to ``target`` atomically: a crash leaves the old file whole.

    The bytes go to a temporary file in the same directory, which is then renamed over
    ``target`` (a rename within one file system is atomic); on any failure it is removed.
    """
    folder = os.path.dirname(os.path.abspath(target))
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".report-", delete=False) as out:
        temporary = out.name
        try:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            out.close()
            os.unlink(temporary)
            raise
    try:
        os.chmod(temporary, _mode_for(target))  # the temporary file is private (0600)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _mode_for(target: str) -> int:
    """The permissions ``target`` has, or those a new file would get (as before)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


async def _load_directory(settings: Settings, database: str | None) -> Directory:
    from bot.directory.repo import CONFIGURED, load_directory, save_directory

    def seed_then_load(db: Db) -> Directory:
        if not db.execute("SELECT 1 FROM people LIMIT 1").fetchone():
            save_directory(db, list(settings.countries), list(settings.people), source=CONFIGURED)
        return load_directory(db)

    return await _with_store(settings, database, seed_then_load)


async def _with_store(settings: Settings, database: str | None, unit: Callable[[Db], T]) -> T:
    from bot.storage import open_store

    path = _existing_database(settings, database)
    store = open_store(path, settings.bot.database_password(), settings.bot.database_password_env)
    await _refuse_empty_postgres(store, database)
    await store.open()
    try:
        return await store.run(unit)
    finally:
        await store.close()


async def _refuse_empty_postgres(store: Store, database: str | None) -> None:
    """Stop before opening a PostgreSQL database without FocalPoint's tables: opening would
    create them, and a mistyped database name would 'verify' and 'purge' an empty one (what
    :func:`refuse_unusable_sqlite` does for a SQLite file)."""
    from bot.storage.postgres import PostgresStore, redact

    if not isinstance(store, PostgresStore):
        return
    if not await asyncio.to_thread(store.has_schema):
        problem = (
            f"No FocalPoint database at {redact(store.url)} (the bot creates it on its first run)"
        )
        raise click.ClickException(f"{problem}; check {_where_named(database)}.")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's work; a database that cannot be reached or used is a clear error."""
    try:
        return asyncio.run(coro)
    except BotError as exc:
        raise click.ClickException(str(exc)) from exc


from bot import cli_admin, cli_db  # noqa: E402,F401  (register the administration commands)

if __name__ == "__main__":
    # Run as ``python -m bot.cli`` this module is ``__main__``, but cli_admin registered its
    # commands on ``bot.cli.main`` (a second import of this file): run that group, or
    # ``audit``, ``outbox`` and ``purge`` would be missing.
    from bot.cli import main as registered

    sys.exit(registered())
