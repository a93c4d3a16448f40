"""Content-addressed, encrypted blobs on disk.

A file is stored once, named by the SHA-256 of its plaintext, in a directory beside the
database. Its bytes are encrypted at rest with AES-GCM in chunks: each chunk has its own
random nonce, and its index plus a "last chunk" flag are bound in as associated data, so a
truncated, reordered or spliced blob fails to decrypt instead of yielding part of a file.
A blob is written to a temporary file and renamed into place only when complete, so a
download that fails half way never becomes visible. The key (32 bytes, urlsafe base64) comes
from the environment; without it files are off.

Keys rotate without a pause: earlier keys, given for reading only, still open the blobs they
sealed, and :meth:`BlobStore.rekey` seals such a blob again with the current key (in place,
atomically, the plaintext checked against the blob's name on the way), after which the earlier
key can be dropped.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import os
import secrets
import struct
import time
from collections.abc import AsyncIterable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

MAGIC = b"FPB1"
CHUNK = 64 * 1024  # plaintext bytes per encrypted chunk
_HEADER = struct.Struct(">12sI")  # nonce, ciphertext length
_AAD = struct.Struct(">Q?")  # chunk index, last chunk
SNIFF_BYTES = 8192  # the head kept for recognising the type by content


class BlobError(Exception):
    """A blob is missing, damaged or was encrypted with another key."""


class TooLarge(Exception):
    """The stream went past the size allowed; nothing was kept."""


class Rejected(Exception):
    """The first bytes show a type that is not allowed; nothing was kept."""


def parse_key(text: str) -> bytes:
    """The 32-byte key from its urlsafe base64 form; ValueError when it is not one."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not urlsafe base64") from exc
    if len(key) != 32:
        raise ValueError(f"decodes to {len(key)} bytes, not 32")
    return key


def new_key() -> str:
    """A fresh key, as the environment variable holds it."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Stored:
    """A blob written (or found already there): its name, size and first bytes."""

    sha256: str
    size: int
    head: bytes


def _check(accept: Callable[[bytes], bool], head: bytes) -> bool:
    if not accept(head):
        raise Rejected()
    return True


if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _seal_and_sync(sealer: _Sealer, out: BinaryIO) -> None:
    """Seal the last chunk and make the file durable before it gets its name."""
    sealer.finish()
    out.flush()
    os.fsync(out.fileno())


class _Sealer:
    """Encrypts chunks in order into an open file; the last one is sealed as last."""

    def __init__(self, aead: AESGCM, out: BinaryIO) -> None:
        self.aead, self.out, self.index = aead, out, 0
        self.pending = b""

    def add(self, data: bytes) -> None:
        self.pending += data
        while len(self.pending) > CHUNK:  # keep at least one chunk back: it may be the last
            self._seal(self.pending[:CHUNK], last=False)
            self.pending = self.pending[CHUNK:]

    def finish(self) -> None:
        self._seal(self.pending, last=True)
        self.pending = b""

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = secrets.token_bytes(12)
        sealed = self.aead.encrypt(nonce, plain, _AAD.pack(self.index, last))
        self.out.write(_HEADER.pack(nonce, len(sealed)) + sealed)
        self.index += 1


class BlobFolder:
    """The folder of encrypted blobs, ``root/ab/abcdef…`` (temporary files in ``root/tmp``),
    without a key: enough to list and delete them, which needs none."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Where the blob named ``sha256`` lives (whether or not it exists)."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise BlobError("not a blob name")
        return self.root / sha256[:2] / sha256

    def names(self) -> Iterator[str]:
        """Every stored blob's name."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if len(folder.name) == 2 and folder.is_dir():
                for blob in folder.iterdir():
                    if len(blob.name) == 64:
                        yield blob.name

    def sweep(self, keep: set[str], older_than: float = 86_400.0) -> int:
        """Remove blobs not named in ``keep`` (their requests were purged, or a refused command
        left them behind), and stale temporary files; only those older than ``older_than``
        seconds, so a file being attached right now is spared. Returns how many blobs went."""
        cutoff, removed = time.time() - older_than, 0
        for name in list(self.names()):
            path = self.path_of(name)
            if name not in keep and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        temp = self.root / "tmp"
        if temp.is_dir():
            for stale in temp.iterdir():
                if stale.stat().st_mtime < cutoff:
                    stale.unlink(missing_ok=True)
        return removed


class BlobStore(BlobFolder):
    """Encrypted blobs under ``root``: ``root/ab/abcdef…``, temporary files in ``root/tmp``."""

    def __init__(self, root: Path, key: bytes, earlier: Sequence[bytes] = ()) -> None:
        # cryptography is imported only when files are on: it costs 7 MiB of every process
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        super().__init__(root)
        self._aead = AESGCM(key)
        # Earlier keys open what they sealed until `rekey` has sealed it with the current one.
        self._readers = [self._aead, *(AESGCM(k) for k in earlier if k != key)]

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path_of(sha256).is_file()

    def _temp(self, suffix: str) -> Path:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{secrets.token_hex(8)}{suffix}"

    async def put_stream(
        self,
        chunks: AsyncIterable[bytes],
        max_bytes: int,
        accept: Callable[[bytes], bool] = lambda head: True,
    ) -> Stored:
        """Encrypt a stream into the store; TooLarge (nothing kept) past ``max_bytes``,
        Rejected (nothing kept) when ``accept`` refuses the first bytes.

        Any failure of the stream leaves nothing behind: the temporary file is removed.
        Encryption, writes, fsync and the rename run on a worker thread, a chunk at a time,
        so a 20 MB file never stalls the event loop (an fsync alone can take tens of ms)."""
        temp = self._temp(".part")
        digest, size, head, checked = hashlib.sha256(), 0, b"", False
        try:
            out = await asyncio.to_thread(temp.open, "wb")
            try:
                await asyncio.to_thread(out.write, MAGIC)
                sealer = _Sealer(self._aead, out)
                async for data in chunks:
                    size += len(data)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(data)
                    if len(head) < SNIFF_BYTES:
                        head += data[: SNIFF_BYTES - len(head)]
                    if not checked and len(head) >= SNIFF_BYTES:
                        checked = _check(accept, head)
                    await asyncio.to_thread(sealer.add, data)
                checked = checked or _check(accept, head)
                await asyncio.to_thread(_seal_and_sync, sealer, out)
            finally:
                await asyncio.to_thread(out.close)
            stored = Stored(digest.hexdigest(), size, head)
            await asyncio.to_thread(self._settle, temp, self.path_of(stored.sha256))
            return stored
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    @staticmethod
    def _settle(temp: Path, final: Path) -> None:
        """Move a whole blob to its name (stored once: the same content may be there)."""
        if final.exists():
            temp.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            temp.replace(final)

    def read(self, sha256: str) -> Iterator[bytes]:
        """The plaintext, chunk by chunk; BlobError when missing, damaged or cut short."""
        with self._open_blob(sha256) as handle:
            yield from self._chunks(handle)

    def _open_blob(self, sha256: str) -> BinaryIO:
        try:
            return self.path_of(sha256).open("rb")
        except OSError as exc:
            raise BlobError("blob missing") from exc

    def _chunks(self, handle: BinaryIO, found: list[AESGCM] | None = None) -> Iterator[bytes]:
        """The plaintext chunks of an open blob; the key that opens the first chunk must open
        them all (``found`` receives it)."""
        if handle.read(len(MAGIC)) != MAGIC:
            raise BlobError("not a FocalPoint blob")
        index, last, readers = 0, False, self._readers
        while header := handle.read(_HEADER.size):
            if last or len(header) < _HEADER.size:
                raise BlobError("blob has bytes after its end")
            nonce, length = _HEADER.unpack(header)
            sealed = handle.read(length)
            if len(sealed) < length:
                raise BlobError("blob cut short")
            plain, last, aead = self._open(readers, nonce, sealed, index)
            if index == 0:
                readers = [aead]
                if found is not None:
                    found.append(aead)
            index += 1
            yield plain
        if not last:
            raise BlobError("blob cut short")

    @staticmethod
    def _open(
        readers: list[AESGCM], nonce: bytes, sealed: bytes, index: int
    ) -> tuple[bytes, bool, AESGCM]:
        from cryptography.exceptions import InvalidTag

        for aead in readers:
            for last in (False, True):
                with contextlib.suppress(InvalidTag):
                    return aead.decrypt(nonce, sealed, _AAD.pack(index, last)), last, aead
        raise BlobError("blob damaged or encrypted with another key")

    def rekey(self, sha256: str) -> bool:
        """Seal a blob with the current key if an earlier key sealed it; True when it did.

        The new copy is written beside, checked whole (its plaintext must hash to the blob's
        name) and renamed over the old one, so a crash or a damaged blob leaves the old copy as
        it was (BlobError). Safe to run again, and beside a running bot: a reader holding the
        old copy open finishes reading it."""
        path = self.path_of(sha256)
        with self._open_blob(sha256) as handle:
            found: list[AESGCM] = []
            chunks = self._chunks(handle, found)
            first = next(chunks)  # every blob has a chunk (an empty file's is empty)
            if found[0] is self._aead:
                return False  # sealed with the current key already
            temp = self._temp(".rekey")
            try:
                with temp.open("wb") as out:
                    out.write(MAGIC)
                    sealer, digest = _Sealer(self._aead, out), hashlib.sha256()
                    for plain in _prepend(first, chunks):
                        digest.update(plain)
                        sealer.add(plain)
                    if digest.hexdigest() != sha256:
                        raise BlobError("blob content does not match its name")
                    _seal_and_sync(sealer, out)
                temp.replace(path)
            finally:
                temp.unlink(missing_ok=True)
        return True

    def export(self, sha256: str, suffix: str = "") -> Path:
        """Decrypt the blob to a temporary file (for an adapter to send); the caller deletes it.
        The plaintext is streamed to disk, never held whole in memory; verified to the end
        before the path is returned, so a damaged blob is never sent in part."""
        temp = self._temp(suffix or ".out")
        try:
            with temp.open("wb") as out:
                for plain in self.read(sha256):
                    out.write(plain)
            return temp
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def remove(self, sha256: str) -> bool:
        """Delete a blob; True when there was one."""
        try:
            self.path_of(sha256).unlink()
        except FileNotFoundError:
            return False
        return True
