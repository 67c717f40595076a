"""The kept pool index (``services.poolindex``): an undirected task's pool read from it equals
the SQL pass and the reference loop on random registries and histories; it is used only
while the entity table is unchanged (a trigger counts every change, whoever makes it); on
SQLite and (with ``RANDCHECK_TEST_DATABASE_URL``) PostgreSQL."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.taskdef import StratumDef
from randcheck.services import eligible, poolindex, poolsql
from randcheck.store import kept
from randcheck.store.models import Entity, PoolIndexPart
from tests.drawfixtures import ANNOUNCE_AT
from tests.services.test_pool_fast import (
    _fields,
    _fill,
    _world,
    code_of,
    entities,
    inspections,
    rules,
    strata,
)


def _three(engine: Engine, rt: eligible.ResolvedTask) -> dict[str, Any]:
    """The pool by the index, by the SQL pass (index withheld) and by the loop, and which
    registry pass answered the first."""
    used: list[str] = []
    real_classify, real_sql = poolindex.classify, poolsql.classify_sql

    def spy_index(*args: Any) -> Any:
        got = real_classify(*args)
        used.append("index" if got is not None else "index-declined")
        return got

    def spy_sql(*args: Any) -> Any:
        used.append("sql")
        return real_sql(*args)

    poolindex.classify = spy_index  # type: ignore[assignment]
    poolsql.classify_sql = spy_sql  # type: ignore[assignment]
    try:
        with Session(engine) as s:
            by_index = eligible.compute_pool(s, rt, ANNOUNCE_AT)
    finally:
        poolindex.classify, poolsql.classify_sql = real_classify, real_sql
    real_current = poolindex.current
    poolindex.current = lambda *a, **k: None
    try:
        with Session(engine) as s:
            by_sql = eligible.compute_pool(s, rt, ANNOUNCE_AT)
    finally:
        poolindex.current = real_current
    with Session(engine) as s:
        by_loop = eligible.compute_pool(s, rt, ANNOUNCE_AT, fast=False)
    return {"index": by_index, "sql": by_sql, "loop": by_loop, "used": used}


def _undirected(rt: eligible.ResolvedTask, **over: Any) -> eligible.ResolvedTask:
    d = dataclasses.replace(rt.definition, mode="undirected", **over)
    return dataclasses.replace(rt, definition=d, scope_tags=())


_RT: dict[Engine, eligible.ResolvedTask] = {}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=entities, history=inspections, layout=strata, over=rules, odd=st.booleans())
def test_index_equals_the_sql_pass_and_the_loop(
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
    _fill(engine, rows, history, odd)
    got = _three(engine, _undirected(rt, strata=layers, **over))
    assert _fields(got["index"]) == _fields(got["sql"]) == _fields(got["loop"])
    if not odd:  # no comma in a code: the index answered
        assert got["used"] == ["index"]


def test_index_is_stored_reused_and_dropped_on_any_change(tmp_path: Path, engine: Engine) -> None:
    """Built and stored by the first pool, loaded by the next; a change to the table made
    behind randcheck's back (plain SQL) moves the counter, so the stale index is not used."""
    rt = _undirected(_world(tmp_path, engine), statuses=("存续",))
    _fill(engine, [(1, True, "存续", None, "A"), (2, True, "存续", None, "B")], [], False)
    with Session(engine) as s:
        first = eligible.compute_pool(s, rt, ANNOUNCE_AT)
    with engine.connect() as conn:
        stored = poolindex.load(conn)
        assert stored is not None and stored.generation == poolindex.generation(conn)
    before = _fields(first)
    with engine.begin() as conn:  # behind the tool's back
        conn.execute(
            update(Entity.__table__)  # type: ignore[attr-defined]
            .where(Entity.__table__.c.code == code_of(2))  # type: ignore[attr-defined]
            .values(status="注销")
        )
    with engine.connect() as conn:
        assert poolindex.load(conn) is None  # stale: the counter moved
    with Session(engine) as s:
        after = eligible.compute_pool(s, rt, ANNOUNCE_AT)
    assert _fields(after) != before
    assert after.exclusions == {"status": 1}
    with engine.connect() as conn:
        again = poolindex.load(conn)
        assert again is not None and again.generation == poolindex.generation(conn)


def test_store_refuses_an_index_the_registry_moved_past(tmp_path: Path, engine: Engine) -> None:
    _world(tmp_path, engine)
    _fill(engine, [(1, True, "存续", None, "A")], [], False)
    with engine.connect() as conn:
        index = poolindex.build(conn)
    assert index is not None
    _fill(engine, [(1, True, "存续", None, "A"), (3, True, "存续", None, "A")], [], False)
    assert poolindex.store(engine, index) is False
    with engine.connect() as conn:
        assert poolindex.load(conn) is None
        assert conn.execute(text("SELECT count(*) FROM pool_index_part")).scalar() == 0
    fresh = poolindex.refresh(engine)
    assert fresh is not None and fresh.groups[0].codes == (f"{code_of(1)}\n{code_of(3)}\n".encode())
    assert poolindex.refresh(engine) is None  # already current: nothing to do


def test_every_kind_of_change_moves_the_counter(tmp_path: Path, engine: Engine) -> None:
    _world(tmp_path, engine)
    seen = []
    with engine.connect() as conn:
        seen.append(poolindex.generation(conn))
    for sql in (
        f"INSERT INTO entity (code, name) VALUES ('{code_of(7)}', 'x')",
        f"UPDATE entity SET risk_class = 'B' WHERE code = '{code_of(7)}'",
        f"DELETE FROM entity WHERE code = '{code_of(7)}'",
    ):
        with engine.begin() as conn:
            conn.execute(text(sql))
        with engine.connect() as conn:
            seen.append(poolindex.generation(conn))
    assert all(a is not None and b is not None and b > a for a, b in itertools.pairwise(seen))


def test_recent_by_the_registry_date_is_a_cut_of_the_dated_codes(
    tmp_path: Path, engine: Engine
) -> None:
    """``last_inspected_on`` after the limit excludes as ``recent``; on the limit it does not."""
    rt = _world(tmp_path, engine)
    rows = [(i, True, "存续", off, "A") for i, off in enumerate([-31, -30, -29, -1, 0, None])]
    _fill(engine, rows, [], False)
    with engine.connect() as conn:
        index = poolindex.build(conn)
    assert index is not None
    assert index.recent(date(2023, 8, 16)) == b"".join(
        f"{code_of(i)}\n".encode() for i in (2, 3, 4)
    )
    assert index.recent(date(2023, 9, 15)) == b""
    assert index.recent(date(2000, 1, 1)).count(b"\n") == 5
    got = _three(engine, _undirected(rt, statuses=("存续",), recent_days=30))
    assert _fields(got["index"]) == _fields(got["loop"])
    assert got["index"].exclusions == {"recent": 3}


def test_index_declines_what_it_cannot_hold(tmp_path: Path, engine: Engine) -> None:
    """A code holding the aggregation's separator: no index; the loop answers, equal."""
    rt = _undirected(_world(tmp_path, engine), statuses=("存续",))
    _fill(engine, [(1, True, "存续", None, "A"), (2, True, "存续", None, "B")], [], True)
    with engine.connect() as conn:
        assert poolindex.build(conn) is None
    got = _three(engine, rt)
    assert _fields(got["index"]) == _fields(got["loop"])
    assert "index" not in got["used"]
    with engine.connect() as conn:  # only a note that these tables cannot be indexed
        assert conn.execute(text("SELECT count(*) FROM pool_index_part")).scalar() == 1
        assert poolindex.load(conn) is None and poolindex.is_current(conn)
    builds: list[int] = []
    real = poolindex.build
    poolindex.build = lambda conn: builds.append(1) or real(conn)  # type: ignore[assignment]
    try:
        again = _three(engine, rt)  # the note holds: not built again in vain
        assert builds == [] and _fields(again["index"]) == _fields(got["loop"])
        with engine.begin() as conn:  # a write moves the counter: tried again
            conn.execute(text("UPDATE entity SET name = name || '一'"))
        _three(engine, rt)
        assert builds == [1]
    finally:
        poolindex.build = real  # type: ignore[assignment]
    assert PoolIndexPart.__tablename__ == "pool_index_part"


def test_a_date_with_a_time_of_day_is_not_read_as_a_date(tmp_path: Path, engine: Engine) -> None:
    """A ``last_inspected_on`` written by plain SQL as ``2024-05-01 00:00:00`` (SQLite keeps
    any text): its dated line would read ``00:00:00 CODE`` as the code, so no index."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's date column cannot hold a time of day")
    _world(tmp_path, engine)
    _fill(engine, [(1, True, "存续", -400, "A")], [], False)
    with engine.connect() as conn:
        assert poolindex.build(conn) is not None  # a plain date: indexed
    with engine.begin() as conn:
        conn.execute(text("UPDATE entity SET last_inspected_on = '2024-05-01 00:00:00'"))
    with engine.connect() as conn:
        assert poolindex.build(conn) is None


def test_a_directed_task_does_not_use_the_index(tmp_path: Path, engine: Engine) -> None:
    rt = _world(tmp_path, engine)  # the fixture's definition is directed (scope tags)
    _fill(engine, [(1, True, "存续", None, "A")], [], False)
    got = _three(engine, rt)
    assert got["used"] == ["sql"]
    assert _fields(got["index"]) == _fields(got["loop"])


@pytest.mark.parametrize("parts", [1, 3])
def test_an_index_in_several_parts_loads_back_equal(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    _world(tmp_path, engine)
    rows = [(i, i % 5 != 0, ["存续", "注销"][i % 2], (-i if i % 3 else None), "ABCD"[i % 4])
            for i in range(1, 20)]  # fmt: skip
    _fill(engine, rows, [], False)
    with engine.connect() as conn:
        built = poolindex.build(conn)
    assert built is not None
    texts = [g.codes for g in built.groups] + [built.dated]
    size = -(-max(map(len, texts)) // parts)  # the longest text in ``parts`` parts
    monkeypatch.setattr(kept, "PART_BYTES", size)
    assert poolindex.store(engine, built)
    rows = 1 + sum(-(-len(t) // size) for t in texts)
    assert rows >= parts + 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pool_index_part")).scalar() == rows
        assert poolindex.load(conn) == built
    monkeypatch.setattr(kept, "PART_BYTES", size + 1)  # kept in another layout: not read
    with engine.connect() as conn:
        assert poolindex.load(conn) is None


def test_an_import_counts_itself_once_and_leaves_the_trigger_on(
    tmp_path: Path, engine: Engine
) -> None:
    """``registry import`` sets the per-row triggers aside inside its own transaction and
    bumps the counter once; after it, the triggers are back and count every write again."""
    from randcheck.demo_data import ENTITY_FIELDS, iter_entities, write_csv
    from randcheck.services import registry
    from randcheck.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws2", "测试市市场监督管理局", "320500")[0]
    csv_path = tmp_path / "entities.csv"
    write_csv(csv_path, ENTITY_FIELDS, ENTITY_FIELDS, iter_entities("t", 50))

    def state() -> tuple[int, list[Any]]:
        with engine.connect() as conn:
            g = conn.execute(
                text("SELECT generation FROM registry_generation WHERE name = 'entity'")
            ).scalar_one()
            if engine.dialect.name == "sqlite":
                triggers = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                ).all()
            else:
                triggers = conn.execute(
                    text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
                ).all()
        return int(g), [tuple(t) for t in triggers]

    before = state()
    assert before[1]  # the migration's triggers
    registry.import_file(engine, ws, "entities", csv_path, actor="tester")
    after = state()
    assert after[0] > before[0] and after[1] == before[1]  # the same triggers, back
    if engine.dialect.name == "sqlite":
        assert after[0] == before[0] + 1  # once, not once per row
    with engine.connect() as conn:
        index = poolindex.build(conn)
    assert index is not None and sum(g.count for g in index.groups) == 50
    with engine.begin() as conn:
        conn.execute(text("UPDATE entity SET risk_class = 'Z'"))
    assert state()[0] > after[0]


def test_the_counter_moves_in_the_written_tables_schema(engine: Engine) -> None:
    """PostgreSQL: a writer whose search_path does not name randcheck's schema (a DBA's
    session, a script) writes the table by its qualified name; the trigger still bumps the
    counters beside the tables written, not a table its search_path happens to find."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no schemas")
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        entity_at = poolindex.generation(conn)
        history_at = conn.execute(text("SELECT generation FROM history_state")).scalar()
    assert schema and entity_at is not None and history_at is not None
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL search_path = pg_catalog"))
        conn.execute(
            text(f"INSERT INTO \"{schema}\".entity (code, name) VALUES ('{code_of(9)}', 'x')")
        )
        conn.execute(text(f'DELETE FROM "{schema}".inspection_history'))
    with engine.connect() as conn:
        assert (poolindex.generation(conn) or 0) > entity_at
        assert conn.execute(text("SELECT generation FROM history_state")).scalar() > history_at


def test_a_registry_past_one_rows_bound_is_not_indexed_on_postgresql(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL returns build()'s columns in one row (at most 1 GB): past MAX_ROW the SQL
    pass answers instead; SQLite bounds each value, not the row."""
    rt = _undirected(_world(tmp_path, engine), statuses=("存续",))
    _fill(engine, [(1, True, "存续", -3, "A"), (2, True, "存续", None, "B")], [], False)
    monkeypatch.setattr(poolindex, "MAX_ROW", 50)
    with engine.connect() as conn:
        built = poolindex.build(conn)
    assert (built is None) == (engine.dialect.name == "postgresql")
    got = _three(engine, rt)
    assert _fields(got["index"]) == _fields(got["sql"]) == _fields(got["loop"])


def test_an_import_that_fails_leaves_the_triggers_and_the_counter_as_they_were(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The triggers set aside by an import come back with its rollback."""
    from randcheck.demo_data import ENTITY_FIELDS, iter_entities, write_csv
    from randcheck.services import registry
    from randcheck.services.registry import importer
    from randcheck.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws3", "测试市市场监督管理局", "320500")[0]
    csv_path = tmp_path / "entities.csv"
    write_csv(csv_path, ENTITY_FIELDS, ENTITY_FIELDS, iter_entities("t", 20))
    real = importer._run_import

    def fails_after_writing(*args: Any, **kw: Any) -> Any:
        real(*args, **kw)  # every row written, the triggers aside
        raise RuntimeError("the disk is full")

    def seen() -> tuple[Any, ...]:
        with engine.connect() as conn:
            return (
                poolindex.generation(conn),
                conn.execute(text("SELECT count(*) FROM entity")).scalar(),
                conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                ).all()
                if engine.dialect.name == "sqlite"
                else conn.execute(text("SELECT tgname FROM pg_trigger ORDER BY 1")).all(),
            )

    before = seen()
    monkeypatch.setattr(importer, "_run_import", fails_after_writing)
    with pytest.raises(RuntimeError):
        registry.import_file(engine, ws, "entities", csv_path, actor="tester")
    assert seen() == before
    with engine.begin() as conn:  # and they count the next write
        conn.execute(text(f"INSERT INTO entity (code, name) VALUES ('{code_of(5)}', 'x')"))
    assert (seen()[0] or 0) > (before[0] or 0)
