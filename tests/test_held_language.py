"""A message held for its reader's quiet hours goes in the language they read when it is
released: Thailand's focal point, notified of a request at 23:30 their time, chose Arabic
before the morning and still woke up to the English notice queued the night before (the
only message after the switch not in Arabic). Held rows keep their source; the release says
it again, in the same transaction, so delivery, a restart and other replicas send the new
text. (Choosing it in chat at night, they are at work: what waited is released at once, in
the new language; an operator's import changes it while they sleep.)"""

import asyncio
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import QuietHoursSettings
from tests.harness import SHIPPED_CONFIG, Harness, execute_on, shipped_settings
from tests.returns_support import move_to

NIGHT_IN_BANGKOK = datetime(2027, 1, 20, 16, 30, tzinfo=UTC)  # 23:30 there: held until 07:00
MORNING_IN_BANGKOK = datetime(2027, 1, 20, 3, 0, tzinfo=UTC)  # 10:00 there: sent at once
REQUEST = "TH routine Passport check for a suspect"
ANOTHER = "TH routine Passport check for another suspect"  # not taken for the same one again
NOTICE = "Request {id} from Alexo Officer-Example (Australia) to Thailand · information"
ARABIC, THAI = re.compile(r"[\u0600-\u06ff]"), re.compile(r"[\u0e00-\u0e7f]")


async def at(tmp_path: Path, moment: datetime) -> Harness:
    """The shipped configuration with quiet hours (21:00-07:00 local), its clock at ``moment``."""
    bot = Harness(tmp_path / "bot.db", shipped_settings(quiet_hours=QuietHoursSettings()))
    move_to(bot, moment)
    return await bot.start()


async def held_notice(bot: Harness, request_id: str) -> tuple[str, str, str | None]:
    """th-fp's notice of ``request_id`` as the outbox holds it: text, buttons, language."""
    [row] = await bot.rows(
        "SELECT text, buttons, source_language FROM outbox WHERE person_id = 'th-fp' "
        "AND subject = ?",
        [request_id],
    )
    return row


def received(bot: Harness, request_id: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """What th-fp received about ``request_id``: each message's text and buttons."""
    return [
        (d.message.text, tuple((b.label, b.command) for b in d.message.buttons))
        for d in bot.chat.sent
        if d.message.address == "th-fp" and request_id in d.message.text
    ]


async def test_a_notice_held_overnight_goes_in_the_language_chosen_meanwhile(
    tmp_path: Path,
) -> None:
    bot = await at(tmp_path, NIGHT_IN_BANGKOK)
    first = await bot.file_request(REQUEST)
    assert (await held_notice(bot, first))[0].startswith(NOTICE.format(id=first))  # English
    assert not received(bot, first)  # asleep: it waits for 07:00
    *_released, answer = await bot.say("th-fp", "/language ar")  # at work: it comes now
    assert ARABIC.search(answer), answer
    second = await bot.file_request(ANOTHER)  # queued for an Arabic reader from the start
    [(text, buttons)] = received(bot, first)
    [(arabic, arabic_buttons)] = received(bot, second)
    as_if_queued_in_arabic = arabic.replace(second, first).replace("another", "a")
    assert text == as_if_queued_in_arabic, text
    assert ARABIC.search(text) and "Passport check for a suspect" in text, text
    [(label, command)] = buttons
    assert ARABIC.search(label) and command == f"/ack {first}", buttons
    assert arabic_buttons == ((label, f"/ack {second}"),)
    stored_text, stored_buttons, language = await held_notice(bot, first)
    assert (stored_text, language) == (text, "ar")  # what a restart or replica would send
    assert json.loads(stored_buttons) == [[label, command]]
    await bot.stop()


async def test_a_notice_held_overnight_goes_as_queued_when_the_language_stays(
    tmp_path: Path,
) -> None:
    bot = await at(tmp_path, NIGHT_IN_BANGKOK)
    request_id = await bot.file_request(REQUEST)
    queued, queued_buttons, language = await held_notice(bot, request_id)
    assert language == "en"

    await bot.advance(timedelta(hours=8))
    [(text, buttons)] = received(bot, request_id)
    assert text == queued and text.startswith(NOTICE.format(id=request_id)), text
    assert buttons == (("Acknowledge", f"/ack {request_id}"),)
    assert await held_notice(bot, request_id) == (queued, queued_buttons, "en")
    await bot.stop()


async def test_a_restart_before_the_release_keeps_the_language_set_meanwhile(
    tmp_path: Path,
) -> None:
    bot = await at(tmp_path, NIGHT_IN_BANGKOK)
    request_id = await bot.file_request(REQUEST)
    await bot.stop()
    people = tmp_path / "people.csv"  # the operator's roster, with th-fp reading Thai
    people.write_text("id,name,country,roles,language\nth-fp,Niran Example,TH,focal_point,th\n")
    base = ["--config", str(SHIPPED_CONFIG), "--database", bot.database]
    command = ["directory", "import", str(people), *base]
    imported = await asyncio.to_thread(CliRunner().invoke, main, command)  # its own loop
    assert imported.exit_code == 0, imported.output
    await bot.start()

    await bot.advance(timedelta(hours=8))
    [(text, [(label, command)])] = received(bot, request_id)
    assert THAI.search(text) and THAI.search(label), (text, label)
    assert not text.startswith("Request") and command == f"/ack {request_id}"
    await bot.stop()


async def test_a_notice_sent_at_once_keeps_no_source(tmp_path: Path) -> None:
    """Only a held message pays for keeping its source (the outbox insert is on every path)."""
    bot = await at(tmp_path, MORNING_IN_BANGKOK)
    request_id = await bot.file_request(REQUEST)
    assert received(bot, request_id)
    rows = await bot.rows("SELECT source, source_language FROM outbox")
    assert rows and set(rows) == {(None, None)}, rows
    await bot.stop()


@pytest.mark.parametrize(
    "tampered",
    [
        "substr(source, 1, 40)",  # cut short
        '\'[["msg", "{x}", {"x": ["os.system", "id"]}], ["msg", "Acknowledge"]]\'',
        '\'[["holiday", "Songkran", "XX", "2027-04-13"], ["msg", "Acknowledge"]]\'',
        '\'[["msg", "Request {id}", {"id": "R-1"}]]\'',  # its button's label missing
    ],
    ids=["truncated", "unknown tag", "no such country's holidays", "a label short"],
)
async def test_a_source_altered_in_the_database_falls_back_to_the_queued_text(
    tmp_path: Path, tampered: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await at(tmp_path, NIGHT_IN_BANGKOK)
    request_id = await bot.file_request(REQUEST)
    queued, queued_buttons, _language = await held_notice(bot, request_id)
    execute_on(bot.database, f"UPDATE outbox SET source = {tampered} WHERE source IS NOT NULL")
    with caplog.at_level(logging.WARNING, logger="bot.delivery.held"):
        await bot.say("th-fp", "/language ar")  # at work at night: what waited is released
    assert received(bot, request_id) == [(queued, (("Acknowledge", f"/ack {request_id}"),))]
    assert await held_notice(bot, request_id) == (queued, queued_buttons, "en")
    assert any("as queued" in r.getMessage() for r in caplog.records), caplog.records
    await bot.stop()
