"""Restarts: timers fire once (not twice, not never); queued messages go out after a restart.

These use the real APScheduler timer, not the manual one, with short time limits.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory import MemoryAdapter
from bot.app import App
from bot.clock import parse_iso
from bot.config import RequestSettings
from bot.errors import TransientError
from bot.factory import build_app
from bot.ports import Adapter
from reminders.scheduler import APSchedulerTimers
from tests.harness import eventually, shipped_settings

FAST = shipped_settings(
    requests=RequestSettings(
        ack_limits={"urgent": timedelta(seconds=0.6), "routine": timedelta(hours=24)}
    )
)


def real_app(db: str, chat: Adapter) -> App:
    return build_app(FAST, [chat], APSchedulerTimers(), db)


async def escalations(app: App) -> int:
    rows = await app.store.run(
        lambda db: list(db.execute("SELECT COUNT(*) FROM audit WHERE action = 'request.escalated'"))
    )
    return rows[0][0]


async def pending_due(app: App) -> datetime:
    """When the one pending timer is due."""
    rows = await app.store.run(
        lambda db: list(db.execute("SELECT due_at FROM timers WHERE fired_at IS NULL"))
    )
    assert len(rows) == 1, rows
    return parse_iso(rows[0][0])


async def test_timer_pending_at_stop_fires_once_after_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "bot.db")
    chat = MemoryAdapter("console")
    app = real_app(db, chat)
    await app.start()
    await chat.say("au-officer", "/request TH urgent Check passport N1234567")
    due = await pending_due(app)
    await app.stop()  # the escalation timer is pending and the bot is down when it is due
    await eventually(lambda: datetime.now(UTC) >= due, what="the escalation is due")

    chat = MemoryAdapter("console")
    app = real_app(db, chat)
    await app.start()  # due while down: fires at once
    await eventually(lambda: chat.to("th-deputy"), what="the escalation to the deputy")
    await app.idle()
    assert len(chat.to("th-deputy")) == 1
    assert await escalations(app) == 1
    await app.stop()

    chat = MemoryAdapter("console")
    app = real_app(db, chat)
    await app.start()  # the second-level timer (co-chairs) is armed now; restart again
    await eventually(lambda: chat.to("nz-cochair"), what="the escalation to the co-chairs")
    await app.idle()
    assert len(chat.to("nz-cochair")) == 1
    assert chat.to("th-deputy") == []  # the first escalation is not repeated
    assert await escalations(app) == 2
    await app.stop()


async def test_firing_the_same_timer_twice_has_one_effect(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chat = MemoryAdapter("console")
    app = real_app(str(tmp_path / "bot.db"), chat)
    await app.start()
    await chat.say("au-officer", "/request TH urgent Check passport N1234567")
    [(timer_id,)] = await app.store.run(lambda db: list(db.execute("SELECT id FROM timers")))
    await asyncio.gather(app.fire_timer(timer_id), app.fire_timer(timer_id))
    await app.idle()
    assert await escalations(app) == 1
    await app.stop()


class Unreachable(MemoryAdapter):
    """A channel that is down: sends never complete."""

    async def send(self, message):  # type: ignore[no-untyped-def]
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_messages_queued_at_a_crash_are_sent_after_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "bot.db")
    down = Unreachable("console")
    app = real_app(db, down)
    await app.start()
    await down.say("au-officer", "/request TH routine Vessel KM Jaya 7")
    owed = await app.store.run(
        lambda db: list(db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'queued'"))
    )
    assert owed == [(2,)]  # the routed request and the confirmation, persisted before sending
    await app.outbox.close()
    await app.store.close()  # as good as a crash: nothing was marked sent

    chat = MemoryAdapter("console")
    app = real_app(db, chat)
    await app.start()
    await app.idle()
    assert "Vessel KM Jaya 7" in chat.to("th-fp")[0]
    assert "sent to Thailand" in chat.to("au-officer")[0]
    statuses = await app.store.run(lambda db: list(db.execute("SELECT status FROM outbox")))
    assert statuses == [("sent",), ("sent",)]
    await app.stop()


class FlakyStart(MemoryAdapter):
    """A channel whose platform is unreachable for the first two starts."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel)
        self.tries = 0

    async def start(self, sink):  # type: ignore[no-untyped-def]
        self.tries += 1
        if self.tries <= 2:
            raise TransientError("cannot reach the platform")
        await super().start(sink)


@pytest.mark.expects_errors  # the unreachable channel is logged as an error on purpose
async def test_unreachable_channel_does_not_stop_the_others(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.app import App

    chat, flaky = MemoryAdapter("console"), FlakyStart("telegram")
    app: App = build_app(FAST, [chat, flaky], APSchedulerTimers(), str(tmp_path / "bot.db"))
    app.adapter_retry = 0.01
    await app.start()
    await chat.say("au-officer", "/ping")
    await app.idle()
    assert chat.to("au-officer") == ["pong"]
    await eventually(lambda: flaky.tries >= 3, what="the third start")
    assert flaky.tries == 3 and flaky._sink is not None
    await app.stop()
