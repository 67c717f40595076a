"""Races between real processes, on whichever database the suite runs (SQLite or PostgreSQL):
two ceremonies of one task never both become official, and nothing is half-written.

Each worker is a separate ``python`` process running the randcheck CLI; all of them import
first and then start at the same instant, so that their transactions overlap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from randcheck.store.db import open_engine
from randcheck.store.draw_models import AddendumRow, AnnouncementRow, RecordRow
from tests.ceremony import workspace as w
from tests.conftest import Cli

WORKERS = 4
RUNNER = (
    "import sys, time\n"
    "from randcheck.cli import app\n"
    "start = float(sys.argv[1])\n"
    "while time.time() < start:\n"
    "    time.sleep(0.0005)\n"
    "app(sys.argv[2:], prog_name='randcheck')\n"
)


def race(root: Path, db_url: str, argvs: list[list[str]]) -> list[tuple[int, str]]:
    """Run each argv in its own process, all starting together; (exit code, stderr) each."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RANDCHECK_")}
    env.update(
        RANDCHECK_HOME=str(root),
        RANDCHECK_DATABASE_URL=db_url,
        RANDCHECK_LANG="en",
        RANDCHECK_ACTOR="racer",
        RANDCHECK_KEY_PASSPHRASE=w.PASSPHRASE,
        COLUMNS="200",
    )
    start = time.time() + 4.0  # every process has imported randcheck by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, repr(start), *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    out = []
    for p in procs:
        _, err = p.communicate(timeout=300)
        out.append((p.returncode, err))
    return out


def records(db_url: str) -> list[RecordRow]:
    engine = open_engine(db_url)
    try:
        with Session(engine) as s:
            return list(s.exec(select(RecordRow).order_by(col(RecordRow.chain_index))).all())
    finally:
        engine.dispose()


def entropy_files(tmp_path: Path, n: int) -> list[Path]:
    """``n`` entropy files with different dice (each worker would draw something else)."""
    files = []
    for i in range(n):
        dice = {"张三": [1 + (i + k) % 6 for k in range(5)], "李四": [1 + i % 6, 2, 3]}
        files.append(w.write_entropy(tmp_path / f"e{i}.json", {**w.ENTROPY, "dice": dice}))
    return files


def cli(root: Path, db_url: str, *args: str) -> Any:
    """One in-process CLI run with the office passphrase in the environment."""
    return Cli(root, db_url)(*args, env={"RANDCHECK_KEY_PASSPHRASE": w.PASSPHRASE})


def log_verifies(root: Path, db_url: str) -> None:
    res = cli(root, db_url, "log", "verify", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["ok"] is True


def test_racing_first_draws_make_one_official_record(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    w.build(ws_root, db_url, demo)
    files = entropy_files(tmp_path, WORKERS)
    argvs = [["draw", w.TASK, "--entropy", str(f), "--yes"] for f in files]
    results = race(ws_root, db_url, argvs)
    codes = sorted(c for c, _ in results)
    assert codes == [0] + [1] * (WORKERS - 1), results
    for code, err in results:
        if code == 1:  # a clear refusal, never a traceback
            refused = ("another draw", "already has", "has not been recorded")
            assert "Traceback" not in err and any(r in err for r in refused), err
    rows = records(db_url)
    assert len(rows) == 1 and not rows[0].superseded
    st = w.state(db_url)
    assert [k for k, _ in st["log"]].count("draw.revealed") == 1  # the losers revealed nothing
    log_verifies(ws_root, db_url)


def test_racing_redraws_leave_one_official_record(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    w.build(ws_root, db_url, demo)
    files = entropy_files(tmp_path, WORKERS + 1)
    first = cli(ws_root, db_url, "draw", w.TASK, "--entropy", str(files[0]), "--yes")
    assert first.exit_code == 0, first.output
    argvs = [
        ["draw", w.TASK, "--redraw", "--reason", f"第{i}次重抽", "--entropy", str(f), "--yes"]
        for i, f in enumerate(files[1:])
    ]
    results = race(ws_root, db_url, argvs)
    wins = [c for c, _ in results if c == 0]
    assert wins and all(c in (0, 1) for c, _ in results), results
    for code, err in results:
        if code == 1:
            refused = ("another draw", "has not been recorded")
            assert "Traceback" not in err and any(r in err for r in refused), err
    rows = records(db_url)
    # nothing doubled: one official record; every other one superseded, in chain order
    assert [r.superseded for r in rows] == [True] * len(wins) + [False]
    assert len(rows) == 1 + len(wins)
    bodies = [json.loads(r.envelope)["signed"] for r in rows]
    for rec in bodies[1:]:
        assert rec["previous_record"] is not None and rec["redraw"] is not None
    assert len({b["previous_record"] for b in bodies}) == len(bodies)  # no fork in the chain
    log_verifies(ws_root, db_url)


def test_racing_announcements_make_one(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    w.build(ws_root, db_url, demo, announce=False)
    toml = w.dice_only_task(tmp_path / "race.toml", "RACE", "并发公告测试")
    assert cli(ws_root, db_url, "task", "create", str(toml)).exit_code == 0
    results = race(ws_root, db_url, [["task", "announce", "RACE"]] * WORKERS)
    codes = sorted(c for c, _ in results)
    assert codes == [0] + [1] * (WORKERS - 1), results
    engine = open_engine(db_url)
    try:
        with Session(engine) as s:
            assert len(s.exec(select(AnnouncementRow)).all()) == 1
    finally:
        engine.dispose()
    assert [k for k, _ in w.state(db_url)["log"]].count("task.announce") == 1
    log_verifies(ws_root, db_url)


def test_racing_substitutions_never_collide(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    w.build(ws_root, db_url, demo)
    (f,) = entropy_files(tmp_path, 1)
    res = cli(ws_root, db_url, "draw", w.TASK, "--entropy", str(f), "--yes", "--json")
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)["record"]
    body = json.loads(records(db_url)[0].envelope)["signed"]
    targets = [t["target"] for t in body["teams"]][:WORKERS]
    argvs = [
        ["draw", "substitute", record, "--target", t, "--reason", "已注销", "--not-a-result"]
        for t in targets
    ]
    results = race(ws_root, db_url, argvs)
    wins = sum(1 for c, _ in results if c == 0)
    assert wins >= 1 and all(c in (0, 1) for c, _ in results), results
    for code, err in results:
        if code == 1:
            assert "Traceback" not in err and "was just changed" in err, err
    engine = open_engine(db_url)
    try:
        with Session(engine) as s:
            seqs = [a.seq for a in s.exec(select(AddendumRow).order_by(col(AddendumRow.seq)))]
    finally:
        engine.dispose()
    assert seqs == list(range(1, wins + 1))  # contiguous: none lost, none doubled
    log_verifies(ws_root, db_url)


def test_racing_publishes_leave_one_whole_bundle(
    ws_root: Path, db_url: str, demo: dict[str, Path], tmp_path: Path
) -> None:
    w.build(ws_root, db_url, demo)
    (f,) = entropy_files(tmp_path, 1)
    assert cli(ws_root, db_url, "draw", w.TASK, "--entropy", str(f), "--yes").exit_code == 0
    results = race(ws_root, db_url, [["publish", w.TASK]] * 3)
    assert all(c == 0 for c, _ in results), results
    publish = ws_root / "publish"
    assert sorted(p.name for p in publish.iterdir()) == [w.TASK]  # no temp or old folders
    res = cli(ws_root, db_url, "verify", str(publish / w.TASK))
    assert res.exit_code == 0, res.output
    log_verifies(ws_root, db_url)
