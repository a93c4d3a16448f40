"""The application: coordinates store, outbox, scheduler and adapters around one pipeline.

Adapters hand events to :meth:`App.submit`, which waits for room in a bounded queue (so a burst
slows the adapters down instead of growing memory) and, by default, until the event's unit of
work has committed, so an adapter acknowledges its platform only once nothing can be lost.
A fixed set of worker tasks drains the queue through the middleware into the store thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.commands import CommandSpec, Registry, parse_command_line
from bot.config import Person, Settings
from bot.delivery.fallback import reroute
from bot.delivery.outbox import CLOSE_GRACE, Outbox, outbox_version
from bot.delivery.routing import Router
from bot.directory.handlers import retire_unconfigured
from bot.directory.repo import Directory, directory_version, load_directory, sync_configured
from bot.dispatch import Hooks, due_timers, fire_timer, pending_timers, process_event
from bot.eager import start_eagerly
from bot.errors import ConfigError, PermanentError, StoreUnavailable, TransientError, UserError
from bot.events import Attachment, ButtonPress, Inbound, Outbound, Sender, TextMessage
from bot.files.blobs import BlobStore
from bot.files.intake import open_blobs, take_in
from bot.i18n import _
from bot.middleware import Middleware, RecentEvents, chain, ignore_chatter
from bot.ports import Adapter, Reader, TimerScheduler
from bot.storage import Store
from bot.storage.sql import Db
from bot.text import clean
from bot.unit_costs import UnitCosts
from bot.work import Context, Work

if TYPE_CHECKING:  # replicas need psycopg (~20 MiB): imported only with leases
    from bot.delivery.replicas import Replication
    from bot.storage.leases import Leases
    from bot.storage.sql import Db

log = logging.getLogger(__name__)
SORRY = _(
    "Sorry, something went wrong on my side and nothing was changed. "
    "It has been logged; please try again."
)
ADAPTER_RETRY = 5.0  # seconds before retrying a channel that could not start
DIRECTORY_POLL = 5.0  # seconds between checks for directory changes from other processes
_Item = tuple[Inbound, asyncio.Future[bool] | None]


class App:
    """One running FocalPoint: the single async core."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        adapters: Iterable[Adapter],
        scheduler: TimerScheduler,
        registry: Registry,
        hooks: Hooks,
        clock: Clock | None = None,
        middleware: list[Middleware] | None = None,
        startup: Iterable[Callable[[Work], None]] = (),
        shutdown: Iterable[Callable[[Work], None]] = (),
        leases: Leases | None = None,
    ) -> None:
        self.settings, self.store, self.scheduler = settings, store, scheduler
        self.registry, self.hooks = registry, hooks
        self.startup = tuple(startup)  # units run once at start, e.g. periods from bot.toml
        self.shutdown = tuple(shutdown)  # units run once at stop, e.g. the audit anchor
        self.clock = clock or Clock()
        self.adapters = {adapter.channel: adapter for adapter in adapters}
        self.started: set[str] = set()  # channels whose adapter has started
        self.given_up: set[str] = set()  # channels that cannot start with this configuration
        self.outbox = Outbox(store, self.clock, self._delivery_failed)
        self._queue: asyncio.Queue[_Item] = asyncio.Queue(settings.bot.inbound_queue_size)
        self._pipeline = chain(
            middleware if middleware is not None else [ignore_chatter, RecentEvents()],
            self._execute,
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._handling = 0  # events being handled, by workers or in their submitter's turn
        self._inline: set[asyncio.Task[None]] = set()  # events handled at once that had to wait
        self._carried_out: set[tuple[str, str]] = set()  # events run and not refused, until told
        self.unit_costs = UnitCosts()  # which commands run on the loop (bot.unit_costs)
        self._directory_version = 0
        self._outbox_version = 0
        self.ctx: Context | None = None
        self.blobs: BlobStore | None = None  # files on requests; None: no key, files are off
        self.accepting = False
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop started in
        self.directory_poll = DIRECTORY_POLL
        self.adapter_retry = ADAPTER_RETRY
        # Several replicas on one PostgreSQL database: who delivers what, who polls.
        self.replication: Replication | None = None
        if leases:
            from bot.delivery.replicas import Replication

            self.replication = Replication(store, self.outbox, leases, scheduler)

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Open the store, load the directory, resume owed work, then start the adapters."""
        await self.store.open()
        if self.replication:
            await self.replication.join()
        settings = self.settings
        if settings.countries or settings.people:
            applied = await self.store.run(
                lambda db: sync_configured(db, list(settings.countries), list(settings.people))
            )
            log.info("directory: %d bot.toml entries new or edited since last start", applied)
        await self.reload_directory()
        # What start-up units queue is handed to the outbox once it has its channels: with
        # replicas, a message in a chat this replica took for it is its own, which no replica
        # adopts (its owner holds it in hand), so one not handed over here was never sent.
        queued: list[Work] = []
        if settings.people:
            queued.append(await self._retire_unconfigured())
        self.blobs = await self.store.run(lambda db: open_blobs(db, settings.files))
        self.outbox.blobs = self.blobs
        self.outbox.make_file = self._make_file
        for task in self.startup:
            queued.append(
                await self.store.run(_startup_unit(task, self._context(), self.clock.now()))
            )
        for adapter in self.adapters.values():
            self.outbox.add(adapter)
        for work in queued:
            self.outbox.put(_ours(work))
        if self.replication is None:  # replicas adopt what is owed in their own loop instead
            owed = await self.outbox.resume()
            if owed:
                log.info("resuming %d queued outbound messages", owed)
        for i in range(settings.bot.workers):
            self.spawn(self._worker(), f"worker-{i}")
        await self.scheduler.start(self.fire_timer)
        for timer_id, due in await self.store.run(pending_timers):
            self.scheduler.schedule(timer_id, due)
        self.spawn(self._watch_directory(), "directory-watch")
        # kept: asking asyncio for the running loop costs a system call (its fork check)
        self._loop = asyncio.get_running_loop()
        self.accepting = True
        for adapter in self.adapters.values():
            adapter.reader_language = self.language_for
            adapter.person_name = self.name_for
            await self._start_adapter(adapter)
        if self.replication:
            self.spawn(self.replication.run(), "replication")

    async def _retire_unconfigured(self) -> Work:
        """Revoke those taken out of bot.toml and pass their work on (before anyone writes);
        the unit, whose messages (what it tells their stand-ins) go once the channels are added."""
        work = await self.store.run(
            _startup_unit(retire_unconfigured, self._context(), self.clock.now())
        )
        if work.directory_changed:
            await self.reload_directory()
        return work

    async def _start_adapter(self, adapter: Adapter) -> None:
        """Start a channel; if its platform is unreachable, keep trying in the background so
        the other channels serve meanwhile (messages for it wait in the outbox). A channel
        whose configuration is refused (a token the platform rejects) is not retried: the
        secrets are read once, so only a restart with a corrected one can help."""
        if self.replication:
            self.replication.prepare(adapter)
        try:
            await adapter.start(self.submit)
            self._started(adapter)
        except TransientError as exc:
            log.error("%s did not start (%s); retrying in the background", adapter.channel, exc)
            self.spawn(self._keep_starting(adapter), f"start-{adapter.channel}")
        except (PermanentError, ConfigError) as exc:
            self._give_up(adapter, exc)
        except Exception:  # a defect in one adapter must not stop the others
            log.exception("%s failed to start; retrying in the background", adapter.channel)
            self.spawn(self._keep_starting(adapter), f"start-{adapter.channel}")
        finally:
            self.outbox.open(adapter.channel)  # owed messages go out now (or start failing over)

    async def _keep_starting(self, adapter: Adapter) -> None:
        delay = self.adapter_retry
        while self.accepting:
            await asyncio.sleep(delay)
            try:
                await adapter.start(self.submit)
            except TransientError as exc:
                delay = min(delay * 2, 300.0)
                log.warning(
                    "%s still unreachable (%s); next try in %.0fs", adapter.channel, exc, delay
                )
                continue
            except (PermanentError, ConfigError) as exc:
                self._give_up(adapter, exc)
            except Exception:
                delay = min(delay * 2, 300.0)
                log.exception("%s failed to start; next try in %.0fs", adapter.channel, delay)
                continue
            else:
                log.info("%s started", adapter.channel)
                self._started(adapter)
            return

    def _started(self, adapter: Adapter) -> None:
        self.started.add(adapter.channel)
        if self.replication:
            self.replication.started(adapter)

    def _give_up(self, adapter: Adapter, exc: Exception) -> None:
        """One line, no traceback: the message says what to fix."""
        self.given_up.add(adapter.channel)
        log.error(
            "%s cannot start: %s; the other channels run without it (fix this and restart)",
            adapter.channel,
            exc,
        )

    async def stop(self) -> None:
        """Stop taking input, finish what was accepted, deliver what is owed, close.

        Adapters stop first, while events are still accepted: one a platform was already told
        "received" (Slack's 3-second ack) still reaches the queue and is handled.
        """
        if self.replication is not None:
            self.replication.stop_tending()
        for adapter in self.adapters.values():
            with contextlib.suppress(Exception):
                await adapter.stop()
        self.accepting = False
        replication, self.replication = self.replication, None
        await self._handled()
        await self.scheduler.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.outbox.drained(), timeout=5)
        await self.outbox.close(grace=CLOSE_GRACE)  # a send under way is not cut off
        for adapter in self.adapters.values():
            with contextlib.suppress(Exception):
                await adapter.close()  # nothing more will be sent: release clients
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if replication:
            with contextlib.suppress(Exception):
                await replication.leave()
        await self._run_shutdown()
        await self.store.close()

    async def _run_shutdown(self) -> None:
        """Shutdown units (nothing is sent any more; they write records only)."""
        if self.ctx is None or not self.store.is_open:
            return  # never started, or the store is gone already (a simulated crash)
        for task in self.shutdown:
            try:
                await self.store.run(_startup_unit(task, self.ctx, self.clock.now()))
            except Exception:
                log.exception("shutdown task %s failed", getattr(task, "__name__", task))

    async def idle(self) -> None:
        """Return once every accepted event is handled and every owed message delivered."""
        await self._handled()
        await self.outbox.drained()

    def spawn(self, coro: object, name: str) -> asyncio.Task[None]:
        """Start background work the app keeps a reference to and reports failures of."""
        task: asyncio.Task[None] = asyncio.create_task(coro, name=name)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception():
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    # --- inbound ------------------------------------------------------------------------
    async def submit(self, event: Inbound, wait: bool = True) -> bool:
        """Accept one event; with ``wait`` return only once its effects are committed, and
        whether the core carried it out (False: it refused it with a polite answer, changed
        nothing, or could not handle it), so that a pressed button stays live when refused.

        A waiting submitter whose event finds no queue and a worker's share free has it
        handled at once, in its own turn of the loop (a task finishes it if it has to wait,
        so the submitter's cancellation cannot cut it short): a short command then costs
        no hop through the queue. Otherwise the event waits its turn in the bounded queue.
        """
        if not self.accepting or self._loop is None:
            raise RuntimeError("FocalPoint is not accepting events (starting or stopping)")
        if isinstance(event, TextMessage) and event.files:
            event = await self._take_files(event)
        done: asyncio.Future[bool] | None = self._loop.create_future() if wait else None
        workers = self.settings.bot.workers
        if done is not None and self._queue.empty() and self._handling < workers:
            start_eagerly(self._handle(event, done), self._inline)
            return await done
        # Without ``wait`` a put with room returns at once: a burst offered in one go fills
        # the queue before the workers take it, so their units share commits (a yield after
        # each put had every event taken alone, with a commit of its own).
        await self._queue.put((event, done))
        return await done if done is not None else True

    async def _take_files(self, event: TextMessage) -> TextMessage:
        """Fetch the event's files into the encrypted store before the core sees it. Files
        travel only in private chats: one posted in a group, or by someone not in the
        directory, is not fetched at all."""
        adapter = self.adapters.get(event.sender.channel)
        if (
            adapter is None
            or not event.chat.private
            or self._context().directory.person_for(event.sender) is None
        ):
            return replace(event, files=())
        return await take_in(
            event, adapter.fetch_file, self.blobs, self.settings.files, adapter.max_download
        )

    async def _handled(self) -> None:
        """Return once every accepted event is handled (queued ones and ones taken at once)."""
        await self._queue.join()
        while self._inline:
            # wait, not gather: from Python 3.12 a gather of finished tasks completes without
            # yielding, so their done callbacks (which drop them from the set) never ran
            await asyncio.wait(list(self._inline))

    async def _worker(self) -> None:
        while True:
            event, done = await self._queue.get()
            try:
                await self._handle(event, done)
            finally:
                self._queue.task_done()

    async def _handle(self, event: Inbound, done: asyncio.Future[bool] | None) -> None:
        """Run one event through the pipeline; settle ``done`` (committed, and whether it was
        carried out; or not stored)."""
        self._handling += 1
        key = (event.sender.channel, event.event_id)
        try:
            await self._pipeline(event)
        except StoreUnavailable as exc:
            # Nothing was stored: the adapter must not confirm the event to its platform,
            # which then sends it again (to this or another replica) once we are back.
            log.warning(
                "%s from %s not stored: %s", type(event).__name__, event.sender.channel, exc
            )
            if done is not None and not done.done():
                done.set_exception(exc)
        except Exception as exc:
            await self._report(event, exc)
        finally:
            self._handling -= 1
            carried_out = key in self._carried_out
            self._carried_out.discard(key)
            if done is not None and not done.done():
                done.set_result(carried_out)

    async def _execute(self, event: Inbound) -> None:
        ctx, hooks, now = self._context(), self.hooks, self.clock.now()
        spec = self._command_of(event)

        def unit(db: Db) -> Work | None:
            return process_event(db, ctx, hooks, event, now)

        # a command marked quick is short, with nothing to learn of its cost (no calls)
        short = spec is not None and (spec.quick or self.unit_costs.short(spec))
        run: Callable[[Db], Work | None] = unit
        if spec is not None and not spec.quick:
            run = self.unit_costs.timed(spec, unit)
        more = not self._queue.empty()  # a burst: commit several events together
        work = await self.store.run(run, short=short, more=more)
        if work is not None:
            if not work.refused:
                self._carried_out.add((event.sender.channel, event.event_id))
            self._after_commit(work)
            if work.directory_changed:
                await self.reload_directory()

    def _command_of(self, event: Inbound) -> CommandSpec | None:
        """The command ``event`` runs, when it is one typed or pressed (its subcommand's spec),
        for :attr:`unit_costs` to say whether the store may run it on the loop."""
        if isinstance(event, TextMessage):
            text = event.text
        elif isinstance(event, ButtonPress):
            text = event.command
        else:
            return None
        line = parse_command_line(clean(text)) if text.startswith("/") else None
        spec = self.registry.get(line.name) if line else None
        return spec.resolve(line.args)[0] if spec is not None and line is not None else None

    async def _report(self, event: Inbound, exc: Exception) -> None:
        """The one error sink: log with the traceback, answer honestly, change nothing else."""
        log.error(
            "handling %s from %s failed", type(event).__name__, event.sender.channel, exc_info=exc
        )
        with contextlib.suppress(Exception):
            ctx, now = self._context(), self.clock.now()
            work = await self.store.run(lambda db: _apologise(db, ctx, event, now))
            self._after_commit(work)

    # --- timers -------------------------------------------------------------------------
    async def fire_timer(self, timer_id: str) -> None:
        """Run one due timer (exactly once, even if asked twice)."""
        ctx, hooks, now = self._context(), self.hooks, self.clock.now()
        try:
            work = await self.store.run(lambda db: fire_timer(db, ctx, hooks, timer_id, now))
        except Exception:
            log.exception("timer %s failed", timer_id)
            return
        if work is not None:
            self._after_commit(work)

    async def fire_due_timers(self) -> int:
        """Fire every timer due by the app's clock (for controllable clocks); return how many."""
        due = await self.store.run(lambda db: due_timers(db, self.clock.now()))
        for timer_id in due:
            await self.fire_timer(timer_id)
        return len(due)

    async def _make_file(self, file: Attachment) -> Attachment:
        """A report file asked for in chat, made as the outbox sends it: its data read in a
        short unit, drawn and written on a thread, so that no unit holds the store while a
        chart is drawn (a second or two)."""
        from bot.reports.files import made
        from bot.reports.handlers import source

        ctx, now = self._context(), self.clock.now()
        try:
            data, folder = await self.store.run(lambda db: source(Work(db, ctx, now), file))
        except UserError as exc:  # the period is gone since it was asked for
            raise PermanentError(f"{file.filename} not made: {exc.text}") from exc
        return await asyncio.to_thread(made, folder, file, data)

    # --- shared -------------------------------------------------------------------------
    def language_for(self, reader: Reader) -> str:
        """The language a sender or a person (by id) reads; the bot's default for a stranger,
        as the core answers them."""
        person = self._person(reader)
        return person.language if person else self.settings.bot.language

    def name_for(self, sender: Sender) -> str | None:
        """The directory name of the person behind ``sender`` (None: a stranger)."""
        person = self._person(sender)
        return person.name if person else None

    def _person(self, reader: Reader) -> Person | None:
        """The directory's person behind a sender or a person id (None: a stranger)."""
        directory = self.ctx.directory if self.ctx else None
        if directory is None or reader is None:
            return None
        if isinstance(reader, Sender):
            return directory.person_for(reader)
        return directory.people.get(reader)

    async def reload_directory(self) -> Directory:
        """Re-read the directory (after an import or a revocation)."""
        directory = await self.store.run(load_directory)
        self._directory_version = await self.store.run(directory_version)
        pointer_only = frozenset(
            name for name, section in self.settings.channels.items() if section.content == "pointer"
        )
        router = Router(
            {ch: adapter.address_for for ch, adapter in self.adapters.items()},
            pointer_only,
            {ch: adapter.command_hint for ch, adapter in self.adapters.items()},
            frozenset(ch for ch, adapter in self.adapters.items() if adapter.opens_forms),
            frozenset(ch for ch, adapter in self.adapters.items() if adapter.terse),
            frozenset(ch for ch, adapter in self.adapters.items() if adapter.sends_in_part),
        )
        replica = self.replication.replica if self.replication else None
        self.ctx = Context(self.settings, directory, router, self.registry, replica)
        self.outbox.revoked(frozenset(p.id for p in directory.people.values() if not p.active))
        return directory

    async def _watch_directory(self) -> None:
        """Pick up changes made by another process: a directory import, a requeued message."""
        while True:
            await asyncio.sleep(self.directory_poll)
            if not self.store.is_open:
                return  # the store closed under us (a simulated crash): nothing to watch
            try:
                people, requeued = await self.store.run(
                    lambda db: (directory_version(db), outbox_version(db))
                )
            except StoreUnavailable as exc:
                log.warning("directory watch: %s; trying again", exc)
                continue
            if people != self._directory_version:
                log.info("directory changed; reloading")
                await self.reload_directory()
            if requeued != self._outbox_version:
                self._outbox_version = requeued
                if self.replication is None:  # replicas adopt requeued messages anyway
                    log.info("resumed %d requeued messages", await self.outbox.resume())

    def _context(self) -> Context:
        if self.ctx is None:
            raise RuntimeError("FocalPoint has not started")
        return self.ctx

    def _after_commit(self, work: Work) -> None:
        mine = _ours(work)
        self.outbox.put(sorted(mine, key=_to_everyone_else(work)) if len(mine) > 1 else mine)
        for timer in work.timers:
            self.scheduler.schedule(timer.id, timer.due_at)

    async def _delivery_failed(self, message: Outbound, reason: str, kind: str) -> None:
        """A message failed for good: try the person's next channel and tell its origin (in
        plain words: ``reason``, the platform's, goes to the log only)."""
        log.warning(
            "message %s to %s on %s failed for good: %s",
            message.id,
            message.person_id or message.address,
            message.channel,
            reason,
        )
        ctx, now = self._context(), self.clock.now()
        try:
            work = await self.store.run(lambda db: reroute(db, ctx, message, reason, now, kind))
        except Exception:
            log.exception("could not reroute message %s", message.id)
            return
        self._after_commit(work)
        if work.directory_changed:  # an address noted unreachable: route around it from now
            await self.reload_directory()


def _startup_unit(
    task: Callable[[Work], object], ctx: Context, now: datetime
) -> Callable[[Db], Work]:
    """A start-up (or shutdown) task as a unit of work for the store thread; it returns the
    unit, whose messages the app hands to the outbox (see :meth:`App.start`)."""

    def unit(db: Db) -> Work:
        work = Work(db, ctx, now)
        task(work)
        return work

    return unit


def _ours(work: Work) -> list[Outbound]:
    """The messages ``work`` queued that this process delivers (not those in a chat another
    replica delivers: that one adopts them)."""
    if not work.elsewhere:  # (one process, or none elsewhere: the list as it is)
        return work.outbound
    return [m for m in work.outbound if m.id not in work.elsewhere]


def _apologise(db, ctx: Context, event: Inbound, now) -> Work:  # type: ignore[no-untyped-def]
    work = Work(db, ctx, now, ctx.directory.person_for(event.sender), event.chat)
    if work.actor is not None:
        work.reply(SORRY)
        work.write_replies()
    return work


def _to_everyone_else(work: Work) -> Callable[[Outbound], bool]:
    """Sort key that puts the acting person's own answer ahead of a unit's fan-out: their
    chat's lane is ready first, so they hear back at once, not after 1,000 notifications."""
    origin = work.origin
    if origin is None:
        return lambda _message: False
    return lambda m: (m.channel, m.address) != (origin.channel, origin.chat_id)
