"""Instructions per message, FocalPoint beside opsdroid: a count that does not move with the
machine's speed or load, unlike CPU time (±20 % between runs here, more between machines).

Each program runs under Valgrind's callgrind (user-space instructions of every thread) twice,
with 500 and with 2,500 messages after the same warm-up; the difference over 2,000 is what
one message costs, start-up and warm-up cancelled. Hash randomisation is fixed, so a repeat
gives the same count to within 0.1 %. What it cannot see: time in the kernel (SQLite's WAL
writes and locks, 16 system calls a ping here, which the persistence floor pays too) and how
well each program uses the caches; CPU time in ``compare.py`` includes both.

    .venv/bin/python bench/instructions.py [--json FILE]    # needs valgrind (Debian package)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compare import PEERS, VENVS

BENCH = Path(__file__).resolve().parent
SMALL, LARGE = 500, 2_500
COLLECTED = re.compile(r"Collected : (\d+)")


PROGRAMS = {  # case -> (our script, the peer's workload name)
    "w1 closed": ("w1_ping.py", "w1"),
    "w2 closed": ("w2_mixed.py", "w2"),
}
Command = Callable[[int], list[str]]


def instructions(command: list[str]) -> int:
    """User-space instructions the command executes, all threads."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {command}:\n{done.stderr[-2000:]}")
    return int(found[1])


def per_message(make: Command) -> float:
    """(count at LARGE - count at SMALL) / (LARGE - SMALL), both runs at once."""
    with ThreadPoolExecutor(2) as pool:
        small, large = pool.map(lambda n: instructions(make(n)), [SMALL, LARGE])
    return (large - small) / (LARGE - SMALL)


def ours(script: str) -> Command:
    """Our benchmark ``script`` run once in this process's Python, with ``n`` messages."""
    return lambda n: [sys.executable, str(BENCH / script), "--child", "--messages", str(n)]


def opsdroid(workload: str, out: Path) -> Command:
    """The peer's benchmark, closed loop, once, with ``n`` messages."""
    python = str(VENVS / "venv_opsdroid" / "bin" / "python")
    script = str(PEERS / "peer_opsdroid.py")
    return lambda n: [
        python,
        "-W",
        "ignore",
        script,
        "--n",
        str(n),
        "--child",
        workload,
        "closed",
        str(out),
    ]


def measure(scratch: Path) -> dict[str, dict[str, float]]:
    """Instructions per message of each program on each case."""
    found: dict[str, dict[str, float]] = {}
    for case, (script, workload) in PROGRAMS.items():
        found[case] = {
            "opsdroid": per_message(opsdroid(workload, scratch / f"{workload}.json")),
            "FocalPoint": per_message(ours(script)),
        }
    found["w1 closed"]["floor"] = per_message(ours("w1_floor.py"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    if not (VENVS / "venv_opsdroid" / "bin" / "python").exists():
        sys.exit(f"no opsdroid venv under {VENVS}: run {PEERS / 'setup.sh'}")
    with tempfile.TemporaryDirectory(prefix="focalinstr-") as tmp:
        found = measure(Path(tmp))
    print("Instructions per message (callgrind, all threads, user space); ratio = ours/opsdroid")
    print("| case | opsdroid | FocalPoint | ratio | persistence floor |")
    print("|---|---|---|---|---|")
    for case, counts in found.items():
        floor = f"{counts['floor']:,.0f}" if "floor" in counts else ""
        ratio = counts["FocalPoint"] / counts["opsdroid"]
        print(
            f"| {case} | {counts['opsdroid']:,.0f} | {counts['FocalPoint']:,.0f} "
            f"| {ratio:.2f} | {floor} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
