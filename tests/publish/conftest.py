"""A small drawn workspace (3 strata, 240 entities, 10 inspectors, one addendum), built once.

Built with the draw core directly and stored through the draw tables and the audit log, the way
the announce and draw services store it: ``task.announce`` and ``draw.record`` entries whose
payloads name the document digests.  Entities carry distinctive risk classes that must never
appear in a bundle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from stdnum.cn import uscc

from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.core.draw import commit, entropy
from randcheck.core.draw.addenda import substitute
from randcheck.core.draw.announce import announce
from randcheck.core.draw.envelope import open_envelope, signed
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec, Task, TeamRules
from randcheck.core.draw.record import draw
from randcheck.services import keys as keys_svc
from randcheck.services import snapshots
from randcheck.services.audit import AuditLog
from randcheck.store import models
from randcheck.store.db import open_engine
from randcheck.store.draw_models import AddendumRow, AnnouncementRow, RecordRow, TaskRow
from randcheck.workspace import Workspace, init_workspace
from tests.conftest import Cli, fresh_db_url

PASSPHRASE = "correct horse battery staple"
TASK_ID = "2023-SC-001"
RISK_CLASSES = ("RISKCLS-甲-ZETA", "RISKCLS-乙-OMEGA", "RISKCLS-丙-SIGMA")
NONCE = hashlib.sha256(b"publish test nonce").digest()
QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_ROUND = 657413
QUICKNET_SIG = (
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b"
)
ANNOUNCED_AT = "2023-09-15T10:00:00Z"  # round 657413 is published at 2023-09-15T11:00:03Z
DRAWN_AT = "2023-09-15T11:05:00Z"
ISSUED_AT = "2023-09-20T09:00:00Z"
DEPS = ("市场监管局", "农业农村局")
POOLS = {"S1": 120, "S2": 80, "S3": 40}


def code(n: int) -> str:
    body = f"91320500MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def entity_name(c: str) -> str:
    return f"苏州测试{c[-6:]}食品有限公司"


@dataclass
class Drawn:
    ws: Workspace
    engine: Engine
    db_url: str
    key_text: str  # the office public key export (what a citizen downloads from the website)
    ann_digest: str
    rec_digest: str
    add_digest: str
    record: dict[str, object]
    replaced: str  # the target replaced by the addendum
    replacement: str
    population: dict[str, list[bytes]]

    def cli(self) -> Cli:
        return Cli(self.ws.root, self.db_url)


def _ts(text_time: str) -> datetime:
    return datetime.strptime(text_time, "%Y-%m-%dT%H:%M:%SZ")


def build_drawn(root: Path, db_url: str) -> Drawn:
    ws, _ = init_workspace(root, "苏州市测试市场监督管理局", "320500")
    engine = open_engine(db_url)
    audit = AuditLog(ws, engine)
    keys_svc.init_key(ws, audit, "tester", PASSPHRASE.encode(), now=_ts("2023-09-01T00:00:00Z"))
    key = keys_svc.load_private_key(ws, "office", PASSPHRASE.encode())

    population: dict[str, list[bytes]] = {}
    entities = []
    n = 0
    for i, (sid, size) in enumerate(POOLS.items()):
        codes = []
        for _ in range(size):
            n += 1
            c = code(n * 7919 % 1000000)
            codes.append(c)
            entities.append(
                models.Entity(
                    code=c, name=entity_name(c), status="存续", risk_class=RISK_CLASSES[i]
                )
            )
        population[sid] = commit.canonical_codes(codes, sid)
    inspectors = [
        Inspector(f"ZF{i:03d}", DEPS[i % 2], False, "2020-01-01", "2027-12-31", ("食品",))
        for i in range(1, 11)
    ]
    roster = Roster(
        tuple(inspectors),
        frozenset({("ZF001", population["S1"][0].decode())}),
        frozenset(),
    )
    task = Task(
        id=TASK_ID,
        title="2023年食品生产企业联合双随机抽查",
        departments=DEPS,
        items=(Item("SC-001", "key"), Item("SC-002", "general")),
        batches=2,
        ratio_cap=(1, 5),
    )
    strata = [
        StratumSpec("S1", Rule.ratio(1, 20), reserve=3),
        StratumSpec("S2", Rule.count(4), reserve=2),
        StratumSpec("S3", Rule.ratio(1, 10), reserve=2),
    ]
    teams = TeamRules(
        max_load=5,
        inspect_from="2023-10-01",
        inspect_to="2023-10-31",
        min_inspectors=2,
        experts=0,
        per_department=True,
        rotation=True,
        qualifications=("食品",),
    )
    sources = [
        entropy.nonce_source(entropy.nonce_commitment(NONCE)),
        entropy.dice_source("王监督", 6, 6),
        entropy.lottery_source("福彩3D", "2023246", 3, 0, 9),
        entropy.drand_source(QUICKNET, QUICKNET_ROUND),
    ]
    ann_body = announce(
        task=task,
        strata=strata,
        population=population,
        exclusions={"status": 7, "recent": 3},
        roster=roster,
        teams=teams,
        sources=sources,
        announced_at=ANNOUNCED_AT,
    )
    ann_env = signed(ann_body, key)
    ann_digest = open_envelope(ann_env).digest
    roster_bytes = canonical(roster.document())
    taskdef = {
        "id": TASK_ID,
        "title": task.title,
        "departments": list(DEPS),
        "items": ["SC-001", "SC-002"],
        "witnesses": ["王监督", "李见证"],
        "planned_draw_at": "2023-09-15 19:05",
        "mode": "directed",
        "strata": [{"id": s, "risk": [RISK_CLASSES[i]]} for i, s in enumerate(POOLS)],
    }
    with Session(engine) as session, session.begin():
        session.add_all(entities)
        session.add_all(
            [
                models.Inspector(
                    badge_no=i.id,
                    name=f"执法员{i.id[-2:]}",
                    unit="苏州市测试市场监督管理局",
                    department=i.department,
                    issuer="江苏省人民政府",
                    qualifications="食品",
                )
                for i in inspectors
            ]
        )
        session.add_all(
            [
                models.Item(
                    code="SC-001",
                    name="食品生产企业监督检查",
                    legal_basis="《中华人民共和国食品安全法》第一百一十条",
                    department="市场监管局",
                    method="现场检查",
                    item_type="重点",
                ),
                models.Item(
                    code="SC-002",
                    name="企业公示信息抽查",
                    legal_basis="《企业信息公示暂行条例》第十四条",
                    department="市场监管局",
                    method="书面检查",
                    item_type="一般",
                    ratio_cap="1/5",
                ),
            ]
        )
    files = {s: commit.population_file(c) for s, c in population.items()}
    with audit.transaction("tester", _ts(ANNOUNCED_AT)) as tx:
        seq = tx.record("task.announce", {"task": TASK_ID, "announcement": ann_digest})
        tx.session.add(
            TaskRow(
                id=TASK_ID,
                title=task.title,
                definition=json.dumps(taskdef, ensure_ascii=False, sort_keys=True),
                created_at="2023-09-14T08:00:00Z",
                status="announced",
            )
        )
        tx.session.add(
            AnnouncementRow(
                task_id=TASK_ID,
                envelope=ann_env,
                digest=ann_digest,
                announced_at=ANNOUNCED_AT,
                roster=roster_bytes,
                nonce=NONCE.hex(),
                log_seq=seq,
            )
        )
        snapshots.store_population(tx.session, TASK_ID, files)
    evidence = [
        entropy.nonce_evidence(NONCE),
        entropy.dice_evidence("王监督", [3, 1, 4, 1, 5, 6]),
        entropy.lottery_evidence("福彩3D", "2023246", [0, 7, 2]),
        entropy.drand_evidence(QUICKNET, QUICKNET_ROUND, QUICKNET_SIG, None),
    ]
    rec_body = draw(ann_env, population, roster, evidence, DRAWN_AT, verify_bls=False)
    rec_env = signed(rec_body, key)
    rec_digest = open_envelope(rec_env).digest
    with audit.transaction("tester", _ts(DRAWN_AT)) as tx:  # as draws.reveal logs it
        revealed = tx.record(
            "draw.revealed",
            {"task": TASK_ID, "announcement": ann_digest, "redraw": False, "answers": [],
             "evidence": evidence, "seed": rec_body["seed"]},
        )  # fmt: skip
    with audit.transaction("tester", _ts(DRAWN_AT)) as tx:
        seq = tx.record(
            "draw.record",
            {"task": TASK_ID, "announcement": ann_digest, "record": rec_digest,
             "supersedes": [], "revealed": revealed, "answers": []},
        )  # fmt: skip
        tx.session.add(
            RecordRow(
                digest=rec_digest,
                task_id=TASK_ID,
                chain_index=0,
                envelope=rec_env,
                drawn_at=DRAWN_AT,
                log_seq=seq,
            )
        )
    replaced = rec_body["teams"][0]["target"]
    add_body = substitute(
        ann_env,
        rec_env,
        roster,
        [],
        action="replace_target",
        target=replaced,
        inspector=None,
        reason="企业已注销",
        issued_at=ISSUED_AT,
    )
    add_env = signed(add_body, key)
    add_digest = open_envelope(add_env).digest
    with audit.transaction("tester", _ts(ISSUED_AT)) as tx:
        seq = tx.record(  # as services.substitutions logs it
            "draw.addendum",
            {"task": TASK_ID, "record": rec_digest, "addendum": add_digest, "seq": 1,
             "action": "replace_target", "target": replaced, "inspector": None,
             "reason": "企业已注销"},
        )  # fmt: skip
        tx.session.add(
            AddendumRow(
                record_digest=rec_digest,
                seq=1,
                digest=add_digest,
                envelope=add_env,
                issued_at=ISSUED_AT,
                log_seq=seq,
            )
        )
    return Drawn(
        ws=ws,
        engine=engine,
        db_url=db_url,
        key_text=keys_svc.export_text(ws),
        ann_digest=ann_digest,
        rec_digest=rec_digest,
        add_digest=add_digest,
        record=rec_body,
        replaced=replaced,
        replacement=add_body["replacement"]["code"],
        population=population,
    )


@pytest.fixture(scope="module")
def module_db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("pub") / "ws"
    with fresh_db_url(root) as url:
        yield root, url


@pytest.fixture(scope="module")
def drawn(module_db_url: tuple[Path, str]) -> Iterator[Drawn]:
    root, url = module_db_url
    d = build_drawn(root, url)
    yield d
    d.engine.dispose()


@pytest.fixture(scope="module")
def bundle(drawn: Drawn) -> Path:
    """The published bundle of the fixture's record (published once per module)."""
    from randcheck.services.publish import publish_record

    key = keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())
    return publish_record(drawn.ws, drawn.engine, drawn.rec_digest, key, actor="tester").path


@pytest.fixture
def key_file(drawn: Drawn, tmp_path: Path) -> Path:
    path = tmp_path / "office.pub"
    path.write_text(drawn.key_text, encoding="utf-8")
    return path


@pytest.fixture
def office_key(drawn: Drawn) -> dict[str, bytes]:
    public = keys_svc.public_key(drawn.ws)
    return {signing.key_id(public): public}


def files_in(root: Path) -> dict[str, bytes]:
    """Every regular file of a bundle folder as {relative POSIX path: bytes}."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }
