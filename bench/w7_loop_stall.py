"""W7: event-loop health — the loop's worst stall while the W1 burst runs.

A probe task sleeps 1 ms at a time and measures how late it wakes; the lateness is the time
the loop was busy elsewhere (or blocked).

    .venv/bin/python bench/w7_loop_stall.py [--messages N] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import SignallingAdapter, drive, main, percentile, shipped, started_app, temp_db
from w1_ping import pings

TICK = 0.001


async def probe(stalls: list[float], stop: asyncio.Event) -> None:
    """Record how late each 1 ms sleep wakes."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(TICK)
        stalls.append(max(0.0, time.perf_counter() - before - TICK))


async def run(args: argparse.Namespace) -> dict[str, float]:
    settings = shipped()
    chat = SignallingAdapter("console")
    app = await started_app(settings, chat, temp_db())
    people = [p.id for p in settings.people]
    await drive(app, chat, pings(people, 200), "closed")  # warm-up
    stalls: list[float] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(probe(stalls, stop))
    arrived = chat.expect(chat.count + args.messages)
    for person, text, _ in pings(people, args.messages):
        await app.submit(chat.event(person, text), wait=False)
    await asyncio.wait_for(arrived, 120)
    stop.set()  # before any of the benchmark's own bookkeeping runs on the loop
    await watcher
    await app.stop()
    return {
        "max_stall_ms": max(stalls) * 1000,
        "p99_stall_ms": percentile(stalls, 99) * 1000,
        "probes": float(len(stalls)),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=10_000)


if __name__ == "__main__":
    main("W7 event-loop stall during W1 burst", run, options)
