"""``results export --format gsxt``: the fields of the 国家企业信用信息公示系统 抽查检查结果 entry.

The official exchange format is not public; :data:`GSXT` is the mapping, one place to change
it: (column title, what fills it).  Only published results are exported, as the office signed
them: each target × item with the terms of the latest results document of the task's current
record that holds it (a correction entered but not yet published is not exported until
``results publish`` signs it); several items of one target are separate rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.bundle.table import inert
from randcheck.core.draw import envelope
from randcheck.services.results.context import TaskTargets, _names, load
from randcheck.store.models import Entity
from randcheck.store.result_models import ResultsDocRow
from randcheck.workspace import Workspace


@dataclass(frozen=True)
class Published:
    """One target × item as its latest results document published it."""

    target: str
    item: str
    completed_on: str
    terms: tuple[str, ...]


Row = tuple[TaskTargets, Published, str]  # (task, result, authority)

GSXT: tuple[tuple[str, Callable[[TaskTargets, Published, str], str]], ...] = (
    ("任务编号", lambda t, r, a: t.task_id),
    ("任务名称", lambda t, r, a: t.title),
    ("检查机关", lambda t, r, a: a),
    ("企业名称", lambda t, r, a: t.names.get(r.target, "")),
    ("统一社会信用代码/注册号", lambda t, r, a: r.target),
    ("检查事项", lambda t, r, a: f"{r.item} {t.item_names.get(r.item, '')}".strip()),
    ("检查完成日期", lambda t, r, a: r.completed_on),
    ("检查结果", lambda t, r, a: "、".join(r.terms)),
)


def published(session: Session, task_id: str, record: str) -> list[Published]:
    """What the signed results documents of ``record`` publish: each target × item as the
    latest document holding it has it (documents in seq order)."""
    current: dict[tuple[str, str], Published] = {}
    rows = session.exec(
        select(ResultsDocRow)
        .where(col(ResultsDocRow.task_id) == task_id)
        .where(col(ResultsDocRow.record_digest) == record)
        .order_by(col(ResultsDocRow.seq))
    ).all()
    for row in rows:
        doc = envelope.open_envelope(row.envelope, "results").doc
        for e in doc["results"]:
            key = (str(e["target"]), str(e["item"]))
            current[key] = Published(*key, str(e["completed_on"]), tuple(map(str, e["terms"])))
    return list(current.values())


def gsxt(ws: Workspace, engine: Engine, task_id: str, fmt: str) -> tuple[bytes, int]:
    """The export as XLSX or CSV bytes, and its number of rows."""
    authority = ws.bureau()["name"]
    with Session(engine) as s:
        ctx = load(s, task_id)
        rows = published(s, task_id, ctx.record.digest)
        extra = sorted({r.target for r in rows} - set(ctx.names))
        if extra:  # published before a substitution replaced the target: still named
            ctx.names.update(_names(s, Entity, "code", "name", extra))
    order = {c: i for i, c in enumerate(ctx.targets)}
    items = {c: i for i, c in enumerate(ctx.items)}
    big = 1 << 30
    rows.sort(key=lambda r: (order.get(r.target, big), r.target, items.get(r.item, big), r.item))
    table = [[title for title, _ in GSXT]]
    table += [[inert(fill(ctx, r, authority)) for _, fill in GSXT] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(table)
        return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"), len(rows)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "抽查检查结果"
    for line in table:
        sheet.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), len(rows)
