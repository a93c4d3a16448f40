"""Returns and their reminders in the reader's language: every sentence from the catalogs,
due dates and submission times written the reader's way (Bengali digits for a Bengali reader).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, _, render
from bot.i18n.catalogs import install_override
from bot.returns.metric_values import ShownValue, Value
from tests.harness import Harness, shipped_settings
from tests.returns_support import running
from tests.test_i18n_coverage import PSEUDO, Pseudo, leftover


def speaking(language: str, *person_ids: str) -> dict[str, object]:
    """Overrides for :func:`running`: ``person_ids`` read ``language``."""
    people = tuple(
        p.model_copy(update={"language": language}) if p.id in person_ids else p
        for p in shipped_settings().people
    )
    return {"people": people}


async def day_by_day(bot: Harness, days: int) -> None:
    for _day in range(days):
        await bot.advance(timedelta(days=1))


def test_a_time_renders_in_every_language() -> None:
    """A datetime parameter (a submission time) is written per language, never an error."""
    when = datetime(2026, 11, 7, 14, 30, tzinfo=UTC)
    assert render(_("at {when}", when=when), "en") == "at Nov 7, 2026, 14:30"
    assert render(_("at {when}", when=when), "bn") == "at ৭ নভে, ২০২৬ ১৪:৩০"
    for language in LANGUAGES:
        assert render(_("{when}", when=when), language), language


async def test_a_bengali_focal_point_reads_the_due_date_in_bengali(tmp_path: Path) -> None:
    bot = await running(tmp_path, **speaking("bn", "th-fp"))
    await day_by_day(bot, 12)  # to 1 February: the 7-days-before reminder in every country
    thai, malaysian = bot.last("th-fp"), bot.last("my-fp")
    assert "৭ ফেব, ২০২৭" in thai and "due on" not in thai  # Bengali date, Bengali words
    assert "due on Feb 7, 2027, in 7 days." in malaysian
    await bot.stop()


async def test_the_status_board_shows_times_the_readers_way(tmp_path: Path) -> None:
    bot = await running(tmp_path, **speaking("bn", "nz-cochair"))
    bot.clock.advance(datetime(2027, 2, 7, 16, 30, tzinfo=UTC) - bot.clock.now())
    await bot.say("th-fp", "/return arrests 1, victims 1")
    await bot.say("th-fp", "/return confirm")
    [status] = await bot.say("nz-cochair", "/status")
    assert "• থাইল্যান্ড — " in status and "৭ ফেব, ২০২৭ ২৩:৩০ UTC+৭" in status  # Bangkok's clock
    assert "submitted" not in status
    await bot.stop()


async def test_reminders_and_the_digest_come_from_the_catalogs(tmp_path: Path) -> None:
    """Every reader of a pseudo-language: what reminders and digests say is all catalog."""
    install_override(PSEUDO, Pseudo())
    try:
        bot = await running(tmp_path, **speaking(PSEUDO, "my-fp", "au-fp", "nz-cochair"))
        await bot.say("my-fp", "/return arrests 2")  # a draft: its reminders say so
        seen = {p: len(bot.inbox(p)) for p in ("my-fp", "au-fp", "nz-cochair")}
        await day_by_day(bot, 30)
        sent = [t for p, n in seen.items() for t in bot.inbox(p)[n:]]
        assert len(sent) > 10  # before, due, overdue with and without a draft; digests
        assert [t for t in sent if leftover(t)] == []
        assert any(t.startswith("⟦Late returns for") for t in sent)  # the digest
        assert any("⟦Your draft has 1 figure so far" in t for t in sent)  # plural from n_
        await bot.stop()
    finally:
        install_override(PSEUDO, None)


async def test_a_joint_resolution_names_the_figure_in_the_readers_language(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path, **speaking("th", "lk-cochair"))
    for person, partner in (("th-fp", "MY"), ("my-fp", "TH")):
        await bot.say(person, f"/return arrests 4 joint with {partner} op:SONGKHLA-3, victims 1")
        await bot.say(person, "/return confirm")
    [resolved] = await bot.say("lk-cochair", "/joint SONGKHLA-3 arrests 4")
    assert "op:SONGKHLA-3" in resolved and "การจับกุม 4" in resolved
    assert "is resolved" not in resolved  # the sentence from the Thai catalog
    [english] = await bot.say("nz-cochair", "/joint SONGKHLA-3 arrests 4")
    assert "op:SONGKHLA-3 in JPA-9 is resolved: Arrests 4" in english
    await bot.stop()


async def test_figures_typed_as_the_readers_language_writes_them_are_read_so(
    tmp_path: Path,
) -> None:
    """An Indonesian groups thousands with dots and a Hindi reader by lakh: the figures the bot
    shows them in that style are read back in it, and stored as the numbers they are."""
    people = tuple(
        p.model_copy(update={"language": {"th-fp": "id", "my-fp": "hi"}.get(p.id, p.language)})
        for p in shipped_settings().people
    )
    bot = await running(tmp_path, people=people)
    line = "/return arrests 1.200, victims assisted 12, assets restrained IDR 1.500.000,50"
    [summary] = await bot.say("th-fp", line)
    assert "Konfirmasi" in summary and "IDR 1.500.000,50" in summary, summary
    [done] = await bot.say("th-fp", "/return confirm")
    assert "dikirim" in done, done
    [summary] = await bot.say("my-fp", "/return arrests 1,50,000, victims assisted 3")
    assert "1,50,000" in summary and "पुष्टि" in summary, summary
    await bot.say("my-fp", "/return confirm")
    stored = await bot.rows(
        "SELECT r.country, v.metric, v.amount, v.currency FROM return_values v "
        "JOIN returns r ON r.id = v.return_id WHERE v.metric IN ('arrests', 'assets_restrained') "
        "ORDER BY r.country, v.metric"
    )
    assert stored == [
        ("MY", "arrests", 150_000, ""),
        ("TH", "arrests", 1200, ""),
        ("TH", "assets_restrained", 150_000_050, "IDR"),
    ]
    await bot.stop()


async def test_unknown_names_list_the_figures_as_the_reader_sees_them(tmp_path: Path) -> None:
    bot = await running(tmp_path, **speaking("th", "th-fp"))
    [answer] = await bot.say("th-fp", "/return foo 10, bar 6")
    assert "ผู้ถูกพิพากษาลงโทษ" in answer and "การจับกุม" in answer  # the Thai labels
    assert "persons_convicted" not in answer and "Persons convicted" not in answer
    assert answer.count("การจับกุม") == 1, answer
    await bot.stop()


@pytest.mark.parametrize(
    ("language", "currency"), [("fa_AF", "AFN"), ("my", "MMK"), ("vi", "VND"), ("bn", "BDT")]
)
async def test_history_shows_figures_as_the_summary_does(
    tmp_path: Path, language: str, currency: str
) -> None:
    """Dari, Burmese, Vietnamese, Bengali: history writes each figure exactly as the summary
    does for that reader (its digits and separators), not in English digits."""
    bot = await running(tmp_path, **speaking(language, "th-fp"))
    cents = render(ShownValue(Value(250_050, currency)), language)  # typed as the reader writes
    [summary] = await bot.say("th-fp", f"/return arrests 1250; victims 3; assets {cents}")
    await bot.say("th-fp", "/return confirm")
    await bot.say("th-fp", f"/return arrests 1300; assets {currency} 1500000")
    await bot.say("th-fp", "/return confirm")
    assert await bot.rows("SELECT version FROM returns") == [(2,)]
    [history] = await bot.say("th-fp", "/return W1 history")
    for value in (
        Value(1250),
        Value(3),
        Value(250_050, currency),
        Value(1300),
        Value(150_000_000, currency),
    ):
        assert render(ShownValue(value), language) in history, (value, history)
    for english in ("1,250", "2,500.50", "1,500,000"):
        assert english not in history, history
    assert render(ShownValue(Value(1250)), language) in summary  # as the summary wrote it
    await bot.stop()


NO_OWN_WORDS = "I can't read '{text}' as a number; use digits (12) or English words (twelve)"


@pytest.mark.parametrize(("language", "word"), [("ur", "بارہ"), ("fil", "labindalawa")])
async def test_without_own_number_words_the_refusal_asks_for_english_ones(
    tmp_path: Path, language: str, word: str
) -> None:
    """Urdu and Filipino number words are not read: the refusal must not suggest them."""
    bot = await running(tmp_path, **speaking(language, "th-fp"))
    await bot.say("th-fp", "/return")
    [refusal] = await bot.say("th-fp", word)
    assert render(_(NO_OWN_WORDS, text=word), language) in refusal, refusal
    assert "twelve" in refusal  # the example is the English word, which is read
    assert "is read" not in refusal and await bot.rows("SELECT step FROM return_drafts") == [(0,)]
    [next_question] = await bot.say("th-fp", "twelve")
    assert await bot.rows("SELECT step FROM return_drafts") == [(1,)], next_question
    await bot.stop()


async def test_a_languages_own_number_words_are_still_suggested(tmp_path: Path) -> None:
    bot = await running(tmp_path, **speaking("vi", "th-fp"))
    await bot.say("th-fp", "/return")
    [refusal] = await bot.say("th-fp", "nhiều")
    own = "I can't read '{text}' as a number; use digits (12) or words (twelve)"
    assert render(_(own, text="nhiều"), "vi") in refusal, refusal
    await bot.stop()


@pytest.mark.parametrize(("language", "action"), [("ur", "Zero"), ("vi", "Back")])
async def test_a_buttons_label_typed_in_the_readers_language_acts(
    tmp_path: Path, language: str, action: str
) -> None:
    """Typing a button's label works as in English (zero, back): Urdu صفر, Vietnamese Quay lại."""
    bot = await running(tmp_path, **speaking(language, "th-fp"))
    await bot.say("th-fp", "/return")
    await bot.say("th-fp", "3")  # question 2
    [reply] = await bot.say("th-fp", f" {render(_(action), language)} ")
    step = {"Zero": 2, "Back": 0}[action]
    assert await bot.rows("SELECT step FROM return_drafts") == [(step,)], reply
    if action == "Zero":
        [(answers,)] = await bot.rows("SELECT answers FROM return_drafts")
        assert '"victims_rescued": [0' in answers, answers
    await bot.stop()


async def test_the_digest_names_every_late_country_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """A Thai co-chair's digest listed the countries without a draft in English (only the one
    with a draft, named inside a translated phrase, was in Thai)."""
    bot = await running(tmp_path, **speaking("th", "nz-cochair"))
    await bot.say("my-fp", "/return arrests 2")  # a draft: its line is a phrase of its own
    await day_by_day(bot, 30)
    bullets = [
        line
        for message in bot.inbox("nz-cochair")
        for line in message.splitlines()
        if line.startswith("• ")
    ]
    assert any("มาเลเซีย" in line for line in bullets), bullets
    assert any("ไทย" in line for line in bullets), bullets
    english = ("Thailand", "Malaysia", "Maldives", "Philippines", "Indonesia", "Sri Lanka")
    assert not [line for line in bullets if any(name in line for name in english)], bullets
    await bot.stop()


async def test_a_reminders_example_names_the_figures_in_the_readers_language(
    tmp_path: Path,
) -> None:
    """The reminder's one-line example was English in every language ("e.g. /return arrests
    3, victims assisted 2, search warrants 1"), and named figures the period may not have.
    Now it names the period's figures as the reader types them, and typed back it reads."""
    import re
    from datetime import UTC, datetime

    from tests.returns_support import running

    bot = await running(tmp_path)
    await bot.say("th-fp", "/language th")
    await bot.advance(datetime(2027, 1, 31, 3, 0, tzinfo=UTC) - bot.clock.now())
    reminder = next(m for m in reversed(bot.inbox("th-fp")) if "JPA-9" in m)
    assert "arrests" not in reminder and "search warrants" not in reminder, reminder
    line = next(line for line in reminder.splitlines() if "/return" in line)
    example = line[line.rindex("/return ") :].rstrip(".")  # the last command on the line
    assert re.search(r"[\u0e00-\u0e7f]", example), reminder  # the figures named in Thai
    [read] = await bot.say("th-fp", example)
    assert await bot.rows("SELECT COUNT(*) FROM return_drafts") == [(1,)], read
    await bot.stop()


async def test_status_says_when_a_return_was_amended_and_if_after_the_due_date(
    tmp_path: Path,
) -> None:
    """Indonesia's arrests went from 1,250 to 12 after the report and after the deadline:
    /status still read "submitted Dec 2" with no word of it."""
    from datetime import UTC, datetime

    from tests.returns_support import running

    bot = await running(tmp_path, at=datetime(2027, 2, 2, 3, 0, tzinfo=UTC))
    await bot.say("id-fp", "/return JPA-9 W1 arrests 1250, victims assisted 10")
    await bot.say("id-fp", "/return confirm")
    [status] = await bot.say("nz-cochair", "/status JPA-9 W1")
    assert "amended" not in status
    await bot.advance(datetime(2027, 2, 10, 3, 0, tzinfo=UTC) - bot.clock.now())
    await bot.say("id-fp", "/return JPA-9 W1 arrests 12")
    await bot.say("id-fp", "/return confirm")
    [status] = await bot.say("nz-cochair", "/status JPA-9 W1")
    line = next(line for line in status.splitlines() if line.startswith("• Indonesia"))
    assert "submitted Feb 2, 2027" in line and "amended Feb 10, 2027" in line, line
    assert line.endswith("after the due date"), line
    await bot.stop()
