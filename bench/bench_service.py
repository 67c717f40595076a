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
    python bench/bench_service.py --root /tmp/b10m --entities 10000000 --history 2000000 \
        --rules --repeat 3                             # build once, keep, time again later

``--history N`` adds N rows of inspection history (``history import``'s table, dates spread
over the two years before the draw, a third of them not random, each with an inspector);
``--rules`` turns on ``recent_days``, ``annual_cap``, ``drawn_this_year`` and rotation.

``--root DIR`` keeps the workspace: it is built once in ``DIR/pristine`` (with the options
given; a later run with ``--root DIR`` reuses it and ignores them) and every timed run works on
a fresh copy ``DIR/ws``, so announce can be timed again and again on the same data;
``--repeat N`` times announce N times (the draw after the last), ``--profile FILE`` writes
a cProfile of the (last) announce child.  ``--pg URL`` times the same on PostgreSQL: each run
copies the workspace's database into a new schema of that server (``COPY``, after randcheck's
own migrations made the tables and triggers) and the children open it there.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


CHUNK_ROWS = 100_000  # history rows generated and inserted per executemany
HISTORY_SQL = (
    "INSERT INTO inspection_history (entity_code, inspected_on, item_code, inspectors, "
    "result, department, source, is_random, ref, content) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def _bulk_connection(db: Path) -> Any:
    """A plain sqlite3 connection set up for a bulk load (no journal, no fsync, a cache big
    enough for the history table's indexes: their keys arrive in random order)."""
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")  # KiB
    return con


def _sorted_codes(con: Any) -> tuple[bytes, int]:
    """The registry's codes in code order as one bytes string of fixed-width slots (an
    18-character slot each: the bench registry's codes all have 18 ASCII characters), so
    that 10,000,000 codes take 180 MB rather than a list of str objects (~750 MB)."""
    blob = con.execute("SELECT group_concat(code, '') FROM (SELECT code FROM entity ORDER BY code)")
    codes: bytes = (blob.fetchone()[0] or "").encode("ascii")
    count = int(con.execute("SELECT count(*) FROM entity").fetchone()[0])
    if len(codes) != 18 * count:
        raise SystemExit("bench: every entity code must have 18 ASCII characters")
    return codes, count


def add_history(db: Path, n: int) -> None:
    """``n`` history rows in bulk (the real table), for entities spread over the registry.

    The rows are those this benchmark has always measured the draw with (the same seed and
    sequence: uniform over the registry, dates over the two years before the draw, a third
    not random, department ``其他部门``); they are generated and inserted in chunks."""
    import hashlib
    import random

    rng = random.Random(7)
    con = _bulk_connection(db)
    codes, count = _sorted_codes(con)
    start = datetime(2021, 9, 1).toordinal()
    days = [datetime.fromordinal(start + d).date().isoformat() for d in range(740)]
    for lo in range(0, n, CHUNK_ROWS):
        rows = []
        for i in range(lo, min(n, lo + CHUNK_ROWS)):
            k = rng.randrange(count)
            code = codes[18 * k : 18 * k + 18].decode("ascii")
            day = days[rng.randrange(740)]
            digest = hashlib.sha256(f"{i}".encode()).hexdigest()
            rows.append((code, day, "SC-001" if i % 2 else "", f"|ZF{i % 300:04d}|", "未发现问题",
                         "其他部门", "bench", i % 3 != 0, f"X{i}", digest))  # fmt: skip
        con.executemany(HISTORY_SQL, rows)
    con.commit()
    con.close()


# An office's history (``add_office_history``): the departments that inspect market entities,
# with their shares of the inspections; an inspection covers 1, 2 or 3 items (one row each).
DEPARTMENTS = (("市场监管局", 45), ("农业农村局", 15), ("生态环境局", 12), ("应急管理局", 10),
               ("卫生健康委", 10), ("交通运输局", 8))  # fmt: skip
ITEMS_PER_INSPECTION = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)
RANDOM_SHARE = 70  # percent of inspections that are random draws (the rest: 投诉, 专项, 个案)


def add_office_history(
    db: Path, n: int, skew: float = 0.0, hot: int = 0, years: tuple[int, int] = (2022, 2023)
) -> None:
    """About ``n`` history rows (whole inspections: an inspection's rows are never split)
    shaped like an office's history, over calendar years ``years`` (inclusive).

    * an inspection is one entity, date, department and ref, with 1-3 rows (one per item);
    * departments by their shares (``DEPARTMENTS``), 70 % random (a random inspection's ref is
      its task number ``SJ<year>-<department>-<week>``, shared by the whole draw), the rest
      each with a ref of its own;
    * entities uniform over the registry, except that a share ``skew`` (0..1) of the
      inspections go to ``hot`` entities (default 1 % of the registry) -- key-supervision
      firms, repeated complaints -- the worst case for the repeated-inspections statistic.
    """
    import random

    if not 0.0 <= skew <= 1.0:
        raise SystemExit("bench: --skew is a share between 0 and 1")
    rng = random.Random(11)
    con = _bulk_connection(db)
    codes, count = _sorted_codes(con)
    hot = min(count, hot or max(1, count // 100))
    hot_ranks = rng.sample(range(count), hot)
    first = datetime(years[0], 1, 1).toordinal()
    days = [datetime.fromordinal(d).date().isoformat()
            for d in range(first, datetime(years[1], 12, 31).toordinal() + 1)]  # fmt: skip
    weighted = [j for j, (_d, share) in enumerate(DEPARTMENTS) for _ in range(share)]
    ndays, nweights, r = len(days), len(weighted), rng.random
    i = 0
    rows: list[tuple[Any, ...]] = []
    while i < n:
        k = hot_ranks[int(r() * hot)] if r() < skew else int(r() * count)
        code = codes[18 * k : 18 * k + 18].decode("ascii")
        d = int(r() * ndays)
        day, j = days[d], weighted[int(r() * nweights)]
        is_random = r() * 100 < RANDOM_SHARE
        ref = f"SJ{day[:4]}-{j}-{d // 7:03d}" if is_random else f"GA{i}"
        team = f"|ZF{int(r() * 300):04d}|ZF{int(r() * 300):04d}|"
        for item in range(ITEMS_PER_INSPECTION[int(r() * 10)]):
            # unique like the importer's content digests, but rising: appended to the
            # unique index rather than inserted at random places (a bulk load 3x faster)
            rows.append((code, day, f"SC-{item + 1:03d}", team, "未发现问题", DEPARTMENTS[j][0],
                         "bench", is_random, ref, f"{i:064x}"))  # fmt: skip
            i += 1
        if len(rows) >= CHUNK_ROWS:
            con.executemany(HISTORY_SQL, rows)
            rows = []
    con.executemany(HISTORY_SQL, rows)
    con.commit()
    con.close()


def setup(
    root: Path,
    n: int,
    history: int = 0,
    rules: bool = False,
    rotation: bool = True,
    skew: float | None = None,
    hot: int = 0,
) -> None:
    """The bench workspace: ``n`` entities, 300 inspectors, task B1 created (not announced);
    ``history`` rows by :func:`add_history` or, given a ``skew``, :func:`add_office_history`."""
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
    if history and skew is None:
        add_history(ws.db_dir / "randcheck.sqlite", history)
    elif history:
        add_office_history(ws.db_dir / "randcheck.sqlite", history, skew, hot)
    index_registry(root)


def index_registry(root: Path, url: str | None = None) -> float:
    """Build the pool index as the first ``task check`` after an import does, and keep the
    history digest and the history index as ``history import`` does (the rows here were
    inserted in bulk, not imported); the seconds it took (a fraction of one when all three
    were current)."""
    from randcheck.services import poolindex
    from randcheck.services.results import history
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    t = time.perf_counter()
    eng = open_engine(url or Workspace(root).default_db_url())
    poolindex.refresh(eng)  # nothing to do when current
    history.keep_for_announcements(eng)  # likewise
    eng.dispose()
    return time.perf_counter() - t


def copy_to_postgres(db: Path, url: str) -> str:
    """The workspace database ``db`` (SQLite) copied into a new schema of the PostgreSQL
    server at ``url``, migrated by randcheck first (tables, triggers); the schema's URL."""
    import sqlite3
    import uuid

    from sqlalchemy import create_engine, text

    from randcheck.store.db import open_engine

    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        for (old,) in conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_%'")
        ):
            conn.execute(text(f'DROP SCHEMA "{old}" CASCADE'))  # an earlier run's
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    target = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    eng = open_engine(target)
    src = sqlite3.connect(db)
    tables = [r[0] for r in src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name != 'alembic_version'"
    )]  # fmt: skip
    raw = eng.raw_connection()
    try:
        cur = raw.cursor()
        for table in tables:
            cur.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            there = {r[0] for r in cur.fetchall()}  # a pristine older than a migration
            here = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            cols = ", ".join(f'"{c}"' for c in here if c in there)
            cur.execute(f'DELETE FROM "{table}"')  # rows the migrations seeded
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in src.execute(f'SELECT {cols} FROM "{table}"'):
                    copy.write_row(row)
        for table in tables:  # serial columns continue after the rows copied
            cur.execute(
                "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass "
                "AND pg_get_serial_sequence(%s, a.attname) IS NOT NULL",
                (f'"{table}"', f'"{table}"'),
            )
            for (column,) in cur.fetchall():
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                    f'coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
                )
        raw.commit()
        cur.execute("ANALYZE")  # as autovacuum would after a load this size
        raw.commit()
        try:  # the load's dirty pages written now, not while announce is timed
            cur.execute("CHECKPOINT")
        except Exception:  # a role that may not: timed as it comes
            raw.rollback()
    finally:
        raw.close()
        src.close()
        eng.dispose()
    return target


# what ``--parts`` times inside a phase (module, function): cumulative seconds each, the
# nested ones included in their callers
PARTS = (
    ("randcheck.services.tasks", "check_task"),
    ("randcheck.services.eligible", "compute_pool"),
    ("randcheck.services.results.history", "inputs"),
    ("randcheck.services.poolsql", "classify_sql"),
    ("randcheck.store.kept", "load_parts"),
    ("randcheck.services.poolindex", "classify"),
    ("randcheck.services.results.historyindex", "build"),
    ("randcheck.services.eligible", "_indexed_pool"),
    ("randcheck.services.results.historyindex", "HistoryIndex.capped"),
    ("randcheck.services.results.historyindex", "HistoryIndex.recent"),
    ("randcheck.services.results.historyindex", "HistoryIndex.drawn"),
    ("randcheck.services.results.history", "current_digest"),
    ("randcheck.core.draw.pairset", "PairSet.of_text"),
    ("randcheck.services.eligible", "build_roster"),
    ("randcheck.core.draw.announce", "announce"),
    ("randcheck.core.draw.model", "Roster.document"),
    ("randcheck.core.draw.model", "Roster.from_document"),
    ("randcheck.core.draw.model", "Roster.canonical"),
    ("randcheck.core.draw.model", "Roster.check"),
    ("randcheck.core.draw.model", "Roster.from_canonical"),
    ("randcheck.core.canonical", "canonical"),
    ("randcheck.core.draw.pairing", "Pairing.__init__"),
    ("randcheck.core.draw.pairing", "Pairing.staff"),
    ("randcheck.services.snapshots", "store_population"),
    ("randcheck.services.snapshots", "load_population"),
    ("randcheck.services.tasks", "_write_notice"),
    ("randcheck.services.draws", "prepare"),
    ("randcheck.services.draws", "reveal"),
    ("randcheck.services.draws", "compute"),
    ("randcheck.services.draws", "finalize"),
)


def _time_parts(spent: dict[str, float]) -> None:
    """Wrap each of ``PARTS`` to add its wall time to ``spent``; a module function is also
    rebound in every randcheck module that imported it by name."""
    import functools
    import importlib

    def wrap(fn: Any, name: str) -> Any:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return timed

    for path, qualname in PARTS:
        mod = importlib.import_module(path)
        owner: Any = mod
        cls, _, attr = qualname.rpartition(".")
        if cls:
            owner = getattr(mod, cls)
        raw = owner.__dict__[attr]
        name = f"{path.rsplit('.', 1)[-1]}.{qualname}"
        if isinstance(raw, classmethod):
            setattr(owner, attr, classmethod(wrap(raw.__func__, name)))
            continue
        new = wrap(raw, name)
        setattr(owner, attr, new)
        if not cls:
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("randcheck") and (
                    getattr(other, "__dict__", {}).get(attr) is raw
                ):
                    setattr(other, attr, new)


def child(
    phase: str, root: Path, profile: Path | None = None, parts: bool = False
) -> dict[str, float]:
    from randcheck.core.draw import drand
    from randcheck.services import draws, gathering, keys, tasks
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    spent: dict[str, float] = {}
    if parts:
        _time_parts(spent)
    ws = Workspace(root)
    key = keys.load_private_key(ws, "office", PASS)
    round_at = datetime.fromtimestamp(drand.round_time(drand.CHAINS["quicknet"], ROUND), UTC)
    t0 = time.perf_counter()
    eng = open_engine(os.environ.get("BENCH_DB_URL") or ws.default_db_url())
    out: dict[str, float] = {}
    if phase == "announce" and profile is not None:
        import cProfile

        cProfile.runctx(
            'tasks.announce(ws, eng, "B1", key, "bench", round_at - timedelta(minutes=15))',
            globals(), {**locals(), "tasks": tasks}, str(profile),
        )  # fmt: skip
    elif phase == "announce":
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
    out.update({f"part:{k}": v for k, v in spent.items()})
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_phase(
    phase: str, root: Path, profile: Path | None = None, parts: bool = False
) -> dict[str, float]:
    """One phase in a child process (its own peak RSS)."""
    cmd = [sys.executable, __file__, "--child", phase, "--root", str(root)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    if parts:
        cmd += ["--parts"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    r: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{phase:9s} {r['total']:7.2f} s   peak {r['peak_mb']:6.0f} MB", flush=True)
    for k, v in r.items():
        if k.startswith("part:"):
            print(f"    {k[5:]:28s} {v:7.2f} s", flush=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--history", type=int, default=0)
    ap.add_argument("--rules", action="store_true")
    ap.add_argument("--no-rotation", action="store_true", help="[teams] rotation = false")
    ap.add_argument("--child", default=None)
    ap.add_argument("--root", type=Path, default=None, help="keep (or reuse) the workspace here")
    ap.add_argument("--repeat", type=int, default=1, help="time announce this many times")
    ap.add_argument("--no-draw", action="store_true", help="announce only")
    ap.add_argument("--profile", type=Path, default=None, help="cProfile of announce, to FILE")
    ap.add_argument("--parts", action="store_true", help="time announce's and draw's parts")
    ap.add_argument(
        "--pg", default=None, metavar="URL",
        help="time on PostgreSQL: each run copies the workspace's database into a new schema",
    )  # fmt: skip
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.root, args.profile, args.parts)))
        return
    keep = args.root is not None
    base = args.root.resolve() if keep else Path(tempfile.mkdtemp(prefix="randcheck-bench-"))
    pristine, root = base / "pristine", base / "ws"
    try:
        if (pristine / ".done").exists():
            print(f"workspace reused from {pristine}")
            took = index_registry(pristine)  # a pristine made before the index, or migrated
            if took > 1:
                print(f"pool index, history digest and history index kept in {took:.1f} s (as"
                      " task check and history import do)")  # fmt: skip
        else:
            shutil.rmtree(pristine, ignore_errors=True)
            t = time.perf_counter()
            setup(pristine, args.entities, args.history, args.rules, not args.no_rotation)
            (pristine / ".done").write_text("", "utf-8")
            print(
                f"workspace with {args.entities:,} entities and {args.history:,} history rows"
                f"{' (exclusion rules on)' if args.rules else ''}"
                f"{' (rotation off)' if args.no_rotation else ''} prepared in"
                f" {time.perf_counter() - t:.1f} s"
            )
        results: dict[str, dict[str, float]] = {}
        times = []
        for k in range(max(1, args.repeat)):
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(pristine, root)
            if args.pg:
                t = time.perf_counter()
                url = copy_to_postgres(root / "db" / "randcheck.sqlite", args.pg)
                took = index_registry(root, url)
                os.environ["BENCH_DB_URL"] = url  # the children's database
                print(f"copied to PostgreSQL in {time.perf_counter() - t:.1f} s"
                      f" (pool index and history digest {took:.1f} s)")  # fmt: skip
            last = k == max(1, args.repeat) - 1
            results["announce"] = run_phase(
                "announce", root, args.profile if last else None, args.parts
            )
            times.append(results["announce"]["total"])
        if len(times) > 1:
            ordered = sorted(times)
            print(f"announce median {ordered[len(ordered) // 2]:.2f} s"
                  f" (min {ordered[0]:.2f}, max {ordered[-1]:.2f}, n={len(times)})")  # fmt: skip
        if not args.no_draw:
            results["draw"] = run_phase("draw", root, None, args.parts)
            total = results["announce"]["total"] + results["draw"]["total"]
            print(f"announce + draw: {total:.2f} s end to end through the services")
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
