"""The directory: who is who, loaded from the database into memory for fast lookups.

``bot.toml`` (and CSV imports) write the database tables; the running bot reads them into a
:class:`Directory`, an immutable snapshot that is safe to share with the store thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.audit import state as audit_state
from bot.clock import Clock, iso
from bot.config import STORED, Country, Person
from bot.events import Sender
from bot.i18n.message import CountryName
from bot.storage.sql import Db
from bot.text import country_code

log = logging.getLogger(__name__)

CONSOLE = "console"
"""Every person has an implicit console identity: their person id."""
CONFIGURED, IMPORTED = "bot.toml", "import"
"""Where a person came from (``people.source``): bot.toml, or anywhere else (an import)."""
_PERSON_KEY, _DROPPED_KEY = "configured:person:", "unconfigured:person:"
_LANGUAGES_NOTED = "configured:languages-given"  # read with the fingerprints: no statement more


@dataclass(frozen=True)
class Directory:
    """An immutable snapshot of countries, people and channel identities."""

    countries: dict[str, Country]
    people: dict[str, Person]
    _by_identity: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    unreachable: frozenset[tuple[str, str]] = frozenset()  # (channel, user id) that failed for good

    @classmethod
    def build(
        cls,
        countries: list[Country],
        people: list[Person],
        unreachable: frozenset[tuple[str, str]] = frozenset(),
    ) -> Directory:
        """Index people by every identity they have."""
        index = {(ch, uid): p.id for p in people for ch, uid in p.identities.items()}
        index.update({(CONSOLE, p.id): p.id for p in people})
        return cls({c.code: c for c in countries}, {p.id: p for p in people}, index, unreachable)

    def person_for(self, sender: Sender) -> Person | None:
        """The active person behind a channel identity, or None for a stranger."""
        person_id = self._by_identity.get((sender.channel, sender.user_id))
        person = self.people.get(person_id or "")
        return person if person and person.active else None

    def identity(self, person: Person, channel: str) -> str | None:
        """The person's user id on ``channel``, if they have one."""
        return person.id if channel == CONSOLE else person.identities.get(channel)

    def country(self, code: str) -> Country | None:
        """A country by its alpha-2 code (any case, fullwidth too)."""
        return self.countries.get(country_code(code))

    def country_name(self, code: str) -> str:
        """A country's name (its code when unknown); in a message, each reader's language
        names it (:class:`bot.i18n.message.CountryName`)."""
        country = self.country(code)
        return CountryName(country.name, country.code) if country else code

    def timezone_of(self, code: str) -> str:
        """A country's IANA time zone (UTC when unknown)."""
        country = self.country(code)
        return country.timezone if country else "UTC"

    def with_role(self, role: str, country: str | None = None) -> list[Person]:
        """Active people holding ``role`` (in ``country`` if given), in a stable order."""
        return [
            p
            for p in self.people.values()
            if p.active and role in p.roles and (country is None or p.country == country)
        ]

    def focal_points(self, country: str) -> list[Person]:
        """The focal points of a country."""
        return self.with_role("focal_point", country)

    def deputies(self, country: str) -> list[Person]:
        """The deputy focal points of a country."""
        return self.with_role("deputy_focal_point", country)

    def answering(self, country: str) -> list[Person]:
        """Who receives a country's requests: its focal points, else its deputies (requests
        pass over someone unreachable or lapsed: see bot.requests.handlers)."""
        return self.focal_points(country) or self.deputies(country)


def save_directory(
    db: Db,
    countries: list[Country],
    people: list[Person],
    actor: str = "system",
    at: str = "",
    source: str = IMPORTED,
) -> None:
    """Upsert countries and people (with their identities) into the database; every person
    added or whose country, roles, identities or flags changed gets an audit state row.
    A person added is noted as coming from ``source`` (:data:`CONFIGURED`: bot.toml); one
    already stored keeps where they came from.

    A batch of statements for all, not a few for each: a first start or an import of hundreds
    of people took thousands of round trips on PostgreSQL."""
    at = at or iso(Clock().now())
    if countries:
        db.executemany(
            "INSERT INTO countries (code, name, timezone) VALUES (?, ?, ?) ON CONFLICT(code) "
            "DO UPDATE SET name = excluded.name, timezone = excluded.timezone",
            [(country.code, country.name, country.timezone) for country in countries],
        )
    touched = _touched(db, people)
    before = audit_state.people_states(db, touched)
    _upsert_people(db, people, source)
    after = audit_state.people_states(db, touched)
    changes = [
        (person_id, audit_state.PERSON_CHANGED if person_id in before else audit_state.PERSON_ADDED)
        for person_id in touched
        if after.get(person_id) != before.get(person_id)
    ]
    audit_state.record_people(db, changes, at, actor)
    bump_version(db)


def _touched(db: Db, people: list[Person]) -> list[str]:
    """The people saving ``people`` may change: them, and whoever holds an identity one of
    them takes (given up in the same import, it moves; compared one by one, the person it
    left was compared after losing it and its audit state row never written)."""
    touched = dict.fromkeys(person.id for person in people)
    wanted = {pair for person in people for pair in person.identities.items()}
    if wanted:
        holders = db.execute("SELECT channel, user_id, person_id FROM identities").fetchall()
        for channel, user_id, person_id in holders:
            if (channel, user_id) in wanted:
                touched.setdefault(str(person_id))
    return list(touched)


def sync_configured(db: Db, countries: list[Country], people: list[Person]) -> int:
    """Apply bot.toml's countries and people that are new or were edited there since the last
    start; return how many. One left as it was keeps what the database has since been told
    (a ``focalbot directory import``, a revocation): re-applied at every start, bot.toml undid
    an import at the next restart, roles taken away included.

    A person who came from bot.toml and is no longer in it is revoked next, as an
    administrator would (bot.directory.handlers.retire_unconfigured); put back, they are
    active again as before."""
    remembered = dict(
        db.execute("SELECT key, value FROM meta WHERE key LIKE 'configured:%'").fetchall()
    )
    # A database from before fingerprints (made by a version that re-applied bot.toml at every
    # start): what it holds, imports included, stands; bot.toml is only noted.
    first = not remembered and db.execute("SELECT 1 FROM people LIMIT 1").fetchone() is not None
    fingerprints = {
        **{f"configured:country:{c.code}": _fingerprint(c) for c in countries},
        **{f"{_PERSON_KEY}{p.id}": _fingerprint(p) for p in people},
    }
    changed = {k: v for k, v in fingerprints.items() if remembered.get(k) != v}
    if changed:
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
            "DO UPDATE SET value = excluded.value",
            list(changed.items()),
        )
    if _LANGUAGES_NOTED not in remembered:  # once, after schema 23 (which clears the mark)
        _note_languages_given(db, people)
        db.execute("INSERT INTO meta (key, value) VALUES (?, '1')", [_LANGUAGES_NOTED])
    if first:  # bot.toml was applied at every start until now: its people are its own
        _mark_configured(db, [p.id for p in people])
        return 0
    at = iso(Clock().now())
    changed_countries = [c for c in countries if f"configured:country:{c.code}" in changed]
    changed_people = [p for p in people if f"{_PERSON_KEY}{p.id}" in changed]
    if changed_people:
        _restore_configured(db, {p.id for p in changed_people}, at)
    if changed_countries or changed_people:
        save_directory(db, changed_countries, changed_people, at=at, source=CONFIGURED)
    return len(changed_countries) + len(changed_people)


def _note_languages_given(db: Db, people: list[Person]) -> None:
    """Mark as given the languages bot.toml gives ``people`` that the database holds unmarked
    (a database from before ``people.language_given``, whose bot.toml is not applied again
    while unchanged). Only where the database still has that language: an import since may
    have set another."""
    given = {p.id: p.language for p in people if p.language_given}
    unmarked = db.execute("SELECT id, language FROM people WHERE language_given = 0").fetchall()
    marks = [(person_id,) for person_id, language in unmarked if given.get(person_id) == language]
    if marks:
        db.executemany("UPDATE people SET language_given = 1 WHERE id = ?", marks)


def unconfigured(db: Any, people: list[Person], sourced: bool = True) -> list[str]:
    """Who came from bot.toml, is still active and is not among its ``people`` any more: the
    next start revokes them (``focalbot check`` warns of it, on a plain connection: ``db``
    need only execute; ``sourced``: False on a database from before ``people.source``)."""
    listed = {p.id for p in people}
    noted = {
        str(row[0])[len(_PERSON_KEY) :]
        for row in db.execute(f"SELECT key FROM meta WHERE key LIKE '{_PERSON_KEY}%'")  # noqa: S608
    }
    where = "source = ? AND " if sourced else ""
    rows = db.execute(
        f"SELECT id FROM people WHERE {where}revoked_at IS NULL ORDER BY id",  # noqa: S608
        [CONFIGURED] if sourced else [],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] not in listed and r[0] in noted]


def drop_unconfigured(db: Db, person_id: str, at: str) -> bool:
    """Revoke ``person_id``, taken out of bot.toml, if they came from it, as an administrator
    would but by ``bot.toml``: identities dropped, what waits to be sent to them withdrawn,
    audited, logged; noted, so that putting them back in bot.toml reinstates them. False when
    left as they were (imported, or revoked already). Their work is passed on by
    bot.directory.handlers.retire_unconfigured."""
    from bot.directory.handover import revoke_and_withdraw  # it builds on this module

    db.execute("DELETE FROM meta WHERE key = ?", [f"{_PERSON_KEY}{person_id}"])
    row = db.execute("SELECT source FROM people WHERE id = ?", [person_id]).fetchone()
    if not (row and row[0] == CONFIGURED and revoke_and_withdraw(db, person_id, at, CONFIGURED)):
        return False
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
        "DO UPDATE SET value = excluded.value",
        [f"{_DROPPED_KEY}{person_id}", at],
    )
    log.warning("directory: %s is no longer in bot.toml: revoked", person_id)
    return True


def _restore_configured(db: Db, person_ids: set[str], at: str) -> None:
    """Reinstate those of ``person_ids`` revoked for being taken out of bot.toml (and not
    revoked again by anyone since): bot.toml lists them again."""
    dropped = db.execute(
        f"SELECT key, value FROM meta WHERE key LIKE '{_DROPPED_KEY}%'"  # noqa: S608
    ).fetchall()
    for key, dropped_at in dropped:
        person_id = str(key)[len(_DROPPED_KEY) :]
        if person_id not in person_ids:
            continue
        db.execute("DELETE FROM meta WHERE key = ?", [key])
        revoked = db.execute("SELECT revoked_at FROM people WHERE id = ?", [person_id]).fetchone()
        if revoked and revoked[0] == dropped_at and reinstate(db, person_id, at, CONFIGURED):
            log.warning("directory: %s is in bot.toml again: reinstated", person_id)


def _mark_configured(db: Db, person_ids: list[str]) -> None:
    for start in range(0, len(person_ids), audit_state.IN_BATCH):
        batch = person_ids[start : start + audit_state.IN_BATCH]
        db.execute(
            f"UPDATE people SET source = ? WHERE id IN ({', '.join('?' * len(batch))})",  # noqa: S608
            [CONFIGURED, *batch],
        )


def _fingerprint(entry: Country | Person) -> str:
    """What bot.toml said of ``entry``: what it wrote, not the defaults, so that a field added
    later does not re-apply them all."""
    return hashlib.sha256(entry.model_dump_json(exclude_unset=True).encode()).hexdigest()


def _upsert_people(db: Db, people: list[Person], source: str) -> None:
    if not people:
        return
    db.executemany(
        "INSERT INTO people (id, name, country, roles, language, preferred_channel, active, "
        "source, language_given) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
        "SET name = excluded.name, "
        "country = excluded.country, roles = excluded.roles, language = CASE WHEN "
        "people.language_chosen_at IS NULL THEN excluded.language ELSE people.language END, "
        "language_given = excluded.language_given, "
        "preferred_channel = excluded.preferred_channel, "
        "active = CASE WHEN people.revoked_at IS NULL THEN excluded.active ELSE 0 END",
        [
            (
                person.id,
                person.name,
                person.country,
                json.dumps(list(person.roles)),
                person.language,
                person.preferred_channel,
                int(person.active),
                source,
                int(person.language_given),
            )
            for person in people
        ],
    )
    ids = [person.id for person in people]
    for start in range(0, len(ids), audit_state.IN_BATCH):
        batch = ids[start : start + audit_state.IN_BATCH]
        db.execute(
            f"DELETE FROM identities WHERE person_id IN ({', '.join('?' * len(batch))})",  # noqa: S608
            batch,
        )
    revoked = set(revoked_among(db, ids))  # their identities stay gone until reinstated
    identities = [
        (channel, user_id, person.id)
        for person in people
        if person.id not in revoked
        for channel, user_id in person.identities.items()
    ]
    if identities:
        db.executemany(
            "INSERT INTO identities (channel, user_id, person_id) VALUES (?, ?, ?) "
            "ON CONFLICT (channel, user_id) DO UPDATE SET person_id = excluded.person_id",
            identities,
        )


def bump_version(db: Db) -> None:
    """Tell running bots the directory changed."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('directory_version', '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
    )


def is_revoked(db: Db, person_id: str) -> bool:
    """Whether an administrator revoked the person."""
    row = db.execute("SELECT revoked_at FROM people WHERE id = ?", [person_id]).fetchone()
    return bool(row and row[0])


def revoked_among(db: Db, person_ids: list[str]) -> list[str]:
    """Those of ``person_ids`` who are revoked, in order: an import lists them without
    reinstating them, and says so."""
    revoked: set[str] = set()
    for start in range(0, len(person_ids), audit_state.IN_BATCH):
        batch = person_ids[start : start + audit_state.IN_BATCH]
        marks = ", ".join("?" * len(batch))
        revoked.update(
            row[0]
            for row in db.execute(
                f"SELECT id FROM people WHERE revoked_at IS NOT NULL AND id IN ({marks})",  # noqa: S608
                batch,
            ).fetchall()
        )
    return [person_id for person_id in person_ids if person_id in revoked]


def revoke(db: Db, person_id: str, at: str, actor: str = "system") -> bool:
    """Deactivate a person and drop every channel identity at once, audited as
    ``person.revoked`` by ``actor``; False if unknown or already revoked."""
    cursor = db.execute(
        "UPDATE people SET active = 0, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        [at, person_id],
    )
    if not cursor.rowcount:
        return False
    for channel, user_id in db.execute(
        "SELECT channel, user_id FROM identities WHERE person_id = ?", [person_id]
    ).fetchall():
        db.execute(
            "INSERT INTO revoked_identities (digest, person_id, revoked_at) VALUES (?, ?, ?) "
            "ON CONFLICT (digest) DO UPDATE SET person_id = excluded.person_id, "
            "revoked_at = excluded.revoked_at",
            [_identity_digest(channel, user_id), person_id, at],
        )
    db.execute("DELETE FROM identities WHERE person_id = ?", [person_id])
    audit_state.record_person(db, person_id, audit_state.PERSON_REVOKED, at, actor)
    bump_version(db)
    return True


def reinstate(db: Db, person_id: str, at: str, actor: str = "system") -> bool:
    """Undo a revocation, audited as ``person.reinstated``; identities come back with the next
    import or bot.toml sync. False if the person is not revoked."""
    cursor = db.execute(
        "UPDATE people SET active = 1, revoked_at = NULL WHERE id = ? AND revoked_at IS NOT NULL",
        [person_id],
    )
    if not cursor.rowcount:
        return False
    db.execute("DELETE FROM revoked_identities WHERE person_id = ?", [person_id])
    audit_state.record_person(db, person_id, audit_state.PERSON_REINSTATED, at, actor)
    bump_version(db)
    return True


def chose_language(db: Db, person_id: str) -> bool:
    """Whether the person chose their language with /language (not only the directory's)."""
    row = db.execute("SELECT language_chosen_at FROM people WHERE id = ?", [person_id]).fetchone()
    return row is not None and bool(row[0])


def set_language(db: Db, person_id: str, language: str, at: str) -> bool:
    """Store the language a person chose; a later import or bot.toml sync keeps it (as it
    keeps a revocation). False if the person is unknown."""
    cursor = db.execute(
        "UPDATE people SET language = ?, language_chosen_at = ? WHERE id = ?",
        [language, at, person_id],
    )
    if not cursor.rowcount:
        return False
    bump_version(db)
    return True


def load_directory(db: Db) -> Directory:
    """Read the whole directory from the database."""
    countries = [
        Country(code=r[0], name=r[1], timezone=r[2])
        for r in db.execute("SELECT code, name, timezone FROM countries ORDER BY code")
    ]
    identities: dict[str, dict[str, str]] = {}
    unreachable: set[tuple[str, str]] = set()
    for channel, user_id, person_id, dead_since in db.execute(
        "SELECT channel, user_id, person_id, unreachable_since FROM identities"
    ):
        identities.setdefault(person_id, {})[channel] = user_id
        if dead_since:
            unreachable.add((channel, user_id))
    people = [
        Person.model_validate(  # stored identities load as they are (see Person's STORED)
            {
                "id": r[0],
                "name": r[1],
                "country": r[2],
                "roles": tuple(json.loads(r[3])),
                "language": r[4],
                "language_given": bool(r[7]),
                "preferred_channel": r[5],
                "active": bool(r[6]),
                "identities": identities.get(r[0], {}),
            },
            context={STORED: True},
        )
        for r in db.execute(
            "SELECT id, name, country, roles, language, preferred_channel, active, "
            "language_given FROM people ORDER BY id"
        )
    ]
    return Directory.build(countries, people, frozenset(unreachable))


def mark_unreachable(db: Db, channel: str, user_id: str, stamp: str, reason: str) -> bool:
    """Note that ``channel``/``user_id`` reaches its person no more (they blocked the bot, the
    chat is gone); False when it was noted already. Until they write from it again
    (:func:`mark_reachable`) or an import or bot.toml states the identity anew, the router
    passes over it."""
    cursor = db.execute(
        "UPDATE identities SET unreachable_since = ?, unreachable_reason = ? "
        "WHERE channel = ? AND user_id = ? AND unreachable_since IS NULL",
        [stamp, reason[:200], channel, user_id],
    )
    if cursor.rowcount:
        bump_version(db)
    return bool(cursor.rowcount)


def mark_reachable(db: Db, channel: str, user_id: str) -> None:
    """The person wrote from ``channel``/``user_id``: it reaches them again."""
    db.execute(
        "UPDATE identities SET unreachable_since = NULL, unreachable_reason = NULL "
        "WHERE channel = ? AND user_id = ?",
        [channel, user_id],
    )
    bump_version(db)


def directory_version(db: Db) -> int:
    """A counter bumped on every directory change, so a running bot knows to reload."""
    row = db.execute("SELECT value FROM meta WHERE key = 'directory_version'").fetchone()
    return int(row[0]) if row else 0


def revoked_holder(db: Db, channel: str, user_id: str) -> str | None:
    """The revoked person whose identity ``channel``/``user_id`` was (None if nobody's): a
    revoked person who writes is no stranger to the administrators. Identities are kept only
    as digests: revocation drops the identifiers themselves."""
    if channel == CONSOLE:  # the console's identity is the person id itself
        row = db.execute(
            "SELECT id FROM people WHERE id = ? AND revoked_at IS NOT NULL", [user_id]
        ).fetchone()
    else:
        row = db.execute(
            "SELECT person_id FROM revoked_identities WHERE digest = ?",
            [_identity_digest(channel, user_id)],
        ).fetchone()
    return str(row[0]) if row else None


def _identity_digest(channel: str, user_id: str) -> str:
    return hashlib.sha256(f"{channel}\x00{user_id}".encode()).hexdigest()
