"""A button's label typed where chat shows buttons as words (console, SMS, email) presses
it, as long as its message is the last one its reader was sent (found by a trial: typing
'Acknowledge' under a request's page was 'I only understand commands')."""

from pathlib import Path

from tests.harness import Harness, shipped_settings


async def test_typing_a_buttons_label_presses_it_while_its_message_is_last(
    tmp_path: Path,
) -> None:
    bot: Harness = await Harness(tmp_path / "bot.db", shipped_settings()).start()
    rid = await bot.file_request("TH #info Vessel owner, please", by="au-officer")
    [page] = [m for m in bot.inbox("th-fp") if rid in m]
    [told] = await bot.say("th-fp", "Acknowledge")
    assert told.startswith(f"You acknowledged {rid}"), told
    [(status,)] = await bot.rows("SELECT status FROM requests WHERE id = ?", [rid])
    assert status == "acknowledged"
    [again] = await bot.say("th-fp", "acknowledge")  # its message is no longer the last
    assert again.startswith("I only understand commands"), again
    await bot.stop()
