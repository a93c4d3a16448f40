"""W4: one message to each of 1,000 focal points on Telegram, against Telegram's limits.

The fake Bot API server (``tests/fake_telegram.py``) runs in its own process and enforces
about 30 messages a second overall and one a second per chat, answering 429 with
``retry_after`` beyond that. The bot is the real app with the real Telegram adapter
(python-telegram-bot over HTTP), a directory of 1,000 focal points in 50 countries generated in
memory and an open period of action covering them. A co-chair sends ``/broadcast`` (as a
Telegram message handed to the core) and, once its preview has arrived, ``/broadcast send``;
the core commits one outbox row per focal point plus the co-chair's confirmation, and the
outbox delivers them. Reported: time from the Send to
the last delivery against the floor (1,001 messages / 30 per second = 33.4 s), the achieved
rate, 429s received, whether every chat got exactly one message, CPU per message and peak RSS
of the bot process.

    .venv/bin/python bench/w4_telegram_broadcast.py [--people N] [--runs 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from itertools import product
from string import ascii_uppercase

from common import ROOT, NoTimers, cpu_seconds, main, peak_rss_mib, temp_db

from adapters.telegram import TelegramAdapter
from adapters.telegram_convert import CHANNEL
from bot.config import Country, Person, Settings
from bot.events import ChatRef, Sender, TextMessage
from bot.factory import build_app
from bot.periods.configured import PeriodConfig
from tests.fake_telegram import TOKEN, free_port

OVERALL_LIMIT = 30.0  # what the fake enforces, messages per second
COUNTRIES = 50
FIRST_USER_ID = 5_000_000
COCHAIR_USER_ID = 4_000_001


def directory(people: int) -> Settings:
    """``people`` focal points on Telegram in ``COUNTRIES`` countries, a co-chair, a period."""
    codes = ["".join(pair) for pair in product(ascii_uppercase, repeat=2)][:COUNTRIES]
    countries = tuple(Country(code=c, name=f"Country {c}", timezone="UTC") for c in codes)
    focal_points = tuple(
        Person(
            id=f"fp-{i:04d}",
            name=f"Focal Point {i}",
            country=codes[i % COUNTRIES],
            roles=("focal_point",),
            preferred_channel="telegram",
            identities={"telegram": str(FIRST_USER_ID + i)},
        )
        for i in range(people)
    )
    cochair = Person(
        id="cochair",
        name="Co Chair",
        country=codes[0],
        roles=("co_chair",),
        preferred_channel="telegram",
        identities={"telegram": str(COCHAIR_USER_ID)},
    )
    today = datetime.now(UTC).date()
    period = PeriodConfig(
        code="JPA-W4",
        name="Benchmark period",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=80),
        countries=tuple(codes),
    )
    return Settings(countries=countries, people=(*focal_points, cochair), periods=(period,))


def cochair_says(event_id: str, text: str) -> TextMessage:
    """A line from the co-chair as it arrives from Telegram."""
    chat = ChatRef(CHANNEL, str(COCHAIR_USER_ID), True)
    return TextMessage(event_id, Sender(CHANNEL, str(COCHAIR_USER_ID)), chat, text)


def start_fake() -> tuple[subprocess.Popen[str], int]:
    """The fake Bot API in its own process, so its work is not counted as the bot's."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_telegram", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready"):
        raise RuntimeError(f"fake Telegram did not start: {line!r}")
    return process, port


def fake_stats(port: int) -> dict[str, float]:
    """What the fake accepted and refused."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_fake/stats", timeout=10) as answer:
        return json.loads(answer.read())


async def run(args: argparse.Namespace) -> dict[str, float]:
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    fake, port = start_fake()
    try:
        return await measure(args.people, port)
    finally:
        fake.terminate()
        fake.wait(timeout=10)


async def measure(people: int, port: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    options = {"token_env": "T", "base_url": f"{base}/bot", "base_file_url": f"{base}/file/bot"}
    adapter = TelegramAdapter.from_settings(options, {"T": TOKEN})
    app = build_app(directory(people), [adapter], NoTimers(), temp_db())
    await app.start()
    # the preview comes first and is not timed: the broadcast goes when the co-chair sends it
    await app.submit(cochair_says("w4-1", "/broadcast Operation briefing at 09:00 UTC; confirm."))
    await app.outbox.drained()
    await app.idle()  # nothing else is owed before the broadcast
    before = await asyncio.to_thread(fake_stats, port)
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    await app.submit(cochair_says("w4-2", "/broadcast send"))
    await app.outbox.drained()
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    sent = await app.store.run(
        lambda db: db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    )
    await app.stop()
    stats = await asyncio.to_thread(fake_stats, port)
    messages = people + 1  # every focal point, and the co-chair's confirmation
    floor = messages / OVERALL_LIMIT
    # each focal point once; the co-chair twice in all: the preview, then the confirmation
    accepted = stats["accepted"] - before["accepted"]
    exactly_once = stats["chats"] == messages and stats["max_per_chat"] == 2
    exactly_once = exactly_once and accepted == messages
    return {
        "messages": messages,
        "seconds_to_last_delivery": wall,
        "floor_seconds": floor,
        "over_floor_pct": (wall / floor - 1) * 100,
        "achieved_messages_per_s": messages / wall,
        "fake_first_to_last_s": stats["last_at"] - stats["first_at"],
        "responses_429": stats["rejected_429"],
        "accepted_by_telegram": accepted,
        "outbox_rows_sent": sent,
        "exactly_once": 1.0 if exactly_once and sent == messages + 1 else 0.0,
        "cpu_us_per_message": cpu / messages * 1e6,
        "peak_rss_mib": peak_rss_mib(),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=1000)


if __name__ == "__main__":
    main("W4 Telegram broadcast", run, options)
