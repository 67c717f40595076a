"""``task announce`` reuses the pool its check computed, and only while nothing it depends on
has changed (``eligible.pool_inputs``): the command checks before it asks for the passphrase,
then announces, and the pool of a large registry is not read twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.draw.commit import population_file
from randcheck.services import eligible, tasks
from randcheck.services.snapshots import load_population
from randcheck.store.models import Entity
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    OPERATOR,
    code,
    definition,
    entity,
    insert_rows,
    later,
    seed_world,
)
from tests.services.test_tasks import check, create, draw_official

ALL = [{"id": "S", "risk": ["*"], "count": 3}]


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The task ids whose pool was computed (not reused), in order."""
    calls: list[str] = []
    real = tasks.compute_pool

    def spy(session: Session, rt: eligible.ResolvedTask, now: Any, **kw: Any) -> eligible.Pool:
        calls.append(rt.definition.id)
        return real(session, rt, now, **kw)

    monkeypatch.setattr(tasks, "compute_pool", spy)
    return calls


def _create(ws: Workspace, engine: Engine, **over: Any) -> str:
    return create(ws, engine, definition(**over), f"{over.get('id', 'T1')}.toml")


def _stored(engine: Engine, task_id: str) -> dict[str, bytes]:
    with Session(engine) as s:
        return load_population(s, task_id)


def test_an_unchanged_world_announces_the_checked_pool_without_reading_it_again(
    ws: Workspace, engine: Engine, computed: list[str]
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(10)])
    t = _create(ws, engine, strata=ALL)
    report = check(engine, t)
    assert computed == [t] and report.pool is not None and report.pool.inputs is not None
    got = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT, checked=report)
    assert computed == [t]  # reused
    assert got.strata == report.pool.sizes() == {"S": 10}
    assert _stored(engine, t) == {sid: population_file(c) for sid, c in report.pool.strata.items()}


def _entity_added(engine: Engine) -> None:
    insert_rows(engine, Entity, [entity(50)])


def _entity_edited_by_sql(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE entity SET status = '注销' WHERE code = '{code(3)}'"))


def _history_added(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inspection_history (entity_code, inspected_on, item_code, "
                "inspectors, result, department, source, is_random, ref, content) VALUES "
                f"('{code(4)}', '2023-09-01', 'K01', '|X1|', '', 'd', 's', true, '', 'c')"
            )
        )


@pytest.mark.parametrize(
    "change", [_entity_added, _entity_edited_by_sql, _history_added], ids=lambda f: f.__name__
)
def test_a_change_after_the_check_is_read_again(
    ws: Workspace, engine: Engine, computed: list[str], change: Callable[[Engine], None]
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(10)])
    t = _create(ws, engine, strata=ALL, exclusions={"statuses": ["存续"], "recent_days": 90})
    report = check(engine, t)
    change(engine)
    fresh = check(engine, "T1")  # what a check after the change says
    got = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT, checked=report)
    assert computed == [t, t, t]  # not reused
    assert fresh.pool is not None and report.pool is not None
    assert got.strata == fresh.pool.sizes() and got.exclusions == fresh.pool.exclusions
    assert (got.strata, got.exclusions) != (report.pool.sizes(), report.pool.exclusions)
    assert _stored(engine, t) == {sid: population_file(c) for sid, c in fresh.pool.strata.items()}


def test_another_day_or_another_task_is_read_again(
    ws: Workspace, engine: Engine, computed: list[str]
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(10)])
    t1 = _create(ws, engine, strata=ALL)
    t2 = _create(ws, engine, id="T2", strata=ALL)
    yesterday = check(engine, t1, later(-1))
    tasks.announce(ws, engine, t1, OPERATOR, "tester", ANNOUNCE_AT, checked=yesterday)
    assert computed == [t1, t1]
    other = check(engine, t1, later(1))  # T1's report offered to T2
    tasks.announce(ws, engine, t2, OPERATOR, "tester", later(1), checked=other)
    assert computed == [t1, t1, t1, t2]


def test_a_new_official_record_is_read_again(
    ws: Workspace, engine: Engine, computed: list[str]
) -> None:
    """An official draw between the check and the announcement changes drawn_this_year."""
    seed_world(engine, entities=[entity(i) for i in range(10)])
    first = _create(ws, engine, strata=ALL)
    tasks.announce(ws, engine, first, OPERATOR, "tester", ANNOUNCE_AT)
    second = _create(ws, engine, id="T2", strata=[{"id": "S", "risk": ["*"], "count": 1}])
    report = check(engine, second)
    draw_official(ws, engine, first)
    got = tasks.announce(ws, engine, second, OPERATOR, "tester", ANNOUNCE_AT, checked=report)
    assert computed == [first, second, second]
    assert got.exclusions == {"drawn_this_year": 3} and got.strata == {"S": 7}
