"""Benchmark: the whole draw and its replay on 1M / 10M entities, beside consistent-sampler.

Each phase runs in its own subprocess so that its peak memory (ru_maxrss) is its own:

* ``draw``   the snapshot (each stratum's codes read from the workspace database's
             ``entity`` table, sorted and checked), the population commitment of 4 strata, the
             signed announcement, entropy checks (a real drand quicknet round, BLS verified
             offline), selection of 1,000 targets, pairing with 300 inspectors, the canonical
             record and its Ed25519 signature;
* ``replay`` the same snapshot read, then ``replay()`` of the announcement and record;
* ``peer``   the same codes read into a list (the fastest way we found), then PyPI
             ``consistent-sampler`` drawing 1,000.

The database is a real randcheck workspace database (``randcheck.store.db.open_engine``
migrates it; helper A's ``entity`` table); rows are inserted with plain sqlite3 for speed and
the file is reused between runs (``--db``).

    python bench/bench_draw.py                     # 1,000,000 entities, 3 runs per phase
    python bench/bench_draw.py --entities 10000000 --repeat 1
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

STRATA = {"A": 400, "B": 300, "C": 200, "D": 100}  # 1,000 targets over 4 risk classes
RESERVE = 20


def _code(i: int) -> str:
    """A synthetic 18-character code (unique, visible ASCII; the check digit is not needed)."""
    return "91" + hashlib.sha256(i.to_bytes(8, "big")).hexdigest()[:16].upper()


def _name(i: int) -> str:
    """A deterministic registered name (a published results table refuses a nameless row)."""
    return f"企业{i}号"


def build_db(path: Path, n: int) -> None:
    """The workspace database with ``n`` entities (``_code(i)``, ``_name(i)``; 1 in 20
    deregistered; risk classes A..D), reused when ``path`` already holds them."""
    from randcheck.store.db import open_engine

    if path.exists():
        con = sqlite3.connect(path)
        have = con.execute("SELECT count(*) FROM entity").fetchone()[0]
        first = con.execute("SELECT name FROM entity ORDER BY rowid LIMIT 1").fetchone()
        con.close()
        if have == n and (n == 0 or first == (_name(0),)):
            return
        path.unlink()  # another size, or built before the entities had names
    open_engine(f"sqlite:///{path}").dispose()  # the real workspace schema (migrations)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    classes = "ABCD"
    statuses = ["存续"] * 19 + ["注销"]
    rows = (
        (_code(i), _name(i), statuses[i % 20], classes[(i * 7) % 4] if i % 10 else classes[i % 4])
        for i in range(n)
    )
    con.executemany("INSERT INTO entity (code, name, status, risk_class) VALUES (?, ?, ?, ?)", rows)
    con.commit()
    con.close()


# group_concat with its default separator "," is much cheaper in SQLite than with a bound
# separator; a code or class holding a comma is detected by counting separators, and that
# range is read again with newlines.
SNAPSHOT_QUERY = (
    "SELECT group_concat(code{sep}), group_concat(risk_class{sep}), count(*) FROM entity "
    "WHERE status = '存续' AND active AND rowid BETWEEN ? AND ?"
)


def _read_range(con: sqlite3.Connection, lo: int, hi: int) -> tuple[bytes, bytes, int]:
    """Rows lo..hi: the eligible codes and their risk classes, newline-separated."""
    codes, classes, n = con.execute(SNAPSHOT_QUERY.format(sep=""), (lo, hi)).fetchone()
    if not n:
        return b"", b"", 0
    c, k = codes.encode("utf-8"), classes.encode("utf-8")
    if c.count(b",") == k.count(b",") == n - 1:
        return c.replace(b",", b"\n"), k.replace(b",", b"\n"), int(n)
    q = SNAPSHOT_QUERY.format(sep=", ?")
    codes, classes, n = con.execute(q, ("\n", "\n", lo, hi)).fetchone()
    return codes.encode("utf-8"), classes.encode("utf-8"), int(n)


def load(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The snapshot: each stratum's codes from the workspace database, sorted and checked.

    SQLite scans on one core (its allocator serialises threads, so parallel scans were
    slower), so the work is pipelined: a reader thread fetches the table in 8 rowid ranges,
    the last one small,
    SQLite concatenating each range's codes and risk classes in C (``group_concat``); the main
    thread meanwhile splits each range by stratum and sorts it (``accel.partition``,
    ``accel.sort_lines``, C, GIL released). At the end each stratum's sorted runs are merged
    and checked (``accel.merge``, ``Codes``), the strata on both cores. Sorting here rather
    than with ORDER BY gives the byte order the spec needs whatever the database collation.
    Excluded rows are the table's row count less the eligible rows read.
    """
    import queue
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from randcheck.core.draw import accel
    from randcheck.core.draw.codes import Codes

    con = sqlite3.connect(path)
    top = int(con.execute("SELECT max(rowid) FROM entity").fetchone()[0] or 0)
    con.close()
    # 8 ranges, the last one small: what is left after the reader's last range (splitting
    # and sorting it, then the merge) is all that does not overlap the reading
    bounds = [0, *(top * k * 97 // 700 for k in range(1, 8)), top]
    ranges = [(lo + 1, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]
    chunks: queue.Queue[tuple[bytes, bytes, int] | BaseException | None] = queue.Queue(maxsize=2)
    total = [0]

    def reader() -> None:
        try:
            con = sqlite3.connect(path)
            for lo, hi in ranges:
                chunks.put(_read_range(con, lo, hi))
            chunks.put(None)
            # the table's row count (kept by SQLite, no row decoding), while the main thread
            # works on the last range
            total[0] = int(con.execute("SELECT count(*) FROM entity").fetchone()[0])
            con.close()
        except BaseException as exc:  # handed to the main thread
            chunks.put(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    sids = list(STRATA)
    names = [s.encode() for s in sids]
    runs: list[list[bytes]] = [[] for _ in sids]
    eligible = 0
    while (item := chunks.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        codes, classes, n = item
        if n:
            parts, _other = accel.partition(codes, classes, names)
            for k, part in enumerate(parts):
                runs[k].append(accel.sort_lines(part))
            eligible += n
    thread.join()
    with ThreadPoolExecutor(max_workers=2) as pool:
        merged = list(pool.map(accel.merge, runs))
        population = list(pool.map(Codes, merged, sids))
    return dict(zip(sids, population, strict=True)), {"status": total[0] - eligible}


def roster() -> Any:
    from randcheck.core.draw.model import Inspector, Roster

    deps = ("市场监管局", "农业农村局")
    people = [
        Inspector(f"ZF{i:04d}", deps[i % 2], i >= 270, "2020-01-01", "2030-12-31", ("食品",))
        for i in range(300)
    ]
    return Roster(tuple(people))


def setup(pop: dict[str, list[bytes]]) -> dict[str, Any]:
    from randcheck.core.draw.model import Item, Rule, StratumSpec, Task, TeamRules
    from tests.vectors import generate as g

    ros = roster()
    conflicts = set()
    previous = set()
    for k in range(500):  # some 回避 pairs and previous inspections among the pool
        sid = "ABCD"[k % 4]
        code = pop[sid][(k * 7919) % len(pop[sid])].decode()
        conflicts.add((f"ZF{k % 270:04d}", code))
        previous.add((code, f"ZF{(k * 13) % 270:04d}"))
    ros = type(ros)(ros.inspectors, frozenset(conflicts), frozenset(previous))
    task = Task(
        "BENCH-1", "基准测试", ("市场监管局", "农业农村局"), (Item("SC-001", "key"),), batches=4
    )
    teams = TeamRules(40, "2023-10-01", "2023-10-31", 2, 1, True, True, ("食品",))
    strata = [StratumSpec(s, Rule.count(n), RESERVE) for s, n in STRATA.items()]
    return {"roster": ros, "task": task, "teams": teams, "strata": strata, "g": g}


def phase_draw(path: Path, out: Path) -> dict[str, float]:
    from randcheck.core import signing
    from randcheck.core.draw.announce import announce
    from randcheck.core.draw.envelope import signed
    from randcheck.core.draw.record import draw

    t = {}
    t0 = time.perf_counter()
    pop, excluded = load(path)
    t["select"] = time.perf_counter() - t0
    s = setup(pop)
    g = s["g"]
    key = signing.private_from_seed(bytes(32))
    t1 = time.perf_counter()
    body = announce(
        task=s["task"], strata=s["strata"], population=pop, exclusions=excluded,
        roster=s["roster"], teams=s["teams"], sources=g.sources(), announced_at=g.ANNOUNCED_AT,
    )  # fmt: skip
    ann = signed(body, key)
    t["commit+announce"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    rec = signed(draw(ann, pop, s["roster"], g.evidence(), g.DRAWN_AT), key)
    t["draw+pair+sign"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    out.write_bytes(json.dumps({"ann": ann.decode(), "rec": rec.decode()}).encode())
    return t


def phase_replay(path: Path, out: Path) -> dict[str, float]:
    from randcheck.core import signing
    from randcheck.core.draw.replay import replay

    docs = json.loads(out.read_bytes())
    t0 = time.perf_counter()
    pop, _ = load(path)
    t = {"select": time.perf_counter() - t0}
    s = setup(pop)
    pub = signing.public_raw(signing.private_from_seed(bytes(32)))
    t1 = time.perf_counter()
    report = replay(docs["ann"].encode(), docs["rec"].encode(), pop, s["roster"],
                    {signing.key_id(pub): pub})  # fmt: skip
    if not report.ok:
        raise SystemExit(f"replay failed: {report.first_failure}")
    t["replay"] = time.perf_counter() - t1
    t["total"] = time.perf_counter() - t0
    return t


def phase_peer(path: Path) -> dict[str, float]:
    import consistent_sampler

    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    # the fastest way we found to get a list of codes into Python (as for the draw: default
    # separator, checked by counting; much faster than fetchall)
    q = "SELECT group_concat(code), count(*) FROM entity WHERE status = '存续' AND active"
    text, n = con.execute(q).fetchone()
    codes = str(text).split(",")
    if len(codes) != n:  # a code holding a comma: read with newlines instead
        q = "SELECT group_concat(code, ?) FROM entity WHERE status = '存续' AND active"
        codes = str(con.execute(q, ("\n",)).fetchone()[0]).split("\n")
    con.close()
    t = {"select": time.perf_counter() - t0}
    t1 = time.perf_counter()
    picked = list(
        consistent_sampler.sampler(
            codes, seed="01382438112797316654", take=1000, with_replacement=False, output="id"
        )
    )
    assert len(picked) == 1000
    t["sample"] = time.perf_counter() - t1
    t["total"] = time.perf_counter() - t0
    return t


def child(phase: str, db: Path, out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if phase == "draw":
        t = phase_draw(db, out)
    elif phase == "replay":
        t = phase_replay(db, out)
    else:
        t = phase_peer(db)
    t["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(t))


def child_figures(script: str, *args: str) -> dict[str, float]:
    """Run ``script`` in a fresh interpreter (its own peak RSS) and return the JSON object
    its last line of output prints; its error output ends the bench if it fails."""
    proc = subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    if proc.returncode:
        raise SystemExit(proc.stderr)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(phase: str, db: Path, out: Path) -> dict[str, float]:
    return child_figures(__file__, "--child", phase, "--db", str(db), "--out", str(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--child", default=None)
    ap.add_argument("--repeat", type=int, default=3, help="runs per phase; medians are shown")
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/randcheck-bench-{args.entities}.db")
    out = args.out or db.with_suffix(".draw.json")
    if args.child:
        child(args.child, db, out)
        return
    t0 = time.perf_counter()
    build_db(db, args.entities)
    print(
        f"database {db}: {args.entities:,} entities ({time.perf_counter() - t0:.1f} s to prepare)"
    )
    import statistics

    results: dict[str, dict[str, float]] = {}
    for p in ("draw", "replay", "peer"):
        runs = [run(p, db, out) for _ in range(max(1, args.repeat))]
        results[p] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"medians of {max(1, args.repeat)} runs per phase (each run its own process)")
    for p, r in results.items():
        parts = ", ".join(f"{k} {v:.2f}" for k, v in r.items() if k not in ("total", "peak_mb"))
        print(f"{p:7s} total {r['total']:7.2f} s  peak {r['peak_mb']:7.0f} MB   ({parts})")
    d, rp, pe = results["draw"], results["replay"], results["peer"]
    print(
        f"draw vs peer: {pe['total'] / d['total']:.1f}x faster end to end "
        f"(target 10x), excluding the shared SELECT "
        f"{pe['sample'] / (d['total'] - d['select']):.1f}x; "
        f"memory {d['peak_mb'] / pe['peak_mb']:.2f} of the peer's (target <= 0.5); "
        f"replay/draw {rp['total'] / d['total']:.2f} (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
