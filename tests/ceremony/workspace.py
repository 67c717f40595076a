"""A small announced workspace for the ceremony tests (CliRunner and pseudo-terminal).

The task's drand source is the real quicknet round 657413, which verifies offline; the task is
announced with a clock set one hour before that round, so a draw today is after the round.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from randcheck.core.draw import drand
from randcheck.demo_data import write_demo
from randcheck.services import keys, registry, tasks
from randcheck.services.audit import AuditLog
from randcheck.store.db import open_engine
from randcheck.workspace import Workspace, init_workspace

TASK = "2026-001"
PASSPHRASE = "office-passphrase"
WITNESS_PASSPHRASE = "witness-pass"
DRAND_ROUND = 657413
DRAND = {
    "round": DRAND_ROUND,
    "signature": "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b",
}
DICE = {"张三": [1, 2, 3, 4, 5], "李四": [6, 5, 4]}
LOTTERY = {"福彩3D": [0, 7, 3]}
ENTROPY: dict[str, Any] = {"dice": DICE, "lottery": LOTTERY, "drand": DRAND}

TASK_TOML = f"""
id = "{TASK}"
title = "2026年度第一批食品经营抽查"
items = ["B01"]
mode = "directed"
[filters]
region = ["3205"]
[[strata]]
id = "S1"
risk = ["C", "D"]
ratio = "5%"
reserve = 3
[[strata]]
id = "S2"
risk = ["*"]
ratio = "1/100"
reserve = 3
[teams]
min_inspectors = 2
max_load = 100
inspect_from = "2026-12-01"
inspect_to = "2026-12-31"
[[entropy.dice]]
witness = "张三"
count = 5
faces = 6
[[entropy.dice]]
witness = "李四"
count = 3
faces = 6
[[entropy.lottery]]
name = "福彩3D"
period = "2026123"
count = 3
min = 0
max = 9
[entropy.drand]
chain = "quicknet"
round = {DRAND_ROUND}
"""


#: a task without a drand round, so it can be announced at any time (``task_toml(id, title)``)
DICE_ONLY_TOML = """
id = "{id}"
title = "{title}"
items = ["B01"]
[filters]
region = ["3205"]
[[strata]]
id = "S1"
risk = ["*"]
ratio = "1/100"
[teams]
min_inspectors = 2
max_load = 100
inspect_from = "2026-12-01"
inspect_to = "2026-12-31"
[[entropy.dice]]
witness = "张三"
count = 5
faces = 6
"""


def dice_only_task(path: Path, task_id: str, title: str) -> Path:
    """Write a task definition that :func:`build`'s registries can announce now."""
    path.write_text(DICE_ONLY_TOML.format(id=task_id, title=title), encoding="utf-8")
    return path


def announce_time() -> datetime:
    """One hour before the drand round was published."""
    chain = drand.CHAINS["quicknet"]
    return datetime.fromtimestamp(drand.round_time(chain, DRAND_ROUND) - 3600, UTC)


def demo_files(folder: Path, entities: int = 600) -> dict[str, Path]:
    """The demo registries (write once per test module, import into every workspace)."""
    return write_demo(folder, entities=entities, inspectors=60)


def build(
    root: Path,
    db_url: str,
    demo: dict[str, Path] | None = None,
    witness: bool = True,
    announce: bool = True,
) -> Workspace:
    """Initialise ``root``, import demo registries, create (and announce) :data:`TASK`."""
    ws, _ = init_workspace(root, "测试市市场监督管理局", "320500")
    engine: Engine = open_engine(db_url)
    try:
        audit = AuditLog(ws, engine)
        keys.init_key(ws, audit, "tester", PASSPHRASE.encode())
        if witness:
            keys.init_key(ws, audit, "tester", WITNESS_PASSPHRASE.encode(), name="zhang-san")
        paths = demo or demo_files(root.parent / "demo")
        for reg, name in (
            ("items", "items_json"),
            ("entities", "entities_csv"),
            ("inspectors", "inspectors_xlsx"),
            ("conflicts", "conflicts_csv"),
        ):
            registry.import_file(engine, ws, reg, paths[name], actor="tester")
        task_file = root.parent / "task.toml"
        task_file.write_text(TASK_TOML, encoding="utf-8")
        tasks.create_tasks(ws, engine, task_file, "tester")
        if announce:
            key = keys.load_private_key(ws, "office", PASSPHRASE.encode())
            tasks.announce(ws, engine, TASK, key, "tester", announce_time())
    finally:
        engine.dispose()
    return ws


def write_entropy(path: Path, doc: dict[str, Any] | None = None) -> Path:
    path.write_text(json.dumps(ENTROPY if doc is None else doc, ensure_ascii=False), "utf-8")
    return path


def state(db_url: str) -> dict[str, Any]:
    """What the draw may change: records, addenda and audit entries (kind, payload)."""
    from sqlmodel import Session, col, select

    from randcheck.core.canonical import parse
    from randcheck.store.audit_models import AuditEntry
    from randcheck.store.draw_models import AddendumRow, RecordRow

    engine = open_engine(db_url)
    try:
        with Session(engine) as s:
            records = [
                (r.digest, r.superseded, r.redraw_reason, r.envelope)
                for r in s.exec(select(RecordRow).order_by(col(RecordRow.chain_index))).all()
            ]
            addenda = [
                (a.record_digest, a.seq, a.digest)
                for a in s.exec(select(AddendumRow).order_by(col(AddendumRow.seq))).all()
            ]
            log = []
            for row in s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all():
                entry = parse(row.body.encode("utf-8"))
                log.append((entry["kind"], entry["payload"]))
    finally:
        engine.dispose()
    return {"records": records, "addenda": addenda, "log": log}
