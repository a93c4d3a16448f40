"""Figures and people are bound into the audit chain: a direct UPDATE is named by verify."""

import asyncio
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bot.cli import main
from tests.harness import SHIPPED_CONFIG, Harness, database_for, execute_on
from tests.returns_support import running


async def cli(db: Path, *args: str) -> Result:
    """The CLI on the database ``db`` stands for; it runs its own event loop, so it runs in a
    thread here."""
    base = ["--config", str(SHIPPED_CONFIG), "--database", database_for(db)]
    return await asyncio.to_thread(CliRunner().invoke, main, [*args, *base])


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    return execute_on(database_for(db), sql, params or [])


def tamper(db: Path, sql: str, params: list[object] | None = None) -> None:
    """What someone with write access to the database does, bypassing the bot."""
    execute_on(database_for(db), sql, params or [])


async def submitted_return(tmp_path: Path) -> Path:
    """Thailand's JPA-9 W1 return, submitted then amended by chat."""
    bot = await running(tmp_path)
    await bot.say("th-fp", "/return arrests 10, victims assisted 6, search warrants: 5")
    assert "is submitted" in (await bot.say("th-fp", "/return confirm"))[0]
    await bot.say("th-fp", "/return arrests 12")
    assert "is amended" in (await bot.say("th-fp", "/return confirm"))[0]
    await bot.stop()
    return tmp_path / "bot.db"


async def test_submitted_and_amended_figures_are_bound_without_the_figures(
    tmp_path: Path,
) -> None:
    db = await submitted_return(tmp_path)
    rows = query(
        db, "SELECT actor, subject, detail FROM audit WHERE action = 'return.figures' ORDER BY id"
    )
    assert [(actor, subject) for actor, subject, _ in rows] == [("th-fp", "JPA-9/1/TH")] * 2
    first, amended = (json.loads(detail) for _, _, detail in rows)
    assert first["version"] == 1 and amended["version"] == 2 and amended["late"] is False
    assert sorted(amended["figures"]) == ["arrests", "search_warrants", "victims_assisted"]
    assert amended["figures"]["arrests"] != first["figures"]["arrests"]
    assert amended["figures"]["victims_assisted"] == first["figures"]["victims_assisted"]
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 0, result.output


async def test_a_figure_updated_behind_the_bots_back_is_named(tmp_path: Path) -> None:
    db = await submitted_return(tmp_path)
    tamper(db, "UPDATE return_values SET amount = 40 WHERE metric = 'arrests'")
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert (
        "return of TH for JPA-9 window W1, arrests: the stored figure differs from the audited one"
        in result.output
    )
    bot = await running(tmp_path)  # the report would show 40: verify is what tells
    assert await bot.rows("SELECT amount FROM return_values WHERE metric = 'arrests'") == [(40,)]
    await bot.stop()


async def test_deleted_figures_and_a_forged_return_are_named(tmp_path: Path) -> None:
    db = await submitted_return(tmp_path)
    tamper(db, "DELETE FROM return_values WHERE metric = 'victims_assisted'")
    tamper(db, "UPDATE returns SET late = 1")
    tamper(
        db,
        "INSERT INTO returns (period, window_seq, country, version, late, submitted_by, "
        "submitted_at) VALUES ('JPA-9', 1, 'MY', 1, 0, 'my-fp', '2027-01-21T00:00:00Z')",
    )
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert "window W1, victims_assisted: the figure was deleted without an audit row" in (
        result.output
    )
    assert "return of TH for JPA-9 window W1: its late differs" in result.output
    assert "return of MY for JPA-9 window W1: stored without an audit row" in result.output


async def test_directory_import_audits_a_role_change_and_verify_catches_a_direct_one(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.db"
    await (await Harness(db).start()).stop()
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,country,roles,preferred_channel,identity:telegram\n"
        "th-officer,Somsak Example,TH,officer;deputy_focal_point,console,\n"
        "th-new,Pim Example,TH,officer,telegram,555001\n"
    )
    assert (await cli(db, "directory", "import", str(people))).exit_code == 0
    rows = query(
        db,
        "SELECT actor, action, subject, detail FROM audit WHERE subject IN "
        "('th-officer', 'th-new') ORDER BY id",
    )
    changed = [(a, act, s) for a, act, s, _ in rows][-2:]
    assert changed == [("cli", "person.changed", "th-officer"), ("cli", "person.added", "th-new")]
    state = json.loads(rows[-2][3])
    assert state["roles"] == ["deputy_focal_point", "officer"] and state["country"] == "TH"
    assert "555001" not in rows[-1][3] and "Pim" not in rows[-1][3]
    again = await cli(db, "directory", "import", str(people))
    assert again.exit_code == 0
    assert len(query(db, "SELECT id FROM audit WHERE subject = 'th-new'")) == 1  # no change
    assert (await cli(db, "audit", "verify")).exit_code == 0

    tamper(db, "UPDATE people SET roles = '[\"officer\", \"admin\"]' WHERE id = 'th-officer'")
    tamper(
        db,
        "INSERT INTO identities (channel, user_id, person_id) VALUES ('telegram', '999', 'th-new')",
    )
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert "person th-officer: roles differ from the audited ones" in result.output
    assert "person th-new: identities differ from the audited ones" in result.output


async def test_people_added_or_removed_behind_the_bots_back_are_named(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await (await Harness(db).start()).stop()
    tamper(db, "DELETE FROM people WHERE id = 'my-fp'")
    tamper(
        db,
        "INSERT INTO people (id, name, country, roles, language, preferred_channel, active) "
        "VALUES ('ghost', 'G', 'TH', '[\"admin\"]', 'en', 'console', 1)",
    )
    result = await cli(db, "audit", "verify")
    assert result.exit_code == 1
    assert "person ghost: stored without an audit row" in result.output
    assert "person my-fp: removed without an audit row" in result.output


async def test_revoke_and_reinstate_bind_the_new_state(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await (await Harness(db).start()).stop()
    assert (await cli(db, "directory", "revoke", "my-fp")).exit_code == 0
    assert (await cli(db, "directory", "reinstate", "my-fp")).exit_code == 0
    rows = query(db, "SELECT actor, action, detail FROM audit WHERE subject = 'my-fp' ORDER BY id")
    assert [(a, act) for a, act, _ in rows] == [
        ("system", "person.added"),
        ("cli", "person.revoked"),
        ("cli", "person.reinstated"),
    ]
    assert json.loads(rows[1][2])["revoked"] is True
    assert (await cli(db, "audit", "verify")).exit_code == 0
    tamper(db, "UPDATE people SET revoked_at = 'x', active = 0 WHERE id = 'my-fp'")
    result = await cli(db, "audit", "verify")
    assert "person my-fp: revoked differs from the audited one" in result.output


async def test_baseline_binds_only_what_was_never_bound(tmp_path: Path) -> None:
    db = await submitted_return(tmp_path)
    tamper(  # a return stored by a version from before figures were audited
        db,
        "INSERT INTO returns (period, window_seq, country, version, late, submitted_by, "
        "submitted_at) VALUES ('JPA-9', 1, 'MY', 1, 0, 'my-fp', '2027-01-21T00:00:00Z')",
    )
    tamper(db, "UPDATE return_values SET amount = 40 WHERE metric = 'arrests'")
    bound = await cli(db, "audit", "baseline")
    assert bound.exit_code == 0
    assert "bound 1 return, 0 people and 0 requests into the audit log" in bound.output
    result = await cli(db, "audit", "verify")
    assert "MY for JPA-9" not in result.output  # bound now
    assert "TH for JPA-9 window W1, arrests: the stored figure differs" in result.output


async def test_a_revocation_from_the_command_line_withdraws_what_still_waits_for_them(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.db"
    await (await Harness(db).start()).stop()
    query(  # a page held for my-fp's morning, as the bot leaves it in the outbox
        db,
        "INSERT INTO outbox (channel, address, person_id, text, created_at, not_before) "
        "VALUES ('console', 'my-fp', 'my-fp', 'Request R-1: casework', "
        "'2026-11-03T22:00:00+00:00', '2026-11-03T23:00:00+00:00')",
    )
    assert (await cli(db, "directory", "revoke", "my-fp")).exit_code == 0
    assert query(db, "SELECT status, error FROM outbox WHERE person_id = 'my-fp'") == [
        ("withdrawn", "revoked")
    ]
