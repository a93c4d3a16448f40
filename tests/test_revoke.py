"""Revoking a person: every identity stops at once, and stays revoked across restarts."""

import asyncio
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.dispatch import STRANGER_REPLY
from tests.harness import Harness, awake_config


async def test_admin_revokes_in_chat_effective_at_once(bot: Harness) -> None:
    assert "pong" in (await bot.say("th-officer", "/ping"))[0]
    answer = (await bot.say("admin", "/revoke th-officer"))[0]
    assert "is revoked" in answer
    assert await bot.say("th-officer", "/request MY urgent help") == [str(STRANGER_REPLY)]
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
    actions = await bot.rows(
        "SELECT actor, action, subject FROM audit WHERE action LIKE 'person.re%'"
    )
    assert actions == [("admin", "person.revoked", "th-officer")]


async def test_revocation_survives_restart_and_bot_toml_sync(bot: Harness) -> None:
    await bot.say("admin", "/revoke th-officer")
    await bot.restart()  # start re-applies bot.toml, where th-officer is still listed
    assert await bot.say("th-officer", "/ping") == [str(STRANGER_REPLY)]
    identities = await bot.rows("SELECT COUNT(*) FROM identities WHERE person_id = 'th-officer'")
    assert identities == [(0,)]


async def test_only_admins_revoke_and_not_themselves(bot: Harness) -> None:
    assert "not available to you" in (await bot.say("nz-cochair", "/revoke th-officer"))[0]
    assert "cannot revoke yourself" in (await bot.say("admin", "/revoke admin"))[0]
    assert "No active person 'nobody'" in (await bot.say("admin", "/revoke nobody"))[0]
    assert "pong" in (await bot.say("th-officer", "/ping"))[0]


async def test_revoking_twice_or_with_more_words_says_so_and_changes_nothing(
    bot: Harness,
) -> None:
    """A second /revoke answered "No active person", of someone the directory names; words
    after the id were dropped unseen and the first word revoked."""
    [refused] = await bot.say("admin", "/revoke th-officer th-fp")
    assert "Nothing was revoked: /revoke takes one person id and nothing after it." in refused
    assert "Usage: /revoke <person-id>" in refused, refused
    assert "pong" in (await bot.say("th-officer", "/ping"))[0]
    assert "pong" in (await bot.say("th-fp", "/ping"))[0]
    await bot.say("admin", "/revoke th-officer")
    [again] = await bot.say("admin", "/revoke th-officer")
    assert (
        "Nirano Officer-Example (th-officer) is already revoked; `focalbot directory "
        "reinstate th-officer` undoes it." in again
    ), again
    actions = await bot.rows("SELECT action FROM audit WHERE action LIKE 'person.re%'")
    assert actions == [("person.revoked",)]


async def test_cli_revoke_and_reinstate(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    base = ["--config", str(awake_config()), "--database", bot.database]

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["directory", *args, *base])

    assert bot.app is not None
    bot.app.directory_poll = 0.05
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")
    done = await asyncio.to_thread(cli, "revoke", "my-fp")
    assert done.exit_code == 0, done.output
    for _ in range(100):
        if not bot.app.ctx.directory.people["my-fp"].active:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.02)
    assert await bot.say("my-fp", "/ping") == [str(STRANGER_REPLY)]
    again = await asyncio.to_thread(cli, "revoke", "my-fp")
    assert again.exit_code == 0  # already as asked: a script saying it twice has not failed
    assert "my-fp is revoked already (`focalbot directory reinstate my-fp` undoes it)" in (
        again.output
    ), again.output  # it said "no active person 'my-fp'"
    nobody = await asyncio.to_thread(cli, "revoke", "xx-nobody")
    assert "no person 'xx-nobody' in the directory" in nobody.output, nobody.output
    assert nobody.exit_code == 1
    await bot.stop()
    assert (await asyncio.to_thread(cli, "reinstate", "my-fp")).exit_code == 0
    twice = await asyncio.to_thread(cli, "reinstate", "my-fp")
    assert "my-fp is not revoked, so there is nothing to reinstate" in twice.output, twice.output
    assert twice.exit_code == 0
    bot = await Harness(tmp_path / "bot.db").start()  # bot.toml brings the identities back
    assert "pong" in (await bot.say("my-fp", "/ping"))[0]
    await bot.stop()


async def test_a_revoked_person_who_writes_is_named_to_the_administrators(bot: Harness) -> None:
    """They were reported as "someone not in the directory": the identities a revocation drops
    are kept as digests of whose they were, and forgotten again on reinstatement."""
    from bot.directory.repo import revoked_holder

    telegram = next(p for p in bot.settings.people if p.id == "th-officer").identities["telegram"]
    await bot.say("admin", "/revoke th-officer")
    assert await bot.say("th-officer", "/ping") == [str(STRANGER_REPLY)]  # no more to them
    assert bot.last("admin") == (
        "th-officer, who is revoked, wrote to me on console (user id th-officer). I refused "
        "politely. If the revocation was a mistake: `focalbot directory reinstate th-officer`."
    )
    assert bot.app is not None
    store = bot.app.store
    assert await store.run(lambda db: revoked_holder(db, "telegram", telegram)) == "th-officer"
    assert await store.run(lambda db: revoked_holder(db, "telegram", "12345")) is None
    digests = await bot.rows("SELECT digest FROM revoked_identities")
    assert digests and all(telegram not in digest for (digest,) in digests)  # no identifier kept
    await bot.stop()
    db = bot.database
    said = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["directory", "reinstate", "th-officer", "--config", str(awake_config()), "-d", db],
    )
    assert said.exit_code == 0, said.output
    await bot.start()
    assert await bot.rows("SELECT COUNT(*) FROM revoked_identities") == [(0,)]
