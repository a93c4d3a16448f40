"""The quickest proof that the core answers."""

from tests.harness import Harness


async def test_ping_answers_pong(bot: Harness) -> None:
    assert await bot.say("th-fp", "/ping 7") == ["pong 7"]
