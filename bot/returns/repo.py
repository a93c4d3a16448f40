"""Returns in the database: submitted figures with their full history, and drafts.

A return is one country's figures for one window of a period. Submitting again amends it: the
current values change, every changed figure gets a history row (who, when, old, new), and the
version goes up. Nothing is ever overwritten without a trace: each submission also writes an
audit row binding the stored figures (``bot.audit.state``). A draft is the return being
written (the guided form's position or the one line awaiting confirmation); it survives
restarts. A country's people share its draft, so every change to its figures is numbered
and kept (who, which figure, from what to what): a confirmation says which revision it saw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.audit.state import record_return
from bot.returns.metric_values import Value, show
from bot.storage.sql import Db

SUBMITTED, LATE, DRAFT, MISSING = "submitted", "late", "draft", "missing"
NOT_DUE = "not due"  # no return yet, and the country's due moment has not passed: not missing
AWAITING = "awaiting"  # submitted by a deputy in a period with national sign-off, not approved


@dataclass(frozen=True)
class Submitted:
    """A submitted return's header."""

    id: int
    version: int
    late: bool
    submitted_by: str
    submitted_at: str
    amended_at: str | None
    signed_off_by: str | None = None  # national sign-off, where the period asks for it
    signed_off_at: str | None = None


@dataclass(frozen=True)
class Change:
    """One figure that changed on submission (None: not reported)."""

    metric: str
    old: str | None
    new: str | None


@dataclass
class Draft:
    """A return being written: answers so far and, in the guided form, the question reached.

    A country's draft is shared by its focal points and deputies. ``revision`` numbers the
    state of its figures (it goes up with every change, and a new draft starts above every
    number the return's drafts had, so a number is never reused); ``changed_by`` made the
    last change (None: not changed since it was started).
    """

    period: str
    seq: int
    country: str
    person_id: str
    step: int = 0
    guided: bool = False
    answers: dict[str, Value] = field(default_factory=dict)
    revision: int = 0
    changed_by: str | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        """(period code, window number, country), as the tables key it."""
        return self.period, self.seq, self.country


@dataclass(frozen=True)
class DraftChange:
    """One figure a change to a draft changed (None: blank), in which revision and by whom."""

    revision: int
    metric: str
    old: str | None
    new: str | None
    by: str


def load_submitted(db: Db, period: str, seq: int, country: str) -> Submitted | None:
    """The submitted return of ``country`` for the window, if any."""
    row = db.execute(
        "SELECT id, version, late, submitted_by, submitted_at, amended_at, signed_off_by, "
        "signed_off_at FROM returns WHERE period = ? AND window_seq = ? AND country = ?",
        [period, seq, country],
    ).fetchone()
    return Submitted(row[0], row[1], bool(row[2]), *row[3:]) if row else None


def current_values(db: Db, return_id: int) -> dict[str, Value]:
    """The figures a return holds now, by metric key."""
    return {
        r[0]: Value(r[1], r[2], r[3] or "", r[4] or "", r[5] or "")
        for r in db.execute(
            "SELECT metric, amount, currency, text, joint_op, joint_partner FROM return_values "
            "WHERE return_id = ?",
            [return_id],
        )
    }


def submit(
    db: Db,
    key: tuple[str, int, str],
    values: dict[str, Value],
    person_id: str,
    stamp: str,
    late: bool,
    awaiting: bool | None = None,
) -> tuple[int, list[Change]]:
    """Store ``values`` as the return for ``key`` (period, window, country).

    ``awaiting`` is None in a period without national sign-off; True when the return waits
    for its focal point's approval; False when the submitter is the focal point (who then
    signs it off by submitting).

    Returns:
        The version now stored and the figures that changed (all of them on a first
        submission); no change at all leaves the return as it was.
    """
    existing = load_submitted(db, *key)
    before = current_values(db, existing.id) if existing else {}
    changes = diff(before, values)
    if existing and not changes:
        return existing.version, []
    if existing and awaiting and not is_awaiting(db, existing.id):
        _keep_counted(db, existing.id)  # signed off: it counts until the amendment is approved
    elif not awaiting and existing:
        _drop_counted(db, existing.id)  # the new figures count from now
    return_id, version = _header(db, key, existing, person_id, stamp, late)
    _write_changes(db, return_id, version, values, changes, person_id, stamp)
    if awaiting is not None:
        _set_signoff(db, return_id, awaiting, person_id, stamp)
    record_return(db, return_id, stamp, person_id)  # the stored figures, bound into the chain
    return version, changes


def _set_signoff(db: Db, return_id: int, awaiting: bool, person_id: str, stamp: str) -> None:
    signer = (None, None) if awaiting else (person_id, stamp)
    db.execute(
        "UPDATE returns SET awaiting_signoff = ?, signed_off_by = ?, signed_off_at = ? "
        "WHERE id = ?",
        [int(awaiting), *signer, return_id],
    )


def is_awaiting(db: Db, return_id: int) -> bool:
    """Whether the return waits for its country's national sign-off."""
    row = db.execute("SELECT awaiting_signoff FROM returns WHERE id = ?", [return_id]).fetchone()
    return bool(row and row[0])


def approve(db: Db, return_id: int, person_id: str, stamp: str, late: bool = False) -> None:
    """The focal point's national sign-off: the return now counts; bound into the chain.
    ``late``: the sign-off came after the deadline, so the return counts as late."""
    _drop_counted(db, return_id)
    _set_signoff(db, return_id, False, person_id, stamp)
    if late:
        db.execute("UPDATE returns SET late = 1 WHERE id = ?", [return_id])
    record_return(db, return_id, stamp, person_id)


def on_time_by_moved_date(db: Db, period: str, seq: int, stamp: str, actor: str) -> int:
    """The window's due date moved to today or later: every return in came in before it, so
    none is late any more (and one awaiting sign-off is judged by the new date when approved).
    Each changed return is bound into the chain again; returns how many were late."""
    late = db.execute(
        "SELECT id FROM returns WHERE period = ? AND window_seq = ? AND late = 1", [period, seq]
    ).fetchall()
    for (return_id,) in late:
        db.execute("UPDATE returns SET late = 0 WHERE id = ?", [return_id])
        record_return(db, return_id, stamp, actor)
    return len(late)


def _keep_counted(db: Db, return_id: int) -> None:
    """Set aside the figures that count now, before an amendment awaiting sign-off replaces
    them: reports go on counting these (bot.reports.figures.COUNTED)."""
    _drop_counted(db, return_id)
    db.execute(
        "INSERT INTO return_counted (return_id, metric, amount, currency, text, joint_op, "
        "joint_partner) SELECT return_id, metric, amount, currency, text, joint_op, "
        "joint_partner FROM return_values WHERE return_id = ?",
        [return_id],
    )


def _drop_counted(db: Db, return_id: int) -> None:
    db.execute("DELETE FROM return_counted WHERE return_id = ?", [return_id])


def counts_earlier_figures(db: Db, return_id: int) -> bool:
    """Whether an amendment of this return awaits sign-off while its approved figures count."""
    row = db.execute(
        "SELECT 1 FROM return_counted WHERE return_id = ? LIMIT 1", [return_id]
    ).fetchone()
    return row is not None


SIGNED_OFF = "return.signed_off"
"""The audit action of a focal point's approval (``/return approve``)."""


@dataclass(frozen=True)
class Approval:
    """A focal point's approval of a return a deputy sent: who, when, which version."""

    version: int | None
    at: str
    by: str


def approvals(db: Db, subject: str) -> list[Approval]:
    """Every approval of the return the audit log files under ``subject`` (``JPA-4:W1:TH``),
    oldest first: the returns table keeps only the latest sign-off, the audit log each one."""
    rows = db.execute(
        "SELECT detail, at, actor FROM audit WHERE action = ? AND subject = ? ORDER BY id",
        [SIGNED_OFF, subject],
    )
    return [Approval(_version_in(detail), at, by) for detail, at, by in rows]


def _version_in(detail: str) -> int | None:
    """The version an approval's audit detail names (``version 2``)."""
    number = detail.rpartition(" ")[2]
    return int(number) if number.isdigit() else None


def awaiting_periods(db: Db, country: str) -> list[str]:
    """The periods in which a return of ``country`` awaits its national sign-off."""
    rows = db.execute(
        "SELECT DISTINCT period FROM returns WHERE country = ? AND awaiting_signoff = 1 "
        "ORDER BY period",
        [country],
    )
    return [row[0] for row in rows]


def diff(before: dict[str, Value], after: dict[str, Value]) -> list[Change]:
    """The figures that differ between two sets of values."""
    keys = list(dict.fromkeys([*after, *before]))
    return [
        Change(k, _shown(before.get(k)), _shown(after.get(k)))
        for k in keys
        if before.get(k) != after.get(k)
    ]


def _shown(value: Value | None) -> str | None:
    return show(value) if value is not None else None


def _header(
    db: Db,
    key: tuple[str, int, str],
    existing: Submitted | None,
    person_id: str,
    stamp: str,
    late: bool,
) -> tuple[int, int]:
    if existing:
        db.execute(
            "UPDATE returns SET version = version + 1, amended_by = ?, amended_at = ? WHERE id = ?",
            [person_id, stamp, existing.id],
        )
        return existing.id, existing.version + 1
    new_id = db.insert(
        "INSERT INTO returns (period, window_seq, country, version, late, submitted_by, "
        "submitted_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
        [*key, int(late), person_id, stamp],
    )
    return new_id, 1


def _write_changes(
    db: Db,
    return_id: int,
    version: int,
    values: dict[str, Value],
    changes: list[Change],
    person_id: str,
    stamp: str,
) -> None:
    for change in changes:
        value = values.get(change.metric)
        if value is None:
            db.execute(
                "DELETE FROM return_values WHERE return_id = ? AND metric = ?",
                [return_id, change.metric],
            )
        else:
            db.execute(
                "INSERT INTO return_values (return_id, metric, amount, currency, text, "
                "joint_op, joint_partner) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (return_id, metric) DO UPDATE SET amount = excluded.amount, "
                "currency = excluded.currency, text = excluded.text, "
                "joint_op = excluded.joint_op, joint_partner = excluded.joint_partner",
                [
                    return_id,
                    change.metric,
                    value.amount,
                    value.currency,
                    value.text or None,
                    value.op or None,
                    value.partner or None,
                ],
            )
    db.executemany(
        "INSERT INTO return_value_history (return_id, version, metric, at, by, old, new) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(return_id, version, c.metric, stamp, person_id, c.old, c.new) for c in changes],
    )


def history(db: Db, return_id: int) -> list[tuple[int, str, str, str, str | None, str | None]]:
    """Every change to a return: (version, metric, at, by, old, new), oldest first."""
    return [
        tuple(r)
        for r in db.execute(
            "SELECT version, metric, at, by, old, new FROM return_value_history "
            "WHERE return_id = ? ORDER BY id",
            [return_id],
        )
    ]


# --- drafts -------------------------------------------------------------------------------
_DRAFT_COLUMNS = (
    "period, window_seq, country, person_id, step, guided, answers, revision, changed_by"
)


def load_draft(db: Db, period: str, seq: int, country: str) -> Draft | None:
    """The country's draft for the window, if one is open."""
    row = db.execute(
        f"SELECT {_DRAFT_COLUMNS} FROM return_drafts "
        "WHERE period = ? AND window_seq = ? AND country = ?",
        [period, seq, country],
    ).fetchone()
    return _draft(row) if row else None


def latest_draft_window(db: Db, period: str, country: str) -> int | None:
    """The window of the country's most recently touched draft in the period, if any."""
    row = db.execute(
        "SELECT window_seq FROM return_drafts WHERE period = ? AND country = ? "
        "ORDER BY updated_at DESC, window_seq DESC LIMIT 1",
        [period, country],
    ).fetchone()
    return int(row[0]) if row else None


def draft_periods(db: Db, country: str, person_id: str | None = None) -> list[str]:
    """The periods in which ``country`` has a draft (last touched by ``person_id``, if given)."""
    sql, params = "SELECT DISTINCT period FROM return_drafts WHERE country = ?", [country]
    if person_id is not None:
        sql, params = f"{sql} AND person_id = ?", [*params, person_id]
    return [row[0] for row in db.execute(f"{sql} ORDER BY period", params)]


def guided_draft_of(db: Db, person_id: str) -> Draft | None:
    """The draft whose guided form ``person_id`` is answering, if any."""
    row = db.execute(
        f"SELECT {_DRAFT_COLUMNS} FROM return_drafts WHERE person_id = ? AND guided = 1 "
        "ORDER BY updated_at DESC LIMIT 1",
        [person_id],
    ).fetchone()
    return _draft(row) if row else None


def _draft(row: Sequence[Any]) -> Draft:
    answers = {k: Value.from_json(v) for k, v in json.loads(row[6]).items()}
    return Draft(row[0], row[1], row[2], row[3], row[4], bool(row[5]), answers, *row[7:9])


def save_draft(db: Db, draft: Draft, stamp: str) -> None:
    """Create or replace the draft; a person answers one guided form at a time."""
    if draft.guided:
        db.execute(
            "UPDATE return_drafts SET guided = 0 WHERE person_id = ? AND NOT "
            "(period = ? AND window_seq = ? AND country = ?)",
            [draft.person_id, draft.period, draft.seq, draft.country],
        )
    answers = json.dumps({k: v.as_json() for k, v in draft.answers.items()})
    db.execute(
        f"INSERT INTO return_drafts ({_DRAFT_COLUMNS}, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (period, window_seq, country) DO "
        "UPDATE SET person_id = excluded.person_id, step = excluded.step, "
        "guided = excluded.guided, answers = excluded.answers, revision = excluded.revision, "
        "changed_by = excluded.changed_by, updated_at = excluded.updated_at",
        [
            *draft.key,
            draft.person_id,
            draft.step,
            int(draft.guided),
            answers,
            draft.revision,
            draft.changed_by,
            stamp,
        ],
    )


def change_draft(db: Db, draft: Draft, before: dict[str, Value], stamp: str) -> None:
    """Save ``draft``, whose person may have changed its figures from ``before`` (what it
    held, or the submitted figures a new draft starts from). A change gets the next revision,
    each figure it changed a row saying who changed it from what to what: a Confirm names the
    revision it showed, and what changed since is told instead of submitted."""
    changes = diff(before, draft.answers)
    if changes:
        draft.revision = max(draft.revision, latest_revision(db, draft.key) or 0) + 1
        draft.changed_by = draft.person_id
        db.executemany(
            "INSERT INTO return_draft_changes (period, window_seq, country, revision, metric, "
            "old, new, changed_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (*draft.key, draft.revision, c.metric, c.old, c.new, draft.person_id, stamp)
                for c in changes
            ],
        )
    save_draft(db, draft, stamp)


def latest_revision(db: Db, key: tuple[str, int, str], by: str | None = None) -> int | None:
    """The highest revision any draft of the return (period, window, country) reached, or
    only those ``by`` made (None: none yet). Kept after submission or cancelling, so that a
    new draft's numbers follow on, never repeat."""
    mine = " AND changed_by = ?" if by is not None else ""
    row = db.execute(
        "SELECT MAX(revision) FROM return_draft_changes "
        f"WHERE period = ? AND window_seq = ? AND country = ?{mine}",
        [*key, *([by] if by is not None else [])],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def draft_changes(db: Db, key: tuple[str, int, str], since: int) -> list[DraftChange]:
    """The figures the return's drafts changed after revision ``since``, oldest first."""
    rows = db.execute(
        "SELECT revision, metric, old, new, changed_by FROM return_draft_changes "
        "WHERE period = ? AND window_seq = ? AND country = ? AND revision > ? "
        "ORDER BY revision, metric",
        [*key, since],
    )
    return [DraftChange(*row) for row in rows]


def delete_draft(db: Db, period: str, seq: int, country: str) -> None:
    """Drop the draft (after submission or on cancel)."""
    db.execute(
        "DELETE FROM return_drafts WHERE period = ? AND window_seq = ? AND country = ?",
        [period, seq, country],
    )


def amended_at(db: Db, period: str, seq: int) -> dict[str, str]:
    """When each country's return for one window was last amended (those amended only; not
    one awaiting sign-off, whose "sent" is the amendment's time already)."""
    return dict(
        db.execute(
            "SELECT country, amended_at FROM returns WHERE period = ? AND window_seq = ? "
            "AND amended_at IS NOT NULL AND awaiting_signoff = 0",
            [period, seq],
        ).fetchall()
    )


def window_statuses(db: Db, period: str, seq: int) -> dict[str, tuple[str, str]]:
    """Per country with a return or a draft: (status, when) for one window."""
    found: dict[str, tuple[str, str]] = {}
    for country, at in db.execute(
        "SELECT country, updated_at FROM return_drafts WHERE period = ? AND window_seq = ?",
        [period, seq],
    ):
        found[country] = (DRAFT, at)
    for country, late, at, awaiting, amended, earlier in db.execute(
        "SELECT country, late, submitted_at, awaiting_signoff, amended_at, EXISTS (SELECT 1 "
        "FROM return_counted c WHERE c.return_id = returns.id) FROM returns "
        "WHERE period = ? AND window_seq = ?",
        [period, seq],
    ):
        # as reports count it (bot.reports.figures): a return awaiting its first sign-off is
        # not in yet; an amendment awaiting it leaves the approved figures counting
        if awaiting and not earlier:  # what awaits sign-off is the version sent last
            found[country] = (AWAITING, amended or at)
        else:
            found[country] = (LATE if late else SUBMITTED, at)
    return found


def amendments_awaiting(db: Db, period: str, seq: int) -> dict[str, str]:
    """When each country's amendment awaiting national sign-off was sent, for returns whose
    approved figures count meanwhile."""
    return dict(
        db.execute(
            "SELECT country, amended_at FROM returns WHERE period = ? AND window_seq = ? "
            "AND awaiting_signoff = 1 AND amended_at IS NOT NULL AND EXISTS (SELECT 1 FROM "
            "return_counted c WHERE c.return_id = returns.id)",
            [period, seq],
        ).fetchall()
    )
