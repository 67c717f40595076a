"""Benchmark: ``site build`` for a year of 200 tasks and 10,000 published results.

The workspace is built through the services (as the commands run them), its entity table
filled directly like bench_draw.py does: an annual plan of ``--tasks`` tasks, each announced
and drawn with dice (``--targets`` targets, 2 items: 2 × targets results a task), every
result entered in one import and published (one signed document a task), and the draw
bundles of ``--bundles`` tasks published.  Then three timed builds: the first (empty folder),
a rebuild with nothing changed (writes nothing), and a rebuild the next day (``--as-of``
one day later: only the date-dependent home page and the manifest change).

    python bench/bench_site.py
    python bench/bench_site.py --tasks 40 --bundles 10     # a quicker run
    python bench/bench_site.py --keep DIR --vs OTHER --rounds 3

``--vs OTHER`` (with ``--keep``: the workspace is built once) times the three builds of this
tree's randcheck and of the one in ``OTHER`` (another checkout, e.g. ``git worktree add`` of
main, or ``git archive main | tar -x -C OTHER``), each in its own process, alternately for
``--rounds`` rounds, and prints each figure's median, spread and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_results import office
from bench.bench_service import PASS

TASK = """[[task]]
id = "Y{n:03d}"
title = "2023年第{n}批抽查"
planned_draw_at = "2023-{month:02d}-10T09:00:00+08:00"
"""
DEFAULTS = """[defaults]
items = ["SC-001", "SC-002"]
departments = ["市场监管局"]
mode = "undirected"
strata = [{{id = "A", risk = ["*"], count = {targets}}}]
entropy = {{dice = [{{witness = "甲", count = 5, faces = 6}}]}}
[defaults.teams]
min_inspectors = 2
max_load = 400
inspect_from = "2023-03-01"
inspect_to = "2023-12-31"
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--tasks", type=int, default=200)
    ap.add_argument("--targets", type=int, default=25)
    ap.add_argument("--bundles", type=int, default=200)
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the workspace in this folder and keep it; reuse it if it exists",
    )
    ap.add_argument("--vs", type=Path, default=None, help="another randcheck tree to compare")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.vs is not None:
        if args.keep is None or not (args.keep / "ws" / "randcheck.toml").is_file():
            ap.error("--vs needs --keep DIR with a workspace built there (run once without --vs)")
        compare(args.keep, args.vs, args.rounds)
        return
    from sqlmodel import Session

    from randcheck.services import draws, gathering, keys, publish, tasks
    from randcheck.services.results import context, entry, publication

    keep = args.keep is not None
    root = (args.keep or Path(tempfile.mkdtemp(prefix="randcheck-bench-site-"))) / "ws"
    try:
        started = time.perf_counter()
        if keep and (root / "randcheck.toml").is_file():
            time_builds(root, date(2023, 11, 20))
            return
        ws, eng = office(root, "基准市市场监督管理局", args.entities, 60)
        plan_text = DEFAULTS.format(targets=args.targets) + "".join(
            TASK.format(n=n, month=1 + n % 12) for n in range(1, args.tasks + 1)
        )
        (root / "plan.toml").write_text(plan_text, "utf-8")
        created = tasks.create_tasks(ws, eng, root / "plan.toml", "bench")
        key = keys.load_private_key(ws, "office", PASS)
        clock = datetime(2023, 3, 1, 1, tzinfo=UTC)
        rows: list[list[str]] = []
        for d in created:
            tasks.announce(ws, eng, d.id, key, "bench", clock)
            plan = draws.prepare(eng, d.id)
            drawn_at = (clock + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            ev = gathering.evidence_from_file(plan, {"dice": {"甲": [1, 2, 3, 4, 5]}}, drawn_at)
            at = clock + timedelta(minutes=6)
            seq = draws.reveal(ws, eng, plan, ev, "bench", redraw=False, now=at)
            draws.finalize(ws, eng, plan, draws.compute(plan, ev, drawn_at), key, [], "bench",
                           seq, at)  # fmt: skip
            with Session(eng) as s:
                task_rows = entry.template_rows(context.load(s, d.id), "zh")
            rows = rows or task_rows[:1]
            rows += task_rows[1:]
            clock += timedelta(hours=1)
        dcol, tcol = entry.FIELDS.index("completed_on"), entry.FIELDS.index("terms")
        for n, row in enumerate(rows[1:]):
            row[dcol] = f"2023-10-{1 + n % 28:02d}"
            row[tcol] = ("未发现问题", "发现问题已责令改正")[n % 2]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        (root / "filled.csv").write_text(buf.getvalue(), "utf-8")
        now = datetime(2023, 11, 1, 2, tzinfo=UTC)
        entry.import_results(ws, eng, root / "filled.csv", actor="bench", now=now)
        for d in created:
            publication.publish(ws, eng, d.id, key, "bench", now=now)
        records = draws_by_task(eng)
        for d in created[: args.bundles]:
            publish.publish_record(ws, eng, records[d.id], key, actor="bench", now=now)
        results = len(rows) - 1
        bundles = min(args.bundles, args.tasks)
        setup = time.perf_counter() - started
        print(f"workspace: {args.tasks} tasks, {results:,} published results, {bundles} bundles"
              f"  ({setup:.1f} s to build)")  # fmt: skip
        eng.dispose()
        time_builds(root, date(2023, 11, 20))
    finally:
        if not keep:
            shutil.rmtree(root.parent, ignore_errors=True)


def time_builds(root: Path, as_of: date) -> None:
    """The first build (into an empty folder), a rebuild with nothing changed and a rebuild the
    next day (only the date-dependent home page and the manifest change)."""
    from randcheck.services import keys
    from randcheck.site import build
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    ws = Workspace(root)
    clear_site(root)
    eng = open_engine(ws.default_db_url())
    key = keys.load_private_key(ws, "office", PASS)
    runs = [("first build", as_of), ("rebuild, nothing changed", as_of),
            ("rebuild, next day", as_of + timedelta(days=1))]  # fmt: skip
    for label, day in runs:
        t = time.perf_counter()
        res = build.build_site(ws, eng, key, as_of=day, actor="bench")
        took = time.perf_counter() - t
        print(f"{label:28s} {took:6.2f} s  ({res.files:,} files, {len(res.written):,} written)")
    eng.dispose()


LINE = re.compile(r"^(first build|rebuild, nothing changed|rebuild, next day)\s+([0-9.]+) s")


def clear_site(root: Path) -> None:
    """Remove the site a previous run built, and wait until the removal is on disk: the first
    build is timed into an empty folder, not billed for deleting 7,000 files (ext4 mounted
    with ``discard`` trims their blocks at the next commit)."""
    shutil.rmtree(root / "publish" / "site", ignore_errors=True)
    if hasattr(os, "sync"):
        os.sync()


def compare(keep: Path, other: Path, rounds: int) -> None:
    """This tree against ``other``: each round runs both (order alternating), each the three
    timed builds of :func:`time_builds` in a fresh process on the kept workspace."""
    trees = {"this": Path(__file__).resolve().parent.parent, "other": other.resolve()}
    times: dict[tuple[str, str], list[float]] = {}
    for n in range(rounds):
        for name in ("this", "other") if n % 2 == 0 else ("other", "this"):
            script = trees[name] / "bench" / "bench_site.py"
            clear_site(keep / "ws")  # the same for both, whatever the other tree's bench does
            cpu = children_cpu()
            run = subprocess.run([sys.executable, str(script), "--keep", str(keep)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            times.setdefault((name, CPU), []).append(children_cpu() - cpu)
            for line in run.stdout.splitlines():
                m = LINE.match(line)
                if m:
                    times.setdefault((name, m.group(1)), []).append(float(m.group(2)))
            print(f"round {n + 1} {name:5s}: " + ", ".join(
                f"{times[(name, k)][-1]:.2f}" for k in (*LABELS, CPU) if (name, k) in times),
                flush=True)  # fmt: skip
    print(f"{'':28s} {'this':>22s} {'other':>22s}  this/other")
    for label in (*LABELS, CPU):
        cells = []
        for name in ("this", "other"):
            got = times.get((name, label), [])
            cells.append(f"{statistics.median(got):6.2f} s ({min(got):.2f}–{max(got):.2f})")
        a, b = (statistics.median(times[(n, label)]) for n in ("this", "other"))
        print(f"{label:28s} {cells[0]:>22s} {cells[1]:>22s}  {a / b:.2f}")


LABELS = ("first build", "rebuild, nothing changed", "rebuild, next day")
#: the CPU time (user + system) of the whole process: start, the three builds, exit — steadier
#: than the wall-clock times when other programs share the cores
CPU = "cpu, whole run"


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far (0 where unknown)."""
    if sys.platform == "win32":
        return 0.0
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def draws_by_task(eng: object) -> dict[str, str]:
    from sqlalchemy import select
    from sqlmodel import Session, col

    from randcheck.store.draw_models import RecordRow

    with Session(eng) as s:  # type: ignore[call-overload]
        q = select(RecordRow.task_id, RecordRow.digest).where(col(RecordRow.superseded).is_(False))
        return {str(t): str(d) for t, d in s.execute(q).all()}


if __name__ == "__main__":
    main()
