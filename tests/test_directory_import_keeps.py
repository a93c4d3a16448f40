"""A directory import over people already in the directory: an empty or missing cell keeps
what they have (a Thai focal point re-imported to change a channel was reset to English), a
new person gets the bot's language, and a revoked person listed stays revoked, said so."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.conftest import ENGINES
from tests.harness import SHIPPED_CONFIG, created_database, execute_on

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)


class Operator:
    """``focalbot directory …`` on one database, as an operator types it."""

    def __init__(self, tmp_path: Path, config: Path = SHIPPED_CONFIG) -> None:
        self.tmp_path = tmp_path
        self.database = created_database(tmp_path / "bot.db")
        self.base = ["--config", str(config), "--database", self.database]

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["directory", *args, *self.base])

    def imports(self, csv_text: str) -> str:
        people = self.tmp_path / "people.csv"
        people.write_text(csv_text)
        done = self.run("import", str(people))
        assert done.exit_code == 0, done.output
        return done.output

    def row(self, person_id: str) -> str:
        exported = self.run("export").output
        [row] = [line for line in exported.splitlines() if line.startswith(person_id + ",")]
        return row


@both_engines
def test_a_reimport_without_a_language_keeps_each_persons_language(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    operator.imports("id,name,country,roles,language\nth-fp,Niran Example,TH,focal_point,th\n")
    assert operator.row("th-fp").startswith("th-fp,Niran Example,TH,focal_point,th,")
    # the roster re-imported to change th-fp's channel: no language column at all
    operator.imports(
        "id,name,country,roles,identity:telegram\nth-fp,Niran Example,TH,focal_point,4242\n"
    )
    row = operator.row("th-fp")
    assert row.startswith("th-fp,Niran Example,TH,focal_point,th,"), row
    assert "4242" in row
    # a language column, th-fp's cell left empty
    operator.imports("id,name,country,roles,language\nth-fp,Niran Example,TH,focal_point,\n")
    assert ",focal_point,th," in operator.row("th-fp")


@both_engines
def test_empty_cells_keep_channel_name_roles_and_a_deactivation(tmp_path: Path) -> None:
    operator = Operator(tmp_path)
    operator.imports(
        "id,name,country,roles,preferred_channel,active,identity:telegram\n"
        "my-officer,Farid Example,MY,officer;co_chair,telegram,no,5150\n"
    )
    before = operator.row("my-officer")
    assert before.startswith("my-officer,Farid Example,MY,officer;co_chair,en,telegram,no"), before
    # another import touching only the telegram id: no channel nor active column
    operator.imports(
        "id,name,country,roles,identity:telegram\n"
        "my-officer,Farid Example,MY,officer;co_chair,5151\n"
    )
    after = operator.row("my-officer")
    assert after == before.replace("5150", "5151"), after  # still telegram, still inactive
    # the name and roles cells left empty: kept too (a person cannot be without them)
    operator.imports("id,name,country,roles\nmy-officer,,MY,\n")
    assert operator.row("my-officer") == after
    # someone new still gets the defaults: console, active
    operator.imports("id,name,country,roles\nvn-officer,Minh Example,VN,officer\n")
    assert operator.row("vn-officer").startswith(
        "vn-officer,Minh Example,VN,officer,en,console,yes"
    )


@both_engines
def test_a_new_person_without_a_language_gets_the_bots_language(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    shipped = SHIPPED_CONFIG.read_text()
    assert "\n[bot]\n" in shipped
    config.write_text(shipped.replace("\n[bot]\n", '\n[bot]\nlanguage = "th"\n', 1))
    operator = Operator(tmp_path, config)
    operator.imports("id,name,country,roles,language\nau-fp,Alex A,AU,focal_point,en\n")
    operator.imports(
        "id,name,country,roles\nth-officer2,Pim Example,TH,officer\nau-fp,Alex A,AU,focal_point\n"
    )
    assert ",officer,th,console," in operator.row("th-officer2")
    assert ",focal_point,en," in operator.row("au-fp")  # already there: keeps English


@both_engines
def test_an_import_leaves_a_revoked_person_revoked_and_says_how_to_reinstate(
    tmp_path: Path,
) -> None:
    operator = Operator(tmp_path)
    assert "th-officer," in operator.run("export").output  # bot.toml's people, seeded
    assert operator.run("revoke", "th-officer").exit_code == 0
    listed = (
        "id,name,country,roles,active,identity:telegram\n"
        "th-officer,Somchai Example,TH,officer,yes,9001\n"
        "au-fp,Alex A,AU,focal_point,yes,9002\n"
    )
    said = operator.imports(listed)
    assert "Imported 2 people: 0 added, 2 changed, 0 unchanged." in said, said
    assert "Still revoked (an import does not reinstate anyone): th-officer." in said, said
    assert "`focalbot directory reinstate th-officer`" in said
    assert "au-fp" not in said.split("Still revoked")[1]
    state = execute_on(
        operator.database, "SELECT active, revoked_at FROM people WHERE id = 'th-officer'"
    )
    assert state[0][0] in (0, False) and state[0][1], state
    ids = "SELECT COUNT(*) FROM identities WHERE person_id = 'th-officer'"
    assert execute_on(operator.database, ids) == [(0,)]

    # done as the summary says: reinstated, then the same import gives the identity back
    assert operator.run("reinstate", "th-officer").exit_code == 0
    again = operator.imports(listed)
    assert "Still revoked" not in again
    assert execute_on(operator.database, ids) == [(1,)]
    assert ",officer,en,console,yes," in operator.row("th-officer")
