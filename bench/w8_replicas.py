"""W8: W3 (requests filed, routed, acknowledged, answered) on SQLite, and on PostgreSQL with
1, 2 and 3 replicas as separate processes on one database.

Each replica is a process of its own running the real app (store, replication, outbox) with the
in-memory channel; the driver spreads the events over the replicas round robin (as a load
balancer would) through their stdin, and every replica reports each message it delivers, with
the system-wide monotonic time, on its stdout. A message for a chat another replica owns is
delivered by that one, so the figures include the cross-replica hand-offs.

Steps, each matched by its text: filed (the officer told "Request R-… sent to"), routed (the
focal point received the request), acked (the officer told it was acknowledged), answered (the
officer received the answer). Each phase is a burst: file N, acknowledge N, answer N.
CPU per request is the replicas' user+system time (from /proc) over the run, and separately
the PostgreSQL server's. A throwaway PostgreSQL server is started (``tests.pg_server``).

    .venv/bin/python -m bench.w8_replicas [--requests N] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    SignallingAdapter,
    percentile,
    shipped,
    started_app,
    temp_db,
    versions,
)
from bot.config import LimitSettings
from bot.events import Outbound
from tests.pg_server import PostgresServer

STEPS = ("filed", "routed", "acked", "answered")
REQUEST_ID = re.compile(r"(R-\d{4}-\d{4})")
TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent


# --- a replica (child process) -------------------------------------------------------------------
class ReportingAdapter(SignallingAdapter):
    """Reports every delivered message to the driver as one JSON line."""

    async def send(self, message: Outbound) -> str:
        line = json.dumps([message.address, message.text, time.monotonic()])
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return str(message.id)


async def replica(database: str) -> None:
    """Run the app until stdin closes; each stdin line is one event ``[person, text]``."""
    settings = shipped().model_copy(
        update={"limits": LimitSettings(requests_per_hour=10**6, request_messages_per_hour=10**6)}
    )
    chat = ReportingAdapter("console")
    app = await started_app(settings, chat, database)
    print(json.dumps(["ready", "", 0.0]), flush=True)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        person, text = json.loads(line)
        await app.submit(chat.event(person, text), wait=False)
    await app.stop()


# --- the driver ----------------------------------------------------------------------------------
def cpu_of(pid: int) -> float:
    """User plus system CPU seconds of one process (all threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_cpu(server: PostgresServer | None) -> float:
    """CPU seconds of the PostgreSQL server: the postmaster and its backends."""
    if server is None:
        return 0.0
    root = int((server.data / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(entry.name) == root or int(stat[1]) == root:
                total += (int(stat[11]) + int(stat[12])) / TICKS
        except (OSError, IndexError, ValueError):
            continue
    return total


class Cluster:
    """The replica processes and what they delivered."""

    def __init__(self) -> None:
        self.procs: list[asyncio.subprocess.Process] = []
        self.arrivals: list[tuple[str, str, float]] = []
        self.changed = asyncio.Event()
        self._readers: list[asyncio.Task[None]] = []
        self._turn = 0

    async def start(self, database: str, count: int) -> None:
        ready = []
        for _ in range(count):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.w8_replicas",
                "--replica",
                database,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                cwd=ROOT,
                limit=2**20,
            )
            self.procs.append(proc)
            first = asyncio.get_running_loop().create_future()
            ready.append(first)
            self._readers.append(asyncio.create_task(self._read(proc, first)))
        await asyncio.wait_for(asyncio.gather(*ready), 120)

    async def _read(self, proc: asyncio.subprocess.Process, ready: asyncio.Future[None]) -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            address, text, at = json.loads(line)
            if address == "ready":
                ready.set_result(None)
                continue
            self.arrivals.append((address, text, at))
            self.changed.set()

    def offer(self, person: str, text: str) -> float:
        """Hand one event to the next replica; return when."""
        proc = self.procs[self._turn % len(self.procs)]
        self._turn += 1
        assert proc.stdin is not None
        at = time.monotonic()
        proc.stdin.write((json.dumps([person, text]) + "\n").encode())
        return at

    async def until(self, count: int) -> None:
        deadline = time.monotonic() + 300
        while len(self.arrivals) < count:
            assert time.monotonic() < deadline, f"stuck at {len(self.arrivals)} of {count}"
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 300)

    def cpu(self) -> float:
        return sum(cpu_of(p.pid) for p in self.procs)

    async def stop(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.close()
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in self.procs)), 60)
        for reader in self._readers:
            reader.cancel()


def plan(n: int) -> list[tuple[str, str, str, str]]:
    """(officer, focal point, case text, answer text) for each request, as W3 plans them."""
    settings = shipped()
    officers = [p for p in settings.people if "officer" in p.roles]
    fps = {p.country: p.id for p in settings.people if "focal_point" in p.roles}
    targets = sorted(fps)
    rows = []
    for i in range(n):
        officer = officers[i % len(officers)]
        target = [c for c in targets if c != officer.country][i % (len(targets) - 1)]
        rows.append((officer.id, target, f"Check vessel {i} and crew", f"Vessel {i} checked"))
    return rows


async def run_once(database: str, replicas: int, n: int, server: PostgresServer | None) -> dict:
    """W3 over ``replicas`` processes on ``database``; the figures of one run."""
    fps = {p.country: p.id for p in shipped().people if "focal_point" in p.roles}
    cluster = Cluster()
    await cluster.start(database, replicas)
    rows = plan(n)
    offered: dict[str, list[float]] = {step: [] for step in ("file", "ack", "answer")}
    cpu0, pg0, wall0 = cluster.cpu(), postgres_cpu(server), time.monotonic()
    for officer, target, case, _ in rows:
        offered["file"].append(cluster.offer(officer, f"/request {target} {case}"))
    await cluster.until(2 * n)  # officer told, focal point reached
    rid = {}
    for _, text, _ in cluster.arrivals:
        if "Check vessel" in text and (m := REQUEST_ID.search(text)):
            rid[int(text.split("Check vessel ")[1].split()[0])] = m[1]
    for i, (_, target, _, _) in enumerate(rows):
        offered["ack"].append(cluster.offer(fps[target], f"/ack {rid[i]}"))
    await cluster.until(4 * n)
    for i, (_, target, _, answer) in enumerate(rows):
        offered["answer"].append(cluster.offer(fps[target], f"/reply {rid[i]} {answer}"))
    await cluster.until(6 * n)
    wall = time.monotonic() - wall0
    cpu, pg = cluster.cpu() - cpu0, postgres_cpu(server) - pg0
    await cluster.stop()
    first = first_arrivals(cluster.arrivals)
    latencies: dict[str, list[float]] = {step: [] for step in STEPS}
    for i, (officer, target, case, answer) in enumerate(rows):
        r = rid[i]
        latencies["filed"].append(first[(officer, f"Request {r} sent to")] - offered["file"][i])
        latencies["routed"].append(first[(fps[target], case)] - offered["file"][i])
        latencies["acked"].append(first[(officer, f"{r} was acknowledged")] - offered["ack"][i])
        latencies["answered"].append(first[(officer, answer)] - offered["answer"][i])
    result = {
        "requests_per_s": n / wall,
        "cpu_ms_per_request": cpu / n * 1000,
        "pg_cpu_ms_per_request": pg / n * 1000,
    }
    result.update({f"{s}_p99_ms": percentile(v, 99) * 1000 for s, v in latencies.items()})
    return result


def first_arrivals(arrivals: list[tuple[str, str, float]]) -> dict[tuple[str, str], float]:
    """When the first message containing each needle reached each person."""

    class Finder(dict[tuple[str, str], float]):
        def __missing__(self, key: tuple[str, str]) -> float:
            person, needle = key
            hits = [at for address, text, at in arrivals if address == person and needle in text]
            if not hits:
                raise KeyError(f"{person} never received {needle!r}")
            self[key] = min(hits)
            return self[key]

    return Finder()


async def bench(n: int) -> list[tuple[str, dict]]:
    server = PostgresServer().start()
    try:
        table = [("SQLite, 1 process", await run_once(temp_db(), 1, n, None))]
        for replicas in (1, 2, 3):
            label = f"PostgreSQL, {replicas} replica{'s' if replicas > 1 else ''}"
            table.append((label, await run_once(server.new_database(), replicas, n, server)))
        return table
    finally:
        server.stop()


def render(table: list[tuple[str, dict]], n: int) -> str:
    head = (
        "| setup | requests/s | CPU ms/request (bot) | CPU ms/request (PostgreSQL) | "
        + " | ".join(f"p99 {s} ms" for s in STEPS)
        + " |"
    )
    lines = [head, "|" + "---|" * (4 + len(STEPS))]
    for label, r in table:
        cells = [
            f"{r['requests_per_s']:.0f}",
            f"{r['cpu_ms_per_request']:.1f}",
            f"{r['pg_cpu_ms_per_request']:.1f}" if "PostgreSQL" in label else "–",
            *(f"{r[f'{s}_p99_ms']:.0f}" for s in STEPS),
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    lines.append(f"\nW8, {n} requests per run, burst per step; {machine}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--replica", help=argparse.SUPPRESS)  # internal: run one replica
    args = parser.parse_args()
    if args.replica:
        asyncio.run(replica(args.replica))
        return
    table = asyncio.run(bench(args.requests))
    print(render(table, args.requests))
    if args.json:
        report: dict[str, Any] = {"table": dict(table), "versions": versions()}
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
