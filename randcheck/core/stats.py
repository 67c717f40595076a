"""The statistics of the random inspection work (``randcheck stats``), from plain rows.

Everything here is pure: no database, no CLI.  The service (:mod:`randcheck.services.stats`)
reads the rows (aggregated in SQL where the tables are big) and calls these functions, so the
definitions below are the only statement of what each figure counts (docs/STATS.md).

Numbers are exact: counts are ``int``; every ratio, mean and spread is computed with
:class:`fractions.Fraction` (integer square root for the standard deviation) and rounded half
to even to a fixed number of places only when it is written as a decimal string.  No float is
ever involved, so the strings are the same on every machine.

Every list comes out sorted by a total order that depends only on the values (documented on
each function), never on the order of the input rows: shuffling the input gives identical
output (tests/stats/test_core_stats.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import isqrt
from typing import Any

# -- exact decimal strings -------------------------------------------------------------------


def decimal_str(value: Fraction, places: int) -> str:
    """``value`` rounded half to even to ``places`` decimals (``Fraction.__round__`` is exact
    and rounds ties to even), written without exponent: ``decimal_str(Fraction(5, 2), 0)``
    is ``"2"``, ``decimal_str(Fraction(1, 8), 2)`` is ``"0.12"``."""
    scaled = round(value * 10**places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def percent_str(num: int, den: int, places: int) -> str | None:
    """``num / den`` as a percentage rounded half to even (``"1.60%"``); ``None`` if ``den``
    is 0 (no ratio exists)."""
    if den == 0:
        return None
    return decimal_str(Fraction(100 * num, den), places) + "%"


def sqrt_str(value: Fraction, places: int) -> str:
    """The square root of ``value`` (≥ 0) rounded half to even to ``places`` decimals, exactly:
    with ``w = value · 10^(2·places)`` the result is ``k`` or ``k + 1`` for ``k = ⌊√w⌋ =
    isqrt(⌊w⌋)``, decided by comparing ``w`` with ``(k + ½)²`` in rationals."""
    if value < 0:
        raise ValueError("square root of a negative number")
    w = value * 10 ** (2 * places)
    k = isqrt(w.numerator // w.denominator)
    half = (Fraction(2 * k + 1, 2)) ** 2
    if w > half or (w == half and k % 2 == 1):
        k += 1
    return decimal_str(Fraction(k, 10**places), places)


COVERAGE_PLACES = 2  # "1.60%"
RATE_PLACES = 1  # "95.0%"
WORKLOAD_PLACES = 2  # "2.50"

# -- 1. coverage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFacts:
    """One task of the year with a current official record.

    ``strata``: (stratum id, announced pool size); ``drawn``: stratum id -> number of current
    targets of the record (after the signed addenda) in that stratum."""

    task_id: str
    title: str
    departments: tuple[str, ...]
    items: tuple[str, ...]
    strata: tuple[tuple[str, int], ...]
    drawn: Mapping[str, int]

    @property
    def pool(self) -> int:
        return sum(n for _s, n in self.strata)

    @property
    def drawn_total(self) -> int:
        return sum(self.drawn.get(s, 0) for s, _n in self.strata)


@dataclass(frozen=True)
class CoverageRow:
    key: str
    label: str
    drawn: int
    pool: int

    @property
    def ratio(self) -> str | None:
        return percent_str(self.drawn, self.pool, COVERAGE_PLACES)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "drawn": self.drawn, "pool": self.pool,
                "ratio": self.ratio}  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    items: tuple[CoverageRow, ...]
    departments: tuple[CoverageRow, ...]
    strata: tuple[CoverageRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [r.to_json() for r in self.items],
            "departments": [r.to_json() for r in self.departments],
            "strata": [r.to_json() for r in self.strata],
        }


def coverage(tasks: Iterable[TaskFacts], item_names: Mapping[str, str]) -> Coverage:
    """Drawn / pool per item, per department and per stratum.

    A task counts whole (all its strata) for each of its items and each of its departments;
    a stratum row is keyed ``TASK/STRATUM`` and labelled ``title · STRATUM``.  Each list is
    sorted by key (code-point order); keys are unique within a list."""
    items: dict[str, list[int]] = {}
    depts: dict[str, list[int]] = {}
    strata: list[CoverageRow] = []
    for t in tasks:
        for code in set(t.items):
            acc = items.setdefault(code, [0, 0])
            acc[0] += t.drawn_total
            acc[1] += t.pool
        for dept in set(t.departments):
            acc = depts.setdefault(dept, [0, 0])
            acc[0] += t.drawn_total
            acc[1] += t.pool
        for sid, size in t.strata:
            strata.append(
                CoverageRow(f"{t.task_id}/{sid}", f"{t.title} · {sid}", t.drawn.get(sid, 0), size)
            )
    return Coverage(
        items=tuple(
            CoverageRow(k, item_names.get(k) or k, d, p) for k, (d, p) in sorted(items.items())
        ),
        departments=tuple(CoverageRow(k, k, d, p) for k, (d, p) in sorted(depts.items())),
        strata=tuple(sorted(strata, key=lambda r: r.key)),
    )


# -- 2. workload -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectorLoad:
    badge_no: str
    name: str
    department: str
    targets: int
    tasks: int

    def to_json(self) -> dict[str, Any]:
        return {"badge_no": self.badge_no, "name": self.name, "department": self.department,
                "targets": self.targets, "tasks": self.tasks}  # fmt: skip


@dataclass(frozen=True)
class Workload:
    inspectors: tuple[InspectorLoad, ...]

    @property
    def count(self) -> int:
        return len(self.inspectors)

    def _values(self) -> list[int]:
        return [i.targets for i in self.inspectors]

    def to_json(self) -> dict[str, Any]:
        values = self._values()
        n = len(values)
        out: dict[str, Any] = {"inspectors": [i.to_json() for i in self.inspectors], "count": n}
        if n == 0:
            out.update(mean=None, max=None, min=None, spread=None, balance=None)
            return out
        mean = Fraction(sum(values), n)
        variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / n
        out.update(
            mean=decimal_str(mean, WORKLOAD_PLACES),
            max=max(values),
            min=min(values),
            spread=sqrt_str(variance, WORKLOAD_PLACES),
            # mean > 0: every listed inspector has at least one target
            balance=decimal_str(max(values) / mean, WORKLOAD_PLACES),
        )
        return out


def workload(
    assignments: Iterable[tuple[str, str, str]], people: Mapping[str, tuple[str, str]]
) -> Workload:
    """Targets per inspector from ``(task, target, badge)`` assignments of the current teams.

    ``targets`` counts distinct (task, target) pairs, ``tasks`` distinct tasks; ``people``:
    badge -> (name, department) from the registry ("" when unknown).  Sorted by targets
    descending, then badge number (code-point order)."""
    pairs: dict[str, set[tuple[str, str]]] = {}
    for task, target, badge in assignments:
        pairs.setdefault(badge, set()).add((task, target))
    rows = [
        InspectorLoad(badge, *people.get(badge, ("", "")), len(p), len({task for task, _t in p}))
        for badge, p in pairs.items()
    ]
    rows.sort(key=lambda r: (-r.targets, r.badge_no))
    return Workload(tuple(rows))


# -- 3. result terms -------------------------------------------------------------------------


def terms(rows: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """The distribution of result terms from ``(terms text, number of results)`` rows, where
    the text is ``|t1|t2|``: a result with several terms counts once for each (distinct) term.
    Sorted by count descending, then term (code-point order)."""
    counts: Counter[str] = Counter()
    for text, n in rows:
        for term in {t.strip() for t in text.split("|")}:
            if term:
                counts[term] += n
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# -- 4. on-time publication ------------------------------------------------------------------

ON_TIME = "on_time"
LATE = "late"
OVERDUE = "overdue"
PENDING = "pending"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ClockFacts:
    """One entered result on the publication clock (from ``services.results.clock.due``)."""

    task: str
    entity_code: str
    entity_name: str
    item: str
    deadline: str | None  # None: the deadline falls in a year the calendar does not know
    published_on: str | None  # the first publication's China date


def clock_class(row: ClockFacts, as_of: date) -> str:
    """``unknown`` without a deadline; else ``on_time`` / ``late`` if first published on or
    before ``as_of`` (on or before the deadline / after it); else ``overdue`` if ``as_of`` is
    past the deadline, ``pending`` if not."""
    if row.deadline is None:
        return UNKNOWN
    day = as_of.isoformat()
    if row.published_on is not None and row.published_on <= day:
        return ON_TIME if row.published_on <= row.deadline else LATE
    return OVERDUE if day > row.deadline else PENDING


@dataclass(frozen=True)
class OverdueRow:
    task: str
    entity_code: str
    entity_name: str
    item: str
    deadline: str
    days: int  # calendar days past the deadline on as_of

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "entity_code": self.entity_code,
                "entity_name": self.entity_name, "item": self.item,
                "deadline": self.deadline, "days": self.days}  # fmt: skip


@dataclass(frozen=True)
class Publication:
    counts: Mapping[str, int]
    overdue_list: tuple[OverdueRow, ...]

    @property
    def rate(self) -> str | None:
        c = self.counts
        return percent_str(c[ON_TIME], c[ON_TIME] + c[LATE] + c[OVERDUE], RATE_PLACES)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: self.counts[k] for k in (ON_TIME, LATE, OVERDUE, PENDING, UNKNOWN)
        }
        out["rate"] = self.rate
        out["overdue_list"] = [r.to_json() for r in self.overdue_list]
        return out


def publication(rows: Iterable[ClockFacts], as_of: date) -> Publication:
    """Counts per :func:`clock_class`; the rate is on time / (on time + late + overdue), the
    results whose outcome is settled on ``as_of``.  The overdue list is sorted by deadline,
    then task, entity code and item (code-point order)."""
    counts = dict.fromkeys((ON_TIME, LATE, OVERDUE, PENDING, UNKNOWN), 0)
    overdue: list[OverdueRow] = []
    for r in rows:
        cls = clock_class(r, as_of)
        counts[cls] += 1
        if cls == OVERDUE:
            assert r.deadline is not None
            days = (as_of - date.fromisoformat(r.deadline)).days
            overdue.append(
                OverdueRow(r.task, r.entity_code, r.entity_name, r.item, r.deadline, days)
            )
    overdue.sort(key=lambda o: (o.deadline, o.task, o.entity_code, o.item, o.entity_name))
    return Publication(counts, tuple(overdue))


# -- 5. repeated inspections -----------------------------------------------------------------


@dataclass(frozen=True)
class Inspections:
    """Inspections of one entity in the year from one source (history or this workspace)."""

    code: str
    random: int
    non_random: int
    departments: frozenset[str]


@dataclass(frozen=True)
class Repeated:
    code: str
    name: str
    random: int
    non_random: int
    departments: tuple[str, ...]

    @property
    def count(self) -> int:
        return self.random + self.non_random

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "count": self.count, "random": self.random,
                "non_random": self.non_random, "departments": list(self.departments)}  # fmt: skip


@dataclass(frozen=True)
class HistoryFacts:
    """One row of the imported inspection history (``inspection_history``)."""

    entity_code: str
    inspected_on: str  # ISO date
    department: str
    ref: str
    is_random: bool


def history_inspections(
    rows: Iterable[HistoryFacts], year: int, own_ids: Iterable[str]
) -> tuple[Inspections, ...]:
    """Each entity's inspections in ``year`` from the history rows (docs/STATS.md §5): one
    inspection per distinct (entity, date, department, ref) dated in ``year``, random when any
    of its rows is; rows whose ref is one of ``own_ids`` (tasks with a current record here)
    are left out.  One part per entity that has any, sorted by code.

    The reference of the service's grouped SQL (``services.stats._history_query``), which
    computes the same per entity in the database."""
    own = set(own_ids)
    lo, hi = f"{year:04d}-01-01", f"{year:04d}-12-31"
    events: dict[tuple[str, str, str, str], bool] = {}
    for r in rows:
        if lo <= r.inspected_on <= hi and r.ref not in own:
            key = (r.entity_code, r.inspected_on, r.department, r.ref)
            events[key] = events.get(key, False) or r.is_random
    acc: dict[str, tuple[int, int, set[str]]] = {}
    for (code, _day, dept, _ref), is_random in events.items():
        rnd, non, depts = acc.get(code, (0, 0, set()))
        depts.add(dept)
        acc[code] = (rnd + 1, non, depts) if is_random else (rnd, non + 1, depts)
    return tuple(
        Inspections(code, rnd, non, frozenset(d)) for code, (rnd, non, d) in sorted(acc.items())
    )


def repeated(
    parts: Iterable[Inspections], names: Mapping[str, str], cap: int | None
) -> tuple[Repeated, ...]:
    """Entities inspected more than ``cap`` times (more than once without a cap), summing
    every part of an entity.  Departments sorted (code-point order; "" left out); entities
    sorted by count descending, then code."""
    limit = 1 if cap is None else cap
    merged: dict[str, Inspections] = {}
    for p in parts:
        q = merged.get(p.code)
        merged[p.code] = (
            p
            if q is None
            else Inspections(
                p.code,
                q.random + p.random,
                q.non_random + p.non_random,
                q.departments | p.departments,
            )
        )
    out = [
        Repeated(code, names.get(code, ""), p.random, p.non_random,
                 tuple(sorted(p.departments - {""})))
        for code, p in merged.items()
        if p.random + p.non_random > limit
    ]  # fmt: skip
    out.sort(key=lambda e: (-e.count, e.code))
    return tuple(out)
