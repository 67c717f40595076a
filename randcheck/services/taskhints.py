"""What ``task check`` says to change when a check fails (issue 12): the values a filter or
exclusion could have matched, the departments whose inspectors could staff the task, the
column to import when nobody holds a qualification, the largest ``count`` a cap allows.

Each function returns :class:`~randcheck.core.checks.Check` findings (catalog codes
``check.*``) for ``randcheck.services.tasks.check_task``; lists inside a finding are
``name (n)`` joined by ``, `` (most first, then by name), so they read the same in both
languages and never depend on row order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from randcheck.core import status
from randcheck.core.checks import Check
from randcheck.core.draw.model import Inspector, Roster, Task, TeamRules
from randcheck.core.draw.pairing import Pairing
from randcheck.core.draw.select import check_cap
from randcheck.core.taskdef import TaskDef
from randcheck.errors import InputError
from randcheck.store.models import Entity as EntityTable

TOP = 5  # values listed in a finding
EXCLUSION_FIELDS = {  # exclusion reason -> the task-file field that controls it
    "recent": "exclusions.recent_days",
    "annual_cap": "exclusions.annual_cap",
    "drawn_this_year": "exclusions.drawn_this_year",
}


def top(counts: Iterable[tuple[str, int]], n: int = TOP) -> str:
    """``a (3), b (2)``: the ``n`` largest counts, ties by value; ``-`` when there are none."""
    merged: Counter[str] = Counter()
    for value, count in counts:
        merged[value or "-"] += count
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    text = ", ".join(f"{v} ({c})" for v, c in ranked)
    more = len(merged) - len(ranked)
    return f"{text}, … (+{more})" if more > 0 else (text or "-")


# --- an empty pool ---------------------------------------------------------------------------


class Filter(NamedTuple):
    """One scope filter of a directed task: its task-file field, SQL condition, column, values."""

    field: str
    condition: Any
    column: Any
    wanted: tuple[str, ...]


def scope_filters(d: TaskDef, scope_tags: Sequence[str]) -> list[Filter]:
    """The scope filters in force (定向 only), the one definition both the pool
    (``eligible.compute_pool``) and the hints use: literal prefixes and tags, so a "%" or "_"
    in a filter is not a LIKE wildcard."""
    e = EntityTable.__table__.c  # type: ignore[attr-defined]
    out: list[Filter] = []
    if d.mode != "directed":
        return out
    if d.region:
        cond = or_(*[e.region_code.startswith(r, autoescape=True) for r in d.region])
        out.append(Filter("filters.region", cond, e.region_code, d.region))
    if d.industry:
        cond = or_(*[e.industry.startswith(i, autoescape=True) for i in d.industry])
        out.append(Filter("filters.industry", cond, e.industry, d.industry))
    if d.subject_type:
        cond = e.subject_type.in_(list(d.subject_type))
        out.append(Filter("filters.subject_type", cond, e.subject_type, d.subject_type))
    if scope_tags:
        cond = or_(*[e.tags.contains(f"|{t}|", autoescape=True) for t in scope_tags])
        field = "filters.tags" if d.tags else "items.scope_tags"
        out.append(Filter(field, cond, e.tags, tuple(scope_tags)))
    return out


def _values(conn: Connection, column: Any, active: Any) -> list[tuple[str, int]]:
    rows = conn.execute(select(column, func.count()).where(active).group_by(column))
    if column.name != "tags":
        return [(str(v or ""), int(n)) for v, n in rows]
    per_tag: Counter[str] = Counter()
    for tags, n in rows:  # stored as |a|b|
        for tag in str(tags or "").split("|"):
            if tag:
                per_tag[tag] += int(n)
    return sorted(per_tag.items())


def _status_words(conn: Connection, where: Any) -> list[tuple[str, int]]:
    """Registration statuses in scope as vocabulary words (one normalisation per raw value)."""
    e = EntityTable.__table__.c  # type: ignore[attr-defined]
    rows = conn.execute(select(e.status, func.count()).where(where).group_by(e.status))
    return [(status.normalise(raw), int(n)) for raw, n in rows]


def empty_pool(
    conn: Connection,
    d: TaskDef,
    scope_tags: Sequence[str],
    exclusions: dict[str, int],
) -> list[Check]:
    """Why nothing is left to draw, and what the registry has instead (counted here, on the
    failure path, so that the pool's own pass over every row pays nothing for it)."""
    e = EntityTable.__table__.c  # type: ignore[attr-defined]
    active = e.active.is_(True)
    found: list[Check] = []
    filters = scope_filters(d, scope_tags)
    for f in filters:
        n = conn.execute(select(func.count()).where(and_(active, f.condition))).scalar() or 0
        if n == 0:
            found.append(
                Check.failed(
                    f"task.{f.field}",
                    "check.filter_empty",
                    field=f.field,
                    wanted=", ".join(f.wanted),
                    present=top(_values(conn, f.column, active)),
                )
            )
    if found:
        return found
    if len(filters) > 1 and not exclusions:
        fields = ", ".join(f.field for f in filters)
        return [Check.failed("task.filters", "check.filters_disjoint", fields=fields)]
    if exclusions.get("status"):
        found.append(
            Check.failed(
                "task.exclusions.statuses",
                "check.status_empty",
                wanted=", ".join(d.statuses),
                present=top(_status_words(conn, and_(active, *(f.condition for f in filters)))),
            )
        )
    for reason, n in sorted(exclusions.items()):
        if reason in EXCLUSION_FIELDS:
            found.append(
                Check.failed(
                    f"task.{EXCLUSION_FIELDS[reason]}",
                    f"check.excluded_{reason}",
                    count=n,
                    field=EXCLUSION_FIELDS[reason],
                )
            )
    if not found and not exclusions.get("invalid"):
        found.append(Check.failed("task.registry", "check.registry_empty"))
    elif not found:
        found.append(
            Check.failed("task.registry", "check.all_invalid", count=exclusions["invalid"])
        )
    return found


# --- inspectors ------------------------------------------------------------------------------


def _static_reasons(
    inspectors: Sequence[Inspector], rules: TeamRules, departments: Sequence[str]
) -> dict[str, str | None]:
    """Pairing's target-independent eligibility (department, certificate, qualification)."""
    probe = TeamRules(**{**rules.__dict__, "per_department": False})
    pairing = Pairing(
        Roster(tuple(inspectors), frozenset(), frozenset()), probe, departments, b"\x00" * 64
    )
    return pairing.static


def department_offer(
    everyone: Sequence[Inspector], rules: TeamRules, departments: Sequence[str]
) -> str:
    """Other departments with non-expert inspectors who meet the certificate and qualification
    rules, with their counts (``top``); ``""`` when there are none."""
    others = [x for x in everyone if x.department not in departments and not x.expert]
    deps = sorted({x.department for x in others})
    if not deps:
        return ""
    static = _static_reasons(others, rules, deps)
    counts = Counter(x.department for x in others if static[x.id] is None)
    return top(counts.items()) if counts else ""


def _offer(
    everyone: Sequence[Inspector], rules: TeamRules, d: TaskDef, departments: Sequence[str]
) -> dict[str, Any]:
    """The ``hint`` of a staffing finding: departments to add, or that there are none."""
    offer = department_offer(everyone, rules, departments)
    if offer:
        key = (
            "check.hint.add_departments" if d.departments else "check.hint.add_departments_default"
        )
        return {"hint_key": key, "hint_params": {"offer": offer, "current": ", ".join(departments)}}
    return {"hint_key": "check.hint.no_other_department", "hint_params": {}}


def inspector_shortage(
    roster: Roster,
    everyone: Sequence[Inspector],
    rules: TeamRules,
    d: TaskDef,
    departments: Sequence[str],
    eligible: int,
) -> Check | None:
    """A failure when fewer than ``min_inspectors`` non-experts can serve at all, naming why
    (no one on the roster, certificates, a qualification nobody holds) and what to do."""
    if eligible >= d.min_inspectors:
        return None
    regular = [x for x in roster.inspectors if not x.expert]
    static = _static_reasons(regular, rules, departments)
    why = Counter(static[x.id] for x in regular if static[x.id] is not None)
    params: dict[str, Any] = {
        "roster": len(roster.inspectors),
        "eligible": eligible,
        "need": d.min_inspectors,
        "departments": ", ".join(departments),
    }
    offer = _offer(everyone, rules, d, departments)
    if why.get("qualification"):
        quals = ", ".join(rules.qualifications)
        mine = Counter(q for x in regular for q in x.qualifications)
        if not mine:  # the roster of these departments was imported without qualifications
            return Check.failed(
                "task.inspectors",
                "check.no_qualification_data",
                qualifications=quals,
                **params,
                **offer,
            )
        return Check.failed(
            "task.inspectors",
            "check.qualification_nobody",
            qualifications=quals,
            present=top(mine.items()),
            **params,
            **offer,
        )
    if why.get("certificate"):
        return Check.failed(
            "task.inspectors",
            "check.certificates_expired",
            count=why["certificate"],
            inspect_from=rules.inspect_from,
            inspect_to=rules.inspect_to,
            **params,
        )
    return Check.failed(
        "task.inspectors",
        "check.inspectors_short",
        **params,
        **offer,
    )


def capacity(
    need: int,
    capacity: int,
    everyone: Sequence[Inspector],
    rules: TeamRules,
    d: TaskDef,
    departments: Sequence[str],
) -> Check:
    """``执法人员不足``, with the departments whose inspectors could be added."""
    return Check.failed(
        "task.capacity",
        "check.capacity_guide",
        need=need,
        capacity=capacity,
        max_load=d.max_load,
        **_offer(everyone, rules, d, departments),
    )


def department_empty(dep: str, inspectors: Sequence[Inspector], rules: TeamRules) -> Check:
    """A joint task's department with no one eligible: how many of its people fail which rule."""
    mine = [x for x in inspectors if x.department == dep and not x.expert]
    static = _static_reasons(mine, rules, [dep])
    why = Counter(static[x.id] for x in mine if static[x.id] is not None)
    return Check.failed(
        f"task.department.{dep}",
        "check.department_empty",
        department=dep,
        roster=len(mine),
        certificate=why.get("certificate", 0),
        qualification=why.get("qualification", 0),
    )


# --- ratio caps ------------------------------------------------------------------------------


def cap(task: Task, stratum: str, count: int, size: int) -> Check | None:
    """The cap check of one stratum (``check_cap``, SPEC §5), proposing the largest ``count``."""
    try:
        check_cap(task, stratum, count, size)
    except InputError as exc:
        limit = exc.params["limit"]
        num, den = task.ratio_cap or (0, 1)
        return Check.failed(
            f"task.cap.{stratum}",
            "check.cap_count",
            stratum=stratum,
            size=size,
            limit=limit,
            count=count,
            cap=f"{num}/{den}",
        )
    return None
