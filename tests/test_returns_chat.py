"""Returns by chat, end to end: one line and guided, confirm, amend with history, late,
drafts across a restart, who may see what, and bad input that saves nothing."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import SORRY
from bot.config import Rate, ReportSettings
from bot.i18n import render
from bot.returns.form import BUTTONS
from tests.harness import Harness
from tests.returns_support import counts, move_to, restart, running

THAI = re.compile("[\u0e00-\u0e7f]")

ISSUE_LINE = "/return arrests 10, victims assisted 6, search warrants: 5"


def buttons(bot: Harness) -> list[tuple[str, str]]:
    return [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]


async def test_one_line_then_confirm(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [summary] = await bot.say("th-fp", ISSUE_LINE)
    assert summary.startswith("Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027")
    assert "Arrests: 10" in summary and "Trafficked persons assisted: 6" in summary
    assert "Search warrants executed: 5" in summary and "Persons convicted:" not in summary
    blank = "\nLeft blank: Persons convicted, Trafficked persons rescued, Suspects identified, "
    assert blank in summary
    assert ("Confirm", "/return JPA-9 W1 confirm 2") in buttons(bot)  # the revision shown
    assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]  # not before confirming

    [done] = await bot.press("th-fp", "/return JPA-9 W1 confirm 2")
    assert (
        "The return of Thailand for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027) is submitted." in done
    )
    values = await bot.rows("SELECT metric, amount FROM return_values ORDER BY metric")
    assert values == [("arrests", 10), ("search_warrants", 5), ("victims_assisted", 6)]
    assert await bot.rows("SELECT COUNT(*) FROM return_value_history") == [(3,)]
    assert await bot.rows("SELECT late, submitted_by FROM returns") == [(0, "th-fp")]
    assert "submitted. By Niran Example" in bot.last("th-deputy")
    assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
    await bot.stop()


async def test_required_figures_are_asked_for_before_confirming(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [summary] = await bot.say("au-fp", "/return search warrants 2")
    assert "Still needed: Trafficked persons assisted, Arrests" in summary
    assert "Confirm" not in [label for label, _ in buttons(bot)]
    refused = await bot.say("au-fp", "/return confirm")
    assert "Still needed before submitting" in refused[0]
    [summary] = await bot.say("au-fp", "/return victims 0, arrests nil")
    assert "Search warrants executed: 2" in summary and "Confirm to submit" in summary
    assert "is submitted" in (await bot.say("au-fp", "/return confirm"))[0]
    await bot.stop()


async def answer_all(bot: Harness, person: str) -> str:
    """Answer the rest of the guided form: 3 for required figures, Skip for the rest."""
    reply = ""
    for _ in range(20):
        labels = [label for label, _ in buttons(bot)]
        if "Confirm" in labels:
            return reply
        if "Skip" in labels:
            [reply] = await bot.press(person, "/return JPA-9 W1 skip")
        else:
            [reply] = await bot.say(person, "3")
    raise AssertionError("the form never ended")


async def test_guided_form_with_buttons_survives_a_restart(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [first] = await bot.say("my-fp", "/return")
    assert "Malaysia · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) — question 1 of 16" in first
    assert "Persons convicted?" in first
    assert buttons(bot) == [("Zero", "/return JPA-9 W1 zero"), ("Skip", "/return JPA-9 W1 skip")]
    await bot.press("my-fp", "/return JPA-9 W1 zero")
    [third] = await bot.say("my-fp", "three")  # plain text answers the current question
    assert "Trafficked persons assisted? (required)" in third
    assert "Skip" not in [label for label, _ in buttons(bot)]  # required: no skipping
    [back] = await bot.press("my-fp", "/return JPA-9 W1 back")
    assert "Trafficked persons rescued?" in back and "Now: 3 (Skip keeps it)" in back
    await bot.say("my-fp", "4")

    await restart(bot)
    replies = await bot.say("my-fp", "/return")
    assert replies[0] == "Resuming the draft (2 figures so far)."
    assert "question 3 of 16" in replies[1]
    summary = await answer_all(bot, "my-fp")
    assert "Persons convicted: 0" in summary and "Trafficked persons rescued: 4" in summary
    assert "Arrests: 3" in summary and "Notes:" not in summary
    assert "\nLeft blank: Search warrants executed, Suspects identified, " in summary
    assert ", Mutual legal assistance requests, Notes.\n" in summary
    await bot.press("my-fp", "/return JPA-9 W1 confirm")
    stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
    assert stored == {
        "persons_convicted": 0,
        "victims_rescued": 4,
        "victims_assisted": 3,
        "arrests": 3,
    }
    await bot.stop()


async def test_bad_guided_answer_asks_again_and_keeps_the_place(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-fp", "/return")
    [refusal] = await bot.say("nz-fp", "1.5")
    assert "Persons convicted: 1.5 is not a whole number" in refusal
    assert await bot.rows("SELECT step FROM return_drafts") == [(0,)]
    [error] = await bot.press("nz-fp", "/return JPA-9 W1 back")
    assert "question 1 of 16" in error  # already at the first question: stays there
    await bot.stop()


async def test_amendments_keep_full_history(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", ISSUE_LINE)
    await bot.say("th-fp", "/return confirm")
    bot.clock.advance(timedelta(days=2))
    [summary] = await bot.say("th-deputy", "/return arrests 12, search warrants 5")
    assert "Arrests: 12  (was 10)" in summary and "Confirm to submit these changes." in summary
    [done] = await bot.say("th-deputy", "/return confirm")
    assert "amended (version 2, 1 figure changed)" in done
    assert "amended" in bot.last("th-fp")
    [history] = await bot.say("th-fp", "/return W1 history")
    assert "v1" in history and "Niran Example: Arrests — → 10" in history
    assert "v2" in history and "Nirana Deputy-Example: Arrests 10 → 12" in history
    [same] = await bot.say("th-fp", "/return arrests 12")
    assert "Nothing has changed from the submitted return." in same
    assert await bot.rows("SELECT version FROM returns") == [(2,)]
    assert await bot.rows(
        "SELECT COUNT(*) FROM audit WHERE action IN ('return.submitted', 'return.amended')"
    ) == [(2,)]
    await bot.stop()


async def test_a_return_after_the_due_day_is_marked_late(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    move_to(bot, datetime(2027, 2, 7, 16, 30, tzinfo=UTC))  # 23:30 on the 7th in Bangkok
    await bot.say("th-fp", "/return arrests 1, victims 1")
    await bot.say("th-fp", "/return confirm")
    move_to(bot, datetime(2027, 2, 7, 17, 30, tzinfo=UTC))  # 00:30 on the 8th in Bangkok
    await bot.say("ph-fp", "/return arrests 1, victims 1")
    [done] = await bot.say("ph-fp", "/return confirm")
    assert "is submitted (late)." in done
    assert await bot.rows("SELECT country, late FROM returns ORDER BY country") == [
        ("PH", 1),
        ("TH", 0),
    ]
    await bot.say("my-fp", "/return arrests 2")
    [status] = await bot.say("nz-cochair", "/status")
    assert (
        "JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027: 2 of 8 in (1 late), "
        "1 draft, 3 missing, 2 not due yet." in status  # Colombo and Malé: still the 7th
    ), status
    # each return timed by its country's clock, which decides whether it is late; "overdue"
    # once the due day has ended in that country
    assert "• Thailand — submitted Feb 7, 2027, 23:30 UTC+7" in status.splitlines()  # in time
    assert "• Philippines — submitted Feb 8, 2027, 01:30 UTC+8 (late)" in status
    assert "• Malaysia — draft started, overdue" in status
    assert "• Australia — missing, overdue" in status
    assert "• Sri Lanka — not in yet, due Feb 7, 2027\n" in status  # 23:00 on the 7th there
    await bot.stop()


async def test_who_may_write_and_see_a_return(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 4, victims 2")
    assert "not available to you" in (await bot.say("th-officer", "/return arrests 1"))[0]
    assert "only for your own country" in (await bot.say("my-fp", "/return show TH"))[0]
    [seen] = await bot.say("th-deputy", "/return show")
    assert "Not submitted yet." in seen and "A draft is open with 2 figures." in seen
    [cochair] = await bot.say("lk-cochair", "/return show TH")
    assert "Thailand · JPA-9 W1" in cochair
    [named] = await bot.say("lk-cochair", "/return show Thailand")  # by name, as /request takes
    assert named == cochair, named
    assert "only for your own country" in (await bot.say("my-fp", "/return show Thailand"))[0]
    [unknown] = await bot.say("lk-cochair", "/return show Narnia")
    assert unknown == "I don't know the country Narnia; /countries lists the codes.", unknown
    refused = (await bot.say("lk-cochair", "/return arrests 3"))[0]
    assert "it is for focal points and deputy focal points" in refused
    assert (
        "No period of action is open for your country"
        in (await bot.say("us-fp", "/return arrests 3"))[0]
    )
    assert "not available to you" in (await bot.say("th-fp", "/status"))[0]
    await bot.stop()


async def test_bad_one_line_input_saves_nothing(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    for line in (
        "/return arests 10, victims -1",
        "/return arrests 10,5",
        "/return arrests 1e9",
        "/return arrests 1٣",  # digits of two scripts in one number
        "/return W7 arrests 1",
        "/return confirm",
        "/return zero",
    ):
        [answer] = await bot.say("id-fp", line)
        assert answer and "Confirm" not in answer and answer != str(SORRY), line
    assert await counts(bot) == before
    [answer] = await bot.say("id-fp", "/return arests 10, victims -1")
    assert "the closest figure is 'arrests'." in answer and "negative" in answer
    await bot.stop()


async def test_before_the_period_starts_there_is_nothing_to_send(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2026, 12, 20, tzinfo=UTC))
    [answer] = await bot.say("th-fp", "/return arrests 1")
    assert "JPA-9 starts on Jan 1, 2027" in answer
    await bot.stop()


async def test_a_bare_confirm_confirms_the_earlier_window_being_amended(tmp_path: Path) -> None:
    """W1 is in and W2 is the window now: amending W1 by its label, then typing the bare
    `/return confirm` (as the first submission was), confirms the W1 amendment."""
    bot = await running(tmp_path, at=datetime(2027, 2, 10, 3, 0, tzinfo=UTC))
    await bot.say("th-fp", "/return W1 arrests 5, victims assisted 3")
    await bot.say("th-fp", "/return confirm")
    [summary] = await bot.say("th-fp", "/return W1 arrests 7")
    assert "W1" in summary and "Arrests: 7  (was 5)" in summary
    [done] = await bot.say("th-fp", "/return confirm")
    assert "JPA-9 · W1" in done and "amended (version 2, 1 figure changed)" in done, done
    [nothing] = await bot.say("th-fp", "/return confirm")  # and nothing else is pending
    assert nothing.startswith("There is nothing to confirm. /return JPA-9 W2 starts"), nothing
    await bot.stop()


async def test_status_also_names_earlier_windows_still_missing_returns(tmp_path: Path) -> None:
    """In April the board shows W3 (March's); W1 and W2 lack returns too, and the co-chair
    is told."""
    bot = await running(tmp_path, at=datetime(2027, 4, 10, 3, 0, tzinfo=UTC))
    for person in ("th-fp", "ph-fp"):
        await bot.say(person, "/return W1 arrests 1, victims 1")
        await bot.say(person, "/return confirm")
    [status] = await bot.say("nz-cochair", "/status")
    assert status.startswith("JPA-9 · W3"), status
    assert status.endswith(
        "\n\nEarlier windows still missing returns: W1 (6 of 8 missing); W2 (8 of 8 missing). "
        "/status W1 lists who."
    ), status
    [w1] = await bot.say("nz-cochair", "/status W1")
    assert "Earlier windows" not in w1 and "2 of 8 in" in w1  # one window asked for: just it
    for person in ("au-fp", "id-fp", "lk-fp", "mv-fp", "my-fp", "nz-fp"):  # W1 complete
        await bot.say(person, "/return W1 arrests 0, victims 0")
        await bot.say(person, "/return confirm")
    [later] = await bot.say("nz-cochair", "/status")
    assert later.endswith(  # the hint names the oldest window still owed, not W1
        "\n\nEarlier windows still missing returns: W2 (8 of 8 missing). /status W2 lists who."
    ), later
    await bot.say("th-fp", "/return W2 arrests 2, victims 1")  # a draft, not submitted
    [drafted] = await bot.say("nz-cochair", "/status")
    assert drafted.endswith(  # counted as /status W2 counts it: it said "8 of 8"
        "\n\nEarlier windows still missing returns: W2 (7 of 8 missing, 1 draft). "
        "/status W2 lists who."
    ), drafted
    [w2] = await bot.say("nz-cochair", "/status W2")
    assert "1 draft, 7 missing" in w2, w2
    await bot.stop()


async def test_an_unknown_period_code_is_refused_as_a_period(tmp_path: Path) -> None:
    """`JPA-7 show` is no figure: the answer names the missing period and the ones there are."""
    bot = await running(tmp_path)
    before = await counts(bot)
    [answer] = await bot.say("ph-fp", "/return JPA-7 show")
    assert answer == "There is no period JPA-7; you can send returns for JPA-9.", answer
    [answer] = await bot.say("ph-fp", "/return jpa-7 W1 arrests 3")
    assert answer.startswith("There is no period jpa-7;"), answer
    [status] = await bot.say("nz-cochair", "/status JPA-7 W1")
    assert status == "There is no period JPA-7; the open period is JPA-9.", status
    [us] = await bot.say("us-fp", "/return JPA-7 show")  # no period of this country's is open
    assert us.startswith("There is no period JPA-7, and none is open for you."), us
    assert await counts(bot) == before
    await bot.stop()


async def test_unknown_names_are_refused_once_with_the_figures_by_label(tmp_path: Path) -> None:
    """Two words not understood: one refusal naming both, the figures listed once, as labels."""
    bot = await running(tmp_path)
    [answer] = await bot.say("ph-fp", "/return W1 zorbs 10, quuxes 6")
    assert "I don't know these names: 'zorbs', 'quuxes'. The figures are: " in answer
    assert answer.count("The figures are") == 1, answer
    assert "Persons convicted, Trafficked persons rescued, " in answer and "Notes" in answer
    assert "persons_convicted" not in answer and "victims_rescued" not in answer
    assert len(answer) < 500, len(answer)
    [typo] = await bot.say("ph-fp", "/return arests 10, foo 3")  # a near miss keeps its hint
    assert (
        "the closest figure is 'arrests'." in typo and "I don't know 'foo'. The figures are" in typo
    )
    await bot.stop()


async def test_a_window_that_has_not_started_takes_no_return(tmp_path: Path) -> None:
    """On 31 January (UTC), W2 (February) has started in New Zealand but not in Thailand:
    one line, the guided form, the form and confirm are refused politely until it starts."""
    bot = await running(tmp_path, at=datetime(2027, 1, 31, 12, 0, tzinfo=UTC))
    await bot.say("th-fp", "/return W1 arrests 1, victims 1")  # the current window still is
    before = await counts(bot)
    for line in (
        "/return W2 arrests 2, victims 1",
        "/return W2",
        "/return JPA-9 W2 form",
        "/return JPA-9 W2 confirm",
        "/return JPA-9 W2 submit arrests: 2\nvictims_assisted: 1",
    ):
        [answer] = await bot.say("th-fp", line)
        assert answer == "JPA-9 W2 starts on Feb 1, 2027; its return can be sent from then.", (
            line,
            answer,
        )
    assert await counts(bot) == before
    [summary] = await bot.say("nz-fp", "/return W2 arrests 2, victims 1")  # 01:00, 1 Feb
    assert summary.startswith("New Zealand · JPA-9 W2"), summary
    assert "is submitted" in (await bot.say("nz-fp", "/return confirm"))[0]
    assert "is submitted" in (await bot.say("th-fp", "/return confirm"))[0]  # W1
    await bot.stop()


async def test_an_unknown_currency_code_is_refused(tmp_path: Path) -> None:
    """XXX is ISO 4217's "no currency": it is refused (it would add a report column), with the
    configured currencies as the example; a currency in use is still taken."""
    bot = await running(tmp_path)
    before = await counts(bot)
    [answer] = await bot.say("th-fp", "/return assets restrained XXX 5, arrests 1, victims 1")
    assert (
        "• Assets restrained: 'XXX' is not a currency code I know; please write the ISO 4217 "
        "code of the currency, e.g. USD" in answer
    ), answer
    for line in ("/return assets DEM 5", "/return assets 5 xts"):  # withdrawn; for testing
        [answer] = await bot.say("th-fp", line)
        assert "is not a currency code I know" in answer, answer
    assert await counts(bot) == before
    [summary] = await bot.say("th-fp", "/return assets restrained THB 5, arrests 1, victims 1")
    assert "Assets restrained: THB 5" in summary, summary
    await bot.stop()

    rates = {"THB": Rate(rate=0.028, date=date(2027, 1, 15))}
    reports = ReportSettings(currency="USD", rates=rates)
    (tmp_path / "configured").mkdir()
    bot = await running(tmp_path / "configured", reports=reports)
    [answer] = await bot.say("th-fp", "/return assets restrained XXX 5")
    assert "'XXX' is not a currency code I know" in answer and "e.g. USD, THB" in answer, answer
    await bot.stop()


async def test_cancel_without_a_draft_says_there_is_none(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    [answer] = await bot.say("th-fp", "/return JPA-9 W1 cancel")
    assert answer == (
        "There is no draft to discard for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027)."
    ), answer
    assert await bot.rows("SELECT COUNT(*) FROM audit WHERE action = 'return.discarded'") == [(0,)]
    await bot.stop()


async def test_a_cochair_chases_the_countries_still_missing(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=datetime(2027, 2, 10, 3, tzinfo=UTC))  # W1 due Feb 7
    await bot.say("th-fp", "/return W1 arrests 1, victims 1")
    await bot.say("th-fp", "/return W1 confirm")
    th_before = len(bot.inbox("th-fp"))
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert chased.startswith("Reminded now for JPA-9 · W1 (Jan 1, 2027 – Jan 31, 2027): "), chased
    assert "Australia" in chased and "Thailand" not in chased
    assert bot.last("my-fp").startswith("Overdue: the return of Malaysia for JPA-9 · W1")
    assert len(bot.inbox("th-fp")) == th_before  # it is in: not chased
    [again] = await bot.say("lk-cochair", "/status W1 chase")  # another co-chair, soon after
    assert again.startswith("Reminded less than 12 hours ago, so not again: Australia"), again
    [early] = await bot.say("nz-cochair", "/status W2 chase")
    assert "has not ended yet: its returns are not owed." in early
    await bot.say("nz-cochair", "/period close JPA-9 confirm")
    [closed] = await bot.say("nz-cochair", "/status JPA-9 W1 chase")  # no return owed now
    assert closed == "JPA-9 is not open: no return is owed.", closed
    await bot.stop()


async def test_a_scheduled_reminder_soon_after_a_chase_is_not_sent_again(tmp_path: Path) -> None:
    """Malaysia's overdue reminders go at 09:00 in Kuala Lumpur every other day (9th, 11th,
    13th February). Chased at 08:10 on the 11th, it is not reminded again fifty minutes later;
    the chain goes on, and the 13th's reminder is sent."""
    bot = await running(tmp_path, at=datetime(2027, 2, 11, 0, 10, tzinfo=UTC))
    await bot.advance(timedelta(0))  # what was due before (the 9th's reminder) fires now
    before = len(bot.inbox("my-fp"))
    [chased] = await bot.say("nz-cochair", "/status W1 chase")
    assert "Malaysia" in chased.split("\n")[0], chased
    await bot.advance(timedelta(hours=1, minutes=20))  # 09:30 in Kuala Lumpur
    overdue = [m for m in bot.inbox("my-fp")[before:] if m.startswith("Overdue")]
    assert len(overdue) == 1, overdue  # the chase's, not the 09:00 one as well
    skipped = await bot.rows("SELECT subject FROM audit WHERE action = 'return.reminder_skipped'")
    assert ("JPA-9:W1:MY",) in skipped, skipped
    await bot.advance(timedelta(days=2))  # the 13th, 09:30: the chain went on
    overdue = [m for m in bot.inbox("my-fp")[before:] if m.startswith("Overdue")]
    assert len(overdue) == 2, overdue
    await bot.stop()


async def test_a_window_the_period_lacks_is_named_with_the_ones_it_has(tmp_path: Path) -> None:
    """/return, /deadline and /joint refuse an unknown window in one wording."""
    bot = await running(tmp_path)
    [returned] = await bot.say("th-fp", "/return w9 arrests 1")
    [moved] = await bot.say("nz-cochair", "/deadline W9 2027-05-01")
    for answer in (returned, moved):
        assert "JPA-9 has no window W9; its windows are W1, W2, W3." in answer, answer
    await bot.stop()


async def test_confirm_or_cancel_typed_bare_after_a_one_line_summary(tmp_path: Path) -> None:
    """Where the summary's buttons show as words (console, SMS, email), the word typed bare
    does what the button does: in English or in the person's language."""
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", ISSUE_LINE)
        [done] = await bot.say("th-fp", "Confirm")
        assert "The return of Thailand for JPA-9 · W1" in done and "is submitted" in done, done
        assert await bot.rows("SELECT submitted_by FROM returns") == [("th-fp",)]
        await bot.say("th-deputy", "/language th")
        await bot.say("th-deputy", "/return arrests 12")  # an amendment, then thrown away
        cancel = render(BUTTONS["cancel"], "th")
        assert cancel != "Cancel"
        [thrown] = await bot.say("th-deputy", cancel)
        assert "I only understand commands" not in thrown and THAI.search(thrown), thrown
        assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(0,)]
        [nothing] = await bot.say("my-fp", "confirm")  # no draft of theirs: not a return word
        assert "I only understand commands" in nothing
        [officer] = await bot.say("th-officer", "confirm")
        assert "I only understand commands" in officer
        assert await bot.rows("SELECT COUNT(*) FROM returns") == [(1,)]
    finally:
        await bot.stop()


async def drafts(bot: Harness) -> list[tuple[int, str]]:
    return await bot.rows("SELECT window_seq, person_id FROM return_drafts ORDER BY window_seq")


async def test_a_typed_word_answers_the_summary_just_shown_not_another_draft(
    tmp_path: Path,
) -> None:
    """Found trying the bare words: ``cancel`` after th-fp's W2 summary threw away the deputy's
    W1 draft, and ``confirm`` submitted an older W1 draft instead of the W2 just shown."""
    bot = await running(tmp_path)
    try:
        move_to(bot, datetime(2027, 2, 20, 3, 0, tzinfo=UTC))
        await bot.say("th-deputy", "/return W1 arrests 7, victims assisted 1")
        await bot.say("th-fp", "/return W2 arrests 3, victims assisted 2")
        [thrown] = await bot.say("th-fp", "cancel")
        assert "discarded" in thrown, thrown
        assert await drafts(bot) == [(1, "th-deputy")]  # the deputy's W1 draft stays
        await bot.say("th-fp", "/return W2 arrests 3, victims assisted 2")
        [done] = await bot.say("th-fp", "confirm.")
        assert "JPA-9 · W2" in done and "is submitted" in done, done
        assert await bot.rows("SELECT window_seq FROM returns") == [(2,)]
        assert await drafts(bot) == [(1, "th-deputy")]
    finally:
        await bot.stop()


async def test_a_typed_confirm_shows_a_draft_changed_since_and_an_old_summary_is_not_taken(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/return arrests 3, victims assisted 2")
        await bot.say("th-deputy", "/return arrests 4")  # changes the draft th-fp was shown
        [shown] = await bot.say("th-fp", "confirm")
        assert "changed" in shown and "Arrests: 4" in shown, shown  # shown again, not submitted
        assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
        bot.clock.advance(timedelta(hours=13))  # a summary from yesterday: not answered blind
        [stale] = await bot.say("th-fp", "confirm")
        assert "I only understand commands" in stale, stale
        assert await bot.rows("SELECT COUNT(*) FROM returns") == [(0,)]
    finally:
        await bot.stop()


async def test_a_typed_cancel_after_another_question_leaves_the_return_draft(
    tmp_path: Path,
) -> None:
    """The last buttons someone was shown were another question's (here a request's
    Acknowledge): ``cancel`` is not the return's (a focal point who is also a co-chair lost
    her draft to a broadcast preview's Cancel)."""
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/return arrests 3, victims assisted 2")
        await bot.say("au-officer", "/request TH routine Check vessel MV Example")
        last = await bot.rows(
            "SELECT buttons FROM outbox WHERE person_id = 'th-fp' AND buttons <> '[]' "
            "ORDER BY id DESC LIMIT 1"
        )
        assert "/ack R-2027-0001" in last[0][0], last  # the harness clock is in 2027
        [answer] = await bot.say("th-fp", "cancel")
        assert "I only understand commands" in answer, answer
        assert await drafts(bot) == [(1, "th-fp")]
    finally:
        await bot.stop()


async def test_show_says_when_a_return_was_last_amended(tmp_path: Path) -> None:
    """It said "Submitted Jan 20, …, version 2." and not when version 2 came (a trial)."""
    bot = await running(tmp_path)  # 20 January, 19:00 in Bangkok
    await bot.say("th-fp", "/return arrests 4, victims 2")
    await bot.say("th-fp", "/return confirm")
    bot.clock.advance(timedelta(days=2))
    await bot.say("th-fp", "/return W1 arrests 5")
    await bot.say("th-fp", "/return confirm")
    [shown] = await bot.say("th-fp", "/return show")
    assert (
        "Submitted Jan 20, 2027, 19:00 UTC+7, version 2. Last amended Jan 22, 2027, 19:00 UTC+7."
    ) in shown, shown
    await bot.stop()
