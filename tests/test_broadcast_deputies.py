"""A country whose focal point is gone hears broadcasts through its deputy, who answers for it
as for its requests and reminders (the preview said "No focal point in: Thailand" and the
broadcast went to the other countries alone)."""

from pathlib import Path

from tests.broadcast_support import broadcast
from tests.harness import Harness, shipped_settings
from tests.returns_support import PERIOD, running

TEXT = "/broadcast Returns for W1 are due on 7 February; please send them by then."


async def without_thai_focal_point(tmp_path: Path) -> Harness:
    """JPA-9 running; Thailand has its deputy, th-deputy, and no focal point."""
    people = tuple(p for p in shipped_settings().people if p.id != "th-fp")
    return await running(tmp_path, people=people)


async def test_the_deputy_of_a_country_without_focal_point_is_sent_it(tmp_path: Path) -> None:
    bot = await without_thai_focal_point(tmp_path)
    [preview] = await bot.say("nz-cochair", TEXT)
    assert preview.startswith(
        "Your broadcast to 7 focal points and 1 deputy in 8 countries of JPA-9, as they will "
        "read it:\n\n"
    ), preview
    [sent] = await bot.press("nz-cochair", "/broadcast send 1")
    assert sent.startswith("Broadcast B-1 queued for 7 focal points and 1 deputy in 8 countries.")
    assert "Returns for W1 are due on 7 February" in bot.last("th-deputy")
    assert await bot.say("th-deputy", "/broadcast ack B-1") == ["Thank you; B-1 is acknowledged."]
    [status] = await bot.say("nz-cochair", "/broadcast status B-1")
    assert status.startswith("B-1 (JPA-9): 8 of 8 delivered, 1 acknowledged."), status
    assert "• Thailand · Nirana Deputy-Example — delivered, acknowledged" in status
    await bot.stop()


async def test_a_deputy_alone_is_counted_as_a_deputy(tmp_path: Path) -> None:
    thailand = PERIOD.model_copy(update={"countries": ("TH",)})
    people = tuple(p for p in shipped_settings().people if p.id != "th-fp")
    bot = await running(tmp_path, periods=(thailand,), people=people)
    [sent] = await broadcast(bot, "nz-cochair", TEXT)
    assert sent.startswith("Broadcast B-1 queued for 1 deputy in 1 country."), sent
    await bot.stop()
