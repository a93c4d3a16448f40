"""W2: 10,000 messages — 90 % group chatter not addressed to the bot (no reply, not recorded),
10 % real commands round-robin (/help, /whoami, /requests, /show, /countries, and /period,
/deadline, /status where those are registered), each answered.

    .venv/bin/python bench/w2_mixed.py [--mode closed|burst] [--messages N] [--json FILE]
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

COMMANDS = [
    ("au-officer", "/help"),
    ("th-fp", "/whoami"),
    ("th-fp", "/requests"),
    ("au-officer", "/show R-2026-0001"),
    ("my-fp", "/countries"),
]
IF_REGISTERED = [("nz-cochair", "/period"), ("th-fp", "/deadline"), ("lk-cochair", "/status")]


def workload(app, people: list[str], n: int) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    """Nine chatter lines, then one command, repeated."""
    names = set(app.registry.names())
    commands = COMMANDS + [c for c in IF_REGISTERED if c[1].split()[0][1:] in names]
    steps = []
    for i in range(n):
        if i % 10 == 9:
            person, text = commands[(i // 10) % len(commands)]
            steps.append((person, text, 1))
        else:
            steps.append((f"group:{people[i % len(people)]}", f"lunch at {i % 12 + 1}?", 0))
    return steps


async def run(args: argparse.Namespace) -> dict[str, float]:
    settings = shipped()
    people = [p.id for p in settings.people]
    chat = SignallingAdapter("console")
    app = await started_app(settings, chat, temp_db())
    await drive(app, chat, [("au-officer", "/request TH Vessel KM Jaya 7 owner", 2)], "closed")
    await drive(app, chat, workload(app, people, 500), "closed")  # warm-up
    steps = workload(app, people, args.messages)
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    latencies = await drive(app, chat, steps, args.mode)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    await app.stop()
    result = figures(args.messages, wall, cpu, latencies)
    result["commands_answered"] = len(latencies)
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=["closed", "burst"], default="closed")
    parser.add_argument("--messages", type=int, default=10_000)


if __name__ == "__main__":
    main("W2 mixed group chatter and commands", run, options)
