"""``results export --format gsxt``: the fields of the 国家企业信用信息公示系统 抽查检查结果 entry.

The official exchange format is not public; :data:`GSXT` is the mapping, one place to change
it: (column title, what fills it).  Only published results are exported, as the office signed
them: each target × item with the terms of the latest results document of the task's current
record that holds it (a correction entered but not yet published is not exported until
``results publish`` signs it); several items of one target are separate rows.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.bundle import table as tbl
from randcheck.core import results as rdoc
from randcheck.core.draw import envelope
from randcheck.services.results.context import TaskTargets, load, names_of
from randcheck.store.models import Entity
from randcheck.store.result_models import ResultsDocRow
from randcheck.workspace import Workspace

Fill = Callable[[TaskTargets, rdoc.Entry, str], str]  # (task, published entry, authority)

GSXT: tuple[tuple[str, Fill], ...] = (
    ("任务编号", lambda t, e, a: t.task_id),
    ("任务名称", lambda t, e, a: t.title),
    ("检查机关", lambda t, e, a: a),
    ("企业名称", lambda t, e, a: t.names.get(e.target, "")),
    ("统一社会信用代码/注册号", lambda t, e, a: e.target),
    ("检查事项", lambda t, e, a: f"{e.item} {t.item_names.get(e.item, '')}".strip()),
    ("检查完成日期", lambda t, e, a: e.completed_on),
    ("检查结果", lambda t, e, a: "、".join(e.terms)),
)
SHEET = "抽查检查结果"
_WIDTHS = (16, 30, 28, 36, 22, 30, 14, 36)


def published(session: Session, task_id: str, record: str) -> tuple[list[rdoc.Entry], str]:
    """What the signed results documents of ``record`` publish — each target × item as the
    latest document holding it has it — and the newest document's time ("" when none)."""
    current: dict[tuple[str, str], rdoc.Entry] = {}
    stamp = ""
    rows = session.exec(
        select(ResultsDocRow)
        .where(col(ResultsDocRow.task_id) == task_id)
        .where(col(ResultsDocRow.record_digest) == record)
        .order_by(col(ResultsDocRow.seq))
    ).all()
    for row in rows:
        _head, entries = rdoc.parse(envelope.open_envelope(row.envelope, rdoc.KIND).doc)
        current.update((e.key, e) for e in entries)
        stamp = row.issued_at
    return list(current.values()), stamp


def gsxt(ws: Workspace, engine: Engine, task_id: str, fmt: str) -> tuple[bytes, int]:
    """The export as XLSX or CSV bytes (inert string cells, as the bundle's tables), and its
    number of rows."""
    authority = ws.bureau()["name"]
    with Session(engine) as s:
        ctx = load(s, task_id)
        rows, stamp = published(s, task_id, ctx.record.digest)
        extra = sorted({r.target for r in rows} - set(ctx.names))
        if extra:  # published before a substitution replaced the target: still named
            ctx.names.update(names_of(s, Entity, "code", "name", extra))
    order = {c: i for i, c in enumerate(ctx.targets)}
    items = {c: i for i, c in enumerate(ctx.items)}
    big = 1 << 30
    rows.sort(key=lambda r: (order.get(r.target, big), r.target, items.get(r.item, big), r.item))
    table = [[title for title, _ in GSXT]]
    table += [[tbl.inert(fill(ctx, r, authority)) for _, fill in GSXT] for r in rows]
    if fmt == "csv":
        return tbl.to_csv(table), len(rows)
    return tbl.to_xlsx(table, stamp or ctx.record.drawn_at, SHEET, _WIDTHS), len(rows)
