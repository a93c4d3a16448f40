"""/broadcast ack as people use it: a broadcast's id ending a sentence (``B-1.``) is still
the id, as a request's is (it answered "There is no broadcast B-1. addressed to you"); and
acknowledging a broadcast whose copy waits for one's quiet hours still gives its text (the
held copy was withdrawn and the text never arrived)."""

from datetime import timedelta
from pathlib import Path

from bot.config import QuietHoursSettings
from tests.broadcast_support import broadcast
from tests.harness import Harness
from tests.returns_support import move_to, running
from tests.test_handover_held import NIGHT_IN_BANGKOK

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


async def test_acknowledged_at_night_the_text_comes_with_the_thanks(tmp_path: Path) -> None:
    bot = await running(tmp_path, quiet_hours=QuietHoursSettings())  # 21:00-07:00 local
    move_to(bot, NIGHT_IN_BANGKOK)  # 23:30 in Bangkok: th-fp's copy waits for 07:00
    await broadcast(bot, "nz-cochair", TEXT)
    assert bot.inbox("th-fp") == []
    [thanks] = await bot.say("th-fp", "/broadcast ack B-1")  # told of it by a colleague
    assert thanks == (
        "Thank you; B-1 is acknowledged.\n\n"
        "JPA-9 · message from Aroha Cochair-Example, co-chair (B-1):\n\n"
        "Returns for W1 are due on 7 February; please send them by then."
    ), thanks
    [again] = await bot.say("th-fp", "/broadcast ack B-1")
    assert again == "You had already acknowledged B-1. Thank you."
    await bot.advance(timedelta(hours=8))  # the held copy would ask again for what is done
    assert bot.inbox("th-fp") == [thanks, again]
    assert await bot.say("my-fp", "/broadcast ack B-1") == ["Thank you; B-1 is acknowledged."]
    await bot.stop()
