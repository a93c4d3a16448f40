"""Messages held through a person's quiet hours, handed to delivery when those hours end.

``Work.notify`` stores such a message in the outbox with ``not_before`` and arms a release
timer for that moment; delivery (and a restart's resume, and replicas' adoption) leaves rows
with a ``not_before`` alone. The timer clears it in its own transaction and hands the rows
over, so a held message is delivered once, after a restart too.
"""

from __future__ import annotations

from bot.delivery.outbox import OUTBOUND_COLUMNS, outbound_from_row
from bot.work import RELEASE, Work


def release(work: Work, _subject: str) -> None:
    """Hand over every held message whose time has come (an earlier timer's ones too)."""
    rows = work.db.execute(
        "UPDATE outbox SET not_before = NULL WHERE status = 'queued' "
        f"AND not_before IS NOT NULL AND not_before <= ? RETURNING {OUTBOUND_COLUMNS}",
        [work.stamp],
    ).fetchall()
    for message in sorted((outbound_from_row(r) for r in rows), key=lambda m: m.id):
        if work.ctx.replica and work._lane_owner(message.channel, message.address) is None:
            work.elsewhere.add(message.id)  # another replica delivers this chat and adopts it
        work.outbound.append(message)


TIMERS = {RELEASE: release}
