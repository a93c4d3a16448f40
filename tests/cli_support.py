"""The command line as an administrator types it, on one database of either engine."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from tests.harness import SHIPPED_CONFIG, created_database, execute_on


class Operator:
    """``focalbot …`` on one database (created as the bot's first run leaves it)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.database = created_database(tmp_path / "bot.db")
        self.base = ["--config", str(SHIPPED_CONFIG), "--database", self.database]

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, [*args, *self.base])

    def imports(self, csv_text: str) -> Result:
        """``focalbot directory import`` of ``csv_text``."""
        source = self.tmp_path / "people.csv"
        source.write_text(csv_text)
        return self.run("directory", "import", str(source))

    def exported(self) -> str:
        """``focalbot directory export``'s CSV."""
        done = self.run("directory", "export")
        assert done.exit_code == 0, done.output
        return done.output

    def identities(self, person_id: str) -> list[tuple[str, str]]:
        """The person's (channel, user id) pairs as stored."""
        return sorted(
            execute_on(
                self.database,
                "SELECT channel, user_id FROM identities WHERE person_id = ?",
                [person_id],
            )
        )

    def verifies(self) -> None:
        """``focalbot audit verify`` says the log is intact."""
        done = self.run("audit", "verify")
        assert done.exit_code == 0, done.output
        assert "audit log OK" in done.output
