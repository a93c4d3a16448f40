"""Files by email, over real SMTP (aiosmtpd receiving, aiosmtplib sending): a photo filed with
a request reaches a focal point as an attachment; their reply's attached PDF reaches the
officer; a forbidden attachment is refused with nothing stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.files_support import pdf, png, sha, windows_program, write
from tests.harness import Harness  # noqa: F401  (the module runs on both engines)
from tests.test_email import AINA, World, start_world


@pytest.fixture
async def world(tmp_path: Path, files_key: str) -> AsyncIterator[World]:
    w = await start_world(tmp_path)
    yield w
    await w.stop()


def attachments(mail: object) -> list[tuple[str, bytes]]:
    return [
        (str(part.get_filename()), part.get_payload(decode=True))
        for part in mail.message.iter_attachments()  # type: ignore[attr-defined]
    ]


async def test_a_photo_goes_out_as_an_attachment_and_a_replied_pdf_comes_back(
    world: World, tmp_path: Path
) -> None:
    photo = png()
    await world.bot.say(
        "au-officer", "/request MY Who is this?", files=[write(tmp_path, "face.png", photo)]
    )
    await world.bot.settle()
    await world.relay.wait_for(lambda: any(attachments(m) for m in world.relay.to(AINA)), within=15)
    [with_file] = [m for m in world.relay.to(AINA) if attachments(m)]
    assert attachments(with_file) == [("face.png", photo)]
    assert "R-2026-0001" in with_file.subject and "sent a photo" in with_file.body

    ledger = pdf(20_000)
    answer = world.aina.reply(with_file, "Known to us; his ledger attached.")
    answer.add_attachment(ledger, maintype="application", subtype="pdf", filename="ledger.pdf")
    await world.deliver(world.aina, answer)
    await world.bot.settle()
    sent = [
        (d.message.attachment.filename, world.bot.chat.received[d.message.id])
        for d in world.bot.chat.sent
        if d.message.address == "au-officer" and d.message.attachment is not None
    ]
    assert sent == [("ledger.pdf", sha(ledger))]
    rows = await world.bot.rows("SELECT sender_id, mime FROM request_files ORDER BY n")
    assert rows == [("au-officer", "image/png"), ("my-fp", "application/pdf")]


async def test_a_forbidden_attachment_is_refused_with_nothing_stored(
    world: World, tmp_path: Path
) -> None:
    await world.bot.file_request("MY Check this invoice")
    first = await world.mail_to(AINA)
    answer = world.aina.reply(first, "Here is the file.")
    answer.add_attachment(
        windows_program(), maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    await world.deliver(world.aina, answer)
    refusal = await world.mail_to(AINA, count=2)
    assert "can't take that kind of file" in refusal.body
    assert await world.bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
    assert await world.bot.rows("SELECT COUNT(*) FROM request_messages WHERE kind = 'reply'") == [
        (0,)
    ]
