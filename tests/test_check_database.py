"""`focalbot check` tells whether `run` could open the SQLite database, and what its start
would do to it, without creating or migrating anything (PostgreSQL:
tests/test_check_database_pg.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from bot.storage.migrations import MIGRATIONS, record_version
from bot.storage.sqlite import connect
from tests.harness import SHIPPED_CONFIG, created_database

LATEST = len(MIGRATIONS)


def check_with(tmp_path: Path, database: Path) -> Result:
    """`focalbot check` of the shipped bot.toml naming ``database`` in [bot] database."""
    config = tmp_path / "bot.toml"
    shipped = SHIPPED_CONFIG.read_text(encoding="utf-8")
    assert 'database = "focalpoint.db"' in shipped
    config.write_text(shipped.replace('"focalpoint.db"', f'"{database}"', 1), encoding="utf-8")
    return CliRunner().invoke(main, ["check", "--config", str(config)])


def last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def at_version(path: Path, version: int) -> Path:
    """A SQLite database as a FocalPoint of schema ``version`` left it."""
    db = connect(path)
    try:
        for script in MIGRATIONS[:version]:
            db.executescript(script)
        record_version(db, version)
        db.conn.commit()
    finally:
        db.close()
    return path


def test_a_database_the_bot_can_use_is_said_up_to_date(tmp_path: Path) -> None:
    database = Path(created_database(tmp_path / "bot.db"))
    result = check_with(tmp_path, database)
    assert result.exit_code == 0, result.output
    assert last_line(result) == f"database: SQLite {database} — up to date (schema {LATEST})"
    assert "OK — 16 countries" in result.output  # what check said before, still said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db", "bot.toml"]


def test_an_older_database_is_said_to_be_upgraded_at_start_and_is_not(tmp_path: Path) -> None:
    database = at_version(tmp_path / "bot.db", 1)
    result = check_with(tmp_path, database)
    assert result.exit_code == 0, result.output
    assert last_line(result) == (
        f"database: SQLite {database} — schema 1: will be upgraded from 1 to {LATEST} at start"
    )
    assert check_with(tmp_path, database).output == result.output  # still at 1


def test_a_newer_database_stops_the_check(tmp_path: Path) -> None:
    database = at_version(tmp_path / "bot.db", 1)
    db = connect(database)
    record_version(db, LATEST + 1)
    db.conn.commit()
    db.close()
    result = check_with(tmp_path, database)
    assert result.exit_code == 1
    assert last_line(result) == (
        f"Error: database: SQLite {database} — schema {LATEST + 1} is newer than this code "
        f"({LATEST}): upgrade FocalPoint first"
    )


def test_a_database_not_there_yet_is_said_to_come_at_first_run_and_not_made(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    result = check_with(tmp_path, database)
    assert result.exit_code == 0, result.output
    assert last_line(result) == (
        f"database: SQLite {database} — not there yet: the bot creates it at its first run"
    )
    assert not database.exists()


def test_a_folder_that_does_not_exist_stops_the_check(tmp_path: Path) -> None:
    database = tmp_path / "nowhere" / "bot.db"
    result = check_with(tmp_path, database)
    assert result.exit_code == 1
    assert last_line(result) == (
        f"Error: there is no folder {database.parent} for {database}; "
        "check [bot] database in the config."
    )
    assert not database.parent.exists()


def test_a_file_that_is_no_database_stops_the_check_and_is_left_alone(tmp_path: Path) -> None:
    database = tmp_path / "notes.txt"
    database.write_text("not a database\n")
    result = check_with(tmp_path, database)
    assert result.exit_code == 1
    assert last_line(result) == (
        f"Error: {database} is not a SQLite database; check [bot] database in the config."
    )
    assert database.read_text() == "not a database\n"


def test_a_damaged_database_is_said_as_the_start_says_it(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)  # the header, then rubbish
    result = CliRunner().invoke(
        main, ["check", "--config", str(SHIPPED_CONFIG), "--database", str(database)]
    )
    assert result.exit_code == 1
    assert last_line(result).startswith(f"Error: cannot open the SQLite database {database}: ")
