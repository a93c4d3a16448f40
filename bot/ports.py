"""Ports: the small abstract bases that adapters and fakes implement."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from bot.errors import PermanentError
from bot.events import Inbound, IncomingFile, Outbound, Sender
from bot.i18n import DEFAULT_LANGUAGE, Text, render_for_reader

Reader = Sender | str | None
"""Who reads an adapter's own text: an inbound event's sender, or an outbound message's
person id (None: no one known, the bot's default language)."""

EventSink = Callable[[Inbound], Awaitable[bool | None]]
"""What an adapter hands each inbound event to; it returns once the event is safely queued
(the app's waits until it is committed, and says whether the core carried it out: False when
it refused it politely, so an adapter leaves a refused button press's buttons live)."""


@dataclass(frozen=True, slots=True)
class Pacing:
    """A channel's outbound limits, honoured by the outbox dispatcher."""

    per_chat_interval: float = 0.0  # seconds between two messages to one chat
    overall_rate: float = 0.0  # messages per second across all chats; 0 = unlimited
    max_attempts: int = 8
    expire_after: float = 86_400.0  # seconds a message may wait before it counts as failed


class SentInPart(str):
    """What :meth:`Adapter.send` returns, the platform's id, when only part of the message
    could go (a template holding what fits, saying the rest follows): the rest is owed, and
    the core hands the whole message back as a :class:`FollowUp` once its reader next writes."""

    __slots__ = ()


class SentParts(str):
    """What :meth:`Adapter.send` returns for a message that went as several platform messages
    (Telegram's 4,096 characters): the last part's id, as any send's, with every part's id in
    ``parts``, so that the platform's own reply to any part finds the message."""

    parts: tuple[str, ...]

    def __new__(cls, parts: Sequence[str]) -> SentParts:
        sent = super().__new__(cls, parts[-1])
        sent.parts = tuple(parts)
        return sent


@dataclass(frozen=True, slots=True)
class FollowUp(Outbound):
    """A message that went out in part, due again because its reader has just written: the
    adapter sends it whole now, whatever it believed of the chat before (another replica, or
    this one before a restart, may have seen the reader write)."""


class Adapter(abc.ABC):
    """One chat channel: receives platform events, sends outbound messages.

    Lifecycle: ``start(sink)`` begins receiving and hands events to ``sink``; ``send`` delivers
    one message and returns the platform's message id (a :class:`SentInPart` when part of it
    waits for the reader), raising ``RateLimited``, ``TransientError`` or ``PermanentError`` on
    failure; ``stop`` ends receiving; ``close`` releases the rest once the outbox has finished
    sending. A message sent as several platform messages that fails part-way says which parts
    went in its error's ``sent_parts``, and its retry (``Outbound.sent_parts``) sends the rest
    (the adapters share a helper that does both).
    """

    channel: str = ""
    pacing: Pacing = Pacing()
    sends_files: bool = False  # True where ``send`` delivers ``Outbound.attachment`` itself
    opens_forms: bool = False  # True where a button's ``form`` opens as a form (Slack's modal)
    terse: bool = False  # every character costs (SMS): answers leave out what a command lists
    # True where ``send`` reaches its chat without network I/O (a terminal, a list in memory):
    # the outbox may then start a delivery in the committing task's own turn of the loop. A
    # network client must run in a task of its own (httpx/anyio bind their scopes to it).
    sends_at_once: bool = False
    max_download: int = 0  # bytes the platform lets a bot fetch (0: no limit of its own)
    max_upload: int = 0  # bytes the platform lets a bot send in one file (0: no limit)
    # How people type a command here, shown in help and hints: "/" + name by default; a
    # channel where a leading slash is taken by the client says so ("/focal " on Slack).
    command_hint: str = "/"
    # True where ``send`` may deliver only part of a message and return :class:`SentInPart`:
    # the core then looks, when someone writes on this channel, for what is owed to them.
    sends_in_part: bool = False
    # Set by the app before ``start`` when several replicas share the database and this
    # channel's intake must run on one of them at a time: ``start`` then only prepares
    # sending, and receiving begins with :meth:`start_intake` once this replica holds the lease.
    intake_on_demand: bool = False
    # Set by the outbox: called with a message's id and the ids of its parts that went so far,
    # each time a part (but the last) of a message sent as several goes, so that its retry
    # after a crash between two parts sends the rest only.
    part_went: Callable[[int, tuple[str, ...]], None] | None = None
    # Set by the app before ``start``: the language a reader reads (the bot's default for a
    # stranger), for the few texts an adapter writes itself. A reader is the sender of an
    # inbound event or the person id of an outbound message.
    reader_language: Callable[[Reader], str] | None = None
    # Set by the app before ``start``: the directory name of the person behind an identity of
    # this channel (None: not in the directory), so a mention relayed to another channel reads
    # "@Their Name" instead of a platform id.
    person_name: Callable[[Sender], str | None] | None = None

    def language_of(self, reader: Reader = None) -> str:
        """The language ``reader`` reads; the bot's default for a stranger or no one."""
        return self.reader_language(reader) if self.reader_language else DEFAULT_LANGUAGE

    def for_reader(self, text: Text, reader: Reader = None) -> str:
        """``text`` written by the adapter itself (not the core), in ``reader``'s language."""
        return render_for_reader(text, self.language_of(reader))

    @property
    def exclusive_intake(self) -> bool:
        """Whether receiving must run on one replica at a time (long polling: two pollers
        would take each other's updates). Webhook channels are served by every replica."""
        return False

    async def start_intake(self) -> None:
        """Begin receiving (this replica now holds the channel's intake lease)."""
        return None

    async def stop_intake(self) -> None:
        """Stop receiving (the lease was lost or given up); sending goes on."""
        return None

    @abc.abstractmethod
    async def start(self, sink: EventSink) -> None:
        """Start receiving; every inbound event goes to ``sink``."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop receiving and release resources. Safe to call twice."""

    @abc.abstractmethod
    async def send(self, message: Outbound) -> str:
        """Deliver one message; return the platform's id for it."""

    def fetch_file(self, file: IncomingFile) -> AsyncIterator[bytes]:
        """Stream the bytes of a file that came with a message (``file.remote`` is this
        adapter's own reference). Raise ``TransientError`` for what a retry may fix and
        ``PermanentError`` for what it cannot. Channels that take no files keep this default."""
        raise PermanentError(f"{self.channel} does not take files")

    async def close(self) -> None:
        """Release what sending needs, once the outbox will send nothing more (default: none).

        ``stop`` ends receiving first; the outbox may still deliver what is owed after it.
        """
        return None

    def chat_interval(self, address: str) -> float:
        """Seconds between two messages to ``address`` (platforms pace groups more slowly)."""
        return self.pacing.per_chat_interval

    def pacing_key(self, address: str) -> str:
        """The platform chat ``address`` is in, which the chat interval paces (default: the
        address itself; a Telegram forum topic's is its group's)."""
        return address

    def address_for(self, user_id: str) -> str:
        """The address to send to for a directory identity on this channel (default: same)."""
        return user_id

    async def __aenter__(self) -> Adapter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        await self.close()


TimerCallback = Callable[[str], Awaitable[None]]


class TimerScheduler(abc.ABC):
    """Times the core's timers. The timers table is the record; this only wakes us up."""

    @abc.abstractmethod
    async def start(self, fire: TimerCallback) -> None:
        """Start timing; call ``fire(timer_id)`` when a timer is due."""

    @abc.abstractmethod
    def schedule(self, timer_id: str, due_at: datetime) -> None:
        """Fire ``timer_id`` at ``due_at`` (at once if that has passed). Idempotent by id."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop timing; pending timers stay in the table for the next start."""
