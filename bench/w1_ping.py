"""W1: 10,000 `/ping <i>` from directory members in private chats, each answered `pong <i>`.

Every inbound event and every reply is persisted as in production (de-dup record, outbox row,
marked sent). Modes: ``closed`` (one in flight: the next ping goes once the previous pong
reached the adapter's send) and ``burst`` (all offered at once through the bounded queue).

    .venv/bin/python bench/w1_ping.py [--mode closed|burst|both] [--messages N] [--json FILE]
"""

from __future__ import annotations

import argparse
import time

from common import (
    SignallingAdapter,
    cpu_seconds,
    main,
    peak_rss_mib,
    percentile,
    shipped,
    started_app,
    temp_db,
)


async def closed_loop(app, chat: SignallingAdapter, people: list[str], n: int) -> list[float]:  # type: ignore[no-untyped-def]
    latencies = []
    for i in range(n):
        arrived = chat.expect(chat.count + 1)
        start = time.perf_counter()
        await app.submit(chat.event(people[i % len(people)], f"/ping {i}"), wait=False)
        await arrived.wait()
        latencies.append(chat.times[f"pong {i}"] - start)
    return latencies


async def burst(app, chat: SignallingAdapter, people: list[str], n: int) -> list[float]:  # type: ignore[no-untyped-def]
    arrived = chat.expect(chat.count + n)
    offered: list[float] = []
    for i in range(n):
        offered.append(time.perf_counter())
        await app.submit(chat.event(people[i % len(people)], f"/ping {i}"), wait=False)
    await arrived.wait()
    return [chat.times[f"pong {i}"] - offered[i] for i in range(n)]


async def run(args: argparse.Namespace) -> dict[str, float]:
    settings = shipped()
    people = [p.id for p in settings.people]
    chat = SignallingAdapter("console")
    app = await started_app(settings, chat, temp_db())
    await closed_loop(app, chat, people, 200)  # warm-up, not measured
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    drive = closed_loop if args.mode == "closed" else burst
    latencies = await drive(app, chat, people, args.messages)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    await app.stop()
    return {
        "messages_per_s": args.messages / wall,
        "cpu_us_per_message": cpu / args.messages * 1e6,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=["closed", "burst"], default="closed")
    parser.add_argument("--messages", type=int, default=10_000)


if __name__ == "__main__":
    main("W1 /ping", run, options)
