"""Benchmark: ``randcheck stats`` (``services.stats.compute``) on a large workspace.

The workspace is ``bench_service.py``'s (its ``setup``: N entities in bulk, history rows shaped
like an office's over 2022-2023 (``add_office_history``: 1-3 rows per inspection, six
departments, 70 % random; ``--skew S`` sends a share S of the inspections to ``--hot N``
entities, 1 % of the registry by default), one task of 1,000 targets announced and drawn with
a real drand round, in 2023), then
``compute`` runs in a child process (peak RSS) for 2023, on SQLite and, with ``--pg URL``, on
PostgreSQL (the same rows copied into a fresh schema).  Target (issue #10): ≤ 5 s on SQLite
at 10,000,000 entities and 2,000,000 history rows, PostgreSQL ≤ 2× that.  No timed assert.

    python bench/bench_stats.py                                     # 1,000,000 / 200,000
    python bench/bench_stats.py --entities 10000000 --history 2000000
    python bench/bench_stats.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/bench_stats.py --entities 10000000 --history 2000000 --skew 0.5 --keep DIR

``--keep DIR`` builds the workspace (and, with ``--pg``, its PostgreSQL schema) once in DIR
and reuses it on later runs with the same sizes (a 10,000,000-entity build takes minutes);
delete DIR (and ``DROP SCHEMA`` the printed schema) when done.

Measured (2 shared cores, other jobs running; seconds for ``compute`` + ``to_json``, page
cache warm; the first run after the files left the page cache took 12-21 s):

    10,000,000 entities, 2,000,000 rows       SQLite 2.6-3.7   PostgreSQL 3.3-3.7   21,052 listed
    same, --skew 0.5 (1 % of the entities)    SQLite 4.9-5.4   PostgreSQL 6.6-7.1   90,203 listed
    200,000 entities, 2,000,000 rows          SQLite 6.0-8.1   PostgreSQL 6.1-8.1  169,552 listed
      (before the grouped query and index:    SQLite 13.9      PostgreSQL 18.4)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = date(2023, 12, 31)


def child(root: Path, url: str) -> dict[str, float]:
    from randcheck.services import stats
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    ws = Workspace(root)
    eng = open_engine(url)
    t = time.perf_counter()
    data = stats.compute(ws, eng, 2023, AS_OF).to_json()
    took = time.perf_counter() - t
    t = time.perf_counter()
    stats.compute(ws, eng, 2023, AS_OF, cap=3)
    again = time.perf_counter() - t
    eng.dispose()
    return {
        "seconds": took,
        "seconds_cap3": again,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "repeated": len(data["repeated"]),
        "inspectors": data["workload"]["count"],
    }


def schema_url(pg_url: str, schema: str) -> str:
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}options=-csearch_path%3D{schema}"


def copy_to_postgres(sqlite_path: Path, pg_url: str, schema: str | None = None) -> str:
    """Every table of the SQLite workspace into a new PostgreSQL schema (migrated by randcheck
    itself, rows by COPY); returns the URL of that schema."""
    import sqlite3

    import psycopg
    from sqlalchemy import create_engine, text

    from randcheck.store.db import open_engine

    schema = schema or "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = schema_url(pg_url, schema)
    open_engine(url).dispose()  # the schema, by the migrations
    src = sqlite3.connect(sqlite_path)
    tables = [t for (t,) in src.execute("SELECT name FROM sqlite_master WHERE type='table'")
              if t != "alembic_version" and not t.startswith("sqlite_")]  # fmt: skip
    raw = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw, options=f"-csearch_path={schema}") as pg:
        for table in tables:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            types = {r[1]: r[2].upper() for r in src.execute(f'PRAGMA table_info("{table}")')}
            bools = [i for i, c in enumerate(cols) if types[c] == "BOOLEAN"]
            names = ", ".join(f'"{c}"' for c in cols)
            pg.execute(f'TRUNCATE "{table}"')  # rows the migrations seed (the audit lock)
            with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                for row in src.execute(f'SELECT {names} FROM "{table}"'):
                    if bools:
                        row = tuple(
                            (None if v is None else bool(v)) if i in bools else v
                            for i, v in enumerate(row)
                        )
                    cp.write_row(row)
        pg.commit()
        # what autovacuum does after a bulk load (PostgreSQL 13+ vacuums after inserts too):
        # the statistics, and the visibility map that lets the covering history index be
        # read without visiting the table (an index-only scan)
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")
        pg.execute("CREATE TABLE bench_copied (done boolean)")  # for --keep: complete
    src.close()
    return url


def run_child(root: Path, url: str) -> dict[str, float]:
    from bench.bench_draw import child_figures

    return child_figures(__file__, "--child", "--root", str(root), "--url", url)


def kept_schema(pg_url: str, schema: str) -> bool:
    """Whether ``schema`` holds a complete copy (``copy_to_postgres`` writes the marker table
    last)."""
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url)
    with admin.begin() as conn:
        q = "SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = :t"
        found = conn.execute(text(q), {"s": schema, "t": "bench_copied"}).first() is not None
        if not found:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()
    return found


def drop_schema(pg_url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--history", type=int, default=200_000)
    ap.add_argument("--skew", type=float, default=0.0, help="share of inspections to --hot")
    ap.add_argument("--hot", type=int, default=0, help="hot entities (default 1%% of them)")
    ap.add_argument("--pg", default=None, help="also on PostgreSQL (an admin URL)")
    ap.add_argument("--keep", type=Path, default=None, help="build in DIR once, reuse it")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--root", type=Path, default=None)
    ap.add_argument("--url", default=None)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.root, args.url)))
        return
    from bench.bench_service import child as service_phase
    from bench.bench_service import setup

    shape = {"entities": args.entities, "history": args.history, "skew": args.skew,
             "hot": args.hot}  # fmt: skip
    keep = args.keep is not None
    base = args.keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="randcheck-bench-stats-"))
    root = base / "ws"
    marker = base / "bench-stats.json"
    schema = "bench_keep_" + hashlib.sha256(f"{base}{shape}".encode()).hexdigest()[:10]
    try:
        if keep and marker.is_file():
            if json.loads(marker.read_text("utf-8")) != shape:
                raise SystemExit(f"{base} holds another workspace: {marker.read_text('utf-8')}")
            print(f"reusing the workspace in {root}", flush=True)
        else:
            if keep and base.exists() and any(base.iterdir()):
                raise SystemExit(f"{base} is not empty and holds no bench workspace")
            t = time.perf_counter()
            setup(root, args.entities, args.history, skew=args.skew, hot=args.hot)
            for phase in ("announce", "draw"):
                service_phase(phase, root)
            marker.write_text(json.dumps(shape), "utf-8")
            print(
                f"workspace with {args.entities:,} entities, {args.history:,} history rows "
                f"(skew {args.skew}) and a drawn task prepared in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
        sqlite_url = f"sqlite:///{root / 'db' / 'randcheck.sqlite'}"
        r = run_child(root, sqlite_url)
        print(
            f"stats on SQLite      {r['seconds']:6.2f} s (again with --cap 3: "
            f"{r['seconds_cap3']:.2f} s)  peak {r['peak_mb']:.0f} MB  "
            f"repeated {r['repeated']:,}  inspectors {r['inspectors']:,}",
            flush=True,
        )
        if args.pg:
            if keep and kept_schema(args.pg, schema):
                url = schema_url(args.pg, schema)
                print(f"reusing the PostgreSQL schema {schema}", flush=True)
            else:
                t = time.perf_counter()
                url = copy_to_postgres(
                    root / "db" / "randcheck.sqlite", args.pg, schema if keep else None
                )
                print(f"copied to PostgreSQL in {time.perf_counter() - t:.1f} s", flush=True)
            p = run_child(root, url)
            print(
                f"stats on PostgreSQL  {p['seconds']:6.2f} s (again with --cap 3: "
                f"{p['seconds_cap3']:.2f} s)  peak {p['peak_mb']:.0f} MB  "
                f"repeated {p['repeated']:,}  "
                f"ratio to SQLite {p['seconds'] / r['seconds']:.2f}x (target <= 2x)"
            )
            if keep:
                print(f"kept PostgreSQL schema {schema} (DROP SCHEMA ... CASCADE when done)")
            else:
                drop_schema(args.pg, url.rsplit("%3D", 1)[1])
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
