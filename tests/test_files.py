"""Files on requests through the whole app (the in-memory console channel): attached with
/request, /reply and /attach, relayed to the other side as files from the encrypted store,
listed by /show and re-sent by /file; refused over a limit or of a forbidden type with nothing
stored; a redelivery stored and relayed once; purged with their request."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.memory import MemoryAdapter
from bot.audit.retention import purge
from bot.cli import main
from bot.config import RetentionSettings
from bot.files.blobs import BlobError, BlobStore, new_key, parse_key
from bot.files.intake import rekey_files, sweep_files
from tests.files_support import KEY_ENV, pdf, png, sha, windows_program, write
from tests.harness import SHIPPED_CONFIG, Harness, settings_preferring, shipped_settings

RID = "R-2026-0001"


def blobs_of(bot: Harness) -> list[Path]:
    root = Path(bot.settings.files.directory)
    return [p for p in root.glob("??/*") if p.is_file()]


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


async def test_a_photo_with_a_request_reaches_the_focal_point_decrypted_and_is_stored_encrypted(
    bot: Harness, tmp_path: Path
) -> None:
    photo = png()
    answer = await bot.say(
        "au-officer",
        "/request TH urgent Who is this?",
        files=[write(tmp_path, "suspect.png", photo)],
    )
    assert "1 file attached" in answer[0], answer
    [(name, digest)] = files_sent(bot, "th-fp")
    assert name == "suspect.png" and digest == sha(photo)
    relayed = [t for t in bot.inbox("th-fp") if "sent a photo" in t]
    assert relayed and RID in relayed[0] and "Alexo Officer-Example" in relayed[0]
    [blob] = blobs_of(bot)
    assert blob.name == sha(photo)
    stored = blob.read_bytes()
    assert photo[:64] not in stored and photo[-64:] not in stored  # encrypted at rest
    [row] = await bot.rows("SELECT n, size, mime, kind, sender_id FROM request_files")
    assert row == (1, len(photo), "image/png", "photo", "au-officer")
    [detail] = await bot.rows("SELECT detail FROM audit WHERE action = 'file.attached'")
    assert sha(photo) in detail[0] and "suspect" not in detail[0]  # by hash, never by name


async def test_reply_and_attach_carry_files_back_and_show_lists_them(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.file_request("TH Crew list of the KM Jaya please")
    crew = pdf()
    await bot.say("th-fp", f"/reply {RID} Here it is", files=[write(tmp_path, "crew.pdf", crew)])
    assert files_sent(bot, "au-officer") == [("crew.pdf", sha(crew))]
    photo = png(seed=2)
    answer = await bot.say(
        "au-officer", f"attach to {RID}", files=[write(tmp_path, "a.png", photo)]
    )
    assert "1 file added to" in answer[0], answer
    assert ("a.png", sha(photo)) in files_sent(bot, "th-fp")
    shown = (await bot.say("th-fp", f"/show {RID}"))[0]
    assert "1. crew.pdf · document" in shown and "2. a.png · photo" in shown
    # each file's time written like the thread's above it (the reader's way, their zone)
    [stamp] = re.findall(r"1\. crew\.pdf · document, [^·]+ · Niran Example · (.+)", shown)
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC\+7", stamp), stamp
    again = await bot.say("th-fp", f"/file {RID} 1")
    assert "file 1: crew.pdf" in again[0]
    assert files_sent(bot, "th-fp")[-1] == ("crew.pdf", sha(crew))
    assert "has no file 9" in (await bot.say("th-fp", f"/file {RID} 9"))[0]
    huge = "9" * 23  # beyond what the database compares: still just "no such file"
    assert f"has no file {int(huge):,}" in (await bot.say("th-fp", f"/file {RID} {huge}"))[0]
    assert "Which request" in (await bot.say("th-fp", f"/file {RID} ²"))[0]


async def test_a_stranger_to_the_request_cannot_fetch_its_files(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.say("au-officer", "/request TH Photo", files=[write(tmp_path, "p.png", png())])
    answer = await bot.say("my-fp", f"/file {RID} 1")
    assert "No such request" in answer[0]
    assert files_sent(bot, "my-fp") == []


async def test_oversize_and_forbidden_files_are_refused_with_nothing_stored(
    tmp_path: Path, files_key: str
) -> None:
    settings = shipped_settings()
    small = settings.files.model_copy(update={"max_mb": 0.01})  # about 10 KB
    bot = await Harness(tmp_path / "bot.db", settings.model_copy(update={"files": small})).start()
    try:
        big = await bot.say(
            "au-officer", "/request TH Scan", files=[write(tmp_path, "s.pdf", pdf(50_000))]
        )
        assert "larger than 10 KB" in big[0] and "nothing was changed" in big[0], big
        exe = await bot.say(
            "au-officer",
            "/request TH Invoice",
            files=[write(tmp_path, "invoice.pdf", windows_program())],
        )
        assert "can't take that kind of file" in exe[0] and "PDF" in exe[0], exe
        assert await bot.rows("SELECT COUNT(*) FROM requests") == [(0,)]
        assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
        assert blobs_of(bot) == []
        assert not any((Path(bot.settings.files.directory) / "tmp").glob("*"))
        assert bot.inbox("th-fp") == []
    finally:
        await bot.stop()


async def test_the_size_refusal_names_the_limit(tmp_path: Path, files_key: str) -> None:
    settings = shipped_settings()
    limit = settings.files.model_copy(update={"max_mb": 1})
    bot = await Harness(tmp_path / "bot.db", settings.model_copy(update={"files": limit})).start()
    try:
        answer = await bot.say(
            "au-officer", "/request TH Scan", files=[write(tmp_path, "s.pdf", pdf(1_200_000))]
        )
        assert "larger than 1 MB" in answer[0], answer
    finally:
        await bot.stop()


async def test_a_redelivered_file_is_stored_once_and_relayed_once(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.file_request("TH Passport check")
    path = write(tmp_path, "passport.png", png())
    assert bot.app is not None
    for _ in range(2):  # the platform sends the same event again
        await bot.app.submit(
            bot.chat.event("au-officer", f"/attach {RID}", event_id="e-1", files=[path])
        )
    await bot.settle()
    # the same content in a new message is not relayed twice either
    again = await bot.say("au-officer", f"/attach {RID}", files=[path])
    assert "already has that file" in again[0]
    assert len(files_sent(bot, "th-fp")) == 1
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(1,)]
    assert len(blobs_of(bot)) == 1


async def test_a_file_to_a_pointer_only_channel_never_travels(
    tmp_path: Path, files_key: str
) -> None:
    line = MemoryAdapter("line")  # a channel the shipped bot.toml makes pointer-only
    bot = Harness(tmp_path / "bot.db", settings_preferring("line", "th-fp"), [line])
    await bot.start()
    try:
        await bot.say("au-officer", "/request TH Photo", files=[write(tmp_path, "p.png", png())])
        rows = await bot.rows(
            "SELECT text, attachment FROM outbox WHERE channel = 'line' ORDER BY id"
        )
        assert rows and all(attachment is None for _, attachment in rows)
        assert any(f"{RID} has a new file — open it on" in text for text, _ in rows), rows
        assert not any("p.png" in text for text, _ in rows)
        # the file went where the pointer says (the console stands in for an approved channel)
        assert [name for name, _sha in files_sent(bot, "th-fp")] == ["p.png"]
        delivered = [d.message for d in line.sent]
        assert delivered and all(m.attachment is None for m in delivered)
        assert line.received == {}
    finally:
        await bot.stop()


async def test_a_file_sent_alone_waits_for_attach_to_and_other_commands_do_not_keep_files(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.file_request("TH Photo of the vessel please")
    photo = png()
    held = await bot.say("au-officer", "", files=[write(tmp_path, "v.png", photo)])
    assert "Which request is it for?" in held[0]
    assert files_sent(bot, "th-fp") == []
    answer = await bot.say("au-officer", f"attach to {RID}")
    assert "1 file added to" in answer[0], answer
    assert files_sent(bot, "th-fp") == [("v.png", sha(photo))]
    nothing = await bot.say("au-officer", f"/attach {RID}")  # nothing held any more
    assert "Send the file with /attach" in nothing[0]
    helped = await bot.say("au-officer", "/ping", files=[write(tmp_path, "p.png", png(seed=3))])
    assert any("did not keep the file" in t for t in helped), helped
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(1,)]


async def test_a_held_file_expires_after_an_hour(bot: Harness, tmp_path: Path) -> None:
    await bot.file_request("TH Photo of the vessel please")
    await bot.say("au-officer", "", files=[write(tmp_path, "v.png", png())])
    await bot.advance(timedelta(minutes=61))
    late = await bot.say("au-officer", f"attach to {RID}")
    assert "Send the file with /attach" in late[0]
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]


async def test_files_are_refused_politely_without_a_key(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    try:
        answer = await bot.say(
            "au-officer", "/request TH Photo", files=[write(tmp_path, "p.png", png())]
        )  # the request is filed all the same; only the file is refused
        assert answer[0].startswith(f"Request {RID} sent to Thailand"), answer
        assert answer[0].endswith(
            " Files are not enabled on this bot, so I did not keep your file."
        ), answer
        assert await bot.rows("SELECT COUNT(*) FROM requests") == [(1,)]
        assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]
    finally:
        await bot.stop()


async def test_purge_removes_the_blob_with_its_request(bot: Harness, tmp_path: Path) -> None:
    await bot.say("au-officer", "/request TH Photo", files=[write(tmp_path, "p.png", png())])
    await bot.say("au-officer", f"/close {RID} done")
    await bot.advance(timedelta(days=31))
    assert bot.app is not None
    [blob] = blobs_of(bot)
    old = time.time() - 7200
    os.utime(blob, (old, old))  # stored two hours ago: past the sweep's grace
    keep = RetentionSettings(closed_requests=timedelta(days=30))
    now = bot.clock.now()
    done = await bot.app.store.run(lambda db: purge(db, now, keep))
    assert done.requests == 1 and done.files == 1
    files = bot.settings.files
    assert await bot.app.store.run(lambda db: sweep_files(db, files)) == 1
    assert blobs_of(bot) == []
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]


async def test_purge_without_the_key_deletes_the_blobs_and_says_how_many(
    bot: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`focalbot purge` run without FOCALBOT_FILES_KEY left a purged request's encrypted file
    on disk and said "0" (deleting needs no key), and said "1 closed requests"."""
    await bot.say("au-officer", "/request TH Photo", files=[write(tmp_path, "p.png", png())])
    await bot.say("au-officer", f"/close {RID} done")
    assert bot.app is not None
    closed_long_ago = "UPDATE requests SET closed_at = '2001-01-01T00:00:00+00:00'"
    await bot.app.store.run(lambda db: db.execute(closed_long_ago))
    [blob] = blobs_of(bot)
    old = time.time() - 7200
    os.utime(blob, (old, old))  # stored two hours ago: past the sweep's grace
    config = tmp_path / "bot.toml"
    files = bot.settings.files.directory
    config.write_text(
        SHIPPED_CONFIG.read_text().replace('directory = ""', f"directory = {files!r}", 1)
    )
    monkeypatch.delenv(KEY_ENV)
    done = await asyncio.to_thread(
        CliRunner().invoke, main, ["purge", "--config", str(config), "--database", bot.database]
    )
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Removed 1 closed request (with its thread and 1 file), ")
    assert "Removed 1 stored " in done.output
    assert blobs_of(bot) == []
    assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(0,)]


async def test_a_file_name_cannot_hide_its_extension_or_a_path(
    bot: Harness, tmp_path: Path
) -> None:
    sneaky = "invoice\u202egpj.pdf"  # shows as "invoicefdp.jpg" where bidi overrides work
    await bot.say("au-officer", "/request TH Invoice", files=[write(tmp_path, sneaky, pdf())])
    [(name, _)] = files_sent(bot, "th-fp")
    assert name == "invoicegpj.pdf"


class SmallUploads(MemoryAdapter):
    """A channel whose platform takes files of at most 1,000 bytes."""

    max_upload = 1000


async def test_a_file_over_a_channels_upload_limit_goes_as_text_with_a_note(
    tmp_path: Path, files_key: str
) -> None:
    bot = Harness(tmp_path / "bot.db", chat_factory=SmallUploads)
    await bot.start()
    try:
        await bot.say("au-officer", "/request TH Scan", files=[write(tmp_path, "s.pdf", pdf())])
        assert files_sent(bot, "th-fp") == []
        [note] = [t for t in bot.inbox("th-fp") if "sent a document" in t]
        assert "s.pdf cannot be sent on this channel" in note
        assert await bot.rows("SELECT COUNT(*) FROM request_files") == [(1,)]  # still kept
    finally:
        await bot.stop()


async def test_files_stay_readable_through_a_key_rotation(
    bot: Harness, tmp_path: Path, files_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    crew = pdf()
    await bot.say("au-officer", "/request TH Crew list", files=[write(tmp_path, "c.pdf", crew)])
    new = new_key()
    monkeypatch.setenv("FOCALBOT_FILES_KEY", new)
    monkeypatch.setenv("FOCALBOT_FILES_EARLIER_KEYS", files_key)
    await bot.restart()  # deployed with the new key, the old one kept for reading
    await bot.say("th-fp", f"/file {RID} 1")
    assert files_sent(bot, "th-fp")[-1] == ("c.pdf", sha(crew))
    assert bot.app is not None and bot.app.blobs is not None
    blobs = bot.app.blobs
    assert await asyncio.to_thread(rekey_files, blobs) == (1, 0, [])
    monkeypatch.delenv("FOCALBOT_FILES_EARLIER_KEYS")
    await bot.restart()  # the old key dropped
    await bot.say("th-fp", f"/file {RID} 1")
    assert files_sent(bot, "th-fp")[-1] == ("c.pdf", sha(crew))
    [blob] = blobs_of(bot)
    with pytest.raises(BlobError):
        b"".join(BlobStore(blob.parent.parent, parse_key(files_key)).read(blob.name))


async def test_a_file_the_key_cannot_open_is_said_to_the_reader_and_the_admins(
    bot: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.say("au-officer", "/request TH Crew list", files=[write(tmp_path, "c.pdf", pdf())])
    monkeypatch.setenv("FOCALBOT_FILES_KEY", new_key())  # a new key, the old one not kept
    await bot.restart()
    await bot.say("th-fp", f"/file {RID} 1")
    await bot.settle()
    told = bot.last("th-fp")  # not silence: the text, and why the file is missing
    assert f"{RID} · file 1: c.pdf" in told
    assert "I could not send the file c.pdf: it cannot be opened here" in told
    assert "Check FOCALBOT_FILES_KEY" in bot.last("admin")
    assert "failed" not in [s for (s,) in await bot.rows("SELECT status FROM outbox")][-1:]
