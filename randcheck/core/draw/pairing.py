"""Pairing inspectors with targets (SPEC §7): eligibility, (load, ticket) ranking, failures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from randcheck.core.draw.model import Inspector, Roster, TeamRules
from randcheck.core.draw.spec import lp
from randcheck.errors import InputError

REASONS = ("department", "certificate", "qualification", "conflict", "rotation", "workload")


@dataclass(frozen=True)
class Member:
    id: str
    ticket: str  # hex pair ticket H(K_p || lp(code) || lp(id))
    expert: bool

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "ticket": self.ticket, "expert": self.expert}


class Pairing:
    """Staffs targets one at a time; holds the loads so that addenda can continue a draw."""

    def __init__(
        self, roster: Roster, rules: TeamRules, departments: Sequence[str], key: bytes
    ) -> None:
        if rules.per_department and rules.min_inspectors < len(departments):
            raise InputError(
                "proto.departments_exceed_team",
                departments=len(departments),
                min_inspectors=rules.min_inspectors,
            )
        self.rules = rules
        self.departments = tuple(departments)
        self.inspectors = sorted(roster.inspectors, key=lambda i: i.id)
        self.by_id = {i.id: i for i in self.inspectors}
        self.loads = {i.id: 0 for i in self.inspectors}
        self.conflicts = set(roster.conflicts)
        self.previous = set(roster.previous) if rules.rotation else set()
        self.recused: set[tuple[str, str]] = set()
        self._copy = hashlib.sha256(key).copy
        self._lp_id = {i.id: lp(i.id) for i in self.inspectors}
        self._experts = [i for i in self.inspectors if i.expert]
        self._regular = [i for i in self.inspectors if not i.expert]
        self._by_department = {
            d: [i for i in self._regular if i.department == d] for d in departments
        }
        required = set(rules.qualifications)
        deps = set(departments)
        # Reasons 1-3 do not depend on the target: compute them once.
        self.static: dict[str, str | None] = {}
        for i in self.inspectors:
            reason: str | None = None
            if i.department not in deps:
                reason = "department"
            elif not (i.cert_from <= rules.inspect_from and i.cert_to >= rules.inspect_to):
                reason = "certificate"
            elif not required <= set(i.qualifications):
                reason = "qualification"
            self.static[i.id] = reason

    def ticket(self, code: str, inspector_id: str) -> bytes:
        h = self._copy()
        h.update(lp(code) + lp(inspector_id))
        return h.digest()

    def reason(self, inspector: Inspector, code: str) -> str | None:
        """The first failing eligibility test of SPEC §7.2, or None when eligible."""
        static = self.static[inspector.id]
        if static is not None:
            return static
        if (inspector.id, code) in self.conflicts or (inspector.id, code) in self.recused:
            return "conflict"
        if (code, inspector.id) in self.previous:
            return "rotation"
        if self.loads[inspector.id] >= self.rules.max_load:
            return "workload"
        return None

    def _pick(
        self, code: str, candidates: Sequence[Inspector], team: list[Member], step: str
    ) -> Member:
        in_team = {m.id for m in team}
        loads, cap, static = self.loads, self.rules.max_load, self.static
        conflicts, recused, previous = self.conflicts, self.recused, self.previous
        # The same tests as reason(), inlined: this loop runs for every pick of every target.
        eligible = [
            i.id
            for i in candidates
            if static[i.id] is None
            and loads[i.id] < cap
            and i.id not in in_team
            and (i.id, code) not in conflicts
            and (i.id, code) not in recused
            and (code, i.id) not in previous
        ]
        if not eligible:
            counts: dict[str, int] = {}
            for i in candidates:
                if i.id not in in_team:
                    r = self.reason(i, code) or "none"
                    counts[r] = counts.get(r, 0) + 1
            detail = ", ".join(f"{r}={counts[r]}" for r in REASONS if r in counts) or "none"
            raise InputError("proto.unstaffable", target=code, step=step, reasons=detail)
        low = min(loads[i] for i in eligible)
        base = self._copy()
        base.update(lp(code))
        copy, lp_id = base.copy, self._lp_id
        ranked = []
        for iid in eligible:
            if loads[iid] == low:
                h = copy()
                h.update(lp_id[iid])
                ranked.append((h.digest(), iid))
        best = min(ranked)  # non-empty: at least one eligible inspector has the lowest load
        loads[best[1]] += 1
        return Member(best[1], best[0].hex(), self.by_id[best[1]].expert)

    def staff(self, code: str, team: Sequence[Member] = ()) -> list[Member]:
        """Complete ``team`` for target ``code`` (SPEC §7.3); ``InputError`` if impossible."""
        members = list(team)
        experts = [i for i in self.inspectors if i.expert]
        regular = [i for i in self.inspectors if not i.expert]
        if self.rules.per_department:
            for dep in self.departments:
                if not any(not m.expert and self.by_id[m.id].department == dep for m in members):
                    cands = [i for i in regular if i.department == dep]
                    members.append(self._pick(code, cands, members, f"department:{dep}"))
        while sum(not m.expert for m in members) < self.rules.min_inspectors:
            members.append(self._pick(code, regular, members, "inspectors"))
        while sum(m.expert for m in members) < self.rules.experts:
            members.append(self._pick(code, experts, members, "experts"))
        return members

    def release(self, members: Iterable[Member]) -> None:
        for m in members:
            self.loads[m.id] -= 1
