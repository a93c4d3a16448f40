"""Directory mistakes that passed silently, as a new administrator makes them: a Telegram
username or phone number, an email without a domain, a local phone number as identities (the
person then never recognised, SECURITY.md matching user ids only); a ``telegram`` column
meant as ``identity:telegram`` ignored; a summary naming no new person's identity; and a
duplicate identity refused without saying whose it is."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import ValidationError

from bot.cli import main
from bot.config import Person, parse_settings
from bot.directory.repo import Directory
from bot.errors import ConfigError
from bot.events import Sender
from tests import cli_support
from tests.conftest import ENGINES
from tests.harness import execute_on
from tests.test_config import MINIMAL

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)


class Operator(cli_support.Operator):
    """An operator whose database has bot.toml's directory in already, on either engine."""

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path)
        ready = self.run("directory", "export")
        assert ready.exit_code == 0, ready.output

    def has(self, person_id: str) -> bool:
        return bool(execute_on(self.database, "SELECT id FROM people WHERE id = ?", [person_id]))


def person(**identities: str) -> Person:
    return Person(id="z-1", name="Zed", country="TH", roles=("officer",), identities=identities)


def check(tmp_path: Path, text: str) -> Result:
    config = tmp_path / "bot.toml"
    config.write_text(text)
    return CliRunner().invoke(main, ["check", "--config", str(config)])


def test_check_refuses_identities_the_platforms_never_send(tmp_path: Path) -> None:
    bad = 'identities = { telegram = "@somchai", email = "somchai", sms = "0812345678" }\n'
    result = check(tmp_path, MINIMAL + bad)
    assert result.exit_code != 0
    line = (MINIMAL + bad).splitlines().index(bad.strip()) + 1
    assert f"bot.toml:{line}: people[0].identities: telegram identity '@somchai'" in result.output
    assert "Telegram identities are the numeric user id" in result.output
    assert "email identity 'somchai' is refused" in result.output
    assert "sms identity '0812345678' is refused" in result.output
    assert "E.164" in result.output


def test_a_phone_number_is_no_telegram_id() -> None:
    with pytest.raises(ConfigError, match="not a username or a phone number"):
        parse_settings(MINIMAL + 'identities = { telegram = "+66812345678" }\n')


@pytest.mark.parametrize(
    ("channel", "wrong"),
    [
        ("telegram", "somchai"),
        ("telegram", "0812345678"),
        ("telegram", "123 456"),
        ("email", "niran@police"),
        ("email", "niran@@police.example"),
        ("email", "a@b@police.example"),
        ("sms", "+66 81 234 5678"),
        ("sms", "66812345678"),
        ("sms", "+1234567"),
        ("whatsapp", "0812345678"),
        ("slack", "@niran"),
        ("slack", "u0thfp01"),
        ("line", "@niran_line"),
        ("line", "U0A1B2C3D4E5F60718293A4B5C6D7E8F9"),
    ],
)
def test_each_channel_refuses_what_it_never_sends(channel: str, wrong: str) -> None:
    with pytest.raises(ValidationError, match=f"{channel} identity .* is refused"):
        person(**{channel: wrong})


def test_the_forms_each_platform_sends_are_accepted() -> None:
    zed = person(
        telegram="123456789",
        slack="W01AB2CD3EF",
        line="U0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        email="zed@police.example",
        sms="+66812345678",
        whatsapp="+639170000037",
        viber="PHfpViber0000000000001==",  # Viber's ids have no documented form
    )
    assert zed.identities["telegram"] == "123456789"


def test_an_email_identity_is_kept_as_the_email_adapter_reads_a_sender() -> None:
    """The adapter lowercases each sender: ``Niran@Police.example`` never matched."""
    zed = person(email="Zed@Police.Example")
    found = Directory.build([], [zed]).person_for(Sender("email", "zed@police.example"))
    assert found is not None and found.id == "z-1"


@both_engines
def test_an_import_refuses_identities_in_the_wrong_form(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    done = operator.imports(
        "id,name,country,roles,language,preferred_channel,identity:telegram,identity:email,"
        "identity:sms\n"
        "z-1,Zed,TH,officer,en,telegram,@zed_police,not-an-email,zed\n"
        "z-2,Zee,TH,officer,en,telegram,+66812345678,,\n"
    )
    assert done.exit_code != 0
    assert "2 problems, nothing imported" in done.output
    assert "line 2: telegram identity '@zed_police' is refused" in done.output
    assert "email identity 'not-an-email' is refused" in done.output
    assert "sms identity 'zed' is refused" in done.output
    assert "line 3: telegram identity '+66812345678' is refused" in done.output
    assert "Traceback" not in done.output
    assert not operator.has("z-1")


def test_identities_stored_before_the_rule_still_load(tmp_path: Path) -> None:
    """A database from before the formats were checked still opens (not a crash at start)."""
    operator = Operator(tmp_path)
    assert operator.imports("id,name,country,roles\nz-1,Zed,TH,officer\n").exit_code == 0
    execute_on(
        operator.database,
        "INSERT INTO identities (channel, user_id, person_id) VALUES ('telegram', '@zed', 'z-1')",
    )
    exported = operator.run("directory", "export")
    assert exported.exit_code == 0, exported.output
    assert "@zed" in exported.output


@pytest.mark.parametrize("column", ["telegram", "Telegram", "identity telegram"])
def test_an_identity_column_without_its_prefix_is_refused(tmp_path: Path, column: str) -> None:
    operator = Operator(tmp_path)
    done = operator.imports(f"id,name,country,roles,{column}\nz-1,Zed,TH,officer,5001\n")
    assert done.exit_code != 0
    assert (
        f"unknown column {column!r}: a telegram identity goes in a column named "
        "identity:telegram; nothing imported"
    ) in done.output
    assert not operator.has("z-1")


def test_any_unknown_column_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    done = operator.imports("id,name,country,roles,phone\nz-1,Zed,TH,officer,5001\n")
    assert done.exit_code != 0
    assert "unknown column 'phone' (the columns are id, name, country, roles," in done.output
    done = operator.imports("code,name,timezone,weekend\nKH,Cambodia,Asia/Phnom_Penh,sun\n")
    assert done.exit_code != 0
    assert "unknown column 'weekend' (the columns are code, name, timezone)" in done.output
    blank = operator.imports("id,name,country,roles,\nz-1,Zed,TH,officer,\n")  # Excel's comma
    assert blank.exit_code == 0, blank.output


def test_the_summary_counts_new_peoples_identities(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    done = operator.imports(
        "id,name,country,roles,identity:telegram,identity:email\n"
        "z-1,Zed,TH,officer,5001,zed@police.example\n"
        "z-2,Zee,TH,officer,5002,\n"
        "z-3,Zoe,TH,officer,,\n"
        "th-officer,Nirano Officer-Example,TH,officer,5003,\n"
    )
    assert done.exit_code == 0, done.output
    assert done.output == (
        "Imported 4 people: 3 added (1 with an email identity, 2 with a telegram identity), "
        "1 changed, 0 unchanged.\n"
        "  th-officer: telegram identity changed\n"
    )


@both_engines
def test_a_duplicate_identity_names_who_holds_it(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    held = execute_on(operator.database, "SELECT user_id FROM identities WHERE person_id = 'th-fp'")
    telegram = next(uid for (uid,) in held if uid.isdigit())
    done = operator.imports(
        f"id,name,country,roles,identity:telegram\nz-1,Zed,TH,officer,{telegram}\n"
    )
    assert done.exit_code != 0
    assert f"line 2: duplicate identity 'telegram:{telegram}' (held by th-fp)" in done.output

    second = '\n[[people]]\nid = "th-2"\nname = "B"\ncountry = "TH"\nroles = ["officer"]\n'
    text = (
        MINIMAL + 'identities = { telegram = "1" }\n' + second + 'identities = { telegram = "1" }\n'
    )
    with pytest.raises(ConfigError, match=r"duplicate identity 'telegram:1' \(held by th-fp\)"):
        parse_settings(text)
