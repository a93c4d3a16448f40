"""``focalbot report --language th`` drafts the Markdown report's debrief statement in Thai,
as ``/report JPA-9 th`` does in chat (the command line had English only: a leftover of
earlier notes); a language it does not know, or another format, is refused in one line."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from tests.harness import SHIPPED_CONFIG, Harness
from tests.returns_support import running

THAI = re.compile(r"[\u0e00-\u0e7f]")


async def report(bot: Harness, *options: str) -> Result:
    arguments = ["report", "JPA-9", "--config", str(SHIPPED_CONFIG), "-d", bot.database]
    return await asyncio.to_thread(CliRunner().invoke, main, [*arguments, *options])


async def test_the_statement_is_drafted_in_the_language_asked(tmp_path: Path) -> None:
    bot = await running(tmp_path)  # JPA-9 in the database, Thailand's return in
    await bot.say("th-fp", "/return arrests 12, victims assisted 3, search warrants 1")
    await bot.say("th-fp", "/return confirm")
    await bot.stop()
    english = await report(bot)
    thai = await report(bot, "--language", "th")
    assert english.exit_code == thai.exit_code == 0, (english.output, thai.output)
    statement = thai.output.split("## Draft debrief statement, in Thai (ไทย)\n\n")[1]
    assert THAI.search(statement.split("\n## ")[0]), thai.output
    assert "## Totals" in thai.output and not THAI.search(english.output)
    # the rest of the report is the English one
    assert thai.output.split("## Totals")[1] == english.output.split("## Totals")[1]


async def test_an_unknown_language_or_another_format_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.stop()
    unknown = await report(bot, "--language", "xx")
    assert unknown.exit_code == 2 and "no language 'xx'; available: en (English)" in unknown.output
    csv = await report(bot, "--language", "th", "--format", "csv")
    assert csv.exit_code == 2 and "add --format md" in csv.output, csv.output
    english = await report(bot, "--language", "en", "--format", "csv")  # the default: harmless
    assert (
        english.exit_code == 0 and english.output == (await report(bot, "--format", "csv")).output
    )
