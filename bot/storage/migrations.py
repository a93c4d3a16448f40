"""Schema versions: the same versioned migrations on both engines.

Each migration is SQL written once, in the words both engines share; the few that differ in
DDL (an auto-numbered key, 64-bit integers) are rewritten for PostgreSQL by
:func:`postgres_ddl`. A migration runs once, in order, inside one transaction. Replicas that
start together migrate one at a time (the PostgreSQL store holds :data:`MIGRATION_LOCK`).
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from sqlite_utils import Database

from bot.errors import BotError
from bot.storage.sql import Cursor, PostgresDb, SqliteDb

log = logging.getLogger(__name__)
MIGRATION_LOCK = 0x466F63616C  # any fixed number, the same on every replica

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL, timezone TEXT NOT NULL);
CREATE TABLE people (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, roles TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en', preferred_channel TEXT NOT NULL DEFAULT 'console',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE identities (
    channel TEXT NOT NULL, user_id TEXT NOT NULL, person_id TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE INDEX identities_person ON identities (person_id);
CREATE TABLE inbound (event_key TEXT PRIMARY KEY, received_at TEXT NOT NULL);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY, channel TEXT NOT NULL, address TEXT NOT NULL, person_id TEXT,
    text TEXT NOT NULL, buttons TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0, not_before TEXT, created_at TEXT NOT NULL,
    sent_at TEXT, platform_id TEXT, error TEXT, subject TEXT
);
CREATE INDEX outbox_pending ON outbox (status) WHERE status = 'queued';
CREATE TABLE requests (
    id TEXT PRIMARY KEY, year INTEGER NOT NULL, seq INTEGER NOT NULL,
    requester_id TEXT NOT NULL, requester_country TEXT NOT NULL, target_country TEXT NOT NULL,
    target_person TEXT, category TEXT NOT NULL, urgency TEXT NOT NULL, status TEXT NOT NULL,
    text TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    ack_due_at TEXT, round INTEGER NOT NULL DEFAULT 1, escalation INTEGER NOT NULL DEFAULT 0,
    acknowledged_by TEXT, acknowledged_at TEXT, closed_at TEXT, outcome TEXT,
    UNIQUE (year, seq)
);
CREATE INDEX requests_target ON requests (target_country, status);
CREATE INDEX requests_requester ON requests (requester_id);
CREATE TABLE request_parties (
    request_id TEXT NOT NULL, country TEXT NOT NULL DEFAULT '', person_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, country, person_id)
);
CREATE INDEX request_parties_country ON request_parties (country);
CREATE INDEX request_parties_person ON request_parties (person_id);
CREATE TABLE request_messages (
    id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, at TEXT NOT NULL, author_id TEXT,
    kind TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request_id);
CREATE TABLE timers (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, due_at TEXT NOT NULL,
    created_at TEXT NOT NULL, fired_at TEXT
);
CREATE INDEX timers_pending ON timers (due_at) WHERE fired_at IS NULL;
CREATE TABLE strangers (
    sender TEXT PRIMARY KEY, last_alert_at TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
"""


SCHEMA_V2 = """
CREATE TABLE periods (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,
    status TEXT NOT NULL, source TEXT NOT NULL, metrics TEXT NOT NULL, created_at TEXT NOT NULL,
    opened_by TEXT, opened_at TEXT, closed_by TEXT, closed_at TEXT
);
CREATE TABLE period_countries (
    period TEXT NOT NULL, country TEXT NOT NULL, PRIMARY KEY (period, country)
);
CREATE TABLE period_windows (
    period TEXT NOT NULL, seq INTEGER NOT NULL, label TEXT NOT NULL, starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL, due_on TEXT NOT NULL, PRIMARY KEY (period, seq)
);
CREATE TABLE period_drafts (
    person_id TEXT PRIMARY KEY, fields TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE returns (
    id INTEGER PRIMARY KEY, period TEXT NOT NULL, window_seq INTEGER NOT NULL,
    country TEXT NOT NULL, version INTEGER NOT NULL, late INTEGER NOT NULL DEFAULT 0,
    submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL, amended_by TEXT, amended_at TEXT,
    UNIQUE (period, window_seq, country)
);
CREATE TABLE return_values (
    return_id INTEGER NOT NULL, metric TEXT NOT NULL, amount INTEGER,
    currency TEXT NOT NULL DEFAULT '', text TEXT, PRIMARY KEY (return_id, metric)
);
CREATE TABLE return_value_history (
    id INTEGER PRIMARY KEY, return_id INTEGER NOT NULL, version INTEGER NOT NULL,
    metric TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL, old TEXT, new TEXT
);
CREATE INDEX return_value_history_return ON return_value_history (return_id);
CREATE TABLE return_drafts (
    period TEXT NOT NULL, window_seq INTEGER NOT NULL, country TEXT NOT NULL,
    person_id TEXT NOT NULL, step INTEGER NOT NULL DEFAULT 0, guided INTEGER NOT NULL DEFAULT 0,
    answers TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (period, window_seq, country)
);
CREATE INDEX return_drafts_person ON return_drafts (person_id);
CREATE TABLE return_reminders (
    period TEXT NOT NULL, window_seq INTEGER NOT NULL, due_on TEXT NOT NULL,
    target TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, sent_at TEXT NOT NULL,
    notified INTEGER NOT NULL, PRIMARY KEY (period, window_seq, due_on, target, kind, n)
);
CREATE TABLE broadcasts (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, period TEXT, author_id TEXT NOT NULL,
    text TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE broadcast_recipients (
    broadcast_id TEXT NOT NULL, person_id TEXT NOT NULL, outbox_id INTEGER,
    acknowledged_at TEXT, PRIMARY KEY (broadcast_id, person_id)
);
"""


SCHEMA_V3 = """
ALTER TABLE people ADD COLUMN revoked_at TEXT;
ALTER TABLE outbox ADD COLUMN origin_id TEXT;
ALTER TABLE outbox ADD COLUMN fallback_of INTEGER;
CREATE INDEX audit_actor_action ON audit (actor, action, at);
CREATE INDEX outbox_subject ON outbox (subject);
CREATE TABLE request_aggregates (
    month TEXT NOT NULL, from_country TEXT NOT NULL, to_country TEXT NOT NULL,
    category TEXT NOT NULL, urgency TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (month, from_country, to_country, category, urgency)
);
"""


SCHEMA_V4 = """
CREATE TABLE replicas (
    id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
CREATE TABLE lanes (
    channel TEXT NOT NULL, address TEXT NOT NULL, owner TEXT NOT NULL, until TEXT NOT NULL,
    PRIMARY KEY (channel, address)
);
"""

SCHEMA_V5 = """
ALTER TABLE outbox ADD COLUMN attachment TEXT;
"""

SCHEMA_V6 = """
CREATE TABLE roster_confirmations (
    person_id TEXT PRIMARY KEY, confirmed_at TEXT, asked_at TEXT, lapsed_at TEXT
);
"""

SCHEMA_V7 = """
ALTER TABLE return_values ADD COLUMN joint_op TEXT;
ALTER TABLE return_values ADD COLUMN joint_partner TEXT;
CREATE TABLE joint_resolutions (
    period TEXT NOT NULL, op TEXT NOT NULL, metric TEXT NOT NULL, amount INTEGER NOT NULL,
    resolved_by TEXT NOT NULL, resolved_at TEXT NOT NULL, PRIMARY KEY (period, op, metric)
);
CREATE TABLE period_signoff (
    period TEXT PRIMARY KEY, set_by TEXT NOT NULL, set_at TEXT NOT NULL
);
ALTER TABLE returns ADD COLUMN awaiting_signoff INTEGER NOT NULL DEFAULT 0;
ALTER TABLE returns ADD COLUMN signed_off_by TEXT;
ALTER TABLE returns ADD COLUMN signed_off_at TEXT;
"""

SCHEMA_V8 = """
ALTER TABLE people ADD COLUMN language_chosen_at TEXT;
"""

SCHEMA_V9 = """
CREATE TABLE request_files (
    request_id TEXT NOT NULL, n INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    mime TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, sender_id TEXT NOT NULL,
    created_at TEXT NOT NULL, PRIMARY KEY (request_id, n), UNIQUE (request_id, sha256)
);
CREATE INDEX request_files_sha256 ON request_files (sha256);
CREATE TABLE pending_files (
    person_id TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, received_at TEXT NOT NULL,
    PRIMARY KEY (person_id, sha256)
);
"""

SCHEMA_V10 = """
CREATE TABLE inbound_v10 (event_key TEXT PRIMARY KEY, received_at TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO inbound_v10 (event_key, received_at) SELECT event_key, received_at FROM inbound;
DROP TABLE inbound;
ALTER TABLE inbound_v10 RENAME TO inbound;
DROP INDEX outbox_subject;
CREATE INDEX outbox_subject ON outbox (subject) WHERE subject IS NOT NULL;
"""

SCHEMA_V11 = """
CREATE TABLE broadcast_drafts (
    author_id TEXT NOT NULL, n INTEGER NOT NULL, period TEXT NOT NULL, text TEXT NOT NULL,
    created_at TEXT NOT NULL, status TEXT NOT NULL, broadcast_id TEXT,
    PRIMARY KEY (author_id, n)
);
CREATE UNIQUE INDEX broadcast_drafts_pending ON broadcast_drafts (author_id)
    WHERE status = 'pending';
"""

SCHEMA_V12 = """
CREATE TABLE revoked_identities (
    digest TEXT PRIMARY KEY, person_id TEXT NOT NULL, revoked_at TEXT NOT NULL
);
CREATE INDEX revoked_identities_person ON revoked_identities (person_id);
"""

SCHEMA_V13 = """
ALTER TABLE outbox ADD COLUMN source TEXT;
ALTER TABLE outbox ADD COLUMN source_language TEXT;
"""

SCHEMA_V14 = """
ALTER TABLE identities ADD COLUMN unreachable_since TEXT;
ALTER TABLE identities ADD COLUMN unreachable_reason TEXT;
"""

SCHEMA_V15 = """
CREATE TABLE return_counted (
    return_id INTEGER NOT NULL, metric TEXT NOT NULL, amount INTEGER,
    currency TEXT NOT NULL DEFAULT '', text TEXT, joint_op TEXT, joint_partner TEXT,
    PRIMARY KEY (return_id, metric)
);
"""

SCHEMA_V16 = """
ALTER TABLE outbox ADD COLUMN follow_up TEXT;
CREATE INDEX outbox_owed ON outbox (channel, address) WHERE follow_up = 'owed';
"""

SCHEMA_V17 = """
ALTER TABLE return_drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE return_drafts ADD COLUMN changed_by TEXT;
CREATE TABLE return_draft_changes (
    period TEXT NOT NULL, window_seq INTEGER NOT NULL, country TEXT NOT NULL,
    revision INTEGER NOT NULL, metric TEXT NOT NULL, old TEXT, new TEXT,
    changed_by TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (period, window_seq, country, revision, metric)
);
"""

SCHEMA_V18 = """
CREATE TABLE awake (person_id TEXT PRIMARY KEY, until TEXT NOT NULL) WITHOUT ROWID;
"""

SCHEMA_V19 = """
ALTER TABLE outbox ADD COLUMN fell_back_at TEXT;
"""

SCHEMA_V20 = """
ALTER TABLE people ADD COLUMN source TEXT NOT NULL DEFAULT 'import';
UPDATE people SET source = 'bot.toml'
    WHERE 'configured:person:' || id IN (SELECT key FROM meta WHERE key LIKE 'configured:person:%')
"""

SCHEMA_V21 = """
CREATE INDEX outbox_platform_id ON outbox (platform_id)
    WHERE subject IS NOT NULL AND platform_id IS NOT NULL;
"""

SCHEMA_V22 = """
CREATE TABLE outbox_parts (
    outbox_id INTEGER NOT NULL, platform_id TEXT NOT NULL, PRIMARY KEY (outbox_id, platform_id)
);
CREATE INDEX outbox_parts_platform_id ON outbox_parts (platform_id);
"""

SCHEMA_V23 = """
ALTER TABLE people ADD COLUMN language_given INTEGER NOT NULL DEFAULT 0;
DELETE FROM meta WHERE key = 'configured:languages-given';
"""

SCHEMA_V24 = """
CREATE INDEX IF NOT EXISTS outbox_buttons_by_person ON outbox (person_id, id)
    WHERE buttons != '[]' AND subject IS NOT NULL;
"""

SCHEMA_V25 = """
CREATE TABLE replays (replay_key TEXT PRIMARY KEY, taken_at TEXT NOT NULL) WITHOUT ROWID;
"""

SCHEMA_V26 = """
ALTER TABLE outbox ADD COLUMN parts_sent TEXT;
"""

MIGRATIONS: tuple[str, ...] = (
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V3,
    SCHEMA_V4,
    SCHEMA_V5,
    SCHEMA_V6,
    SCHEMA_V7,
    SCHEMA_V8,
    SCHEMA_V9,
    SCHEMA_V10,
    SCHEMA_V11,
    SCHEMA_V12,
    SCHEMA_V13,
    SCHEMA_V14,
    SCHEMA_V15,
    SCHEMA_V16,
    SCHEMA_V17,
    SCHEMA_V18,
    SCHEMA_V19,
    SCHEMA_V20,
    SCHEMA_V21,
    SCHEMA_V22,
    SCHEMA_V23,
    SCHEMA_V24,
    SCHEMA_V25,
    SCHEMA_V26,
)
"""V1 the core; V2 periods, returns with history, drafts, reminders, broadcasts; V3 revocation
that a bot.toml sync cannot undo, message origin and fallbacks, the rate-limit index and the
aggregates kept when old requests are purged; V4 several replicas: who is alive, which replica
delivers which chat; V5 a file sent with a message (``attachment``: path, name, type as JSON);
V6 roster reconfirmation: when each focal point and deputy last confirmed their role; V7 joint
outcomes (an operation reference and partner country on a figure, co-chairs' resolutions) and
national sign-off (periods that need it, returns awaiting their focal point's approval); V8 a
language a person chose in chat (``/language``), which a bot.toml sync or import keeps; V9
files on requests (``request_files``: which encrypted blob, by content hash, and who sent it;
``pending_files``: a file sent without a command, waiting for "attach to R-…"); V10 fewer
pages written per event on SQLite: the de-duplication records keyed by their key alone
(``WITHOUT ROWID``: one b-tree, not a table and an index) and only messages about a subject
in the subject index (most replies have none); V11 a co-chair's broadcast previewed and
awaiting Send (``broadcast_drafts``: numbered per co-chair, one pending at a time; a sent,
cancelled or replaced one keeps its state, not its text, so a second press answers truly);
V12 whose identities were revoked (``revoked_identities``: a digest of each channel identity a
revocation dropped, and whose it was), so that administrators learn a revoked person wrote
rather than "someone not in the directory"; V13 what a message held for its reader's quiet hours
says, before rendering (``source``: bot.i18n.stored's JSON of the text and its buttons'
labels), and the language it was rendered in (``source_language``), so that it goes in the
language they read when it is released; V14 an identity that reaches its person no more
(``unreachable_since``, ``unreachable_reason``: the platform said they blocked the bot or the
chat is gone), passed over by the router until they write from it again; V15 the figures of
a signed-off return kept aside while its amendment awaits national sign-off
(``return_counted``), so that the approved figures go on counting until the new ones are
approved; V16 a message that went out only in part (``follow_up``: ``owed`` until its reader
writes, ``due`` while the whole of it is queued again, ``done`` once sent, ``lapsed`` when
the address is someone else's by then), found through an
index of the owed ones alone, so that looking on each message someone writes costs one probe
of a tiny index; V17 which state of a shared draft return a Confirm was shown
(``return_drafts.revision``, numbered per return and never reused, and ``changed_by``, who
changed its figures last) and who changed which figure in each revision
(``return_draft_changes``), so that a Confirm submits only the figures its presser saw; V18
who wrote during their quiet hours, and until when they count as awake (``awake``), so that
what comes for them meanwhile is not held for their morning; V19 when a message that failed
for good fell back (``fell_back_at``: its next channel tried and its sender told), claimed
once, so that a message retried and failing again, or seen failing by two replicas, is not
rerouted and told of twice; V20 where each person came from
(``people.source``: ``bot.toml``, or ``import`` for a directory import and anyone else), so
that a person taken out of bot.toml is deactivated at the next start and nobody else is;
those bot.toml had fingerprinted by then count as its own; V21 an index of sent messages about
a request by the id their platform gave them (only those: a ping's "sent" mark pays nothing),
so that a platform's own reply to one of them (a Telegram reply) finds the request it was
about without reading every message kept; V22 the ids of the earlier parts of such a message
sent as several (``outbox_parts``; Telegram cuts at 4,096 characters, and the outbox row keeps
the last part's id), so that a reply to any part finds the request too; V23 whether a person's
language was written down in bot.toml or an import (``people.language_given``), so that one
set to the bot's own language on purpose is not taken for one never set and replaced by their
app's language; V24 an index of the messages with buttons about a request or broadcast by
person (only those: a ping pays nothing), so that a button's label typed after later
messages finds the message it was on; V25 the replay keys of messages taken lately
(``replays``: a digest of the sender, the command and its files, with when it was taken), so
that a copy of a mail sent again under a new Message-ID is dropped on every replica and after
a restart, not only by the process that took the first; V26 the parts that went of a message sent as
several whose send failed part-way (``outbox.parts_sent``: their platform ids, as JSON), so
that its retry sends the rest only, after a restart or on another replica too."""


class _Executes(Protocol):
    def execute(self, sql: str, params: list[str] | tuple[()] = ()) -> Cursor: ...


_DDL_REWRITES = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\s+WITHOUT ROWID\b"), ""),  # SQLite's storage choice; PostgreSQL has no rowid
)


def postgres_ddl(statement: str) -> str:
    """One DDL statement in PostgreSQL's words."""
    for pattern, replacement in _DDL_REWRITES:
        statement = pattern.sub(replacement, statement)
    return statement


def _statements(script: str) -> list[str]:
    return [statement for statement in script.split(";") if statement.strip()]


def version_in(db: _Executes, tables: list[str]) -> int:
    """The schema version recorded in a database whose tables are ``tables`` (0: none), on
    any connection that executes SQL (``focalbot check`` reads it on a plain sqlite3 one)."""
    if "meta" not in tables:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def record_version(db: _Executes, version: int) -> None:
    """Note in ``meta`` that the database is now at ``version``."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [str(version)],
    )


def _refuse_newer(current: int) -> None:
    if current > len(MIGRATIONS):
        raise SchemaTooNew(
            f"database schema {current} is newer than this FocalPoint ({len(MIGRATIONS)}); "
            "upgrade FocalPoint or use the database it was made for"
        )


class SchemaTooNew(BotError, RuntimeError):
    """The database was migrated by a newer FocalPoint."""


def schema_version(db: Database | PostgresDb | SqliteDb) -> int:
    """The version the database is at (0 for an empty one)."""
    tables = db.table_names()
    return version_in(db, list(tables))


def _say_migrating(current: int) -> None:
    """Log an upgrade of an existing database (a new one is simply created): replicas of the
    older version cannot start on it afterwards, so the operator should see when it happened."""
    if 0 < current < len(MIGRATIONS):
        log.warning("migrating the database schema from %d to %d", current, len(MIGRATIONS))


def migrate(db: Database) -> int:
    """Bring a SQLite database to the newest schema; return the version reached."""
    current = schema_version(db)
    _refuse_newer(current)
    _say_migrating(current)
    for version in range(current + 1, len(MIGRATIONS) + 1):
        with db.atomic():
            for statement in _statements(MIGRATIONS[version - 1]):
                db.execute(statement)
            record_version(db, version)
    return len(MIGRATIONS)


def migrate_postgres(db: PostgresDb) -> int:
    """Bring a PostgreSQL database to the newest schema (the caller holds MIGRATION_LOCK)."""
    current = schema_version(db)
    _refuse_newer(current)
    _say_migrating(current)
    for version in range(current + 1, len(MIGRATIONS) + 1):
        for statement in _statements(MIGRATIONS[version - 1]):
            db.execute(postgres_ddl(statement))
        record_version(db, version)
    return len(MIGRATIONS)
