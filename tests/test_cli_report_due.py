"""``focalbot report`` judges "missing" by each country's own due date, moved off its closures
and holidays as the bot moves it, as the chat report does."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.config import load_settings
from bot.reports.workbook import STATUS_FILLS
from bot.returns.repo import NOT_DUE
from bot.workdays import Calendar
from tests.harness import SHIPPED_CONFIG, Harness


def config_closing_thailand(tmp_path: Path, due: date, today: date) -> Path:
    """bot.toml with JPA-7 (one window due ``due``) and Thailand closed from then to ``today``."""
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    days = [due + timedelta(days=n) for n in range((today - due).days + 1)]
    closed = f"closures = [{', '.join(d.isoformat() for d in days)}]\n"
    text = text.replace('code = "TH"\n', f'code = "TH"\n{closed}', 1)
    ends = due - timedelta(days=7)
    text += (
        f'\n[[periods]]\ncode = "JPA-7"\nname = "Seventh"\nstarts_on = {ends - timedelta(days=30)}'
        f'\nends_on = {ends}\nwindows = "final"\ndue_after_days = 7\ncountries = ["TH", "MY"]\n'
    )
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


class ClosedThailand:
    """JPA-7's one window ended yesterday or before (a working day in Malaysia), Thailand
    closed from its due date to today, the period in a database: ``focalbot report`` on it."""

    def __init__(self, tmp_path: Path) -> None:
        self.today = datetime.now(UTC).date()
        due = self.today - timedelta(days=1)  # ended in both countries
        malaysia = Calendar(load_settings(SHIPPED_CONFIG)).of("MY")
        while malaysia.next_working(due) != due:
            due -= timedelta(days=1)
        self.due, self.config = due, config_closing_thailand(tmp_path, due, self.today)
        self.thailand_due = Calendar(load_settings(self.config)).of("TH").next_working(due)
        self.bot = Harness(tmp_path / "bot.db", load_settings(self.config))
        self.database = self.bot.database  # a file, or the test's PostgreSQL database

    async def make(self) -> ClosedThailand:
        await self.bot.start()  # the configured period comes into the database
        await self.bot.stop()
        return self

    async def report(self, *options: str) -> str:
        arguments = ["report", "JPA-7", "--config", str(self.config), "-d", self.database]
        result = await asyncio.to_thread(CliRunner().invoke, main, [*arguments, *options])
        assert result.exit_code == 0, result.output
        return result.output


async def test_a_due_date_moved_off_a_closure_is_not_missing_yet(tmp_path: Path) -> None:
    closed = await ClosedThailand(tmp_path).make()
    countries = json.loads(await closed.report("--format", "json"))["countries"]
    assert {c["code"]: c["status"] for c in countries} == {
        "TH": {"W1": "not due"},  # closed on its due date and today: due on its next working day
        "MY": {"W1": "missing"},
    }


async def test_the_status_table_shows_a_countrys_own_due_date_where_it_moved(
    tmp_path: Path,
) -> None:
    """The column says the window's due date; Thailand's moved off its closure, and its cell
    says to when (Malaysia's did not move: its cell says nothing more)."""
    closed = await ClosedThailand(tmp_path).make()
    moved = closed.thailand_due.isoformat()
    assert closed.thailand_due > closed.today
    markdown = await closed.report("--format", "md")
    assert f"| W1 (due {closed.due.isoformat()}) |" in markdown
    assert f"| Thailand | not due (due {moved}) |" in markdown
    assert "| Malaysia | missing |" in markdown
    target = tmp_path / "jpa7.xlsx"
    await closed.report("--format", "xlsx", "-o", str(target))
    sheet = (await asyncio.to_thread(load_workbook, target))["Status"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["Thailand"].value == f"not due (due {moved})"
    colour = str(STATUS_FILLS[NOT_DUE].fgColor.rgb)[-6:]
    assert str(cells["Thailand"].fill.fgColor.rgb).endswith(colour)  # coloured as "not due"
