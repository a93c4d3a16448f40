"""The audit log is tamper-evident: `focalbot audit verify` names an edited or deleted row."""

import asyncio
from pathlib import Path

from click.testing import CliRunner

from bot.audit.chain import row_hash
from bot.cli import main
from tests.harness import SHIPPED_CONFIG, Harness, execute_on


async def filled_database(tmp_path: Path) -> str:
    bot = Harness(tmp_path / "bot.db")
    await bot.start()
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.say("th-fp", "/ack R-2026-0001")
    await bot.say("th-fp", "/reply R-2026-0001 Genuine")
    await bot.say("au-officer", "/close R-2026-0001 Thanks")
    await bot.stop()
    return bot.database


async def verify(db: str):  # type: ignore[no-untyped-def]
    """The CLI runs its own event loop, so it runs in a thread here."""
    return await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["audit", "verify", "--config", str(SHIPPED_CONFIG), "--database", db],
    )


def ack_row(db: str) -> int:
    """The id of the acknowledgement's audit row (the directory's rows come first)."""
    [(row,)] = execute_on(db, "SELECT id FROM audit WHERE action = 'request.acknowledged'")
    return int(row)


async def test_untouched_log_verifies(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    [(rows,)] = execute_on(db, "SELECT COUNT(*) FROM audit")
    [(people,)] = execute_on(db, "SELECT COUNT(*) FROM people")
    # one person.added each; filed, acknowledged, reply, closed, each after the request's state
    assert rows == people + 8
    result = await verify(db)
    assert result.exit_code == 0 and f"audit log OK: {rows} rows" in result.output


async def test_edited_row_is_named(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    row = ack_row(db)
    execute_on(db, "UPDATE audit SET actor = 'my-fp' WHERE id = ?", [row])
    result = await verify(db)
    assert result.exit_code == 1
    assert f"audit row {row}: its content was edited" in result.output


async def test_deleted_row_is_named(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    row = ack_row(db)
    execute_on(db, "DELETE FROM audit WHERE id = ?", [row])
    result = await verify(db)
    assert result.exit_code == 1
    assert f"audit row {row + 1}: the row before it was deleted or changed" in result.output


async def test_deleted_last_rows_are_noticed(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    row = ack_row(db)
    execute_on(db, "DELETE FROM audit WHERE id >= ?", [row])
    result = await verify(db)
    assert result.exit_code == 1
    assert (
        f"audit row {row - 1}: the newest row is not the head recorded with the last change: "
        "rows after it were deleted, or rows up to it were rewritten and chained anew"
    ) in result.output


async def test_a_rewritten_log_is_not_called_a_deleted_tail(tmp_path: Path) -> None:
    """Every row still there, one edited and the rest re-hashed after it: the database alone
    cannot tell this from a cut-back tail, so verify names both and claims neither."""
    db = await filled_database(tmp_path)
    rows = execute_on(db, "SELECT id, at, actor, action, subject, detail FROM audit ORDER BY id")
    before = len(rows)
    start = ack_row(db)
    [(prev,)] = execute_on(db, "SELECT hash FROM audit WHERE id = ?", [start - 1])
    for row_id, at, actor, action, subject, detail in rows:
        if row_id < start:
            continue
        actor = "my-fp" if row_id == start else actor
        digest = row_hash(prev, at, actor, action, subject, detail)
        execute_on(
            db,
            "UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [actor, prev, digest, row_id],
        )
        prev = digest
    result = await verify(db)
    assert result.exit_code == 1
    [last] = [line for line in result.output.splitlines() if line.startswith("audit row")]
    assert last.startswith(f"audit row {rows[-1][0]}: the newest row is not the head recorded")
    assert "rewritten and chained anew" in last and "at the end of the log" not in last
    assert execute_on(db, "SELECT COUNT(*) FROM audit") == [(before,)]  # nothing was deleted


async def test_free_text_stays_out_of_the_audit_log(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    details = " ".join(r[0] for r in execute_on(db, "SELECT detail FROM audit"))
    assert "N1234567" not in details and "Genuine" not in details and "Thanks" not in details
    # the directory's rows: ids and roles, no names
    names = [r[0] for r in execute_on(db, "SELECT name FROM people")]
    user_ids = [r[0] for r in execute_on(db, "SELECT user_id FROM identities")]
    assert names and not [n for n in names if n in details]
    assert user_ids and not [u for u in user_ids if f'"{u}"' in details]
