"""Benchmark: what a ``randcheck`` command costs before it does any work of its own.

Times whole processes from outside (start to exit, interpreter start-up included) and reads
each child's peak resident memory from the operating system (``os.wait4``'s rusage), for:

- ``randcheck --version`` and ``randcheck --help`` (target: <= 0.25 s, no database or crypto),
- ``randcheck task --help`` (a group's help: the same target),
- ``randcheck entities count`` and ``randcheck task list`` on an empty initialised workspace
  (a command's fixed start-up: open the database, check its schema, query nothing; target
  <= 0.5 s).

and two yardsticks that say how fast this machine is at the moment: a bare interpreter
(``python -c pass``) and ``python -c "import sqlmodel"`` (the floor of any database command).

Prints the median, min and max of ``--runs`` runs (after one warm-up run) and asserts nothing.

    python bench/bench_startup.py            # 7 runs each
    python bench/bench_startup.py --runs 15
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YARDSTICKS: list[tuple[str, list[str]]] = [
    ("python -c pass", ["-c", "pass"]),
    ("python -c 'import sqlmodel'", ["-c", "import sqlmodel"]),
]

COMMANDS: list[tuple[str, list[str]]] = [
    ("randcheck --version", ["--version"]),
    ("randcheck --help", ["--help"]),
    ("randcheck task --help", ["task", "--help"]),
    ("randcheck entities count (empty ws)", ["entities", "count"]),
    ("randcheck task list (empty ws)", ["task", "list"]),
]


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return wall, usage.ru_maxrss * scale, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default 7)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        ws = Path(tmp) / "ws"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RANDCHECK_")}
        env.update({"RANDCHECK_HOME": str(ws), "RANDCHECK_LANG": "en"})
        base = [sys.executable, "-m", "randcheck"]
        subprocess.run([*base, "init"], env=env, check=True, capture_output=True)
        print(f"python {sys.version.split()[0]}, {args.runs} runs each after 1 warm-up")
        print(f"{'command':<38} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
        runs = [(label, [sys.executable, *extra]) for label, extra in YARDSTICKS]
        runs += [(label, [*base, *extra]) for label, extra in COMMANDS]
        for label, argv in runs:
            _run_once(argv, env)  # warm-up: file cache, .pyc
            walls, peaks = [], []
            for _ in range(args.runs):
                wall, peak, code = _run_once(argv, env)
                if code != 0:
                    raise SystemExit(f"{label}: exit {code}")
                walls.append(wall)
                peaks.append(peak)
            print(
                f"{label:<38} {statistics.median(walls):9.3f} {min(walls):7.3f}"
                f" {max(walls):7.3f} {statistics.median(peaks):8.1f}"
            )


if __name__ == "__main__":
    main()
