"""Requests are bound into the audit chain: a request's status, target or answering person
changed directly in the database is named by ``focalbot audit verify``; the bot's own changes
(file, acknowledge, answer, refer, escalate, close, hand over, purge) leave it clean."""

import json
from datetime import timedelta
from pathlib import Path

from bot.audit import state as audit_state
from bot.audit.retention import purge
from bot.config import RetentionSettings
from tests.harness import Harness
from tests.test_audit_state import cli, query, tamper
from tests.test_roster import open_work_of_every_kind, started

FIRST, SECOND = "R-2026-0001", "R-2026-0002"
KEEP = RetentionSettings(
    closed_requests=timedelta(days=30),
    delivered_messages=timedelta(days=7),
    inbound_records=timedelta(days=7),
)


def states(db: Path, request_id: str) -> list[dict[str, object]]:
    """The request's state rows, oldest first."""
    rows = query(
        db,
        "SELECT detail FROM audit WHERE action IN (?, ?, ?) AND subject = ? ORDER BY id",
        [*audit_state.REQUEST_STATES, request_id],
    )
    return [json.loads(detail) for (detail,) in rows]


async def acknowledged_request(tmp_path: Path) -> Path:
    """AU's urgent request to TH, acknowledged by th-fp."""
    bot = await Harness(tmp_path / "bot.db").start()
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.say("th-fp", f"/ack {FIRST}")
    await bot.stop()
    return tmp_path / "bot.db"


async def test_every_step_of_a_request_is_bound_and_verifies(tmp_path: Path) -> None:
    bot = await Harness(tmp_path / "bot.db").start()
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    assert await bot.advance(timedelta(minutes=31)) == 1  # escalated to the deputy
    await bot.say("th-fp", f"/refer {FIRST} th-officer Please take this one")
    await bot.say("th-officer", f"/ack {FIRST}")
    await bot.say("th-officer", f"/reply {FIRST} Genuine, holder Somchai X")
    await bot.say("au-officer", f"/close {FIRST} Thanks, case closed")
    await bot.stop()
    db = tmp_path / "bot.db"

    bound = states(db, FIRST)
    steps = [
        (s["status"], s["escalation"], s["target_person"], s["acknowledged_by"]) for s in bound
    ]
    assert steps == [
        ("open", 0, None, None),
        ("open", 1, None, None),  # resend: no other channel here, so at once the deputy
        ("open", 2, None, None),
        ("referred", 0, "th-officer", None),
        ("acknowledged", 0, "th-officer", "th-officer"),
        ("answered", 0, "th-officer", "th-officer"),
        ("closed", 0, "th-officer", "th-officer"),
    ]
    assert bound[0]["requester_id"] == "au-officer" and bound[0]["target_country"] == "TH"
    assert bound[-1]["category"] == "information" and bound[-1]["urgency"] == "urgent"
    assert bound[-1]["closed_at"] and bound[-1]["outcome"] != bound[0]["outcome"]
    details = " ".join(r[0] for r in query(db, "SELECT detail FROM audit"))
    for secret in ("N1234567", "passport", "Somchai", "Thanks", "take this one"):
        assert secret not in details
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 0, result.output


async def test_a_status_target_or_answerer_changed_in_the_database_is_named(
    tmp_path: Path,
) -> None:
    db = await acknowledged_request(tmp_path)
    assert (await cli(db, "audit", "verify")).exit_code == 0
    tamper(db, "UPDATE requests SET status = 'closed' WHERE id = ?", [FIRST])
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert f"request {FIRST}: its status differs from the audited one" in result.output
    assert "1 problem" in result.output  # nothing else is claimed

    tamper(db, "UPDATE requests SET target_country = 'MY', acknowledged_by = 'my-fp'")
    tamper(db, "UPDATE requests SET text = 'Nothing to see'")
    result = await cli(db, "audit", "verify")
    for part in ("status", "target country", "acknowledging person", "text"):
        assert f"request {FIRST}: its {part} differs from the audited one" in result.output
    assert "Nothing to see" not in result.output


async def test_requests_forged_or_removed_in_the_database_are_named(tmp_path: Path) -> None:
    db = await acknowledged_request(tmp_path)
    tamper(db, "DELETE FROM requests WHERE id = ?", [FIRST])
    tamper(
        db,
        "INSERT INTO requests (id, year, seq, requester_id, requester_country, target_country, "
        "category, urgency, status, text, created_at, updated_at) VALUES (?, 2026, 2, "
        "'au-officer', 'AU', 'MY', 'other', 'routine', 'open', 'forged', 'x', 'x')",
        [SECOND],
    )
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert f"request {FIRST}: removed without an audit row" in result.output
    assert f"request {SECOND}: stored without an audit row" in result.output


async def test_only_what_a_purge_removed_may_be_gone(tmp_path: Path) -> None:
    """A purge binds each closed request it removed: those verify; a closed request deleted
    by hand beside them does not."""
    bot = await Harness(tmp_path / "bot.db").start()
    old = await bot.file_request("TH urgent Check passport N1234567")
    await bot.say("au-officer", f"/close {old} done")
    await bot.advance(timedelta(days=31))
    recent = await bot.file_request("MY routine Vessel KM Jaya 7")
    await bot.say("au-officer", f"/close {recent} done")
    assert bot.app is not None
    now = bot.clock.now()
    assert (await bot.app.store.run(lambda db: purge(db, now, KEEP))).requests == 1
    assert await bot.rows("SELECT id FROM requests") == [(recent,)]
    assert await bot.app.store.run(audit_state.problems) == []
    await bot.stop()

    tamper(tmp_path / "bot.db", "DELETE FROM requests WHERE id = ?", [recent])
    result = await cli(tmp_path / "bot.db", "audit", "verify")
    assert result.exit_code == 1
    assert f"request {recent}: removed without an audit row" in result.output
    assert old not in result.output


async def test_a_handover_binds_the_moved_requests(tmp_path: Path) -> None:
    bot = await started(tmp_path)
    acked, referred = await open_work_of_every_kind(bot)
    await bot.say("nz-cochair", "/handover th-fp th-fp2")
    assert bot.app is not None
    assert await bot.app.store.run(audit_state.problems) == []
    await bot.say("th-fp2", f"/reply {acked} No record found")
    await bot.say("au-officer", f"/close {acked} Thanks")
    await bot.stop()
    db = tmp_path / "bot.db"
    assert states(db, acked)[-1]["acknowledged_by"] == "th-fp2"
    assert states(db, referred)[-1]["target_person"] == "th-fp2"
    actors = query(
        db,
        "SELECT actor FROM audit WHERE action = ? AND subject = ? ORDER BY id",
        [audit_state.REQUEST_CHANGED, referred],
    )
    assert actors[-1] == ("nz-cochair",)  # who handed over
    assert (await cli(db, "audit", "verify")).exit_code == 0

    tamper(db, "UPDATE requests SET target_person = 'th-fp' WHERE id = ?", [referred])
    result = await cli(db, "audit", "verify")
    assert f"request {referred}: its target person differs from the audited one" in result.output


async def test_baseline_binds_requests_stored_before_they_were_audited(tmp_path: Path) -> None:
    db = await acknowledged_request(tmp_path)
    tamper(  # a request stored by a version from before requests were audited
        db,
        "INSERT INTO requests (id, year, seq, requester_id, requester_country, target_country, "
        "category, urgency, status, text, created_at, updated_at) VALUES (?, 2026, 2, "
        "'au-officer', 'AU', 'MY', 'other', 'routine', 'open', 'old', 'x', 'x')",
        [SECOND],
    )
    tamper(db, "UPDATE requests SET status = 'closed' WHERE id = ?", [FIRST])
    bound = await cli(db, "audit", "baseline")
    assert bound.exit_code == 0, bound.output
    assert "bound 0 returns, 0 people and 1 request into the audit log" in bound.output
    assert states(db, SECOND)[0]["status"] == "open"
    result = await cli(db, "audit", "verify")
    assert SECOND not in result.output  # bound now
    assert f"request {FIRST}: its status differs" in result.output  # not papered over
    again = await cli(db, "audit", "baseline")
    assert "0 requests" in again.output
