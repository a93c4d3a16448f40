"""The platform ids of a message about a subject that went as several platform messages.

The outbox row keeps the id its send returned, the last part's; the earlier parts' ids are
kept here (``outbox_parts``), so that the platform's own reply to any part (a Telegram reply)
finds the message, and the request it was about (:func:`bot.requests.repo.replied_to`). Only
messages about a subject are kept: nothing else is looked up by its id. They go with their
outbox row (:func:`drop_orphans`, after retention's purges).
"""

from __future__ import annotations

from bot.ports import SentParts
from bot.storage.sql import Db


def record(db: Db, outbox_id: int, platform_id: SentParts) -> None:
    """Keep the earlier parts' ids of the message sent in parts as ``platform_id``, if it is
    about a subject (a part sent again after a retry is kept once)."""
    for part in dict.fromkeys(platform_id.parts[:-1]):
        db.execute(
            "INSERT INTO outbox_parts (outbox_id, platform_id) SELECT id, ? FROM outbox "
            "WHERE id = ? AND subject IS NOT NULL ON CONFLICT DO NOTHING",
            [part, outbox_id],
        )


def drop_orphans(db: Db) -> None:
    """Forget the parts of messages no longer in the outbox."""
    db.execute("DELETE FROM outbox_parts WHERE outbox_id NOT IN (SELECT id FROM outbox)")
