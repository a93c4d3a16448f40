"""/broadcast CODE <text> where CODE is no open period's: it was broadcast to the current period
with the code as its first word ("JPA-5 hello"); and ``/broadcast JPA-4 send`` replaced the
broadcast waiting with one whose text was "send". Both are refused and change nothing."""

from pathlib import Path

from tests.harness import Harness
from tests.returns_support import running

WAITING = (
    "You have a broadcast waiting to be sent: /broadcast send sends it, /broadcast cancel drops it."
)


async def drafts(bot: Harness) -> list[tuple[int, str, str]]:
    return await bot.rows("SELECT n, status, text FROM broadcast_drafts ORDER BY n")


async def test_a_code_no_period_has_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)  # JPA-9 open
    await bot.say("nz-cochair", "/broadcast Returns are due Friday")
    before = await drafts(bot)
    for code, named in (("JPA-5", "JPA-5"), ("jpa-5:", "JPA-5"), ("JPA5", "JPA5")) + (
        ("ＪＰＡ－５", "JPA-5"),  # fullwidth, as a Chinese or Japanese keyboard types it
        ("JPA－5", "JPA-5"),
    ):
        [refused] = await bot.say("nz-cochair", f"/broadcast {code} hello")
        assert refused == f"There is no period {named}; the open period is JPA-9.", refused
    assert await drafts(bot) == before
    [news] = await bot.say("nz-cochair", "/broadcast COVID-19 rules apply at the border")
    assert "\n\nCOVID-19 rules apply at the border\n\n" in news  # not a period's letters
    await bot.stop()


async def test_a_closed_period_is_refused(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    assert "is closed" in (await bot.say("lk-cochair", "/period close confirm"))[0]
    assert await bot.say("nz-cochair", "/broadcast JPA-9 hello") == [
        "JPA-9 is closed; broadcasts go only to an open period."
    ]
    assert await bot.say("nz-cochair", "/broadcast JPA-7 hello") == [
        "There is no period JPA-7. /period shows the current one."
    ]
    assert await drafts(bot) == []
    await bot.stop()


async def test_a_command_after_the_code_is_not_the_news(tmp_path: Path) -> None:
    bot = await running(tmp_path)
    await bot.say("nz-cochair", "/broadcast Returns are due Friday")
    for words in ("send", "SEND 1", "cancel", "status B-1", "ack B-1"):
        [refused] = await bot.say("nz-cochair", f"/broadcast JPA-9 {words}")
        assert refused == (
            f"“{words}” after JPA-9 is a command, not a message: write /broadcast {words}, "
            f"without the period's code.\n{WAITING}"
        ), refused
    assert await drafts(bot) == [(1, "pending", "Returns are due Friday")]
    [news] = await bot.say("nz-cochair", "/broadcast JPA-9 send the W1 figures by Friday")
    assert "\n\nsend the W1 figures by Friday\n\n" in news  # a message that starts with send
    await bot.stop()
