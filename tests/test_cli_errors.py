"""The focalbot command line as a new operator meets it: a mistyped database, a CSV in the
wrong encoding, a folder that is not there, a bot still running. Each mistake is one clear
``Error: …`` line and a non-zero exit, never a traceback, and never a new empty database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.errors import StoreUnavailable
from bot.storage import open_store
from tests import harness as h
from tests.conftest import ENGINES
from tests.files_support import png, write

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)

ROW_WITH_JOSE = "x-1,Jos\u00e9 Example,TH,officer\n"
HEADER = "id,name,country,roles\n"


def focalbot(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(h.SHIPPED_CONFIG)], input=stdin)


def refused(result: Result) -> str:
    """The one ``Error:`` line of a command that stopped as it should; fails on a traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: "), result.output
    return result.output


@pytest.fixture
def target(postgres_url: str) -> str:
    """A fresh PostgreSQL database, the test run in its own directory (its audit anchors)."""
    return postgres_url


# 1. A mistyped --database / FOCALBOT_DATABASE


def every_command(csv: Path) -> list[list[str]]:
    """Every command that works on an existing database (all but ``run``)."""
    return [
        ["audit", "verify"],
        ["audit", "anchor"],
        ["audit", "baseline"],
        ["purge", "--dry-run"],
        ["purge"],
        ["files-rekey"],
        ["outbox"],
        ["outbox", "retry", "1"],
        ["directory", "export"],
        ["directory", "import", str(csv)],
        ["directory", "revoke", "th-fp"],
        ["directory", "handover", "th-fp", "th-officer"],
        ["report", "JPA-4"],
    ]


@both_engines
def test_a_mistyped_database_is_refused_not_created(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(HEADER + ROW_WITH_JOSE)
    if engine == "sqlite":
        typo = str(tmp_path / "typo_123.db")
        said = (
            f"Error: No database at {typo} (the bot creates it on its first run); "
            "check --database or FOCALBOT_DATABASE.\n"
        )
    else:  # PostgreSQL creates no database on connecting: it says so
        typo = request.getfixturevalue("postgres_server").url("typo_123")
        said = 'database "typo_123" does not exist'
    for command in every_command(csv):
        assert said in refused(focalbot(*command, "--database", typo)), command
    assert list(tmp_path.iterdir()) == [csv]  # no typo_123.db, no -wal, no .files


def test_focalbot_database_is_checked_like_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typo = tmp_path / "typo_123.db"
    monkeypatch.setenv("FOCALBOT_DATABASE", str(typo))
    assert refused(focalbot("audit", "verify")) == (
        f"Error: No database at {typo} (the bot creates it on its first run); "
        "check --database or FOCALBOT_DATABASE.\n"
    )
    monkeypatch.delenv("FOCALBOT_DATABASE")
    monkeypatch.chdir(tmp_path)  # bot.toml's own database, focalpoint.db, is not here either
    assert "check [bot] database in the config" in refused(focalbot("outbox"))
    assert list(tmp_path.iterdir()) == []


def test_run_still_creates_its_database(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "-c", str(h.SHIPPED_CONFIG), "-d", str(database)],
        input="as au-officer\n/whoami\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "audit log OK" in focalbot("audit", "verify", "-d", str(database)).output


# 2. Paths that cannot be a database, files that cannot be written


def test_a_path_that_cannot_be_a_database_is_named_in_one_line(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere" / "x.db"
    toml = tmp_path / "bot.toml"
    toml.write_text(h.SHIPPED_CONFIG.read_text())
    for command in (["run"], ["audit", "verify"], ["directory", "export"]):
        result = focalbot(*command, "-d", str(tmp_path), stdin="/whoami\n")
        assert f"Error: {tmp_path} is a folder, not a database file; check --database" in (
            refused(result)
        ), command
        assert f"Error: {toml} is not a SQLite database; check --database" in refused(
            focalbot(*command, "-d", str(toml), stdin="/whoami\n")
        ), command
    assert f"No database at {nowhere}" in refused(focalbot("outbox", "-d", str(nowhere)))
    assert f"Error: there is no folder {nowhere.parent} for {nowhere}" in refused(
        focalbot("run", "-d", str(nowhere), stdin="/whoami\n")
    )
    assert f"Error: {toml} is not a SQLite database; check --from." in refused(
        focalbot("db", "copy", "--from", str(toml), "--to", "postgresql://nobody@127.0.0.1:1/x")
    )
    assert not nowhere.parent.exists()


async def test_the_sqlite_store_says_which_file_it_cannot_open(tmp_path: Path) -> None:
    """What the command line does not catch beforehand still ends as a StoreUnavailable."""
    toml = tmp_path / "bot.toml"
    toml.write_text(h.SHIPPED_CONFIG.read_text())
    for path, why in ((toml, "file is not a database"), (tmp_path, "unable to open")):
        store = open_store(str(path))
        with pytest.raises(StoreUnavailable, match=f"cannot open the SQLite database {path}: "):
            await store.open()
        assert not store.is_open, why  # its thread stopped: nothing left running


@both_engines
async def test_a_report_to_a_folder_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    await (await h.Harness(tmp_path / "bot.db").start()).stop()
    base = ["-d", h.database_for(tmp_path / "bot.db"), "--format", "csv"]
    good = tmp_path / "r.csv"
    done = await asyncio.to_thread(focalbot, "report", "JPA-4", *base, "-o", str(good))
    assert done.exit_code == 0 and good.read_text().strip(), done.output
    missing = tmp_path / "no" / "dir" / "r.csv"
    for fmt in ("csv", "xlsx"):
        result = await asyncio.to_thread(
            focalbot, "report", "JPA-4", *base, "--format", fmt, "-o", str(missing)
        )
        assert refused(result) == (
            f"Error: cannot write {missing}: there is no folder {missing.parent}\n"
        )
    result = await asyncio.to_thread(focalbot, "report", "JPA-4", *base, "-o", str(tmp_path))
    assert refused(result) == f"Error: cannot write {tmp_path}: it is a folder; name a file in it\n"
    left = await asyncio.to_thread(lambda: list(tmp_path.glob(".report-*")))
    assert not left  # no temporary file left behind


# 2. and 5. Directory CSVs: UTF-8 (with or without Excel's BOM), every wrong row named


@both_engines
def test_a_latin1_csv_is_refused_with_how_to_save_it_as_utf8(tmp_path: Path) -> None:
    database = h.created_database(tmp_path / "bot.db")
    latin1 = tmp_path / "l1.csv"
    latin1.write_bytes((HEADER + ROW_WITH_JOSE).encode("latin-1"))
    said = refused(focalbot("directory", "import", "-d", database, str(latin1)))
    assert said.startswith(f"Error: {latin1}: line 2: byte 0xe9 is not UTF-8;"), said
    assert "'CSV UTF-8 (Comma delimited)'" in said and "\n" not in said.rstrip("\n")
    assert "x-1" not in focalbot("directory", "export", "-d", database).output


@both_engines
def test_a_csv_excel_saved_as_utf8_with_a_bom_imports(tmp_path: Path) -> None:
    database = h.created_database(tmp_path / "bot.db")
    excel = tmp_path / "excel.csv"
    excel.write_bytes((HEADER + ROW_WITH_JOSE).encode("utf-8-sig"))
    result = focalbot("directory", "import", "-d", database, str(excel))
    assert result.exit_code == 0, result.output
    assert (
        "x-1,Jos\u00e9 Example,TH,officer" in focalbot("directory", "export", "-d", database).output
    )


@both_engines
def test_every_wrong_row_is_named_by_its_line(tmp_path: Path) -> None:
    database = h.created_database(tmp_path / "bot.db")
    people = tmp_path / "people.csv"
    people.write_text(
        HEADER
        + "ok-1,Fine Example,TH,officer\n"  # line 2
        + "bad-1,Wrong Example,XX,officer\n"  # line 3: unknown country
        + "bad-2,Sheriff Example,TH,sheriff\n"  # line 4: unknown role
        + "ok-2,Fine Too,MY,officer\n"  # line 5
        + "bad-3,Also Wrong,YY,officer\n"  # line 6: unknown country
        + "ok-1,Twice Example,TH,officer\n"  # line 7: the same id again
    )
    said = refused(focalbot("directory", "import", "-d", database, str(people)))
    assert said.startswith(f"Error: {people}: 4 problems, nothing imported:\n"), said
    assert "  line 3: person 'bad-1' has unknown country 'XX'\n" in said
    assert "  line 4: unknown role 'sheriff' (roles: officer, focal_point" in said, said
    assert "  line 6: person 'bad-3' has unknown country 'YY'\n" in said
    assert "  line 7: duplicate person id 'ok-1'\n" in said
    assert "line 2" not in said and "line 5" not in said
    assert "ok-" not in focalbot("directory", "export", "-d", database).output

    people.write_text(HEADER + "".join(f"p-{n},Person {n},XX,officer\n" for n in range(25)))
    said = refused(focalbot("directory", "import", "-d", database, str(people)))
    assert "25 problems, nothing imported" in said
    assert "  line 21: person 'p-19' has unknown country 'XX'\n" in said
    assert "line 22" not in said and "  … and 5 more\n" in said


# 4. outbox retry of a message that is not there


@both_engines
async def test_retrying_a_message_that_is_not_there_says_so(tmp_path: Path) -> None:
    bot = await h.Harness(tmp_path / "bot.db").start()
    await bot.file_request("TH urgent Check passport N1234567")
    await bot.stop()
    database = h.database_for(tmp_path / "bot.db")
    result = await asyncio.to_thread(focalbot, "outbox", "retry", "99999", "-d", database)
    assert refused(result) == "Error: No message 99999 in the outbox.\n"
    [(sent,)] = h.execute_on(database, "SELECT MIN(id) FROM outbox WHERE status = 'sent'")
    result = await asyncio.to_thread(focalbot, "outbox", "retry", str(sent), "-d", database)
    assert refused(result) == (
        f"Error: message {sent} is sent, not failed or expired: only those are sent again\n"
    )


# 3. and 6. db copy: not from a running bot; says where the files are and what to set


async def test_copying_from_a_running_bot_is_refused(tmp_path: Path, target: str) -> None:
    source = tmp_path / "focalpoint.db"
    bot = await h.Harness(source).start()
    try:
        await bot.file_request("TH urgent Check passport N1234567")
        result = await asyncio.to_thread(
            focalbot, "db", "copy", "--from", str(source), "--to", target
        )
        assert refused(result) == f"Error: Stop the bot first: {source} is in use.\n"
        assert h.execute_on(target, "SELECT to_regclass('requests')") == [(None,)]  # untouched
    finally:
        await bot.stop()
    result = await asyncio.to_thread(focalbot, "db", "copy", "--from", str(source), "--to", target)
    assert result.exit_code == 0, result.output


async def test_a_copy_says_what_to_set_so_the_new_database_finds_the_files(
    tmp_path: Path, target: str, files_key: str
) -> None:
    source = tmp_path / "focalpoint.db"
    old = await h.Harness(source, h.shipped_settings()).start()
    photo = write(tmp_path, "suspect.png", png())
    answer = await old.say("au-officer", "/request TH urgent Who is this?", files=[photo])
    assert "1 file attached" in answer[0], answer
    await old.stop()  # the bot appends the audit chain head to its anchor file at every stop

    result = await asyncio.to_thread(focalbot, "db", "copy", "--from", str(source), "--to", target)
    assert result.exit_code == 0, result.output
    files, anchors = f"{source}.files", f"{source}.audit-anchors"  # tmp_path is absolute
    assert f"Stored files: {files} (not moved).\n" in result.output
    assert f"Audit anchors: {anchors} (not moved).\n" in result.output
    told = result.output.split("set in bot.toml:\n", 1)[1]
    assert told == f'[files]\ndirectory = "{files}"\n[audit]\nanchor_file = "{anchors}"\n'
    wanted = tomllib.loads(told)  # what the operator pastes into bot.toml
    settings = h.shipped_settings()
    settings = settings.model_copy(
        update={
            "files": settings.files.model_copy(update=wanted["files"]),
            "audit": settings.audit.model_copy(update=wanted["audit"]),
        }
    )
    token = h.ENGINE.set(h.DatabaseFactory(lambda: target))
    try:
        new = await h.Harness(tmp_path / "moved.db", settings).start()
        try:
            before = len(new.chat.sent)
            await new.say("th-fp", "/file R-2026-0001 1")
            sent = [d for d in new.chat.sent[before:] if d.message.attachment is not None]
            assert [d.message.attachment.filename for d in sent] == ["suspect.png"]  # type: ignore[union-attr]
        finally:
            await new.stop()
    finally:
        h.ENGINE.reset(token)
    verified = await asyncio.to_thread(
        focalbot, "audit", "verify", "-d", target, "--anchor", str(anchors)
    )
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output


async def test_a_copy_with_files_set_in_bot_toml_says_they_are_used_as_they_are(
    tmp_path: Path, target: str
) -> None:
    source = tmp_path / "focalpoint.db"
    await (await h.Harness(source).start()).stop()
    config = tmp_path / "bot.toml"
    config.write_text(
        h.SHIPPED_CONFIG.read_text().replace(
            'anchor_file = ""', f'anchor_file = "{tmp_path}/kept.anchors"', 1
        )
    )
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["db", "copy", "--config", str(config), "--from", str(source), "--to", target],
    )
    assert result.exit_code == 0, result.output
    assert (
        f"Audit anchors: {tmp_path}/kept.anchors ([audit] anchor_file in bot.toml; "
        "the copy uses it too).\n"
    ) in result.output
    assert f"Stored files: none beside {source}.\n" in result.output
    assert "set in bot.toml" not in result.output  # nothing left to set
