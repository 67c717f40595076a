"""Benchmark: the parts of ``task announce`` that grow with the registry and the history,
timed one by one on a workspace kept by ``bench_service.py --root DIR`` (read only).

    python bench/bench_pool.py /tmp/b1m/pristine [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--task", default="B1")
    args = ap.parse_args()
    from sqlmodel import Session

    from randcheck.core.canonical import canonical
    from randcheck.core.draw.model import Roster
    from randcheck.core.draw.pairing import Pairing
    from randcheck.services import eligible, tasks
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    ws = Workspace(args.root)
    eng = open_engine(ws.default_db_url())
    now = datetime(2023, 9, 20, 2, 0, tzinfo=UTC)
    for _ in range(args.repeat):
        with Session(eng) as s:
            t = {}
            t0 = time.perf_counter()
            _row, d = tasks.get_task(s, args.task)
            rt = eligible.resolve_items(s, d)
            pool = eligible.compute_pool(s, rt, now)
            t["compute_pool"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            roster = eligible.build_roster(s, rt, pool)
            t["build_roster"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        doc = roster.document()
        t["roster.document"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw = canonical(doc)
        t["canonical(roster)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = Roster.from_document(doc)
        t["Roster.from_document"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        Pairing(back, eligible.team_rules(rt), rt.departments, b"\x00" * 64)
        t["Pairing()"] = time.perf_counter() - t0
        sizes = {k: len(v) for k, v in pool.strata.items()}
        print(" ".join(f"{k} {v:.2f}" for k, v in t.items()),
              f"| pool {sizes} excl {pool.exclusions} previous {len(roster.previous)}"
              f" roster {len(raw) / 1e6:.1f} MB history {pool.history_digest[:12]}"
              f" peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
