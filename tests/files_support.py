"""Test files: real formats (a PNG, a PDF, OGG voice) small or large, made on the spot."""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from pathlib import Path

import pytest

from bot.files.blobs import new_key

KEY_ENV = "FOCALBOT_FILES_KEY"


def png(width: int = 64, height: int = 48, seed: int = 1) -> bytes:
    """A real PNG picture (noise, so it does not compress away)."""
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height)) if seed else b""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf(size: int = 4000) -> bytes:
    """A PDF of about ``size`` bytes (a comment pads it)."""
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    pad = b"%" + b"x" * max(0, size - len(body) - 8) + b"\n"
    return body + pad + b"%%EOF\n"


def windows_program() -> bytes:
    """What no one should receive through the bot: a Windows executable."""
    return b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + os.urandom(2000)


def write(folder: Path, name: str, body: bytes) -> str:
    path = folder / name
    path.write_bytes(body)
    return str(path)


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@pytest.fixture
def files_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Files on: a fresh key in the environment."""
    key = new_key()
    monkeypatch.setenv(KEY_ENV, key)
    return key
