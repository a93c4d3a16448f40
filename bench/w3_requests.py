"""W3: 1,000 assistance requests filed by officers of several countries, routed to focal
points, acknowledged and answered — the real pipeline end to end on the in-memory channel.

Each phase offers all its events at once (burst): file 1,000, acknowledge 1,000, answer 1,000.

    .venv/bin/python bench/w3_requests.py [--requests N] [--json FILE]
"""

from __future__ import annotations

import argparse
import time

from common import (
    SignallingAdapter,
    cpu_seconds,
    drive,
    main,
    peak_rss_mib,
    percentile,
    shipped,
    started_app,
    temp_db,
)

from bot.config import LimitSettings


def plan(settings, n: int) -> tuple[list, list, list]:  # type: ignore[no-untyped-def]
    """Who files what to whom, then the acknowledgements and answers by the target's FP."""
    officers = [p for p in settings.people if "officer" in p.roles]
    fps = {p.country: p.id for p in settings.people if "focal_point" in p.roles}
    targets = sorted(fps)
    filing, acks, answers = [], [], []
    for i in range(n):
        officer = officers[i % len(officers)]
        target = [c for c in targets if c != officer.country][i % (len(targets) - 1)]
        rid = f"R-2026-{i + 1:04d}"
        filing.append((officer.id, f"/request {target} Check vessel {i} and crew", 2))
        acks.append((fps[target], f"/ack {rid}", 2))
        answers.append((fps[target], f"/reply {rid} Vessel {i} checked: nothing found", 2))
    return filing, acks, answers


async def run(args: argparse.Namespace) -> dict[str, float]:
    # Throughput, not abuse control: lift the per-person request limit for the officers.
    settings = shipped().model_copy(
        update={"limits": LimitSettings(requests_per_hour=10**6, request_messages_per_hour=10**6)}
    )
    chat = SignallingAdapter("console")
    app = await started_app(settings, chat, temp_db())
    filing, acks, answers = plan(settings, args.requests)
    result: dict[str, float] = {}
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    for name, steps in (("file", filing), ("ack", acks), ("answer", answers)):
        latencies = await drive(app, chat, steps, "burst")
        result[f"{name}_p50_ms"] = percentile(latencies, 50) * 1000
        result[f"{name}_p99_ms"] = percentile(latencies, 99) * 1000
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    statuses = await app.store.run(
        lambda db: db.execute("SELECT COUNT(*) FROM requests WHERE status = 'answered'").fetchone()[
            0
        ]
    )
    await app.stop()
    assert statuses == args.requests, f"only {statuses} requests answered"
    result.update(
        {
            "requests_per_s": args.requests / wall,
            "cpu_ms_per_request": cpu / args.requests * 1000,
            "peak_rss_mib": peak_rss_mib(),
        }
    )
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=1000)


if __name__ == "__main__":
    main("W3 assistance requests end to end", run, options)
