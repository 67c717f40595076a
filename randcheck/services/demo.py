"""``randcheck demo``: the whole story on generated data, non-interactively.

init → keys → import (CSV, GBK CSV, XLSX, JSON) → task → check → announce → draw with
simulated witnesses → sign → publish → verify.  The demo runs on a *simulated clock*: the
announcement is made 15 minutes before a real, historical drand quicknet round (657413), so
that round can be used as the public randomness and verified offline with no network.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.bundle.table import to_csv
from randcheck.core import signing
from randcheck.core.chinatime import china_today
from randcheck.core.draw import drand
from randcheck.demo_data import write_demo
from randcheck.errors import ConflictError
from randcheck.services import (
    commitments,
    draws,
    gathering,
    keys,
    publish,
    registry,
    tasks,
    verify,
)
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.results import context, entry, publication
from randcheck.store.audit_models import AuditEntry
from randcheck.store.db import open_engine
from randcheck.workspace import Workspace, init_workspace

MARKER = ".randcheck-demo"
DEMO_ROUND = 657413
DEMO_BEACON = {
    "round": DEMO_ROUND,
    "signature": "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862"
    "b98fad56e91a6b85b89cd97b",
}
WITNESSES = ("张伟", "李娜")
#: the witnesses' own keys: they co-sign the entropy commitment on the spot (randcheck/draw/v2).
#: The office holds only their public halves, registered as trusted witness keys; the private
#: halves are the witnesses' (in the demo: made from the name, so every run is the same).
WITNESS_KEYS = ("zhangwei", "lina")
WITNESS_DIR = "witness-keys"  # <demo>/witness-keys/<name>.pub: what each witness hands over
MARGIN = 60
TASK_ID = "DEMO-2023-001"
TASK_TOML = f"""\
id = "{TASK_ID}"
title = "2023年度第一批广告发布与产品质量部门联合“双随机”抽查（演示）"
items = ["A10", "C05"]
mode = "directed"
witnesses = ["{WITNESSES[0]}", "{WITNESSES[1]}"]
planned_draw_at = "2023-09-15T19:00:00+08:00"
spec = "v2"

[ordering]
margin = {MARGIN}
witnesses = ["{WITNESSES[0]}={WITNESS_KEYS[0]}", "{WITNESSES[1]}={WITNESS_KEYS[1]}"]

[exclusions]
statuses = ["存续"]
annual_cap = 2

[[strata]]
id = "S1"
risk = ["C", "D"]
ratio = "1/25"
reserve = 5

[[strata]]
id = "S2"
risk = ["*"]
ratio = "1/100"
reserve = 5

[teams]
min_inspectors = 2
per_department = true
rotation = true
max_load = 10
inspect_from = "2023-09-18"
inspect_to = "2023-10-31"

[[entropy.dice]]
witness = "{WITNESSES[0]}"
count = 5
faces = 6

[[entropy.dice]]
witness = "{WITNESSES[1]}"
count = 5
faces = 6

[[entropy.lottery]]
name = "福彩3D"
period = "2023248"
count = 3
min = 0
max = 9

[entropy.drand]
chain = "quicknet"
"""
LOTTERY = [3, 8, 5]  # simulated official result of the demo lottery period


@dataclass
class Step:
    key: str  # catalog key of the step's description
    params: dict[str, Any]
    seconds: float


@dataclass
class DemoResult:
    workspace: Path
    bundle: Path
    record_digest: str
    code: str
    verified: bool
    failed_check: str | None
    steps: list[Step] = field(default_factory=list)
    witness_keys: tuple[Path, ...] = ()  # the witnesses' public key files (for --trusted-keys)
    site: Path | None = None  # the office's public site (randcheck site build)


def witness_private(name: str) -> Ed25519PrivateKey:
    """A demo witness's own key (deterministic: the demo is reproducible)."""
    return signing.private_from_seed(hashlib.sha256(f"randcheck demo witness/{name}".encode())
                                     .digest())  # fmt: skip


def simulated_now() -> datetime:
    """15 minutes before the demo drand round was published."""
    t = drand.round_time(drand.CHAINS["quicknet"], DEMO_ROUND)
    return datetime.fromtimestamp(t, UTC) - timedelta(minutes=15)


def commit_time() -> datetime:
    """The simulated moment the demo's commitment is signed: the last second whose anchor
    gives DEMO_ROUND (its publication time − margin − 1 s, docs/SPEC-v2.md §4)."""
    t = drand.round_time(drand.CHAINS["quicknet"], DEMO_ROUND)
    return datetime.fromtimestamp(t - MARGIN - 1, UTC)


def dice_rolls(witness: str, count: int, faces: int) -> list[int]:
    """Simulated witness dice, derived from the witness name (no ``random``)."""
    out = []
    for i in range(count):
        h = hashlib.sha256(f"randcheck demo dice/{witness}/{i}".encode()).digest()
        # simulated witness input, not the draw: a 2^-58 modulo bias is irrelevant here
        out.append(int.from_bytes(h[:8], "big") % faces + 1)
    return out


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` for a demo; a previous demo (marked) is replaced, anything else kept."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise ConflictError("demo.folder_in_use", path=str(folder))
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("randcheck demo workspace; safe to delete\n", "utf-8")


#: the demo's results, in turn (vocabulary terms; "" leaves a row not yet entered)
DEMO_RESULTS = ("未发现问题", "未发现问题", "发现问题已责令改正", "未发现问题",
                "通过登记的住所无法联系", "未按规定公示年报", "")  # fmt: skip


def demo_results_sheet(engine: Engine, ws: Workspace) -> bytes:
    """The entry sheet of the demo task, filled in as an office would (deterministic)."""
    with Session(engine) as s:
        ctx = context.load(s, TASK_ID)
    rows = entry.template_rows(ctx, "zh")
    date_col, terms_col = entry.FIELDS.index("completed_on"), entry.FIELDS.index("terms")
    for n, row in enumerate(rows[1:]):
        term = DEMO_RESULTS[n % len(DEMO_RESULTS)]
        if term:
            row[date_col] = f"2023-10-{10 + n % 15:02d}"
            row[terms_col] = term
    return to_csv(rows)


def _require_empty(db_url: str) -> None:
    """Refuse a database that already holds a workspace's data: the demo never mixes in."""
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            used = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    finally:
        engine.dispose()
    if used:
        raise ConflictError("demo.db_in_use")


def run_demo(
    folder: Path,
    passphrase: bytes,
    *,
    db_url: str | None = None,
    entities: int = 20000,
    inspectors: int = 60,
    actor: str = "demo",
    on_step: Callable[[Step], None] | None = None,
) -> DemoResult:
    """Run the whole demo in ``folder``; returns what it did and where the bundle is."""
    steps: list[Step] = []
    clock = simulated_now()

    def step(key: str, fn: Callable[[], dict[str, Any]]) -> None:
        nonlocal clock
        started = time.perf_counter()
        params = fn()
        s = Step(key, params, time.perf_counter() - started)
        steps.append(s)
        clock += timedelta(seconds=20)
        if on_step is not None:
            on_step(s)

    if db_url:
        _require_empty(db_url)  # an explicit database (e.g. PostgreSQL) must be a fresh one
    prepare_folder(folder)
    ws: Workspace = Workspace(folder.resolve())
    engine_box: list[Engine] = []

    def do_init() -> dict[str, Any]:
        init_workspace(ws.root, "苏州市市场监督管理局（演示）", "320500")
        engine_box.append(open_engine(db_url or ws.default_db_url()))
        return {"path": str(ws.root)}

    step("demo.step.init", do_init)
    engine = engine_box[0]
    audit = AuditLog(ws, engine)

    witness_files: list[Path] = []

    def do_keys() -> dict[str, Any]:
        info = keys.init_key(ws, audit, actor, passphrase, now=clock)
        # each witness's own public key, handed to the office and registered as a witness key
        (ws.root / WITNESS_DIR).mkdir(exist_ok=True)
        for name in WITNESS_KEYS:
            text = keys.export_for(ws, name, signing.public_raw(witness_private(name)))
            path = ws.root / WITNESS_DIR / f"{name}.pub"
            path.write_text(text, "utf-8")
            keys.trust_key(ws, audit, actor, text, str(path), name, role="witness", now=clock)
            witness_files.append(path)
        return {"key": info.key_id[:16]}

    step("demo.step.keys", do_keys)
    data_dir = ws.root / "demo-data"

    def do_generate() -> dict[str, Any]:
        write_demo(data_dir, entities=entities, inspectors=inspectors)
        return {"entities": entities, "inspectors": inspectors, "path": str(data_dir)}

    step("demo.step.generate", do_generate)
    imports = (
        ("items", "items.json"),
        ("entities", "entities_gbk.csv"),
        ("entities", "entities.csv"),
        ("inspectors", "inspectors.xlsx"),
        ("conflicts", "conflicts.csv"),
    )
    for reg, name in imports:

        def do_import(reg: str = reg, name: str = name) -> dict[str, Any]:
            r = registry.import_file(engine, ws, reg, data_dir / name, actor=actor, now=clock)
            return {"registry": reg, "file": name, "added": r.added, "unchanged": r.unchanged}

        step("demo.step.import", do_import)
    task_file = ws.root / "demo-task.toml"

    def do_task() -> dict[str, Any]:
        task_file.write_text(TASK_TOML, "utf-8")
        tasks.create_tasks(ws, engine, task_file, actor, now=clock)
        return {"task": TASK_ID}

    step("demo.step.task", do_task)
    key = keys.load_private_key(ws, keys.DEFAULT_NAME, passphrase)
    announced: list[tasks.AnnounceResult] = []

    def do_announce() -> dict[str, Any]:
        result = tasks.announce(ws, engine, TASK_ID, key, actor, clock)
        announced.append(result)
        # v2: no round yet (the commitment fixes it), so the v2 words name none
        return {"digest": result.digest[:16], "pool": sum(result.strata.values())}

    step("demo.step.announce_v2", do_announce)
    drawn_clock = datetime.fromtimestamp(
        drand.round_time(drand.CHAINS["quicknet"], DEMO_ROUND), UTC
    ) + timedelta(seconds=60)
    finalized: list[draws.Finalized] = []
    witness_keys = [(n, witness_private(n)) for n in WITNESS_KEYS]

    def do_draw() -> dict[str, Any]:
        plan = draws.prepare(engine, TASK_ID)
        doc = {
            "dice": {w: dice_rolls(w, 5, 6) for w in WITNESSES},
            "lottery": {"福彩3D": LOTTERY},
            "drand": DEMO_BEACON,
        }
        # v2: the dice and lottery values are signed, co-signed and logged before the round
        at = commit_time()
        values = gathering.committed_from_file(plan, doc)
        body = commitments.build(plan, values, format_time(at))
        env = commitments.sign(plan, body, key, witness_keys)
        committed = commitments.log(ws, engine, plan, env, None, actor, redraw=False, now=at)
        drawn_at = format_time(drawn_clock)
        evidence = gathering.evidence_from_file(plan, doc, drawn_at, rounds=committed.rounds)
        revealed = draws.reveal(
            ws, engine, plan, evidence, actor, redraw=False, now=drawn_clock,
            commitment=committed.digest,
        )  # fmt: skip
        body = draws.compute(plan, evidence, drawn_at, committed=committed)
        fin = draws.finalize(ws, engine, plan, body, key, [], actor, revealed, drawn_clock)
        finalized.append(fin)
        targets = sum(len(s["drawn"]) for s in body["strata"])
        return {"targets": targets, "teams": len(body["teams"]), "code": fin.code}

    step("demo.step.draw", do_draw)
    # 一公开: the inspections are done by late October; results are entered and published
    clock = datetime(2023, 10, 27, 2, 0, tzinfo=UTC)

    def do_results() -> dict[str, Any]:
        sheet = ws.root / "demo-results.csv"
        sheet.write_bytes(demo_results_sheet(engine, ws))
        imported = entry.import_results(ws, engine, sheet, actor=actor, now=clock)
        done = publication.publish(ws, engine, TASK_ID, key, actor, now=clock)
        return {"entered": imported.added, "seq": done.seq, "count": done.count}

    step("demo.step.results", do_results)
    published: list[publish.PublishResult] = []

    def do_publish() -> dict[str, Any]:
        res = publish.publish_record(ws, engine, finalized[0].digest, key, actor=actor, now=clock)
        published.append(res)
        return {"path": str(res.path), "files": len(res.files)}

    step("demo.step.publish", do_publish)
    reports: list[verify.BundleReport] = []

    def do_verify() -> dict[str, Any]:
        trusted = keys.own_public_keys(ws)
        witnesses = {signing.key_id(signing.public_raw(k)) for _n, k in witness_keys}
        report = verify.verify_bundle(published[0].path, trusted, trusted_witnesses=witnesses)
        reports.append(report)
        return {"checks": len(report.checks), "passed": sum(c.ok for c in report.checks)}

    step("demo.step.verify", do_verify)

    def do_ordering() -> dict[str, Any]:
        # randcheck/draw/v2: what the order of the randomness rests on, in words
        anchor = next((c for c in reports[0].checks if c.name == "commitment.anchor"), None)
        if anchor is None:
            return {"words_key": "proto.commitment_missing", "words_params": {}}
        return {"words_key": anchor.code, "words_params": dict(anchor.params)}

    step("demo.step.ordering", do_ordering)
    sites: list[Path] = []

    def do_site() -> dict[str, Any]:
        from randcheck.site import build

        res = build.build_site(ws, engine, key, as_of=china_today(clock), actor=actor, now=clock)
        sites.append(res.path)
        return {"path": str(res.path), "files": res.files}

    step("demo.step.site", do_site)
    engine.dispose()
    report = reports[0]
    first = next((c for c in report.checks if not c.ok), None)
    return DemoResult(
        workspace=ws.root,
        bundle=published[0].path,
        record_digest=finalized[0].digest,
        code=finalized[0].code,
        verified=report.ok,
        failed_check=first.name if first else None,
        steps=steps,
        witness_keys=tuple(witness_files),
        site=sites[0],
    )
