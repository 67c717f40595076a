"""The pool's SQL registry pass (``services.poolsql``) equals the reference loop
(``eligible.classify_rows``) on random registries and histories: strata, exclusion counts
per reason, uncovered classes, rotation pairs and the history digest, on SQLite and (with
``RANDCHECK_TEST_DATABASE_URL``) PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.taskdef import StratumDef
from randcheck.services import eligible, poolsql, tasks
from randcheck.services.results import history
from randcheck.store.models import Entity
from randcheck.store.result_models import HistoryRow
from randcheck.workspace import init_workspace
from tests.drawfixtures import ANNOUNCE_AT, definition, seed_world, write_def

TODAY = date(2023, 9, 15)  # ANNOUNCE_AT in Beijing
STATUSES = ["存续", "在业", "注销", "吊销", " 存续", "开业", ""]
RISKS = ["A", "B", "C", "D", "", "*", "X"]
BADGES = ["F000", "F001", "F002", "Z9"]
EDGES = [-257, -181, -180, -179, -31, -30, -29, -1, 0]  # 2023-01-01, recent_days 30 / 180

entities = st.lists(
    st.tuples(
        st.integers(0, 19),  # code number
        st.sampled_from([True, True, True, False]),  # active
        st.sampled_from(STATUSES[:2] * 3 + STATUSES),
        st.none() | st.sampled_from(EDGES) | st.integers(-700, 0),  # last_inspected_on
        st.sampled_from(RISKS),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda r: r[0],
)
inspections = st.lists(
    st.tuples(
        st.integers(0, 22),  # code number (some not in the registry)
        st.sampled_from(EDGES) | st.integers(-400, 0),  # date, days from today
        st.sampled_from(["K01", "K02", ""]),
        st.lists(st.sampled_from(BADGES), max_size=3, unique=True),
        st.booleans(),  # random
        st.sampled_from(["食品科", "消防"]),
        st.sampled_from(["", "R1", "R2"]),
    ),
    max_size=30,
)
strata = st.sampled_from(
    [
        (("S1", ("C", "D")), ("S2", ("*",))),
        (("S1", ("A",)), ("S2", ("B", "C", "D", "", "*"))),
        (("S1", ("A", "B", "C", "D")),),  # "", "*" and "X" uncovered
        (("S1", ("*",)),),
    ]
)
rules = st.fixed_dictionaries(
    {
        "recent_days": st.sampled_from([None, 30, 180]) | st.integers(1, 400),
        "annual_cap": st.none() | st.integers(1, 3),
        "annual_cap_counts": st.sampled_from(["all", "random"]),
        "drawn_this_year": st.booleans(),
        "rotation": st.booleans(),
        "statuses": st.sampled_from([("存续",), ("存续", "在业"), ("注销",)]),
    }
)


def code_of(i: int, odd: bool = False) -> str:
    # 18 characters, like a USCC; ``odd`` puts a comma in one (the fast path declines it)
    return f"91320505{i:09d}{',' if odd else 'X'}"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _fill(engine: Engine, rows: list[Any], history: list[Any], odd: bool) -> None:
    with engine.begin() as conn:
        conn.execute(delete(HistoryRow.__table__))  # type: ignore[attr-defined]
        conn.execute(delete(Entity.__table__))  # type: ignore[attr-defined]
        ents = [
            {"code": code_of(i, odd and k == 0), "name": f"企业{i}", "status": status,
             "risk_class": risk, "active": active, "tags": "|食品经营|",
             "region_code": "320505", "industry": "H6210", "subject_type": "企业",
             "last_inspected_on": None if last is None else TODAY + timedelta(days=last)}
            for k, (i, active, status, last, risk) in enumerate(rows)
        ]  # fmt: skip
        if ents:
            conn.execute(insert(Entity.__table__), ents)  # type: ignore[attr-defined]
        hist = [
            {"entity_code": code_of(i), "inspected_on": day(d), "item_code": item,
             "inspectors": "".join(f"|{b}" for b in badges) + ("|" if badges else ""),
             "result": "", "department": dep, "source": "s", "is_random": rnd, "ref": ref,
             "content": hashlib.sha256(f"{n}".encode()).hexdigest()}
            for n, (i, d, item, badges, rnd, dep, ref) in enumerate(history)
        ]  # fmt: skip
        if hist:
            conn.execute(insert(HistoryRow.__table__), hist)  # type: ignore[attr-defined]


def _world(tmp_path: Path, engine: Engine) -> eligible.ResolvedTask:
    ws = init_workspace(tmp_path / "ws", "测试市市场监督管理局", "320500")[0]
    seed_world(engine, entities=[])
    path = write_def(tmp_path / "defs" / "t.toml", definition(id="P"))
    tasks.create_tasks(ws, engine, path, "tester")
    with Session(engine) as s:
        _row, d = tasks.get_task(s, "P")
        return eligible.resolve_items(s, d)


def _both(
    engine: Engine, rt: eligible.ResolvedTask, used: list[bool] | None = None
) -> tuple[eligible.Pool, eligible.Pool]:
    """The pool by the fast path and by the loop; ``used`` gets whether SQL answered."""
    real = poolsql.classify_sql

    def spy(*args: Any) -> poolsql.Classified | None:
        got = real(*args)
        if used is not None:
            used.append(got is not None)
        return got

    poolsql.classify_sql = spy  # type: ignore[assignment]
    try:
        with Session(engine) as s:
            fast = eligible.compute_pool(s, rt, ANNOUNCE_AT)
    finally:
        poolsql.classify_sql = real  # type: ignore[assignment]
    with Session(engine) as s:
        slow = eligible.compute_pool(s, rt, ANNOUNCE_AT, fast=False)
    return fast, slow


def _fields(p: eligible.Pool) -> dict[str, Any]:
    return {
        "strata": {k: list(v) for k, v in p.strata.items()},
        "exclusions": p.exclusions,
        "uncovered": p.uncovered,
        "previous": sorted(p.previous),
        "history": p.history_digest,
    }


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=entities, history=inspections, layout=strata, over=rules, odd=st.booleans())
def test_sql_pass_equals_the_loop(
    tmp_path_factory: Any,
    engine: Engine,
    rows: list[Any],
    history: list[Any],
    layout: Any,
    over: dict[str, Any],
    odd: bool,
) -> None:
    rt = _RT.get(engine)
    if rt is None:
        rt = _RT[engine] = _world(tmp_path_factory.mktemp("pool"), engine)
    layers = tuple(StratumDef(sid, risk, 1, None, 0) for sid, risk in layout)
    d = dataclasses.replace(rt.definition, strata=layers, **over)
    _fill(engine, rows, history, odd)
    _check_history_inputs(engine, history, over["recent_days"] or 30)
    used: list[bool] = []
    fast, slow = _both(engine, dataclasses.replace(rt, definition=d), used)
    assert _fields(fast) == _fields(slow)
    # with a star stratum and no comma in a code, SQL answered (the loop did not stand in)
    if not odd and any("*" in risk for _sid, risk in layout):
        assert used == [True]


_RT: dict[Engine, eligible.ResolvedTask] = {}


def _check_history_inputs(engine: Engine, rows: list[Any], recent_days: int) -> None:
    """``last`` read only after a date holds exactly the entities whose latest inspection is
    after it, with that date; ``previous`` splits every inspection's inspectors."""
    latest: dict[str, str] = {}
    pairs = set()
    for i, d, _item, badges, _rnd, _dep, _ref in rows:
        latest[code_of(i)] = max(latest.get(code_of(i), ""), day(d))
        pairs.update((code_of(i), b) for b in badges)
    since = day(-recent_days)
    with Session(engine) as s:
        conn = s.connection()
        every = history.inputs(conn, "2023", random_only=False)
        recent = history.inputs(conn, "2023", random_only=False, last_after=since)
        none = history.inputs(conn, "2023", random_only=False, last_after=None, rotation=False)
    assert every.last == latest
    assert recent.last == {c: x for c, x in latest.items() if x > since}
    assert none.last == {} and none.inspectors == []
    assert every.previous == pairs == recent.previous
    some = {c for c, _b in sorted(pairs)[::2]}
    assert history.pairs_of_reference(every.inspectors, some) == {p for p in pairs if p[0] in some}
    assert every.digest == recent.digest == none.digest


def test_sql_pass_declines_what_it_cannot_read_exactly(tmp_path: Path, engine: Engine) -> None:
    """A code holding the separator, or a class no stratum takes: the loop decides."""
    rt = _world(tmp_path, engine)
    _fill(engine, [(1, True, "存续", None, "A"), (2, True, "存续", None, "C")], [], True)
    only_a = (StratumDef("S1", ("A",), 1, None, 0),)
    d = dataclasses.replace(rt.definition, statuses=("存续",), strata=only_a)
    with Session(engine) as s:
        conn = s.connection()
        args = (conn, [], {"存续": True}, None, {}, {"A": "S1", "C": "S1"}, None, ["S1"], set())
        assert poolsql.classify_sql(*args) is None  # the comma in code 1
    _fill(engine, [(1, True, "存续", None, "A"), (2, True, "存续", None, "Q")], [], False)
    with Session(engine) as s:
        conn = s.connection()
        args = (conn, [], {"存续": True}, None, {}, {"A": "S1"}, None, ["S1"], set())
        assert poolsql.classify_sql(*args) is None  # class Q: uncovered, counted by the loop
        got = poolsql.classify_sql(*args[:6], "S1", ["S1"], set())
        assert got is not None and got.blobs == {"S1": f"{code_of(1)}\n{code_of(2)}\n".encode()}
    fast, slow = _both(engine, dataclasses.replace(rt, definition=d))
    assert _fields(fast) == _fields(slow)
    assert fast.uncovered == {"Q": 1}


def test_sql_pass_declines_texts_longer_than_one_value_may_be(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_TEXT bytes (every row in scope times its longest code or stratum key, with a
    separator) the databases would refuse the aggregated text: the loop answers instead."""
    rt = _world(tmp_path, engine)
    _fill(engine, [(i, True, "存续", None, "A") for i in range(1, 5)], [], False)
    d = dataclasses.replace(rt.definition, statuses=("存续",))
    width = len(code_of(1).encode()) + 1  # each code and its separator
    with Session(engine) as s:
        conn = s.connection()
        args = (conn, [], {"存续": True}, None, {}, {"A": "S1"}, None, ["S1"], set())
        monkeypatch.setattr(poolsql, "MAX_TEXT", 4 * width)
        assert poolsql.classify_sql(*args) is not None  # exactly at the bound
        monkeypatch.setattr(poolsql, "MAX_TEXT", 4 * width - 1)
        assert poolsql.classify_sql(*args) is None
    fast, slow = _both(engine, dataclasses.replace(rt, definition=d))
    assert _fields(fast) == _fields(slow)
