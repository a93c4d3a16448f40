"""A return that is not in before its due moment is "not due yet", not "missing": on the
/status board (head counts and lines), on the earlier-windows hint, in the chat report, the
workbook's Status sheet and its colours, the JSON and Markdown files and the chart. Each
country's due moment is its own: the end of its own due date (moved off its weekend) in its
own time zone."""

import asyncio
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.periods.configured import PeriodConfig
from bot.reports.chart import STATUS_COLOURS
from bot.reports.figures import load_report, status_counts
from bot.reports.render import to_json, to_markdown
from bot.reports.workbook import STATUS_FILLS
from tests.harness import Harness, shipped_settings
from tests.returns_support import PERIOD, move_to, running

W1 = "JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027"
BEFORE_DUE = datetime(2027, 2, 2, 3, 0, tzinfo=UTC)  # W1 (January) ended, due 7 February
AFTER_DUE = datetime(2027, 2, 8, 12, 0, tzinfo=UTC)  # the 7th has ended in all eight countries
RED = (0xC6, 0x28, 0x28)  # the chart's "missing"
SIGNOFF = PERIOD.model_copy(update={"signoff": True})  # a deputy's return awaits the focal point


async def one_return_in(tmp_path: Path) -> Harness:
    """JPA-9 on 2 February: Thailand's W1 return is in, no other country's."""
    bot = await running(tmp_path, at=BEFORE_DUE)
    await bot.say("th-fp", "/return W1 arrests 1, victims 1")
    assert "is submitted" in (await bot.say("th-fp", "/return confirm"))[0]
    return bot


async def test_status_before_the_due_date_says_not_due_yet_not_missing(tmp_path: Path) -> None:
    bot = await one_return_in(tmp_path)
    [status] = await bot.say("nz-cochair", "/status W1")
    head, *lines = status.splitlines()
    assert head == f"{W1}: 1 of 8 in (0 late), 0 draft, 0 missing, 7 not due yet.", head
    assert "• Australia — not in yet, due Feb 7, 2027" in lines, lines
    assert "• Thailand — submitted Feb 2, 2027, 10:00 UTC+7" in lines, lines
    assert "missing" not in "\n".join(lines), lines

    move_to(bot, AFTER_DUE)
    [status] = await bot.say("nz-cochair", "/status W1")
    head, *lines = status.splitlines()
    assert head == f"{W1}: 1 of 8 in (0 late), 0 draft, 7 missing.", head  # as before the fix
    assert "• Australia — missing, overdue" in lines and "not in yet" not in status, lines
    await bot.stop()


async def test_a_return_awaiting_signoff_before_the_due_date(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=BEFORE_DUE, periods=(SIGNOFF,))
    await bot.say("th-deputy", "/return W1 arrests 5, victims 1")
    await bot.say("th-deputy", "/return confirm")
    [status] = await bot.say("nz-cochair", "/status W1")
    assert status.startswith(
        f"{W1}: 0 of 8 in (0 late), 1 awaiting national sign-off, 0 draft, 0 missing, "
        "7 not due yet.\n"
    ), status
    move_to(bot, AFTER_DUE)
    [status] = await bot.say("nz-cochair", "/status W1")
    assert "1 awaiting national sign-off, 0 draft, 7 missing.\n" in status, status
    await bot.stop()


async def test_earlier_windows_are_owed_only_once_their_due_date_has_passed(
    tmp_path: Path,
) -> None:
    """On 5 March the board shows W2 (February, due 7 March): W1 is owed, W2 not yet."""
    bot = await running(tmp_path, at=datetime(2027, 3, 5, 3, 0, tzinfo=UTC))
    [status] = await bot.say("nz-cochair", "/status")
    assert status.startswith("JPA-9 · W2 (Feb 1, 2027 – Feb 28, 2027), due Mar 7, 2027: "), status
    assert "0 missing, 8 not due yet." in status.splitlines()[0], status
    assert status.endswith(
        "\n\nEarlier windows still missing returns: W1 (8 of 8 missing). /status W1 lists who."
    ), status
    await bot.stop()

    (tmp_path / "april").mkdir()  # W3 (March) is the board's; W2 is due, and owed, by now
    bot = await running(tmp_path / "april", at=datetime(2027, 4, 5, 3, 0, tzinfo=UTC))
    [status] = await bot.say("nz-cochair", "/status")
    owed = "W1 (8 of 8 missing); W2 (8 of 8 missing). /status W1 lists who."
    assert status.endswith(owed), status
    await bot.stop()


async def test_each_country_is_due_by_its_own_calendar(tmp_path: Path) -> None:
    """Due Saturday 7 November: moved to Monday the 9th for Thailand and India (their
    weekend), kept for Afghanistan (which works Saturdays). On Sunday the 8th only
    Afghanistan's return is missing, on the board and in the report."""
    period = PeriodConfig(
        code="JPA-7",
        name="Seventh Joint Period of Action",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        countries=("AF", "TH", "IN"),
        windows="final",
    )
    bot = await running(
        tmp_path,
        at=datetime(2026, 11, 8, 12, 0, tzinfo=UTC),
        periods=(period,),
        returns=shipped_settings().returns,  # non_working_due = "move"
    )
    [status] = await bot.say("nz-cochair", "/status")
    head, moved, why, *_lines = status.splitlines()
    assert head.endswith("0 of 3 in (0 late), 0 draft, 1 missing, 2 not due yet."), status
    assert moved == "Due dates moved to the country's next working day:"  # as /period open said
    assert why == "  W1 due Nov 7, 2026 → Nov 9, 2026 for India, Thailand (weekend)"
    assert "• Afghanistan — missing, overdue" in status
    assert "• Thailand — not in yet, due Nov 9, 2026" in status
    assert "• India — not in yet, due Nov 9, 2026" in status
    [report] = await bot.say("nz-cochair", "/report JPA-7")
    assert "W1 due Nov 7, 2026: 0 in (0 late), 0 draft, 1 missing, 2 not due yet" in report
    await bot.stop()


async def test_the_chat_report_counts_not_due_apart_from_missing(tmp_path: Path) -> None:
    bot = await one_return_in(tmp_path)
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "  W1 due Feb 7, 2027: 1 in (0 late), 0 draft, 0 missing, 7 not due yet" in report
    assert "  W2 due Mar 7, 2027: 0 in (0 late), 0 draft, 0 missing, 8 not due yet" in report
    move_to(bot, AFTER_DUE)
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "  W1 due Feb 7, 2027: 1 in (0 late), 0 draft, 7 missing\n" in report, report
    await bot.stop()


async def test_the_workbook_shows_no_red_before_the_due_date(tmp_path: Path) -> None:
    bot = await one_return_in(tmp_path)
    before = await workbook_status(bot)
    assert before["Australia"] == [("not due", "F2F2F2")] * 3, before  # grey, every window
    assert before["Thailand"][0] == ("submitted", "C6EFCE")
    assert not any(fill == "FFC7CE" for row in before.values() for _s, fill in row), before
    move_to(bot, AFTER_DUE)
    after = await workbook_status(bot)
    assert after["Australia"][0] == ("missing", "FFC7CE"), after  # W1, past due: red
    assert after["Australia"][1] == ("not due", "F2F2F2"), after  # W2, due 7 March
    await bot.stop()


async def workbook_status(bot: Harness) -> dict[str, list[tuple[str, str]]]:
    """The Status sheet of /report xlsx: per country, each window's (status, fill colour)."""
    sheet = load_workbook(io.BytesIO(await report_file(bot, "/report xlsx JPA-9")))["Status"]
    return {
        row[0].value: [(c.value, str(c.fill.fgColor.rgb)[-6:]) for c in row[1:]]
        for row in sheet.iter_rows(min_row=2)
        if row[0].value
    }


async def test_files_and_counts_carry_a_distinct_not_due_status(tmp_path: Path) -> None:
    bot = await one_return_in(tmp_path)
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9", now=BEFORE_DUE))
    assert data is not None
    assert status_counts(data, 1) == {
        "submitted": 1,
        "late": 0,
        "draft": 0,
        "awaiting": 0,
        "missing": 0,
        "not due": 7,
    }
    countries = {c["code"]: c["status"] for c in json.loads(to_json(data))["countries"]}
    assert countries["AU"] == {"W1": "not due", "W2": "not due", "W3": "not due"}
    assert countries["TH"]["W1"] == "submitted"
    assert "| Australia | not due | not due | not due |" in to_markdown(data)
    later = await bot.app.store.run(lambda db: load_report(db, "JPA-9", now=AFTER_DUE))
    assert later is not None and status_counts(later, 1)["missing"] == 7
    await bot.stop()


def test_every_status_has_its_colour_and_missing_alone_is_red() -> None:
    statuses = {"submitted", "late", "draft", "awaiting", "missing", "not due"}
    assert set(STATUS_COLOURS) == statuses == set(STATUS_FILLS)
    assert [s for s, c in STATUS_COLOURS.items() if c.lower() == "#c62828"] == ["missing"]
    red = [s for s, f in STATUS_FILLS.items() if str(f.fgColor.rgb).endswith("FFC7CE")]
    assert red == ["missing"], red


async def test_the_chart_draws_no_red_bar_before_the_due_date(tmp_path: Path) -> None:
    bot = await one_return_in(tmp_path)
    before = red_pixels(await report_file(bot, "/report chart JPA-9"))
    move_to(bot, AFTER_DUE)
    after = red_pixels(await report_file(bot, "/report chart JPA-9"))
    assert before < 1_000, before  # the legend's patch alone (~300 pixels): no bar is red
    assert after > 20_000, after  # seven of W1's eight countries, missing
    await bot.stop()


async def report_file(bot: Harness, command: str) -> bytes:
    """The file a co-chair's ``/report chart|xlsx`` sends."""
    before = len(bot.chat.sent)
    await bot.say("nz-cochair", command)
    [delivered] = [d.message for d in bot.chat.sent[before:]]
    assert delivered.attachment is not None, delivered
    return await asyncio.to_thread(Path(delivered.attachment.path).read_bytes)


def red_pixels(png: bytes) -> int:
    """How many pixels of the picture are the chart's "missing" red."""
    from matplotlib import image

    pixels = image.imread(io.BytesIO(png), format="png")[..., :3] * 255
    close = (abs(pixels - RED) < 3).all(axis=-1)
    return int(close.sum())
