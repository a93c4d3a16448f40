"""``focalbot directory handover`` tells the outgoing person, in their language, as the chat's
/handover does: the notice to them was withdrawn by their revocation in the same unit, so they
never learnt their access had ended."""

import asyncio
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.harness import Harness, awake_config, eventually, shipped_settings


async def test_the_cli_handover_tells_the_outgoing_person_in_their_language(
    tmp_path: Path,
) -> None:
    people = tuple(
        p.model_copy(update={"language": "th"}) if p.id == "th-fp" else p
        for p in shipped_settings().people
    )
    bot = await Harness(tmp_path / "bot.db", shipped_settings(people=people)).start()
    assert bot.app is not None
    request = await bot.file_request("TH routine Passport check for a suspect")
    await bot.press("th-fp", f"/ack {request}")
    bot.app.directory_poll = 0.05
    bot.app.spawn(bot.app._watch_directory(), "fast-watch")
    base = ["--config", str(awake_config()), "--database", bot.database]
    done = await asyncio.to_thread(
        CliRunner().invoke, main, ["directory", "handover", "th-fp", "th-deputy", *base]
    )
    assert done.exit_code == 0, done.output
    assert "handed over from th-fp to th-deputy: 1 open request" in done.output

    def told(person_id: str, words: str) -> bool:
        return any(words in message for message in bot.inbox(person_id))

    await eventually(lambda: told("th-deputy", "handed their open work to you"), 10, "successor")
    await eventually(lambda: told("th-fp", "ได้ส่งมอบให้ Nirana Deputy-Example"), 5, "predecessor")
    assert not told("th-fp", "handed over to")  # in Thai, not in English
    assert await bot.say("th-fp", "/ping") != ["pong"]  # and revoked all the same
    revoked = await bot.rows("SELECT revoked_at FROM people WHERE id = 'th-fp'")
    assert revoked[0][0] is not None
    await bot.stop()
