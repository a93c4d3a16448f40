"""Assistance requests: their rows, who is party to them, and who may see or act on them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime

from bot.audit import state as audit_state
from bot.clock import parse_iso
from bot.config import Person
from bot.directory.repo import Directory
from bot.errors import UserError
from bot.i18n import _
from bot.numbers import latin_digits
from bot.storage.sql import Cursor, Db

CATEGORIES: dict[str, tuple[str, ...]] = {
    "information": ("info", "information"),
    "arrest/warrant": ("arrest", "warrant", "arrest-warrant"),
    "victim support": ("victim", "victims", "victim-support"),
    "mutual legal assistance": ("mla", "legal", "mutual-legal-assistance"),
    "extradition": ("extradition",),
    "financial/assets": ("financial", "assets", "money", "finance"),
    "other": ("other",),
}
CATEGORY_TAGS = {tag: label for label, tags in CATEGORIES.items() for tag in tags}
# The tag each category is shown by: its first (the others are accepted as typed).
SHOWN_TAGS = tuple(tags[0] for tags in CATEGORIES.values())
# An id as typed, with the punctuation a sentence puts after it ("R-2026-0001: noted").
_ID = re.compile(r"^\s*([A-Za-z]{1,4})-(\d{4})-(\d{1,6})[:,.;]?\s*$")
ID_PUNCTUATION = ":,.;"
_BROADCAST_ID = re.compile(r"^\s*[Bb]-(\d{1,6})[:,.;]?\s*$")


@dataclass(frozen=True)
class Request:
    """One assistance request row."""

    id: str
    year: int
    seq: int
    requester_id: str
    requester_country: str
    target_country: str
    target_person: str | None
    category: str
    urgency: str
    status: str
    text: str
    created_at: str
    updated_at: str
    ack_due_at: str | None
    round: int
    escalation: int
    acknowledged_by: str | None
    acknowledged_at: str | None
    closed_at: str | None
    outcome: str | None

    @property
    def created(self) -> datetime:
        """When it was filed."""
        return parse_iso(self.created_at)


_COLUMNS = ", ".join(f.name for f in fields(Request))


HANDED_OVER = "handed over from {old} to {new}"
"""A handover's thread entry: the two person ids, rendered with names at read time."""
_HANDED_OVER = re.compile(r"^handed over from (\S+) to (\S+)$")


def handover_note(old_id: str, new_id: str) -> str:
    """The thread entry recording that ``old_id`` handed the request to ``new_id``."""
    return HANDED_OVER.format(old=old_id, new=new_id)


def handed_over(text: str) -> tuple[str, str] | None:
    """The (old, new) person ids a handover entry names; None for any other text."""
    match = _HANDED_OVER.match(text)
    return (match[1], match[2]) if match else None


def normalise_id(text: str, prefix: str) -> str:
    """``r-2026-42`` → ``R-2026-0042``, its digits typed in any script (``R-๒๐๒๖-๔๒``,
    fullwidth ``R-２０２６-４２``); a UserError for anything that is not an id."""
    latin = latin_id(text)
    match = _ID.match(latin)
    if not match and (broadcast := _BROADCAST_ID.match(latin)):  # /ack B-1, for /broadcast ack
        raise UserError(
            _(
                "{id} is a broadcast, not a request: /broadcast ack {id} acknowledges it.",
                id=f"B-{broadcast[1]}",
            )
        )
    if not match or match[1].upper() != prefix:
        example = f"{prefix}-2026-0042"  # an id as typed, the same in every language
        raise UserError(
            _(
                "{text} is not a request id; ids look like {example}.",
                text=repr(text.strip()[:40]),
                example=example,
            )
        )
    return f"{prefix}-{match[2]}-{int(match[3]):04d}"


_ID_START = re.compile(r"^\s*[A-Za-z]{1,4}-\d")


def looks_like_id(word: str) -> bool:
    """Whether ``word`` starts as an id does (``R-2…``, ``B-1``, in any script's digits):
    read as one, and refused clearly if it is none, rather than taken for a word of text."""
    return bool(_ID_START.match(latin_id(word)))


def latin_id(text: str) -> str:
    """An id as typed with ASCII letters and digits: phones type fullwidth forms (NFKC makes
    them ASCII) and a Thai or Arabic keyboard its own digits (\\d matched them, and the year
    came back unconverted). Each character alone: an id mixing scripts is still one id."""
    if text.isascii():
        return text  # most words: a hostile email's thousands cost no normalising
    return "".join(latin_digits(ch) for ch in unicodedata.normalize("NFKC", text))


def next_id(db: Db, prefix: str, year: int) -> tuple[str, int]:
    """The next human-friendly id for ``year``, never one given before (not even to a request
    retention has since removed: old mail, chats and the audit log still name it).

    The year's counter lives in ``meta`` and advances in the filing's own transaction with one
    atomic statement, so two replicas filing at once cannot take the same number even without
    the write lock that serialises them today.
    """
    key = f"{_COUNTER}{year}"
    advanced = _returned(
        db.execute(f"UPDATE meta SET value = {_PLUS_ONE} WHERE key = ? RETURNING value", [key])
    )
    if advanced is None:  # the year's first request, or a database from before the counter
        advanced = _returned(
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                f"DO UPDATE SET value = {_PLUS_ONE} RETURNING value",
                [key, str(_highest_given(db, year) + 1)],
            )
        )
    assert advanced is not None  # an upsert always returns its row
    seq = max(advanced, _highest_stored(db, year) + 1)
    if seq != advanced:  # behind the stored requests (rows put in by hand): skip past them
        db.execute("UPDATE meta SET value = ? WHERE key = ?", [str(seq), key])
    return f"{prefix}-{year}-{seq:04d}", seq


_COUNTER = "request_seq:"
"""``meta`` key prefix (then the year): the last number given to a request of that year."""
_PLUS_ONE = "CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
# Any request id in the audit log: filed, changed, purged (prefixes may have changed since).
_AUDITED_ID = re.compile(r"^[A-Za-z]{1,4}-(\d{4})-(\d{1,6})$")


def _returned(cursor: Cursor) -> int | None:
    """The single number a ``RETURNING value`` statement gave (read to the end, so SQLite
    finishes the statement), or None when it touched no row."""
    rows = cursor.fetchall()
    return int(rows[0][0]) if rows else None


def _highest_given(db: Db, year: int) -> int:
    """The highest number ever given to a request of ``year`` as the database remembers it
    without the counter: the stored requests, and every request id the audit log names
    (which keeps the ids of requests retention removed)."""
    audited = db.execute(
        "SELECT DISTINCT subject FROM audit WHERE subject LIKE ? "
        "AND (action LIKE 'request.%' OR action LIKE 'state.request%')",
        [f"%-{year}-%"],
    )
    found = (_AUDITED_ID.match(subject) for (subject,) in audited)
    numbers = [int(m[2]) for m in found if m and int(m[1]) == year]
    return max([_highest_stored(db, year), *numbers])


def _highest_stored(db: Db, year: int) -> int:
    row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM requests WHERE year = ?", [year])
    return int(row.fetchone()[0])


def same_text(text: str) -> str:
    """``text`` as compared for a repeat: spacing and case do not count."""
    return " ".join(text.split()).casefold()


def open_repeat(
    db: Db, requester_id: str, target_country: str, text: str, since: str
) -> Request | None:
    """The newest request ``requester_id`` filed to ``target_country`` since ``since`` with
    the same text (:func:`same_text`) that is not closed yet, or None."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM requests WHERE requester_id = ? AND target_country = ? "
        f"AND status != 'closed' AND created_at >= ? {_ORDER}",
        [requester_id, target_country, since],
    )
    wanted = same_text(text)
    found = (Request(*row) for row in rows)
    return next((r for r in found if same_text(r.text) == wanted), None)


def load(db: Db, request_id: str) -> Request | None:
    """A request by id, or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM requests WHERE id = ?", [request_id]).fetchone()
    return Request(*row) if row else None


def replied_to(db: Db, channel: str, address: str, platform_id: str) -> str | None:
    """The request the message answered was about: the bot's message to ``address`` on
    ``channel`` that the platform knows as ``platform_id`` (the id its send returned, or one
    of its earlier parts' when it went as several: see :mod:`bot.delivery.parts`), when it
    was sent about a request; None for any other message."""
    row = db.execute(
        "SELECT r.id FROM outbox o JOIN requests r ON r.id = o.subject "
        "WHERE o.subject IS NOT NULL AND o.channel = ? AND o.address = ? AND o.platform_id = ?",
        [channel, address, platform_id],
    ).fetchone()
    if row is None:  # an earlier part of a message sent as several?
        row = db.execute(
            "SELECT r.id FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id "
            "JOIN requests r ON r.id = o.subject "
            "WHERE p.platform_id = ? AND o.channel = ? AND o.address = ?",
            [platform_id, channel, address],
        ).fetchone()
    return str(row[0]) if row else None


def new_request(
    request_id: str,
    year: int,
    seq: int,
    requester: Person,
    target_country: str,
    category: str,
    urgency: str,
    text: str,
    stamp: str,
) -> Request:
    """A freshly filed request: open, first routing round, not escalated."""
    return Request(
        request_id,
        year,
        seq,
        requester.id,
        requester.country,
        target_country,
        None,
        category,
        urgency,
        "open",
        text,
        stamp,
        stamp,
        None,
        1,
        0,
        None,
        None,
        None,
        None,
    )


def insert(db: Db, request: Request) -> None:
    """Store a new request, with its requester and target country as parties, and bind it
    into the audit chain."""
    names = [f.name for f in fields(Request)]
    marks = ", ".join("?" for _name in names)
    db.execute(
        f"INSERT INTO requests ({_COLUMNS}) VALUES ({marks})", [getattr(request, n) for n in names]
    )
    add_party(db, request.id, person_id=request.requester_id)
    add_party(db, request.id, country=request.target_country)
    audit_state.record_request(db, request.id, request.created_at, request.requester_id)


def update(db: Db, request_id: str, **changes: object) -> None:
    """Change columns of one request; a change to what its audit state covers is bound into
    the chain here, so no caller can leave it out. The store binds it (actor ``system``): the
    event row the caller writes names who acted."""
    sets = ", ".join(f"{key} = ?" for key in changes)
    cursor = db.execute(f"UPDATE requests SET {sets} WHERE id = ?", [*changes.values(), request_id])
    if cursor.rowcount and audit_state.REQUEST_COLUMNS.intersection(changes):
        at = changes.get("updated_at") or _updated_at(db, request_id)
        audit_state.record_request(db, request_id, str(at), "system")


def _updated_at(db: Db, request_id: str) -> str:
    return str(
        db.execute("SELECT updated_at FROM requests WHERE id = ?", [request_id]).fetchone()[0]
    )


def add_party(db: Db, request_id: str, country: str = "", person_id: str = "") -> None:
    """Record that a country's focal points or a person are party to a request."""
    db.execute(
        "INSERT INTO request_parties (request_id, country, person_id) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [request_id, country, person_id],
    )


def add_message(
    db: Db, request_id: str, at: str, author_id: str | None, kind: str, text: str
) -> None:
    """Append to a request's thread."""
    db.execute(
        "INSERT INTO request_messages (request_id, at, author_id, kind, text) "
        "VALUES (?, ?, ?, ?, ?)",
        [request_id, at, author_id, kind, text],
    )


def thread(db: Db, request_id: str) -> list[tuple[str, str | None, str, str]]:
    """The thread: (at, author_id, kind, text), oldest first."""
    return list(
        db.execute(
            "SELECT at, author_id, kind, text FROM request_messages "
            "WHERE request_id = ? ORDER BY id",
            [request_id],
        )
    )


def parties(db: Db, request_id: str) -> tuple[set[str], set[str]]:
    """(countries, person ids) ever party to the request."""
    countries, people = set(), set()
    for country, person_id in db.execute(
        "SELECT country, person_id FROM request_parties WHERE request_id = ?", [request_id]
    ):
        if country:
            countries.add(country)
        if person_id:
            people.add(person_id)
    return countries, people


def can_see(db: Db, directory: Directory, person: Person, request: Request) -> bool:
    """Requester, co-chairs, anyone or any country it was ever addressed or referred to,
    whoever answers it now, and the focal points and deputies of the country that asked (a
    country sees what is its own: they follow their officers' requests, not act on them)."""
    if person.id == request.requester_id or person.has("co_chair"):
        return True
    if (
        person.handles_country_requests
        and person.country == request.requester_country
        and not _by_co_chair(directory, request)
    ):
        return True
    countries, people = parties(db, request.id)
    return (
        person.id in people
        or (person.handles_country_requests and person.country in countries)
        or handles(directory, person, request)
    )


def handles(directory: Directory, person: Person, request: Request) -> bool:
    """Whether ``person`` is on the answering side now (current target).

    A request referred to a named person is theirs while they hold their place, and their
    country's focal points stay accountable for it with them: a focal point who handed it to
    her deputy or to another agency can still acknowledge, answer and refer it. Once the
    person is revoked it falls back to the target country's focal points and deputies, like
    any other. A co-chair holds it for the group, not for her country (whose code is its
    target country): once she is revoked it is the other co-chairs'.
    """
    named = directory.people.get(request.target_person or "")
    if named is not None and named.has("co_chair"):
        if named.active:
            return person.id == named.id
        return person.active and person.has("co_chair")
    if named is not None and named.active:
        answering = answer_for(directory, named)
        return person.id == named.id or any(p.id == person.id for p in answering)
    return person.handles_country_requests and person.country == request.target_country


def answer_for(directory: Directory, holder: Person) -> list[Person]:
    """Who answers for what ``holder`` holds, besides them: their country's focal points, else
    (none but the holder) its deputies; no one for a co-chair, who holds it for the group."""
    if holder.has("co_chair"):
        return []
    for found in (directory.focal_points(holder.country), directory.deputies(holder.country)):
        others = [p for p in found if p.id != holder.id]
        if others:
            return others
    return []


def _accountable(person: Person, country: str) -> bool:
    """Whether ``person`` answers for what the people of ``country`` hold as a focal point
    (a deputy does only where there is no other focal point: :func:`answer_for`)."""
    return person.has("focal_point") and person.country == country


def _by_co_chair(directory: Directory, request: Request) -> bool:
    """Whether a co-chair filed ``request``: for the group, not as her country's."""
    requester = directory.people.get(request.requester_id)
    return requester is not None and requester.has("co_chair")


CO_CHAIRS = "SELECT id FROM people WHERE roles LIKE '%\"co!_chair\"%' ESCAPE '!'"
"""The directory's co-chairs (roles are stored as a JSON list), for :func:`_visible_to`."""


def visible_or_refuse(db: Db, directory: Directory, person: Person, request_id: str) -> Request:
    """Load a request the person may see; otherwise the same answer as for a missing one."""
    request = load(db, request_id)
    if request is None or not can_see(db, directory, person, request):
        raise UserError(
            _("No such request: {id}. /requests lists the ones you can see.", id=request_id)
        )
    return request


@dataclass(frozen=True)
class Search:
    """What a listing filters on; an empty field matches everything. Several countries or
    categories: any of them; several words: each of them; the filters combine (a country and a
    word: both)."""

    status: str = "open"  # "open" (anything not closed), "closed" or "all"
    countries: tuple[str, ...] = ()  # on either side (requester or target); any of them
    categories: tuple[str, ...] = ()  # CATEGORIES labels; any of them
    words: tuple[str, ...] = ()  # each somewhere in the request text, any case


_ORDER = "ORDER BY created_at DESC, year DESC, seq DESC"


def visible_list(db: Db, person: Person, limit: int = 20) -> list[Request]:
    """Requests the person may see, not closed, newest first (stamps have whole seconds: the
    number decides among those filed in the same one, the same on either engine)."""
    return search(db, person, Search(), limit)[0]


def search(db: Db, person: Person, query: Search, limit: int = 20) -> tuple[list[Request], int]:
    """The newest ``limit`` requests the person may see that match ``query``, and how many
    match in all."""
    where, params = _where(person, query)
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM requests WHERE {where} {_ORDER} LIMIT {int(limit)}", params
    )
    return [Request(*row) for row in rows], count(db, person, query)


def count(db: Db, person: Person, query: Search) -> int:
    """How many requests the person may see match ``query``."""
    where, params = _where(person, query)
    return int(db.execute(f"SELECT COUNT(*) FROM requests WHERE {where}", params).fetchone()[0])


def _where(person: Person, query: Search) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of what ``person`` may see matching ``query``."""
    conditions, params = _visible_to(person)
    for condition, values in _filters(query):
        conditions.append(condition)
        params.extend(values)
    return " AND ".join(conditions) or "1 = 1", params


def _visible_to(person: Person) -> tuple[list[str], list[object]]:
    """The visibility rule of :func:`can_see`, as SQL (co-chairs see every request; a focal
    point, those now with someone of her country: :func:`handles`; focal points and deputies,
    those their country asked)."""
    if person.has("co_chair"):
        return [], []
    handles = int(person.handles_country_requests)
    return (
        [
            "(requester_id = ? "
            f"OR (requester_country = ? AND ? = 1 AND requester_id NOT IN ({CO_CHAIRS})) "
            "OR (target_country = ? AND ("
            # the country answers it: addressed to it, or its named holder is gone (unless a
            # co-chair, whose requests go to the other co-chairs: :func:`handles`)
            "(? = 1 AND (target_person IS NULL OR (target_person NOT IN "
            f"(SELECT id FROM people WHERE active = 1) AND target_person NOT IN ({CO_CHAIRS})))) "
            # a focal point answers with the holder, one of her country's people
            f"OR (? = 1 AND target_person IN (SELECT id FROM people WHERE active = 1) "
            f"AND target_person NOT IN ({CO_CHAIRS})))) "
            "OR id IN (SELECT request_id FROM request_parties "
            "WHERE person_id = ? OR (country = ? AND ? = 1)))"
        ],
        [
            person.id,
            person.country,
            handles,
            person.country,
            handles,
            int(_accountable(person, person.country)),
            person.id,
            person.country,
            handles,
        ],
    )


def _filters(query: Search) -> list[tuple[str, list[object]]]:
    """One SQL condition per filter, with its parameters."""
    found: list[tuple[str, list[object]]] = []
    if query.status == "open":
        found.append(("status != 'closed'", []))
    elif query.status == "closed":
        found.append(("status = 'closed'", []))
    if query.countries:
        marks = ", ".join("?" for _country in query.countries)
        found.append(
            (
                f"(requester_country IN ({marks}) OR target_country IN ({marks}))",
                [*query.countries, *query.countries],
            )
        )
    if query.categories:
        marks = ", ".join("?" for _category in query.categories)
        found.append((f"category IN ({marks})", list(query.categories)))
    for word in query.words:
        found.append(("lower(text) LIKE lower(?) ESCAPE '!'", [f"%{_like_literal(word)}%"]))
    return found


def _like_literal(text: str) -> str:
    """``text`` matched literally by LIKE: its wildcards and the escape character escaped."""
    return re.sub(r"([!%_])", r"!\1", text)


@dataclass(frozen=True)
class Overview:
    """One request as the operators' listing shows it: no text, no names (``focalbot
    requests``)."""

    id: str
    requester_country: str
    target_country: str
    category: str
    urgency: str
    status: str
    created_at: str
    acknowledged_at: str | None
    closed_at: str | None
    escalated: bool  # some escalation step was taken, in any round


def overview(db: Db, status: str = "open") -> list[Overview]:
    """Every request (``all``) or every one not closed (``open``), oldest first."""
    where = "WHERE status != 'closed'" if status == "open" else ""
    rows = db.execute(
        "SELECT id, requester_country, target_country, category, urgency, status, created_at, "
        "acknowledged_at, closed_at, CASE WHEN escalation > 0 OR EXISTS (SELECT 1 FROM "
        "request_messages m WHERE m.request_id = requests.id AND m.kind = 'escalation') "
        f"THEN 1 ELSE 0 END FROM requests {where} ORDER BY year, seq"
    )
    return [
        Overview(rid, source, target, category, urgency, state, filed, acked, closed, bool(up))
        for rid, source, target, category, urgency, state, filed, acked, closed, up in rows
    ]
