"""Each person reads the bot in their own language, end to end with the shipped catalogs.

A Thai officer on Telegram (python-telegram-bot against the fake Bot API) files a request to
New Zealand's English-speaking focal point on Slack (slack-sdk/Bolt against the fake Web API):
each reads every word of the bot in their own language, and the request text travels as
written. A focal point reading Arabic does a guided return (right to left, Arabic-Indic digits
typed); a Bengali focal point's reminder carries its date in Bengali; a one-line return with
Thai digits; the console speaks Thai to someone who chose it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.i18n.message import RLM
from tests.conftest import ENGINES
from tests.harness import shipped_settings
from tests.returns_support import move_to, running
from tests.test_files_channels import Both, telegram_and_slack
from tests.test_returns_languages import day_by_day, speaking

THAI = re.compile("[\u0e00-\u0e7f]")
ARABIC = re.compile("[\u0600-\u06ff]")
OFFICER = 300043  # th-officer's Telegram id in the shipped bot.toml
NZ_FP = NZ_DM = "U0NZFP01"  # the bot posts to the user id (Slack opens the DM)
RID = "R-2026-0001"
ASKED = "โปรดตรวจสอบหนังสือเดินทาง A1234567 และการเดินทางตั้งแต่เดือนมีนาคม"
ANSWER = "Passport A1234567 is genuine; two trips to Auckland in April."
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
    ),
    # End to end on both engines: conftest parametrises modules that name the Harness; this
    # one reaches it through telegram_and_slack and running.
    pytest.mark.parametrize("engine", ENGINES, indirect=True),
]


def without(text: str, *data: str) -> str:
    for item in data:
        text = text.replace(item, " ")
    return text


def thai_officer_on_telegram_english_focal_point_on_slack() -> Settings:
    base = shipped_settings()
    update = {
        "th-officer": {"preferred_channel": "telegram", "language": "th"},
        "nz-fp": {"preferred_channel": "slack", "language": "en"},
    }
    people = tuple(p.model_copy(update=update[p.id]) if p.id in update else p for p in base.people)
    return base.model_copy(update={"people": people})


async def slack_texts(both: Both, fragment: str) -> list[str]:
    """Texts posted to New Zealand's focal point on Slack that contain ``fragment``."""

    def found() -> list[str] | None:
        return [t for t in both.api.texts_to(NZ_DM) if fragment in t] or None

    return list(await both.api.wait_for(found, within=30))


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[Both]:
    settings = thai_officer_on_telegram_english_focal_point_on_slack()
    async with telegram_and_slack(tmp_path, settings) as pair:
        yield pair


async def test_thai_officer_and_english_focal_point_each_read_their_language(both: Both) -> None:
    both.telegram.message(OFFICER, f"/request NZ routine {ASKED}")
    [sent] = await both.telegram.wait_for_text(OFFICER, RID)
    assert THAI.search(without(sent, ASKED)), sent  # the bot's own words, in Thai
    assert "sent to" not in sent and "acknowledge" not in sent
    assert "นิวซีแลนด์" in sent  # New Zealand as Thai names it (CLDR), not as bot.toml does

    [routed] = await slack_texts(both, RID)
    assert ASKED in routed  # what the officer wrote travels as written
    assert "to New Zealand" in routed  # the configured name for an English reader
    assert not THAI.search(without(routed, ASKED)), routed  # the frame is English

    assert (await both.slack.command(NZ_FP, f"ack {RID}")).status == 200
    assert (await both.slack.command(NZ_FP, f"reply {RID} {ANSWER}")).status == 200
    await both.settle()
    [acked] = await slack_texts(both, f"You acknowledged {RID}")
    assert not THAI.search(acked)
    told = (await both.telegram.wait_for_text(OFFICER, "Mere Example"))[0]  # who acknowledged
    assert THAI.search(without(told, "Mere Example", RID)) and "acknowledged by" not in told
    [relayed] = await both.telegram.wait_for_text(OFFICER, ANSWER)
    assert THAI.search(without(relayed, ANSWER, RID))  # the frame around the answer is Thai


async def test_the_officer_switches_to_english_in_chat(both: Both) -> None:
    both.telegram.message(OFFICER, "/language en")
    [answer] = await both.telegram.wait_for_text(OFFICER, "English")
    assert not THAI.search(answer)
    both.telegram.message(OFFICER, "/request NZ routine Check vessel MV Example")
    [sent] = await both.telegram.wait_for_text(OFFICER, RID)
    assert f"Request {RID} sent to New Zealand" in sent


async def test_a_guided_return_in_arabic_with_arabic_indic_digits(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        [chosen] = await bot.say("my-fp", "/language ar")
        assert ARABIC.search(chosen) and chosen.startswith(RLM)  # laid out right to left
        [first] = await bot.say("my-fp", "/return")
        assert ARABIC.search(first) and all(
            line.startswith(RLM) for line in first.split("\n") if line
        )
        [second] = await bot.say("my-fp", "٣")  # Arabic-Indic three
        assert ARABIC.search(second) and "?" not in without(second, "؟")
        await bot.say("my-fp", "١٢")
        draft = await bot.rows("SELECT answers FROM return_drafts")
        assert '"persons_convicted": [3' in draft[0][0]
        assert '"victims_rescued": [12' in draft[0][0]
    finally:
        await bot.stop()


async def test_a_one_line_return_with_thai_digits_is_answered_in_thai(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/language th")
        [summary] = await bot.say("th-fp", "/return arrests ๑๒, victims assisted ๓")
        assert THAI.search(summary) and "12" in summary and "3" in summary
        await bot.press("th-fp", "/return JPA-9 W1 confirm")
        stored = dict(await bot.rows("SELECT metric, amount FROM return_values"))
        assert stored == {"arrests": 12, "victims_assisted": 3}
    finally:
        await bot.stop()


async def test_a_reminder_in_bengali_carries_its_date_in_bengali(tmp_path: Path) -> None:
    bot = await running(tmp_path, **speaking("bn", "th-fp"))
    try:
        await day_by_day(bot, 12)  # to 1 February: the 7-days-before reminder
        reminder, english = bot.last("th-fp"), bot.last("my-fp")
        assert "৭ ফেব, ২০২৭" in reminder, reminder  # the due date, the Bengali way
        assert re.search("[\u0980-\u09ff]{3,}", without(reminder, "JPA-9", "W1", "৭ ফেব, ২০২৭"))
        assert "due on" not in reminder
        assert "due on Feb 7, 2027, in 7 days." in english
    finally:
        await bot.stop()


def test_the_console_speaks_thai_to_someone_who_chose_it(tmp_path: Path) -> None:
    script = "as th-officer\n/language th\n/help request\n/language xx\nquit\n"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--database", str(tmp_path / "bot.db")],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    chosen, rest = done.stdout.split("th-officer> /help request", 1)
    explained, unknown = rest.split("th-officer> /language xx", 1)
    assert THAI.search(chosen.rsplit("th-officer> /language th", 1)[1]), chosen
    assert "/request" in explained and THAI.search(explained), explained  # same command word
    assert THAI.search(unknown), unknown
    assert "th (ไทย)" in done.stdout  # an unknown code lists the languages


async def test_lists_in_arabic_are_parted_by_the_arabic_comma(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("my-fp", "/language ar")
        [who] = await bot.say("my-fp", "/whoami")
        await bot.say("my-fp", "/language en")
        [english] = await bot.say("my-fp", "/whoami")
    finally:
        await bot.stop()
    lri, pdi = "\u2066", "\u2069"  # each Latin item isolated, so the list reads item by item
    channels = ["console", "email", "line", "slack", "telegram"]
    assert "، ".join(f"{lri}{c}{pdi}" for c in channels) in who, who
    assert "console, email, line, slack, telegram" in english


async def test_a_typed_example_keeps_its_comma_while_lists_take_the_readers(
    tmp_path: Path,
) -> None:
    """The one-line example under the form is what to type: a Myanmar reader copying it with
    "၊" was told the figure could not be read. The list of languages in /help is a list."""
    bot = await running(tmp_path)
    try:
        await bot.say("my-fp", "/language my")
        [form] = await bot.say("my-fp", "/return form")
        assert re.search(r"/return JPA-9 W1 \S+ 3, \S+ 3", form), form  # names in Myanmar
        await bot.say("my-fp", "/language ar")
        [shown] = await bot.say("my-fp", "/help")
        assert "English\u2069\u060c " in shown and "English, " not in shown
    finally:
        await bot.stop()


async def test_history_is_of_the_submitted_window_while_show_finds_the_draft(
    tmp_path: Path,
) -> None:
    bot = await running(tmp_path)
    try:
        await bot.say("th-fp", "/return arrests 10, victims assisted 6")
        [sent] = await bot.press("th-fp", "/return JPA-9 W1 confirm")
        assert "is submitted" in sent, sent
        move_to(bot, datetime(2027, 3, 2, 3, 0, tzinfo=UTC))  # W2 (February) is collected
        await bot.say("th-fp", "/return arrests 3")  # a W2 draft
        [history] = await bot.say("th-fp", "/return history")
        assert "JPA-9 W1" in history.split("\n")[0] and "no history" not in history, history
        [shown] = await bot.say("th-fp", "/return show")
        assert "JPA-9 W2" in shown.split("\n")[0] and "A draft is open" in shown, shown
    finally:
        await bot.stop()


async def test_a_window_typed_in_other_digits_or_with_a_zero_is_the_window(tmp_path: Path) -> None:
    """``W١`` (Arabic-Indic one), ``W01`` and ``Ｗ１`` (fullwidth) are W1, in /return and in
    /deadline, as figures and dates in any script's digits are read."""
    bot = await running(tmp_path)
    try:
        await bot.say("my-fp", "/language ar")
        [summary] = await bot.say("my-fp", "/return JPA-9 W١ arrests ١٢, victims assisted ٣")
        assert ARABIC.search(summary) and "W1" in summary
        await bot.press("my-fp", "/return JPA-9 W01 confirm")
        stored = await bot.rows(
            "SELECT r.window_seq, v.metric, v.amount"
            " FROM returns r JOIN return_values v ON v.return_id = r.id"
        )
        assert sorted(stored) == [(1, "arrests", 12), (1, "victims_assisted", 3)]
        [moved] = await bot.say("nz-cochair", "/deadline JPA-9 W٠٢ 2027-03-20")
        assert "W2" in moved
        # as a Chinese or Japanese keyboard types them, fullwidth: JPA-9 and W3
        [moved] = await bot.say("nz-cochair", "/deadline ＪＰＡ－９ Ｗ３ 2027-04-20")
        assert moved.startswith("New due date: JPA-9 · W3"), moved
        for date in ("16 Apr 2027", "16 Apr"):  # refused alike, the window read alike
            [ascii_] = await bot.say("nz-cochair", f"/deadline W2 {date}")
            assert await bot.say("nz-cochair", f"/deadline W٢ {date}") == [ascii_]
        [mixed] = await bot.say("my-fp", "/return JPA-9 W1٢ arrests 3")  # W12? W1 and W2?
        assert "١٢" not in mixed and "1٢" in mixed, mixed  # refused: the digits of two scripts
        assert len(await bot.rows("SELECT * FROM return_drafts")) == 0
    finally:
        await bot.stop()
