"""Retention: remove casework past its keeping time, keep the aggregate figures.

Closed requests older than ``retention.closed_requests`` lose their rows, threads, parties,
files, timers and every outbox copy of their text (the files' encrypted blobs are then swept
from disk by :func:`bot.files.intake.sweep_files`); a count per month, route, category and urgency
stays in ``request_aggregates``. Delivered messages and de-duplication records expire on their
own schedules. The audit log is never edited (it holds no free text), so its chain still
verifies; the purge itself is audited with counts, and each removed request by its id (so
``audit verify`` knows it was removed by retention, not by hand).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.audit import chain as audit
from bot.audit.state import record_request_purged
from bot.clock import iso
from bot.config import RetentionSettings
from bot.delivery import parts
from bot.files.repo import drop_held_before
from bot.i18n import DEFAULT_LANGUAGE, join, n_, render
from bot.storage.sql import Db


@dataclass(frozen=True)
class Purged:
    """What a purge removed."""

    requests: int
    messages: int
    inbound: int
    files: int = 0

    def summary(self) -> str:
        """One line for people (the operator's, in English), each count with its own noun."""
        files = n_("{count} file", "{count} files", self.files)
        parts = (
            n_(
                "{count} closed request (with its thread and {files})",
                "{count} closed requests (with their threads and {files})",
                self.requests,
                files=files,
            ),
            n_("{count} delivered message", "{count} delivered messages", self.messages),
            n_("{count} de-duplication record", "{count} de-duplication records", self.inbound),
        )
        return render(join(parts, ", "), DEFAULT_LANGUAGE)


def purge(db: Db, now: datetime, keep: RetentionSettings, dry_run: bool = False) -> Purged:
    """Remove what is past retention (or only count it, with ``dry_run``)."""
    expired = [
        r[0]
        for r in db.execute(
            "SELECT id FROM requests WHERE status = 'closed' AND closed_at < ?",
            [iso(now - keep.closed_requests)],
        )
    ]
    messages_cutoff, inbound_cutoff = (
        iso(now - keep.delivered_messages),
        iso(now - keep.inbound_records),
    )
    result = Purged(
        len(expired),
        _count(db, f"FROM outbox WHERE {_DELIVERED_OLD}", [messages_cutoff]),
        _count(db, "FROM inbound WHERE received_at < ?", [inbound_cutoff]),
        sum(_count(db, "FROM request_files WHERE request_id = ?", [r]) for r in expired),
    )
    if dry_run:
        return result
    for request_id in expired:
        _remove_request(db, request_id)
        record_request_purged(db, request_id, iso(now))
    db.execute(f"DELETE FROM outbox WHERE {_DELIVERED_OLD}", [messages_cutoff])
    parts.drop_orphans(db)  # the ids of the purged messages' earlier parts
    db.execute("DELETE FROM inbound WHERE received_at < ?", [inbound_cutoff])
    drop_held_before(db, iso(now - timedelta(days=1)))  # files never attached to a request
    audit.record(
        db,
        iso(now),
        "system",
        "retention.purged",
        "",
        ", ".join(f"{k} {v}" for k, v in asdict(result).items()),
    )
    return result


_DELIVERED_OLD = (  # with the copies of a parting notice kept on standby and never needed
    "status IN ('sent', 'standby') AND COALESCE(sent_at, created_at) < ? AND id NOT IN "
    "(SELECT outbox_id FROM broadcast_recipients WHERE outbox_id IS NOT NULL)"
)


def _count(db: Db, sql: str, params: list[object]) -> int:
    return int(db.execute(f"SELECT COUNT(*) {sql}", params).fetchone()[0])


def _remove_request(db: Db, request_id: str) -> None:
    db.execute(
        "INSERT INTO request_aggregates (month, from_country, to_country, category, urgency, "
        "count) SELECT substr(created_at, 1, 7), requester_country, target_country, category, "
        "urgency, 1 FROM requests WHERE id = ? ON CONFLICT (month, from_country, to_country, "
        "category, urgency) DO UPDATE SET count = request_aggregates.count + 1",
        [request_id],
    )
    for table in ("request_messages", "request_parties", "request_files"):
        db.execute(f"DELETE FROM {table} WHERE request_id = ?", [request_id])
    db.execute("DELETE FROM outbox WHERE subject = ?", [request_id])
    db.execute("DELETE FROM timers WHERE subject LIKE ?", [f"{request_id}:%"])
    db.execute("DELETE FROM requests WHERE id = ?", [request_id])
