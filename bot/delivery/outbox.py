"""The durable outbox: every message is a row before any adapter sees it.

Delivery runs per channel. Each chat (address) is a *lane* delivered in order by one worker at
a time, so chats never overtake themselves while different chats go out in parallel. The
channel's :class:`~bot.ports.Pacing` spaces messages per chat and overall; a ``RateLimited``
pauses the whole channel for ``retry_after``; transient errors back off and retry up to a
bound; permanent errors are final. Every message ends ``sent`` (with the platform's id) or
``failed`` (with the reason); what was queued at a crash is sent after the restart. A message
the channel could send only in part is ``sent`` and owes the rest (bot.delivery.followup).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiolimiter import AsyncLimiter

from bot.clock import Clock, iso, stamp
from bot.delivery import parts
from bot.delivery.fallback import EXPIRED, FILE_UNREADABLE, REFUSED, UNAVAILABLE, UNREACHABLE
from bot.eager import start_eagerly
from bot.errors import PermanentError, RateLimited, TransientError, Unreachable
from bot.events import Attachment, Button, Outbound, file_not_made, without_file
from bot.files.blobs import BlobError, BlobStore
from bot.ports import Adapter, FollowUp, SentInPart, SentParts
from bot.storage import Store
from bot.storage.sql import Db
from bot.work import buttons_from_json

log = logging.getLogger(__name__)
FailureHook = Callable[[Outbound, str, str], Awaitable[None]]
"""(the message, why it failed in the platform's words, what kind of failure it was: one of
bot.delivery.fallback's EXPIRED, UNAVAILABLE, REFUSED, UNREACHABLE)"""
MakeFile = Callable[[Attachment], Awaitable[Attachment]]
"""Makes a file described but not yet made (a report asked for in chat) as it is sent."""
CLOSE_GRACE = 5.0  # seconds a graceful stop waits for sends already under way
LANE_RETRY = 1.0  # seconds before a lane whose delivery failed unexpectedly is tried again


OUTBOUND_COLUMNS = (
    "id, channel, address, text, person_id, buttons, attempts, created_at, attachment, "
    "follow_up, parts_sent"
)
"""The outbox columns :func:`outbound_from_row` reads, in its order."""


def outbound_from_row(row: Sequence[Any]) -> Outbound:
    """An outbox row (selected as :data:`OUTBOUND_COLUMNS`) as the message to deliver: a
    :class:`FollowUp` when it went in part and its reader has written since
    (bot.delivery.followup)."""
    kind = FollowUp if row[9] == "due" else Outbound
    return kind(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        buttons_from_json(row[5]),
        row[6],
        row[7],
        Attachment.from_json(row[8]),
        tuple(json.loads(row[10])) if row[10] else (),
    )


def queued_messages(db: Db) -> list[Outbound]:
    """Everything still owed, oldest first (for a restart); messages held through someone's
    quiet hours wait for their release timer (bot.delivery.held)."""
    rows = db.execute(
        f"SELECT {OUTBOUND_COLUMNS} FROM outbox WHERE status = 'queued' AND not_before IS NULL "
        "ORDER BY id"
    )
    return [outbound_from_row(r) for r in rows]


class ChannelDispatcher:
    """Delivers one channel's messages: ordered per chat, paced, retried by error class."""

    def __init__(
        self,
        adapter: Adapter,
        store: Store,
        clock: Clock,
        on_failed: FailureHook,
        workers: int = 16,
        blobs: Callable[[], BlobStore | None] = lambda: None,
        make_file: Callable[[], MakeFile | None] = lambda: None,
    ) -> None:
        self.adapter, self.store, self.clock = adapter, store, clock
        adapter.part_went = self._part_went
        self._blobs = blobs
        self._make_file = make_file
        self.pacing = adapter.pacing
        self._on_failed = on_failed
        self._lanes: dict[str, deque[Outbound]] = {}
        self._ready: asyncio.Queue[str] = asyncio.Queue()
        self._last_sent: dict[str, float] = {}
        self._paused_until = 0.0
        self._limiter = (
            AsyncLimiter(self.pacing.overall_rate, 1.0) if self.pacing.overall_rate else None
        )
        self._workers = [
            asyncio.create_task(self._work(), name=f"outbox-{adapter.channel}-{i}")
            for i in range(workers)
        ]
        self._width = workers  # deliveries started at once that may be waiting, at most
        self._eager: set[asyncio.Task[None]] = set()  # those waiting (for the platform)
        self.in_flight: set[int] = set()  # ids queued here and not yet final
        # Events made only when someone waits on them (the app stopping, a test): setting and
        # clearing one for every message cost as much as the rest of queueing it.
        self._idle: asyncio.Event | None = None  # set once nothing is in flight
        self.opened = asyncio.Event()  # set once the adapter has tried to start
        self.is_open = False  # the same, read for every message without a call
        self._closing = False
        self._sending = 0
        self._quiet: asyncio.Event | None = None  # set once no attempt is under way
        self._oldest = (-1, "")  # (second, stamp): what was created before it has expired
        self.revoked: frozenset[str] = frozenset()  # people whose messages no longer go out

    def put(self, message: Outbound) -> None:
        """Queue a committed message for delivery (once: a message already queued is ignored)."""
        if message.id in self.in_flight:
            return
        self.in_flight.add(message.id)
        lane = self._lanes.get(message.address)
        if lane is None:
            self._lanes[message.address] = deque([message])
            self._start(message.address)
        elif len(lane) > 1 and message.id < lane[-1].id:
            # Adopted from another replica: older than what this one queued meanwhile. The
            # head may be under way; the rest keeps the chat's order (by id).
            later = next(i for i in range(1, len(lane)) if lane[i].id > message.id)
            lane.insert(later, message)
        else:
            lane.append(message)

    def _start(self, address: str) -> None:
        """A chat with nothing else waiting, on a channel that sends without network I/O:
        deliver it now, in this turn of the loop, while few such deliveries wait (a send that
        does not wait then costs no task and no trip around the loop); otherwise it waits in
        line for a worker."""
        if (
            self.adapter.sends_at_once
            and self.is_open
            and not self._closing
            and len(self._eager) < self._width
        ):
            start_eagerly(self._deliver_lane(address), self._eager)
        else:
            self._ready.put_nowait(address)

    def open(self) -> None:
        """The adapter has made its first start attempt: delivery begins."""
        self.is_open = True
        self.opened.set()

    async def until_idle(self) -> None:
        """Return once nothing queued here is waiting for delivery."""
        if self.in_flight:
            if self._idle is None:
                self._idle = asyncio.Event()
            await self._idle.wait()

    def share_rate(self, replicas: int) -> None:
        """The channel's overall rate is the bot's: with ``replicas`` live, take a share."""
        if not self.pacing.overall_rate:
            return
        rate = self.pacing.overall_rate / max(replicas, 1)
        if self._limiter is None or self._limiter.max_rate != rate:
            self._limiter = AsyncLimiter(rate, 1.0)

    async def close(self, grace: float = 0.0) -> None:
        """Stop delivering; what is not sent stays queued in the database.

        With ``grace``, sends already under way may finish first (for at most that long): cut
        off, one may have reached the platform without the bot learning so, and a clean stop
        would then repeat it after the restart, like a crash.
        """
        self._closing = True
        if self._sending:
            self._quiet = self._quiet or asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), grace)
        for task in (*self._workers, *self._eager):
            task.cancel()
        await asyncio.gather(*self._workers, *self._eager, return_exceptions=True)

    async def _work(self) -> None:
        # Messages resumed at start-up wait for the adapter's first start: sent earlier they
        # fail with "not running", and each restart would burn an attempt and double the
        # backoff until they fail for good.
        await self.opened.wait()
        while True:
            await self._deliver_lane(await self._ready.get())

    def _revive(self, address: str) -> None:
        """A lane's delivery failed outside any send (e.g. the store): report it and put the
        lane back in line later, so the chat's messages are not stranded until a restart."""
        log.exception("%s delivery to one chat failed; retrying", self.adapter.channel)
        if address in self._lanes:
            loop = asyncio.get_running_loop()
            loop.call_later(LANE_RETRY, self._ready.put_nowait, address)

    async def _deliver_lane(self, address: str) -> None:
        """Send the head of one chat's lane (by a worker, or at once: see :meth:`_start`);
        a failure outside the send itself (the store, say) puts the lane back in line."""
        try:
            lane = self._lanes[address]
            interval = self.adapter.chat_interval(address)
            if self._limiter or self._delay(address, interval) > 0:  # no coroutine otherwise
                await self._wait_turn(address)
            if self._closing:
                return  # stopping: the message stays queued for the next start
            self._sending += 1  # counted, so that close() can let a send under way finish
            try:
                sent = await self._attempt(lane[0], paced=interval > 0)
            finally:
                self._sending -= 1
                if not self._sending and self._quiet is not None:
                    self._quiet.set()
            if sent:  # otherwise _retry_later puts the lane back in line when its time comes
                self._advance(address, lane)
        except Exception:
            self._revive(address)

    def _advance(self, address: str, lane: deque[Outbound]) -> None:
        """The head reached a final state: drop it, and line up the chat's next message."""
        self._finished(lane.popleft().id)
        if not lane:
            del self._lanes[address]
        elif self.adapter.chat_interval(address) > 0:
            asyncio.get_running_loop().call_later(
                self.adapter.chat_interval(address), self._ready.put_nowait, address
            )
        else:
            self._ready.put_nowait(address)

    async def _wait_turn(self, address: str) -> None:
        """Honour the channel pause, the per-chat interval and the overall rate.

        The wait is checked again after every sleep: a 429 on another chat may pause the
        channel while this lane sleeps, and sending on waking would ignore its retry_after.
        """
        await self._sleep_out(address)
        if self._limiter:
            await self._limiter.acquire()
            await self._sleep_out(address)  # a pause may have begun while waiting for the rate

    async def _sleep_out(self, address: str) -> None:
        delay = self._delay(address)
        while delay > 0:
            await asyncio.sleep(delay)
            delay = self._delay(address)  # a 429 meanwhile may have pushed the pause further

    def _delay(self, address: str, interval: float | None = None) -> float:
        """Seconds until ``address`` may be sent to (the chat's interval, the channel pause;
        ``interval``: the chat's, if the caller has it already). Addresses in one platform
        chat (a Telegram group's forum topics) share its interval: the platform limits the
        chat, not each lane."""
        now = time.monotonic()
        if interval is None:
            interval = self.adapter.chat_interval(address)
        if not interval:  # (an unpaced chat: its last send need not be looked up)
            return self._paused_until - now
        last = self._last_sent.get(self.adapter.pacing_key(address), 0.0)
        return max(last + interval - now, self._paused_until - now)

    async def _attempt(self, message: Outbound, paced: bool = True) -> bool:
        """Try once; True when the message reached a final state, False to retry later.
        ``paced``: its chat has an interval between messages (the send's time is noted)."""
        if message.person_id in self.revoked:
            log.info("outbox %s not sent: its person was revoked", message.id)
            return True  # withdrawn in the database by the revocation
        if self._too_old(message):
            await self._fail(
                message,
                f"expired: not delivered within {self.pacing.expire_after / 3600:g} h",
                status="expired",
                kind=EXPIRED,
            )
            return True
        exported: Path | None = None
        # the platform chat the interval paces
        chat = self.adapter.pacing_key(message.address) if paced else None
        try:
            # A channel that cannot carry files says where the file can be had instead.
            sendable = message if self.adapter.sends_files else without_file(message)
            if sendable.attachment is not None:
                sendable, exported = await self._with_file(sendable)
            if chat is not None:  # taken now: another lane into the same chat waits from here
                self._last_sent[chat] = time.monotonic()
            platform_id = await self.adapter.send(sendable)
        except RateLimited as exc:
            self._paused_until = time.monotonic() + exc.retry_after
            log.warning("%s asked us to wait %.1fs", self.adapter.channel, exc.retry_after)
            return self._retry_later(message, exc.retry_after, count=False, parts=exc.sent_parts)
        except TransientError as exc:
            return await self._transient(message, str(exc), exc.sent_parts)
        except PermanentError as exc:
            kind = UNREACHABLE if isinstance(exc, Unreachable) else REFUSED
            await self._fail(message, str(exc), kind=kind)
            return True
        except Exception as exc:  # a defect in the adapter: report it, retry as transient
            log.error(
                "%s raised an unexpected error sending outbox %s",
                self.adapter.channel,
                message.id,
                exc_info=exc,
            )
            return await self._transient(message, f"{type(exc).__name__}: {exc}")
        finally:
            if chat is not None:
                self._last_sent[chat] = time.monotonic()
            if exported is not None:
                exported.unlink(missing_ok=True)  # plaintext lives only for the send
        sent_at = stamp(self.clock)
        if isinstance(platform_id, SentInPart) or isinstance(message, FollowUp):
            # The rest is owed until the reader writes (bot.delivery.followup), or now sent:
            # committed before the lane moves on, so a reply arriving at once finds it owed.
            rest = "owed" if isinstance(platform_id, SentInPart) else "done"
            await self.store.run(lambda db: _mark_sent(db, message.id, platform_id, sent_at, rest))
        else:
            self.store.defer(lambda db: _mark_sent(db, message.id, platform_id, sent_at))
        return True

    async def _with_file(self, message: Outbound) -> tuple[Outbound, Path | None]:
        """A file on a request is decrypted to a temporary file just for the send (verified
        to its end first, so a damaged blob is never sent in part); one over the channel's
        upload limit goes as the text and a word on where to get it."""
        file = message.attachment
        if file is not None and file.report:  # a report: made now, kept in its folder
            return await self._made(message, file), None
        if file is None or not file.blob:
            return message, None
        if self.adapter.max_upload and file.size > self.adapter.max_upload:
            return without_file(message), None
        blobs = self._blobs()
        if blobs is None:
            raise PermanentError(f"{FILE_UNREADABLE}: files are not enabled (no key)")
        try:
            path = await asyncio.to_thread(blobs.export, file.blob, Path(file.filename).suffix)
        except BlobError as exc:
            raise PermanentError(f"{FILE_UNREADABLE}: {exc}") from exc
        return dataclasses.replace(
            message, attachment=dataclasses.replace(file, path=str(path))
        ), path

    async def _made(self, message: Outbound, file: Attachment) -> Outbound:
        """``message`` with its report file made; one that cannot be (its period gone, its
        folder not writable) goes at once as the text and a word saying so: retried, it
        held the asker's chat for minutes and then went unsaid."""
        make = self._make_file()
        try:
            if make is None:
                raise PermanentError("reports are not made here")
            return dataclasses.replace(message, attachment=await make(file))
        except (PermanentError, OSError) as exc:
            log.warning("outbox %s: %s not made: %s", message.id, file.filename, exc)
            return file_not_made(message)

    async def _transient(self, message: Outbound, reason: str, parts: tuple[str, ...] = ()) -> bool:
        """Back off and retry, up to the channel's bound of attempts (``parts``: those of a
        message sent as several that went, see :meth:`_retry_later`)."""
        if message.attempts + 1 >= self.pacing.max_attempts:
            gave_up = f"gave up after {message.attempts + 1} attempts: {reason}"
            await self._fail(message, gave_up, kind=UNAVAILABLE)
            return True
        return self._retry_later(
            message, min(2.0**message.attempts, 60.0), count=True, reason=reason, parts=parts
        )

    def _retry_later(
        self,
        message: Outbound,
        delay: float,
        count: bool,
        reason: str = "",
        parts: tuple[str, ...] = (),
    ) -> bool:
        """Put the lane back in line after ``delay``; ``count`` the attempt. ``parts``, the
        ids of the parts that went of a message sent as several, go with its retry here (the
        store has them already: :meth:`_part_went` noted each as it went)."""
        lane = self._lanes[message.address]
        if parts and parts != message.sent_parts:
            message = lane[0] = dataclasses.replace(message, sent_parts=parts)
        if count:
            attempts, why = message.attempts + 1, reason[:500]
            self.store.defer(lambda db: _note_failure(db, message.id, attempts, why))
            lane[0] = dataclasses.replace(message, attempts=message.attempts + 1)
            log.info("retrying outbox %s in %.1fs: %s", message.id, delay, reason)
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self._ready.put_nowait, message.address)
        return False

    def _too_old(self, message: Outbound) -> bool:
        if not message.created_at or isinstance(message, FollowUp):
            return False  # a follow-up went in part already; its reader asked for the rest now
        second = int(self.clock.seconds())  # stamps are UTC ISO to the second: compared as text
        if self._oldest[0] != second:  # the cut-off, formatted once a second
            cut_off = self.clock.now() - timedelta(seconds=self.pacing.expire_after)
            self._oldest = (second, iso(cut_off))
        return message.created_at < self._oldest[1]

    async def _fail(
        self, message: Outbound, reason: str, kind: str, status: str = "failed"
    ) -> None:
        log.warning("outbox %s to %s %s: %s", message.id, message.channel, status, reason)
        await self.store.run(
            lambda db: _mark_failed(db, message.id, reason, message.attempts + 1, status)
        )
        await self._on_failed(message, reason, kind)

    def _part_went(self, message_id: int, parts: tuple[str, ...]) -> None:
        """Part of a message sent as several went: noted with the next commit (a crash before
        the rest then costs its retry those parts only)."""
        noted = json.dumps(parts)
        self.store.defer(lambda db: _note_parts(db, message_id, noted))

    def _finished(self, message_id: int) -> None:
        self.in_flight.discard(message_id)
        if not self.in_flight and self._idle is not None:
            self._idle.set()
            self._idle = None  # (the next wait makes its own)


_SENT = (
    "UPDATE outbox SET status = 'sent', sent_at = ?, platform_id = ?, attempts = attempts + 1 "
    "WHERE id = ?"
)
_SENT_FOLLOWING = (  # (its parts sent are forgotten: the rest, when owed, goes whole)
    "UPDATE outbox SET status = 'sent', sent_at = ?, platform_id = ?, attempts = attempts + 1, "
    "follow_up = ?, parts_sent = NULL WHERE id = ?"
)


def _mark_sent(db: Db, outbox_id: int, platform_id: str, at: str, rest: str | None = None) -> None:
    """``rest``: a message sent in part (``owed``) or its rest sent (``done``); None leaves
    the row's follow-up as it is."""
    if rest is None:  # (no None bound: sqlite3 binds one at several times a string's cost)
        db.write(_SENT, [at, str(platform_id), outbox_id])
    else:
        db.write(_SENT_FOLLOWING, [at, str(platform_id), rest, outbox_id])
    if isinstance(platform_id, SentParts):  # a message sent as several: each part's id
        parts.record(db, outbox_id, platform_id)


def _note_failure(db: Db, outbox_id: int, attempts: int, reason: str) -> None:
    db.execute(
        "UPDATE outbox SET attempts = ?, error = ? WHERE id = ?", [attempts, reason, outbox_id]
    )


def _note_parts(db: Db, outbox_id: int, sent_parts: str) -> None:
    db.execute(
        "UPDATE outbox SET parts_sent = ? WHERE id = ? AND status = 'queued'",
        [sent_parts, outbox_id],
    )


def _mark_failed(
    db: Db, outbox_id: int, reason: str, attempts: int, status: str = "failed"
) -> None:
    db.execute(
        "UPDATE outbox SET status = ?, error = ?, attempts = ? WHERE id = ?",
        [status, reason[:500], attempts, outbox_id],
    )


class Outbox:
    """Routes committed outbound messages to their channel's dispatcher."""

    def __init__(self, store: Store, clock: Clock, on_failed: FailureHook) -> None:
        self.store, self.clock, self._on_failed = store, clock, on_failed
        self._channels: dict[str, ChannelDispatcher] = {}
        self.blobs: BlobStore | None = None  # set by the app once the store is open
        self.make_file: MakeFile | None = None  # set by the app: makes a report file

    def add(self, adapter: Adapter) -> None:
        """Deliver ``adapter.channel`` messages through ``adapter`` once :meth:`open`."""
        self._channels[adapter.channel] = ChannelDispatcher(
            adapter,
            self.store,
            self.clock,
            self._on_failed,
            blobs=lambda: self.blobs,
            make_file=lambda: self.make_file,
        )

    def open(self, channel: str) -> None:
        """Start delivering on ``channel``: its adapter has made its first start attempt.

        Called whether or not that attempt worked, so a channel that cannot start still
        fails its messages over to the next channel after the usual retries.
        """
        self._channels[channel].open()

    def revoked(self, person_ids: frozenset[str]) -> None:
        """The people revoked now: a message of theirs already in a lane (one waiting for a
        retry, say) is not sent; the database has it withdrawn already."""
        for dispatcher in self._channels.values():
            dispatcher.revoked = person_ids

    def share_rates(self, replicas: int) -> None:
        """Every channel takes its share of its overall rate among ``replicas`` live ones."""
        for dispatcher in self._channels.values():
            dispatcher.share_rate(replicas)

    async def resume(self) -> int:
        """Queue what is owed and not yet in hand (after a restart or a retry); return how many."""
        owed = await self.store.run(queued_messages)
        fresh = [m for m in owed if not any(m.id in d.in_flight for d in self._channels.values())]
        self.put(fresh)
        return len(fresh)

    def put(self, messages: list[Outbound]) -> None:
        """Hand committed messages to their channels."""
        for message in messages:
            dispatcher = self._channels.get(message.channel)
            if dispatcher is None:
                log.warning(
                    "outbox %s waits: channel %s is not running", message.id, message.channel
                )
                continue
            dispatcher.put(message)

    async def drained(self) -> None:
        """Return once nothing is waiting for delivery."""
        while any(d.in_flight for d in self._channels.values()):
            await asyncio.gather(*(d.until_idle() for d in self._channels.values()))

    async def close(self, grace: float = 0.0) -> None:
        """Stop all delivery; with ``grace``, let sends under way finish (all channels at once)."""
        await asyncio.gather(
            *(d.close(grace) for d in self._channels.values()), return_exceptions=True
        )


OUTBOX_VERSION = "outbox_version"


def last_buttons(db: Db, person_id: str) -> tuple[tuple[Button, ...], str] | None:
    """The buttons of the last message with buttons written to ``person_id``, and when it
    was written; None when there is none (a button's label typed as a word answers it)."""
    row = db.execute(
        "SELECT buttons, created_at FROM outbox WHERE person_id = ? AND buttons <> '[]' "
        "ORDER BY id DESC LIMIT 1",
        [person_id],
    ).fetchone()
    return (buttons_from_json(row[0]), row[1]) if row else None


def last_message_buttons(db: Db, person_id: str) -> tuple[tuple[Button, ...], str] | None:
    """The buttons of the last message written to ``person_id`` and when it was written, if
    it has buttons; None when it has none (a question answered, or overtaken, since)."""
    row = db.execute(
        "SELECT buttons, created_at FROM outbox WHERE person_id = ? ORDER BY id DESC LIMIT 1",
        [person_id],
    ).fetchone()
    return (buttons_from_json(row[0]), row[1]) if row and row[0] != "[]" else None


def recent_buttons(db: Db, person_id: str, since: str, limit: int) -> list[tuple[Button, ...]]:
    """The buttons of the last ``limit`` messages about a subject (a request, a broadcast)
    with buttons written to ``person_id`` since ``since``, newest first."""
    rows = db.execute(
        "SELECT buttons FROM outbox WHERE person_id = ? AND buttons != '[]' "
        "AND subject IS NOT NULL AND created_at >= ? ORDER BY id DESC LIMIT ?",
        [person_id, since, limit],
    ).fetchall()
    return [buttons_from_json(row[0]) for row in rows]


def status_of(db: Db, message_id: int) -> str | None:
    """A message's outbox status ("queued", "sent", …); None when there is no such message."""
    row = db.execute("SELECT status FROM outbox WHERE id = ?", [message_id]).fetchone()
    return str(row[0]) if row else None


def requeue(db: Db, outbox_id: int, now: datetime | None = None) -> bool:
    """Give a failed or expired message another go; tell a running bot to look.

    Its lifetime starts again ``now``: kept from its first writing, an expired message was
    expired again before any attempt."""
    again = iso(now or Clock().now())
    cursor = db.execute(
        "UPDATE outbox SET status = 'queued', attempts = 0, error = NULL, lease_owner = NULL, "
        "created_at = ? WHERE id = ? AND status IN ('failed', 'expired')",
        [again, outbox_id],
    )
    if cursor.rowcount:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
            [OUTBOX_VERSION],
        )
    return bool(cursor.rowcount)


def outbox_version(db: Db) -> int:
    """Bumped whenever another process requeues messages."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [OUTBOX_VERSION]).fetchone()
    return int(row[0]) if row else 0


def listing(db: Db, status: str | None, limit: int = 50) -> list[tuple[Any, ...]]:
    """Messages for the operator: id, created, channel, person or address, status, attempts,
    error, what it is about (its subject: a request id, a period's window; never its text,
    which carries names and casework) and, for one held through its reader's quiet hours,
    when it goes."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return list(
        db.execute(
            "SELECT id, created_at, channel, COALESCE(person_id, address), status, attempts, "
            f"COALESCE(error, ''), COALESCE(subject, ''), not_before FROM outbox {where} "
            f"ORDER BY id DESC LIMIT {int(limit)}",
            params,
        )
    )


def counts(db: Db) -> dict[str, int]:
    """How many messages are in each state, with 'failing' for queued ones that have failed
    and 'held' for queued ones waiting for their reader's morning."""
    found = dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    found["failing"], found["held"] = db.execute(
        "SELECT COUNT(CASE WHEN attempts > 0 THEN 1 END), "
        "COUNT(CASE WHEN not_before IS NOT NULL THEN 1 END) FROM outbox WHERE status = 'queued'"
    ).fetchone()
    return found
