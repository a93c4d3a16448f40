"""An edited message changes nothing, and says so: a member who corrects a typo in a /reply
or a /request by editing it learns that the correction did not go, and how to send it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.events import TextMessage
from tests.harness import Harness


async def test_an_edit_is_answered_and_changes_nothing(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    before = await bot.rows("SELECT COUNT(*) FROM requests")
    edit = bot.chat.event("au-officer", "/request TH Check passport N1234567")
    assert isinstance(edit, TextMessage)
    await bot.app.submit(replace(edit, edited=True))
    await bot.settle()
    assert "I do not act on edited messages" in bot.last("au-officer")
    assert "/reply <id> <the correction>" in bot.last("au-officer")
    assert await bot.rows("SELECT COUNT(*) FROM requests") == before
    await bot.stop()
