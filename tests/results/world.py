"""A drawn task to enter results for, and helpers to fill in the entry template.

The draw fixtures of ``tests.drawfixtures`` are dated September 2023; the results tests need
deadlines in 2026 (a calendar year the shipped calendar knows, next to 2027 which it does
not), so the task here is announced and drawn on 2026-09-01 with dice only (no drand round
is needed) and an inspection window of 2026-09-07..2026-12-31.  Every date-dependent call
gets an explicit ``now=`` or ``on=``: nothing depends on today's date.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from randcheck.services import draws, gathering, tasks
from randcheck.services.audit import AuditLog
from randcheck.services.results import entry
from randcheck.store.audit_models import AuditEntry
from randcheck.store.draw_models import AddendumRow, RecordRow
from randcheck.store.result_models import CalendarDay, HistoryRow, ResultRow, ResultsDocRow
from randcheck.workspace import Workspace
from tests.drawfixtures import DICE, OPERATOR, definition, record_draw, write_def

ANNOUNCED = datetime(2026, 9, 1, 2, 0, 0, tzinfo=UTC)
DRAWN_AT = "2026-09-01T03:00:00Z"
FINALIZED = datetime(2026, 9, 1, 3, 1, 0, tzinfo=UTC)
WINDOW = ("2026-09-07", "2026-12-31")


def at(day: str, hour: int = 4) -> datetime:
    """A UTC time on the Beijing date ``day`` (04:00Z is 12:00 in Beijing)."""
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, 0, 0, tzinfo=UTC)


@dataclass
class Drawn:
    task: str
    body: dict[str, Any]
    record: str

    @property
    def targets(self) -> list[str]:
        """The drawn codes in publish order (stratum order, then draw rank)."""
        return [d["code"] for s in self.body["strata"] for d in s["drawn"]]

    def team(self, code: str) -> list[str]:
        (row,) = [t for t in self.body["teams"] if t["target"] == code]
        return [m["id"] for m in row["members"]]


def draw_task(
    ws: Workspace,
    engine: Engine,
    task_id: str = "T26",
    *,
    items: Sequence[str] = ("K01", "G01"),
    count: int = 3,
    window: tuple[str, str] = WINDOW,
    announced: datetime = ANNOUNCED,
    drawn_at: str = DRAWN_AT,
    finalized: datetime = FINALIZED,
    **over: Any,
) -> Drawn:
    """Create, announce and draw (officially) a one-stratum task."""
    doc = definition(
        id=task_id,
        items=list(items),
        strata=[{"id": "S", "risk": ["*"], "count": count, "reserve": 3}],
        teams={
            "min_inspectors": 2,
            "max_load": 10,
            "inspect_from": window[0],
            "inspect_to": window[1],
        },
        **over,
    )
    path = write_def(ws.root.parent / "defs" / f"{task_id}.toml", doc)
    (d,) = tasks.create_tasks(ws, engine, path, "tester", now=announced)
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", announced)
    plan = draws.prepare(engine, d.id)
    ev = gathering.evidence_from_file(plan, DICE, drawn_at)
    body = draws.compute(plan, ev, drawn_at)
    fin = record_draw(ws, engine, plan, ev, body, now=finalized)
    return Drawn(d.id, body, fin.digest)


def redraw(
    ws: Workspace, engine: Engine, task: str, drawn_at: str, now: datetime, reason: str = "重抽"
) -> Drawn:
    """A marked redraw of ``task`` (other dice), superseding its official record."""
    plan = draws.prepare(engine, task)
    ev = gathering.evidence_from_file(plan, {"dice": {"张三": [6, 6, 1, 2, 3]}}, drawn_at)
    body = draws.compute(plan, ev, drawn_at, redraw_reason=reason)
    fin = record_draw(ws, engine, plan, ev, body, now=now)
    return Drawn(task, body, fin.digest)


# -- filling in the template ---------------------------------------------------------------


def header_index(sheet: Any) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[1]}


def fill_template(
    data: bytes,
    path: Path,
    values: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    keep_unfilled: bool = True,
) -> Path:
    """Write the XLSX template ``data`` to ``path`` with ``values[(code, item)]`` filled in
    (keys are the template's Chinese titles, e.g. 检查完成日期, 检查结果)."""
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    cols = header_index(sheet)
    drop: list[int] = []
    for r in range(2, sheet.max_row + 1):
        code = sheet.cell(r, cols["统一社会信用代码"]).value
        item = str(sheet.cell(r, cols["抽查事项"]).value).split(" ")[0]
        got = values.get((str(code), item))
        if got is None:
            if not keep_unfilled:
                drop.append(r)
            continue
        for title, value in got.items():
            sheet.cell(r, cols[title]).value = value
    for r in reversed(drop):
        sheet.delete_rows(r)
    wb.save(path)
    return path


def write_xlsx(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Iterable[Sequence[str]], encoding: str = "utf-8") -> Path:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def result_row(
    task: str, code: str, item: str, day: str, terms: str, **extra: str
) -> dict[str, str]:
    """One filled-in row keyed by the template's Chinese titles."""
    row = {
        "任务编号": task,
        "统一社会信用代码": code,
        "抽查事项": item,
        "检查完成日期": day,
        "检查结果": terms,
    }
    row.update(extra)
    return row


def rows_file(path: Path, rows: Sequence[Mapping[str, str]]) -> Path:
    """An XLSX with the union of the rows' keys as its header (template titles)."""
    header: list[str] = []
    for r in rows:
        header.extend(k for k in r if k not in header)
    return write_xlsx(path, [header] + [[r.get(h, "") for h in header] for r in rows])


def import_rows(
    ws: Workspace, engine: Engine, path: Path, rows: Sequence[Mapping[str, str]], **kw: Any
) -> entry.ImportSummary:
    kw.setdefault("actor", "录入员甲")
    return entry.import_results(ws, engine, rows_file(path, rows), **kw)


# -- "nothing changed" ----------------------------------------------------------------------


def state(ws: Workspace, engine: Engine) -> dict[str, Any]:
    """Everything the results commands may write: their tables row by row, the draw tables'
    counts, the audit log (database entries and file bytes)."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for model in (ResultRow, ResultsDocRow, HistoryRow, CalendarDay):
            table = model.__table__  # type: ignore[attr-defined]
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
        for model in (RecordRow, AddendumRow, AuditEntry):
            table = model.__table__  # type: ignore[attr-defined]
            out[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar())
    log = AuditLog(ws, engine)
    out["log_size"] = log.size()
    out["log_file"] = log.file_bytes()
    return out


def results(engine: Engine, task: str | None = None) -> dict[tuple[str, str], ResultRow]:
    from sqlmodel import Session, col
    from sqlmodel import select as sm_select

    with Session(engine) as s:
        q = sm_select(ResultRow)
        if task is not None:
            q = q.where(col(ResultRow.task_id) == task)
        return {(r.entity_code, r.item_code): r for r in s.exec(q).all()}
