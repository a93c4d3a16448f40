"""Report files sent in chat (a chart, a workbook): written under the reports directory."""

from __future__ import annotations

import re
from pathlib import Path

from bot.events import Attachment
from bot.storage.sql import Db, beside_database


def reports_dir(db: Db, configured: str) -> Path:
    """``[reports] directory``, or ``<database>.reports`` beside the database."""
    return beside_database(db, configured, ".reports")


def save(folder: Path, name: str, body: bytes, mime: str) -> Attachment:
    """Write ``body`` as ``name`` in ``folder`` (atomically: a half-written file is never
    sent) and describe it for the outbox."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    path = folder / safe
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(body)
    partial.replace(path)
    return Attachment(str(path.resolve()), safe, mime, photo=mime.startswith("image/"))
