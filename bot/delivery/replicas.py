"""Several replicas, one bot: who delivers which chat, and who is still alive.

Only on PostgreSQL; on SQLite there is one process and none of this runs.

- Every replica writes a heartbeat row (``replicas``) every :data:`HEARTBEAT` seconds; one not
  seen for :data:`STALE_AFTER` seconds is dead.
- A chat (channel + address) is a *lane* delivered by exactly one live replica, its owner
  (``lanes``), so messages to one chat keep their order and its per-chat pace. The unit of work
  that queues a message claims the lane in the same transaction when it is free or its owner is
  dead; a message for a lane another live replica owns is left for that owner, which claims it
  within :data:`CLAIM_EVERY` seconds.
- An outbox row carries the replica that holds it (``lease_owner``). When a replica dies, the
  others adopt its lanes and its queued messages; a message it was sending at the moment it
  died may be sent twice (at-least-once: the platform gives no idempotency key).
- A channel's overall rate (Telegram: 30 messages a second per bot) is shared among the live
  replicas, so the bot as a whole stays within it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from bot.clock import iso
from bot.delivery.outbox import OUTBOUND_COLUMNS, Outbox, outbound_from_row
from bot.dispatch import pending_timers
from bot.events import Outbound
from bot.ports import Adapter, TimerScheduler
from bot.storage import Store
from bot.storage.leases import Leases
from bot.storage.postgres import DatabaseUnavailable
from bot.storage.sql import Db

log = logging.getLogger(__name__)
HEARTBEAT = 1.0  # seconds between heartbeats
STALE_AFTER = 5.0  # seconds without a heartbeat after which a replica counts as dead
CLAIM_EVERY = 0.5  # seconds between looks for messages left for this replica's lanes
CLAIM_BATCH = 500
FORGET_AFTER = timedelta(hours=1)  # a dead replica's heartbeat row is removed after this


def new_replica_id() -> str:
    """Unique per process: host, pid and a random part (pids are reused across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _now() -> datetime:
    # Liveness is real time, never the app's (possibly simulated) clock.
    return datetime.now(UTC)


def _stale_cutoff() -> str:
    return iso(_now() - timedelta(seconds=STALE_AFTER))


def heartbeat(db: Db, replica: str) -> int:
    """Record that ``replica`` is alive; return how many replicas are alive now."""
    now = iso(_now())
    db.execute(
        "INSERT INTO replicas (id, host, pid, started_at, seen_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        [replica, socket.gethostname(), os.getpid(), now, now],
    )
    # a replica silent for an hour is gone for good (killed, its machine replaced): forget it,
    # so the table lists the replicas there are, not every process that ever ran
    db.execute("DELETE FROM replicas WHERE seen_at < ?", [iso(_now() - FORGET_AFTER)])
    (alive,) = db.execute(
        "SELECT COUNT(*) FROM replicas WHERE seen_at >= ?", [_stale_cutoff()]
    ).fetchone()
    return max(int(alive), 1)


def leave(db: Db, replica: str) -> None:
    """A clean stop: free this replica's lanes at once instead of after STALE_AFTER."""
    db.execute("DELETE FROM lanes WHERE owner = ?", [replica])
    db.execute(
        "UPDATE outbox SET lease_owner = NULL WHERE lease_owner = ? AND status = 'queued'",
        [replica],
    )
    db.execute("DELETE FROM replicas WHERE id = ?", [replica])


def claim_lane(db: Db, replica: str, channel: str, address: str) -> bool:
    """Take the lane if it is free, ours already, or its owner is dead; True when ours."""
    row = db.execute(
        "INSERT INTO lanes (channel, address, owner, until) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (channel, address) DO UPDATE SET owner = excluded.owner, "
        "until = excluded.until WHERE lanes.owner = excluded.owner OR lanes.owner NOT IN "
        "(SELECT id FROM replicas WHERE seen_at >= ?) RETURNING owner",
        [channel, address, replica, iso(_now()), _stale_cutoff()],
    ).fetchone()
    return row is not None


def adopt(db: Db, replica: str) -> list[Outbound]:
    """Claim queued messages this replica should deliver and does not hold yet: those in its
    lanes left by others, and those of dead replicas (whose lanes it takes over first)."""
    cutoff = _stale_cutoff()
    orphans = db.execute(
        "SELECT DISTINCT o.channel, o.address FROM outbox o LEFT JOIN lanes l "
        "ON l.channel = o.channel AND l.address = o.address WHERE o.status = 'queued' AND "
        "o.not_before IS NULL AND (l.owner IS NULL "
        "OR l.owner NOT IN (SELECT id FROM replicas WHERE seen_at >= ?)) "
        f"LIMIT {CLAIM_BATCH}",
        [cutoff],
    ).fetchall()
    taken = sum(claim_lane(db, replica, channel, address) for channel, address in orphans)
    if taken:  # an operator watching a replica die sees the others take its chats over
        log.info("replica %s now delivers %d chats no live replica held", replica, taken)
    rows = db.execute(
        "UPDATE outbox SET lease_owner = ? WHERE id IN (SELECT o.id FROM outbox o JOIN lanes l "
        "ON l.channel = o.channel AND l.address = o.address WHERE o.status = 'queued' "
        "AND o.not_before IS NULL AND l.owner = ? "
        "AND (o.lease_owner IS NULL OR o.lease_owner <> ?) "
        f"ORDER BY o.id LIMIT {CLAIM_BATCH}) "
        f"RETURNING {OUTBOUND_COLUMNS}",
        [replica, replica, replica],
    ).fetchall()
    return sorted((outbound_from_row(r) for r in rows), key=lambda m: m.id)


def adopt_older(db: Db, replica: str, channel: str, address: str, newer: int) -> list[Outbound]:
    """Claim the lane's queued messages older than ``newer`` that this replica, its owner,
    does not hold yet (left by another replica moments ago, not yet adopted): sent after
    ``newer``, they would reach the chat out of order."""
    rows = db.execute(
        "UPDATE outbox SET lease_owner = ? WHERE id IN (SELECT id FROM outbox "
        "WHERE channel = ? AND address = ? AND status = 'queued' AND not_before IS NULL "
        "AND id < ? AND (lease_owner IS NULL OR lease_owner <> ?)) "
        f"RETURNING {OUTBOUND_COLUMNS}",
        [replica, channel, address, newer, replica],
    ).fetchall()
    return sorted((outbound_from_row(r) for r in rows), key=lambda m: m.id)


class Replication:
    """What one replica does beside handling events: heartbeat, adopt orphaned deliveries,
    share rate limits, hold the intake leases of polling channels, fire due timers."""

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        leases: Leases,
        scheduler: TimerScheduler,
    ) -> None:
        self.replica = new_replica_id()
        self.store, self.outbox, self.leases = store, outbox, leases
        self.scheduler = scheduler
        self._armed: set[str] = set()  # timers this replica's scheduler is timing
        self._polling: dict[str, Adapter] = {}  # exclusive-intake channels, started
        self._receiving: set[str] = set()
        self._stopping = False  # the app is stopping its adapters: intake is taken no more
        self.alive = 1

    async def join(self) -> None:
        """Register this replica before it handles anything."""
        self.alive = await self.store.run(lambda db: heartbeat(db, self.replica))

    def prepare(self, adapter: Adapter) -> None:
        """Before ``adapter.start``: a polling channel waits for its lease to receive."""
        if adapter.exclusive_intake:
            adapter.intake_on_demand = True

    def started(self, adapter: Adapter) -> None:
        """After ``adapter.start``: its intake is now this loop's to manage."""
        if adapter.exclusive_intake:
            self._polling[adapter.channel] = adapter

    async def run(self) -> None:
        """The replica's loop, until cancelled."""
        beat = 0.0
        loop = asyncio.get_running_loop()
        while self.store.is_open:
            try:
                if loop.time() >= beat:
                    beat = loop.time() + HEARTBEAT
                    await self._beat()
                self.outbox.put(await self.store.run(lambda db: adopt(db, self.replica)))
            except DatabaseUnavailable as exc:  # an outage: the store retries; so do we
                log.warning("replica %s: %s; trying again", self.replica, exc)
            except RuntimeError:
                if self.store.is_open:
                    raise
                return  # the store closed under us (a stop, or a simulated crash)
            await asyncio.sleep(CLAIM_EVERY)

    async def _beat(self) -> None:
        self.alive = await self.store.run(lambda db: heartbeat(db, self.replica))
        self.outbox.share_rates(self.alive)
        await self._arm_timers()
        still = await self.leases.still_held() if self._receiving else True
        for channel, adapter in self._polling.items():
            await self._tend_intake(channel, adapter, still)

    def stop_tending(self) -> None:
        """The app stops its adapters now: a heartbeat meanwhile must not take an intake lease
        and start receiving on a stopped channel (which failed, logged as an error)."""
        self._stopping = True

    async def _tend_intake(self, channel: str, adapter: Adapter, still: bool) -> None:
        if self._stopping:
            return
        lease = f"intake:{channel}"
        if channel in self._receiving and not still:
            log.warning("%s: intake lease lost; another replica takes over", channel)
            self._receiving.discard(channel)
            await adapter.stop_intake()
        if channel not in self._receiving and await self.leases.try_acquire(lease):
            if self._stopping:  # the app began stopping while the lease was being taken
                await self.leases.release(lease)
                return
            log.info("%s: this replica now receives (intake lease taken)", channel)
            try:
                await adapter.start_intake()
            except Exception:
                await self.leases.release(lease)
                if self._stopping:  # its adapter stopped under it: expected, not a failure
                    log.info("%s: stopping; not receiving after all", channel)
                    return
                log.exception("%s: could not begin receiving; lease given up", channel)
                return
            self._receiving.add(channel)

    async def _arm_timers(self) -> None:
        """Time every pending timer, also those another replica armed: if it dies, the timer
        still fires here (firing claims the row, so it has one effect across replicas)."""
        pending = await self.store.run(pending_timers)
        for timer_id, due_at in pending:
            if timer_id not in self._armed:
                self.scheduler.schedule(timer_id, due_at)
        self._armed = {timer_id for timer_id, _ in pending}

    async def leave(self) -> None:
        """A clean stop: give up intake and lanes so the others take over at once."""
        for channel in list(self._receiving):
            await self._polling[channel].stop_intake()
            await self.leases.release(f"intake:{channel}")
        self._receiving.clear()
        await self.leases.close()
        if self.store.is_open:
            await self.store.run(lambda db: leave(db, self.replica))
