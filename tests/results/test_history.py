"""Inspection history: ``history import``, and what the next announcement reads from it
(``recent_days``, ``annual_cap`` / ``annual_cap_counts``, rotation)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.canonical import parse
from randcheck.errors import InputError
from randcheck.services import eligible, tasks
from randcheck.services.audit import AuditLog
from randcheck.services.results import history, historyimport
from randcheck.services.snapshots import announcement_row
from randcheck.workspace import Workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    DRAWN_AT,
    OPERATOR,
    code,
    definition,
    entity,
    later,
    seed_world,
    write_def,
)
from tests.results.world import draw_task, import_rows, result_row, results, state, write_csv

HEADER = [
    "统一社会信用代码",
    "检查日期",
    "来源",
    "是否随机抽查",
    "检查人员",
    "抽查事项",
    "检查部门",
]
YESTERDAY = "2023-09-14"  # ANNOUNCE_AT is 2023-09-15 18:00 in Beijing


def wide(text: str) -> str:
    """``text`` in full-width characters, with a space in it (as pasted from a document)."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text[:9]) + " " + text[9:]


def history_file(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    return write_csv(path, [header, *rows])


def create(ws: Workspace, engine: Engine, task_id: str, **over: Any) -> str:
    doc = definition(id=task_id, **over)
    (d,) = tasks.create_tasks(
        ws, engine, write_def(ws.root.parent / "defs" / f"{task_id}.toml", doc), "tester"
    )
    return d.id


def pool(engine: Engine, task_id: str, now: datetime = ANNOUNCE_AT) -> eligible.Pool:
    with Session(engine) as s:
        report = tasks.check_task(s, task_id, now)
    assert report.pool is not None
    return report.pool


def test_history_import_adds_once_and_refuses_bad_rows(
    ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    rows = [
        [code(1), "2023-03-01", "消防救援支队", "否", "", "", "消防"],
        [code(2), "2023/4/2", "原抽查系统", "是", "F001、F002", "K01", "食品科"],
        [code(2), "2023-05-02", "原抽查系统", "是", "F003", "K01", "食品科"],
    ]
    path = history_file(tmp_path / "h.csv", rows)
    done = historyimport.import_history(ws, engine, path, actor="tester", now=ANNOUNCE_AT)
    assert (done.rows, done.added, done.unchanged) == (3, 3, 0)
    assert AuditLog(ws, engine).entries()[-1]["kind"] == "history.import"
    listed = history.entity_history(engine, code(2))
    assert [(e["date"], e["inspectors"], e["random"]) for e in listed] == [
        ("2023-05-02", ["F003"], True),
        ("2023-04-02", ["F001", "F002"], True),
    ]
    before = state(ws, engine)
    again = historyimport.import_history(ws, engine, path, actor="tester", now=ANNOUNCE_AT)
    assert (again.added, again.unchanged, again.seq) == (0, 3, None)
    assert state(ws, engine) == before
    typo = code(3)[:-1] + ("0" if code(3)[-1] != "0" else "1")
    bad = [
        rows[0],
        ["", "2023-03-01", "某局", "否", "", "", ""],
        [code(3), "2023-02-30", "某局", "否", "", "", ""],
        [code(3), "2023-09-16", "某局", "否", "", "", ""],  # after ANNOUNCE_AT's day
        [code(3), "2023-03-01", "", "否", "", "", ""],
        [code(3), "2023-03-01", "某局", "也许", "", "", ""],
        [code(3), "2023-03-01", "某局", "", "", "", ""],
        [typo, "2023-03-01", "某局", "否", "", "", ""],  # a wrong check character
    ]
    path = history_file(tmp_path / "bad.csv", bad)
    with pytest.raises(InputError) as exc:
        historyimport.import_history(ws, engine, path, actor="tester", now=ANNOUNCE_AT)
    assert exc.value.code == "history.bad_rows"
    assert [(e.file, e.row, e.column, e.code) for e in exc.value.rows] == [
        ("bad.csv", 3, "统一社会信用代码", "history.no_code"),
        ("bad.csv", 4, "检查日期", "results.bad_date"),
        ("bad.csv", 5, "检查日期", "results.future_date"),
        ("bad.csv", 6, "来源", "history.no_source"),
        ("bad.csv", 7, "是否随机抽查", "history.bad_random"),
        ("bad.csv", 8, "是否随机抽查", "history.bad_random"),
        ("bad.csv", 9, "统一社会信用代码", "uscc.bad_check"),
    ]
    assert state(ws, engine) == before
    # a required column missing: the file is refused as a whole
    no_source = history_file(tmp_path / "ns.csv", [[code(3), "2023-03-01", "否"]],
                             header=["统一社会信用代码", "检查日期", "是否随机抽查"])  # fmt: skip
    with pytest.raises(InputError) as exc:
        historyimport.import_history(ws, engine, no_source, actor="tester", now=ANNOUNCE_AT)
    assert [e.code for e in exc.value.rows] == ["registry.missing_column"]
    assert state(ws, engine) == before


def test_history_feeds_recent_exclusion_and_rotation(
    ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(5)])
    t = create(ws, engine, "NEXT", strata=[{"id": "S", "risk": ["*"], "count": 4}],
               exclusions={"recent_days": 30})  # fmt: skip
    clean = pool(engine, t)
    assert clean.exclusions == {} and clean.contains(code(0))
    rows = [
        # inspected yesterday (not a random check): excluded as recent; the code full-width
        [wide(code(0)), YESTERDAY, "区市场监管局个案检查", "否", "F001,F002", "", ""],
        # inspected long ago by F003 and F004: eligible, but not by them again
        [code(1), "2022-06-01", "原抽查系统", "是", "F003;F004", "K01", "食品科"],
    ]
    historyimport.import_history(ws, engine, history_file(tmp_path / "h.csv", rows), actor="tester",
                           now=ANNOUNCE_AT)  # fmt: skip
    after = pool(engine, t)
    assert after.exclusions == {"recent": 1}
    assert not after.contains(code(0)) and after.contains(code(1))
    assert {(code(1), "F003"), (code(1), "F004")} <= after.previous
    assert after.history_digest and after.history_digest != clean.history_digest
    # the announcement freezes it: the rotation pairs in the roster, the digest in the log
    done = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    with Session(engine) as s:
        roster = parse(announcement_row(s, t).roster)
    previous = {tuple(p) for p in roster["previous"]}
    assert {(code(1), "F003"), (code(1), "F004")} <= previous
    assert not any(c == code(0) for c, _ in previous)  # not in the pool: not needed
    entry = AuditLog(ws, engine).entries()[-1]
    assert entry["kind"] == "task.announce" and entry["seq"] == done.log_seq
    assert entry["payload"]["history"] == after.history_digest
    assert entry["payload"]["exclusions"] == {"recent": 1}
    # the draw: all four eligible entities, and code(1)'s team avoids F003 and F004
    from randcheck.services import draws, gathering
    from tests.drawfixtures import DICE, record_draw

    plan = draws.prepare(engine, t)
    ev = gathering.evidence_from_file(plan, DICE, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT)
    record_draw(ws, engine, plan, ev, body, now=later(1))
    teams = {row["target"]: {m["id"] for m in row["members"]} for row in body["teams"]}
    assert set(teams) == {code(i) for i in range(1, 5)}
    assert not teams[code(1)] & {"F003", "F004"}
    assert len(teams[code(1)]) == 2


def test_entered_results_count_as_recent_inspections(
    ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    seed_world(engine)
    first = draw_task(
        ws, engine, "T23", items=("K01",), window=("2023-10-01", "2023-10-31"),
        announced=ANNOUNCE_AT, drawn_at=DRAWN_AT, finalized=later(1),
    )  # fmt: skip
    a, b, _ = first.targets
    nxt = create(ws, engine, "NEXT", strata=[{"id": "S", "risk": ["*"], "count": 1}],
                 exclusions={"recent_days": 30})  # fmt: skip
    when = datetime(2023, 10, 20, 2, 0, tzinfo=UTC)
    assert pool(engine, nxt, when).exclusions == {"drawn_this_year": 3}
    # a's result, inspected by one member of its team
    member = first.team(a)[0]
    import_rows(
        ws, engine, tmp_path / "r.xlsx",
        [result_row("T23", a, "K01", "2023-10-10", "未发现问题", 检查组=member)],
        now=datetime(2023, 10, 11, 2, 0, tzinfo=UTC),
    )  # fmt: skip
    assert results(engine)[(a, "K01")].inspectors == f"|{member}|"
    got = pool(engine, nxt, when)
    # recent comes before drawn_this_year in the order of exclusion reasons
    assert got.exclusions == {"recent": 1, "drawn_this_year": 2}
    # 30 days after the result, a is no longer recent (but was drawn this year)
    later_on = datetime(2023, 11, 10, 2, 0, tzinfo=UTC)
    assert pool(engine, nxt, later_on).exclusions == {"drawn_this_year": 3}
    assert not got.contains(b)


def test_annual_cap_counts_all_or_random_inspections(
    ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(6)])
    rows = [
        [code(2), "2023-03-01", "消防救援支队", "否", "", "", "消防"],  # not random
        [code(3), "2023-04-01", "原抽查系统", "是", "", "", "食品科"],  # random
        [code(4), "2022-12-31", "原抽查系统", "是", "", "", "食品科"],  # last year
        # two items of one inspection (same day, department, ref) are one inspection
        [code(5), "2023-05-01", "原抽查系统", "是", "", "K01", "食品科"],
        [code(5), "2023-05-01", "原抽查系统", "是", "", "G01", "食品科"],
    ]
    historyimport.import_history(ws, engine, history_file(tmp_path / "h.csv", rows), actor="tester",
                           now=ANNOUNCE_AT)  # fmt: skip
    s_all = [{"id": "S", "risk": ["*"], "count": 1}]
    every = create(ws, engine, "ALL", items=["J01"], strata=s_all, exclusions={"annual_cap": 1})
    rand = create(ws, engine, "RAND", items=["J01"], strata=s_all,
                  exclusions={"annual_cap": 1, "annual_cap_counts": "random"})  # fmt: skip
    two = create(ws, engine, "TWO", items=["J01"], strata=s_all, exclusions={"annual_cap": 2})
    assert pool(engine, every).exclusions == {"annual_cap": 3}
    assert not pool(engine, every).contains(code(2))
    assert pool(engine, rand).exclusions == {"annual_cap": 2}
    assert pool(engine, rand).contains(code(2)) and not pool(engine, rand).contains(code(3))
    assert pool(engine, two).exclusions == {}
    # a random history row with an item counts as drawn this year for that item
    same_item = create(ws, engine, "K", items=["K01"], strata=s_all)
    assert pool(engine, same_item).exclusions == {"drawn_this_year": 1}
    assert not pool(engine, same_item).contains(code(5))


def test_history_import_cli(cli: Any, ws: Workspace, engine: Engine, tmp_path: Path) -> None:
    path = history_file(
        tmp_path / "h.csv", [[code(1), "2023-03-01", "消防救援支队", "否", "", "", ""]]
    )
    result = cli("history", "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    before = state(ws, engine)
    bad = history_file(tmp_path / "bad.csv", [[code(1), "2023-03-01", "", "否", "", "", ""]])
    result = cli("history", "import", str(bad))
    assert result.exit_code == 1 and "bad.csv" in result.stderr
    assert state(ws, engine) == before
    again = cli("history", "import", str(path), lang="zh")
    assert again.exit_code == 0 and "新增 0" in again.stderr
    assert state(ws, engine) == before
