"""``randcheck stats``: the year's statistics of the random inspection work, read from the
workspace (checklist 10, 22, 29 of the domain notes; definitions in docs/STATS.md).

The service reads; :mod:`randcheck.core.stats` computes.  The big tables are aggregated in
SQL: the inspection history (millions of rows) is grouped per inspection and per entity in the
database, and only the entities that can exceed the cap come back; result terms come back
one row per distinct combination of terms.  The records of the year's tasks (one signed JSON
document each, plus their addenda) are read whole, as ``results`` reads them.

The public site calls :func:`compute` and renders :meth:`Stats.to_json`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from randcheck.bundle.table import final_state
from randcheck.core import stats as core
from randcheck.core.chinatime import china_year
from randcheck.errors import UsageError
from randcheck.services.results import clock
from randcheck.services.results.context import names_of
from randcheck.services.snapshots import addenda_rows, announcement_row
from randcheck.store.draw_models import RecordRow
from randcheck.store.models import Entity, Inspector, Item
from randcheck.store.raw import raw_rows
from randcheck.store.result_models import HistoryRow, ResultRow
from randcheck.workspace import Workspace

CHUNK = 500  # codes per IN (...) list


@dataclass(frozen=True)
class Stats:
    """The figures of one calendar year as of one day."""

    year: int
    as_of: date
    cap: int | None
    coverage: core.Coverage
    workload: core.Workload
    terms: tuple[tuple[str, int], ...]
    publication: core.Publication
    repeated: tuple[core.Repeated, ...]

    def to_json(self) -> dict[str, Any]:
        """Ints, decimal strings, ``None`` and sorted lists only (no float)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "cap": self.cap,
            "coverage": self.coverage.to_json(),
            "workload": self.workload.to_json(),
            "terms": [{"term": t, "count": n} for t, n in self.terms],
            "publication": self.publication.to_json(),
            "repeated": [r.to_json() for r in self.repeated],
        }


@dataclass(frozen=True)
class _Task:
    """A task of the year as its current official record and addenda leave it."""

    facts: core.TaskFacts
    record_digest: str
    teams: dict[str, list[str]]  # current target -> current team badges


def workspace_cap(ws: Workspace) -> int | None:
    """``[defaults] annual_cap`` of ``randcheck.toml``, or ``None`` when it is not set."""
    defaults: Any = ws.config().get("defaults", {})
    value: Any = defaults.get("annual_cap") if isinstance(defaults, dict) else None
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= 366:
        raise UsageError("stats.bad_config_cap", value=str(value))
    return value


def compute(
    ws: Workspace,
    engine: Engine,
    year: int | None,
    as_of: date,
    cap: int | None = None,
    *,
    published: Collection[str] | None = None,
    due: Sequence[clock.Due] | None = None,
) -> Stats:
    """The statistics of calendar ``year`` (China time; default: the year of ``as_of``) as of
    ``as_of``; ``cap``: the annual per-entity cap (default: the workspace's, else none).

    ``published``: for a public page, the digests of the records whose draws the office has
    published.  Then a draw not yet published counts in no figure that names an entity (the
    repeated inspections: surprise visits stay surprises), and the result terms count only
    results whose current content is published (docs/STATS.md "On the public site").
    ``due``: ``clock.due(ws, engine, None, as_of)`` when the caller has it already (it is
    read once, not again)."""
    year = as_of.year if year is None else year
    if cap is None:
        cap = workspace_cap(ws)
    with Session(engine) as s:
        tasks = list(_tasks(s, year))
        named = tasks if published is None else [t for t in tasks if t.record_digest in published]
        own_ids = _drawn_task_ids(s)
        items = sorted({i for t in tasks for i in t.facts.items})
        item_names = names_of(s, Item, "code", "name", items)
        badges = sorted({b for t in tasks for team in t.teams.values() for b in team})
        people = _people(s, badges)
        conn = s.connection()
        term_rows = list(_term_rows(conn, [t.record_digest for t in tasks], published is not None))
        read = list(_inspections(conn, year, named, own_ids, cap))
        parts = [p for p, _name in read]
        names = {p.code: name for p, name in read if name is not None}
        # the names the history query did not join (drawn entities), for the listed ones
        totals: Counter[str] = Counter()
        for p in parts:
            totals[p.code] += p.random + p.non_random
        limit = 1 if cap is None else cap
        unnamed = sorted(c for c, n in totals.items() if n > limit and c not in names)
        names.update(names_of(s, Entity, "code", "name", unnamed))
    assignments = (
        (t.facts.task_id, target, b)
        for t in tasks
        for target, team in t.teams.items()
        for b in team
    )
    ids = [t.facts.task_id for t in tasks]
    if due is None:
        due = clock.due(ws, engine, None, as_of, among=ids)
    clock_rows = list(_clock_rows(due, set(ids)))
    return Stats(
        year=year,
        as_of=as_of,
        cap=cap,
        coverage=core.coverage([t.facts for t in tasks], item_names),
        workload=core.workload(assignments, people),
        terms=core.terms(term_rows),
        publication=core.publication(clock_rows, as_of),
        repeated=core.repeated(parts, names, cap),
    )


# -- the year's tasks --------------------------------------------------------------------------


def _drawn_task_ids(s: Session) -> list[str]:
    rows = s.exec(sm_select(RecordRow.task_id).where(col(RecordRow.superseded).is_(False)))
    return sorted(set(rows.all()))


def _doc(envelope: bytes) -> dict[str, Any]:
    """The body of a document this workspace signed and stored (checked before it was)."""
    doc = json.loads(envelope)["signed"]
    assert isinstance(doc, dict)
    return doc


def _tasks(s: Session, year: int) -> Iterator[_Task]:
    """The tasks whose current official record was drawn in ``year`` (China date), by id."""
    rows = s.exec(
        sm_select(RecordRow.task_id, RecordRow.digest, RecordRow.drawn_at).where(
            col(RecordRow.superseded).is_(False)
        )
    ).all()
    for task_id, digest, drawn_at in sorted(rows):
        if china_year(drawn_at) != year:
            continue
        rec_row = s.get(RecordRow, digest)
        assert rec_row is not None
        record = _doc(rec_row.envelope)
        if record.get("practice"):  # never stored as official; never counted if it were
            continue
        ann = _doc(announcement_row(s, task_id).envelope)
        adds = [_doc(a.envelope) for a in addenda_rows(s, digest)]
        teams, stratum, _changed = final_state(record, adds)
        drawn = Counter(stratum[c] for c in teams)
        facts = core.TaskFacts(
            task_id=task_id,
            title=str(ann["task"]["title"]),
            departments=tuple(str(d) for d in ann["task"]["departments"]),
            items=tuple(str(i["code"]) for i in ann["task"]["items"]),
            strata=tuple((str(x["id"]), int(x["count"])) for x in ann["strata"]),
            drawn=dict(drawn),
        )
        yield _Task(facts, digest, {c: [m["id"] for m in team] for c, team in teams.items()})


def _people(s: Session, badges: Sequence[str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(badges), CHUNK):
        part = badges[start : start + CHUNK]
        q = sm_select(Inspector.badge_no, Inspector.name, Inspector.department).where(
            col(Inspector.badge_no).in_(part)
        )
        for badge, name, dept in s.exec(q).all():
            out[str(badge)] = (str(name), str(dept))
    return out


# -- results: terms and the clock ------------------------------------------------------------


def _term_rows(
    conn: Connection, digests: Sequence[str], published_only: bool
) -> Iterator[tuple[str, int]]:
    """(terms text, number of results) of the results entered for these records (only those
    whose current content is published, with ``published_only``)."""
    r = ResultRow.__table__.c  # type: ignore[attr-defined]
    for start in range(0, len(digests), CHUNK):
        part = sorted(digests[start : start + CHUNK])
        cond = r.record_digest.in_(part)
        if published_only:
            cond = and_(cond, r.published.is_not(None), r.pending.is_(False))
        q = select(r.terms, func.count()).where(cond).group_by(r.terms)
        for text, n in raw_rows(conn, q):
            yield str(text), int(n)


def _clock_rows(due: Sequence[clock.Due], tasks: set[str]) -> Iterator[core.ClockFacts]:
    """The tasks' entered results on the publication clock (``results due``'s own rows)."""
    for d in due:
        if (
            d.task_id not in tasks or d.status == clock.TO_ENTER
        ):  # nothing entered: no result formed, no deadline
            continue
        yield core.ClockFacts(d.task_id, d.target, d.name, d.item, d.deadline, d.published_on)


# -- repeated inspections --------------------------------------------------------------------


def _inspections(
    conn: Connection, year: int, tasks: Sequence[_Task], own_ids: Sequence[str], cap: int | None
) -> Iterator[tuple[core.Inspections, str | None]]:
    """Each entity's inspections of ``year`` that can take it past the cap, with the entity's
    registry name when the database read it (``None``: not read, or not in the registry).

    * This workspace: each current target of a task of the year is one random inspection by
      the task's departments.
    * The imported history: one inspection per distinct (entity, date, department, ref) in
      the year (the rows of one inspection's several items count once), random if any of its
      rows says so; rows whose ref is the id of a task drawn in this workspace are left out
      (that inspection is counted from the record).  Only entities whose history alone
      exceeds the cap, or that were drawn this year, are read back: counts, departments and
      names all grouped in the database (:func:`_history_query`), one statement for the
      whole history and one per ``CHUNK`` of drawn entities.

    :func:`randcheck.core.stats.history_inspections` is the reference this is tested equal to
    (tests/stats/test_twin.py).
    """
    limit = 1 if cap is None else cap
    drawn = {p.code: p for p in _drawn_parts(tasks)}
    for p in drawn.values():
        yield p, None
    found: dict[str, tuple[int, int, str | None]] = {}
    depts: dict[str, set[str]] = {}
    unsure: list[str] = []  # a department holding the separator: read them plainly

    def read(q: Any) -> None:
        # the driver's own str and int (no conversions: up to a few hundred thousand rows)
        for code, n, r, joined, name in raw_rows(conn, q):
            found[code] = (r, n - r, name)
            per_inspection = joined.split(SEP)
            if len(per_inspection) == n:  # one department per inspection: none held SEP
                depts[code] = set(per_inspection)
            else:
                unsure.append(code)

    read(_history_query(year, own_ids, limit))
    for part in _chunks(sorted(c for c in drawn if c not in found)):
        read(_history_query(year, own_ids, None, part))
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    for part in _chunks(sorted(unsure)):
        q = select(h.entity_code, h.department).where(
            _in_year(h, year, own_ids), h.entity_code.in_(part)
        )
        for code, dept in raw_rows(conn, q.distinct()):
            depts.setdefault(str(code), set()).add(str(dept))
    for code, (r, n, name) in sorted(found.items()):
        yield core.Inspections(code, r, n, frozenset(depts.get(code, ()))), name


def _drawn_parts(tasks: Sequence[_Task]) -> list[core.Inspections]:
    """Each current target of a task of the year: one random inspection per task, by the
    task's departments; one part per entity, sorted by code."""
    drawn: dict[str, list[Any]] = {}
    for t in tasks:
        for code in t.teams:
            acc = drawn.setdefault(code, [0, set()])
            acc[0] += 1
            acc[1].update(t.facts.departments)
    return [core.Inspections(c, n, 0, frozenset(d)) for c, (n, d) in sorted(drawn.items())]


def reference_repeated(engine: Engine, year: int, cap: int | None) -> tuple[core.Repeated, ...]:
    """The repeated inspections of ``year`` the slow, plain way: every history row read
    into Python and grouped by :func:`randcheck.core.stats.history_inspections`, every
    name looked up.  For the tests only (``compute`` must give the same: the fast twin sits
    next to its reference, tests/stats/test_twin.py); it reads the whole table."""
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    with Session(engine) as s:
        tasks = list(_tasks(s, year))
        own_ids = _drawn_task_ids(s)
        q = select(h.entity_code, h.inspected_on, h.department, h.ref, h.is_random)
        rows = [
            core.HistoryFacts(str(c), str(d), str(dep), str(ref), bool(rnd))
            for c, d, dep, ref, rnd in s.connection().execute(q)
        ]
        parts = _drawn_parts(tasks) + list(core.history_inspections(rows, year, own_ids))
        names = names_of(s, Entity, "code", "name", sorted({p.code for p in parts}))
    return core.repeated(parts, names, cap)


SEP = "\x1f"  # joins an entity's departments in SQL (a department holding it is read again)


def _history_query(
    year: int, own_ids: Sequence[str], limit: int | None, codes: Sequence[str] | None = None
) -> Any:
    """One statement: the history's inspections of ``year`` grouped per entity.

    ``ev``: one row per inspection (entity, date, department, ref; random if any row is);
    then per entity, kept when it has more than ``limit`` inspections (``None``: every entity
    of ``codes``): ``(code, inspections, random ones, the inspections' departments joined by
    SEP, registry name)``, the name by a join.  The index ``inspection_history_entity``
    (entity, date, department, ref, is_random; migration results_0002) covers ``ev``: the
    year is grouped in index order, without reading the table."""
    h = HistoryRow.__table__.c  # type: ignore[attr-defined]
    cond = _in_year(h, year, own_ids)
    if codes is not None:
        cond = and_(cond, h.entity_code.in_(list(codes)))
    random_flag = func.max(case((h.is_random.is_(True), 1), else_=0)).label("r")
    ev = (
        select(h.entity_code, h.department, random_flag)
        .where(cond)
        .group_by(h.entity_code, h.inspected_on, h.department, h.ref)
        .subquery("ev")
    )
    per = select(
        ev.c.entity_code,
        func.count().label("n"),
        func.sum(ev.c.r).label("r"),
        func.aggregate_strings(ev.c.department, SEP).label("d"),
    ).group_by(ev.c.entity_code)
    listed = (per if limit is None else per.having(func.count() > limit)).subquery("listed")
    ent = Entity.__table__  # type: ignore[attr-defined]
    return select(listed.c.entity_code, listed.c.n, listed.c.r, listed.c.d, ent.c.name).select_from(
        listed.outerjoin(ent, ent.c.code == listed.c.entity_code)
    )


def _in_year(h: Any, year: int, own_ids: Sequence[str]) -> Any:
    """History rows of ``year`` that are not the inspections of this workspace's own tasks."""
    where = [h.inspected_on >= f"{year:04d}-01-01", h.inspected_on <= f"{year:04d}-12-31"]
    if own_ids:
        where.append(h.ref.not_in(list(own_ids)))
    return and_(*where)


def _chunks(codes: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(codes), CHUNK):
        yield list(codes[start : start + CHUNK])
