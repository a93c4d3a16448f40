"""W1: 10,000 `/ping <i>` from directory members in private chats, each answered `pong <i>`.

Every inbound event and every reply is persisted as in production (de-dup record, outbox row,
marked sent). Modes: ``closed`` (one in flight: the next ping goes once the previous pong
reached the adapter's send) and ``burst`` (all offered at once through the bounded queue).

    .venv/bin/python bench/w1_ping.py [--mode closed|burst] [--messages N] [--json FILE]
"""

from __future__ import annotations

import argparse
import time

from common import (
    SignallingAdapter,
    cpu_seconds,
    drive,
    figures,
    main,
    shipped,
    started_app,
    temp_db,
)


def pings(people: list[str], n: int) -> list[tuple[str, str, int]]:
    """``/ping <i>`` round-robin over the directory; each answered once."""
    return [(people[i % len(people)], f"/ping {i}", 1) for i in range(n)]


async def run(args: argparse.Namespace) -> dict[str, float]:
    settings = shipped()
    people = [p.id for p in settings.people]
    chat = SignallingAdapter("console")
    app = await started_app(settings, chat, temp_db())
    await drive(app, chat, pings(people, 200), "closed")  # warm-up, not measured
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    latencies = await drive(app, chat, pings(people, args.messages), args.mode)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    await app.stop()
    return figures(args.messages, wall, cpu, latencies)


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=["closed", "burst"], default="closed")
    parser.add_argument("--messages", type=int, default=10_000)


if __name__ == "__main__":
    main("W1 /ping", run, options)
