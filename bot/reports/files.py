"""Report files sent in chat (a chart, a workbook): written under the reports directory."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.events import Attachment
from bot.reports.xlsx import XLSX_MIME, to_xlsx
from bot.storage.sql import Db, beside_database

if TYPE_CHECKING:
    from bot.reports.figures import ReportData


def reports_dir(db: Db, configured: str) -> Path:
    """``[reports] directory``, or ``<database>.reports`` beside the database."""
    return beside_database(db, configured, ".reports")


MIMES = {"chart": "image/png", "xlsx": XLSX_MIME}


def to_make(name: str, code: str, form: str) -> Attachment:
    """A report file for the outbox to make when it sends it (see :func:`made`)."""
    mime = MIMES[form]
    return Attachment("", name, mime, photo=mime.startswith("image/"), report=f"{code} {form}")


def what_to_make(file: Attachment) -> tuple[str, str]:
    """The period's code and the form (``chart`` or ``xlsx``) of a file :func:`to_make`."""
    code, form = file.report.rsplit(" ", 1)
    return code, form


def made(folder: Path, file: Attachment, data: ReportData) -> Attachment:
    """Draw a report file :func:`to_make` described from ``data`` and write it in ``folder``
    (slow: a chart takes a second or two, so off the event loop and the store's transaction).
    """
    # Imported here: matplotlib costs ~60 MiB and a second at start-up (bot.reports.xlsx
    # loads openpyxl only when it writes a workbook).
    from bot.reports.chart import to_png

    _code, form = what_to_make(file)
    body = to_png(data) if form == "chart" else to_xlsx(data)
    return save(folder, file.filename, body, file.mime)


def save(folder: Path, name: str, body: bytes, mime: str) -> Attachment:
    """Write ``body`` as ``name`` in ``folder`` (atomically: a half-written file is never
    sent) and describe it for the outbox."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    path = folder / safe
    # a temporary name of its own: two chats may be sent the same report file at once
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{safe}.", delete=False) as partial:
        partial.write(body)
    Path(partial.name).replace(path)
    return Attachment(str(path.resolve()), safe, mime, photo=mime.startswith("image/"))
