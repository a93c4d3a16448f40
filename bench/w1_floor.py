"""W1's persistence floor: what any bot that keeps W1's promises must pay per ping here.

A bare loop, no framework: for each ``/ping <i>`` it records the de-duplication key,
writes the reply's outbox row, commits (on FocalPoint's own schema, pragmas and page size,
the previous reply marked sent in the same transaction, as FocalPoint's outbox does), then
"sends" the reply. Nothing else: no directory, commands, roles, languages, rate limits or
retries. Printed beside the peers by ``compare.py``: the CPU left between this floor and
a peer's whole cost is all a persisting bot may spend on everything else to match it.

    .venv/bin/python bench/w1_floor.py [--messages N] [--json FILE]
"""

from __future__ import annotations

import argparse
import time

from common import cpu_seconds, main, peak_rss_mib, percentile, temp_db

from bot.clock import Clock, iso
from bot.storage.migrations import migrate
from bot.storage.sqlite import connect

SENT = (
    "UPDATE outbox SET status = 'sent', sent_at = ?, platform_id = ?, attempts = attempts + 1 "
    "WHERE id = ?"
)
SEEN = "INSERT INTO inbound (event_key, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING"
OUTBOX = "INSERT INTO outbox (channel, address, person_id, text, created_at) VALUES (?, ?, ?, ?, ?)"


async def run(args: argparse.Namespace) -> dict[str, float]:
    db = connect(temp_db())
    migrate(db)
    conn, clock, sent = db.conn, Clock(), []
    previous: list[int | None] = [None]

    def ping(i: int) -> None:
        stamp = iso(clock.now())
        conn.execute("BEGIN IMMEDIATE")
        if previous[0] is not None:
            conn.execute(SENT, [stamp, "p", previous[0]])
        conn.execute(SEEN, [f"console:{i}", stamp])
        row = conn.execute(OUTBOX, ["console", "console:1", "p1", f"pong {i}", stamp])
        conn.execute("COMMIT")
        sent.append(f"pong {i}")  # the adapter's send
        previous[0] = row.lastrowid

    for i in range(200):  # warm-up, as W1's
        ping(i)
    latencies = []
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    for i in range(200, 200 + args.messages):
        start = time.perf_counter()
        ping(i)
        latencies.append(time.perf_counter() - start)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    db.close()
    return {
        "messages_per_s": args.messages / wall,
        "cpu_us_per_message": cpu / args.messages * 1e6,
        "p99_ms": percentile(latencies, 99) * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=10_000)


if __name__ == "__main__":
    main("W1 persistence floor (bare loop, required SQL only)", run, options)
