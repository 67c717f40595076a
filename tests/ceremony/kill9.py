"""kill -9 at random instants: every workspace stays consistent, nothing official is lost or
doubled, and nothing can be re-rolled quietly.

Runs real ``randcheck`` processes (import, announce, draw, publish) and kills each with
SIGKILL after a random delay.  After every kill it checks the workspace as an auditor would:

* ``randcheck log verify`` passes, after ``randcheck log repair`` at most (a kill between the
  database commit and the log file's append leaves the file one entry behind);
* the database holds at most one official record per task, and every record has its
  ``draw.record`` log entry (and the other way round);
* an attempt whose seed was revealed and never recorded makes a plain draw refused;
* an import happened entirely or not at all (``log.state`` in ``log verify``);
* a published folder, if present, verifies.

``python -m tests.ceremony.kill9 --kills 48`` prints the figures; tests/ceremony/
test_kill9.py runs a few kills of each kind in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ceremony import workspace as w

OPS = ("import", "announce", "draw", "publish")


@dataclass
class Tally:
    kills: Counter[str] = field(default_factory=Counter)
    repaired: int = 0
    refused_plain: int = 0  # plain draws refused because a revealed attempt was pending
    completed: Counter[str] = field(default_factory=Counter)  # runs that finished first
    problems: list[str] = field(default_factory=list)


class Workspace:
    """One workspace and the randcheck processes run in it."""

    def __init__(self, root: Path, db_url: str) -> None:
        self.root = root
        self.db_url = db_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("RANDCHECK_")}
        self.env.update(
            RANDCHECK_HOME=str(root),
            RANDCHECK_DATABASE_URL=db_url,
            RANDCHECK_LANG="en",
            RANDCHECK_ACTOR="kill9",
            RANDCHECK_KEY_PASSPHRASE=w.PASSPHRASE,
            COLUMNS="200",
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "randcheck", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> tuple[int, str, str]:
        p = self.start(*args)
        out, err = p.communicate(timeout=300)
        return p.returncode, out, err


class Killer:
    """Kills a process at a random instant of its expected run: the first run of each kind
    finishes and is timed, later ones are killed after a random share of that time."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.took: dict[str, float] = {}

    def run(self, kind: str, proc: subprocess.Popen[str], late: bool = False) -> bool:
        """True when ``proc`` was killed, False when it finished first.  ``late`` kills in the
        last third of the run (for a draw: around the reveal and the signature)."""
        started = time.monotonic()
        if kind not in self.took:
            proc.communicate()
            self.took[kind] = time.monotonic() - started
            return False
        deadline = started + self.rng.uniform(0.7 if late else 0.1, 1.0) * self.took[kind]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                proc.communicate()
                return False
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return True


def _state(ws: Workspace) -> dict[str, Any]:
    return w.state(ws.db_url)


def check(ws: Workspace, tally: Tally, task: str | None) -> None:
    """Everything an auditor checks after a kill (problems go to ``tally.problems``)."""
    code, out, err = ws.run("log", "verify", "--json")
    if code != 0:
        problems = {p["code"] for p in json.loads(out or "{}").get("problems", [])}
        code, _out, err = ws.run("log", "repair")
        tally.repaired += 1
        if code != 0:
            tally.problems.append(f"log repair failed after {problems}: {err.strip()}")
            return
        code, out, err = ws.run("log", "verify")
        if code != 0:
            tally.problems.append(f"log verify fails after repair: {err.strip()}")
    st = _state(ws)
    official = [r for r in st["records"] if not r[1]]
    if len(official) > 1:
        tally.problems.append(f"{len(official)} official records")
    logged = [p["record"] for k, p in st["log"] if k == "draw.record"]
    if sorted(logged) != sorted(r[0] for r in st["records"]):
        tally.problems.append("records and draw.record entries differ")
    if task is not None and (ws.root / "publish" / task / "record.json").is_file():
        code, _out, err = ws.run("verify", str(ws.root / "publish" / task))
        if code != 0:
            tally.problems.append(f"published folder does not verify: {err.strip()[-300:]}")


def _needs_redraw(ws: Workspace) -> bool:
    st = _state(ws)
    return bool(st["records"]) or any(k == "draw.revealed" for k, _ in st["log"])


def _pending(ws: Workspace) -> bool:
    """A revealed attempt that no record answers for."""
    st = _state(ws)
    named: set[int] = set()
    for k, p in st["log"]:
        if k == "draw.record":
            named.update([p.get("revealed"), *p.get("answers", [])])
    return any(k == "draw.revealed" and i not in named for i, (k, _) in enumerate(st["log"]))


def kill_draws(ws: Workspace, tally: Tally, n: int, killer: Killer, tmp: Path) -> None:
    entropy = w.write_entropy(tmp / "entropy.json")
    for i in range(n):
        redraw = _needs_redraw(ws)
        args = ["draw", w.TASK, "--entropy", str(entropy), "--yes"]
        if redraw:
            args += ["--redraw", "--reason", f"kill9 {i}"]
        if _pending(ws):  # the rule under test: a plain draw is refused, and changes nothing
            before = _state(ws)
            code, _out, err = ws.run("draw", w.TASK, "--entropy", str(entropy), "--yes")
            if code != 1 or "--redraw" not in err or _state(ws) != before:
                tally.problems.append(f"plain draw after a pending reveal: exit {code}")
            tally.refused_plain += 1
        if killer.run("draw", ws.start(*args), late=i % 2 == 1):
            tally.kills["draw"] += 1
        else:
            tally.completed["draw"] += 1
        check(ws, tally, w.TASK)


def kill_publishes(ws: Workspace, tally: Tally, n: int, killer: Killer) -> None:
    if not _state(ws)["records"] or _pending(ws):
        code, _out, err = ws.run("draw", w.TASK, "--entropy",
                                 str(w.write_entropy(ws.root.parent / "e.json")), "--yes",
                                 *(["--redraw", "--reason", "完成"] if _needs_redraw(ws) else []))  # fmt: skip
        if code != 0:
            tally.problems.append(f"draw before publishing failed: {err.strip()}")
            return
    for _ in range(n):
        if killer.run("publish", ws.start("publish", w.TASK)):
            tally.kills["publish"] += 1
        else:
            tally.completed["publish"] += 1
        check(ws, tally, w.TASK)


def kill_imports(ws: Workspace, tally: Tally, n: int, killer: Killer, csv: Path) -> None:
    for _ in range(n):
        if killer.run("import", ws.start("entities", "import", str(csv), "--replace")):
            tally.kills["import"] += 1
        else:
            tally.completed["import"] += 1
        check(ws, tally, None)




def kill_announces(ws: Workspace, tally: Tally, n: int, killer: Killer, tmp: Path) -> None:
    for i in range(n):
        toml = w.dice_only_task(tmp / f"k{i}.toml", f"K{i}", f"kill -9 公告 {i}")
        code, _out, err = ws.run("task", "create", str(toml))
        if code != 0:
            tally.problems.append(f"task create failed: {err.strip()}")
            continue
        if killer.run("announce", ws.start("task", "announce", f"K{i}")):
            tally.kills["announce"] += 1
        else:
            tally.completed["announce"] += 1
        check(ws, tally, None)
        # announced or not, never half: a second announce either works or says it is done
        code, _out, err = ws.run("task", "announce", f"K{i}")
        if code not in (0, 1) or (code == 1 and "already announced" not in err):
            tally.problems.append(f"announce after a kill: exit {code}: {err.strip()[-200:]}")
        code, _out, err = ws.run("task", "notice", f"K{i}")
        if code != 0:
            tally.problems.append(f"task notice after a kill: exit {code}")


def run(kills_per_op: int, seed: int) -> Tally:
    """``kills_per_op`` kill attempts of each operation, in fresh workspaces (on the test
    database: SQLite, or PostgreSQL when ``RANDCHECK_TEST_DATABASE_URL`` is set)."""
    from tests.conftest import fresh_db_url

    killer = Killer(random.Random(seed))  # test timing only, never a draw
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="kill9-") as tmp_name:
        tmp = Path(tmp_name)
        demo = w.demo_files(tmp / "demo")
        for op in OPS:
            root = tmp / op / "ws"
            with fresh_db_url(root) as url:
                w.build(root, url, demo, announce=op != "announce")
                ws = Workspace(root, url)
                if op == "import":
                    kill_imports(ws, tally, kills_per_op, killer, demo["entities_csv"])
                elif op == "announce":
                    kill_announces(ws, tally, kills_per_op, killer, tmp)
                elif op == "draw":
                    kill_draws(ws, tally, kills_per_op, killer, tmp)
                else:
                    kill_publishes(ws, tally, kills_per_op, killer)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=12, help="kill attempts per operation")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.monotonic()
    tally = run(args.kills, args.seed)
    print(f"kills: {dict(tally.kills)} (total {sum(tally.kills.values())})")
    print(f"finished before the kill: {dict(tally.completed)}")
    print(f"log repairs needed: {tally.repaired}; plain draws refused: {tally.refused_plain}")
    print(f"problems: {len(tally.problems)}")
    for p in tally.problems:
        print("  -", p)
    print(f"{time.monotonic() - t0:.0f} s")
    sys.exit(1 if tally.problems else 0)


if __name__ == "__main__":
    main()
