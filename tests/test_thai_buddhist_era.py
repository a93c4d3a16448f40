"""Thai readers see years in the Buddhist Era (2027 is 2570), as Thai officials date things
(CLDR's calendar preference for Thailand: "buddhist gregorian"), and may type them so; other
readers, the store, the audit and the report files keep Gregorian years."""

from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.i18n import _, render
from bot.periods.parse import parse_day
from tests.harness import Harness
from tests.returns_support import running


def test_dates_and_times_carry_the_buddhist_era_for_thai_readers_only() -> None:
    sent = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
    due = _("Due {day}, sent {at}.", day=date(2026, 12, 2), at=sent)
    assert render(due, "th") == "Due 2 ธ.ค. 2569, sent 2 ธ.ค. 2569 14:30 น.."
    assert render(due, "en") == "Due Dec 2, 2026, sent Dec 2, 2026, 14:30."
    for language in ("si", "my", "vi", "ar", "fa_AF"):  # each its own digits, Gregorian years
        shown = render(due, language)
        assert "2569" not in shown and "٢٥٦٩" not in shown and "၂၅၆၉" not in shown, shown
    # a leap day in a BE year that is not one by Gregorian arithmetic (2567 = 2024)
    assert render(_("{day}", day=date(2024, 2, 29)), "th") == "29 ก.พ. 2567"
    # the last day of a year: its own year, not the next one's
    new_years_eve = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert render(_("{at}", at=new_years_eve), "th") == "31 ธ.ค. 2569 23:59 น."


def test_a_typed_buddhist_era_year_is_read_as_its_gregorian_one() -> None:
    assert parse_day("2569-12-15") == date(2026, 12, 15) == parse_day("2026-12-15")
    assert parse_day(" 25691215 ") == date(2026, 12, 15)  # ISO's basic form too
    assert parse_day("2567-02-29") == date(2024, 2, 29)  # BE 2567 is the leap year 2024


async def test_thai_reader_sees_buddhist_era_deadlines(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/language th")
    [listing] = await bot.say("th-fp", "/deadline")
    assert "W1 1 ม.ค. 2570 – 31 ม.ค. 2570" in listing and "7 ก.พ. 2570" in listing, listing
    assert "2027" not in listing
    [english] = await bot.say("my-fp", "/deadline")  # another reader: unchanged
    assert "W1 Jan 1, 2027 – Jan 31, 2027: due Feb 7, 2027" in english
    await bot.stop()


async def test_thai_cochair_moves_a_deadline_in_the_buddhist_era(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/language th")
    [moved] = await bot.say("nz-cochair", "/deadline W1 2570-02-20")
    assert "20 ก.พ. 2570" in moved and "2027" not in moved, moved  # echoed in their own form
    assert "now due on Feb 20, 2027" in bot.last("th-fp")  # an English reader: Gregorian
    due = await bot.rows("SELECT due_on FROM period_windows WHERE period = 'JPA-9' AND seq = 1")
    assert due == [("2027-02-20",)]
    audit = await bot.rows("SELECT detail FROM audit WHERE action = 'period.deadline'")
    assert audit == [("2027-02-07 -> 2027-02-20",)]
    [again] = await bot.say("nz-cochair", "/deadline W1 2027-02-20")  # ISO still works
    assert "20 ก.พ. 2570" in again
    await bot.stop()


async def test_thai_cochair_opens_a_period_in_buddhist_era_dates(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=())
    await bot.say("lk-cochair", "/language th")
    asked = await bot.say("lk-cochair", '/period open JPA-5 "Fifth JPA" 2570-03-01 monthly')
    assert "YYYY-MM-DD" in asked[0]  # the last day, asked for; answered in BE too
    [countries] = await bot.say("lk-cochair", "2570-08-31")
    assert "AU ID MY TH" in countries, countries  # the next question: the date was taken
    [summary] = await bot.say("lk-cochair", "AU MY TH")
    assert "1 มี.ค. 2570" in summary and "31 ส.ค. 2570" in summary, summary
    await bot.press("lk-cochair", "/period confirm")
    stored = await bot.rows("SELECT starts_on, ends_on FROM periods WHERE code = 'JPA-5'")
    assert stored == [("2027-03-01", "2027-08-31")]
    await bot.stop()


async def report_file(bot: Harness, person: str, command: str) -> Path:
    before = len(bot.chat.sent)
    await bot.say(person, command)
    [delivered] = [d.message for d in bot.chat.sent[before:] if d.message.attachment]
    assert delivered.attachment is not None
    return Path(delivered.attachment.path)


async def workbook_cells(bot: Harness, person: str, command: str) -> list[str]:
    """Every non-empty cell of the workbook ``command`` sends ``person``, as text."""
    book = load_workbook(await report_file(bot, person, command))
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


async def test_report_files_stay_gregorian_for_a_thai_reader(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/language th")
    await bot.say("nz-cochair", "/deadline W1 2570-02-20")
    [statement] = await bot.say("nz-cochair", "/report JPA-9 th")  # drafted in Thai, for people
    assert "1 ม.ค. 2570" in statement and "20 ก.พ. 2570" in statement, statement
    cells = await workbook_cells(bot, "nz-cochair", "/report xlsx JPA-9")
    assert "W1 (due 2027-02-20)" in cells, cells
    assert not [c for c in cells if "2570" in c or "2569" in c]
    await bot.stop()
