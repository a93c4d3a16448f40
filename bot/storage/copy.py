"""Move a deployment from its SQLite file to PostgreSQL with nothing lost.

Both databases are first brought to the same schema by the same migrations. Every table is
then streamed with PostgreSQL's COPY inside one transaction, so the copy is all or nothing;
the auto-numbered keys continue after the copied ids. Afterwards every table's row count is
compared and the audit chain is verified on the copy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bot.storage.postgres import PostgresStore
from bot.storage.sql import PostgresDb

BATCH = 1000


class CopyError(RuntimeError):
    """The copy cannot be made or did not verify; the message says what is wrong."""


@dataclass
class CopyReport:
    """What was copied: rows per table, and what verification found."""

    rows: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0


async def copy_sqlite_to_postgres(
    source: str,
    target: str,
    verify_audit: Callable[[Any], list[Any]],
    password: str | None = None,
) -> CopyReport:
    """Copy every table of the SQLite file ``source`` into the empty PostgreSQL ``target``.

    A target that holds data is refused before either database is migrated: the source is
    left as it was (an older FocalPoint can still open it), and so is the target."""
    from bot.storage import open_store

    checked = open_store(target, password)  # a PostgresStore: reads say a refusal its way
    assert isinstance(checked, PostgresStore)
    await asyncio.to_thread(checked.read, _refuse_filled_target)
    for url in (source, target):  # the same migrations bring both to the same schema
        store = open_store(url, password)
        await store.open()
        await store.close()
    return await asyncio.to_thread(_copy, source, target, verify_audit, password)


def _copy(
    source: str, target: str, verify_audit: Callable[[Any], list[Any]], password: str | None
) -> CopyReport:
    from bot.storage.sqlite import connect

    lite = connect(source)
    try:
        tables = [name for name in lite.table_names() if not name.startswith("sqlite_")]
        with (
            psycopg.connect(target, password=password)
            if password
            else psycopg.connect(target) as pg
        ):
            _refuse_non_empty(pg, tables)
            report = CopyReport()
            with pg.transaction():
                for table in tables:
                    report.rows[table] = _copy_table(lite.conn, pg, table)
                    _continue_numbering(pg, table)
            _verify(lite.conn, pg, report)
            breaks = verify_audit(PostgresDb(pg))
            if breaks:
                raise CopyError(f"the audit chain does not verify on the copy: {breaks[0]}")
            report.audit_rows = report.rows.get("audit", 0)
            return report
    finally:
        lite.close()


def _refuse_filled_target(pg: psycopg.Connection[Any]) -> None:
    """Refuse a target with rows in any table (whatever its schema), reading only."""
    tables = [
        row[0]
        for row in pg.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    ]
    _refuse_non_empty(pg, tables)


def _refuse_non_empty(pg: psycopg.Connection[Any], tables: list[str]) -> None:
    for table in tables:
        if table == "meta":
            continue  # holds the schema version the migrations just wrote
        if pg.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:  # type: ignore[index]
            raise CopyError(
                f"the target database already holds data (table {table}); "
                "copy into an empty database"
            )


def _copy_table(lite: Any, pg: psycopg.Connection[Any], table: str) -> int:
    columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in columns)
    if table == "meta":
        pg.execute("DELETE FROM meta")
    count = 0
    cursor = lite.execute(f'SELECT {names} FROM "{table}"')
    with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                copy.write_row(row)
            count += len(rows)
    return count


def _continue_numbering(pg: psycopg.Connection[Any], table: str) -> None:
    """Identity columns must go on after the highest copied id, not start again at 1."""
    found = pg.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND is_identity = 'YES'",
        [table],
    ).fetchall()
    for (column,) in found:
        pg.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
            [table, column],
        )


def _verify(lite: Any, pg: psycopg.Connection[Any], report: CopyReport) -> None:
    for table, copied in report.rows.items():
        source = lite.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        target = pg.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
        if not source == copied == target:
            raise CopyError(f"{table}: {source} rows in the source, {target} in the copy")
