"""Returns in the focal points' own languages, through the real /return dispatch: figures in
their script's digits or their number words, metric labels in their language."""

from __future__ import annotations

from pathlib import Path

from tests.returns_support import counts, running

ASSISTED_TH = "ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคุ้มครองช่วยเหลือ"


async def test_a_thai_return_in_thai_names_and_digits(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/language th")
        [summary] = await bot.say("th-fp", f"/return จับกุม ๑๐, {ASSISTED_TH} ๖")
        assert "การจับกุม: 10" in summary and f"{ASSISTED_TH}: 6" in summary
        assert "Arrests" not in summary  # every label the set translates is shown in Thai
        await bot.press("th-fp", "/return JPA-9 W1 confirm")
        stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
        assert stored == {"arrests": 10, "victims_assisted": 6}
    finally:
        await bot.stop()


async def test_arabic_digits_with_arabic_separators(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("my-fp", "/language ar")
        [summary] = await bot.say("my-fp", "/return الاعتقالات ١٬٢٠٠، victims ٣")
        assert "الاعتقالات: 1,200" in summary
        await bot.press("my-fp", "/return JPA-9 W1 confirm")
        stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
        assert stored == {"arrests": 1200, "victims_assisted": 3}
    finally:
        await bot.stop()


async def test_indonesian_number_words_for_an_indonesian_focal_point(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("id-fp", "/language id")
        [summary] = await bot.say("id-fp", "/return arrests dua belas, victims assisted seribu")
        assert "Penangkapan: 12" in summary  # the figure named in Indonesian
        assert "Korban perdagangan orang yang dibantu: 1.000" in summary  # id separators
        before = await counts(bot)
        [refusal] = await bot.say("th-fp", "/return arrests dua belas")  # English reader
        assert "I can't read 'dua belas' as a number" in refusal
        assert await counts(bot) == before
    finally:
        await bot.stop()


async def test_a_guided_bengali_return(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("nz-fp", "/language bn")
        [first] = await bot.say("nz-fp", "/return")
        assert "দণ্ডিত ব্যক্তি?" in first  # the question names the figure in Bengali
        [second] = await bot.say("nz-fp", "৪")
        assert "উদ্ধারকৃত পাচারের শিকার ব্যক্তি?" in second
        [third] = await bot.say("nz-fp", "বারো")
        assert "সহায়তাপ্রাপ্ত পাচারের শিকার ব্যক্তি?" in third
        draft = await bot.rows("SELECT answers FROM return_drafts")
        assert '"persons_convicted": [4' in draft[0][0] and '"victims_rescued": [12' in draft[0][0]
        [back] = await bot.say("nz-fp", "/return JPA-9 W1 back")  # the figure given, shown back
        assert "১২ (" in back, back  # in Bengali digits, as every other number it reads
        [summary] = await bot.say("nz-fp", "/return arrests 1250, assets restrained USD 2500.5")
        assert ": ১,২৫০" in summary and "USD ২,৫০০.৫০" in summary, summary
        stored = await bot.rows("SELECT answers FROM return_drafts")
        assert '"arrests": [1250' in stored[0][0]  # stored as the number, not as shown
    finally:
        await bot.stop()


async def test_digits_of_two_scripts_in_one_figure_are_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        before = await counts(bot)
        [refusal] = await bot.say("th-fp", "/return arrests 1๒")
        assert "1๒ mixes digits of different scripts; please use one kind" in refusal
        assert await counts(bot) == before
    finally:
        await bot.stop()
