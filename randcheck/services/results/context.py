"""What the results of a task are about: its current official record, the targets after the
signed addenda, the task's items and each target's team (earlier teams too)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlmodel import Session, col, select

from randcheck.bundle.results import targets_after
from randcheck.bundle.table import result_rows
from randcheck.core.results import china_date
from randcheck.errors import ConflictError, NotFoundError
from randcheck.services.snapshots import addenda_rows, announcement_row
from randcheck.store.draw_models import RecordRow
from randcheck.store.models import Entity, Inspector, Item
from randcheck.store.raw import raw_rows


@dataclass
class TaskTargets:
    """The current official record of a task, read for its results."""

    task_id: str
    title: str
    record: RecordRow
    announcement: dict[str, Any]
    n_addenda: int
    targets: list[str]  # publish order (SPEC §14.1)
    teams: dict[str, list[str]]  # target -> current team badges, staffing order
    ever: dict[str, set[str]]  # target -> every badge that was on its team (addenda)
    items: list[str]  # the task's item codes, announced order
    item_names: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # entity code -> name
    inspector_names: dict[str, str] = field(default_factory=dict)
    record_doc: dict[str, Any] = field(default_factory=dict)  # the record's signed body
    addenda_docs: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def targets_after(self) -> list[set[str]]:
        """The current targets after the first n addenda, for n = 0 .. n_addenda (computed
        when asked: ``results due`` does not need them)."""
        return targets_after(self.record_doc, self.addenda_docs)

    @cached_property
    def drawn_on(self) -> date:
        return date.fromisoformat(china_date(self.record.drawn_at))

    @cached_property
    def window(self) -> tuple[date, date]:
        t = self.announcement["teams"]
        return date.fromisoformat(t["inspect_from"]), date.fromisoformat(t["inspect_to"])


def official_record(session: Session, task_id: str) -> RecordRow:
    rows = session.exec(
        select(RecordRow)
        .where(col(RecordRow.task_id) == task_id)
        .where(col(RecordRow.superseded).is_(False))
    ).all()
    if not rows:
        if session.exec(select(RecordRow).where(col(RecordRow.task_id) == task_id)).first():
            raise ConflictError("results.no_official_record", task=task_id)
        raise NotFoundError("results.not_drawn", task=task_id)
    return rows[0]


def drawn_tasks(session: Session) -> list[str]:
    """The tasks that have an official record, sorted."""
    rows = session.exec(select(RecordRow.task_id).where(col(RecordRow.superseded).is_(False)))
    return sorted(set(rows.all()))


def load(session: Session, task_id: str, names: bool = True) -> TaskTargets:
    """The task's current targets and teams (raises ``NotFoundError`` if it was never drawn)."""
    rec = official_record(session, task_id)
    ann = _stored(announcement_row(session, task_id).envelope)
    record = _stored(rec.envelope)
    adds = [_stored(a.envelope) for a in addenda_rows(session, rec.digest)]
    strata = [s["id"] for s in ann["strata"]]
    rows = result_rows(strata, record, adds)
    teams = {r["code"]: list(r["badges"]) for r in rows}
    ever: dict[str, set[str]] = {}
    for row in record["teams"]:
        ever.setdefault(row["target"], set()).update(m["id"] for m in row["members"])
    for a in adds:
        code = a["replacement"]["code"] if a["replacement"] else a["target"]
        ever.setdefault(code, set()).update(m["id"] for m in a["team"])
    items = [i["code"] for i in ann["task"]["items"]]
    out = TaskTargets(
        task_id=task_id,
        title=str(ann["task"]["title"]),
        record=rec,
        announcement=ann,
        n_addenda=len(adds),
        targets=[r["code"] for r in rows],
        teams=teams,
        ever=ever,
        items=items,
        record_doc=record,
        addenda_docs=adds,
    )
    if names:
        out.item_names = names_of(session, Item, "code", "name", items)
        out.names = names_of(session, Entity, "code", "name", out.targets)
        badges = sorted({b for t in teams.values() for b in t})
        out.inspector_names = names_of(session, Inspector, "badge_no", "name", badges)
    return out


def _stored(env: bytes) -> dict[str, Any]:
    """The body of a document this workspace signed and stored (opened and checked by
    ``envelope.open_envelope`` before it was stored): one C-speed JSON parse, not the full
    canonical check again — a record of 50,000 teams is read in a fraction of the time."""
    doc = json.loads(env)["signed"]
    assert isinstance(doc, dict)
    return doc


def names_of(session: Session, table: Any, key: str, value: str, keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    k, v = getattr(table, key), getattr(table, value)
    conn = session.connection()  # driver rows: 50,000 names through the ORM cost 0.3 s more
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        for a, b in raw_rows(conn, select(k, v).where(col(k).in_(part))):
            out[str(a)] = str(b)
    return out
