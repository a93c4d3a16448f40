"""Schema versions. Each migration runs once, in order, inside one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

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


def _v1(db: Database) -> None:
    for statement in SCHEMA_V1.split(";"):
        if statement.strip():
            db.execute(statement)


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


def _v2(db: Database) -> None:
    """Periods of action, returns with history, drafts, reminders sent, broadcasts."""
    for statement in SCHEMA_V2.split(";"):
        if statement.strip():
            db.execute(statement)


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


def _v3(db: Database) -> None:
    """Revocation that a bot.toml sync cannot undo, message origin and fallbacks, rate-limit
    index, and the aggregate figures kept when old requests are purged."""
    for statement in SCHEMA_V3.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3]
"""Append new migrations; never edit one that has shipped."""


def schema_version(db: Database) -> int:
    """The version the database is at (0 for an empty file)."""
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: Database) -> int:
    """Bring the database to the newest schema; return the version reached."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"database schema {current} is newer than this FocalPoint ({len(MIGRATIONS)})"
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            record_version(db, version)
    return len(MIGRATIONS)


def record_version(db: Database, version: int) -> None:
    """Note in ``meta`` that the database is now at ``version``."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [str(version)],
    )
