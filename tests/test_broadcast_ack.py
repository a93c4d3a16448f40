"""/broadcast ack as people type it: a broadcast's id ending a sentence (``B-1.``) is still
the id, as a request's is (it answered "There is no broadcast B-1. addressed to you")."""

from pathlib import Path

from tests.broadcast_support import broadcast
from tests.harness import Harness
from tests.returns_support import running

TEXT = "/broadcast Returns for W1 are due on 7 February; please send them by then."


async def sent(tmp_path: Path) -> Harness:
    """Running, with B-1 sent to the focal points of JPA-9."""
    bot = await running(tmp_path)
    await broadcast(bot, "nz-cochair", TEXT)
    return bot


async def test_an_id_ending_a_sentence_is_the_id(tmp_path: Path) -> None:
    bot = await sent(tmp_path)
    assert await bot.say("th-fp", "/broadcast ack B-1.") == ["Thank you; B-1 is acknowledged."]
    for typed in ("b-1,", "B-1:", "1;"):
        [again] = await bot.say("th-fp", f"/broadcast ack {typed}")
        assert again == "You had already acknowledged B-1. Thank you.", typed
    [status] = await bot.say("nz-cochair", "/broadcast status B-1.")
    assert status.startswith("B-1 (JPA-9): 8 of 8 delivered, 1 acknowledged."), status
    [unknown] = await bot.say("th-fp", "/broadcast ack B-7.")
    assert unknown == "There is no broadcast B-7 addressed to you.", unknown
    await bot.stop()
