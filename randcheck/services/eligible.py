"""The eligible pool of a task and its inspector roster, as of the announcement.

A definition is joined with the item registry (:func:`resolve_items`), the registry is read
through the task's filters and exclusions with the inspection history
(:func:`compute_pool`, per stratum, in byte order of the code), and the active, qualified
inspectors form the roster (:func:`build_roster`).  ``task check`` and ``task announce``
(``services.tasks``) both start here, so what is checked is what is frozen.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from randcheck.core import status as reg_status
from randcheck.core.bulk import without_gc
from randcheck.core.chinatime import CHINA
from randcheck.core.draw import accel, envelope
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec, Task, TeamRules
from randcheck.core.draw.pairset import PairSet
from randcheck.core.taskdef import TaskDef
from randcheck.errors import InputError
from randcheck.services import poolindex, poolsql, taskhints
from randcheck.services.registry import split_list
from randcheck.services.results import history, historyindex
from randcheck.store.draw_models import AddendumRow, AnnouncementRow, RecordRow
from randcheck.store.models import Conflict as ConflictTable
from randcheck.store.models import Entity as EntityTable
from randcheck.store.models import Inspector as InspectorTable
from randcheck.store.models import Item as ItemTable
from randcheck.store.raw import raw_rows

ITEM_KIND = {"重点": "key", "一般": "general", "key": "key", "general": "general"}
INACTIVE_INSPECTOR_STATUSES = ("离职", "停用", "失效", "调出", "退休", "辅助")


# --- the pool -------------------------------------------------------------------------------


@dataclass
class ResolvedTask:
    """A definition joined with the item registry."""

    definition: TaskDef
    task: Task
    departments: tuple[str, ...]
    scope_tags: tuple[str, ...]
    qualifications: tuple[str, ...]
    items: list[dict[str, Any]]


def resolve_items(session: Session, d: TaskDef) -> ResolvedTask:
    items: list[dict[str, Any]] = []
    for code in d.items:
        row = session.get(ItemTable, code)
        if row is None or not row.active:
            raise InputError("task.unknown_item", task=d.id, item=code)
        items.append(row.model_dump())
    kinds = []
    caps: list[tuple[int, int]] = []
    for it in items:
        kind = ITEM_KIND.get(str(it["item_type"]).strip())
        if kind is None:
            raise InputError("task.bad_item_type", item=it["code"], value=it["item_type"])
        kinds.append(Item(code=it["code"], kind=kind))
        if kind == "general":
            if not it["ratio_cap"]:
                raise InputError("task.general_without_cap", item=it["code"])
            num, den = (int(x) for x in str(it["ratio_cap"]).split("/"))
            caps.append((num, den))
    cap: tuple[int, int] | None = None
    if caps:  # exact minimum, no rounding: compare a/b < c/d as a*d < c*b
        cap = caps[0]
        for c in caps[1:]:
            if c[0] * cap[1] < cap[0] * c[1]:
                cap = c
    departments = d.departments or tuple(dict.fromkeys(str(it["department"]) for it in items))
    departments = tuple(x for x in departments if x)
    if not departments:
        raise InputError("task.no_department", task=d.id)
    tags = d.tags or tuple(sorted({t for it in items for t in split_list(str(it["scope_tags"]))}))
    quals = tuple(
        sorted(
            {str(it["required_qualification"]) for it in items if it["required_qualification"]}
            | set(d.qualifications)
        )
    )
    task = Task(
        id=d.id,
        title=d.title,
        departments=departments,
        items=tuple(kinds),
        batches=d.batches,
        ratio_cap=cap,
    )
    return ResolvedTask(d, task, departments, tags if d.mode == "directed" else (), quals, items)


@dataclass
class Pool:
    """The eligible pool per stratum (sorted codes), and exclusion counts per reason."""

    strata: dict[str, Codes]
    exclusions: dict[str, int]
    uncovered: dict[str, int] = field(default_factory=dict)  # risk class -> entities
    previous: Set[tuple[str, str]] = field(default_factory=set)  # (code, inspector) in the pool
    history_digest: str = ""  # of the inspection-history inputs read (services.results.history)
    inputs: tuple[Any, ...] | None = None  # pool_inputs() read before the pool (None: unknown)

    def contains(self, code: str) -> bool:
        """Whether ``code`` is in some stratum (each stratum list is sorted)."""
        raw = code.encode("ascii", "replace")
        for codes in self.strata.values():
            k = bisect.bisect_left(codes, raw)
            if k < len(codes) and codes[k] == raw:
                return True
        return False

    def sizes(self) -> dict[str, int]:
        return {s: len(c) for s, c in self.strata.items()}


def pool_inputs(session: Session, rt: ResolvedTask, now: datetime) -> tuple[Any, ...] | None:
    """What a task's pool is a function of, read cheaply: the resolved task, the day in China,
    the change counters of the registry and of the history (moved by triggers on every
    write), and this workspace's official records and addenda.  Two equal answers mean equal
    pools (``task announce`` reuses the pool its check computed); None where a counter is
    missing, and then nothing is reused."""
    conn = session.connection()
    registry, inspected = poolindex.generation(conn), history.generation(conn)
    if registry is None or inspected is None:
        return None
    r = RecordRow.__table__.c  # type: ignore[attr-defined]
    a = AddendumRow.__table__.c  # type: ignore[attr-defined]
    records = tuple(map(tuple, conn.execute(select(r.digest, r.superseded).order_by(r.digest))))
    addenda = tuple(conn.execute(select(a.digest).order_by(a.digest)).scalars())
    return (rt, (now + CHINA).date(), registry, inspected, records, addenda)


def _history(
    session: Session, year: str
) -> tuple[Counter[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """From this workspace's official records: draws per entity this year, (code, item) pairs
    drawn this year, and (code, inspector) pairs of every earlier team (for rotation)."""
    per_year: Counter[str] = Counter()
    item_pairs: set[tuple[str, str]] = set()
    previous: set[tuple[str, str]] = set()
    rows = session.exec(sm_select(RecordRow).where(col(RecordRow.superseded).is_(False))).all()
    for row in rows:
        doc = envelope.open_envelope(row.envelope, "record").doc
        ann = session.get(AnnouncementRow, row.task_id)
        items: list[str] = []
        if ann is not None:
            adoc = envelope.open_envelope(ann.envelope, "announcement").doc
            items = [i["code"] for i in adoc["task"]["items"]]
        in_year = _china_year(doc["drawn_at"]) == year
        for team in doc["teams"]:
            code = team["target"]
            for m in team["members"]:
                previous.add((code, m["id"]))
            if in_year:
                per_year[code] += 1
                for it in items:
                    item_pairs.add((code, it))
        # substitutions: a replacement target was drawn too, and its new team inspects it
        adds = session.exec(
            sm_select(AddendumRow).where(col(AddendumRow.record_digest) == row.digest)
        ).all()
        for add in adds:
            adoc = envelope.open_envelope(add.envelope, "addendum").doc
            code = adoc["replacement"]["code"] if adoc["replacement"] else adoc["target"]
            for m in adoc["team"]:
                previous.add((code, m["id"]))
            if adoc["replacement"] and _china_year(adoc["issued_at"]) == year:
                per_year[code] += 1
                for it in items:
                    item_pairs.add((code, it))
    return per_year, item_pairs, previous


def _china_year(utc_text: str) -> str:
    return (datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ") + CHINA).strftime("%Y")


@without_gc
def compute_pool(session: Session, rt: ResolvedTask, now: datetime, *, fast: bool = True) -> Pool:
    """Scope filters (定向) in SQL, then exclusion rules in a fixed order, then strata.

    The registry pass runs over the kept index of the registry (``services.poolindex``) for
    an undirected task, with the kept index of the history (``historyindex``) where it can
    be built (:func:`_indexed_pool`), else in SQL (``services.poolsql``), unless ``fast``
    is off or neither can read the registry exactly; :func:`classify_rows` with
    ``history.inputs`` is the reference they are tested equal to."""
    d = rt.definition
    inputs = pool_inputs(session, rt, now)  # before the reads: a write after them moves it
    scope = [f.condition for f in taskhints.scope_filters(d, rt.scope_tags)]
    conn: Connection = session.connection()
    today = (now + CHINA).date()
    year = today.strftime("%Y")
    per_year, item_pairs, previous = _history(session, year)
    recent_limit = today - timedelta(days=d.recent_days) if d.recent_days else None
    recent_text = recent_limit.isoformat() if recent_limit else ""
    listed = {c: s.id for s in d.strata for c in s.risk if c != "*"}
    star = next((s.id for s in d.strata if "*" in s.risk), None)
    # raw registration status text compared as its vocabulary word (core.status), one
    # normalisation per distinct raw value
    allowed = reg_status.Allowed(d.statuses)
    strata_ids = [s.id for s in d.strata]
    index = None
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else None
    if fast and not scope:  # the kept indexes of the registry and the history
        index = poolindex.current(conn, engine)
        if index is not None:
            whole = _indexed_pool(
                conn, engine, d, index, allowed, listed, star, strata_ids, year, recent_text,
                per_year, item_pairs, previous,
            )  # fmt: skip
            if whole is not None:
                return dataclasses.replace(whole, inputs=inputs)
    outside = history.inputs(
        conn,
        year,
        random_only=d.annual_cap_counts == "random",
        items=d.items if d.drawn_this_year else (),
        rotation=d.rotation,
        last_after=recent_text if recent_limit is not None else None,  # only recent ones
    )
    per_year.update(outside.per_year)  # inspections outside randcheck's own draws
    item_pairs |= outside.item_pairs
    last_seen = outside.last
    task_items = set(d.items)
    drawn_for_items = {code for code, it in item_pairs if it in task_items}
    # the history's verdict per entity, first reason first (recent, annual_cap,
    # drawn_this_year): one lookup per registry row in a dict of the few it excludes
    verdict: dict[str, str] = {}
    if d.drawn_this_year:
        verdict.update(dict.fromkeys(drawn_for_items, "drawn_this_year"))
    if d.annual_cap is not None:
        verdict.update({c: "annual_cap" for c, n in per_year.items() if n >= d.annual_cap})
    if recent_limit is not None:
        verdict.update({c: "recent" for c, day in last_seen.items() if day > recent_text})
    # the history's inspectors stay unsplit until the pool is known (most are not in it)
    drawn_here = {c for c, _b in previous}
    fast_got = indexed = None
    if index is not None:  # the registry's index without the history's: the codes with
        # earlier inspectors, repeats and all
        earlier = chain(drawn_here, outside.rotation.codes)
        fast_got = indexed = poolindex.classify(
            index, allowed, recent_limit, verdict, listed, star, strata_ids, earlier
        )
    prev_codes = drawn_here
    if indexed is None:
        prev_codes.update(outside.rotation.codes)
    if fast and fast_got is None:
        fast_got = poolsql.classify_sql(
            conn, scope, allowed, recent_limit, verdict, listed, star, strata_ids, prev_codes
        )
    got: poolsql.Classified | _Rows
    if indexed is not None:  # already sorted
        got = indexed
        strata = {sid: Codes(blob, sid) for sid, blob in indexed.blobs.items()}
    elif fast_got is not None:
        got = fast_got
        strata = {sid: Codes.from_unsorted(blob, sid) for sid, blob in fast_got.blobs.items()}
    else:
        e = EntityTable.__table__.c  # type: ignore[attr-defined]
        query = select(e.code, e.active, e.status, e.last_inspected_on, e.risk_class)
        if scope:
            query = query.where(and_(*scope))
        got = classify_rows(
            raw_rows(conn, query), allowed, recent_limit, verdict, listed, star, strata_ids,
            prev_codes,
        )  # fmt: skip
        strata = {sid: _codes(codes, sid) for sid, codes in got.found.items()}
    kept = got.kept
    return Pool(
        strata,
        dict(sorted(got.reasons.items())),
        dict(sorted(got.uncovered.items())),
        {(c, b) for c, b in previous if c in kept} | outside.rotation.pairs_of(kept),
        outside.digest,
        inputs,
    )


def _indexed_pool(
    conn: Connection,
    engine: Engine | None,
    d: TaskDef,
    index: poolindex.PoolIndex,
    allowed: Mapping[str | None, bool],
    listed: Mapping[str, str],
    star: str | None,
    strata_ids: list[str],
    year: str,
    recent_text: str,
    per_year: Counter[str],
    item_pairs: set[tuple[str, str]],
    previous: set[tuple[str, str]],
) -> Pool | None:
    """The pool from the kept indexes of the registry and of the history, every exclusion a
    sorted file and every step a merge walk in C (``poolindex.classify``, ``accel.pick``);
    the history's pairs stay one text (a :class:`PairSet`).  ``per_year``, ``item_pairs``
    and ``previous`` are this workspace's own draws (:func:`_history`).  None where the
    history index cannot be exact: the caller reads the tables (the reference it is tested
    equal to)."""
    uses = d.rotation or d.annual_cap is not None or d.drawn_this_year or bool(d.recent_days)
    hist = historyindex.current(conn, engine) if uses else None
    if uses and hist is None:
        return None
    digest = history.current_digest(conn)
    if digest is None:
        return None
    own = PairSet.of_pairs(previous)  # this workspace's draws: a few pairs
    if own is None:  # an id a roster refuses: the reference path names it
        return None
    excluded: dict[str, bytes] = {}
    if hist is not None:
        if d.recent_days:
            excluded["recent"] = hist.recent(recent_text)
        if d.annual_cap is not None:
            random_only = d.annual_cap_counts == "random"
            excluded["annual_cap"] = hist.capped(year, random_only, d.annual_cap, per_year)
        if d.drawn_this_year:
            task_items = set(d.items)
            here = historyindex.codes_blob([c for c, it in item_pairs if it in task_items])
            excluded["drawn_this_year"] = accel.merge([hist.drawn(year, d.items), here])
    recent_limit = date.fromisoformat(recent_text) if d.recent_days else None
    got = poolindex.classify(
        index, allowed, recent_limit, {}, listed, star, strata_ids, (), excluded
    )
    if got is None:
        return None
    # the earlier inspectors of the pool's entities: the history's and this workspace's,
    # picked per stratum (in C, on every core)
    lines = own.text + b"\n" if own else b""
    checked = True
    if hist is not None and d.rotation:
        lines = accel.merge([hist.pairs, lines])
        checked = hist.pairs_ok
    found = [b for b in got.blobs.values() if b] if lines else []
    picked = accel.merge(accel.parallel_map(accel.pick, [lines] * len(found), found))
    pairs: Set[tuple[str, str]] | None = (
        PairSet.of_checked(picked) if checked else PairSet.of_text(picked[:-1])
    )
    if pairs is None:  # an id a roster refuses: as tuples, and the roster names it
        texts = picked.decode().split("\n")[:-1]  # not splitlines: a badge may hold \r, \x1d
        pairs = {(a, b) for a, _, b in (x.partition("\0") for x in texts)}
    return Pool(
        {sid: Codes(blob, sid) for sid, blob in got.blobs.items()},
        dict(sorted(got.reasons.items())),
        dict(sorted(got.uncovered.items())),
        pairs,
        digest,
    )


@dataclass
class _Rows:
    found: dict[str, list[str]]
    reasons: Counter[str]
    uncovered: Counter[str]
    kept: set[str]  # pool entities with earlier inspectors (rotation)


def classify_rows(
    rows: Iterable[tuple[Any, ...]],
    allowed: Mapping[str | None, bool],
    recent_limit: date | None,
    verdict: Mapping[str, str],
    listed: Mapping[str, str],
    star: str | None,
    strata: list[str],
    prev_codes: set[str],
) -> _Rows:
    """The registry pass, one row at a time: the reference of ``poolsql.classify_sql``."""
    found: dict[str, list[str]] = {sid: [] for sid in strata}
    reasons: Counter[str] = Counter()
    uncovered: Counter[str] = Counter()
    kept: set[str] = set()
    judged = verdict.get
    for code, active, status, last, risk in rows:
        if not active:
            reasons["invalid"] += 1
        elif not allowed[status]:
            reasons["status"] += 1
        elif (why := judged(code)) == "recent" or (
            recent_limit is not None and last is not None and _as_date(last) > recent_limit
        ):
            reasons["recent"] += 1
        elif why is not None:
            reasons[why] += 1
        else:
            sid = listed.get(risk or "", star)
            if sid is None:
                uncovered[risk or ""] += 1
                continue
            found[sid].append(code)
            if code in prev_codes:
                kept.add(code)
    return _Rows(found, reasons, uncovered, kept)


def _codes(codes: list[str], stratum: str) -> Codes:
    """One stratum's codes sorted and checked (in C when built: one blob, not a list)."""
    # every code followed by a newline, so that an empty code stays a (bad) line of its own
    blob = ("\n".join(codes) + "\n").encode("utf-8") if codes else b""
    if blob.count(b"\n") != len(codes):  # a code holding a newline
        bad = next(c for c in codes if "\n" in c)
        raise InputError("proto.bad_code", field=f"population[{stratum}]", value=repr(bad)[:80])
    return Codes.from_unsorted(blob, stratum)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def active_inspectors(session: Session) -> list[Inspector]:
    """Every active, serving inspector of every department, by badge number."""
    i = InspectorTable.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        select(
            i.badge_no,
            i.department,
            i.is_expert,
            i.cert_valid_until,
            i.qualifications,
            i.specialties,
            i.status,
        )
        .where(i.active.is_(True))
        .order_by(i.badge_no)
    )
    inspectors = []
    for badge, dep, expert, valid_until, quals, specs, status in rows:
        if status in INACTIVE_INSPECTOR_STATUSES:
            continue
        inspectors.append(
            Inspector(
                id=badge,
                department=dep,
                expert=bool(expert),
                cert_from="0001-01-01",
                cert_to=_as_date(valid_until).isoformat() if valid_until else "0001-01-01",
                qualifications=tuple(sorted(set(split_list(quals)) | set(split_list(specs)))),
            )
        )
    return inspectors


@without_gc
def build_roster(
    session: Session,
    rt: ResolvedTask,
    pool: Pool,
    everyone: list[Inspector] | None = None,
) -> Roster:
    """Active inspectors of the task's departments (others cannot serve), their 回避 pairs
    with pool entities, and previous (entity, inspector) pairs for rotation.  ``everyone``
    is :func:`active_inspectors` when the caller already has it."""
    deps = set(rt.departments)
    if everyone is None:
        everyone = active_inspectors(session)
    inspectors = [x for x in everyone if x.department in deps]
    ids = {x.id for x in inspectors}
    in_pool = pool.contains

    c = ConflictTable.__table__.c  # type: ignore[attr-defined]
    conflicts = {
        (badge, code)
        for badge, code in session.connection().execute(
            select(c.badge_no, c.entity_code).where(c.active.is_(True))
        )
        if badge in ids and in_pool(code)
    }
    previous: Set[tuple[str, str]] = frozenset()
    if rt.definition.rotation:  # pool.previous holds pool entities only
        previous = pool.previous
        if isinstance(previous, PairSet):  # kept as its text
            if not previous.seconds() <= ids:  # some served another department
                previous = previous.with_seconds(ids)
        else:
            if not set(map(itemgetter(1), previous)) <= ids:
                previous = {(code, badge) for code, badge in previous if badge in ids}
            previous = frozenset(previous)
    return Roster(tuple(inspectors), frozenset(conflicts), previous)


def team_rules(rt: ResolvedTask) -> TeamRules:
    d = rt.definition
    return TeamRules(
        max_load=d.max_load,
        inspect_from=d.inspect_from,
        inspect_to=d.inspect_to,
        min_inspectors=d.min_inspectors,
        experts=d.experts,
        per_department=d.per_department,
        rotation=d.rotation,
        qualifications=rt.qualifications,
    )


def strata_specs(d: TaskDef) -> list[StratumSpec]:
    return [
        StratumSpec(
            s.id,
            Rule.count(s.count) if s.count is not None else Rule.ratio(*(s.ratio or (1, 1))),
            s.reserve,
        )
        for s in d.strata
    ]
