"""``history import``: inspections done outside randcheck (other departments, 个案/专项
checks, earlier systems) added to the inspection history, all or nothing; a row already there
is a no-op.  What the next announcement reads of the history is in ``history`` and
``historyindex``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col
from sqlmodel import select as sm_select

from randcheck.core import uscc
from randcheck.core.canonical import canonical
from randcheck.core.chinatime import CHINA
from randcheck.errors import InputError, RowError
from randcheck.io.readers import RowReader
from randcheck.services.audit import AuditLog
from randcheck.services.registry import file_sha256, parse_bool, parse_date, parse_list
from randcheck.services.results.history import keep_for_announcements
from randcheck.store.result_models import HistoryRow
from randcheck.workspace import Workspace

MAX_ERRORS = 10_000

#: (field, header aliases)
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("code", ("统一社会信用代码", "统一社会信用代码/注册号", "信用代码", "注册号", "code")),
    ("inspected_on", ("检查日期", "检查完成日期", "date")),
    ("item", ("抽查事项", "检查事项", "事项编码", "item")),
    ("inspectors", ("检查人员", "检查人员执法证号", "执法证号", "inspectors")),
    ("result", ("检查结果", "result")),
    ("department", ("检查部门", "检查机关", "department")),
    ("source", ("来源", "数据来源", "source")),
    ("random", ("是否随机抽查", "随机抽查", "random")),
    ("ref", ("任务编号", "文书编号", "ref")),
)


def aliases() -> dict[str, str]:
    return {a: f for f, names in COLUMNS for a in (f, *names)}


@dataclass
class HistoryImport:
    file: str
    sha256: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "rows": self.rows,
                "added": self.added, "unchanged": self.unchanged, "log_seq": self.seq}  # fmt: skip


def import_history(
    ws: Workspace, engine: Engine, path: Path, *, actor: str, now: datetime | None = None
) -> HistoryImport:
    """Add inspections done outside randcheck; all-or-nothing; an identical row is a no-op."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    today = (now + CHINA).date()
    reader = RowReader(Path(path), aliases(), [["code"], ["inspected_on"], ["source"], ["random"]])
    out = HistoryImport(reader.path.name, file_sha256(reader.path))
    errors: list[RowError] = []
    rows: dict[str, HistoryRow] = {}
    for src in reader:
        out.rows += 1

        def bad(f: str, value: str, code: str, at: int = src.row, **params: Any) -> None:
            if len(errors) < MAX_ERRORS:
                errors.append(
                    RowError(out.file, at, reader.column_names.get(f, f), value[:80], code, params)
                )

        if src.errors:
            errors.extend(src.errors)
            continue
        v = {f: (src.values.get(f) or "").strip() for f, _ in COLUMNS}
        n = len(errors)
        # as the registry reads codes: a code with a typo would match no entity, and the
        # inspection would silently count for nothing in the next draw's exclusions
        code = uscc.normalise(v["code"])
        if not code:
            bad("code", "", "history.no_code")
        else:
            checked = uscc.check(code)
            if checked.error is not None:
                params: dict[str, Any] = dict(checked.params)
                bad("code", v["code"], checked.error, **params)
        try:
            day = parse_date(v["inspected_on"])
        except Exception:
            day = None
        if day is None:
            bad("inspected_on", v["inspected_on"], "results.bad_date")
        elif day > today:
            bad("inspected_on", v["inspected_on"], "results.future_date", today=today.isoformat())
        if not v["source"]:
            bad("source", "", "history.no_source")
        try:
            is_random = parse_bool(v["random"], default=False) if v["random"] else None
        except Exception:
            is_random = None
        if is_random is None:
            bad("random", v["random"], "history.bad_random")
        try:
            inspectors = parse_list(v["inspectors"])
        except Exception:
            bad("inspectors", v["inspectors"], "history.bad_inspectors")
            inspectors = ""
        if len(errors) > n:
            continue
        assert day is not None and is_random is not None
        fields: dict[str, Any] = {
            "entity_code": code,
            "inspected_on": day.isoformat(),
            "item_code": v["item"],
            "inspectors": inspectors,
            "result": v["result"],
            "department": v["department"],
            "source": v["source"],
            "is_random": is_random,
            "ref": v["ref"],
        }
        digest = hashlib.sha256(canonical(fields)).hexdigest()
        if digest in rows:
            out.unchanged += 1
            continue
        rows[digest] = HistoryRow(content=digest, **fields)
    if errors:
        raise InputError("history.bad_rows", rows=errors, file=out.file, count=len(errors))
    with AuditLog(ws, engine).transaction(actor, now) as tx:
        s = tx.session
        known: set[str] = set()
        digests = sorted(rows)
        for start in range(0, len(digests), 500):
            part = digests[start : start + 500]
            known.update(
                s.exec(sm_select(HistoryRow.content).where(col(HistoryRow.content).in_(part))).all()
            )
        new = [rows[d] for d in digests if d not in known]
        out.unchanged += len(rows) - len(new)
        out.added = len(new)
        s.add_all(new)
        s.flush()
        if new:
            out.seq = tx.record(
                "history.import",
                {
                    "file": out.file,
                    "sha256": out.sha256,
                    "rows": out.rows,
                    "added": out.added,
                    "unchanged": out.unchanged,
                },
            )
    if out.added:
        keep_for_announcements(engine)
    return out
