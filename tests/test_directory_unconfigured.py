"""A person taken out of bot.toml: revoked at the next start as an administrator would revoke
them (audited, what waited for them withdrawn, a log line naming only their id), warned of
beforehand by ``focalbot check``; put back, active again. Someone imported is never touched."""

import asyncio
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import Person
from bot.directory.repo import save_directory
from bot.dispatch import STRANGER_REPLY
from tests.harness import SHIPPED_CONFIG, Harness, eventually, execute_on, shipped_settings

IMPORTED = Person(
    id="th-imported", name="Somchai Imported", country="TH", roles=("officer",), language="en"
)


def without_person(person_id: str) -> str:
    """The shipped bot.toml with ``person_id``'s [[people]] entry taken out."""
    blocks = SHIPPED_CONFIG.read_text(encoding="utf-8").split("[[people]]")
    kept = [b for b in blocks[1:] if f'id = "{person_id}"' not in b]
    assert len(kept) == len(blocks) - 2
    return "[[people]]".join([blocks[0], *kept])


async def test_taken_out_of_bot_toml_revoked_at_start_and_back_when_put_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    assert bot.app is not None
    await bot.app.store.run(lambda db: save_directory(db, [], [IMPORTED], "cli"))
    telegram = next(p for p in bot.settings.people if p.id == "th-officer").identities["telegram"]
    await bot.stop()
    config = tmp_path / "bot.toml"
    config.write_text(without_person("th-officer"), encoding="utf-8")

    checked = await asyncio.to_thread(
        CliRunner().invoke, main, ["check", "--config", str(config), "--database", bot.database]
    )
    assert checked.exit_code == 0, checked.output
    assert (
        f"warning: th-officer came from {config} and is no longer in it: the next `focalbot "
        "run` revokes them" in checked.output
    ), checked.output
    assert "th-imported" not in checked.output  # imported, not bot.toml's: left alone

    people = tuple(p for p in shipped_settings().people if p.id != "th-officer")
    caplog.set_level(logging.INFO)
    bot = await Harness(tmp_path / "bot.db", shipped_settings(people=people)).start()
    assert await bot.say("th-officer", "/ping") == [str(STRANGER_REPLY)]
    assert "pong" in (await bot.say("th-imported", "/ping"))[0]
    revoked = "SELECT actor, action, subject FROM audit WHERE action LIKE 'person.re%'"
    assert await bot.rows(revoked) == [("bot.toml", "person.revoked", "th-officer")]
    assert "th-officer is no longer in bot.toml: revoked" in caplog.text
    assert telegram not in caplog.text and "Example" not in caplog.text
    await bot.restart()  # once only
    assert await bot.rows(revoked) == [("bot.toml", "person.revoked", "th-officer")]
    await bot.stop()

    after = await asyncio.to_thread(
        CliRunner().invoke, main, ["check", "--config", str(config), "--database", bot.database]
    )
    assert "no longer in it" not in after.output, after.output  # done: nothing more to warn of

    bot = await Harness(tmp_path / "bot.db").start()  # bot.toml lists them again
    assert "pong" in (await bot.say("th-officer", "/ping"))[0]
    assert (await bot.rows(revoked))[-1] == ("bot.toml", "person.reinstated", "th-officer")
    identities = "SELECT user_id FROM identities WHERE person_id = 'th-officer'"
    assert (telegram,) in await bot.rows(identities)
    await bot.stop()


async def test_revoked_by_an_administrator_stays_revoked_when_put_back(tmp_path: Path) -> None:
    """Taken out of bot.toml after a revocation, then put back: the revocation stands."""
    bot = await Harness(tmp_path / "bot.db").start()
    await bot.say("admin", "/revoke th-officer")
    await bot.stop()
    people = tuple(p for p in shipped_settings().people if p.id != "th-officer")
    bot = await Harness(tmp_path / "bot.db", shipped_settings(people=people)).start()
    await bot.stop()
    bot = await Harness(tmp_path / "bot.db").start()
    assert await bot.say("th-officer", "/ping") == [str(STRANGER_REPLY)]
    actions = await bot.rows("SELECT actor, action FROM audit WHERE action LIKE 'person.re%'")
    assert actions == [("admin", "person.revoked")]
    await bot.stop()


async def test_a_database_from_before_sources_knows_who_came_from_bot_toml(tmp_path: Path) -> None:
    """Upgraded, the people bot.toml had written count as its own, the imported as imported:
    taken out of bot.toml, only the first are revoked."""
    bot = await Harness(tmp_path / "bot.db").start()
    assert bot.app is not None
    await bot.app.store.run(lambda db: save_directory(db, [], [IMPORTED], "cli"))
    await bot.stop()
    for statement in (  # as schema 19 left it
        "DROP TABLE replays",  # (schema 25)
        "ALTER TABLE outbox DROP COLUMN parts_sent",  # (schema 26)
        "DROP TABLE outbox_parts",
        "DROP INDEX outbox_platform_id",
        "ALTER TABLE people DROP COLUMN language_given",
        "ALTER TABLE people DROP COLUMN source",
        "UPDATE meta SET value = '19' WHERE key = 'schema_version'",
    ):
        execute_on(bot.database, statement)
    people = tuple(p for p in shipped_settings().people if p.id != "th-officer")
    bot = await Harness(tmp_path / "bot.db", shipped_settings(people=people)).start()
    sources = (
        "SELECT id, source, active FROM people WHERE id IN ('th-officer', 'th-imported', 'th-fp')"
    )
    assert sorted(await bot.rows(sources)) == [
        ("th-fp", "bot.toml", 1),
        ("th-imported", "import", 1),
        ("th-officer", "bot.toml", 0),
    ]
    await bot.stop()


async def test_the_work_of_someone_taken_out_of_bot_toml_is_passed_on(tmp_path: Path) -> None:
    """As a revocation in chat: Thailand's only focal point gone, its deputy is told which
    requests are theirs now."""
    bot = await Harness(tmp_path / "bot.db").start()
    request = await bot.file_request("TH routine Passport check for a suspect")
    await bot.stop()
    people = tuple(p for p in shipped_settings().people if p.id != "th-fp")
    bot = await Harness(tmp_path / "bot.db", shipped_settings(people=people)).start()
    told = (
        f"Niran Example (th-fp) was revoked; the open request to Thailand they were answering "
        f"is yours now: {request}."
    )  # queued at start, handed to delivery once the channels are added (as every start-up unit's)
    await eventually(lambda: told in bot.last("th-deputy"), 10, "the deputy told")
    assert await bot.say("th-fp", "/ping") == [str(STRANGER_REPLY)]
    await bot.stop()
