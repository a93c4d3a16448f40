"""Revoking a person: every identity stops at once, and stays revoked across restarts."""

import asyncio
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.dispatch import STRANGER_REPLY
from tests.harness import SHIPPED_CONFIG, Harness


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


async def test_cli_revoke_and_reinstate(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]

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
    assert (await asyncio.to_thread(cli, "revoke", "my-fp")).exit_code == 1
    await bot.stop()
    assert (await asyncio.to_thread(cli, "reinstate", "my-fp")).exit_code == 0
    bot = await Harness(tmp_path / "bot.db").start()  # bot.toml brings the identities back
    assert "pong" in (await bot.say("my-fp", "/ping"))[0]
    await bot.stop()
