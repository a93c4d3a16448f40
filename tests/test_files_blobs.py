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
from tests.harness import SHIPPED_CONFIG


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
