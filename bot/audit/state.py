"""Figures, people and requests bound into the audit chain, and checked against it.

Every stored return, person and request gets an audit row carrying a digest of what is stored
(state rows), written in the same transaction as the change. ``focalbot audit verify``
recomputes the digests from the tables and names whatever differs from the latest state row:
a figure, a role or a request's status changed by a direct ``UPDATE`` is caught. Free text never
enters a state row: figures, identities and request texts appear only as SHA-256 digests
(salted with what they belong to), everything else is ids, role names, flags and numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.audit import chain as audit
from bot.storage.sql import Db

RETURN_FIGURES = "return.figures"
PERSON_ADDED, PERSON_CHANGED = "person.added", "person.changed"
PERSON_REVOKED, PERSON_REINSTATED = "person.revoked", "person.reinstated"
PERSON_BASELINE = "person.baseline"
PERSON_STATES = (PERSON_ADDED, PERSON_CHANGED, PERSON_REVOKED, PERSON_REINSTATED, PERSON_BASELINE)
# not under "request.": those rows tell what happened to a request, these what is stored
REQUEST_CHANGED, REQUEST_BASELINE = "state.request", "state.request.baseline"
REQUEST_PURGED = "state.request.purged"  # removed by retention: gone, and rightly so
REQUEST_STATES = (REQUEST_CHANGED, REQUEST_BASELINE, REQUEST_PURGED)
PURGED_STATE: State = {"purged": True}
State = dict[str, Any]


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def detail(state: State) -> str:
    """A state as an audit row's detail (canonical JSON)."""
    return json.dumps(state, sort_keys=True)


# --- returns ------------------------------------------------------------------------------
def return_subject(period: str, seq: int, country: str) -> str:
    """The audit subject of a return: ``JPA-4/1/TH``."""
    return f"{period}/{seq}/{country}"


def return_state(db: Db, return_id: int) -> tuple[str, State]:
    """A stored return's subject and state: version, late flag, one digest per figure."""
    period, seq, country, version, late, awaiting, signed_by = db.execute(
        "SELECT period, window_seq, country, version, late, awaiting_signoff, signed_off_by "
        "FROM returns WHERE id = ?",
        [return_id],
    ).fetchone()
    subject = return_subject(period, seq, country)
    figures = {
        metric: _digest(subject, metric, amount, currency, text, *_joint(op, partner))
        for metric, amount, currency, text, op, partner in db.execute(
            "SELECT metric, amount, currency, text, joint_op, joint_partner FROM return_values "
            "WHERE return_id = ?",
            [return_id],
        )
    }
    state: State = {"version": version, "late": bool(late), "figures": figures}
    # national sign-off, only where it applies, so states bound before it still verify
    if awaiting:
        state["awaiting"] = True
    if signed_by:
        state["signed_off_by"] = signed_by
    counted = {  # the approved figures that count while an amendment awaits sign-off
        metric: _digest(subject, metric, amount, currency, text, *_joint(op, partner))
        for metric, amount, currency, text, op, partner in db.execute(
            "SELECT metric, amount, currency, text, joint_op, joint_partner FROM return_counted "
            "WHERE return_id = ?",
            [return_id],
        )
    }
    if counted:
        state["counted"] = counted
    return subject, state


def _joint(op: str | None, partner: str | None) -> tuple[str, ...]:
    """A joint figure's operation and partner enter its digest; a plain figure's digest is
    as it always was."""
    return (op, partner or "") if op else ()


def record_return(db: Db, return_id: int, at: str, actor: str) -> None:
    """Bind the return as now stored into the chain."""
    subject, state = return_state(db, return_id)
    audit.record(db, at, actor, RETURN_FIGURES, subject, detail(state))


def _return_problems(db: Db, audited: dict[str, State]) -> list[str]:
    problems: list[str] = []
    for (return_id,) in db.execute("SELECT id FROM returns ORDER BY id").fetchall():
        subject, state = return_state(db, return_id)
        was = audited.pop(subject, None)
        where = _return_name(db, subject)
        if was is None:
            problems.append(f"{where}: stored without an audit row")
            continue
        for key in ("version", "late", "awaiting", "signed_off_by", "counted"):
            if state.get(key) != was.get(key):
                problems.append(f"{where}: its {key} differs from the audited one")
        problems += _figure_problems(where, was.get("figures", {}), state["figures"])
    problems += [f"{_return_name(db, s)}: removed without an audit row" for s in audited]
    return problems


def _figure_problems(where: str, was: dict[str, str], now: dict[str, str]) -> list[str]:
    problems = []
    for metric in sorted({*was, *now}):
        if metric not in now:
            problems.append(f"{where}, {metric}: the figure was deleted without an audit row")
        elif was.get(metric) != now[metric]:
            problems.append(f"{where}, {metric}: the stored figure differs from the audited one")
    return problems


def _return_name(db: Db, subject: str) -> str:
    """``return of TH for JPA-4 window W1``, from a return's audit subject."""
    period, seq, country = subject.rsplit("/", 2)
    row = db.execute(
        "SELECT label FROM period_windows WHERE period = ? AND seq = ?", [period, seq]
    ).fetchone()
    return f"return of {country} for {period} window {row[0] if row else seq}"


# --- people -------------------------------------------------------------------------------
def person_state(db: Db, person_id: str) -> State | None:
    """Country, roles, active and revoked flags, and a digest of the channel identities."""
    return people_states(db, [person_id]).get(person_id)


IN_BATCH = 500  # ids per IN (...) list: well inside either engine's limit on parameters


def people_states(db: Db, person_ids: Sequence[str]) -> dict[str, State]:
    """:func:`person_state` of each of ``person_ids`` that is stored, in two queries a batch
    (an import or a first start compared people two queries a person)."""
    rows: list[Sequence[Any]] = []
    held: dict[str, list[list[str]]] = {}
    for start in range(0, len(person_ids), IN_BATCH):
        batch = list(person_ids[start : start + IN_BATCH])
        marks = ", ".join("?" * len(batch))
        rows += db.execute(
            f"SELECT id, country, roles, active, revoked_at FROM people WHERE id IN ({marks})",  # noqa: S608 - placeholders only
            batch,
        ).fetchall()
        for person_id, channel, user_id in db.execute(
            f"SELECT person_id, channel, user_id FROM identities WHERE person_id IN ({marks})",  # noqa: S608
            batch,
        ).fetchall():
            held.setdefault(person_id, []).append([channel, user_id])
    return {row[0]: _person_state(row, held.get(row[0], [])) for row in rows}


def all_people_states(db: Db) -> dict[str, State]:
    """:func:`person_state` of everyone stored, in two queries."""
    held: dict[str, list[list[str]]] = {}
    for person_id, channel, user_id in db.execute(
        "SELECT person_id, channel, user_id FROM identities"
    ).fetchall():
        held.setdefault(person_id, []).append([channel, user_id])
    rows = db.execute(
        "SELECT id, country, roles, active, revoked_at FROM people ORDER BY id"
    ).fetchall()
    return {row[0]: _person_state(row, held.get(row[0], [])) for row in rows}


def _person_state(row: Sequence[Any], identities: list[list[str]]) -> State:
    person_id, country, roles, active, revoked_at = row
    return {
        "country": country,
        "roles": sorted(json.loads(roles)),
        "active": bool(active),
        "revoked": bool(revoked_at),
        "identities": _digest(person_id, sorted(identities)),
    }


def record_person(db: Db, person_id: str, action: str, at: str, actor: str) -> None:
    """Bind the person as now stored into the chain."""
    audit.record(db, at, actor, action, person_id, detail(person_state(db, person_id) or {}))


def record_people(db: Db, actions: Sequence[tuple[str, str]], at: str, actor: str) -> None:
    """:func:`record_person` for each (person id, action), in order, in one batch."""
    states = people_states(db, [person_id for person_id, _action in actions])
    audit.record_many(
        db,
        [
            (at, actor, action, person_id, detail(states.get(person_id) or {}))
            for person_id, action in actions
        ],
    )


def _person_problems(db: Db, audited: dict[str, State]) -> list[str]:
    problems: list[str] = []
    for person_id, state in all_people_states(db).items():
        was = audited.pop(person_id, None)
        if was is None:
            problems.append(f"person {person_id}: stored without an audit row")
            continue
        problems += [
            f"person {person_id}: {key} differ from the audited ones"
            if key in ("roles", "identities")
            else f"person {person_id}: {key} differs from the audited one"
            for key in sorted(state)
            if state[key] != was.get(key)
        ]
    problems += [f"person {p}: removed without an audit row" for p in audited]
    return problems


# --- requests -----------------------------------------------------------------------------
_REQUEST_PARTS = {  # column: how verify names it; text and outcome enter only as digests
    "requester_id": "requester",
    "requester_country": "requesting country",
    "target_country": "target country",
    "target_person": "target person",
    "acknowledged_by": "acknowledging person",
    "category": "category",
    "urgency": "urgency",
    "status": "status",
    "round": "routing round",
    "escalation": "escalation step",
    "closed_at": "closing time",
    "text": "text",
    "outcome": "outcome",
}
REQUEST_COLUMNS = frozenset(_REQUEST_PARTS)
"""The request columns a state row covers: an update touching none of them binds nothing."""
_REQUEST_SQL = f"SELECT id, {', '.join(_REQUEST_PARTS)} FROM requests"


def _request_state(row: tuple[Any, ...]) -> tuple[str, State]:
    """A request row (as :data:`_REQUEST_SQL` selects it) as its id and state."""
    request_id, *values = row
    state: State = dict(zip(_REQUEST_PARTS, values, strict=True))
    state["text"] = _digest(request_id, "text", state["text"])
    if state["outcome"] is not None:
        state["outcome"] = _digest(request_id, "outcome", state["outcome"])
    return request_id, state


def request_state(db: Db, request_id: str) -> State | None:
    """Who asked whom, category, urgency, status, routing and digests of the texts."""
    row = db.execute(f"{_REQUEST_SQL} WHERE id = ?", [request_id]).fetchone()
    return _request_state(row)[1] if row else None


def record_request(
    db: Db, request_id: str, at: str, actor: str, action: str = REQUEST_CHANGED
) -> None:
    """Bind the request as now stored into the chain (nothing for an unknown id)."""
    state = request_state(db, request_id)
    if state is not None:
        audit.record(db, at, actor, action, request_id, detail(state))


def _request_problems(db: Db, audited: dict[str, State]) -> list[str]:
    problems: list[str] = []
    for row in db.execute(f"{_REQUEST_SQL} ORDER BY year, seq").fetchall():
        request_id, state = _request_state(row)
        was = audited.pop(request_id, None)
        if was is None:
            problems.append(f"request {request_id}: stored without an audit row")
            continue
        problems += [
            f"request {request_id}: its {name} differs from the audited one"
            for column, name in _REQUEST_PARTS.items()
            if state[column] != was.get(column)
        ]
    problems += [
        f"request {r}: removed without an audit row"
        for r, state in sorted(audited.items())
        if state != PURGED_STATE
    ]
    return problems


def record_request_purged(db: Db, request_id: str, at: str) -> None:
    """Bind a request's removal by retention, so that verify expects it gone."""
    audit.record(db, at, "system", REQUEST_PURGED, request_id, detail(PURGED_STATE))


# --- verification -------------------------------------------------------------------------
def latest_states(db: Db, actions: tuple[str, ...]) -> dict[str, State]:
    """The newest state row per subject among ``actions`` (rows without a state are skipped)."""
    marks = ", ".join("?" * len(actions))
    found: dict[str, State] = {}
    for subject, text in db.execute(
        f"SELECT subject, detail FROM audit WHERE action IN ({marks}) ORDER BY id", list(actions)
    ):
        state = _parsed(text)
        if state is not None:
            found[subject] = state
    return found


def _parsed(text: str) -> State | None:
    try:
        state = json.loads(text)
    except ValueError:
        return None  # an event row from before state rows existed
    return state if isinstance(state, dict) and state else None


def problems(db: Db) -> list[str]:
    """Every stored figure, person and request that differs from its latest state in the
    chain."""
    return [
        *_return_problems(db, latest_states(db, (RETURN_FIGURES,))),
        *_person_problems(db, latest_states(db, PERSON_STATES)),
        *_request_problems(db, latest_states(db, REQUEST_STATES)),
    ]


@dataclass(frozen=True)
class Bound:
    """How many of each :func:`baseline` bound."""

    returns: int = 0
    people: int = 0
    requests: int = 0


def baseline(db: Db, at: str, actor: str) -> Bound:
    """Bind returns, people and requests that have no state row yet (a database from before
    state rows covered them). Anything already bound is left alone."""
    returns = latest_states(db, (RETURN_FIGURES,))
    people = latest_states(db, PERSON_STATES)
    requests = latest_states(db, REQUEST_STATES)
    return_ids = [r[0] for r in db.execute("SELECT id FROM returns ORDER BY id").fetchall()]
    new_returns = [r for r in return_ids if return_state(db, r)[0] not in returns]
    person_ids = [r[0] for r in db.execute("SELECT id FROM people ORDER BY id").fetchall()]
    new_people = [p for p in person_ids if p not in people]
    request_ids = [r[0] for r in db.execute("SELECT id FROM requests ORDER BY year, seq")]
    new_requests = [r for r in request_ids if r not in requests]
    for return_id in new_returns:
        record_return(db, return_id, at, actor)
    for person_id in new_people:
        record_person(db, person_id, PERSON_BASELINE, at, actor)
    for request_id in new_requests:
        record_request(db, request_id, at, actor, REQUEST_BASELINE)
    return Bound(len(new_returns), len(new_people), len(new_requests))
