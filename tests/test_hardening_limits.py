"""Every free-text field has a length limit: the refusal names it and nothing is stored or sent.

One case per handler family: periods (the name, in one line and guided), requests (text,
reply, referral note, outcome), broadcasts (the body) and returns (a text figure).
"""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import counts, running

HUGE = "A" * 100_001


async def outbox_size(bot: Harness) -> int:
    return (await bot.rows("SELECT COUNT(*) FROM outbox"))[0][0]


async def refused(bot: Harness, person: str, text: str, limit: str) -> None:
    """``text`` is refused naming ``limit``; no table changes, only the refusal is sent."""
    before, sent = await counts(bot), await outbox_size(bot)
    answer = await bot.say(person, text)
    assert len(answer) == 1 and f"the limit is {limit}" in answer[0], answer[0][:200]
    assert await counts(bot) == before
    assert await outbox_size(bot) == sent + 1


async def test_a_huge_period_name_in_one_line_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    line = f'/period open JPA-12 "{HUGE}" 2027-03-01 2027-08-31 monthly AU TH'
    await refused(bot, "nz-cochair", line, "120")
    assert await bot.rows("SELECT COUNT(*) FROM period_drafts") == [(0,)]
    assert not any(HUGE[:200] in m for m in bot.inbox("th-fp"))
    ok = await bot.say("nz-cochair", '/period open JPA-12 "Twelfth" 2027-03-01 2027-08-31 final TH')
    assert ok[0].startswith("Open JPA-12 — Twelfth?")
    await bot.stop()


async def test_a_huge_guided_period_name_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/period open JPA-12")
    before = await bot.rows("SELECT fields FROM period_drafts")
    [answer] = await bot.say("nz-cochair", HUGE)
    assert "120 characters" in answer
    assert await bot.rows("SELECT fields FROM period_drafts") == before
    await bot.stop()


async def test_request_texts_are_limited(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    rid = await bot.file_request("TH urgent Two women need shelter")
    messages = await bot.rows("SELECT COUNT(*) FROM request_messages")
    await refused(bot, "au-officer", f"/reply {rid} {HUGE}", "3,000")
    await refused(bot, "th-fp", f"/refer {rid} MY {HUGE}", "3,000")
    await refused(bot, "th-fp", f"/close {rid} {HUGE}", "3,000")
    assert await bot.rows("SELECT COUNT(*) FROM request_messages") == messages
    assert await bot.rows("SELECT target_country, status FROM requests") == [("TH", "open")]
    await bot.stop()


async def test_a_huge_broadcast_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await refused(bot, "nz-cochair", f"/broadcast {HUGE}", "3,000")
    assert not any(HUGE[:200] in m for m in bot.inbox("th-fp"))
    await bot.stop()


async def test_a_huge_text_figure_in_a_return_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    before = await counts(bot)
    [answer] = await bot.say("th-fp", f"/return notes: {HUGE}")
    assert "under 300 characters" in answer
    assert await counts(bot) == before
    await bot.stop()
