"""The announcement (SPEC §4): built from a frozen snapshot before any randomness exists."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from randcheck import __version__
from randcheck.core.draw import accel, entropy
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.commit import check_sorted_codes, population_root, roster_digest_of
from randcheck.core.draw.model import Roster, Rule, StratumSpec, Task, TeamRules, _keys, _list
from randcheck.core.draw.select import check_cap, sample_size
from randcheck.core.draw.spec import (
    DRAW_SPECS,
    SPEC_ID,
    SPEC_V2_ID,
    check_bool,
    check_hex32,
    check_id,
    check_int,
    check_text,
    check_time,
)
from randcheck.core.draw.v2 import Ordering, parse_ordering
from randcheck.errors import InputError

TOOL = f"randcheck {__version__}"
ANNOUNCEMENT_KEYS = {
    "spec",
    "kind",
    "tool",
    "announced_at",
    "practice",
    "task",
    "strata",
    "exclusions",
    "roster",
    "teams",
    "entropy",
}
#: randcheck/draw/v2 adds the top-level ``ordering`` (SPEC-v2 §2)
ANNOUNCEMENT_KEYS_V2 = ANNOUNCEMENT_KEYS | {"ordering"}


@dataclass(frozen=True)
class StratumPlan:
    id: str
    count: int
    root: str
    rule: Rule
    reserve: int
    sample_size: int
    reserve_size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "count": self.count,
            "root": self.root,
            "rule": self.rule.to_json(),
            "reserve": self.reserve,
            "sample_size": self.sample_size,
            "reserve_size": self.reserve_size,
        }


@dataclass(frozen=True)
class Announcement:
    """A parsed, checked announcement body."""

    announced_at: str
    practice: bool
    task: Task
    strata: tuple[StratumPlan, ...]
    exclusions: dict[str, int]
    roster_digest: str
    roster_size: int
    teams: TeamRules
    entropy: tuple[dict[str, Any], ...]
    tool: str
    spec: str = SPEC_ID
    ordering: Ordering | None = None  # v2 only


def check_disjoint(population: Mapping[str, Sequence[bytes]]) -> None:
    """Raise ``InputError`` if a code is in two strata (the strata must already be sorted)."""
    if len(population) < 2:
        return
    if all(isinstance(c, Codes) for c in population.values()):
        files = [c.blob for c in population.values() if isinstance(c, Codes)]
        dup_code = accel.shared(files)  # the smallest shared code, as the merge below reports
        if dup_code is not None:
            entity = dup_code.decode("ascii", "replace")
            raise InputError("proto.code_in_two_strata", entity=entity)
        return
    merged = sorted(itertools.chain.from_iterable(population.values()))
    if not all(map(operator.lt, merged, itertools.islice(merged, 1, None))):
        dup = next(a for a, b in itertools.pairwise(merged) if a == b)
        raise InputError("proto.code_in_two_strata", entity=dup.decode("ascii", "replace"))


def plan_stratum(task: Task, spec: StratumSpec, codes: Sequence[bytes]) -> StratumPlan:
    """Commit to one stratum's sorted codes and fix its sample and reserve sizes (SPEC §3, §5)."""
    check_id(spec.id, "stratum.id")
    check_sorted_codes(codes, spec.id)
    count = len(codes)
    size = sample_size(spec.rule, count)
    check_cap(task, spec.id, count, size)
    return StratumPlan(
        id=spec.id,
        count=count,
        root=population_root(codes),
        rule=spec.rule,
        reserve=spec.reserve,
        sample_size=size,
        reserve_size=min(spec.reserve, count - size),
    )


def announce(
    *,
    task: Task,
    strata: Sequence[StratumSpec],
    population: Mapping[str, Sequence[bytes]],
    exclusions: Mapping[str, int],
    roster: Roster,
    teams: TeamRules,
    sources: Sequence[Mapping[str, Any]],
    announced_at: str,
    practice: bool = False,
    tool: str = TOOL,
    ordering: Ordering | None = None,
) -> dict[str, Any]:
    """The announcement body (SPEC §4). ``population[s]`` are stratum ``s``'s sorted codes.
    With an ``ordering`` it is a randcheck/draw/v2 announcement (SPEC-v2 §2).

    Raises ``InputError`` on any invalid rule, code, cap, source or team rule.
    """
    ids = [s.id for s in strata]
    if len(set(ids)) != len(ids) or set(ids) != set(population):
        raise InputError("proto.strata_mismatch", strata=sorted(ids), population=sorted(population))
    ordered = sorted(strata, key=lambda s: s.id)
    plans = accel.parallel_map(
        plan_stratum, [task] * len(ordered), ordered, [population[s.id] for s in ordered]
    )
    check_disjoint(population)
    roster_bytes = roster.canonical()  # = canonical(roster.document()), made once
    body: dict[str, Any] = {
        "spec": SPEC_ID if ordering is None else SPEC_V2_ID,
        "kind": "announcement",
        "tool": tool,
        "announced_at": announced_at,
        "practice": practice,
        "task": task.to_json(),
        "strata": [p.to_json() for p in plans],
        "exclusions": {str(k): int(v) for k, v in sorted(exclusions.items())},
        "roster": {"digest": roster_digest_of(roster_bytes), "inspectors": len(roster.inspectors)},
        "teams": teams.to_json(),
        "entropy": [dict(s) for s in sources],
    }
    if ordering is not None:
        body["ordering"] = ordering.to_json()
    parse_announcement(body)  # the same checks a verifier runs
    roster.check()  # raises as Roster.from_document(roster.document()) would
    return body


def parse_announcement(doc: Mapping[str, Any]) -> Announcement:
    """Check an announcement body against SPEC §4–§6.1; raises ``InputError``."""
    spec = doc.get("spec") if isinstance(doc, Mapping) else None
    if spec not in DRAW_SPECS:
        raise InputError("proto.bad_body")
    _keys(doc, ANNOUNCEMENT_KEYS_V2 if spec == SPEC_V2_ID else ANNOUNCEMENT_KEYS, "announcement")
    if doc["kind"] != "announcement":
        raise InputError("proto.bad_body")
    ordering = parse_ordering(doc["ordering"]) if spec == SPEC_V2_ID else None
    task = Task.from_json(doc["task"])
    practice = check_bool(doc["practice"], "practice")
    plans = []
    for row in _list(doc["strata"], "strata"):
        _keys(row, {"id", "count", "root", "rule", "reserve", "sample_size", "reserve_size"}, "s")
        sid = check_id(row["id"], "strata.id")
        count = check_int(row["count"], "strata.count", 0)
        rule = Rule.from_json(row["rule"])
        reserve = check_int(row["reserve"], "strata.reserve", 0)
        size = sample_size(rule, count)
        if row["sample_size"] != size or row["reserve_size"] != min(reserve, count - size):
            raise InputError("proto.bad_sample_size", stratum=sid, expected=size)
        check_cap(task, sid, count, size)
        check_hex32(row["root"], "strata.root")
        plans.append(StratumPlan(sid, count, row["root"], rule, reserve, size, row["reserve_size"]))
    ids = [p.id.encode() for p in plans]
    if not ids or ids != sorted(set(ids)):
        raise InputError("proto.unsorted_list", field="strata")
    excl = doc["exclusions"]
    if not isinstance(excl, Mapping):
        raise InputError("proto.bad_list", where="exclusions")
    for k, v in excl.items():
        check_text(k, "exclusions")
        check_int(v, f"exclusions.{k}", 0)
    roster = doc["roster"]
    _keys(roster, {"digest", "inspectors"}, "roster")
    check_hex32(roster["digest"], "roster.digest")
    teams = TeamRules.from_json(doc["teams"])
    if teams.per_department and teams.min_inspectors < len(task.departments):
        raise InputError(
            "proto.departments_exceed_team",
            departments=len(task.departments),
            min_inspectors=teams.min_inspectors,
        )
    sources = doc["entropy"]
    entropy.check_sources(sources, practice, str(spec))
    return Announcement(
        announced_at=check_time(doc["announced_at"], "announced_at"),
        practice=practice,
        task=task,
        strata=tuple(plans),
        exclusions=dict(excl),
        roster_digest=roster["digest"],
        roster_size=check_int(roster["inspectors"], "roster.inspectors", 0),
        teams=teams,
        entropy=tuple(dict(s) for s in sources),
        tool=check_text(doc["tool"], "tool"),
        spec=str(spec),
        ordering=ordering,
    )
