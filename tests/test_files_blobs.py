"""The encrypted blob store on its own: stored once by content, unreadable without the key,
and any damage (a flipped byte, a cut, chunks swapped, another key) refused rather than read
in part; the CLI makes keys and `check` says whether files are on."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.files.blobs import (
    CHUNK,
    MAGIC,
    BlobError,
    BlobStore,
    Rejected,
    TooLarge,
    new_key,
    parse_key,
)
from bot.files.intake import kind_of, sniff
from tests.files_support import pdf, png, sha, windows_program
from tests.harness import SHIPPED_CONFIG, created_database


async def stream(body: bytes, piece: int = 10_000) -> AsyncIterator[bytes]:
    for start in range(0, len(body), piece):
        yield body[start : start + piece]


def store(tmp_path: Path, key: str | None = None) -> BlobStore:
    return BlobStore(tmp_path / "blobs", parse_key(key or new_key()))


def put(blobs: BlobStore, body: bytes, limit: int = 10**9) -> str:
    return asyncio.run(blobs.put_stream(stream(body), limit)).sha256


def test_a_file_round_trips_and_is_named_by_its_content(tmp_path: Path) -> None:
    blobs, body = store(tmp_path), os.urandom(3 * CHUNK + 17)
    name = put(blobs, body)
    assert name == sha(body)
    assert b"".join(blobs.read(name)) == body
    raw = blobs.path_of(name).read_bytes()
    assert raw.startswith(MAGIC) and body[:1000] not in raw
    exported = blobs.export(name, ".bin")
    assert exported.read_bytes() == body
    assert put(blobs, body) == name and list(blobs.names()) == [name]  # stored once


def test_an_empty_file_and_one_of_exactly_one_chunk_round_trip(tmp_path: Path) -> None:
    blobs = store(tmp_path)
    for body in (b"", os.urandom(CHUNK)):
        assert b"".join(blobs.read(put(blobs, body))) == body


@pytest.mark.parametrize("damage", ["flip", "cut", "cut_whole_chunk", "swap", "append"])
def test_damage_is_refused_not_read_in_part(tmp_path: Path, damage: str) -> None:
    blobs, body = store(tmp_path), os.urandom(3 * CHUNK)
    name = put(blobs, body)
    path = blobs.path_of(name)
    raw = bytearray(path.read_bytes())
    sealed = 12 + 4 + CHUNK + 16  # one chunk on disk: nonce, length, ciphertext, tag
    first = len(MAGIC)
    if damage == "flip":
        raw[first + 100] ^= 1
    elif damage == "cut":
        raw = raw[:-50]
    elif damage == "cut_whole_chunk":
        raw = raw[: first + 2 * sealed]  # two whole chunks: neither is the last
    elif damage == "swap":
        one, two = raw[first : first + sealed], raw[first + sealed : first + 2 * sealed]
        raw[first : first + 2 * sealed] = two + one
    else:
        raw += raw[first : first + sealed]
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobError):
        b"".join(blobs.read(name))
    with pytest.raises(BlobError):
        blobs.export(name)
    assert list((blobs.root / "tmp").glob("*")) == []  # no partial plaintext left


def test_another_key_cannot_read_it(tmp_path: Path) -> None:
    name = put(store(tmp_path), b"crew list")
    with pytest.raises(BlobError):
        b"".join(store(tmp_path).read(name))


def test_over_the_limit_or_refused_by_type_nothing_is_kept(tmp_path: Path) -> None:
    blobs = store(tmp_path)
    with pytest.raises(TooLarge):
        put(blobs, os.urandom(50_000), limit=40_000)
    with pytest.raises(Rejected):
        asyncio.run(blobs.put_stream(stream(windows_program()), 10**6, lambda head: False))
    assert list(blobs.names()) == [] and list((blobs.root / "tmp").glob("*")) == []


def test_types_are_recognised_by_content() -> None:
    assert sniff(png()) == "image/png" and sniff(pdf()) == "application/pdf"
    assert sniff(b"Name,Passport\nAung,MA123\n") == "text/plain"
    assert sniff("ชื่อ".encode()[:-1]) == "text/plain"  # a character cut at the sniff's end
    assert sniff(windows_program()) not in ("", "text/plain", "application/pdf")
    assert sniff(b"\x00\x01\x02binary") == ""
    assert kind_of("photo", "application/pdf") == "document"
    assert kind_of("document", "audio/ogg") == "voice"


def test_keys_must_be_32_bytes_of_urlsafe_base64() -> None:
    assert len(parse_key(new_key())) == 32
    for bad in ("", "short", "!!!!"):
        with pytest.raises(ValueError):
            parse_key(bad)


def test_the_cli_makes_a_key_and_check_says_whether_files_are_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["files-key"])
    assert made.exit_code == 0 and len(parse_key(made.output.strip())) == 32
    off = runner.invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert off.exit_code == 0 and "files: off — FOCALBOT_FILES_KEY is not set" in off.output
    monkeypatch.setenv("FOCALBOT_FILES_KEY", made.output.strip())
    on = runner.invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert "files: on — encrypted at rest; up to 20 MB each, 20 per request" in on.output
    monkeypatch.setenv("FOCALBOT_FILES_KEY", "not-a-key")
    bad = runner.invoke(main, ["check", "--config", str(SHIPPED_CONFIG)])
    assert bad.exit_code == 1 and "must hold 32 bytes" in bad.output


def test_an_earlier_key_reads_until_rekey_seals_with_the_current_one(tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    before = store(tmp_path, old)
    bodies = [os.urandom(2 * CHUNK + 5), b"", os.urandom(CHUNK)]
    names = [put(before, body) for body in bodies]
    sealed_before = {n: before.path_of(n).read_bytes() for n in names}
    rotated = BlobStore(tmp_path / "blobs", parse_key(new), [parse_key(old)])
    assert [b"".join(rotated.read(n)) for n in names] == bodies  # no pause in service
    assert [rotated.rekey(n) for n in names] == [True, True, True]
    assert [rotated.rekey(n) for n in names] == [False, False, False]  # safe to run again
    assert all(rotated.path_of(n).read_bytes() != sealed_before[n] for n in names)
    only_new = store(tmp_path, new)
    assert [b"".join(only_new.read(n)) for n in names] == bodies
    with pytest.raises(BlobError):
        b"".join(store(tmp_path, old).read(names[0]))  # the earlier key opens nothing now
    assert not list((tmp_path / "blobs" / "tmp").iterdir())  # no copies left behind
    fresh = put(rotated, b"new since the rotation")
    assert rotated.rekey(fresh) is False  # written with the current key


def test_rekey_leaves_a_damaged_or_misnamed_blob_as_it_was(tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    before = store(tmp_path, old)
    damaged, misnamed = put(before, os.urandom(CHUNK + 9)), put(before, b"a crew list")
    path = before.path_of(damaged)
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 1  # the last chunk's tag no longer matches
    path.write_bytes(bytes(raw))
    wrong = sha(b"another content")
    before.path_of(wrong).parent.mkdir(exist_ok=True)
    before.path_of(misnamed).rename(before.path_of(wrong))
    rotated = BlobStore(tmp_path / "blobs", parse_key(new), [parse_key(old)])
    for name in (damaged, wrong):
        kept = rotated.path_of(name).read_bytes()
        with pytest.raises(BlobError):
            rotated.rekey(name)
        assert rotated.path_of(name).read_bytes() == kept
    assert not list((tmp_path / "blobs" / "tmp").iterdir())


def test_files_rekey_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new, database = new_key(), new_key(), created_database(tmp_path / "bot.db")
    root = Path(database + ".files")  # where the shipped config keeps them: beside the database
    body = os.urandom(CHUNK * 2)
    name = put(BlobStore(root, parse_key(old)), body)
    runner, config = CliRunner(), ["--config", str(SHIPPED_CONFIG)]
    monkeypatch.setenv("FOCALBOT_FILES_KEY", new)
    monkeypatch.setenv("FOCALBOT_FILES_EARLIER_KEYS", f"{new_key()}, {old}")
    checked = runner.invoke(main, ["check", *config])
    assert "2 earlier key(s) in FOCALBOT_FILES_EARLIER_KEYS still read" in checked.output
    done = runner.invoke(main, ["files-rekey", *config, "-d", database])
    assert done.exit_code == 0, done.output
    assert "Sealed 1 files with the current key; 0 already were." in done.output
    again = runner.invoke(main, ["files-rekey", *config, "-d", database])
    assert "Sealed 0 files with the current key; 1 already were." in again.output
    assert b"".join(BlobStore(root, parse_key(new)).read(name)) == body
    stray = put(BlobStore(root, parse_key(new_key())), b"sealed with a key nobody kept")
    monkeypatch.setenv("FOCALBOT_FILES_EARLIER_KEYS", "not-a-key")
    refused = runner.invoke(main, ["files-rekey", *config, "-d", database])
    assert refused.exit_code == 1 and "key 1 in FOCALBOT_FILES_EARLIER_KEYS" in refused.output
    monkeypatch.delenv("FOCALBOT_FILES_EARLIER_KEYS")
    partial = runner.invoke(main, ["files-rekey", *config, "-d", database])
    assert partial.exit_code == 1 and "could not be read with any key given" in partial.output
    assert stray in partial.output and "Sealed 0 files" in partial.output


def test_the_key_and_each_earlier_key_are_masked_in_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import logging

    from bot.cli import _secret_values
    from bot.config import load_settings
    from bot.logs import RedactSecrets

    key, first, second = new_key(), new_key(), new_key()
    monkeypatch.setenv("FOCALBOT_FILES_KEY", key)
    monkeypatch.setenv("FOCALBOT_FILES_EARLIER_KEYS", f"{first},{second}")
    secrets = _secret_values(load_settings(SHIPPED_CONFIG))
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactSecrets(secrets))
    log = logging.getLogger("test.files.keys")
    log.addHandler(handler)
    try:
        log.warning("keys %s then %s and %s", key, first, second)
    finally:
        log.removeHandler(handler)
    assert key not in out.getvalue() and first not in out.getvalue()
    assert second not in out.getvalue() and "keys" in out.getvalue()
