"""Joint outcomes counted once (with discrepancies the co-chairs resolve in chat) and national
sign-off (a deputy's return counts once the focal point approves it), through the dispatch."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.harness import Harness
from tests.returns_support import PERIOD, running
from tests.test_audit_state import cli as bot_cli
from tests.test_report import cli as report_cli

JOINT = "joint with {partner} op:SONGKHLA-3"


async def submit(bot: Harness, person: str, line: str) -> None:
    [summary] = await bot.say(person, f"/return {line}")
    assert "Confirm to submit" in summary, summary
    assert "is submitted" in (await bot.say(person, "/return confirm"))[0]


async def report(bot: Harness) -> str:
    return (await bot.say("nz-cochair", "/report JPA-9"))[0]


async def test_joint_outcome_reported_by_both_is_counted_once(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await submit(bot, "th-fp", f"arrests 4 {JOINT.format(partner='MY')}, victims 2")
    await submit(bot, "my-fp", f"arrests 4 {JOINT.format(partner='TH')}, victims 1")
    text = await report(bot)
    assert "  Arrests: 4\n" in text and "  Trafficked persons assisted: 3\n" in text
    assert "Malaysia: " in text and "Thailand: " in text
    assert text.count("Arrests 4") == 2  # shown under both countries
    assert "op:SONGKHLA-3 Arrests: MY 4; TH 4 → 4 (agreed)" in text
    assert "To resolve" not in text
    [shown] = await bot.say("th-fp", "/return show")
    assert "Arrests: 4 joint with MY op:SONGKHLA-3" in shown
    await bot.stop()


async def test_joint_outcome_reported_by_one_only_is_a_discrepancy(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await submit(bot, "th-fp", f"arrests 4 {JOINT.format(partner='MY')}, victims 0")
    await submit(bot, "my-fp", "arrests 3, victims 1")
    text = await report(bot)
    assert "  Arrests: 7\n" in text
    assert "MY —; TH 4 → 4 (DISCREPANCY: MY did not report op:SONGKHLA-3)" in text
    assert "To resolve: /joint OP" in text
    [resolved] = await bot.say("lk-cochair", "/joint SONGKHLA-3 arrests 4")
    assert "op:SONGKHLA-3 in JPA-9 is resolved: Arrests 4" in resolved
    text = await report(bot)
    assert "(resolved by the co-chairs)" in text and "To resolve" not in text
    await bot.stop()


async def test_joint_figures_that_differ_are_shown_and_resolved_in_chat(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await submit(bot, "th-fp", f"arrests 4 {JOINT.format(partner='MY')}, victims 2")
    await submit(bot, "my-fp", "arrests: 6 op:songkhla-3 joint with th, victims 1")
    text = await report(bot)
    assert "  Arrests: 6\n" in text  # counted once (the larger) until resolved
    assert "DISCREPANCY: different figures (MY 6, TH 4)" in text
    assert "not available to you" in (await bot.say("th-fp", "/joint SONGKHLA-3 accept TH"))[0]
    [wrong] = await bot.say("nz-cochair", "/joint NOPE-1 arrests 4")
    assert "No return of JPA-9 names the joint operation op:NOPE-1" in wrong
    [nobody] = await bot.say("nz-cochair", "/joint SONGKHLA-3 accept AU")
    assert "AU reported no figure for this operation; MY, TH did." in nobody
    assert await bot.rows("SELECT COUNT(*) FROM joint_resolutions") == [(0,)]
    [accepted] = await bot.say("nz-cochair", "/joint SONGKHLA-3 accept TH")
    assert "resolved: Arrests 4" in accepted
    text = await report(bot)
    assert "  Arrests: 4\n" in text and "Malaysia: Trafficked persons assisted 1, Arrests 6" in text
    audited = await bot.rows(
        "SELECT actor, subject, detail FROM audit WHERE action = 'joint.resolved' ORDER BY id"
    )
    assert audited == [("nz-cochair", "JPA-9:SONGKHLA-3:arrests:W1", "4 (MY 6, TH 4)")]
    await bot.stop()
    target = tmp_path / "jpa9.xlsx"
    await report_cli("JPA-9", "-d", bot.database, "--format", "xlsx", "--output", str(target))
    book = load_workbook(target)
    rows = list(book["Joint operations"].iter_rows(values_only=True))
    assert rows[-1] == (
        "op:SONGKHLA-3",
        "W1",
        "Arrests",
        "MY 6; TH 4",
        4,
        "resolved by the co-chairs",
    )
    by_country = list(book["By country"].iter_rows(values_only=True))
    head = next(r for r in by_country if "Arrests" in r)
    assert by_country[-2][1] == "Total" and by_country[-2][head.index("Arrests")] == 4


async def test_xlsx_marks_an_unresolved_discrepancy(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await submit(bot, "th-fp", f"arrests 4 {JOINT.format(partner='MY')}, victims 0")
    await submit(bot, "my-fp", f"arrests 5 {JOINT.format(partner='TH')}, victims 0")
    await bot.stop()
    target = tmp_path / "jpa9.xlsx"
    await report_cli("JPA-9", "-d", bot.database, "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target)["Joint operations"]
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[3:] == ("MY 5; TH 4", 5, "DISCREPANCY: different figures (MY 5, TH 4)")
    assert sheet.cell(sheet.max_row, 6).fill.fgColor.rgb.endswith("FFC7CE")


async def test_joint_input_mistakes_save_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [own] = await bot.say("th-fp", "/return arrests 4 joint with TH op:X-1")
    assert "the partner must be another country" in own
    [half] = await bot.say("th-fp", "/return arests 4, victims 2 joint with MY")
    assert "the closest figure is 'arrests'." in half and "needs the operation (op:X)" in half
    [unknown] = await bot.say("th-fp", "/return arrests 4 joint with ZZ op:X-1")
    assert "I don't know the country ZZ" in unknown
    [outside] = await bot.say("th-fp", "/return arrests 4 joint with AE op:X-1")  # not in JPA-9
    assert "United Arab Emirates does not take part in JPA-9, so it cannot report" in outside
    assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
    # the guided form takes a joint answer too
    await bot.say("th-fp", "/return")
    await bot.say("th-fp", "2 joint with MY op:X-1")
    [draft] = await bot.rows("SELECT answers FROM return_drafts")
    assert '"X-1", "MY"' in draft[0]
    await bot.stop()


SIGNOFF = PERIOD.model_copy(update={"signoff": True})


async def test_national_signoff(tmp_path: Path) -> None:
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("th-deputy", "/return arrests 5, victims 1")
    [sent] = await bot.say("th-deputy", "/return confirm")
    assert "counts once the national focal point approves it" in sent
    assert any("approves it. By " in m for m in bot.inbox("th-fp"))
    [status] = await bot.say("nz-cochair", "/status")
    assert "Thailand — awaiting national sign-off" in status
    assert "1 awaiting national sign-off" in status
    assert "Thailand: no return counted yet; 1 awaits national sign-off" in await report(bot)
    assert "not available to you" in (await bot.say("th-deputy", "/return approve"))[0]
    [approved] = await bot.press("th-fp", "/return JPA-9 W1 approve")
    assert "is signed off by" in approved and "now counts" in approved
    assert "  Arrests: 5\n" in await report(bot)
    assert "Thailand — submitted" in (await bot.say("nz-cochair", "/status"))[0]
    [again] = await bot.say("th-fp", "/return approve")
    assert "awaits your sign-off" in again
    [(actor, at)] = await bot.rows(
        "SELECT actor, at FROM audit WHERE action = 'return.signed_off' ORDER BY id"
    )
    assert actor == "th-fp" and at
    # a focal point's own return needs no second approval
    await submit(bot, "my-fp", "arrests 2, victims 1")
    assert "  Arrests: 7\n" in await report(bot)
    [(signer,)] = await bot.rows("SELECT signed_off_by FROM returns WHERE country = 'TH'")
    assert signer == "th-fp"
    await bot.stop()
    result = await bot_cli(tmp_path / "bot.db", "audit", "verify")
    assert result.exit_code == 0, result.output


async def test_a_cochair_opens_a_period_with_national_signoff(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [summary] = await bot.say(
        "nz-cochair", '/period open JPA-7 "Seventh" 2027-02-01 2027-02-28 final TH MY signoff'
    )
    assert "National sign-off: a deputy's return counts once the focal point approves" in summary
    await bot.say("nz-cochair", "/period confirm")
    assert await bot.rows("SELECT period, set_by FROM period_signoff") == [("JPA-7", "nz-cochair")]
    await bot.stop()


async def test_an_amendment_awaiting_signoff_leaves_the_approved_figures_counting(
    tmp_path: Path,
) -> None:
    """A deputy amended an approved return: the report said "Thailand: no return yet" and its
    approved figures left every total until the focal point approved again."""
    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("th-deputy", "/return arrests 5, victims 1")
    await bot.say("th-deputy", "/return confirm")
    await bot.press("th-fp", "/return JPA-9 W1 approve")
    await bot.say("th-deputy", "/return arrests 9")
    assert "counts once" in (await bot.say("th-deputy", "/return confirm"))[0]
    text = await report(bot)
    assert "Thailand: no return yet" not in text
    assert "  Arrests: 5\n" in text, text  # the approved figure, not the amendment's 9
    md = await report_cli("JPA-9", "-d", bot.database, "--format", "md")
    assert "| Arrests | 5 |" in md, md
    await bot.say("th-deputy", "/return arrests 11")  # a second amendment, still awaiting
    await bot.say("th-deputy", "/return confirm")
    assert "  Arrests: 5\n" in await report(bot)
    [approved] = await bot.press("th-fp", "/return JPA-9 W1 approve")
    assert "now counts" in approved
    assert "  Arrests: 11\n" in await report(bot)
    assert await bot.rows("SELECT COUNT(*) FROM return_counted") == [(0,)]
    await bot.stop()
    result = await bot_cli(tmp_path / "bot.db", "audit", "verify")
    assert result.exit_code == 0, result.output


async def test_status_dates_an_awaiting_amendment_when_it_was_sent(tmp_path: Path) -> None:
    """ "awaiting national sign-off (sent Dec 2)" of a version sent on Dec 8."""
    from datetime import timedelta

    bot = await running(tmp_path, periods=(SIGNOFF,))
    await bot.say("th-deputy", "/return arrests 5, victims 1")
    await bot.say("th-deputy", "/return confirm")
    await bot.press("th-fp", "/return JPA-9 W1 approve")
    await bot.advance(timedelta(days=2))
    await bot.say("th-deputy", "/return arrests 9")
    await bot.say("th-deputy", "/return confirm")
    [status] = await bot.say("nz-cochair", "/status")
    line = next(line for line in status.splitlines() if line.startswith("• Thailand"))
    assert line.startswith("• Thailand — submitted Jan 20, 2027"), line  # the approved one counts
    assert "an amendment awaits national sign-off (sent Jan 22, 2027" in line, line
    assert "amended" not in line, line
    await bot.stop()
