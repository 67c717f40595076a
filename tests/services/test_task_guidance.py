"""Issue 12: statuses compared as vocabulary words, and `task check` findings that say what
to change (SQLite, or PostgreSQL with RANDCHECK_TEST_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.catalog import render
from randcheck.services import tasks
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import ANNOUNCE_AT, code, definition, entity, seed_world, write_def

S_ALL = [{"id": "S", "risk": ["*"], "count": 1}]


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


def create(ws: Workspace, engine: Engine, doc: dict[str, Any]) -> str:
    path = write_def(ws.root.parent / "defs" / f"{doc['id']}.toml", doc)
    (d,) = tasks.create_tasks(ws, engine, path, "tester")
    return d.id


def check(engine: Engine, task_id: str) -> tasks.CheckReport:
    with Session(engine) as s:
        return tasks.check_task(s, task_id, ANNOUNCE_AT)


def texts(report: tasks.CheckReport, lang: str, status: str = "fail") -> list[str]:
    return [render(f.code, lang, **f.params) for f in report.checks if f.status == status]


def test_statuses_match_the_registration_systems_wording(ws: Workspace, engine: Engine) -> None:
    seed_world(
        engine,
        entities=[
            entity(0, status="存续（在营、开业、在册）"),
            entity(1, status="在业"),
            entity(2, status="开业"),
            entity(3, status="吊销，未注销"),
            entity(4, status="吊销，已注销"),
            entity(5, status="注销"),
            entity(6, status="待核实"),  # unknown text is never taken for 存续
        ],
    )
    t = create(ws, engine, definition(id="ST", strata=S_ALL))
    report = check(engine, t)
    assert report.pool is not None
    assert report.pool.strata == {"S": sorted(code(i).encode() for i in (0, 1, 2))}
    assert report.pool.exclusions == {"status": 4}
    t2 = create(
        ws, engine, definition(id="ST2", strata=S_ALL, exclusions={"statuses": ["存续", "吊销"]})
    )
    pool2 = check(engine, t2).pool
    assert pool2 is not None and pool2.sizes() == {"S": 4}
