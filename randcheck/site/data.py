"""What the site shows, read from the workspace in one pass: tasks with their announcement,
official record, bundle and published results; the item list; the public inspector fields;
the log entries the feed and the item history need.

Only public columns are read.  The inspector directory is built from :data:`INSPECTOR_FIELDS`
(an allow-list), never from the model's fields, so a column added later (or an imported
身份证号/phone column, which the registry does not store anyway) can never reach a page.
Entity counts are SQL ``GROUP BY`` (:mod:`randcheck.site.entities`); no entity row is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.core import results as rdoc
from randcheck.core.canonical import parse
from randcheck.core.chinatime import china_year
from randcheck.core.text import visible
from randcheck.core.vocabulary import Vocabulary
from randcheck.services.results.context import names_of
from randcheck.store.audit_models import AuditEntry
from randcheck.store.draw_models import AddendumRow, AnnouncementRow, RecordRow, TaskRow
from randcheck.store.models import Entity, Inspector, Item
from randcheck.store.result_models import ResultsDocRow
from randcheck.workspace import Workspace

#: the inspector columns the directory shows (never id-card numbers, phones or notes)
INSPECTOR_FIELDS = ("name", "department", "badge_no", "specialties", "cert_valid_until", "issuer")
#: the item columns the item list shows
ITEM_FIELDS = ("code", "name", "legal_basis", "item_type", "ratio_cap", "frequency",
               "department", "method")  # fmt: skip
TIME = "%Y-%m-%dT%H:%M:%SZ"
IN_CHUNK = 500  # keys per IN (...) query


@dataclass
class Stratum:
    id: str
    count: int
    sample_size: int
    reserve_size: int


@dataclass
class ResultsDoc:
    seq: int
    issued_at: str
    count: int
    corrections: int
    digest: str


@dataclass
class TaskInfo:
    """One task as the site shows it (public fields only)."""

    id: str
    title: str
    folder: str
    status: str
    created_at: str
    planned_at: str  # UTC ``...Z`` or ""
    year: int
    mode: str
    departments: list[str]
    items: list[dict[str, str]]
    scope: list[tuple[str, list[str]]]  # (filter name, values)
    rules: list[dict[str, Any]]  # the definition's strata: id, count or ratio (never risk)
    announced_at: str = ""
    ann_digest: str = ""
    ann_seq: int = -1
    strata: list[Stratum] = field(default_factory=list)
    drawn_at: str = ""
    record_digest: str = ""
    record_seq: int = -1
    #: publish/<folder>/ when ``randcheck publish`` wrote it (bundle.json and SHA256SUMS);
    #: the build keeps it only when the bundle's record is the task's current one
    bundle: Path | None = None
    bundle_time: str = ""  # the latest publish.bundle log entry of the task
    #: the record digest of the bundle's own record.json (its 核验码), set by the build once
    #: it has read the bundle; "" until then
    bundle_digest: str = ""
    #: publish/<folder>/ holds a bundle of another record (the draw was redone, or a
    #: superseded record was published there): not shown; the page says 待重新公示
    bundle_stale: bool = False
    notice: Path | None = None
    docs: list[ResultsDoc] = field(default_factory=list)
    #: the 检查结果公示 table (header first) of the published results, empty if none
    results: list[list[str]] = field(default_factory=list)

    @property
    def pool_total(self) -> int:
        return sum(s.count for s in self.strata)

    @property
    def sample_total(self) -> int:
        return sum(s.sample_size for s in self.strata)


@dataclass
class LogEntry:
    seq: int
    kind: str
    time: str
    payload: dict[str, Any]


@dataclass
class SiteData:
    bureau: dict[str, str]
    tasks: list[TaskInfo]
    items: list[dict[str, str]]  # active items, ITEM_FIELDS, by code
    withdrawn: list[dict[str, str]]  # withdrawn (inactive) items, ITEM_FIELDS, by code
    item_names: dict[str, str]  # every item (inactive too)
    inspectors: list[dict[str, str]]  # active inspectors, INSPECTOR_FIELDS
    item_log: list[LogEntry]  # items.* entries, seq order
    publish_log: list[LogEntry]  # publish.bundle entries, seq order


def to_utc(text: str) -> str:
    """An ISO time with an offset (a task's ``planned_draw_at``) as UTC ``...Z``; "" if none."""
    if not text:
        return ""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return ""
    if when.tzinfo is None:
        return ""
    return when.astimezone(UTC).strftime(TIME)


def _bytes_key(value: str) -> bytes:
    return value.encode("utf-8")


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def log_entries(conn: Connection, kinds: Sequence[str]) -> list[LogEntry]:
    """The log entries whose kind starts with one of ``kinds`` (e.g. ``items.``), seq order.

    Filtered in SQL on the canonical body's ``"kind":"`` member (RFC 8785 writes it exactly
    so), then checked on the parsed entry."""
    t = AuditEntry.__table__.c  # type: ignore[attr-defined]
    out: list[LogEntry] = []
    for prefix in kinds:
        query = select(t.seq, t.body).where(t.body.contains(f'"kind":"{prefix}', autoescape=True))
        for seq, body in conn.execute(query):
            doc = json.loads(body)
            kind = str(doc.get("kind", ""))
            if isinstance(doc, dict) and kind.startswith(prefix):
                payload = doc.get("payload")
                out.append(LogEntry(int(seq), kind, str(doc.get("time", "")),
                                    payload if isinstance(payload, dict) else {}))  # fmt: skip
    out.sort(key=lambda e: e.seq)
    return out


def _scope(defn: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    filters = defn.get("filters") or {}
    out = []
    for name in ("region", "subject_type", "industry", "tags"):
        values = [visible(str(v)) for v in filters.get(name) or []]
        if values:
            out.append((name, values))
    return out


def _rules(defn: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The strata's sizes as defined: id and count or ratio, never the risk classes."""
    return [
        {"id": str(s.get("id", "")), "count": s.get("count"), "ratio": s.get("ratio")}
        for s in defn.get("strata") or []
        if isinstance(s, Mapping)
    ]


def _task(row: Any, item_names: Mapping[str, str], item_types: Mapping[str, str]) -> TaskInfo:
    defn = json.loads(row.definition)
    planned = to_utc(str(defn.get("planned_draw_at") or ""))
    codes = [str(c) for c in defn.get("items") or []]
    return TaskInfo(
        id=row.id,
        title=visible(row.title),
        folder=layout.folder_name(row.id),
        status=row.status,
        created_at=row.created_at,
        planned_at=planned,
        year=china_year(planned or row.created_at),
        mode=str(defn.get("mode", "")),
        departments=[visible(str(d)) for d in defn.get("departments") or []],
        items=[
            {"code": c, "name": item_names.get(c, ""), "kind": item_types.get(c, "")} for c in codes
        ],
        scope=_scope(defn),
        rules=_rules(defn),
    )


def _results(conn: Connection, tasks: Mapping[str, TaskInfo]) -> None:
    """The published results of each task's official record (its signed documents), the
    table built by :func:`randcheck.bundle.results.published_table` as the bundle's is."""
    c = ResultsDocRow.__table__.c  # type: ignore[attr-defined]
    by_task: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    vocabularies: dict[str, Vocabulary] = {}
    for task_id, digest, record, env, voc in conn.execute(
        select(c.task_id, c.digest, c.record_digest, c.envelope, c.vocabulary).order_by(
            c.task_id, c.seq
        )
    ):
        info = tasks.get(task_id)
        if info is None or record != info.record_digest:
            continue  # a superseded record's results say nothing of the current draw
        by_task.setdefault(task_id, []).append((str(digest), json.loads(bytes(env))["signed"]))
        vocab = Vocabulary.from_document(parse(bytes(voc)))
        vocabularies[vocab.digest] = vocab
    codes = {str(e.get("target")) for docs in by_task.values() for _d, b in docs
             for e in b.get("results", [])}  # fmt: skip
    with Session(conn) as session:
        raw = names_of(session, Entity, "code", "name", sorted(codes))
    names = {k: visible(v) for k, v in raw.items()}
    rc = RecordRow.__table__.c  # type: ignore[attr-defined]
    dc = AddendumRow.__table__.c  # type: ignore[attr-defined]
    for task_id, docs in by_task.items():
        info = tasks[task_id]
        env = conn.execute(select(rc.envelope).where(rc.digest == info.record_digest)).scalar_one()
        record = json.loads(bytes(env))["signed"]
        addenda = [
            json.loads(bytes(a))["signed"]
            for (a,) in conn.execute(
                select(dc.envelope).where(dc.record_digest == info.record_digest).order_by(dc.seq)
            )
        ]
        for digest, d in docs:
            _doc, entries = rdoc.parse(d)
            info.docs.append(
                ResultsDoc(
                    seq=int(d["seq"]),
                    issued_at=str(d["issued_at"]),
                    count=len(entries),
                    corrections=sum(1 for e in entries if e.correction is not None),
                    digest=digest,
                )
            )
        info.results = rbundle.published_table(
            task_id,
            info.record_digest,
            record,
            addenda,
            [s.id for s in info.strata],
            [i["code"] for i in info.items],
            docs,
            vocabularies,
            names,
        )


def gather(ws: Workspace, engine: Engine) -> SiteData:
    """Everything the pages need but the entity counts (read in one connection)."""
    with engine.connect() as conn:
        it = Item.__table__.c  # type: ignore[attr-defined]
        items: list[dict[str, str]] = []
        withdrawn: list[dict[str, str]] = []
        item_names: dict[str, str] = {}
        item_types: dict[str, str] = {}
        for row in conn.execute(select(*(it[f] for f in ITEM_FIELDS), it.active)):
            values = {f: visible(str(row._mapping[f] or "")) for f in ITEM_FIELDS}
            item_names[values["code"]] = values["name"]
            item_types[values["code"]] = values["item_type"]
            (items if row.active else withdrawn).append(values)
        items.sort(key=lambda r: _bytes_key(r["code"]))
        withdrawn.sort(key=lambda r: _bytes_key(r["code"]))
        ic = Inspector.__table__.c  # type: ignore[attr-defined]
        inspectors = []
        query = select(*(ic[f] for f in INSPECTOR_FIELDS)).where(ic.active.is_(True))
        for row in conn.execute(query):
            m = row._mapping
            rec = {f: "" if m[f] is None else str(m[f]) for f in INSPECTOR_FIELDS}
            rec["specialties"] = "、".join(_split(rec["specialties"]))
            inspectors.append({k: visible(v) for k, v in rec.items()})
        inspectors.sort(key=lambda r: (_bytes_key(r["department"]), _bytes_key(r["badge_no"])))
        tc = TaskRow.__table__.c  # type: ignore[attr-defined]
        tasks: dict[str, TaskInfo] = {}
        for trow in conn.execute(select(tc.id, tc.title, tc.definition, tc.created_at, tc.status)):
            tasks[trow.id] = _task(trow, item_names, item_types)
        ac = AnnouncementRow.__table__.c  # type: ignore[attr-defined]
        for task_id, env, digest, at, seq in conn.execute(
            select(ac.task_id, ac.envelope, ac.digest, ac.announced_at, ac.log_seq)
        ):
            info = tasks.get(task_id)
            if info is None:
                continue
            body = json.loads(bytes(env))["signed"]
            info.announced_at, info.ann_digest, info.ann_seq = str(at), str(digest), int(seq)
            info.strata = [
                Stratum(
                    str(s["id"]), int(s["count"]), int(s["sample_size"]), int(s["reserve_size"])
                )
                for s in body.get("strata", [])
            ]
        rc = RecordRow.__table__.c  # type: ignore[attr-defined]
        for task_id, digest, at, seq in conn.execute(
            select(rc.task_id, rc.digest, rc.drawn_at, rc.log_seq).where(rc.superseded.is_(False))
        ):
            info = tasks.get(task_id)
            if info is not None:
                info.drawn_at, info.record_digest, info.record_seq = str(at), str(digest), int(seq)
        _results(conn, tasks)
        item_log = log_entries(conn, ["items."])
        publish_log = log_entries(conn, ["publish.bundle"])
    for e in publish_log:
        info = tasks.get(str(e.payload.get("task", "")))
        if info is not None and e.payload.get("record") == info.record_digest:
            info.bundle_time = e.time
    for info in tasks.values():
        folder = ws.publish_dir / info.folder
        if (folder / layout.FORMAT_FILE).is_file() and (folder / layout.SUMS).is_file():
            info.bundle = folder
        if info.announced_at and (folder / layout.NOTICE).is_file():
            info.notice = folder / layout.NOTICE
    ordered = sorted(tasks.values(), key=lambda t: (t.planned_at or t.created_at, _bytes_key(t.id)))
    bureau = ws.bureau() if ws.is_initialised() else {"name": "", "region_code": ""}
    return SiteData(
        bureau={k: visible(str(v)) for k, v in bureau.items()},
        tasks=ordered,
        items=items,
        withdrawn=withdrawn,
        item_names=item_names,
        inspectors=inspectors,
        item_log=item_log,
        publish_log=publish_log,
    )
