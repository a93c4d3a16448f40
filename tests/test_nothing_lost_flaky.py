"""Flaky platforms: Telegram and Slack fail about 30% of calls, and nothing is lost.

The real core runs with the real Telegram and Slack adapters (their HTTP clients waiting one
second) against fakes that answer a seeded 30% of the traffic calls (Telegram's sendMessage
and getUpdates, Slack's chat.postMessage; start-up calls are spared) with a 5xx, a hang past
the client's timeout, a late answer after the client gave up, a slow answer, or a 429 with
``retry_after``. Seven officers on Telegram ping the bot and
file a request each to focal points on Slack, who ping the bot with the slash command.

Afterwards every message is delivered, each chat received its messages in the order the core
queued them, and after every 429 the bot sent nothing to that platform until ``retry_after``
had passed (checked from the fakes' own clocks). Waits only bound a hung test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.slack import SlackAdapter
from adapters.slack_convert import escape_mrkdwn
from bot.config import Settings
from tests.fake_slack import SIGNING_SECRET, TEAM, SlackSide
from tests.fake_telegram import TOKEN
from tests.flaky_platforms import (
    CLIENT_TIMEOUT,
    KINDS,
    Faults,
    FlakySlack,
    FlakyTelegram,
    QuickTelegram,
    waits_broken,
)
from tests.harness import Harness, shipped_settings

SEED = 30
PATIENCE = 60.0
IN_FLIGHT = 0.25  # s after a 429 in which sends already on their way may still arrive (on a
# loaded machine the bot learns of the 429 well after the server answered it: seen 0.12 s)
OFFICERS = [300020, 300025, 300028, 300033, 300037, 300040, 300043]
SLACK_FOCAL = {
    "AF": "U0AFFP01",
    "BD": "U0BDFP01",
    "IN": "U0INFP01",
    "MV": "U0MVFP01",
    "MM": "U0MMFP01",
    "PK": "U0PKFP01",
    "AE": "U0AEFP01",
}
PINGS = 3
# PTB 22 warns from inside RetryAfter's constructor on every 429; not ours to change.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)


@dataclass
class Flaky:
    """The running bot and both unreliable platforms."""

    bot: Harness
    telegram: FlakyTelegram
    slack_api: FlakySlack
    slack: SlackSide


def settings() -> Settings:
    """Officers prefer Telegram; the focal points of SLACK_FOCAL's countries prefer Slack."""
    base = shipped_settings()
    slack_ids = set(SLACK_FOCAL.values())

    def preferring(person):  # type: ignore[no-untyped-def]
        if person.identities.get("slack") in slack_ids:
            return person.model_copy(update={"preferred_channel": "slack"})
        if int(person.identities.get("telegram", "0")) in OFFICERS:
            return person.model_copy(update={"preferred_channel": "telegram"})
        return person

    return base.model_copy(update={"people": tuple(preferring(p) for p in base.people)})


def adapters(telegram: FlakyTelegram, slack_api: FlakySlack) -> list:  # type: ignore[type-arg]
    """The real adapters pointed at the fakes."""
    tg = QuickTelegram.from_settings(
        {"token_env": "TG", "base_url": telegram.base_url, "poll_timeout": 1}, {"TG": TOKEN}
    )
    slack = SlackAdapter.from_settings(
        {
            "token_env": "SB",
            "signing_secret_env": "SS",
            "base_url": slack_api.base_url,
            "mode": "http",
            "host": "127.0.0.1",
            "port": 0,
            "team_id": TEAM,
        },
        {"SB": "xoxb-test-token", "SS": SIGNING_SECRET},
    )
    slack.client.timeout = CLIENT_TIMEOUT  # type: ignore[assignment]
    return [tg, slack]


@pytest.fixture
async def flaky(tmp_path: Path) -> AsyncIterator[Flaky]:
    telegram = await FlakyTelegram(
        Faults(SEED, methods=frozenset({"sendMessage", "getUpdates"}))
    ).start()
    slack_api = await FlakySlack(Faults(SEED + 1, methods=frozenset({"chat.postMessage"}))).start()
    tg, slack = adapters(telegram, slack_api)
    bot = Harness(tmp_path / "bot.db", settings(), extra_adapters=[tg, slack])
    await bot.start()
    yield Flaky(bot, telegram, slack_api, SlackSide(f"http://127.0.0.1:{slack.port}/slack/events"))
    await bot.stop()
    await slack_api.stop()
    await telegram.stop()


async def traffic(flaky: Flaky) -> None:
    """Officers ping and file requests on Telegram; focal points ping with /focal on Slack."""
    targets = list(SLACK_FOCAL)
    for i, officer in enumerate(OFFICERS):
        for k in range(1, PINGS + 1):
            flaky.telegram.message(officer, f"/ping {officer}-{k}")
        flaky.telegram.message(officer, f"/request {targets[i]} routine flaky case {officer}")
    for user in SLACK_FOCAL.values():
        for k in range(1, PINGS + 1):
            assert (await flaky.slack.command(user, f"ping {user}-{k}")).status == 200


def everything_arrived(flaky: Flaky) -> bool:
    """Whether every chat has seen all it is owed (at least once)."""
    telegram_done = all(
        len({t for t in flaky.telegram.texts(o) if t.startswith(("pong", "Request"))}) == PINGS + 1
        for o in OFFICERS
    )
    slack_done = all(
        len({t for c, t in flaky.slack_api.accepted if c == user}) == PINGS + 1
        for user in SLACK_FOCAL.values()
    )
    return telegram_done and slack_done


async def test_every_message_arrives_in_order_and_429_waits_are_kept(flaky: Flaky) -> None:
    await traffic(flaky)
    await flaky.telegram.wait_for(lambda: everything_arrived(flaky), PATIENCE)
    await flaky.bot.settle()

    rows = await flaky.bot.rows("SELECT channel, address, text, status FROM outbox ORDER BY id")
    assert {status for *_, status in rows} == {"sent"}
    for (channel, address), owed in by_chat(rows).items():
        assert first_copies(delivered(flaky, channel, address)) == owed, (channel, address)
    assert waits_broken(flaky.telegram.timeline, IN_FLIGHT) == []
    assert waits_broken(flaky.slack_api.timeline, IN_FLIGHT) == []
    for faults in (flaky.telegram.faults, flaky.slack_api.faults):
        assert set(faults.counts) == set(KINDS)  # every kind of trouble really happened
    report(flaky, rows)


def by_chat(rows: list[tuple]) -> dict[tuple[str, str], list[str]]:
    """Platform messages owed per (channel, address), in the order the core queued them."""
    owed: dict[tuple[str, str], list[str]] = {}
    for channel, address, text, _ in rows:
        if channel == "slack":
            owed.setdefault((channel, address), []).append(escape_mrkdwn(text))
        elif channel == "telegram":
            owed.setdefault((channel, address), []).append(text)
    return owed


def delivered(flaky: Flaky, channel: str, address: str) -> list[str]:
    """What the platform accepted for one chat, in arrival order (copies included)."""
    if channel == "telegram":
        return flaky.telegram.texts(int(address))
    return [t for c, t in flaky.slack_api.accepted if c == address]


def first_copies(texts: list[str]) -> list[str]:
    """``texts`` without repeats: a message whose answer was lost arrives again on retry."""
    return list(dict.fromkeys(texts))


def report(flaky: Flaky, rows: list[tuple]) -> None:
    """Figures for the closing note (shown with ``pytest -s``)."""
    copies = len(flaky.telegram.sent()) + len(flaky.slack_api.accepted)
    owed = sum(1 for channel, *_ in rows if channel in ("telegram", "slack"))
    limited = sum(c.status == 429 for c in flaky.telegram.timeline + flaky.slack_api.timeline)
    print(
        f"\nflaky platforms: {owed} messages owed, lost 0, duplicates {copies - owed} "
        f"(answers lost after delivery), 429s {limited}; "
        f"faults telegram {flaky.telegram.faults.counts}, slack {flaky.slack_api.faults.counts}"
    )
