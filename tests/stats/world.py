"""A small workspace whose statistics are computed by hand in tests/stats/test_service.py.

Registry (inserted directly, like ``tests.drawfixtures.seed_world``):

* items K01 (食品科, 重点), G01 (食品科, 一般, cap 1/10), J01 (药品科, 重点); every item asks
  for the qualification 食品检查员;
* 40 food businesses ``code(0)`` … ``code(39)``, all 存续 except ``code(39)`` (注销);
* inspectors F000, F001, F002 (食品科, 食品检查员 + 甲证) and D000 (药品科), D001 (食品科)
  (食品检查员 + 乙证).  A task asking for 甲证 can only staff F…, one asking for 乙证 only D….

Tasks (each one stratum ``S`` of every risk class, no rotation, China time in brackets):

* T25 — item G01, 1 target, 甲证, max load 2; drawn 2025-12-31T15:00Z (2025-12-31 23:00):
  a task of **2025**, never in the 2026 figures.
* T27 — items K01 + J01 (a joint task: 食品科 and 药品科), 4 targets, 乙证, max load 4;
  drawn 2025-12-31T17:00Z (**2026-01-01** 01:00), then redrawn 2026-01-02T02:00Z (the first
  record is superseded).  Announced 2025-12-31T10:00Z (2025): pool 39 (code(39) is 注销).
* T26 — items K01 + G01, 3 targets, 甲证, max load 2; announced 2026-09-01: pool 39 − the 4
  targets T27 drew this year for K01 (``drawn_this_year``) = 35; drawn 2026-09-01; then its
  first target is replaced (addendum, 2026-09-02).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from randcheck.services import draws, gathering, substitutions, tasks
from randcheck.services.results import historyimport, publication
from randcheck.store.models import Entity, Inspector, Item
from randcheck.workspace import Workspace
from tests.drawfixtures import (
    DICE,
    ITEMS,
    OPERATOR,
    definition,
    entity,
    insert_rows,
    inspector,
    record_draw,
    write_def,
)
from tests.results.world import Drawn, at, import_rows, redraw, result_row, write_csv


@dataclass
class World:
    ws: Workspace
    t25: Drawn
    t27: Drawn  # the current (redrawn) record
    t27_first: Drawn  # superseded
    t26: Drawn  # as drawn; its first target replaced by ``replacement``
    replaced: str
    replacement: str

    @property
    def t26_targets(self) -> list[str]:
        """T26's current targets: B, C as drawn, then the replacement."""
        return [*self.t26.targets[1:], self.replacement]


def seed(engine: Engine) -> None:
    insert_rows(engine, Item, ITEMS)
    rows = [entity(i) for i in range(39)] + [entity(39, status="注销")]
    insert_rows(engine, Entity, rows)
    people = [inspector(f"F{i:03d}", qualifications="|甲证|食品检查员|") for i in range(3)] + [
        inspector("D000", department="药品科", qualifications="|乙证|食品检查员|"),
        inspector("D001", qualifications="|乙证|食品检查员|"),
    ]
    insert_rows(engine, Inspector, people)


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def build(ws: Workspace, engine: Engine, tmp: Path) -> World:
    seed(engine)

    def task(task_id: str, items: list[str], count: int, cert: str, load: int, drawn: str,
             announced: str, window: tuple[str, str]) -> Drawn:  # fmt: skip
        doc = definition(
            id=task_id,
            title=f"{task_id} 抽查",
            items=items,
            strata=[{"id": "S", "risk": ["*"], "count": count, "reserve": 3}],
            teams={"min_inspectors": 2, "max_load": load, "inspect_from": window[0],
                   "inspect_to": window[1], "qualifications": [cert], "rotation": False},
        )  # fmt: skip
        path = write_def(tmp / "defs" / f"{task_id}.toml", doc)
        (d,) = tasks.create_tasks(ws, engine, path, "tester", now=utc(announced))
        tasks.announce(ws, engine, d.id, OPERATOR, "tester", utc(announced))
        plan = draws.prepare(engine, d.id)
        ev = gathering.evidence_from_file(plan, DICE, drawn)
        body = draws.compute(plan, ev, drawn)
        fin = record_draw(ws, engine, plan, ev, body, now=utc(drawn))
        return Drawn(d.id, body, fin.digest)

    t25 = task("T25", ["G01"], 1, "甲证", 2, "2025-12-31T15:00:00Z", "2025-12-31T09:00:00Z",
               ("2026-01-05", "2026-03-31"))  # fmt: skip
    t27_first = task("T27", ["K01", "J01"], 4, "乙证", 4, "2025-12-31T17:00:00Z",
                     "2025-12-31T10:00:00Z", ("2026-01-05", "2026-03-31"))  # fmt: skip
    t27 = redraw(ws, engine, "T27", "2026-01-02T02:00:00Z", utc("2026-01-02T02:00:00Z"))
    t26 = task("T26", ["K01", "G01"], 3, "甲证", 2, "2026-09-01T03:00:00Z",
               "2026-09-01T02:00:00Z", ("2026-09-07", "2026-12-31"))  # fmt: skip
    replaced = t26.targets[0]
    fin = substitutions.substitute(
        ws, engine, "T26", target=replaced, inspector=None, reason="名录数据重复登记",
        operator=OPERATOR, actor="tester", now=at("2026-09-02"),
    )  # fmt: skip
    from randcheck.core.draw import envelope

    add = envelope.open_envelope(fin.envelope, "addendum").doc
    replacement = add["replacement"]["code"]
    return World(ws, t25, t27, t27_first, t26, replaced, replacement)


def enter_results(w: World, engine: Engine, tmp: Path) -> None:
    """T26's results (the publication clock, 20 working days, no holiday in Nov–Dec 2026 before
    the year's end):

    * (A', K01) 2026-11-02, published 2026-11-20 — deadline 2026-11-30: on time
    * (A', G01) 2026-11-02, published 2026-12-02 — deadline 2026-11-30: late
    * (B, K01)  2026-11-03, never published — deadline 2026-12-01: overdue on 2026-12-15
    * (B, G01)  2026-11-18, never published — deadline 2026-12-16: pending on 2026-12-15
    * (C, K01)  2026-12-10, never published — deadline in 2027, a year the calendar does not
      know: unknown
    * (C, G01)  not entered: not on the clock
    """
    ws = w.ws
    a, (b, c) = w.replacement, w.t26.targets[1:]
    key = OPERATOR

    def enter(name: str, rows: list[dict[str, str]], day: str) -> None:
        import_rows(ws, engine, tmp / f"{name}.xlsx", rows, now=at(day))

    enter("r1", [result_row("T26", a, "K01", "2026-11-02", "未发现问题")], "2026-11-20")
    publication.publish(ws, engine, "T26", key, "tester", now=at("2026-11-20"))
    enter("r2", [result_row("T26", a, "G01", "2026-11-02",
                            "违反食品药品管理相关规定；发现问题经责令已改正")], "2026-12-02")  # fmt: skip
    publication.publish(ws, engine, "T26", key, "tester", now=at("2026-12-02"))
    enter(
        "r3",
        [
            result_row("T26", b, "K01", "2026-11-03", "发现问题经责令已改正"),
            result_row("T26", b, "G01", "2026-11-18", "未发现问题"),
        ],
        "2026-12-03",
    )
    enter("r4", [result_row("T26", c, "K01", "2026-12-10", "未发现问题")], "2026-12-11")


def import_history(w: World, engine: Engine, tmp: Path) -> None:
    """Inspections outside randcheck (see test_service.py for what each one counts as)."""
    a, b = w.replacement, w.t26.targets[1]
    x, y = outsiders(w)
    head = ["code", "inspected_on", "item", "department", "source", "random", "ref"]
    rows = [
        head,
        # A': one complaint inspection of two items (one inspection), one random one, one in 2025
        [a, "2026-03-01", "X1", "药品科", "投诉", "否", "TS-1"],
        [a, "2026-03-01", "X2", "药品科", "投诉", "否", "TS-1"],
        [a, "2026-05-10", "X1", "市场监管局", "省局双随机", "是", "QT-7"],
        [a, "2025-12-31", "X1", "市场监管局", "省局双随机", "是", "QT-6"],
        # B: T26's own inspection, entered again from another system: counted once (the record)
        [b, "2026-11-03", "K01", "食品科", "公示系统", "是", "T26"],
        [b, "2026-07-01", "", "消防", "专项", "否", "ZX-9"],
        # X: three inspections by three departments; Y: one
        [x, "2026-02-01", "", "消防", "专项", "否", "ZX-1"],
        [x, "2026-04-01", "", "税务", "专项", "否", "ZX-2"],
        [x, "2026-06-01", "", "环保", "双随机", "是", "SJ-3"],
        [y, "2026-02-01", "", "消防", "专项", "否", "ZX-1"],
    ]
    path = write_csv(tmp / "history.csv", rows)
    historyimport.import_history(w.ws, engine, path, actor="tester", now=at("2026-12-12"))


def outsiders(w: World) -> tuple[str, str]:
    """Two entities no 2026 task drew (the smallest codes not drawn by T26 or T27)."""
    from tests.drawfixtures import code

    drawn = set(w.t26.targets) | {w.replacement} | set(w.t27.targets)
    free = [code(i) for i in range(39) if code(i) not in drawn]
    return free[0], free[1]


AS_OF = date(2026, 12, 15)
