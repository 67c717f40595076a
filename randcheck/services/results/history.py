"""Inspection history: results entered in randcheck plus inspections done outside it
(``history import``: other departments, 个案/专项 checks, earlier systems), and the per-entity
facts the next announcement's exclusion rules and rotation read from it.

What an announcement used is frozen in it: the exclusion counts and the rotation pairs are
part of the signed announcement and roster, and the ``task.announce`` log entry holds the
digest of the history inputs (:attr:`HistoryInputs.digest`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from randcheck.core import uscc
from randcheck.core.canonical import canonical
from randcheck.core.chinatime import CHINA
from randcheck.errors import InputError, RowError
from randcheck.io.readers import RowReader
from randcheck.services.audit import AuditLog
from randcheck.services.registry import file_sha256, parse_bool, parse_date, parse_list, split_list
from randcheck.store.raw import raw_rows
from randcheck.store.result_models import HistoryRow, ResultRow
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
    return out


# -- what the next announcement reads ---------------------------------------------------------


@dataclass
class HistoryInputs:
    """Per-entity facts from the inspection history (results and imported inspections)."""

    last: dict[str, str] = field(default_factory=dict)  # latest inspection date (ISO text)
    per_year: Counter[str] = field(default_factory=Counter)  # inspections this year (outside draws)
    item_pairs: set[tuple[str, str]] = field(default_factory=set)  # random, this year
    # (code, "|b1|b2|") of every inspection with inspectors, all years (only with rotation)
    inspectors: list[tuple[str, str]] = field(default_factory=list)
    digest: str = ""

    @property
    def previous(self) -> set[tuple[str, str]]:
        """(code, badge) of every inspection's inspectors."""
        return {(code, b) for code, badges in self.inspectors for b in split_list(badges)}


def inputs(
    conn: Connection,
    year: str,
    *,
    random_only: bool,
    items: Collection[str] = (),
    rotation: bool = True,
    last_after: str | None = "",
) -> HistoryInputs:
    """Read the history once, aggregated in SQL where it can be.

    ``last`` holds the latest inspection date of each entity inspected after ``last_after``
    (ISO text; ``""``: every entity, ``None``: none are read) -- the dates of the others are
    not needed to tell whether they are recent.  ``per_year`` counts the inspections of this
    Beijing year recorded in ``history import`` (random and not, or random only), one per
    distinct (date, department, ref); inspections of randcheck's own tasks are counted from
    their records by the caller.  ``item_pairs`` are this year's random inspections of
    ``items``; ``inspectors`` (only with ``rotation``) the inspectors of every inspection,
    as stored (``previous`` splits them).  ``digest`` identifies the history read: SHA-256
    over the sorted content digests of every history and result row.
    """
    out = HistoryInputs()
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    r = ResultRow.__table__.c  # type: ignore[attr-defined]
    if last_after is not None:
        # imported history first (the big one: a dict straight from the rows), then results;
        # an entity's latest date after last_after is its latest date among those after it
        last = out.last = dict(
            raw_rows(
                conn,
                select(h.entity_code, func.max(h.inspected_on))
                .where(h.inspected_on > last_after)
                .group_by(h.entity_code),
            )
        )
        mine = (
            select(r.entity_code, func.max(r.completed_on))
            .where(r.completed_on > last_after)
            .group_by(r.entity_code)
        )
        for code, day in raw_rows(conn, mine):
            if day > last.get(code, ""):
                last[code] = day
    first, final = f"{year}-01-01", f"{year}-12-31"
    in_year = and_(h.inspected_on >= first, h.inspected_on <= final)
    events = select(h.entity_code, h.inspected_on, h.department, h.ref).where(in_year)
    if random_only:
        events = events.where(h.is_random.is_(True))
    sub = events.distinct().subquery()
    per = select(sub.c.entity_code, func.count()).group_by(sub.c.entity_code)
    out.per_year.update(dict(raw_rows(conn, per)))
    if items:
        pairs = (
            select(h.entity_code, h.item_code)
            .where(in_year, h.is_random.is_(True), h.item_code.in_(sorted(items)))
            .distinct()
        )
        out.item_pairs = set(raw_rows(conn, pairs))
    if rotation:
        for cols in (h, r):
            q = select(cols.entity_code, cols.inspectors).where(cols.inspectors != "")
            out.inspectors.extend(raw_rows(conn, q))
    hasher = hashlib.sha256(b"randcheck/history-inputs/v1\n")
    for cols in (h, r):
        contents = raw_rows(conn, select(cols.content).order_by(cols.content))
        hasher.update("".join(c for (c,) in contents).encode("ascii"))
        hasher.update(b"\n")
    out.digest = hasher.hexdigest()
    return out


def entity_history(engine: Engine, code: str) -> list[dict[str, Any]]:
    """Every inspection of one entity, newest first (``entities show``)."""
    with Session(engine) as s:
        mine = s.exec(sm_select(ResultRow).where(col(ResultRow.entity_code) == code)).all()
        other = s.exec(sm_select(HistoryRow).where(col(HistoryRow.entity_code) == code)).all()
    out: list[dict[str, Any]] = [
        {
            "date": r.completed_on,
            "task": r.task_id,
            "item": r.item_code,
            "inspectors": split_list(r.inspectors),
            "result": "、".join(split_list(r.terms)),
            "source": "randcheck",
            "random": True,
        }
        for r in mine
    ]
    out.extend(
        {
            "date": x.inspected_on,
            "task": x.ref,
            "item": x.item_code,
            "inspectors": split_list(x.inspectors),
            "result": x.result,
            "source": x.source,
            "random": x.is_random,
        }
        for x in other
    )
    out.sort(key=lambda e: (e["date"], e["task"], e["item"]), reverse=True)
    return out
