"""Benchmark: the product path of a draw on a large workspace, as the commands run it.

Where ``bench_draw.py`` measures the protocol core on a streaming SELECT, this measures what
an office actually runs: ``tasks.announce`` (pool with exclusion rules, strata, roster,
feasibility check, commitment, signature, frozen snapshot stored in the database, audit log)
and then ``draws.prepare`` + ``reveal`` + ``compute`` + ``finalize`` (snapshot re-checked,
entropy verified with a real drand quicknet round, the reveal logged, selection, pairing,
signed record stored and logged).
4 strata, 1,000 targets, 300 inspectors.  Each phase runs in its own process (peak RSS).

    python bench/bench_service.py                      # 1,000,000 entities
    python bench/bench_service.py --entities 10000000
    python bench/bench_service.py --entities 10000000 --history 2000000 --rules

``--history N`` adds N rows of inspection history (``history import``'s table, dates spread
over the two years before the draw, a third of them not random, each with an inspector);
``--rules`` turns on ``recent_days``, ``annual_cap``, ``drawn_this_year`` and rotation.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASS = b"bench-passphrase"
ROUND = 657413
BEACON = {
    "round": ROUND,
    "signature": "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862"
    "b98fad56e91a6b85b89cd97b",
}
TASK = """id = "B1"
title = "基准测试"
items = ["SC-001"]
departments = ["市场监管局", "农业农村局"]
mode = "undirected"
batches = 4
[[strata]]
id = "A"
risk = ["A"]
count = 400
reserve = 20
[[strata]]
id = "B"
risk = ["B"]
count = 300
reserve = 20
[[strata]]
id = "C"
risk = ["C"]
count = 200
reserve = 20
[[strata]]
id = "D"
risk = ["D", "*"]
count = 100
reserve = 20
[teams]
min_inspectors = 2
experts = 1
per_department = true
max_load = 40
inspect_from = "2023-10-01"
inspect_to = "2023-10-31"
[[entropy.dice]]
witness = "甲"
count = 5
faces = 6
[entropy.drand]
chain = "quicknet"
round = 657413
"""


RULES = """[exclusions]
recent_days = 180
annual_cap = 1
drawn_this_year = true
"""


def add_history(db: Path, n: int) -> None:
    """``n`` history rows in bulk (the real table), for entities spread over the registry."""
    import hashlib
    import random
    import sqlite3

    rng = random.Random(7)
    con = sqlite3.connect(db)
    codes = [c for (c,) in con.execute("SELECT code FROM entity ORDER BY code")]
    start = datetime(2021, 9, 1).toordinal()
    rows = []
    for i in range(n):
        code = codes[rng.randrange(len(codes))]
        day = datetime.fromordinal(start + rng.randrange(740)).date().isoformat()
        digest = hashlib.sha256(f"{i}".encode()).hexdigest()
        rows.append((code, day, "SC-001" if i % 2 else "", f"|ZF{i % 300:04d}|", "未发现问题",
                     "其他部门", "bench", i % 3 != 0, f"X{i}", digest))  # fmt: skip
    con.executemany(
        "INSERT INTO inspection_history (entity_code, inspected_on, item_code, inspectors, "
        "result, department, source, is_random, ref, content) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()
    con.close()


def setup(
    root: Path, n: int, history: int = 0, rules: bool = False, rotation: bool = True
) -> None:
    from bench.bench_draw import build_db
    from randcheck.services import keys, registry, tasks
    from randcheck.services.audit import AuditLog
    from randcheck.store.db import open_engine
    from randcheck.workspace import init_workspace

    ws, _ = init_workspace(root, "基准", "320500")
    build_db(ws.db_dir / "randcheck.sqlite", n)  # the real schema, rows inserted in bulk
    eng = open_engine(ws.default_db_url())
    keys.init_key(ws, AuditLog(ws, eng), "bench", PASS)
    (root / "items.csv").write_text(
        "code,name,legal_basis,department,item_type,required_qualification\n"
        "SC-001,食品抽查,《食品安全法》,市场监管局,重点,食品\n",
        "utf-8",
    )
    lines = ["badge_no,name,department,is_expert,cert_valid_until,qualifications,status"]
    for i in range(300):
        dep = ("市场监管局", "农业农村局")[i % 2]
        lines.append(f"ZF{i:04d},人员{i},{dep},{'是' if i >= 270 else '否'},2030-12-31,食品,在职")
    (root / "inspectors.csv").write_text("\n".join(lines) + "\n", "utf-8")
    registry.import_file(eng, ws, "items", root / "items.csv", actor="bench")
    registry.import_file(eng, ws, "inspectors", root / "inspectors.csv", actor="bench")
    task = TASK.replace("[[strata]]", RULES + "[[strata]]", 1) if rules else TASK
    if not rotation:
        task = task.replace("[teams]\n", "[teams]\nrotation = false\n", 1)
    (root / "task.toml").write_text(task, "utf-8")
    tasks.create_tasks(ws, eng, root / "task.toml", "bench")
    eng.dispose()
    if history:
        add_history(ws.db_dir / "randcheck.sqlite", history)


def child(phase: str, root: Path) -> dict[str, float]:
    from randcheck.core.draw import drand
    from randcheck.services import draws, gathering, keys, tasks
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    ws = Workspace(root)
    key = keys.load_private_key(ws, "office", PASS)
    round_at = datetime.fromtimestamp(drand.round_time(drand.CHAINS["quicknet"], ROUND), UTC)
    t0 = time.perf_counter()
    eng = open_engine(ws.default_db_url())
    out: dict[str, float] = {}
    if phase == "announce":
        tasks.announce(ws, eng, "B1", key, "bench", round_at - timedelta(minutes=15))
    else:
        plan = draws.prepare(eng, "B1")
        out["prepare"] = time.perf_counter() - t0
        drawn_at = (round_at + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        evidence = gathering.evidence_from_file(plan, {"dice": {"甲": [1, 2, 3, 4, 5]},
                                                   "drand": BEACON}, drawn_at)  # fmt: skip
        at = round_at + timedelta(seconds=90)
        seq = draws.reveal(ws, eng, plan, evidence, "bench", redraw=False, now=at)
        body = draws.compute(plan, evidence, drawn_at)
        draws.finalize(ws, eng, plan, body, key, [], "bench", seq, at)
    out["total"] = time.perf_counter() - t0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--history", type=int, default=0)
    ap.add_argument("--rules", action="store_true")
    ap.add_argument("--no-rotation", action="store_true", help="[teams] rotation = false")
    ap.add_argument("--child", default=None)
    ap.add_argument("--root", type=Path, default=None)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.root)))
        return
    root = Path(tempfile.mkdtemp(prefix="randcheck-bench-")) / "ws"
    try:
        t = time.perf_counter()
        setup(root, args.entities, args.history, args.rules, not args.no_rotation)
        print(
            f"workspace with {args.entities:,} entities and {args.history:,} history rows"
            f"{' (exclusion rules on)' if args.rules else ''}"
            f"{' (rotation off)' if args.no_rotation else ''} prepared in"
            f" {time.perf_counter() - t:.1f} s"
        )
        results = {}
        for phase in ("announce", "draw"):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", phase, "--root", str(root)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode:
                raise SystemExit(proc.stderr)
            results[phase] = json.loads(proc.stdout.strip().splitlines()[-1])
            r = results[phase]
            print(f"{phase:9s} {r['total']:7.2f} s   peak {r['peak_mb']:6.0f} MB")
        total = results["announce"]["total"] + results["draw"]["total"]
        print(f"announce + draw: {total:.2f} s end to end through the services")
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
