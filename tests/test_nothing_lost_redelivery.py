"""Redelivery: the same Telegram update and the same Slack event, three times each, one effect.

Platforms deliver again whatever they are not sure the bot took: Telegram re-posts a webhook
update that got no 200 (and re-serves an unconfirmed one to ``getUpdates``), Slack retries an
event up to three times with ``X-Slack-Retry-Num``. Here every delivery is made three times
at once: an officer files a request on Telegram, Thailand's focal point acknowledges it with
the Telegram button, then answers from Slack. Each step must happen exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from bot.config import Settings
from tests.fake_slack import SIGNING_SECRET, TEAM, FakeSlack, SlackSide
from tests.fake_telegram import TOKEN, FakeTelegram, free_port
from tests.harness import Harness, shipped_settings

OFFICER, FOCAL, FOCAL_ON_SLACK = 300020, 100041, "U0THFP01"
RID = "R-2026-0001"
TIMES = 3


@dataclass
class Both:
    """The bot with Telegram (webhook mode) and Slack, and both fakes."""

    bot: Harness
    telegram: FakeTelegram
    slack_api: FakeSlack
    slack: SlackSide
    slack_adapter: SlackAdapter

    async def settle(self) -> None:
        """Every listener has handed over its event and every message is out."""
        await self.slack_adapter.drain()
        await self.bot.settle()

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return await self.bot.rows(sql)


def settings() -> Settings:
    """The officer and Thailand's focal point prefer Telegram."""
    base = shipped_settings()
    people = tuple(
        p.model_copy(update={"preferred_channel": "telegram"})
        if p.id in ("au-officer", "th-fp")
        else p
        for p in base.people
    )
    return base.model_copy(update={"people": people})


def telegram_adapter(fake: FakeTelegram) -> TelegramAdapter:
    port = free_port()
    options = {
        "token_env": "TG",
        "base_url": fake.base_url,
        "mode": "webhook",
        "port": port,
        "webhook_url": f"http://127.0.0.1:{port}/telegram-hook",
        "webhook_secret_env": "TG_SECRET",
    }
    return TelegramAdapter.from_settings(options, {"TG": TOKEN, "TG_SECRET": "hook-secret"})


def slack_adapter(api: FakeSlack) -> SlackAdapter:
    options = {
        "token_env": "SB",
        "signing_secret_env": "SS",
        "base_url": api.base_url,
        "port": 0,
        "team_id": TEAM,
    }
    return SlackAdapter.from_settings(options, {"SB": "xoxb-test-token", "SS": SIGNING_SECRET})


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[Both]:
    telegram, slack_api = await FakeTelegram().start(), await FakeSlack().start()
    slack = slack_adapter(slack_api)
    bot = Harness(tmp_path / "bot.db", settings(), [telegram_adapter(telegram), slack])
    await bot.start()
    side = SlackSide(f"http://127.0.0.1:{slack.port}/slack/events")
    yield Both(bot, telegram, slack_api, side, slack)
    await bot.stop()
    await slack_api.stop()
    await telegram.stop()


async def thrice_on_telegram(both: Both, update: dict[str, Any]) -> None:
    """Telegram posts the same update three times at once; each is answered 200."""
    statuses = await asyncio.gather(*(both.telegram.deliver(update) for _ in range(TIMES)))
    assert statuses == [200] * TIMES


async def thrice_on_slack(both: Both, text: str, event_id: str) -> None:
    """Slack sends the same event, then its two retries, all at once; each is answered 200."""
    body = both.slack.event_body(both.slack.dm(FOCAL_ON_SLACK, text), event_id=event_id)
    retries = [
        {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
        for n in range(1, TIMES)
    ]
    replies = await asyncio.gather(
        *(both.slack.post(body, "application/json", headers=h) for h in [{}, *retries])
    )
    assert [r.status for r in replies] == [200] * TIMES


async def test_each_delivery_three_times_has_one_effect(both: Both) -> None:
    fake = both.telegram
    await thrice_on_telegram(both, fake.message(OFFICER, "/request TH routine Owner of KM Jaya"))
    routed = (await fake.wait_for_text(FOCAL, f"Request {RID}"))[0]
    pressable = next(m for m in fake.sent(FOCAL) if m["text"] == routed)
    await thrice_on_telegram(both, fake.press(FOCAL, pressable))
    await fake.wait_for_text(OFFICER, f"{RID} was acknowledged by")
    await thrice_on_slack(both, f"/reply {RID} The owner is Somchai", "Ev0THRICE1")
    await both.settle()

    assert await both.rows("SELECT COUNT(*) FROM requests") == [(1,)]
    kinds = await both.rows("SELECT kind FROM request_messages ORDER BY id")
    assert kinds == [("request",), ("ack",), ("reply",)]
    actions = await both.rows("SELECT action FROM audit WHERE action LIKE 'request.%' ORDER BY id")
    assert actions == [("request.filed",), ("request.acknowledged",), ("request.reply",)]
    assert len(await both.rows("SELECT event_key FROM inbound")) == 3
    officer, focal = fake.texts(OFFICER), fake.texts(FOCAL)
    assert len(officer) == 3 and len(focal) == 2
    assert f"Request {RID} sent to Thailand" in officer[0] and "Owner of KM Jaya" in focal[0]
    assert f"{RID} was acknowledged by" in officer[1] and f"You acknowledged {RID}" in focal[1]
    assert "The owner is Somchai" in officer[2]
    assert both.slack_api.texts_to(FOCAL_ON_SLACK) == [f"Sent on {RID}."]
