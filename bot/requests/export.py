"""The operators' listing of requests (``focalbot requests``): a text table or CSV, in English
like the rest of the command line, with no request text or names (those stay in the chats)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from bot.requests.repo import Overview
from bot.spreadsheet_safety import csv_row

HEAD = (
    "id",
    "from",
    "to",
    "category",
    "urgency",
    "status",
    "filed_at",
    "acknowledged_at",
    "closed_at",
    "escalated",
)


def to_csv(found: Sequence[Overview]) -> str:
    """One row per request, times as stored (ISO 8601, UTC), neutralised for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(HEAD))
    writer.writerows(csv_row(_cells(r, _iso)) for r in found)
    return out.getvalue()


def to_text(found: Sequence[Overview], status: str) -> str:
    """An aligned table (times in UTC, to the minute) and how many there are."""
    if not found:
        return "No open requests.\n" if status == "open" else "No requests.\n"
    rows = [[*HEAD[:6], "filed (UTC)", "acknowledged", "closed", "escalated"]]
    rows += [_cells(r, _minute) for r in found]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEAD))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    kind = "open request" if status == "open" else "request"
    total = f"{len(found)} {kind}{'' if len(found) == 1 else 's'}"
    return "\n".join([*lines, total]) + "\n"


def _cells(r: Overview, stamp: Callable[[str | None], str]) -> list[str]:
    return [
        r.id,
        r.requester_country,
        r.target_country,
        r.category,
        r.urgency,
        r.status,
        stamp(r.created_at),
        stamp(r.acknowledged_at),
        stamp(r.closed_at),
        "yes" if r.escalated else "no",
    ]


def _iso(stamp: str | None) -> str:
    return stamp or ""


def _minute(stamp: str | None) -> str:
    """``2026-12-04 10:35`` for a stored UTC stamp; ``-`` for none."""
    return stamp[:16].replace("T", " ") if stamp else "-"
