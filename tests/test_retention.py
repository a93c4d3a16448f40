"""Retention: old closed casework goes, aggregate figures and a verifiable audit chain stay."""

from datetime import timedelta

from bot.audit import chain as audit
from bot.audit import state as audit_state
from bot.audit.retention import purge
from bot.config import RetentionSettings
from bot.delivery import parts
from bot.ports import SentParts
from tests.harness import Harness

KEEP = RetentionSettings(
    closed_requests=timedelta(days=30),
    delivered_messages=timedelta(days=7),
    inbound_records=timedelta(days=7),
)


async def test_purge_removes_old_closed_requests_and_keeps_figures(bot: Harness) -> None:
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.say("th-fp", "/reply R-2026-0001 Passport genuine, holder Somchai X")
    await bot.say("au-officer", "/close R-2026-0001 done")
    await bot.say("au-officer", "/request MY routine Still open: vessel KM Jaya 7")
    await bot.advance(timedelta(days=31))
    assert bot.app is not None
    now = bot.clock.now()
    counted = await bot.app.store.run(lambda db: purge(db, now, KEEP, dry_run=True))
    assert counted.requests == 1
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(2,)]

    anchor = await bot.app.store.run(audit.current_anchor)  # a head kept before the purge
    done = await bot.app.store.run(lambda db: purge(db, now, KEEP))
    assert done.requests == 1 and done.messages > 0 and done.inbound > 0
    assert await bot.rows("SELECT id FROM requests") == [("R-2026-0002",)]
    remaining = " ".join(r[0] for r in await bot.rows("SELECT text FROM request_messages"))
    assert "Somchai" not in remaining and "N1234567" not in remaining
    copies = await bot.rows("SELECT COUNT(*) FROM outbox WHERE text LIKE '%Somchai%'")
    assert copies == [(0,)]
    aggregates = await bot.rows(
        "SELECT from_country, to_country, category, urgency, count FROM request_aggregates"
    )
    assert aggregates == [("AU", "TH", "information", "urgent", 1)]
    assert await bot.app.store.run(audit.verify) == []
    assert await bot.app.store.run(lambda db: audit.check_anchor(db, anchor)) is None
    assert await bot.app.store.run(audit_state.problems) == []
    assert (await bot.rows("SELECT action FROM audit ORDER BY id DESC LIMIT 1")) == [
        ("retention.purged",)
    ]


async def test_the_ids_of_a_purged_messages_parts_go_with_it(bot: Harness) -> None:
    """A message sent in parts (on Telegram) keeps its earlier parts' ids beside it: they go
    when it goes, the request's or a delivered message past its keeping time."""
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.say("au-officer", "/request MY routine Still open: vessel KM Jaya 7")
    assert bot.app is not None
    sent = await bot.rows("SELECT id FROM outbox WHERE subject IS NOT NULL")

    def in_parts(db):  # type: ignore[no-untyped-def]
        for (outbox_id,) in sent:
            parts.record(db, outbox_id, SentParts([f"{outbox_id}01", f"{outbox_id}02"]))

    await bot.app.store.run(in_parts)
    assert await bot.rows("SELECT COUNT(*) FROM outbox_parts") == [(len(sent),)]
    await bot.say("au-officer", "/close R-2026-0001 done")
    await bot.advance(timedelta(days=31))
    now = bot.clock.now()
    await bot.app.store.run(lambda db: purge(db, now, KEEP))
    assert await bot.rows("SELECT COUNT(*) FROM outbox_parts") == [(0,)]


async def test_open_and_recent_requests_are_kept(bot: Harness) -> None:
    await bot.say("au-officer", "/request TH urgent Check passport N1234567")
    await bot.say("au-officer", "/close R-2026-0001 done")
    await bot.advance(timedelta(days=10))
    assert bot.app is not None
    now = bot.clock.now()
    done = await bot.app.store.run(lambda db: purge(db, now, KEEP))
    assert done.requests == 0
    assert await bot.rows("SELECT COUNT(*) FROM requests") == [(1,)]


def test_purge_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from bot.cli import main
    from tests.harness import SHIPPED_CONFIG, created_database

    base = ["--config", str(SHIPPED_CONFIG), "--database", created_database(tmp_path / "bot.db")]
    dry = CliRunner().invoke(main, ["purge", "--dry-run", *base])
    assert dry.exit_code == 0 and dry.output.startswith("Would remove 0 closed requests")
    real = CliRunner().invoke(main, ["purge", *base])
    assert real.exit_code == 0 and real.output.startswith("Removed 0 closed requests")
