"""The kept history index (``services.results.historyindex``): an undirected task's pool read
from the registry's and the history's indexes equals the reference (the tables read row by
row, ``eligible.classify_rows``) on random registries, histories and results, roster bytes
included; it is used only while the history is unchanged, declines what it cannot hold; on
SQLite and (with ``RANDCHECK_TEST_DATABASE_URL``) PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.draw.pairset import PairSet
from randcheck.core.taskdef import StratumDef
from randcheck.services import eligible
from randcheck.services.results import historyindex
from randcheck.store.result_models import HistoryRow, ResultRow
from randcheck.workspace import init_workspace
from tests.drawfixtures import ANNOUNCE_AT
from tests.services.test_pool_fast import (
    BADGES,
    EDGES,
    _fields,
    _fill,
    _world,
    code_of,
    day,
    entities,
    inspections,
    rules,
    strata,
)

results = st.lists(
    st.tuples(
        st.integers(0, 22),  # code number
        st.sampled_from(EDGES) | st.integers(-400, 0),  # completed on, days from today
        st.lists(st.sampled_from(BADGES), max_size=3, unique=True),
        st.sampled_from(["T1", "T2"]),
    ),
    max_size=8,
    unique_by=lambda r: (r[0], r[3]),
)


def _results(engine: Engine, rows: list[Any]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(ResultRow.__table__))  # type: ignore[attr-defined]
        made = [
            {"task_id": task, "entity_code": code_of(i), "item_code": "K01", "record_digest": "0"
             * 64, "completed_on": day(d), "terms": "|未发现问题|", "vocabulary": "v1",
             "inspectors": "".join(f"|{b}" for b in badges) + ("|" if badges else ""),
             "entered_by": "t", "entered_at": "2023-09-15T00:00:00Z", "findings": "",
             "followup": "", "note": "", "late_reason": "", "correction": "",
             "content": hashlib.sha256(f"r{n}".encode()).hexdigest(), "pending": False}
            for n, (i, d, badges, task) in enumerate(rows)
        ]  # fmt: skip
        if made:
            conn.execute(insert(ResultRow.__table__), made)  # type: ignore[attr-defined]


def _pools(engine: Engine, rt: eligible.ResolvedTask) -> tuple[Any, Any, list[str]]:
    """The pool and roster by the indexes and by the reference, and what answered."""
    used: list[str] = []
    real = historyindex.current

    def spy(*args: Any, **kw: Any) -> Any:
        got = real(*args, **kw)
        used.append("history-index" if got is not None else "declined")
        return got

    historyindex.current = spy  # type: ignore[assignment]
    try:
        with Session(engine) as s:
            fast = eligible.compute_pool(s, rt, ANNOUNCE_AT)
            fast_roster = eligible.build_roster(s, rt, fast)
    finally:
        historyindex.current = real  # type: ignore[assignment]
    with Session(engine) as s:
        slow = eligible.compute_pool(s, rt, ANNOUNCE_AT, fast=False)
        slow_roster = eligible.build_roster(s, rt, slow)
    return (fast, fast_roster), (slow, slow_roster), used


_RT: dict[Engine, eligible.ResolvedTask] = {}


def _rt(tmp: Any, engine: Engine, layout: Any = (("S1", ("*",)),), **over: Any) -> Any:
    rt = _RT.get(engine)
    if rt is None:
        rt = _RT[engine] = _world(tmp.mktemp("hist") if hasattr(tmp, "mktemp") else tmp, engine)
    layers = tuple(StratumDef(sid, risk, 1, None, 0) for sid, risk in layout)
    d = dataclasses.replace(rt.definition, mode="undirected", strata=layers, **over)
    return dataclasses.replace(rt, definition=d, scope_tags=())


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=entities, history=inspections, done=results, layout=strata, over=rules)
def test_pool_by_the_indexes_equals_the_reference(
    tmp_path_factory: Any,
    engine: Engine,
    rows: list[Any],
    history: list[Any],
    done: list[Any],
    layout: Any,
    over: dict[str, Any],
) -> None:
    rt = _rt(tmp_path_factory, engine, layout, **over)
    _fill(engine, rows, history, False)
    _results(engine, done)
    (fast, fast_roster), (slow, slow_roster), used = _pools(engine, rt)
    assert _fields(fast) == _fields(slow)
    assert fast_roster == slow_roster and fast_roster.canonical() == slow_roster.canonical()
    d = rt.definition
    if d.rotation or d.recent_days or d.annual_cap is not None or d.drawn_this_year:
        assert used == ["history-index"]
        if d.rotation:
            assert isinstance(fast.previous, PairSet)
    else:
        assert used == []  # nothing of the history is read but its digest


def test_index_is_kept_reused_and_dropped_on_any_change(tmp_path: Path, engine: Engine) -> None:
    rt = _rt(tmp_path, engine, rotation=True, recent_days=30)
    _fill(engine, [(1, True, "存续", None, "A"), (2, True, "存续", None, "B")],
          [(1, -3, "K01", ["F000", "F001"], True, "消防", "R1")], False)  # fmt: skip
    _results(engine, [])
    with engine.connect() as conn:
        assert historyindex.load(conn) is None
    (fast, _), (slow, _), used = _pools(engine, rt)
    assert used == ["history-index"] and _fields(fast) == _fields(slow)
    assert fast.exclusions.get("recent") == 1
    with engine.connect() as conn:
        kept = historyindex.load(conn)
        assert kept is not None and kept == historyindex.build(conn)
    with engine.begin() as conn:  # a write behind randcheck's back moves the counter
        conn.execute(text("UPDATE inspection_history SET inspected_on = :d"), {"d": day(-300)})
    with engine.connect() as conn:
        assert historyindex.load(conn) is None
    (fast, _), (slow, _), _used = _pools(engine, rt)
    assert _fields(fast) == _fields(slow) and "recent" not in fast.exclusions
    _results(engine, [(2, -1, ["F002"], "T1")])  # a result moves it too
    with engine.connect() as conn:
        assert historyindex.load(conn) is None
    (fast, _), (slow, _), _used = _pools(engine, rt)
    assert _fields(fast) == _fields(slow) and fast.exclusions.get("recent") == 1
    assert fast.previous == {(code_of(1), "F000"), (code_of(1), "F001")}  # 2 is recent


def test_store_refuses_an_index_the_history_moved_past(tmp_path: Path, engine: Engine) -> None:
    _rt(tmp_path, engine)
    _fill(engine, [], [(1, -3, "", ["F000"], True, "消防", "")], False)
    with engine.connect() as conn:
        built = historyindex.build(conn)
    assert built is not None
    _results(engine, [(2, -1, ["F002"], "T1")])
    assert not historyindex.store(engine, built)
    assert historyindex.refresh(engine) is not None  # built again, and kept
    with engine.connect() as conn:
        assert historyindex.load(conn) is not None
    assert historyindex.refresh(engine) is None  # nothing to do


def test_index_declines_what_it_cannot_hold_and_the_tables_answer(
    tmp_path: Path, engine: Engine
) -> None:
    rt = _rt(tmp_path, engine, rotation=True, annual_cap=1)
    _fill(engine, [(1, True, "存续", None, "A")],
          [(1, -3, "", ["F000"], True, "消防", "")], False)  # fmt: skip
    _results(engine, [])
    with engine.begin() as conn:  # a badge holding a tab: the lines would not be the rows
        conn.execute(text("UPDATE inspection_history SET inspectors = :t"), {"t": "|F\t0|"})
    with engine.connect() as conn:
        assert historyindex.build(conn) is None
    (fast, fr), (slow, sr), used = _pools(engine, rt)
    assert used == ["declined"] and _fields(fast) == _fields(slow) and fr == sr
    builds: list[int] = []
    real = historyindex.build
    historyindex.build = lambda conn: builds.append(1) or real(conn)  # type: ignore[assignment]
    try:  # a note that the history cannot be indexed: not built again until a write
        (fast, fr), (slow, sr), used = _pools(engine, rt)
        assert builds == [] and _fields(fast) == _fields(slow) and fr == sr
        assert historyindex.refresh(engine) is None and builds == []
        _results(engine, [(1, -1, ["F002"], "T1")])
        assert historyindex.refresh(engine) is None and builds == [1]  # still a tab: no index
    finally:
        historyindex.build = real  # type: ignore[assignment]


def test_a_badge_with_another_line_break_stays_one_badge(tmp_path: Path, engine: Engine) -> None:
    """A badge holding a line break other than a newline (written behind randcheck's back)
    is one odd badge, as the reference reads it, not two pairs."""
    rt = _rt(tmp_path, engine, rotation=True)
    _fill(engine, [(1, True, "存续", None, "A")],
          [(1, -3, "", ["F000"], True, "消防", "")], False)  # fmt: skip
    _results(engine, [])
    for odd in ("\x1d", "\r", "\u2028", "\x85"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE inspection_history SET inspectors = :t"),
                         {"t": f"|F000{odd}F001|"})  # fmt: skip
        (fast, fr), (slow, sr), used = _pools(engine, rt)
        assert used == ["history-index"]
        assert _fields(fast) == _fields(slow) and fr.canonical() == sr.canonical()
        assert fast.previous == {(code_of(1), f"F000{odd}F001")}


def test_one_badge_each_and_several_give_the_same_pairs(engine: Engine, tmp_path: Path) -> None:
    """The usual one-badge rows take two replacements; any other row the per-row split."""
    single = historyindex._pairs(b"A\t|x|\nB\t|y|\n")
    several = historyindex._pairs(b"A\t|x|\nB\t||y||\n")
    assert single == several == b"A\0x\nB\0y\n"
    assert historyindex._pairs(b"A\t|x|z|\nA\t\n") == b"A\0x\nA\0z\n"
    assert historyindex._pairs(b"A\t|x\t|\n") is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("ABCDE"), st.booleans()), max_size=20),
    st.dictionaries(st.sampled_from("ABCDEF"), st.integers(1, 3), max_size=4),
    st.integers(1, 4),
    st.booleans(),
)
def test_capped_counts_the_history_and_the_own_draws(
    events: list[tuple[str, bool]], own: dict[str, int], cap: int, random_only: bool
) -> None:
    """An entity is capped when its inspections of the year in the history (random ones only
    with ``random_only``) and this workspace's draws of it reach the cap."""
    from collections import Counter

    by_kind: dict[tuple[str, bool], bytes] = {}
    for random in (False, True):
        codes = sorted(c for c, r in events if r == random)
        by_kind[("2023", random)] = b"".join(c.encode() + b"\n" for c in codes)
    by_kind[("2022", True)] = b"A\nA\nA\nA\n"  # another year counts for nothing
    index = historyindex.HistoryIndex(1, b"", b"", by_kind, {})
    got = index.capped("2023", random_only, cap, Counter(own))
    counted = Counter(c for c, r in events if r or not random_only) + Counter(own)
    assert sorted(set(got.decode().split())) == sorted(c for c, n in counted.items() if n >= cap)


def test_own_draws_count_with_the_history_as_the_reference_counts_them(
    tmp_path: Path, engine: Engine
) -> None:
    """An undirected task after an official draw of this workspace (its targets, teams and
    items) and with history rows of the same entities: the indexes give the reference's pool,
    exclusion counts and rotation pairs, cap and rotation counting both sources."""
    from randcheck.services import tasks
    from tests.drawfixtures import OPERATOR, definition, entity, seed_world
    from tests.services.test_tasks import create, draw_official

    ws = init_workspace(tmp_path / "ws", "测试市市场监督管理局", "320500")[0]
    seed_world(engine, entities=[entity(i) for i in range(12)])
    first = create(ws, engine, definition(mode="undirected",
                                          strata=[{"id": "S", "risk": ["*"], "count": 4}]))  # fmt: skip
    tasks.announce(ws, engine, first, OPERATOR, "tester", ANNOUNCE_AT)
    body = draw_official(ws, engine, first)
    drawn = [d["code"] for d in body["strata"][0]["drawn"]]
    hist = [
        {"entity_code": c, "inspected_on": day(-400 if k % 2 else -100), "item_code": "K01",
         "inspectors": "|F000|", "result": "", "department": "消防", "source": "s",
         "is_random": bool(k % 3), "ref": f"R{k}", "content": hashlib.sha256(f"{k}{c}".encode()).hexdigest()}
        for k, c in enumerate(drawn[:2] + [entity(i)["code"] for i in (9, 10, 11)])
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(HistoryRow.__table__), hist)  # type: ignore[attr-defined]
    with Session(engine) as s:
        _row, d = tasks.get_task(s, first)
        base = eligible.resolve_items(s, d)
    for over in (
        {"annual_cap": 2, "rotation": True},
        {"annual_cap": 1, "annual_cap_counts": "random", "drawn_this_year": False},
        {"drawn_this_year": False, "rotation": True, "recent_days": 200},
    ):
        rt = dataclasses.replace(
            base, definition=dataclasses.replace(base.definition, id="T2", **over)
        )
        (fast, fr), (slow, sr), used = _pools(engine, rt)
        assert used == ["history-index"]
        assert _fields(fast) == _fields(slow) and fr.canonical() == sr.canonical()
        assert fast.exclusions, over  # the draw and the history exclude someone
    # the last: the first draw's targets that are not recent keep their teams as rotation pairs
    teams = {(t["target"], m["id"]) for t in body["teams"] for m in t["members"]}
    kept = {(c, b) for c, b in teams if fast.contains(c)}
    assert kept and kept <= set(fast.previous)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["0023", "2022", "2023", "9999"]),
                          st.sampled_from(["", "K", "K0", "K\x01", "检查", "k 1"]),
                          st.sampled_from(["A", "AB", "B", "91X"])), max_size=30))  # fmt: skip
def test_groups_are_the_lines_of_each_head(lines: list[tuple[str, str, str]]) -> None:
    """Lines grouped by their head (years far apart, items that are prefixes of one another),
    one binary search per group: each group is its lines' codes, sorted, repeats kept."""
    blob = b"".join(sorted(f"{y}\0{i}\0{c}\n".encode() for y, i, c in lines))
    got = historyindex._groups(blob, historyindex._item_head)
    want: dict[bytes, list[bytes]] = {}
    for y, i, c in sorted(lines, key=lambda x: f"{x[0]}\0{x[1]}\0{x[2]}".encode()):
        want.setdefault(f"{y}\0{i}\0".encode(), []).append(c.encode() + b"\n")
    assert got == {h: b"".join(v) for h, v in want.items()}
