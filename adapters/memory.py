"""An in-memory channel for tests and benchmarks: no platform, same core path."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.local_files import local_file, read_local
from bot.events import ButtonPress, ChatRef, IncomingFile, Outbound, Sender, TextMessage
from bot.ports import Adapter, EventSink, Pacing


@dataclass(frozen=True)
class Delivered:
    """A message as it reached this channel's ``send``."""

    message: Outbound
    at: float  # time.perf_counter() when send was called


class MemoryAdapter(Adapter):
    """Records what it is asked to send; lets a test or benchmark speak as anyone."""

    sends_files = True  # the file is recorded with the message
    sends_at_once = True  # appends to a list

    def __init__(self, channel: str = "memory", pacing: Pacing | None = None) -> None:
        self.channel = channel
        self.pacing = pacing or Pacing()
        self.sent: list[Delivered] = []
        self.received: dict[int, str] = {}  # outbox id -> SHA-256 of the file as sent
        self._sink: EventSink | None = None
        self._ids = itertools.count(1)
        self._run = uuid.uuid4().hex[:8]  # ids stay unique across restarts on one database

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    async def stop(self) -> None:
        self._sink = None

    async def send(self, message: Outbound) -> str:
        file = message.attachment
        if file is not None and file.blob:  # the decrypted copy is gone after the send
            self.received[message.id] = await asyncio.to_thread(_digest, Path(file.path))
        self.sent.append(Delivered(message, time.perf_counter()))
        return f"m{len(self.sent)}"

    def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """A file given by its local path."""
        return read_local(file)

    def event(
        self,
        user_id: str,
        text: str,
        chat_id: str | None = None,
        private: bool = True,
        addressed: bool = True,
        event_id: str | None = None,
        files: Sequence[str] = (),
    ) -> TextMessage:
        """Build a text event from ``user_id`` (with the files at the local ``files`` paths)."""
        return TextMessage(
            event_id or f"{self._run}-{next(self._ids)}",
            Sender(self.channel, user_id),
            ChatRef(self.channel, chat_id or user_id, private),
            text,
            addressed,
            tuple(local_file(path) for path in files) if files else (),
        )

    def press(self, user_id: str, command: str, event_id: str | None = None) -> ButtonPress:
        """Build a button press from ``user_id``."""
        return ButtonPress(
            event_id or f"{self._run}-{next(self._ids)}",
            Sender(self.channel, user_id),
            ChatRef(self.channel, user_id, True),
            command,
        )

    async def say(self, user_id: str, text: str, **kwargs: object) -> None:
        """Send ``text`` as ``user_id`` and wait until it is handled."""
        if self._sink is None:
            raise RuntimeError("adapter not started")
        await self._sink(self.event(user_id, text, **kwargs))  # type: ignore[arg-type]

    def to(self, address: str) -> list[str]:
        """Texts sent to one address, in order."""
        return [d.message.text for d in self.sent if d.message.address == address]

    def clear(self) -> None:
        """Forget what was sent so far."""
        self.sent.clear()


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(256 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
