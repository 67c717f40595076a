"""Benchmark: import N demo entities from CSV with the real ``randcheck entities import``.

Prints rows/s and peak memory (ru_maxrss of the child process) beside a baseline measured in
the same run: plain ``sqlite3`` ``executemany`` of the same rows in one transaction.
Target (issue 12): within 2x the baseline time and at most 500 MB peak at 10,000,000 rows
(``--rows 10000000``); what an import keeps per row lives in a scratch SQLite file, so the peak
should not grow with the file.

    python bench/bench_import.py              # 1,000,000 rows
    python bench/bench_import.py --rows 20000 # quick
    python bench/bench_import.py --csv rows.csv  # an existing file (e.g. one --keep kept)
    python bench/bench_import.py --repeat 3      # the median ratio of 3 alternating runs
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from randcheck.demo_data import ENTITY_FIELDS, iter_entities, write_csv


def _child_rss_mb(before: int) -> float:
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far (KiB on Linux)
    now = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(now, before) / 1024


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def baseline(csv_path: Path, db_path: Path) -> tuple[float, float]:
    """Plain sqlite3: read the same CSV and executemany it in one transaction; returns wall
    and CPU seconds."""
    start = time.perf_counter()
    cpu = _cpu(resource.RUSAGE_SELF)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    cols = ", ".join(f"{c} TEXT" for c in ENTITY_FIELDS[1:])
    conn.execute(f"CREATE TABLE entity (code TEXT PRIMARY KEY, {cols})")
    marks = ", ".join("?" for _ in ENTITY_FIELDS)
    with csv_path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        with conn:
            conn.executemany(f"INSERT INTO entity VALUES ({marks})", reader)
    conn.close()
    return time.perf_counter() - start, _cpu(resource.RUSAGE_SELF) - cpu


def _import_once(csv_path: Path, ws: Path) -> tuple[float, float, float, str] | None:
    """Wall and CPU seconds, peak RSS (MB) and last stderr line of ``entities import`` into a
    new workspace."""
    env = {
        **os.environ,
        "RANDCHECK_HOME": str(ws),
        "RANDCHECK_LANG": "en",
        "RANDCHECK_ACTOR": "bench",
    }
    env.pop("RANDCHECK_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "randcheck"]
    subprocess.run([*cmd, "init"], env=env, check=True, capture_output=True)
    rss_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    t1 = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "entities", "import", str(csv_path)], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - t1
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        return None
    cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu
    return took, cpu, _child_rss_mb(rss_before), proc.stderr.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", default="bench")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument(
        "--repeat", type=int, default=1, help="baseline and import this many times, alternately"
    )
    parser.add_argument(
        "--csv", type=Path, help="import this CSV (demo entity columns) instead of generating one"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="randcheck-bench-"))
    if args.csv is not None:
        csv_path = args.csv
        with csv_path.open("rb") as fh:
            args.rows = sum(1 for _ in fh) - 1  # the demo columns hold no line breaks
        print(f"using {csv_path} ({args.rows:,} rows)", flush=True)
    else:
        csv_path = tmp / "entities.csv"
        t0 = time.perf_counter()
        write_csv(csv_path, ENTITY_FIELDS, ENTITY_FIELDS, iter_entities(args.seed, args.rows))
        gen = time.perf_counter() - t0
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {gen:.1f} s", flush=True)

    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for run in range(1, args.repeat + 1):
        # the two alternate, so that a change in the machine's load hits both alike
        for old in (tmp / "baseline.sqlite", tmp / "baseline.sqlite-wal"):
            old.unlink(missing_ok=True)
        base, base_cpu = baseline(csv_path, tmp / "baseline.sqlite")
        print(
            f"[{run}] baseline sqlite3 executemany: {base:.2f} s, {base_cpu:.2f} s CPU"
            f"  ({args.rows / base:,.0f} rows/s)",
            flush=True,
        )
        result = _import_once(csv_path, tmp / f"ws{run}")
        if result is None:
            return 1
        took, cpu, peak, last_line = result
        ratios.append(took / base)
        cpu_ratios.append(cpu / base_cpu)
        print(
            f"[{run}] randcheck entities import:    {took:.2f} s, {cpu:.2f} s CPU"
            f"  ({args.rows / took:,.0f} rows/s)"
        )
        print(
            f"[{run}] ratio to baseline: {took / base:.2f}x (target <= 2x);"
            f" CPU time {cpu / base_cpu:.2f}x (steadier on a busy machine)"
        )
        print(f"[{run}] peak RSS of the import: {peak:.0f} MB (target <= 500 MB)")
        print(f"[{run}] {last_line}", flush=True)
    if len(ratios) > 1:
        print(
            f"ratio median {statistics.median(ratios):.2f}x"
            f" (min {min(ratios):.2f}, max {max(ratios):.2f}, {len(ratios)} runs);"
            f" CPU time median {statistics.median(cpu_ratios):.2f}x"
            f" (min {min(cpu_ratios):.2f}, max {max(cpu_ratios):.2f})"
        )
    if not args.keep:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        tmp.rmdir()
    else:
        print(f"kept {tmp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
