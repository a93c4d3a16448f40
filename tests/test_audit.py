"""The audit log is tamper-evident: `focalbot audit verify` names an edited or deleted row."""

import asyncio
from pathlib import Path

from click.testing import CliRunner

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
    assert rows == people + 4  # one person.added each, then filed, acknowledged, reply, closed
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
    execute_on(db, "DELETE FROM audit WHERE id >= ?", [ack_row(db)])
    result = await verify(db)
    assert result.exit_code == 1 and "rows at the end of the log were deleted" in result.output


async def test_free_text_stays_out_of_the_audit_log(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    details = " ".join(r[0] for r in execute_on(db, "SELECT detail FROM audit"))
    assert "N1234567" not in details and "Genuine" not in details and "Thanks" not in details
    # the directory's rows: ids and roles, no names
    names = [r[0] for r in execute_on(db, "SELECT name FROM people")]
    user_ids = [r[0] for r in execute_on(db, "SELECT user_id FROM identities")]
    assert names and not [n for n in names if n in details]
    assert user_ids and not [u for u in user_ids if f'"{u}"' in details]
