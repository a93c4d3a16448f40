"""Messages that went out only in part: the rest follows once their reader writes.

A channel may be able to deliver only part of a message at times (a template that holds what
fits and says the rest follows once the reader replies): its adapter then returns
:class:`~bot.ports.SentInPart` and the outbox marks the row ``follow_up = 'owed'``. The row
holds the whole text already, so the promise outlives a restart and is the same on every
replica. When someone writes on such a channel, the unit of work for their message queues the
rows owed to that address again (``'due'``), whole and ahead of its answer, and the adapter
gets them as :class:`~bot.ports.FollowUp`; once sent they are ``'done'``. Each row moves from
``owed`` exactly once, so a second message (or the same one delivered again) sends nothing
more. Only the person a row was for gets it: what was owed to an address that is now someone
else's, or a stranger's, is dropped (``'lapsed'``), as is a row that failed after sending
(it went on the person's next channel whole).
"""

from __future__ import annotations

import logging

from bot.delivery.outbox import OUTBOUND_COLUMNS, outbound_from_row
from bot.delivery.routing import Router
from bot.events import Sender
from bot.storage.sql import Db
from bot.work import Work

log = logging.getLogger(__name__)


def owed_address(router: Router, sender: Sender) -> str | None:
    """The address ``sender`` is written to, when their channel may owe them the rest of a
    message; None otherwise, decided in memory (no SQL for the channels that never do)."""
    if sender.channel not in router.follows_up:
        return None
    return router.channels[sender.channel](sender.user_id)


def follow_up(work: Work, channel: str, address: str) -> None:
    """``address`` wrote on ``channel``: queue again, whole, what was sent to them in part
    (ahead of the unit's answer); what was owed there to anyone but the writer lapses."""
    owed = _owed(work.db, channel, address)
    if not owed:
        return
    writer = work.actor.id if work.actor else ""  # a stranger: nothing is theirs
    theirs = [i for i, person_id, status in owed if status == "sent" and person_id == writer]
    for outbox_id in (i for i, _person, _status in owed if i not in theirs):
        log.warning("outbox %s will not follow in full: not theirs now, or failed", outbox_id)
        work.db.execute("UPDATE outbox SET follow_up = 'lapsed' WHERE id = ?", [outbox_id])
    if theirs:
        _requeue(work, channel, address, theirs)


def _owed(db: Db, channel: str, address: str) -> list[tuple[int, str | None, str]]:
    """The rows owed to ``address``, oldest first: one probe of the index of owed rows."""
    rows = db.execute(
        "SELECT id, person_id, status FROM outbox WHERE channel = ? AND address = ? "
        "AND follow_up = 'owed' ORDER BY id",
        [channel, address],
    ).fetchall()
    return [(int(row[0]), row[1], str(row[2])) for row in rows]


def _requeue(work: Work, channel: str, address: str, ids: list[int]) -> None:
    """Queue the rows again for the chat's lane owner: this replica's delivery when it holds
    the lane (or there is one replica), else the owner's, which adopts them."""
    from bot.delivery.replicas import claim_lane  # replicas builds on dispatch, which uses this

    replica = work.ctx.replica
    owner = replica if replica and claim_lane(work.db, replica, channel, address) else None
    for outbox_id in ids:
        row = work.db.execute(
            "UPDATE outbox SET status = 'queued', follow_up = 'due', attempts = 0, error = NULL, "
            "parts_sent = NULL, lease_owner = ? WHERE id = ? AND follow_up = 'owed' "
            f"RETURNING {OUTBOUND_COLUMNS}",
            [owner, outbox_id],
        ).fetchone()
        if row is not None and (owner or not replica):
            work.outbound.append(outbound_from_row(row))
