"""/report as people ask for it (found by a trial): a report of a period not yet open counted
its past windows' returns as missing, and "pdf" was answered "Name one period at most"."""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import PERIOD, running

PLANNED = PERIOD.model_copy(update={"status": "planned"})  # JPA-9, not yet open


async def test_a_planned_periods_report_counts_nothing_missing(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path, periods=(PLANNED,))
    bot.clock.advance(PERIOD.ends_on - PERIOD.starts_on)  # every window is past its due date
    [report] = await bot.say("lk-cochair", "/report JPA-9")
    assert "W1 due Feb 7, 2027: 0 in (0 late), 0 draft, 0 missing, 8 not due yet" in report
    await bot.say("lk-cochair", "/period open JPA-9 confirm")
    [report] = await bot.say("lk-cochair", "/report JPA-9")
    assert "W1 due Feb 7, 2027: 0 in (0 late), 0 draft, 8 missing" in report
    await bot.stop()


async def test_a_file_chat_does_not_make_is_answered_with_those_it_does(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    for word in ("pdf", "PDF", "docx"):
        [answer] = await bot.say("lk-cochair", f"/report {word} JPA-9")
        assert answer.startswith("In chat a report comes as text, a chart or a workbook"), answer
    await bot.stop()


async def test_excel_and_png_name_the_workbook_and_the_chart(tmp_path: Path) -> None:
    bot: Harness = await running(tmp_path)
    [workbook] = await bot.say("nz-cochair", "/report excel JPA-9")
    assert workbook.startswith("JPA-9: the report as a workbook"), workbook
    [chart] = await bot.say("nz-cochair", "/report png JPA-9")
    assert chart.startswith("JPA-9: figures by country and returns by reporting window"), chart
    await bot.stop()
