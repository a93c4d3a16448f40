"""A PostgreSQL database without FocalPoint's tables (a mistyped name of one that exists, a
fresh one) is refused by every command but ``run`` in one line, as a missing SQLite file is,
and is left without a table; once the bot has made its schema there, the commands work."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.storage import open_store
from bot.storage.postgres import redact
from tests.harness import execute_on
from tests.test_cli_errors import HEADER, ROW_WITH_JOSE, every_command, focalbot, refused

TABLES = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"


def test_every_command_refuses_an_empty_postgresql_database_and_creates_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(HEADER + ROW_WITH_JOSE)
    said = (
        f"Error: No FocalPoint database at {redact(postgres_url)} (the bot creates it on its "
        "first run); check --database or FOCALBOT_DATABASE.\n"
    )
    for command in every_command(csv):
        assert refused(focalbot(*command, "--database", postgres_url)) == said, command
    assert execute_on(postgres_url, TABLES) == [(0,)]


def test_the_commands_work_once_the_bot_has_made_its_schema(postgres_url: str) -> None:
    async def first_run() -> None:  # what `focalbot run` does to a new database first
        store = open_store(postgres_url)
        await store.open()
        await store.close()

    asyncio.run(first_run())
    result = focalbot("audit", "verify", "--database", postgres_url)
    assert result.exit_code == 0, result.output
    assert "audit log OK: 0 rows" in result.output
