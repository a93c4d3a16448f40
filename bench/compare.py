"""FocalPoint beside opsdroid (and optionally errbot) on W1 closed, W1 burst and W2 closed.

Runs are interleaved in one sitting — peer, ours, peer, ours — each a fresh process, so both
see the same machine at the same time; absolute rates move between runs and machines, only
ratios measured side by side mean anything. Prints the median of each figure, its min–max
and the ratio ours/peer, then FocalPoint's own W7 (loop stall) and W6 (start) figures.

    bash ../shared/bench-peers/setup.sh    # once: the peers' venvs under /tmp/bench_d
    .venv/bin/python bench/compare.py [--rounds 3] [--errbot] [--messages N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PEERS = Path(os.environ.get("BENCH_PEERS", ROOT.parent / "shared" / "bench-peers"))
VENVS = Path(os.environ.get("BENCH_DIR", "/tmp/bench_d"))
CASES = [("w1", "closed"), ("w1", "burst"), ("w2", "closed")]
OURS = {"w1": "w1_ping.py", "w2": "w2_mixed.py"}
FLOOR = "w1_floor.py"  # W1's persistence floor, run beside W1 closed in every round
FIGURES = [  # (label, our key, peer key, factor applied to the peer's value)
    ("msg/s", "messages_per_s", "msgs_per_s", 1.0),
    ("CPU µs/msg", "cpu_us_per_message", "cpu_us_per_msg", 1.0),
    ("p99 ms", "p99_ms", "lat_p99_us", 0.001),
    ("peak RSS MiB", "peak_rss_mib", "peak_rss_mib", 1.0),
]
Run = dict[str, float]


def ours(workload: str, mode: str, messages: int, scratch: Path) -> Run:
    """One fresh-process run of our benchmark, as our key -> value."""
    out = scratch / f"ours-{workload}-{mode}.json"
    script = BENCH / OURS[workload]
    args = ["--runs", "1", "--mode", mode, "--messages", str(messages), "--json", str(out)]
    subprocess.run([sys.executable, str(script), *args], check=True, capture_output=True)
    return json.loads(out.read_text())["runs"][0]


def floor(messages: int, scratch: Path) -> Run:
    """One fresh-process run of W1's persistence floor."""
    out = scratch / "floor.json"
    args = ["--runs", "1", "--messages", str(messages), "--json", str(out)]
    subprocess.run([sys.executable, str(BENCH / FLOOR), *args], check=True, capture_output=True)
    return json.loads(out.read_text())["runs"][0]


def peer(name: str, workload: str, mode: str, messages: int, scratch: Path) -> Run:
    """One fresh-process run of a peer's benchmark, converted to our keys."""
    out = scratch / f"{name}-{workload}-{mode}.json"
    python = VENVS / f"venv_{name}" / "bin" / "python"
    script = PEERS / f"peer_{name}.py"
    args = ["--runs", "1", "--n", str(messages), "--workloads", workload, "--modes", mode]
    subprocess.run(
        [str(python), "-W", "ignore", str(script), *args, "--json", str(out)],
        check=True,
        capture_output=True,
    )
    run = json.loads(out.read_text())["cases"][0]["runs"][0]
    return {ours_key: run[key] * factor for _, ours_key, key, factor in FIGURES}


def sitting(rounds: int, peers: list[str], messages: int) -> dict[str, dict[str, list[Run]]]:
    """``rounds`` rounds of every case, each peer then ours, interleaved."""
    results: dict[str, dict[str, list[Run]]] = {}
    with tempfile.TemporaryDirectory(prefix="focalcompare-") as tmp:
        scratch = Path(tmp)
        for round_ in range(1, rounds + 1):
            for workload, mode in CASES:
                case = results.setdefault(f"{workload} {mode}", {})
                for name in peers:
                    case.setdefault(name, []).append(peer(name, workload, mode, messages, scratch))
                case.setdefault("focalpoint", []).append(ours(workload, mode, messages, scratch))
                if (workload, mode) == ("w1", "closed"):
                    case.setdefault("floor", []).append(floor(messages, scratch))
                print(f"  round {round_}: {workload} {mode} done", file=sys.stderr, flush=True)
    return results


def extras(scratch_json: Path) -> dict[str, Run]:
    """Our W7 (worst loop stall during the W1 burst) and W6 (start), medians of 3."""
    found = {}
    for name, script in (("W7", "w7_loop_stall.py"), ("W6", "w6_startup.py")):
        out = scratch_json.with_name(f"{name}.json")
        subprocess.run(
            [sys.executable, str(BENCH / script), "--json", str(out)],
            check=True,
            capture_output=True,
        )
        summary = json.loads(out.read_text())["summary"]
        found[name] = {key: stats["median"] for key, stats in summary.items()}
    return found


def median_range(runs: list[Run], key: str) -> tuple[float, float, float]:
    values = [run[key] for run in runs]
    return statistics.median(values), min(values), max(values)


def table(results: dict[str, dict[str, list[Run]]], peers: list[str]) -> str:
    """Markdown: per case and figure, each framework's median (min–max) and ours/peer."""
    head = ["case", "figure", *peers, "FocalPoint", *(f"FocalPoint/{p}" for p in peers)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case, by_framework in results.items():
        for label, key, _, _ in FIGURES:
            cells, medians = [], {}
            for name in [*peers, "focalpoint"]:
                median, low, high = median_range(by_framework[name], key)
                medians[name] = median
                cells.append(f"{_fmt(median)} ({_fmt(low)}–{_fmt(high)})")
            ratios = [f"{medians['focalpoint'] / medians[p]:.2f}" for p in peers]
            lines.append(f"| {case} | {label} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def budget(w1: dict[str, list[Run]], peer_name: str) -> str:
    """W1 closed against its persistence floor: what the framework costs above it, and what
    it may cost to match the peer."""
    key = "cpu_us_per_message"
    floor_cpu, ours_cpu, peer_cpu = (
        median_range(w1[name], key)[0] for name in ("floor", "focalpoint", peer_name)
    )
    return (
        f"\nW1 closed persistence floor (bench/{FLOOR}: the required SQL and a send, no "
        f"framework): {floor_cpu:.1f} µs/msg CPU. FocalPoint spends {ours_cpu - floor_cpu:.1f} "
        f"µs above it; to match {peer_name} ({peer_cpu:.1f}) it may spend "
        f"{peer_cpu - floor_cpu:.1f}."
    )


def paired(w1: dict[str, list[Run]], peer_name: str) -> str:
    """W1 closed CPU round by round: each round's peer and ours ran back to back, so their
    ratio is free of the machine's slower and faster hours, which a ratio of medians is not."""
    key = "cpu_us_per_message"
    ratios = [
        ours_run[key] / peer_run[key]
        for ours_run, peer_run in zip(w1["focalpoint"], w1[peer_name], strict=True)
    ]
    at_or_below = sum(ratio <= 1.0 for ratio in ratios)
    low, high = median_interval(ratios)
    return (
        f"W1 closed CPU, FocalPoint/{peer_name} round by round: "
        f"{', '.join(f'{ratio:.2f}' for ratio in ratios)} (median {statistics.median(ratios):.2f}, "
        f"95 % interval {low:.2f}–{high:.2f} by bootstrap; "
        f"at or below {peer_name} in {at_or_below} of {len(ratios)} rounds)."
    )


def median_interval(values: list[float], resamples: int = 10_000) -> tuple[float, float]:
    """A 95 % percentile-bootstrap interval of the median of ``values`` (fixed seed: the same
    rounds print the same interval). An interval wholly below 1.0 says "cheaper" beyond this
    machine's noise; one that spans 1.0 says the runs cannot tell the two apart."""
    draw = random.Random(0).choices
    medians = sorted(statistics.median(draw(values, k=len(values))) for _ in range(resamples))
    return medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--errbot", action="store_true", help="also run errbot (slow)")
    parser.add_argument("--no-extras", action="store_true", help="skip our W7 and W6")
    parser.add_argument("--json", help="also write every run's figures to this file")
    args = parser.parse_args()
    peers = ["opsdroid", "errbot"] if args.errbot else ["opsdroid"]
    missing = [p for p in peers if not (VENVS / f"venv_{p}" / "bin" / "python").exists()]
    if missing:
        sys.exit(f"no venv for {', '.join(missing)} under {VENVS}: run {PEERS / 'setup.sh'}")
    results = sitting(args.rounds, peers, args.messages)
    print(f"Interleaved in one sitting, medians of {args.rounds} rounds (min–max), ")
    print(f"{args.messages:,} messages per run; ratio = FocalPoint / peer.\n")
    print(table(results, peers))
    print(budget(results["w1 closed"], peers[0]))
    print(paired(results["w1 closed"], peers[0]))
    found: dict[str, Run] = {}
    if not args.no_extras:
        found = extras(Path(tempfile.mkdtemp(prefix="focalcompare-")) / "x.json")
        w7, w6 = found["W7"], found["W6"]
        print(
            f"\nFocalPoint W7 worst loop stall during the W1 burst {w7['max_stall_ms']:.1f} ms "
            f"(p99 {w7['p99_stall_ms']:.2f} ms); W6 start {w6['start_to_ready_s']:.2f} s, "
            f"idle RSS {w6['idle_rss_mib']:.0f} MiB (medians of 3)."
        )
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs.")
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": results, "extras": found}, indent=2))


if __name__ == "__main__":
    main()
