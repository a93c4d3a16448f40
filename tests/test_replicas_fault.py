"""Fault test: three replicas as separate processes on one PostgreSQL, two of them SIGKILLed.

Three ``focalbot run`` processes share one database. Telegram runs in webhook mode and Slack
over HTTP; every replica serves both on ports of its own, and :class:`Balancer` spreads the
platforms' calls over them as a load balancer would, trying the next replica when one fails
(a refused connection, a reset, a 5xx), as the platforms' own retries would. The directory has
300 focal points in 150 countries, half of them on Telegram, half on Slack.

Workload: a co-chair broadcasts to all 300 (over Slack); then 20 officers file 100 requests at
once (over Telegram). At seeded random moments one replica is killed, then another. Afterwards:

- lost 0: every request filed exists, every outbox message is final and reached its chat;
- effects duplicated 0: no request filed twice, the broadcast once, one audit chain;
- messages sent twice: counted; each must be one the killed replica held when it died and whose
  first copy arrived before the kill (sent, not yet marked sent: at-least-once);
- takeover: seconds from a kill until a survivor delivered all the work the dead one held.

A second test runs Telegram in polling mode and kills the replica holding the intake lease:
another resumes ``getUpdates`` within seconds. Figures are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import re
import string
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
import tomli_w

from tests.fake_slack import SIGNING_SECRET, FakeSlack, SlackSide, signature
from tests.fake_telegram import SECRET_HEADER, FakeTelegram, free_port
from tests.harness import SHIPPED_CONFIG
from tests.nothing_lost_support import BotProcess, cli, query, timeline

SEED = int(os.environ.get("REPLICAS_FAULT_SEED", "13"))  # another seed: other kill moments
REPLICAS = 3
COUNTRIES = 150  # two focal points each: 300
OFFICERS = 20
REQUESTS = 100
PATIENCE = 60.0  # seconds: only bounds a hung test
PERIOD = "OPX"
WEBHOOK_SECRET = "fault-test-webhook-secret"
SLACK_ENV = {
    "FOCALBOT_SLACK_BOT_TOKEN": "xoxb-fault-test",
    "FOCALBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "FOCALBOT_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
}
REQUEST_ID = re.compile(r"Request (R-\d{4}-\d{4}) sent to")
pytestmark = pytest.mark.timeout(170)


# --- the directory and the replicas' configuration ---------------------------------------------
def codes() -> list[str]:
    """Made-up two-letter country codes (the directory only needs them distinct)."""
    pairs = itertools.product(string.ascii_uppercase, repeat=2)
    return ["".join(p) for p in itertools.islice(pairs, COUNTRIES)]


def on_telegram(index: int) -> bool:
    """Even-numbered countries' focal points use Telegram, the others Slack."""
    return index % 2 == 0


def focal_point(index: int, k: int, country: str) -> dict[str, Any]:
    n = 2 * index + k
    identity = {"telegram": str(100000 + n)} if on_telegram(index) else {"slack": f"U0FP{n:04d}"}
    return {
        "id": f"fp-{country.lower()}-{k}",
        "name": f"Focal {country} {k}",
        "country": country,
        "roles": ["focal_point"],
        "preferred_channel": next(iter(identity)),
        "identities": identity,
    }


def directory() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """150 countries with two focal points each, 20 officers, one co-chair."""
    countries = codes()
    people = [focal_point(i, k, c) for i, c in enumerate(countries) for k in range(2)]
    people += [
        {
            "id": f"officer-{j}",
            "name": f"Officer {j}",
            "country": countries[j],
            "roles": ["officer"],
            "preferred_channel": "telegram",
            "identities": {"telegram": str(300000 + j)},
        }
        for j in range(OFFICERS)
    ]
    people.append(
        {
            "id": "cochair",
            "name": "Co-chair Example",
            "country": countries[0],
            "roles": ["co_chair"],
            "preferred_channel": "slack",
            "identities": {"slack": "U0COCHAIR"},
        }
    )
    return [{"code": c, "name": f"Country {c}", "timezone": "UTC"} for c in countries], people


def replica_config(
    folder: Path, index: int, telegram: FakeTelegram, slack: FakeSlack | None, mode: str
) -> tuple[Path, int, int]:
    """The shipped bot.toml with this test's directory and period, Telegram (and Slack) pointed
    at the fakes on ports of this replica's own; returns the path and the two ports."""
    data = tomllib.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["limits"]["requests_per_hour"] = 10**6
    data["quiet_hours"] = {"default": ""}  # the drill runs at any hour: nothing waits
    data["countries"], data["people"] = directory()
    today = datetime.now(UTC).date()
    data["periods"] = [
        {
            "code": PERIOD,
            "name": "Fault drill",
            "starts_on": today - timedelta(days=1),
            "ends_on": today + timedelta(days=60),
            "windows": "final",
            "countries": [c["code"] for c in data["countries"]],
            "metrics": "default",
            "status": "open",
        }
    ]
    telegram_port, slack_port = free_port(), free_port()
    channels = data["channels"]
    data["channels"] = {"telegram": channels["telegram"]}
    data["channels"]["telegram"].update(
        base_url=telegram.base_url,
        base_file_url=telegram.base_file_url,
        mode=mode,
        poll_timeout=1,
        # the load balancer's public address: the same for every replica
        webhook_url="http://127.0.0.1:9/telegram",
        listen="127.0.0.1",
        port=telegram_port,
    )
    if slack is not None:
        data["channels"]["slack"] = {
            **channels["slack"],
            "base_url": slack.base_url,
            "port": slack_port,
        }
    path = folder / f"replica{index}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path, telegram_port, slack_port


# --- the load balancer --------------------------------------------------------------------------
@dataclass
class Balancer:
    """Spreads POSTs over the replicas round robin; a failed one is tried on the next replica
    until one answers 200, as a load balancer plus the platform's own retries would."""

    urls: list[str]
    rng: random.Random
    retries: int = 0
    _next: itertools.count[int] = field(default_factory=itertools.count)
    _session: aiohttp.ClientSession | None = None

    async def post(self, body: bytes, headers: Callable[[], dict[str, str]]) -> None:
        """Deliver ``body`` to some replica (fresh ``headers()`` for each attempt)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        deadline = time.monotonic() + PATIENCE
        start = next(self._next)
        for attempt in itertools.count():
            assert time.monotonic() < deadline, "no replica took the call"
            url = self.urls[(start + attempt) % len(self.urls)]
            try:
                async with self._session.post(url, data=body, headers=headers()) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.retries += 1
            if attempt % len(self.urls) == len(self.urls) - 1:
                await asyncio.sleep(0.2)  # every replica failed: back off a little

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def telegram_post(balancer: Balancer, update: dict[str, Any]) -> Callable[[], Any]:
    body = json.dumps(update).encode()
    headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    return lambda: balancer.post(body, lambda: dict(headers))


def slack_post(balancer: Balancer, body: str) -> Callable[[], Any]:
    def signed() -> dict[str, str]:
        stamp = str(int(time.time()))
        return {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(SIGNING_SECRET, stamp, body),
        }

    return lambda: balancer.post(body.encode(), signed)


# --- the replicas -------------------------------------------------------------------------------
@dataclass
class Cluster:
    telegram: FakeTelegram
    slack: FakeSlack | None
    database: str
    replicas: list[BotProcess]
    telegram_urls: list[str]
    slack_urls: list[str]
    rng: random.Random


async def start_cluster(
    folder: Path, database: str, mode: str, with_slack: bool
) -> AsyncIterator[Cluster]:
    telegram = await FakeTelegram().start()
    slack = (
        await FakeSlack(token=SLACK_ENV["FOCALBOT_SLACK_BOT_TOKEN"]).start() if with_slack else None
    )
    replicas, telegram_urls, slack_urls = [], [], []
    for i in range(REPLICAS):
        config, telegram_port, slack_port = replica_config(folder, i, telegram, slack, mode)
        replica = BotProcess(config, database, folder / f"replica{i}.log", env=SLACK_ENV)
        replica.start()
        replicas.append(replica)
        telegram_urls.append(f"http://127.0.0.1:{telegram_port}/telegram")
        slack_urls.append(f"http://127.0.0.1:{slack_port}/slack/events")
    cluster = Cluster(
        telegram, slack, database, replicas, telegram_urls, slack_urls, random.Random(SEED)
    )
    try:
        yield cluster
    finally:
        for replica in replicas:
            if replica.alive():
                await replica.kill()
        await telegram.stop()
        if slack is not None:
            await slack.stop()


async def until(condition: Callable[[], Any], what: str, every: float = 0.1) -> Any:
    """Wait (bounded) for ``condition()`` to be truthy; return its value."""
    deadline = time.monotonic() + PATIENCE
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(every)
    return value


async def replicas_ready(cluster: Cluster) -> None:
    """Every replica has joined (heartbeat row) and serves its endpoints."""
    pids = [r.pid for r in cluster.replicas]

    def joined() -> bool:
        try:
            rows = query(cluster.database, "SELECT id FROM replicas WHERE pid = ANY(?)", (pids,))
        except psycopg.errors.UndefinedTable:  # not migrated yet
            return False
        return len(rows) == REPLICAS

    await until(joined, "three heartbeats")
    for replica in cluster.replicas:
        await until(lambda r=replica: "receiving as" in r.output(), "telegram started")
        if cluster.slack is not None:
            await until(lambda r=replica: "slack started" in r.output(), "slack started")


def replica_id(database: str, replica: BotProcess) -> str:
    rows = query(database, "SELECT id FROM replicas WHERE pid = ?", (replica.pid,))
    assert rows, "replica has no heartbeat row"
    return str(rows[0][0])


# --- the webhook test ---------------------------------------------------------------------------
@dataclass
class Kill:
    at: float
    replica: str
    held: set[int]  # outbox ids the dead replica held or whose lane it owned
    held_keys: set[tuple[str, str, str]]  # (channel, address, text) of those
    takeover: float | None = None  # until all of it was delivered
    first: float | None = None  # until a survivor delivered the first of it


def held_by(database: str, replica: str) -> list[tuple[int, str, str, str]]:
    return query(
        database,
        "SELECT o.id, o.channel, o.address, o.text FROM outbox o LEFT JOIN lanes l "
        "ON l.channel = o.channel AND l.address = o.address WHERE o.status = 'queued' "
        "AND (o.lease_owner = ? OR l.owner = ?)",
        (replica, replica),
    )


async def kill_one(cluster: Cluster, alive: list[BotProcess]) -> Kill:
    """SIGKILL a random live replica; record what it held at that moment."""
    victim = cluster.rng.choice(alive)
    alive.remove(victim)
    name = replica_id(cluster.database, victim)
    await victim.kill()
    at = time.monotonic()
    rows = held_by(cluster.database, name)
    return Kill(at, name, {r[0] for r in rows}, {(r[1], r[2], r[3]) for r in rows})


async def time_takeover(cluster: Cluster, kill: Kill) -> None:
    """Seconds from the kill until every message the dead replica held is final."""

    def done() -> bool:
        if not kill.held:
            return True
        rows = query(
            cluster.database,
            "SELECT COUNT(*) FROM outbox WHERE id = ANY(?) AND status = 'queued'",
            (list(kill.held),),
        )
        if rows[0][0] < len(kill.held) and kill.first is None:
            kill.first = time.monotonic() - kill.at
        return rows[0][0] == 0

    await until(done, "the dead replica's messages to be delivered", every=0.05)
    kill.takeover = time.monotonic() - kill.at


async def killer(cluster: Cluster, kills: list[Kill], timers: list[asyncio.Task[None]]) -> None:
    alive = list(cluster.replicas)
    for low, high in ((0.3, 2.0), (1.0, 3.0)):
        await asyncio.sleep(cluster.rng.uniform(low, high))
        kill = await kill_one(cluster, alive)
        kills.append(kill)
        timers.append(asyncio.create_task(time_takeover(cluster, kill)))


@pytest.fixture
async def webhook_cluster(tmp_path: Path, postgres_url: str) -> AsyncIterator[Cluster]:
    async for cluster in start_cluster(tmp_path, postgres_url, "webhook", with_slack=True):
        yield cluster


async def test_three_replicas_two_killed_lose_nothing(webhook_cluster: Cluster) -> None:
    cluster = webhook_cluster
    fake, slack = cluster.telegram, cluster.slack
    assert slack is not None
    await replicas_ready(cluster)
    telegram_lb = Balancer(cluster.telegram_urls, cluster.rng)
    slack_lb = Balancer(cluster.slack_urls, cluster.rng)
    kills: list[Kill] = []
    timers: list[asyncio.Task[None]] = []
    started = time.monotonic()
    try:
        side = SlackSide(cluster.slack_urls[0])
        broadcast = side.event_body(side.dm("U0COCHAIR", f"broadcast {PERIOD} Fault drill"))
        await slack_post(slack_lb, broadcast)()  # the preview; Send makes it go
        await slack_post(slack_lb, side.event_body(side.dm("U0COCHAIR", "broadcast send")))()
        targets = codes()
        posts = [
            telegram_post(
                telegram_lb,
                fake.message(
                    300000 + n % OFFICERS,
                    f"/request {targets[(n * 7 + 1) % COUNTRIES]} routine Fault case {n}",
                ),
            )()
            for n in range(REQUESTS)
        ]
        kill_task = asyncio.create_task(killer(cluster, kills, timers))
        await asyncio.gather(*posts)  # 100 requests in flight while replicas die
        await kill_task
        await asyncio.gather(*timers)
        await all_final(cluster.database)
    except BaseException:
        print(timeline(fake, cluster.replicas[0].lives))
        for replica in cluster.replicas:
            print(replica.output()[-5_000:])
        raise
    finally:
        await telegram_lb.close()
        await slack_lb.close()
    elapsed = time.monotonic() - started

    check_effects_once(cluster.database)
    sent_twice = check_deliveries(cluster, kills)
    survivor = next(r for r in cluster.replicas if r.alive())
    verified = cli(survivor.config, cluster.database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    retried = telegram_lb.retries + slack_lb.retries
    print(
        f"\nreplica fault test (seed {SEED}): {REPLICAS} replicas, 2 SIGKILLed, "
        f"broadcast to 300 + {REQUESTS} requests in {elapsed:.1f}s; lost 0, effects duplicated 0, "
        f"messages sent twice {sent_twice} (held by the dead: "
        f"{', '.join(str(len(k.held)) for k in kills)}); calls retried on another replica "
        f"{retried}; takeover of the dead replica's work (first delivered / all delivered): "
        + ", ".join(f"{k.first or 0:.2f}s / {k.takeover:.2f}s" for k in kills)
    )
    for kill in kills:  # adoption waits STALE_AFTER (5 s) for the dead replica's heartbeat
        assert kill.takeover is not None and kill.takeover < 20


async def all_final(database: str) -> None:
    """The outbox owes nothing."""
    await until(
        lambda: query(database, "SELECT COUNT(*) FROM outbox WHERE status = 'queued'") == [(0,)],
        "every message to be delivered",
    )


def check_effects_once(database: str) -> None:
    """Every request filed once, the broadcast once, nothing else."""
    texts = Counter(text for (text,) in query(database, "SELECT text FROM requests"))
    assert set(texts) == {f"Fault case {n}" for n in range(REQUESTS)}, texts
    assert set(texts.values()) == {1}, [t for t, c in texts.items() if c > 1]
    actions = dict(query(database, "SELECT action, COUNT(*) FROM audit GROUP BY action"))
    assert actions["request.filed"] == REQUESTS
    assert actions["broadcast.sent"] == 1
    assert query(database, "SELECT COUNT(*) FROM broadcast_recipients") == [(300,)]


def fake_copies(cluster: Cluster) -> dict[tuple[str, str, str], list[float]]:
    """Every accepted message on either fake, by (channel, address, text)."""
    seen: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for call in cluster.telegram.called("sendMessage"):
        if call.status == 200:
            seen[("telegram", str(call.result["chat"]["id"]), call.result["text"])].append(call.at)
    assert cluster.slack is not None
    for args in cluster.slack.of("chat.postMessage"):
        if "_ts" in args:  # accepted
            seen[("slack", str(args["channel"]), str(args.get("text", "")))].append(args["_at"])
    return seen


def check_deliveries(cluster: Cluster, kills: list[Kill]) -> int:
    """Every owed message reached its chat, nothing else did; return how many were sent twice
    (each one the dead replica held, first sent before it died)."""
    owed = query(cluster.database, "SELECT channel, address, text, status FROM outbox")
    assert {status for *_, status in owed} == {"sent"}
    owed_keys = {(c, a, t) for c, a, t, _ in owed}
    copies = fake_copies(cluster)
    missing = owed_keys - set(copies)
    assert not missing, sorted(missing)[:5]
    assert set(copies) <= owed_keys, sorted(set(copies) - owed_keys)[:5]
    held = {key: kill for kill in kills for key in kill.held_keys}
    twice = {key: times for key, times in copies.items() if len(times) > 1}
    for key, times in twice.items():
        assert len(times) == 2, (key, times)
        assert key in held, f"sent twice but no dead replica held it: {key}"
        assert times[0] <= held[key].at, f"first copy after the kill: {key}"
    assert len(twice) <= sum(len(k.held) for k in kills)
    return len(twice)


# --- the polling test ---------------------------------------------------------------------------
@pytest.fixture
async def polling_cluster(tmp_path: Path, postgres_url: str) -> AsyncIterator[Cluster]:
    async for cluster in start_cluster(tmp_path, postgres_url, "polling", with_slack=False):
        yield cluster


def lease_holder(cluster: Cluster) -> BotProcess | None:
    """The live replica that took the Telegram intake lease last (from the replicas' logs)."""
    taken = [
        (r.output().rfind("telegram: this replica now receives"), i)
        for i, r in enumerate(cluster.replicas)
        if r.alive() and "telegram: this replica now receives" in r.output()
    ]
    holders = [cluster.replicas[i] for _, i in taken]
    assert len(holders) <= 1, "two live replicas poll Telegram"
    return holders[0] if holders else None


async def test_polling_moves_to_a_survivor_within_seconds(polling_cluster: Cluster) -> None:
    cluster, fake = polling_cluster, polling_cluster.telegram
    await replicas_ready(cluster)
    takeovers = []
    for round_ in range(2):
        holder = await until(lambda: lease_holder(cluster), "a replica to poll")
        officer = 300000 + round_
        fake.message(officer, "/help")
        await fake.wait_for(lambda o=officer: fake.texts(o), PATIENCE)
        await holder.kill()
        killed_at = time.monotonic()
        polls = await fake.wait_for(
            lambda k=killed_at: [c.at for c in fake.called("getUpdates") if c.at > k], PATIENCE
        )
        takeovers.append(polls[0] - killed_at)
        fake.message(officer + 10, "/help")  # the new poller receives
        await fake.wait_for(lambda o=officer + 10: fake.texts(o), PATIENCE)
    print(
        "\npolling takeover after SIGKILL of the lease holder: "
        + ", ".join(f"{t:.2f}s" for t in takeovers)
    )
    assert max(takeovers) < 5.0  # the lease is retried every second
