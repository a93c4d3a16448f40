"""Shared benchmark plumbing: fresh-process runs, statistics, versions, the app under test.

Each benchmark script calls :func:`main` with a function that performs ONE run and returns a
dict of figures. ``main`` runs it in 3 fresh processes (``--child``), then prints the median
and min–max of each figure, with the Python and package versions (``--json FILE`` writes them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.memory import MemoryAdapter  # noqa: E402
from bot.app import App  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.events import Outbound  # noqa: E402
from bot.factory import build_app  # noqa: E402
from bot.gc_pause import settle_after_start  # noqa: E402
from bot.ports import TimerCallback, TimerScheduler  # noqa: E402

PACKAGES = [
    "python-telegram-bot",
    "slack-bolt",
    "slack-sdk",
    "apscheduler",
    "sqlite-utils",
    "pydantic",
    "aiolimiter",
]
Run = Callable[[argparse.Namespace], Awaitable[dict[str, float]]]


class NoTimers(TimerScheduler):
    """The benchmarks arm no timers that could fire during a run."""

    async def start(self, fire: TimerCallback) -> None:
        return None

    def schedule(self, timer_id: str, due_at: Any) -> None:
        return None

    async def stop(self) -> None:
        return None


class SignallingAdapter(MemoryAdapter):
    """Records when each message reaches ``send``, per address, and wakes waiters."""

    def __init__(self, channel: str = "console") -> None:
        super().__init__(channel)
        self.arrivals: dict[str, list[float]] = {}
        self.count = 0
        self._target = 0
        self.reached: asyncio.Future[None] = asyncio.Future()

    async def send(self, message: Outbound) -> str:
        self.arrivals.setdefault(message.address, []).append(time.perf_counter())
        self.count += 1
        if self.count >= self._target and not self.reached.done():
            self.reached.set_result(None)
        return str(message.id)

    def expect(self, total: int) -> asyncio.Future[None]:
        """A future done once ``total`` messages have been sent in all (a future, not an
        Event: the harness should cost as little per message as the peers' harnesses do)."""
        self._target = total
        self.reached = asyncio.get_running_loop().create_future()
        if self.count >= total:
            self.reached.set_result(None)
        return self.reached

    def mark(self) -> dict[str, int]:
        """How many messages each address has received so far."""
        return {address: len(times) for address, times in self.arrivals.items()}


Step = tuple[str, str, int]
"""(person id, text, messages the whole system sends for it)."""


async def drive(app: App, chat: SignallingAdapter, steps: list[Step], mode: str) -> list[float]:
    """Offer ``steps`` closed-loop or as a burst; return each step's latency in seconds.

    Latency runs from offering the event to the first answer reaching its sender. Answers to
    one chat leave in order, so the k-th answer to a person belongs to their k-th step. One
    deadline covers the whole run (a stuck run fails loudly instead of hanging) rather than a
    timer per message, which would be the harness's cost, not the bot's.
    """
    try:
        async with asyncio.timeout(STALL + len(steps) / 100):
            if mode == "closed":
                timed = [await _one(app, chat, step) for step in steps]
                return [t for t, (_, _, n) in zip(timed, steps, strict=True) if n]
            return await _burst(app, chat, steps)
    except TimeoutError:
        raise RuntimeError(f"stuck: {chat.count} messages sent, expected {chat._target}") from None


async def _burst(app: App, chat: SignallingAdapter, steps: list[Step]) -> list[float]:
    before, offered = chat.mark(), []
    arrived = chat.expect(chat.count + sum(n for _, _, n in steps))
    for person, text, _ in steps:
        offered.append((person, time.perf_counter()))
        await app.submit(_event(chat, person, text), wait=False)
    await arrived
    seen: dict[str, int] = dict(before)
    latencies = []
    for (person, at), (_, _, answers) in zip(offered, steps, strict=True):
        if not answers:
            continue  # chatter: nothing comes back
        index = seen.get(person, 0)
        seen[person] = index + 1
        latencies.append(chat.arrivals[person][index] - at)
    return latencies


async def _one(app: App, chat: SignallingAdapter, step: Step) -> float:
    person, text, total = step
    target = chat.count + total
    start = time.perf_counter()
    index = len(chat.arrivals.get(person, []))
    await app.submit(_event(chat, person, text))  # waits for the commit, as adapters do
    if chat.count < target:  # answers still on their way: wait for them (a future only then,
        await chat.expect(target)  # as the peers' harness waits for nothing once parse returns)
    return (chat.arrivals[person][index] if total else time.perf_counter()) - start


STALL = 120.0  # seconds without the expected answers before a run is declared stuck


def _event(chat: SignallingAdapter, person: str, text: str):  # type: ignore[no-untyped-def]
    if person.startswith("group:"):
        _, speaker = person.split(":", 1)
        return chat.event(speaker, text, chat_id="group-1", private=False, addressed=False)
    return chat.event(person, text)


def figures(n: int, wall: float, cpu: float, latencies: list[float]) -> dict[str, float]:
    """The figures every chat workload reports."""
    return {
        "messages_per_s": n / wall,
        "cpu_us_per_message": cpu / n * 1e6,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }


def shipped() -> Settings:
    """The shipped configuration, without quiet hours: a benchmark runs at any hour, and
    notifications to whoever is in their night would wait for their morning."""
    settings = load_settings(ROOT / "bot.toml")
    return settings.model_copy(
        update={"quiet_hours": settings.quiet_hours.model_copy(update={"default": ""})}
    )


async def started_app(settings: Settings, chat: MemoryAdapter, db: str) -> App:
    """A real app on a real SQLite file with the in-memory channel, settled as the runner
    settles it once started."""
    app = build_app(settings, [chat], NoTimers(), db)
    await app.start()
    settle_after_start()
    return app


def temp_db() -> str:
    """A fresh database file path."""
    return str(Path(tempfile.mkdtemp(prefix="focalbench-")) / "bench.db")


def cpu_seconds() -> float:
    """User plus system CPU of this process (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def versions() -> dict[str, str]:
    """Python and package versions."""
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = version(package)
        except Exception:
            found[package] = "not installed"
    return found


def main(
    name: str,
    run: Run,
    add_args: Callable[[argparse.ArgumentParser], None] | None = None,
    runs: int = 3,
) -> None:
    """Parse arguments; as parent, run children and summarise; as child, run once."""
    parser = argparse.ArgumentParser(description=name)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--runs", type=int, default=runs, help="fresh processes to run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    if add_args:
        add_args(parser)
    args, _ = parser.parse_known_args()
    if args.child:
        print(json.dumps(asyncio.run(run(args))))
        return
    passthrough = [a for a in sys.argv[1:] if not a.startswith("--json") and a != args.json]
    results = [_child(passthrough) for _ in range(args.runs)]
    summary = summarise(results)
    report = {"benchmark": name, "runs": results, "summary": summary, "versions": versions()}
    _print(name, summary, report["versions"], len(results))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


def _child(passthrough: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, sys.argv[0], "--child", *passthrough],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarise(results: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Median, min and max of each figure across runs."""
    return {
        key: {
            "median": statistics.median(r[key] for r in results),
            "min": min(r[key] for r in results),
            "max": max(r[key] for r in results),
        }
        for key in results[0]
    }


def _print(
    name: str, summary: dict[str, dict[str, float]], found: dict[str, str], runs: int
) -> None:
    print(f"{name} — median of {runs} fresh-process runs (min–max)")
    for key, stats in summary.items():
        print(
            f"  {key:<32} {stats['median']:>12,.3f}   ({stats['min']:,.3f} – {stats['max']:,.3f})"
        )
    print("  " + ", ".join(f"{k} {v}" for k, v in found.items()))
