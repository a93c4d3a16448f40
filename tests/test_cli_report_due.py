"""``focalbot report`` judges "missing" by each country's own due date, moved off its closures
and holidays as the bot moves it, as the chat report does."""

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


async def test_a_due_date_moved_off_a_closure_is_not_missing_yet(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    due = today - timedelta(days=1)  # ended in both countries: a working day in Malaysia
    malaysia = Calendar(load_settings(SHIPPED_CONFIG)).of("MY")
    while malaysia.next_working(due) != due:
        due -= timedelta(days=1)
    config = config_closing_thailand(tmp_path, due, today)
    bot = Harness(tmp_path / "bot.db", load_settings(config))
    await bot.start()  # the configured period comes into the database
    await bot.stop()
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["report", "JPA-7", "--config", str(config), "-d", bot.database, "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    countries = json.loads(result.output)["countries"]
    assert {c["code"]: c["status"] for c in countries} == {
        "TH": {"W1": "not due"},  # closed on its due date and today: due on its next working day
        "MY": {"W1": "missing"},
    }


async def test_the_status_table_shows_a_countrys_own_due_date_where_it_moved(
    tmp_path: Path,
) -> None:
    """The column says the window's due date; Thailand's moved off its closure, and its cell
    says to when (Malaysia's did not move: its cell says nothing more)."""
    today = datetime.now(UTC).date()
    due = today - timedelta(days=1)
    malaysia = Calendar(load_settings(SHIPPED_CONFIG)).of("MY")
    while malaysia.next_working(due) != due:
        due -= timedelta(days=1)
    config = config_closing_thailand(tmp_path, due, today)
    thailand = Calendar(load_settings(config)).of("TH").next_working(due)
    assert thailand > today
    bot = Harness(tmp_path / "bot.db", load_settings(config))
    await bot.start()
    await bot.stop()
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["report", "JPA-7", "--config", str(config), "-d", bot.database, "--format", "md"],
    )
    assert result.exit_code == 0, result.output
    assert f"| W1 (due {due.isoformat()}) |" in result.output
    assert f"| Thailand | not due (due {thailand.isoformat()}) |" in result.output
    assert "| Malaysia | missing |" in result.output
    target = tmp_path / "jpa7.xlsx"
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        [
            "report",
            "JPA-7",
            "--config",
            str(config),
            "-d",
            bot.database,
            "--format",
            "xlsx",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = (await asyncio.to_thread(load_workbook, target))["Status"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["Thailand"].value == f"not due (due {thailand.isoformat()})"
    colour = str(STATUS_FILLS[NOT_DUE].fgColor.rgb)[-6:]
    assert str(cells["Thailand"].fill.fgColor.rgb).endswith(colour)  # coloured as "not due"
