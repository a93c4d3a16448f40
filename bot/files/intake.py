"""Files arriving with a message: fetched from the platform into the encrypted store before
the core sees the event.

The adapter knows how to fetch a platform file (:meth:`bot.ports.Adapter.fetch_file`, a
stream of bytes); this module streams it into :class:`~bot.files.blobs.BlobStore` within the
limits, recognises its type by content, names it accordingly (:mod:`bot.files.names`), and
hands the core small references. A fetch that fails on the way is retried a few times; if it
still fails the event is not taken (the adapter does not confirm it, so the platform delivers
it again). A file refused by a limit is not kept, and the core says why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import filetype

from bot.config import FileSettings
from bot.errors import ConfigError, PermanentError, TransientError
from bot.events import IncomingFile, TextMessage
from bot.files.blobs import BlobError, BlobFolder, BlobStore, Rejected, TooLarge, parse_key
from bot.files.names import safe_name
from bot.storage.sql import Db, beside_database

log = logging.getLogger(__name__)

FETCH_ATTEMPTS = 3
FETCH_BACKOFF = 0.5  # seconds before the second attempt, doubled after
Fetch = Callable[[IncomingFile], AsyncIterator[bytes]]


def open_blobs(db: Db, settings: FileSettings) -> BlobStore | None:
    """The blob store the settings describe, or None when no key is set (files are off)."""
    keys = file_keys(settings)
    if keys is None:
        return None
    return BlobStore(beside_database(db, settings.directory, ".files"), keys[0], keys[1:])


def file_keys(settings: FileSettings) -> list[bytes] | None:
    """The current key, then the earlier ones (for reading); None when files are off.
    A malformed key is a ConfigError naming its variable."""
    text = settings.key()
    if not text:
        return None
    try:
        key = parse_key(text)
    except ValueError as exc:
        raise ConfigError(
            f"files.key_env: {settings.key_env} must hold 32 bytes in urlsafe base64 ({exc}); "
            "`focalbot files-key` makes one"
        ) from exc
    earlier = []
    for number, old in enumerate(settings.earlier_keys(), start=1):
        try:
            earlier.append(parse_key(old))
        except ValueError as exc:
            raise ConfigError(
                f"files.earlier_keys_env: key {number} in {settings.earlier_keys_env} must hold "
                f"32 bytes in urlsafe base64 ({exc})"
            ) from exc
    return [key, *earlier]


def rekey_files(blobs: BlobStore) -> tuple[int, int, list[str]]:
    """Seal with the current key every blob an earlier key sealed: (re-sealed, already
    current, names that could not be read). Runs outside any transaction: a running bot
    keeps working meanwhile."""
    done, current, unreadable = 0, 0, []
    for name in sorted(blobs.names()):
        try:
            if blobs.rekey(name):
                done += 1
            else:
                current += 1
        except BlobError:
            unreadable.append(name)
    return done, current, unreadable


def sniff(head: bytes) -> str:
    """The type of a file by its first bytes ('' when unknown)."""
    mime = filetype.guess_mime(head) if head else None
    if mime:
        return str(mime)
    return "text/plain" if _is_text(head) else ""


def _is_text(head: bytes) -> bool:
    """UTF-8 text without control bytes (a crew list as CSV, a note); a character cut at the
    end of the sniffed head is allowed."""
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return bool(text) and all(c.isprintable() or c in "\t\n\r\f" for c in text)
    return False


def kind_of(declared: str, mime: str) -> str:
    """photo, voice or document, by content: a 'photo' that is not a picture is a document."""
    if mime.startswith("image/"):
        return "photo" if declared in ("photo", "document") and mime != "image/heic" else "document"
    if mime.startswith("audio/"):
        return "voice"
    return "document"


async def take_in(
    event: TextMessage,
    fetch: Fetch,
    blobs: BlobStore | None,
    settings: FileSettings,
    platform_limit: int = 0,
) -> TextMessage:
    """The event with each file stored (``sha256`` and ``mime`` set) or refused."""
    taken = [await _take_one(f, fetch, blobs, settings, platform_limit) for f in event.files]
    return replace(event, files=tuple(taken))


async def _take_one(
    file: IncomingFile,
    fetch: Fetch,
    blobs: BlobStore | None,
    settings: FileSettings,
    platform_limit: int,
) -> IncomingFile:
    if blobs is None:
        return replace(file, refused="off")
    limit = min(settings.max_bytes, platform_limit or settings.max_bytes)
    if file.size > limit:  # the platform said how big: not fetched at all
        return replace(file, refused="too_big", limit=limit)
    for attempt in range(1, FETCH_ATTEMPTS + 1):
        try:
            stored = await blobs.put_stream(
                fetch(file), limit, lambda head: sniff(head) in settings.types
            )
            break
        except TooLarge:
            return replace(file, refused="too_big", limit=limit)
        except Rejected:
            return replace(file, refused="type")
        except PermanentError:
            return replace(file, refused="failed")
        except (TransientError, OSError) as exc:
            if attempt == FETCH_ATTEMPTS:
                raise TransientError(f"a file could not be fetched: {type(exc).__name__}") from exc
            log.warning("fetching a file failed (attempt %d); retrying", attempt)
            await asyncio.sleep(FETCH_BACKOFF * 2 ** (attempt - 1))
    mime = sniff(stored.head)
    return replace(
        file,
        name=safe_name(file.name, mime),  # decided here: stored, shown and relayed as such
        sha256=stored.sha256,
        size=stored.size,
        mime=mime,
        kind=kind_of(file.kind, mime),
    )


SWEEP_GRACE = 3600.0  # seconds: a blob stored this recently may be on its way to a request


def sweep_files(db: Db, settings: FileSettings, grace: float = SWEEP_GRACE) -> int:
    """Remove the blobs no request holds any more (purged, or left by a refused command);
    how many. Deleting needs no key: they go with files off too (no key in this process)."""
    from bot.files.repo import referenced  # the SQL stays in the repo

    folder = BlobFolder(beside_database(db, settings.directory, ".files"))
    return folder.sweep(referenced(db), grace)
