"""Files given by a local path (the console, the in-memory test channel): streamed in chunks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from bot.errors import PermanentError
from bot.events import IncomingFile

CHUNK = 256 * 1024
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def local_file(path: str) -> IncomingFile:
    """A file named by its path, as an event carries it (the kind is a guess; the app
    recognises the type by content)."""
    file = Path(path).expanduser()
    kind = "photo" if file.suffix.lower() in PHOTO_SUFFIXES else "document"
    size = file.stat().st_size if file.is_file() else 0
    return IncomingFile(str(file), file.name, kind, size)


async def read_local(file: IncomingFile) -> AsyncIterator[bytes]:
    """The file's bytes, a chunk at a time (never the whole file in memory)."""
    try:
        handle = await asyncio.to_thread(Path(file.remote).open, "rb")
    except OSError as exc:
        raise PermanentError(f"cannot open the file ({exc.strerror})") from exc
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        handle.close()
