"""The audit head anchored outside the database: a cut-back chain fails verification."""

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from bot.config import AuditSettings
from tests.harness import SHIPPED_CONFIG, Harness, execute_on, shipped_settings
from tests.returns_support import move_to
from tests.test_audit import filled_database

EVENING = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)


async def cli(db: str | Path, *args: str) -> Result:
    """The CLI on ``db`` (a SQLite path or a PostgreSQL URL); it runs its own event loop, so
    it runs in a thread here."""
    base = ["--config", str(SHIPPED_CONFIG), "--database", str(db)]
    return await asyncio.to_thread(CliRunner().invoke, main, [*args, *base])


def tamper(db: str | Path, *statements: str) -> None:
    for sql in statements:
        execute_on(db, sql)


async def anchored(tmp_path: Path) -> tuple[str, str]:
    """A database with some history, and its head as `audit anchor` prints it."""
    db = await filled_database(tmp_path)
    printed = await cli(db, "audit", "anchor")
    assert printed.exit_code == 0, printed.output
    assert re.match(
        r"focalpoint audit head seq=\d+ hash=[0-9a-f]{64} at=\S+ taken=", printed.output
    )
    match = re.search(r"--anchor (\d+:[0-9a-f]{64})", printed.output)
    assert match, printed.output
    return db, match[1]


async def test_the_printed_anchor_holds_on_an_untouched_log(tmp_path: Path) -> None:
    db, anchor = await anchored(tmp_path)
    result = await cli(db, "audit", "verify", "--anchor", anchor)
    assert result.exit_code == 0 and "1 anchor held" in result.output


async def test_the_same_head_given_twice_is_one_anchor(tmp_path: Path) -> None:
    """The operator kept `audit anchor`'s output in a file, twice over (taken twice with no
    change between), and gives its SEQ:HASH too: verify counts, and names, that head once."""
    db, anchor = await anchored(tmp_path)
    kept = tmp_path / "kept.anchors"
    printed = [(await cli(db, "audit", "anchor")).output for _twice in range(2)]
    kept.write_text("".join(printed), encoding="utf-8")
    result = await cli(db, "audit", "verify", "--anchor", str(kept), "--anchor", anchor)
    assert result.exit_code == 0 and "1 anchor held" in result.output, result.output
    seq = int(anchor.split(":")[0])
    tamper(db, f"DELETE FROM audit WHERE id >= {seq}", "DELETE FROM meta WHERE key = 'audit_head'")
    result = await cli(db, "audit", "verify", "--anchor", str(kept), "--anchor", anchor)
    assert result.output.count(f"anchor {seq}:") == 1 and "(1 problem)" in result.output


async def test_truncated_tail_with_the_head_deleted_fails_against_the_anchor(
    tmp_path: Path,
) -> None:
    db, anchor = await anchored(tmp_path)
    seq = int(anchor.split(":")[0])
    tamper(  # the last event row only: a request's state row cut away is named anyway
        db,
        f"DELETE FROM audit WHERE id >= {seq}",
        "DELETE FROM meta WHERE key = 'audit_head'",
    )
    assert (await cli(db, "audit", "verify")).exit_code == 0  # the chain alone cannot tell
    result = await cli(db, "audit", "verify", "--anchor", anchor)
    assert result.exit_code == 1
    assert (
        f"the log ends at row {seq - 1}, before the anchored row {seq}: rows up to the anchor "
        "were deleted"
    ) in result.output


async def test_truncated_tail_with_a_rewritten_head_fails_against_the_anchor(
    tmp_path: Path,
) -> None:
    db, anchor = await anchored(tmp_path)
    seq = int(anchor.split(":")[0])
    tamper(
        db,
        f"DELETE FROM audit WHERE id >= {seq}",
        "UPDATE meta SET value = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) "
        "WHERE key = 'audit_head'",
    )
    assert (await cli(db, "audit", "verify")).exit_code == 0
    result = await cli(db, "audit", "verify", "--anchor", anchor)
    assert result.exit_code == 1 and f"before the anchored row {seq}" in result.output


async def test_a_rechained_tail_fails_against_the_anchor(tmp_path: Path) -> None:
    """Rows cut back, then new ones appended by the bot: the anchored row number now holds
    another row."""
    db, anchor = await anchored(tmp_path)
    seq = int(anchor.split(":")[0])
    tamper(  # the last event row only: a request's state row cut away is named anyway
        db,
        f"DELETE FROM audit WHERE id >= {seq}",
        "UPDATE meta SET value = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) "
        "WHERE key = 'audit_head'",
    )
    bot = await Harness(tmp_path / "bot.db").start()  # the same database again
    await bot.say("au-officer", "/request TH routine Vessel KM Jaya 7")
    await bot.say("th-fp", "/ack R-2026-0002")
    await bot.stop()
    assert (await cli(db, "audit", "verify")).exit_code == 0
    result = await cli(db, "audit", "verify", "--anchor", anchor)
    assert result.exit_code == 1
    # SQLite reuses the row number for a new row; PostgreSQL's sequence moves past it
    reused = f"row {seq} has hash" in result.output
    assert reused or f"row {seq} is missing though the log goes on" in result.output
    assert "cut back or rewritten" in result.output


async def test_a_wrong_anchor_argument_is_refused_clearly(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    result = await cli(db, "audit", "verify", "--anchor", "12:not-a-hash")
    assert result.exit_code == 2
    assert "holds no anchor; give SEQ:HASH" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n")
    result = await cli(db, "audit", "verify", "--anchor", str(empty))
    assert result.exit_code == 2 and f"the file {empty} holds no anchor" in result.output


async def test_a_broken_chain_is_not_anchored(tmp_path: Path) -> None:
    db = await filled_database(tmp_path)
    tamper(db, "UPDATE audit SET actor = 'x' WHERE id = 3")
    result = await cli(db, "audit", "anchor")
    assert result.exit_code == 1 and "does not verify" in result.output
    assert "focalpoint audit head" not in result.output


def anchor_lines(db: Path) -> list[str]:
    path = Path(f"{db}.audit-anchors")
    return path.read_text().splitlines() if path.exists() else []


async def test_the_bot_anchors_daily_once_across_restarts_and_at_every_stop(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.db"
    daily = AuditSettings(anchor_daily=True, anchor_to_cochairs=True)
    bot = Harness(db, shipped_settings(audit=daily))
    move_to(bot, EVENING)
    await bot.start()
    assert bot.timers.scheduled == {"audit.anchor:2027-01-21": datetime(2027, 1, 21, tzinfo=UTC)}
    assert await bot.advance(timedelta(hours=11)) == 0 and anchor_lines(db) == []

    assert await bot.advance(timedelta(hours=1)) == 1  # midnight UTC
    [line] = anchor_lines(db)
    [(seq, digest)] = await bot.rows("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
    assert f"seq={seq} hash={digest}" in line and "taken=2027-01-21T00:00" in line
    assert f"hash={digest}" in bot.last("nz-cochair") and f"hash={digest}" in bot.last("lk-cochair")
    assert "audit.anchor:2027-01-22" in bot.timers.scheduled

    assert "is revoked" in (await bot.say("admin", "/revoke th-officer"))[0]  # a new head
    await bot.restart()  # the stop appends the head; the start arms nothing new
    assert len(anchor_lines(db)) == 2 and await bot.advance(timedelta(0)) == 0
    assert await bot.rows("SELECT COUNT(*) FROM timers WHERE kind = 'audit.anchor'") == [(2,)]
    assert await bot.advance(timedelta(days=1)) == 1
    await bot.stop()
    assert len(anchor_lines(db)) == 4

    result = await cli(bot.database, "audit", "verify", "--anchor", f"{db}.audit-anchors")
    heads = {line.split(" at=")[0] for line in anchor_lines(db)}
    assert len(heads) == 2  # the restart's stop, the next midnight and the stop: one head
    assert result.exit_code == 0 and "2 anchors held" in result.output
    tamper(
        bot.database,
        f"DELETE FROM audit WHERE id >= {seq}",
        "DELETE FROM meta WHERE key = 'audit_head'",
    )
    result = await cli(bot.database, "audit", "verify", "--anchor", f"{db}.audit-anchors")
    assert result.exit_code == 1 and f"before the anchored row {seq}" in result.output


async def test_the_anchor_file_can_be_placed_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "other" / "anchors.txt"
    elsewhere.parent.mkdir()
    bot = Harness(
        tmp_path / "bot.db", shipped_settings(audit=AuditSettings(anchor_file=str(elsewhere)))
    )
    await bot.start()
    await bot.stop()
    assert elsewhere.read_text().startswith("focalpoint audit head seq=")
    assert anchor_lines(tmp_path / "bot.db") == []
