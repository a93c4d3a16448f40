"""Saving a directory costs a fixed number of statements, not a few for each person: on
PostgreSQL each was a round trip, and a first start or an import of hundreds of people took
thousands of them. What is stored and audited is as when people were saved one by one."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.audit import chain, state
from bot.config import Country, Person
from bot.directory.repo import load_directory, save_directory, sync_configured
from bot.storage.migrations import migrate
from bot.storage.sql import Cursor, SqliteDb


class CountingDb(SqliteDb):
    """A SQLite store that counts what it is asked to run: a batch counts once, as it is one
    round trip to a server."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.statements = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self.statements += 1
        return super().execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.statements += 1
        super().executemany(sql, rows)


def store(tmp_path: Path) -> CountingDb:
    database = Database(tmp_path / "bot.db")
    migrate(database)
    return CountingDb(database)


def people(count: int, country: str = "TH") -> list[Person]:
    return [
        Person(
            id=f"p{n}",
            name=f"Person {n}",
            country=country,
            roles=["officer"],
            identities={"telegram": str(1000 + n)},
        )
        for n in range(count)
    ]


COUNTRIES = [Country(code="TH", name="Thailand", timezone="Asia/Bangkok")]


def statements_to_save(tmp_path: Path, count: int) -> int:
    db = store(tmp_path)
    db.conn.execute("BEGIN")
    before = db.statements
    save_directory(db, COUNTRIES, people(count), at="2027-01-05T00:00:00+00:00")
    db.conn.execute("COMMIT")
    return db.statements - before


def test_saving_three_hundred_people_costs_what_saving_three_does(tmp_path: Path) -> None:
    (tmp_path / "few").mkdir()
    (tmp_path / "many").mkdir()
    assert statements_to_save(tmp_path / "many", 300) == statements_to_save(tmp_path / "few", 3)


def test_a_batch_is_stored_and_audited_as_one_by_one(tmp_path: Path) -> None:
    db = store(tmp_path)
    db.conn.execute("BEGIN")
    at = "2027-01-05T00:00:00+00:00"
    save_directory(db, COUNTRIES, people(3), at=at)
    # p1 takes p0's telegram id: both are bound again, p0 as changed (it lost the identity)
    moved = people(3)
    moved[1] = Person.model_validate({**moved[1].model_dump(), "identities": {"telegram": "1000"}})
    save_directory(db, [], [moved[1]], at=at)
    db.conn.execute("COMMIT")
    directory = load_directory(db)
    assert directory.identity(directory.people["p1"], "telegram") == "1000"
    assert directory.identity(directory.people["p0"], "telegram") is None
    rows = db.execute("SELECT action, subject, detail FROM audit ORDER BY id").fetchall()
    assert [(action, subject) for action, subject, _detail in rows] == [
        ("person.added", "p0"),
        ("person.added", "p1"),
        ("person.added", "p2"),
        ("person.changed", "p1"),
        ("person.changed", "p0"),
    ]
    for _action, subject, detail in rows[-2:]:  # each row states the person as now stored
        assert detail == state.detail(state.person_state(db, subject) or {})
    assert chain.verify(db) == []


def test_a_restart_with_bot_toml_unchanged_writes_nothing(tmp_path: Path) -> None:
    db = store(tmp_path)
    db.conn.execute("BEGIN")
    assert sync_configured(db, COUNTRIES, people(50)) == 51
    before = db.statements
    assert sync_configured(db, COUNTRIES, people(50)) == 0
    assert db.statements - before == 1  # the fingerprints, read at once
    edited = people(50)
    edited[7] = Person.model_validate({**edited[7].model_dump(), "roles": ["focal_point"]})
    assert sync_configured(db, COUNTRIES, edited) == 1
    db.conn.execute("COMMIT")
    assert load_directory(db).people["p7"].roles == ("focal_point",)
