"""A button's label typed where chat shows buttons as words (console, SMS, email) presses
it: the last question's first (found by a trial: typing 'Acknowledge' under a request's page
was 'I only understand commands'), else the one earlier question of the last 12 hours that
had it (found by a trial: typed after another answer, it was not understood); when several
earlier questions had it, the reader is asked which, by command."""

from datetime import timedelta
from pathlib import Path

from tests.harness import Harness, shipped_settings
from tests.returns_support import move_to


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
    await bot.stop()


async def test_a_label_typed_after_another_answer_presses_the_earlier_questions_button(
    tmp_path: Path,
) -> None:
    bot: Harness = await Harness(tmp_path / "bot.db", shipped_settings()).start()
    rid = await bot.file_request("TH #info Vessel owner, please", by="au-officer")
    await bot.say("th-fp", "/whoami")  # a later answer, without buttons
    [told] = await bot.say("th-fp", "Acknowledge")
    assert told.startswith(f"You acknowledged {rid}"), told
    [(status,)] = await bot.rows("SELECT status FROM requests WHERE id = ?", [rid])
    assert status == "acknowledged"
    await bot.stop()


async def test_a_label_on_several_earlier_questions_asks_which_and_changes_nothing(
    tmp_path: Path,
) -> None:
    bot: Harness = await Harness(tmp_path / "bot.db", shipped_settings()).start()
    first = await bot.file_request("TH #info Vessel owner, please", by="au-officer")
    second = await bot.file_request("TH #info Crew list, please", by="au-officer")
    await bot.say("th-fp", "/whoami")
    [asked] = await bot.say("th-fp", "acknowledge")
    assert asked.startswith("Earlier messages have more than one button with that name"), asked
    assert asked.index(f"/ack {second}") < asked.index(f"/ack {first}"), asked  # newest first
    statuses = await bot.rows("SELECT status FROM requests ORDER BY id")
    assert statuses == [("open",), ("open",)]
    await bot.stop()


async def test_a_label_of_a_question_older_than_twelve_hours_is_not_pressed(
    tmp_path: Path,
) -> None:
    bot: Harness = await Harness(tmp_path / "bot.db", shipped_settings()).start()
    rid = await bot.file_request("TH #info Vessel owner, please", by="au-officer")
    await bot.say("th-fp", "/whoami")
    move_to(bot, bot.clock.now() + timedelta(hours=13))
    [told] = await bot.say("th-fp", "Acknowledge")
    assert told.startswith("I only understand commands"), told
    [(status,)] = await bot.rows("SELECT status FROM requests WHERE id = ?", [rid])
    assert status == "open"
    await bot.stop()
