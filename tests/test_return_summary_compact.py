"""Return summaries fit a phone: the figures given, each on its line, then one line naming
those left blank (0 is a figure, not a blank), in the reader's language and digits; the same
for the whole form shown as text. The drafts, changes and buttons around them stay."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.i18n import render
from bot.returns.metrics import DEFAULT_METRICS, Metric
from tests.harness import Harness
from tests.returns_support import PERIOD, move_to, running
from tests.test_returns_languages import speaking

# W1 (January) has ended everywhere and is not yet due: no "W1 runs until …" line to confirm
AFTER_W1 = datetime(2027, 2, 3, 4, 0, tzinfo=UTC)
TITLE = "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027), due Feb 7, 2027"
RLM = "\u200f"


def buttons(bot: Harness) -> list[tuple[str, str]]:
    return [(b.label, b.command) for b in bot.chat.sent[-1].message.buttons]


def blank_but(*given: str, language: str = "en", required: str = "") -> str:
    """The shipped figures other than ``given`` (English labels) as the blank line names
    them, in ``language``; ``required`` follows each required one's name, when given."""
    return ", ".join(
        render(m.text, language) + (required if m.required else "")
        for m in DEFAULT_METRICS
        if m.label not in given
    )


async def test_a_two_figure_return_is_summarised_in_five_lines(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=AFTER_W1)
    [summary] = await bot.say("th-fp", "/return arrests 10, victims assisted 6")
    assert summary.split("\n") == [
        TITLE,
        "Trafficked persons assisted: 6",
        "Arrests: 10",
        f"Left blank: {blank_but('Trafficked persons assisted', 'Arrests')}.",
        "Confirm to submit.",
    ]
    assert buttons(bot) == [
        ("Confirm", "/return JPA-9 W1 confirm 2"),  # the draft's revision it shows
        ("Cancel", "/return JPA-9 W1 cancel"),
    ]
    await bot.stop()


async def test_zero_is_shown_as_a_figure_not_as_blank(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=AFTER_W1)
    [summary] = await bot.say("th-fp", "/return arrests 0, victims nil, search warrants 2")
    lines = summary.split("\n")
    assert lines[1:4] == [
        "Trafficked persons assisted: 0",
        "Search warrants executed: 2",
        "Arrests: 0",
    ]
    given = ("Trafficked persons assisted", "Search warrants executed", "Arrests")
    assert lines[4] == f"Left blank: {blank_but(*given)}."
    assert "Arrests," not in lines[4] and len(lines) == 6
    await bot.stop()


async def test_required_figures_still_needed_are_said_after_the_blank_line(
    tmp_path: Path,
) -> None:
    """A required figure not given is "still needed", not also "left blank" (which reads as a
    blank accepted)."""
    bot = await running(tmp_path, at=AFTER_W1)
    [summary] = await bot.say("th-fp", "/return search warrants 2")
    required = ("Trafficked persons assisted", "Arrests")
    assert summary.split("\n") == [
        TITLE,
        "Search warrants executed: 2",
        f"Left blank: {blank_but('Search warrants executed', *required)}.",
        "Still needed: Trafficked persons assisted, Arrests. Add them with /return JPA-9 W1 "
        "<figure> <number>, or /return JPA-9 W1 to answer step by step.",
    ]
    assert buttons(bot) == [("Cancel", "/return JPA-9 W1 cancel")]
    await bot.stop()


async def test_an_amendment_shows_what_changed_and_what_stays_blank(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 10, victims assisted 6, notes raid at Hat Yai")
    await bot.say("th-fp", "/return confirm")
    bot.clock.advance(timedelta(days=1))
    [summary] = await bot.say("th-deputy", "/return arrests 12, search warrants 0")
    given = ("Trafficked persons assisted", "Search warrants executed", "Arrests", "Notes")
    assert summary.split("\n") == [
        TITLE,
        "Trafficked persons assisted: 6",
        "Search warrants executed: 0  (was —)",
        "Arrests: 12  (was 10)",
        "Notes: raid at Hat Yai",
        f"Left blank: {blank_but(*given)}.",
        "W1 runs until Jan 31, 2027: figures sent now cover only part of it "
        "(you can amend them later).",
        "Confirm to submit these changes.",
    ]
    await bot.say("th-deputy", "/return confirm")
    [same] = await bot.say("th-fp", "/return arrests 12")
    assert same.split("\n")[-2:] == [
        f"Left blank: {blank_but(*given)}.",
        "Nothing has changed from the submitted return.",
    ]
    await bot.stop()


async def test_a_return_with_every_figure_skipped_says_so(tmp_path: Path) -> None:
    light = (
        Metric(key="arrests", label="Arrests"),
        Metric(key="notes", label="Notes", kind="text"),
    )
    period = PERIOD.model_copy(update={"metrics": "light"})
    bot = await running(
        tmp_path,
        at=AFTER_W1,
        periods=(period,),
        metric_sets={"default": DEFAULT_METRICS, "light": light},
    )
    await bot.say("th-fp", "/return")
    await bot.press("th-fp", "/return JPA-9 W1 skip")
    [summary] = await bot.press("th-fp", "/return JPA-9 W1 skip")
    assert summary.split("\n") == [
        TITLE,
        "Every figure is blank: Arrests, Notes.",
        "Confirm to submit.",
    ]
    assert [label for label, _ in buttons(bot)] == ["Confirm", "Back", "Cancel"]
    await bot.stop()


async def test_the_form_as_text_lists_what_is_filled_and_names_the_blanks(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    [empty] = await bot.say("th-fp", "/return form")
    heading = "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) — every figure at once"
    example = (  # the required figures: a line copied as it is must be taken
        "Send them in one line, e.g. /return JPA-9 W1 victims assisted 3, arrest 3; then confirm."
    )
    assert empty.split("\n") == [
        heading,
        f"Every figure is blank: {blank_but(required=' (required)')}.",
        example,
    ]
    await bot.say("th-fp", "/return arrests 1200, victims 0")
    [filled] = await bot.say("th-fp", "/return form")
    blank = blank_but("Trafficked persons assisted", "Arrests")
    assert filled.split("\n") == [
        heading,
        "Trafficked persons assisted (required): 0",
        "Arrests (required): 1200",  # as typed into a form field, as before
        f"Left blank: {blank}.",
        example,
    ]
    await bot.stop()


async def test_a_bengali_reader_gets_bengali_digits_and_names(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=AFTER_W1, **speaking("bn", "th-fp"))
    [summary] = await bot.say("th-fp", "/return arrests 1200, victims assisted 6")
    lines = summary.split("\n")
    assert lines[1:3] == ["সহায়তাপ্রাপ্ত পাচারের শিকার ব্যক্তি: ৬", "গ্রেপ্তার: ১,২০০"]
    names = blank_but("Trafficked persons assisted", "Arrests", language="bn")
    assert names.startswith("দণ্ডিত ব্যক্তি, ") and f" {names}" in lines[3]
    assert len(lines) == 5
    await bot.stop()


async def test_an_arabic_reader_gets_each_line_right_to_left(tmp_path: Path) -> None:
    bot = await running(tmp_path, at=AFTER_W1, **speaking("ar", "th-fp"))
    [summary] = await bot.say("th-fp", "/return arrests 10, victims assisted 6")
    lines = summary.split("\n")
    assert len(lines) == 5 and all(line.startswith(RLM) for line in lines)
    blank = [
        render(m.text, "ar")
        for m in DEFAULT_METRICS
        if m.key not in {"arrests", "victims_assisted"}
    ]
    assert blank[0] == "الأشخاص المدانون" and all(name in lines[3] for name in blank)
    assert "الاعتقالات" not in lines[3] and "الاعتقالات" in lines[2]  # arrests
    await bot.stop()


async def test_a_submitted_return_is_shown_with_one_blank_line(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 10, victims assisted 6")
    await bot.press("th-fp", "/return JPA-9 W1 confirm")
    [shown] = await bot.say("th-fp", "/return show")
    lines = shown.split("\n")
    assert lines[0].startswith("Thailand · JPA-9 W1") and lines[1].startswith("Submitted ")
    assert lines[2:] == [
        "Trafficked persons assisted: 6",
        "Arrests: 10",
        f"Left blank: {blank_but('Trafficked persons assisted', 'Arrests')}.",
    ]
    await bot.stop()


async def test_show_names_a_draft_left_in_an_earlier_window(tmp_path: Path) -> None:
    """W1's draft still waits in March, while W2 is collected: /return show is about W1."""
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 10, victims assisted 6")
    move_to(bot, datetime(2027, 3, 2, 3, 0, tzinfo=UTC))
    [shown] = await bot.say("th-fp", "/return show")
    title = "Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027)"
    assert shown.split("\n") == [title, "Not submitted yet.", "A draft is open with 2 figures."]
    await bot.stop()


async def test_the_form_as_text_carries_no_button_that_shows_it_again(tmp_path: Path) -> None:
    """Off Slack a form button only ran /return … form, which answered with this same text
    ("↳ Fill in the form: /return JPA-9 W1 form" under the form itself)."""
    bot = await running(tmp_path)
    [form] = await bot.say("th-fp", "/return form")
    assert form.startswith("Thailand · JPA-9 W1 (Jan 1, 2027 – Jan 31, 2027) — every figure"), form
    assert buttons(bot) == []
    await bot.stop()


async def test_show_and_a_bare_return_speak_of_the_same_window(tmp_path: Path) -> None:
    """In March, with W1 (January) still owed and nothing started: /return show spoke of W2
    while /return and /return form went to W1."""
    bot = await running(tmp_path)
    move_to(bot, datetime(2027, 3, 2, 3, 0, tzinfo=UTC))
    [shown] = await bot.say("th-fp", "/return show")
    assert shown.startswith("Thailand · JPA-9 W1 "), shown
    [form] = await bot.say("th-fp", "/return form")
    assert form.startswith("Thailand · JPA-9 W1 "), form
    await bot.stop()
