"""The focalbot command line: check, run with a piped scenario, directory import/export."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import ENGINES
from tests.harness import SHIPPED_CONFIG, created_database, database_for

# The commands that open the database run on both engines (see the engine fixture).
both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)

SCENARIO = """\
# an officer asks Thailand for help; Thailand answers
as au-officer
/request TH urgent Check passport N1234567
as th-fp
/ack R-2026-0001
/reply R-2026-0001 Passport is genuine; holder left on 3 May
as nobody-at-all
time +1h
"""


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for args in (
        ["--help"],
        ["run", "--help"],
        ["check", "--help"],
        ["directory", "--help"],
        ["directory", "import", "--help"],
        ["directory", "export", "--help"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_check_accepts_the_shipped_config() -> None:
    result = CliRunner().invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert result.exit_code == 0
    assert "OK — 16 countries" in result.output and "console" in result.output


def test_check_says_when_bot_toml_names_nobody(tmp_path: Path) -> None:
    first = tmp_path / "bot.toml"
    first.write_text('[bot]\nname = "FocalPoint"\n')
    result = CliRunner().invoke(main, ["check", "--config", str(first)])
    assert result.exit_code == 0, result.output
    assert f"{first} names no countries: the bot answers only people of the directory" in (
        result.output
    )
    shipped = CliRunner().invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert "names no" not in shipped.output


def test_check_names_the_bad_key(tmp_path: Path) -> None:
    bad = tmp_path / "bot.toml"
    bad.write_text(
        SHIPPED_CONFIG.read_text().replace('timezone = "Asia/Bangkok"', 'timezone = "Asia/Nowhere"')
    )
    result = CliRunner().invoke(main, ["check", "--config", str(bad)])
    assert result.exit_code == 1
    assert "timezone" in result.output and "Asia/Nowhere" in result.output
    assert f"{bad}:" in result.output


@both_engines
def test_run_reads_a_piped_scenario_and_ends_at_end_of_input(tmp_path: Path) -> None:
    # The scenario runs on the real clock: without quiet hours, so that the notifications it
    # expects go out at any time of day (in Australia's evening they would wait for morning).
    config = tmp_path / "bot.toml"
    config.write_text(
        SHIPPED_CONFIG.read_text().replace('default = "21:00-07:00"', 'default = ""', 1)
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--config",
            str(config),
            "--database",
            database_for(tmp_path / "bot.db"),
        ],
        input=SCENARIO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[to th-fp via console] URGENT Request R-2026-0001" in out
    assert "[to au-officer via console] R-2026-0001 was acknowledged by Niran Example" in out
    assert "Passport is genuine" in out.split("[to au-officer via console] R-2026-0001 · ")[1]
    assert "No one called 'nobody-at-all'" in out
    assert "escalat" not in out  # acknowledged in time: no escalation after the clock moved
    assert "Traceback" not in done.stderr


@both_engines
def test_directory_export_import_round_trip(tmp_path: Path) -> None:
    runner, db = CliRunner(), created_database(tmp_path / "bot.db")
    base = ["--config", str(SHIPPED_CONFIG), "--database", db]
    exported = runner.invoke(main, ["directory", "export", *base])
    assert exported.exit_code == 0
    assert exported.output.startswith("id,name,country,roles")
    assert "th-fp,Niran Example,TH,focal_point" in exported.output

    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,country,roles,preferred_channel,identity:telegram\n"
        "th-fp2,Pim Example,TH,focal_point;officer,telegram,555001\n"
    )
    imported = runner.invoke(main, ["directory", "import", *base, str(people)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 1 person:" in imported.output
    again = runner.invoke(main, ["directory", "export", *base]).output
    assert "th-fp2,Pim Example,TH,focal_point;officer,en,telegram,yes" in again
    assert "555001" in again


@both_engines
def test_directory_import_is_all_or_nothing(tmp_path: Path) -> None:
    runner, db = CliRunner(), created_database(tmp_path / "bot.db")
    base = ["--config", str(SHIPPED_CONFIG), "--database", db]
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,country,roles\nok-1,Fine Example,TH,officer\nbad-1,Wrong Example,XX,officer\n"
    )
    result = runner.invoke(main, ["directory", "import", *base, str(people)])
    assert result.exit_code == 1 and "unknown country 'XX'" in result.output
    people.write_text("id,name,country,roles\nok-1,Fine Example,TH,sheriff\n")
    result = runner.invoke(main, ["directory", "import", *base, str(people)])
    assert result.exit_code == 1 and "line 2" in result.output
    exported = runner.invoke(main, ["directory", "export", *base]).output
    assert "ok-1" not in exported


@both_engines
def test_countries_export(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "directory",
            "export",
            "--countries",
            "--config",
            str(SHIPPED_CONFIG),
            "--database",
            created_database(tmp_path / "bot.db"),
        ],
    )
    assert "TH,Thailand,Asia/Bangkok" in result.output


@both_engines
async def test_running_bot_picks_up_a_directory_import(tmp_path: Path) -> None:
    import asyncio

    from tests.harness import Harness

    bot = Harness(tmp_path / "bot.db")
    await bot.start()
    assert bot.app is not None
    bot.app.directory_poll = 0.05
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")
    people = tmp_path / "people.csv"
    people.write_text("id,name,country,roles\nvn-officer,Minh Example,VN,officer\n")
    await asyncio.to_thread(
        CliRunner().invoke,
        main,
        [
            "directory",
            "import",
            "--config",
            str(SHIPPED_CONFIG),
            "--database",
            database_for(tmp_path / "bot.db"),
            str(people),
        ],
    )
    for _ in range(100):
        if "vn-officer" in bot.app.ctx.directory.people:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.02)
    assert "Minh Example" in (await bot.say("vn-officer", "/whoami"))[0]
    await bot.stop()


@both_engines
async def test_a_restart_keeps_what_a_directory_import_changed(tmp_path: Path) -> None:
    import asyncio

    from tests.harness import Harness, shipped_settings

    bot = await Harness(tmp_path / "bot.db").start()
    assert "co-chair" in (await bot.say("nz-cochair", "/whoami"))[0]
    await bot.stop()
    people = tmp_path / "people.csv"  # the co-chair role taken away, the name changed
    people.write_text("id,name,country,roles\nnz-cochair,Kate Example,NZ,officer\n")
    base = ["--config", str(SHIPPED_CONFIG), "--database", database_for(tmp_path / "bot.db")]
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["directory", "import", *base, str(people)]
    )
    assert result.exit_code == 0, result.output
    bot = await Harness(tmp_path / "bot.db").start()  # bot.toml unchanged: the import stands
    [whoami] = await bot.say("nz-cochair", "/whoami")
    assert "Kate Example" in whoami and "co-chair" not in whoami, whoami
    await bot.stop()
    settings = shipped_settings()  # an edit to bot.toml's entry applies at the next start
    edited = [
        p.model_copy(update={"name": "Kate Edited"}) if p.id == "nz-cochair" else p
        for p in settings.people
    ]
    bot = await Harness(tmp_path / "bot.db", settings.model_copy(update={"people": edited})).start()
    assert "Kate Edited" in (await bot.say("nz-cochair", "/whoami"))[0]
    await bot.stop()


@both_engines
def test_an_import_keeps_identities_on_channels_the_csv_has_no_column_for(
    tmp_path: Path,
) -> None:
    runner, db = CliRunner(), created_database(tmp_path / "bot.db")
    base = ["--config", str(SHIPPED_CONFIG), "--database", db]
    people = tmp_path / "people.csv"  # a telegram column only: th-fp's slack id stays
    people.write_text("id,name,country,roles,identity:telegram\nau-fp,Alex A,AU,focal_point,777\n")
    assert runner.invoke(main, ["directory", "import", *base, str(people)]).exit_code == 0
    exported = runner.invoke(main, ["directory", "export", *base]).output
    [row] = [line for line in exported.splitlines() if line.startswith("au-fp,")]
    assert "777" in row and "U0AUFP01" in row and "100018" not in row, row
    people.write_text("id,name,country,roles,identity:slack\nau-fp,Alex A,AU,focal_point,-\n")
    assert runner.invoke(main, ["directory", "import", *base, str(people)]).exit_code == 0
    exported = runner.invoke(main, ["directory", "export", *base]).output
    [row] = [line for line in exported.splitlines() if line.startswith("au-fp,")]
    assert "777" in row and "U0AUFP01" not in row, row  # a "-" in its column: removed


@both_engines
async def test_the_first_start_of_this_version_keeps_an_older_databases_directory(
    tmp_path: Path,
) -> None:
    import asyncio

    from tests.harness import Harness

    bot = await Harness(tmp_path / "bot.db").start()
    assert bot.app is not None  # as a version before bot.toml fingerprints left the database
    await bot.app.store.run(lambda db: db.execute("DELETE FROM meta WHERE key LIKE 'configured:%'"))
    await bot.stop()
    people = tmp_path / "people.csv"
    people.write_text("id,name,country,roles\nnz-cochair,Kate Example,NZ,officer\n")
    base = ["--config", str(SHIPPED_CONFIG), "--database", database_for(tmp_path / "bot.db")]
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["directory", "import", *base, str(people)]
    )
    assert result.exit_code == 0, result.output
    bot = await Harness(tmp_path / "bot.db").start()  # the upgrade's first start
    [whoami] = await bot.say("nz-cochair", "/whoami")
    assert "Kate Example" in whoami and "co-chair" not in whoami, whoami
    await bot.stop()


def test_check_warns_of_unshared_files_on_postgresql_and_of_no_co_chair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replicas on several machines each kept files in their own working directory (a file
    stored by one could not be sent by another); a bot.toml without a co-chair leaves nobody
    able to open a period."""
    shipped = CliRunner().invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert "warning: files on requests" not in shipped.output
    assert "co-chair" not in shipped.output
    # (a port nothing listens on: refused at once, never a DNS or connect timeout)
    monkeypatch.setenv("FOCALBOT_DATABASE", "postgresql://focalbot:pw@127.0.0.1:9/focalpoint")
    on_postgres = CliRunner().invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert "replicas on more than one machine need [files] directory" in on_postgres.output
    monkeypatch.delenv("FOCALBOT_DATABASE")
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace('"co_chair"', '"officer"')
    (tmp_path / "bot.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "bot.toml")])
    assert result.exit_code == 0, result.output
    assert "warning: nobody in" in result.output and "is a co-chair" in result.output


def test_check_lists_the_channels_that_run_and_warns_of_whom_nothing_reaches(
    tmp_path: Path,
) -> None:
    """`check` listed the console as running with it disabled, and said nothing of people no
    enabled channel reaches or of a country left without an active focal point."""
    shipped = CliRunner().invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert "run now: console\n" in shipped.output
    assert "no enabled channel reaches" not in shipped.output
    assert "no active focal point" not in shipped.output
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    on = "[channels.console]\n" + text.split("[channels.console]\n")[1].split("\n\n")[0]
    assert on.endswith("enabled = true")
    text = text.replace(on, on.removesuffix("true") + "false", 1)
    focal = 'country = "TH"\nroles = ["focal_point"]'
    assert focal in text
    text = text.replace(focal, 'country = "TH"\nroles = ["officer"]', 1)
    config = tmp_path / "bot.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "channels that would run now: none\n" in result.output
    assert "may carry casework: telegram, slack, email;" in result.output  # (and the console)
    assert (
        "warning: no enabled channel reaches admin (no identity on any enabled channel)"
        in result.output
    )
    assert "warning: no active focal point in TH: requests to them go to a deputy" in (
        result.output
    )
