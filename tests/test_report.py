"""Reports: the acceptance test from the first JPA's media statement, entered by chat across
its eight countries; the CLI in every format; the debrief's phrasing rules."""

import asyncio
import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.i18n import number
from bot.periods.configured import PeriodConfig
from bot.reports.debrief import debrief, join_and, phrase, with_article
from bot.reports.figures import ReportData
from tests.harness import SHIPPED_CONFIG
from tests.returns_support import january_report, running

FIRST_JPA = PeriodConfig(
    code="JPA-1",
    name="Joint Period of Action",
    starts_on=date(2015, 9, 28),
    ends_on=date(2015, 10, 28),
    countries=("AU", "ID", "MY", "MV", "NZ", "PH", "LK", "TH"),
    windows="final",
)
# Any split of the statement's totals across the eight countries, typed the ways people do.
# Malaysia first reports 7 arrests and amends them to 2, then to 3 (see enter_first_jpa).
RETURNS = {
    "au-fp": "victims assisted 10, search warrants 1, suspects 8, arrests 4, new investigations"
    " 1, enquiries 10, awareness 9, training sessions 2, officers trained 80",
    "id-fp": "victims: 5; warrants: one; suspects: ten; arrests: six; investigations: two; "
    "enquiries: 12; awareness-raising activities: 10; training: 2; officers: 60",
    "my-fp": "arrests=7, victims=8, suspects=5, investigations=1, enquiries=8, awareness=8, "
    "sessions=1, officers=45",
    "mv-fp": "victims assisted two, suspects three, arrests 0, enquiries five, awareness six, "
    "training one, officers trained twenty",
    "nz-fp": "4 victims, 2 warrants, 7 suspects, 2 arrests, 1 investigations, 9 enquiries, "
    "7 awareness, 2 training, 70 officers",
    "ph-fp": "victims assisted 12, search warrants 1, suspects identified 12, arrests 7, "
    "new investigations 1, enquiries 10, awareness 12, training 1, officers trained 90",
    "lk-fp": "victims 6, suspects six, arrests three, enquiries 6, awareness 6, training 1, "
    "officers forty",
    "th-fp": "victims 12, search warrants 2, suspects 12, arrests 7, investigations 2, "
    "enquiries 10, awareness 10, training 2, officers 80",
}
STATEMENT = (
    "In total, authorities in the eight countries: assisted 59 trafficked persons; executed "
    "seven search warrants and identified 63 suspects; made 32 arrests and launched eight new "
    "investigations; made 70 bilateral and international enquiries; conducted 68 "
    "awareness-raising activities; carried out 12 training sessions and trained 485 officers."
)
COUNTRIES = (
    "law enforcement and immigration agencies from Australia, Indonesia, Malaysia, the "
    "Maldives, New Zealand, the Philippines, Sri Lanka, and Thailand took part"
)


async def enter_first_jpa(tmp_path: Path):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    bot = await running(tmp_path, at=datetime(2015, 10, 30, 3, tzinfo=UTC), periods=(FIRST_JPA,))
    for person, line in RETURNS.items():
        [summary] = await bot.say(person, f"/return {line}")
        assert "Confirm to submit" in summary, (person, summary)
        assert "is submitted" in (await bot.say(person, "/return confirm"))[0]
    # Amendments: the total counts the figure as last amended (7 -> 2 -> 3 gives 32), never
    # the first version (36), every version (41) or the first amendment (31).
    assert "Arrests: 36" in (await bot.say("nz-cochair", "/report JPA-1"))[0]
    await amend_arrests(bot, 2)
    assert "Arrests: 31" in (await bot.say("nz-cochair", "/report JPA-1"))[0]
    await amend_arrests(bot, 3)
    return bot


async def amend_arrests(bot, arrests: int) -> None:  # type: ignore[no-untyped-def]
    """Malaysia amends its arrests figure and confirms."""
    assert "Confirm to submit" in (await bot.say("my-fp", f"/return arrests {arrests}"))[0]
    assert "is amended" in (await bot.say("my-fp", "/return confirm"))[0]


async def test_first_jpa_statement_is_reproduced(tmp_path: Path) -> None:
    bot = await enter_first_jpa(tmp_path)
    [report] = await bot.say("nz-cochair", "/report JPA-1")
    assert STATEMENT in report
    assert (
        "Eight countries participated in the Joint Period of Action (JPA-1), which runs "
        "from 28 September to 28 October 2015." in report
    )
    assert COUNTRIES in report
    assert "Arrests: 32" in report and "Officers trained: 485" in report
    assert "W1 due Nov 4, 2015: 8 in (0 late), 0 draft, 0 missing" in report
    assert "Thailand: Trafficked persons assisted 12, Search warrants executed 2" in report
    assert "not available to you" in (await bot.say("th-fp", "/report JPA-1"))[0]
    await bot.say("lk-cochair", "/period close JPA-1 confirm")
    [closed] = await bot.say("lk-cochair", "/report JPA-1")
    assert "which ran from 28 September to 28 October 2015" in closed and STATEMENT in closed
    await bot.stop()


async def cli(*args: str) -> str:
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["report", "--config", str(SHIPPED_CONFIG), *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


async def test_cli_writes_every_format(tmp_path: Path) -> None:
    bot = await enter_first_jpa(tmp_path)
    await bot.stop()
    db = bot.database
    markdown = await cli("JPA-1", "--database", db)
    assert markdown.startswith("# JPA-1 — Joint Period of Action")
    assert STATEMENT in markdown and "| Arrests | 32 |" in markdown
    assert "| Thailand | submitted |" in markdown

    rows = list(csv.DictReader(io.StringIO(await cli("JPA-1", "-d", db, "--format", "csv"))))
    assert [r["Country"] for r in rows][-1] == "Total" and len(rows) == 9
    assert rows[-1]["Officers trained"] == "485" and rows[-1]["Arrests"] == "32"
    assert next(r for r in rows if r["Code"] == "MY")["Arrests"] == "3"

    body = json.loads(await cli("JPA-1", "-d", db, "--format", "json"))
    totals = {t["metric"]: t["amount"] for t in body["totals"]}
    assert totals["victims_assisted"] == 59 and totals["suspects_identified"] == 63
    assert body["countries"][0]["status"] == {"W1": "submitted"}

    target = tmp_path / "jpa1.xlsx"
    await cli("JPA-1", "-d", db, "--format", "xlsx", "--output", str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["Summary", "By country", "W1 figures", "Status"]
    by_country = list(book["By country"].iter_rows(values_only=True))
    assert by_country[-1][1] == "Total" and 485 in by_country[-1]
    summary = [r[0] for r in book["Summary"].iter_rows(values_only=True)]
    assert STATEMENT in summary

    missing = await asyncio.to_thread(
        CliRunner().invoke, main, ["report", "--config", str(SHIPPED_CONFIG), "-d", db, "JPA-77"]
    )
    assert missing.exit_code != 0 and "no period 'JPA-77'" in missing.output


NAMES = {"TH": "Thailand", "PH": "Philippines", "US": "United States"}


def small_report(sums: dict[tuple[str, str, str], int], countries: tuple[str, ...]) -> ReportData:
    return january_report({c: NAMES[c] for c in countries}, sums)


def test_debrief_phrasing_rules() -> None:
    assert join_and(["A"]) == "A" and join_and(["A", "B"]) == "A and B"
    assert join_and(["A", "B", "C"]) == "A, B, and C"
    assert with_article("Maldives") == "the Maldives" and with_article("Thailand") == "Thailand"
    assert phrase("made {n} {arrest|arrests}", 1, "one") == "made one arrest"
    assert phrase("made {n} {arrest|arrests}", 9, "nine") == "made nine arrests"
    text = debrief(
        small_report(
            {
                ("TH", "arrests", ""): 1,
                ("PH", "new_investigations", ""): 0,
                ("TH", "assets_restrained", "USD"): 2_500_000,
                ("PH", "assets_restrained", "PHP"): 150,
                ("PH", "mla_requests", ""): 2,
                ("TH", "victims_assisted", ""): 0,
            },
            ("TH", "PH", "US"),
        )
    )
    assert text.startswith("Three countries participated")
    assert "from the Philippines, Thailand, and the United States took part" in text
    assert text.endswith(
        "In total, authorities in the two countries that reported: made one arrest; "
        "restrained assets worth PHP 1.50 and USD 25,000; made two mutual legal "
        "assistance requests."
    )
    assert "investigations" not in text and "assisted" not in text  # zero is left out


def test_debrief_with_nothing_reported_and_one_country() -> None:
    assert debrief(small_report({}, ("TH",))).endswith("No results have been reported yet.")
    one = debrief(small_report({("TH", "suspects_identified", ""): 10}, ("TH",)))
    assert "One country participated" in one
    assert one.endswith("In total, authorities in Thailand: identified 10 suspects.")


SMALL_JPA = PeriodConfig(
    code="JPA-9",
    name="Joint Period of Action",
    starts_on=date(2027, 1, 1),
    ends_on=date(2027, 3, 31),
    countries=("MY", "PH", "TH", "US"),
    windows="monthly",
)


async def enter_small_jpa(tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    """Thailand and the Philippines report figures and money, the United States reports zeros,
    Malaysia reports nothing; all in the first window."""
    from datetime import UTC, datetime

    bot = await running(
        tmp_path, at=datetime(2027, 2, 1, 3, tzinfo=UTC), periods=(SMALL_JPA,), **overrides
    )
    lines = {
        "th-fp": "victims 12, arrests 7, assets restrained THB 100,000",
        "ph-fp": "victims 3, arrests 2, assets restrained PHP 50,000",
        "us-fp": "victims 0, arrests 0",
    }
    for person, line in lines.items():
        [summary] = await bot.say(person, f"/return {line}")
        assert "Confirm to submit" in summary, (person, summary)
        assert "is submitted" in (await bot.say(person, "/return confirm"))[0]
    return bot


async def test_chat_report_counts_only_reporters_and_tells_zero_from_missing(
    tmp_path: Path,
) -> None:
    bot = await enter_small_jpa(tmp_path)
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "In total, authorities in the three countries that reported: assisted 15" in report
    assert "Malaysia: no return yet" in report
    assert "United States: all figures given zero; 13 left blank" in report
    assert (
        "Thailand: Trafficked persons assisted 12, Arrests 7, Assets restrained THB 100,000;"
        " 12 left blank" in report
    )
    assert "victims_assisted" not in report and "(s)" not in report
    assert "all in" not in report  # no rates configured: nothing converted
    await bot.stop()


async def test_chat_report_by_country_tells_a_zero_from_a_figure_left_blank(
    tmp_path: Path,
) -> None:
    """A zero among figures and zeros alone: the line said nothing of zeros and blanks, so
    a country that left a figure out read as one that had none of it."""
    from datetime import UTC, datetime

    bot = await running(tmp_path, at=datetime(2027, 2, 1, 3, tzinfo=UTC), periods=(SMALL_JPA,))
    every = ", ".join(f"{m} 0" for m in ("convicted", "rescued", "victims", "arrests"))
    lines = {
        "th-fp": "victims 0, arrests 4",
        "us-fp": every,
    }
    for person, line in lines.items():
        assert "Confirm to submit" in (await bot.say(person, f"/return {line}"))[0]
        assert "is submitted" in (await bot.say(person, "/return confirm"))[0]
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "Thailand: Arrests 4; 1 more at zero, 13 left blank" in report
    assert "United States: all figures given zero; 11 left blank" in report
    await bot.stop()


def test_chat_report_names_a_return_of_notes_alone_as_giving_no_figures() -> None:
    from bot.reports.render import to_chat

    data = january_report(NAMES, {}, {("PH", "notes"): ("figures next week",)}, submitted=True)
    assert "Philippines: no figures given" in to_chat(data).render("en")


async def test_chat_report_before_any_return_shows_no_column_of_zeros(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    bot = await running(tmp_path, at=datetime(2027, 2, 1, 3, tzinfo=UTC), periods=(SMALL_JPA,))
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "No results have been reported yet." in report
    assert "Totals:" not in report and "Arrests: 0" not in report
    assert "Malaysia: no return yet" in report and "Returns:" in report
    await bot.say("us-fp", "/return victims 0, arrests 0")
    await bot.say("us-fp", "/return confirm")
    [zeros] = await bot.say("nz-cochair", "/report JPA-9")
    assert "Totals:\n" in zeros and "  Arrests: 0" in zeros  # reported zeros are results
    await bot.stop()


async def test_money_totalled_at_configured_rates_which_are_stated(tmp_path: Path) -> None:
    from bot.config import Rate, ReportSettings

    rates = ReportSettings(
        currency="USD",
        rates={
            "THB": Rate(rate=0.028, date=date(2027, 1, 8)),
            "PHP": Rate(rate=0.018, date=date(2027, 1, 8)),
        },
    )
    bot = await enter_small_jpa(tmp_path, reports=rates)
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert (
        "Assets restrained (PHP): 50,000" in report and "Assets restrained (THB): 100,000" in report
    )
    assert (
        "Assets restrained (all in USD): 3,700 at PHP 1 = USD 0.018 (Jan 8, 2027), "
        "THB 1 = USD 0.028 (Jan 8, 2027)"
    ) in report
    await bot.stop()


async def report_file(bot, command: str):  # type: ignore[no-untyped-def]
    """Ask for a report file as a co-chair on the console; the delivered message's file."""
    before = len(bot.chat.sent)
    [caption] = await bot.say("nz-cochair", command)
    [delivered] = [d.message for d in bot.chat.sent[before:]]
    assert delivered.text == caption and delivered.attachment is not None, delivered
    return delivered.attachment


async def test_xlsx_is_a_workbook_to_hand_over(tmp_path: Path) -> None:
    from openpyxl.styles import PatternFill  # noqa: F401  (fills compared by colour)

    bot = await enter_small_jpa(tmp_path)
    attachment = await report_file(bot, "/report xlsx JPA-9")
    assert attachment.filename.endswith(".xlsx") and not attachment.photo
    book = load_workbook(attachment.path)
    windows = [f"W{n} figures" for n in range(1, 4)]
    assert book.sheetnames == ["Summary", "By country", *windows, "Status"]

    by_country = book["By country"]
    assert by_country.freeze_panes == "A2" and by_country["A1"].font.bold
    assert by_country.auto_filter.ref.startswith("A1:")
    head = [c.value for c in by_country[1]]
    arrests = head.index("Arrests") + 1
    thb = head.index("Assets restrained (THB)") + 1
    rows = {r[1].value: r for r in by_country.iter_rows(min_row=2)}
    assert rows["Thailand"][arrests - 1].value == 7
    assert rows["Thailand"][arrests - 1].number_format == "#,##0"
    assert rows["Thailand"][thb - 1].value == 100000
    assert rows["Thailand"][thb - 1].number_format == '"THB "#,##0.00'
    assert rows["Malaysia"][arrests - 1].value is None  # missing, not zero
    assert rows["United States"][arrests - 1].value == 0
    assert rows["Total"][arrests - 1].value == 9 and rows["Total"][1].font.bold
    assert rows["Total"][arrests - 1].font.bold and rows["Total"][thb - 1].font.bold
    assert rows["Total"][arrests - 1].number_format == "#,##0"
    assert rows["Total"][thb - 1].number_format == '"THB "#,##0.00'
    assert not rows["Thailand"][arrests - 1].font.bold
    assert by_country.column_dimensions["B"].width == 24

    w1 = {r[1]: r for r in book["W1 figures"].iter_rows(min_row=2, values_only=True)}
    w2 = {r[1]: r for r in book["W2 figures"].iter_rows(min_row=2, values_only=True)}
    assert w1["Thailand"][arrests - 1] == 7 and w2["Thailand"][arrests - 1] is None
    w1_thailand = next(r for r in book["W1 figures"].iter_rows() if r[1].value == "Thailand")
    assert w1_thailand[thb - 1].number_format == '"THB "#,##0.00'
    assert "Notes" in head  # a window's sheet has no column for texts (not kept per window)
    w1_head = [("Return" if h == "Returns in" else h) for h in head if h != "Notes"]
    assert [c.value for c in book["W1 figures"][1]] == w1_head
    assert w1["Thailand"][2] == "submitted" and w2["Thailand"][2] == "not due"  # that window's
    assert rows["Thailand"][2].value == "1 of 3"  # the period's count, on By country only
    w1_arrests = [r[arrests - 1] for r in w1.values() if r[1] != "W1: Total"]
    assert w1["W1: Total"][arrests - 1] == sum(a for a in w1_arrests if a is not None) == 9
    w1_total = next(r for r in book["W1 figures"].iter_rows() if r[1].value == "W1: Total")
    assert w1_total[arrests - 1].font.bold and w1_total[1].font.bold
    assert w1_total[arrests - 1].number_format == "#,##0"

    status = book["Status"]
    colours = {r[0].value: r[1].fill.fgColor.rgb for r in status.iter_rows(min_row=2)}
    assert colours["Thailand"].endswith("C6EFCE")
    assert colours["Malaysia"].endswith("F2F2F2")  # W1 is due on 7 February: not missing yet
    assert status.freeze_panes == "A2" and status.auto_filter.ref

    summary = book["Summary"]
    debrief_cell = next(
        c for c in summary["A"] if isinstance(c.value, str) and c.value.startswith("In total")
    )
    assert debrief_cell.alignment.wrap_text
    [chart] = summary._charts
    assert chart.title is not None
    await bot.stop()


async def test_chart_is_a_png_with_something_drawn(tmp_path: Path) -> None:
    from matplotlib import image

    bot = await enter_small_jpa(tmp_path)
    attachment = await report_file(bot, "/report chart JPA-9")
    assert attachment.photo and attachment.mime == "image/png"
    pixels = image.imread(attachment.path)
    assert pixels.shape[0] >= 600 and pixels.shape[1] >= 800
    assert pixels[..., :3].std() > 0.05  # not one flat colour
    assert len({tuple(p) for p in pixels[::20, ::20, :3].reshape(-1, 3).tolist()}) > 5
    assert "/report chart JPA-9" in (await bot.say("nz-cochair", "/report JPA-9"))[0]
    [refused] = await bot.say("nz-cochair", "/report chart JPA-9 JPA-1")
    assert "one period at most" in refused
    await chart_tells_zero_from_no_return(bot)
    await bot.stop()


async def chart_tells_zero_from_no_return(bot) -> None:  # type: ignore[no-untyped-def]
    """In the small JPA's chart the United States' zeros read 0; Malaysia, with nothing in,
    is marked where its bar would be."""
    from bot.reports.chart import NO_RETURN, draw
    from bot.reports.figures import load_report
    from tests.test_report_chart import bars, marks, numbers, panels

    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    shown = panels(await asyncio.to_thread(draw, data))
    assert list(shown) == ["Trafficked persons assisted (total 15)", "Arrests (total 9)"]
    arrests = shown["Arrests (total 9)"]
    assert bars(arrests) == {"Philippines": 2, "Thailand": 7, "United States": 0}
    assert numbers(arrests) == ["2", "7", "0"]
    assert all(marks(a) == {"Malaysia": NO_RETURN} for a in shown.values())


async def test_a_figure_left_blank_is_charted_as_not_reported_not_as_zero(tmp_path: Path) -> None:
    """The Philippines leave persons convicted and victims rescued blank: the chart drew them
    as 0 under each panel, where the other formats leave them blank. A zero reported still
    reads 0, and the chart's bars are what the CSV gives."""
    from datetime import UTC, datetime

    from bot.reports.chart import NO_RETURN, draw
    from bot.reports.figures import load_report
    from bot.reports.render import NOT_REPORTED, to_csv
    from tests.test_report_chart import bars, marks, panels, written

    bot = await running(tmp_path, at=datetime(2027, 2, 1, 3, tzinfo=UTC), periods=(SMALL_JPA,))
    lines = {
        "th-fp": "convicted 12, rescued 5, victims 4, arrests 7",
        "ph-fp": "arrests 1,200, victims 3",
        "us-fp": "convicted 0, rescued 0, victims 0, arrests 0",
    }
    for person, line in lines.items():
        assert "Confirm to submit" in (await bot.say(person, f"/return {line}"))[0]
        assert "is submitted" in (await bot.say(person, "/return confirm"))[0]
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    await bot.stop()
    shown = panels(await asyncio.to_thread(draw, data))
    convicted = shown["Persons convicted (total 12)"]
    rescued = shown["Trafficked persons rescued (total 5)"]
    for panel in (convicted, rescued):
        assert written(panel)["Philippines"] == NOT_REPORTED and "Philippines" not in bars(panel)
        assert written(panel)["United States"] == "0" and marks(panel) == {"Malaysia": NO_RETURN}
    assert written(shown["Arrests (total 1,207)"])["Philippines"] == "1,200"
    by_country = {row["Code"]: row for row in csv.DictReader(io.StringIO(to_csv(data)))}
    assert (
        by_country["PH"]["Persons convicted"] == "" and by_country["US"]["Persons convicted"] == "0"
    )


async def test_statement_drafted_in_another_language_for_national_use(tmp_path: Path) -> None:
    bot = await enter_first_jpa(tmp_path)
    [english] = await bot.say("nz-cochair", "/report JPA-1")
    assert STATEMENT in english  # the group's statement stays English by default
    [indonesian] = await bot.say("nz-cochair", "/report JPA-1 id")
    assert "Draft debrief statement, in Indonesian (Indonesia):" in indonesian
    # numbers under ten spelled in the language, countries as it names and lists them (CLDR),
    # dates in its own style; the figures keep their configured labels
    statement = indonesian.split("Draft debrief statement, in Indonesian (Indonesia):", 1)[1]
    assert re.search(r"\b[Dd]elapan\b", statement), statement  # 8, spelled in Indonesian
    assert "Maladewa, Selandia Baru, Filipina, Sri Lanka, dan Thailand" in statement
    assert "28 Sep 2015" in statement and "28 Okt 2015" in statement
    assert "countries participated" not in statement  # the sentences from the catalog
    assert "32" in statement and STATEMENT not in indonesian
    [bengali] = await bot.say("nz-cochair", "/report JPA-1 bn")
    assert "আট" in bengali.split("Draft debrief statement", 1)[1]  # 8 in Bengali words
    [unknown] = await bot.say("nz-cochair", "/report JPA-1 xx")
    assert "I don't know the language xx. Available: en (English)" in unknown
    assert "th (ไทย)" in unknown
    [files] = await bot.say("nz-cochair", "/report xlsx JPA-1 th")
    assert "Report files are in English" in files
    await bot.stop()


def test_numbers_spelled_only_where_num2words_knows_the_language() -> None:
    from bot.reports.debrief import spelled

    assert spelled(7, "th") == "เจ็ด" and spelled(7, "fa_AF") == "هفت"
    assert spelled(7, "fil") == 7  # not Finnish, which num2words would guess from "fi"
    assert spelled(12, "th") == 12  # ten and over stay numbers (formatted per language)


async def test_thai_statement_runs_spelled_numbers_into_their_words(tmp_path: Path) -> None:
    bot = await enter_first_jpa(tmp_path)
    [thai] = await bot.say("nz-cochair", "/report JPA-1 th")
    statement = thai.split("Draft debrief statement", 1)[1].split("Totals")[0]
    assert "มีแปดประเทศ" in statement and "ของแปดประเทศ" in statement  # no spaces in Thai
    # its Thai label, in a list digits; with suspects, of its group, as Thai lists two things
    assert "หมายค้นที่ดำเนินการ: 7และผู้ต้องสงสัยที่ระบุตัวได้: 63;" in statement
    await bot.stop()


# A note as an attacker would write it, in the guided /return (which takes several lines).
HOSTILE_NOTE = (
    "ok\n| injected | row |\n## Fake heading <script>alert(1)</script>\n"
    "<img src=x onerror=alert(1)> [click](javascript:alert(1)) *a*_b_`c` a\\|b"
)
HOSTILE_NAME = "<b>bad</b> [x](javascript:alert(1))"


async def guided_return(bot, person: str, note: str) -> str:  # type: ignore[no-untyped-def]
    """Answer the guided /return: ``note`` for the notes, 3 for required figures, Skip for the
    rest; confirm it."""
    [question] = await bot.say(person, "/return")
    for _ in range(20):
        buttons = {b.label: b.command for b in bot.chat.sent[-1].message.buttons}
        if "Confirm" in buttons:
            [done] = await bot.press(person, buttons["Confirm"])
            return str(done)
        if "Notes?" in question:
            [question] = await bot.say(person, note)
        elif "Skip" in buttons:
            [question] = await bot.press(person, buttons["Skip"])
        else:
            [question] = await bot.say(person, "3")
    raise AssertionError("the form never ended")


def unescaped_pipes(line: str) -> int:
    """Column separators in a Markdown table row: pipes after an even run of backslashes."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


async def test_markdown_report_shows_peoples_text_as_text_never_markup(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    bot = await running(tmp_path, at=datetime(2027, 2, 1, 3, tzinfo=UTC), periods=())
    line = f'/period open JPA-7 "{HOSTILE_NAME}" 2027-01-01 2027-03-31 monthly TH MY'
    assert "Open JPA-7" in (await bot.say("nz-cochair", line))[0]
    assert "JPA-7 is open" in (await bot.press("nz-cochair", "/period confirm"))[0]
    assert "is submitted" in await guided_return(bot, "th-fp", HOSTILE_NOTE)
    [chat] = await bot.say("nz-cochair", "/report JPA-7")
    assert f"JPA-7 — {HOSTILE_NAME}" in chat  # chat text is escaped per platform, not here
    await bot.stop()
    markdown = await cli("JPA-7", "-d", bot.database)

    name = r"&lt;b&gt;bad&lt;/b&gt; \[x\](javascript:alert(1))"
    assert markdown.startswith(f"# JPA-7 — {name}\n")
    assert f"participated in the {name} (JPA-7)" in markdown
    headings = [h for h in markdown.splitlines() if h.startswith("#")]
    assert headings[1:] == [
        "## Draft debrief statement",
        "## Totals",
        "## By country",
        "## Submission status",
    ]
    assert "<" not in markdown.replace("<br>", "")  # no HTML of anyone's
    assert re.search(r"(?<!\\)\]\(", markdown) is None  # no link
    note = (
        r"ok<br>\| injected \| row \|<br>## Fake heading &lt;script&gt;alert(1)&lt;/script&gt;"
        r"<br>&lt;img src=x onerror=alert(1)&gt; \[click\](javascript:alert(1)) "
        r"\*a\*\_b\_\`c\` a\\\|b"
    )
    table = markdown.split("## By country\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    [thailand] = [row for row in table if row.startswith("| TH |")]
    assert thailand.endswith(f"| {note} |"), thailand
    assert len(table) == 5  # head, rule, Malaysia, Thailand, total: the note added no row
    assert {unescaped_pipes(row) for row in table} == {unescaped_pipes(table[0])}


async def test_csv_writes_a_note_as_it_was_written(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.spreadsheet_safety import from_csv_cell

    bot = await running(tmp_path, at=datetime(2015, 10, 30, 3, tzinfo=UTC), periods=(FIRST_JPA,))
    line = "/return arrests 3, victims assisted 2, notes: -1,2"
    assert "Notes: -1,2" in (await bot.say("th-fp", line))[0]
    assert "is submitted" in (await bot.say("th-fp", "/return confirm"))[0]
    await bot.stop()
    rows = csv.DictReader(io.StringIO(await cli("JPA-1", "-d", bot.database, "--format", "csv")))
    thailand = next(r for r in rows if r["Code"] == "TH")
    assert thailand["Notes"] == "'-1,2"  # text, as written (quoted: it starts like a formula)
    assert from_csv_cell(thailand["Notes"]) == "-1,2" and thailand["Arrests"] == "3"


async def test_a_thai_cochair_reads_the_chat_report_with_thai_labels_and_names(
    tmp_path: Path,
) -> None:
    bot = await enter_first_jpa(tmp_path)
    await bot.say("nz-cochair", "/language th")
    [report] = await bot.say("nz-cochair", "/report JPA-1")
    lines = report.splitlines()
    assert "  การจับกุม: 32" in lines, report  # a total under its Thai label
    assert any(line.startswith("  มาเลเซีย: ") for line in lines), report  # by country
    assert not any(line.startswith(("  Arrests", "  Malaysia")) for line in lines), report
    await bot.stop()


async def test_a_figure_no_return_gave_has_no_total_of_zero(tmp_path: Path) -> None:
    """Totals listed "Persons convicted: 0" when no country had reported it at all: a result
    nobody gave. A zero someone reported is still a zero."""
    from bot.reports.figures import load_report
    from bot.reports.render import to_markdown

    bot = await enter_small_jpa(tmp_path)  # assisted and arrests reported (the US: zeros)
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    totals = report.split("Totals:", 1)[1].split("Returns:", 1)[0]
    assert "  Arrests: 9" in totals and "Persons convicted: 0" not in totals, totals
    assert "  Not reported by any country: Persons convicted, Trafficked persons rescued" in (
        totals
    ), totals
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    markdown = to_markdown(data)
    assert "| Persons convicted | — |" in markdown and "| Arrests | 9 |" in markdown
    await bot.stop()


async def test_a_markdown_report_before_any_return_lists_no_zero_totals(tmp_path: Path) -> None:
    from bot.reports.figures import load_report
    from bot.reports.render import to_markdown

    bot = await running(tmp_path)  # JPA-9 open, nothing filed
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-9"))
    totals = to_markdown(data).split("## Totals", 1)[1].split("##", 1)[0]
    assert totals.strip() == "No returns yet.", totals  # not a column of zeros
    await bot.stop()


async def test_the_chart_keeps_each_figure_apart_and_says_when_nothing_is_in(
    tmp_path: Path,
) -> None:
    from bot.reports.chart import counts_by_metric, draw
    from bot.reports.figures import load_report
    from tests.test_report_chart import bars, notes, panels

    bot = await enter_first_jpa(tmp_path)
    assert bot.app is not None
    data = await bot.app.store.run(lambda db: load_report(db, "JPA-1"))
    stacks = dict(counts_by_metric(data))  # each figure apart, never one mixed total
    assert sum(stacks["Arrests"]) == 32 and sum(stacks["Trafficked persons assisted"]) == 59
    assert stacks["New investigations launched"].count(None) == 2  # left blank: not a 0
    await bot.stop()
    figure = await asyncio.to_thread(draw, data)
    shown = panels(figure)  # one panel per figure, on its own scale
    assert "Arrests (total 32)" in shown and "Officers trained (total 485)" in shown
    for label, values in stacks.items():
        own = {
            data.names[c]: v for c, v in zip(data.countries, values, strict=True) if v is not None
        }
        panel = next((a for t, a in shown.items() if t.startswith(f"{label} (total")), None)
        assert panel is None or bars(panel) == own  # each country's own figure, nothing added
    assert len(shown) == 8 and len(stacks) == 9  # the smallest total, 7 warrants, is left out
    assert not any(title.startswith("Search warrants") for title in shown)
    assert notes(figure) == [
        "1 more figure, with a smaller total, is in the workbook: /report xlsx JPA-1"
    ]
    (tmp_path / "empty").mkdir()
    empty = await running(tmp_path / "empty")  # JPA-9, nothing filed: still a picture
    attachment = await report_file(empty, "/report chart JPA-9")
    assert attachment.photo and attachment.mime == "image/png"
    await empty.stop()


async def test_money_in_a_translated_statement_is_written_as_chat_writes_it(
    tmp_path: Path,
) -> None:
    """One way to write money everywhere: the currency's code, not a symbol (the Thai statement
    wrote ``฿100,000.00`` where `/return show` writes ``THB 100,000``; ``$`` is a dollar of
    several member countries), and cents only when there are some."""
    bot = await enter_small_jpa(tmp_path)
    [thai] = await bot.say("nz-cochair", "/report JPA-9 th")
    statement = thai.split("Draft debrief statement", 1)[1]
    assert "THB 100,000" in statement and "PHP 50,000" in statement, statement
    assert "฿" not in statement and "100,000.00" not in statement
    [shown] = await bot.say("th-fp", "/return show")
    assert "THB 100,000" in shown
    [report] = await bot.say("nz-cochair", "/report JPA-9")
    assert "Assets restrained THB 100,000" in report  # it said "Assets restrained 100,000 THB"
    await bot.say("nz-cochair", "/language bn")
    [bengali] = await bot.say("nz-cochair", "/report JPA-9")
    lakh = number(100_000, "bn")  # ১,০০,০০০: Bengali digits and grouping, as counts have
    assert f"THB {lakh}" in bengali and f"(THB): {lakh}" in bengali, bengali
    assert "THB 100,000" not in bengali.split("\n\n", 3)[3]  # after the English statement
    await bot.stop()
