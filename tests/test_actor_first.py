"""The person who acted hears back first; the fan-out to everyone else follows."""

from __future__ import annotations

from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.ports import Pacing
from tests.harness import Harness


class Paced(MemoryAdapter):
    """A channel held to 20 messages a second overall, like a platform's bot-wide limit."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel, Pacing(overall_rate=20.0))


async def test_the_cochair_hears_back_before_the_fan_out(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db", chat_factory=Paced).start()
    try:
        before = len(bot.chat.sent)
        await bot.say("nz-cochair", "/period open JPA-4 confirm")  # W1 is past due already
        sent = [d.message for d in bot.chat.sent[before:]]
        assert len(sent) >= 10  # every focal point of the period is told
        assert sent[0].address == "nz-cochair", [m.address for m in sent[:3]]
        assert "JPA-4 is open" in sent[0].text
    finally:
        await bot.stop()
