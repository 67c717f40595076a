"""Hand-built registries, task definitions and entropy for the task and draw tests.

Everything here is small and explicit so that each test knows exactly which entity is in
which stratum and why one is excluded.  Rows go straight into the registry tables (the
registry import has its own tests); definitions are written as real TOML/JSON files and go
through ``randcheck.services.tasks.create_tasks`` like the office's files do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from randcheck.core import signing
from randcheck.core.draw import drand
from randcheck.core.uscc import make_uscc
from randcheck.store.models import Conflict, Entity, Inspector, Item

# quicknet round 657413 (published 2023-09-15T11:00:03Z), verified offline in the draw tests.
DRAND_ROUND = 657413
DRAND_SIG = (
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b"
)
DRAND_BEACON = {"round": DRAND_ROUND, "signature": DRAND_SIG}
ROUND_TIME = drand.round_time(drand.CHAINS["quicknet"], DRAND_ROUND)
#: announce one hour before the round exists; draw one minute after it was published
ANNOUNCE_AT = datetime.fromtimestamp(ROUND_TIME - 3600, UTC)
DRAWN_AT = datetime.fromtimestamp(ROUND_TIME + 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
TODAY = date(2023, 9, 15)  # ANNOUNCE_AT in China time

OPERATOR = signing.private_from_seed(bytes([7]) * 32)
WITNESS = signing.private_from_seed(bytes([8]) * 32)
OTHER = signing.private_from_seed(bytes([9]) * 32)


def trusted(*keys: Any) -> dict[str, bytes]:
    out = {}
    for k in keys or (OPERATOR,):
        raw = signing.public_raw(k)
        out[signing.key_id(raw)] = raw
    return out


def code(i: int, region: str = "320505") -> str:
    """A valid USCC, distinct for every ``i`` (and sorted by ``i`` within one region)."""
    return make_uscc("9", "1", region, f"MA{i:06d}")


ITEMS: tuple[dict[str, Any], ...] = (
    {
        "code": "K01",
        "name": "食品经营者监督检查",
        "legal_basis": "《食品安全法》第一百一十条",
        "department": "食品科",
        "scope_tags": "|食品经营|",
        "required_qualification": "食品检查员",
        "item_type": "重点",
        "ratio_cap": "",
    },
    {
        "code": "G01",
        "name": "企业公示信息抽查",
        "legal_basis": "《企业信息公示暂行条例》第十四条",
        "department": "食品科",
        "scope_tags": "|食品经营|",
        "required_qualification": "食品检查员",
        "item_type": "一般",
        "ratio_cap": "1/10",
    },
    {
        "code": "J01",
        "name": "药品零售企业监督检查",
        "legal_basis": "《药品管理法》第九十九条",
        "department": "药品科",
        "scope_tags": "|食品经营|",
        "required_qualification": "食品检查员",
        "item_type": "重点",
        "ratio_cap": "",
    },
)


def entity(i: int, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "code": code(i, over.pop("region", "320505")),
        "name": f"测试企业{i}号",
        "subject_type": "企业",
        "region_code": "320505",
        "industry": "H6210",
        "status": "存续",
        "tags": "|食品经营|",
        "risk_class": "A",
        "last_inspected_on": None,
        "active": True,
    }
    row.update(over)
    return row


def inspector(badge: str, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "badge_no": badge,
        "name": f"检查员{badge}",
        "unit": "测试局",
        "department": "食品科",
        "cert_valid_until": date(2030, 12, 31),
        "qualifications": "|食品检查员|",
        "specialties": "",
        "is_expert": False,
        "status": "在岗",
        "active": True,
    }
    row.update(over)
    return row


def insert_rows(engine: Engine, model: Any, rows: Iterable[Mapping[str, Any]]) -> None:
    rows = [dict(r) for r in rows]
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(model.__table__), rows)


def seed_world(
    engine: Engine,
    entities: Iterable[Mapping[str, Any]] | None = None,
    inspectors: Iterable[Mapping[str, Any]] | None = None,
    conflicts: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Items, entities (default: 40 food businesses, risk A..D), inspectors (default: 8)."""
    insert_rows(engine, Item, ITEMS)
    if entities is None:
        entities = [entity(i, risk_class="ABCD"[i % 4]) for i in range(40)]
    insert_rows(engine, Entity, entities)
    if inspectors is None:
        inspectors = [inspector(f"F{i:03d}") for i in range(8)]
    insert_rows(engine, Inspector, inspectors)
    insert_rows(
        engine,
        Conflict,
        [{"relation": "近亲属在该企业任职", "active": True, **c} for c in conflicts],
    )


def definition(**over: Any) -> dict[str, Any]:
    """A valid one-task definition (dice only, so no drand round is needed)."""
    doc: dict[str, Any] = {
        "id": "T1",
        "title": "2023年第一批食品经营抽查",
        "items": ["K01"],
        "mode": "directed",
        "strata": [
            {"id": "S1", "risk": ["C", "D"], "ratio": "1/2", "reserve": 3},
            {"id": "S2", "risk": ["*"], "count": 2, "reserve": 3},
        ],
        "teams": {
            "min_inspectors": 2,
            "max_load": 10,
            "inspect_from": "2023-10-01",
            "inspect_to": "2023-10-31",
        },
        "entropy": {"dice": [{"witness": "张三", "count": 5, "faces": 6}]},
    }
    doc.update(over)
    return {k: v for k, v in doc.items() if v is not None}


def with_drand(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc["entropy"] = {**doc["entropy"], "drand": {"chain": "quicknet", "round": DRAND_ROUND}}
    return doc


def write_def(path: Path, doc: Mapping[str, Any]) -> Path:
    """Write ``doc`` as TOML (``.toml``) or JSON (anything else)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".toml":
        path.write_text(tomli_w.dumps(dict(doc)), encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


DICE = {"dice": {"张三": [1, 2, 3, 4, 5]}}


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of every table that tasks and draws write."""
    from randcheck.store.audit_models import AuditEntry
    from randcheck.store.draw_models import (
        AddendumRow,
        AnnouncementRow,
        RecordRow,
        SnapshotPart,
        TaskRow,
    )

    out = {}
    with engine.connect() as conn:
        for model in (TaskRow, AnnouncementRow, SnapshotPart, RecordRow, AddendumRow, AuditEntry):
            table = model.__table__  # type: ignore[attr-defined]
            out[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar())
    return out


def later(days: int) -> datetime:
    return ANNOUNCE_AT + timedelta(days=days)


def record_draw(
    ws: Any,
    engine: Engine,
    plan: Any,
    evidence: list[dict[str, Any]],
    body: Mapping[str, Any],
    *,
    witnesses: Iterable[Any] = (),
    now: datetime | None = None,
) -> Any:
    """Reveal (log the attempt, as the ceremony does before showing the seed), then finalize."""
    from randcheck.services import draws

    seq = draws.reveal(
        ws, engine, plan, evidence, "tester", redraw=body["redraw"] is not None, now=now
    )
    return draws.finalize(ws, engine, plan, body, OPERATOR, list(witnesses), "tester", seq, now=now)


def passes_without_bls(report: Any) -> bool:
    """A report made with ``verify_bls=False`` (a test shortcut: py_ecc is slow): nothing
    failed, and the only check not passed is ``entropy``, unverified because the drand round's
    BLS signature was not checked (SPEC §9: never reported as passed)."""
    return not report.failures and all(
        c.name == "entropy" and c.code == "proto.drand_bls_not_checked" for c in report.unverified
    )
