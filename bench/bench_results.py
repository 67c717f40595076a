"""Benchmark: the 一公开 half at scale, through the services as the commands run them.

A workspace with 200,000 entities and one task drawing 50,000 targets for 2 items (100,000
results), then: the entry template, ``results import`` of every row filled in, the same
import again (every row unchanged), ``results due`` over the 100,000 results, and ``results
publish`` (one signed document of 100,000 entries).

    python bench/bench_results.py
    python bench/bench_results.py --targets 10000     # a quicker run
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_service import BEACON, PASS, ROUND

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from randcheck.workspace import Workspace

TASK = """id = "R1"
title = "结果基准"
items = ["SC-001", "SC-002"]
departments = ["市场监管局"]
mode = "undirected"
[[strata]]
id = "A"
risk = ["*"]
count = {targets}
[teams]
min_inspectors = 2
max_load = 40
inspect_from = "2023-09-16"
inspect_to = "2023-12-31"
[[entropy.dice]]
witness = "甲"
count = 5
faces = 6
[entropy.drand]
chain = "quicknet"
round = 657413
"""


def office(root: Path, bureau: str, entities: int, inspectors: int) -> tuple[Workspace, Engine]:
    """A workspace at ``root`` with ``entities`` generated entities, the office key (``PASS``),
    items SC-001 and SC-002 and ``inspectors`` inspectors, imported as an office would:
    (workspace, engine).  bench_site.py builds on it too."""
    from bench.bench_draw import build_db
    from randcheck.services import keys, registry
    from randcheck.services.audit import AuditLog
    from randcheck.store.db import open_engine
    from randcheck.workspace import init_workspace

    ws, _ = init_workspace(root, bureau, "320500")
    build_db(ws.db_dir / "randcheck.sqlite", entities)
    eng = open_engine(ws.default_db_url())
    keys.init_key(ws, AuditLog(ws, eng), "bench", PASS)
    (root / "items.csv").write_text(
        "code,name,legal_basis,department,item_type\n"
        "SC-001,食品抽查,《食品安全法》,市场监管局,重点\n"
        "SC-002,广告抽查,《广告法》,市场监管局,重点\n",
        "utf-8",
    )
    lines = ["badge_no,name,department,cert_valid_until,status"]
    lines += [f"ZF{i:05d},人员{i},市场监管局,2030-12-31,在职" for i in range(inspectors)]
    (root / "inspectors.csv").write_text("\n".join(lines) + "\n", "utf-8")
    registry.import_file(eng, ws, "items", root / "items.csv", actor="bench")
    registry.import_file(eng, ws, "inspectors", root / "inspectors.csv", actor="bench")
    return ws, eng


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=200_000)
    ap.add_argument("--targets", type=int, default=50_000)
    ap.add_argument("--profile", type=Path, default=None, help="cProfile of results due, to FILE")
    args = ap.parse_args()
    from randcheck.core.draw import drand
    from randcheck.services import draws, gathering, keys, tasks
    from randcheck.services.results import clock, entry, publication

    root = Path(tempfile.mkdtemp(prefix="randcheck-bench-results-")) / "ws"
    try:
        ws, eng = office(root, "基准", args.entities, args.targets * 2 // 40 + 50)
        (root / "task.toml").write_text(TASK.format(targets=args.targets), "utf-8")
        tasks.create_tasks(ws, eng, root / "task.toml", "bench")
        key = keys.load_private_key(ws, "office", PASS)
        round_at = datetime.fromtimestamp(drand.round_time(drand.CHAINS["quicknet"], ROUND), UTC)
        tasks.announce(ws, eng, "R1", key, "bench", round_at - timedelta(minutes=15))
        plan = draws.prepare(eng, "R1")
        drawn_at = (round_at + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ev = gathering.evidence_from_file(plan, {"dice": {"甲": [1, 2, 3, 4, 5]}, "drand": BEACON},
                                      drawn_at)  # fmt: skip
        at = round_at + timedelta(seconds=90)
        seq = draws.reveal(ws, eng, plan, ev, "bench", redraw=False, now=at)
        draws.finalize(ws, eng, plan, draws.compute(plan, ev, drawn_at), key, [], "bench", seq, at)

        t = time.perf_counter()
        sheet = entry.template(eng, ws, "R1", "zh", "csv")
        print(f"template ({args.targets * 2:,} rows, CSV)  {time.perf_counter() - t:6.2f} s")
        rows = list(csv.reader(io.StringIO(sheet[3:].decode("utf-8"))))
        d, r = entry.FIELDS.index("completed_on"), entry.FIELDS.index("terms")
        for n, row in enumerate(rows[1:]):
            row[d] = f"2023-10-{1 + n % 28:02d}"
            row[r] = ("未发现问题", "发现问题已责令改正")[n % 2]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        filled = root / "filled.csv"
        filled.write_text(buf.getvalue(), "utf-8")
        now = datetime(2023, 11, 15, tzinfo=UTC)
        t = time.perf_counter()
        done = entry.import_results(ws, eng, filled, actor="bench", now=now)
        print(f"results import      {done.added:,} rows  {time.perf_counter() - t:6.2f} s")
        t = time.perf_counter()
        again = entry.import_results(ws, eng, filled, actor="bench", now=now)
        took = time.perf_counter() - t
        print(f"results import again {again.unchanged:,} unchanged  {took:6.2f} s")
        if args.profile is not None:
            import cProfile

            cProfile.runctx("clock.due(ws, eng, None, date(2023, 11, 20))", globals(),
                            {**locals(), "clock": clock}, str(args.profile))  # fmt: skip
        t = time.perf_counter()
        due = clock.due(ws, eng, None, date(2023, 11, 20))
        print(f"results due         {len(due):,} rows  {time.perf_counter() - t:6.2f} s")
        t = time.perf_counter()
        pub = publication.publish(ws, eng, "R1", key, "bench", now=now)
        print(f"results publish     {pub.count:,} entries  {time.perf_counter() - t:6.2f} s")
        eng.dispose()
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
