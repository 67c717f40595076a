"""Pairing inspectors with targets (SPEC §7): eligibility, (load, ticket) ranking, failures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from randcheck.core.draw import accel
from randcheck.core.draw.model import Inspector, Roster, TeamRules
from randcheck.core.draw.pairset import PairSet
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
    """Staffs targets one at a time; holds the loads so that addenda can continue a draw.

    The ranking is SPEC §7.3's, ``(load, pair_ticket, id)`` over the eligible candidates. To
    find the minimum quickly the inspectors are kept in sets by current load: a pick looks at
    the lowest load level that holds an eligible candidate and hashes only those candidates
    (``accel.best_pair``, in C when built). Inside, inspectors are their UTF-8 ids: ``lp(id)``
    hashes them, and their byte order is the code point order of the ids.
    """

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
        self._raw = {i.id: i.id.encode("utf-8") for i in self.inspectors}
        self._name = {raw: iid for iid, raw in self._raw.items()}
        self._level: dict[int, set[bytes]] = {0: set(self._name)}  # load -> raw ids
        # the roster's own frozenset, not a copy: a roster holds millions of pairs
        self.previous: AbstractSet[tuple[str, str]] = (
            roster.previous if rules.rotation else frozenset()
        )
        self.recused: set[tuple[str, str]] = set()
        self._key = key
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
        self.conflicts = set(roster.conflicts)
        # conflicts (i, c) by code: the inspectors each target rules out; previous (c, i)
        # are looked up per target staffed (_blocked_for), never indexed as a whole
        self._conflicted: dict[str, set[bytes]] = {}
        for iid, code in self.conflicts:
            self._conflicted.setdefault(code, set()).add(iid.encode("utf-8"))
        self._blocked: dict[str, frozenset[bytes]] = {}
        regular = [i for i in self.inspectors if not i.expert]
        self._groups: dict[str, tuple[list[Inspector], frozenset[bytes]]] = {}
        for name, members in [
            ("inspectors", regular),
            ("experts", [i for i in self.inspectors if i.expert]),
            *[(f"department:{d}", [i for i in regular if i.department == d]) for d in departments],
        ]:
            ok = frozenset(self._raw[i.id] for i in members if self.static[i.id] is None)
            self._groups[name] = (members, ok)

    # -- loads ---------------------------------------------------------------------------
    def _set_load(self, iid: str, load: int) -> None:
        raw = self._raw[iid]
        self._level[self.loads[iid]].discard(raw)
        self.loads[iid] = load
        self._level.setdefault(load, set()).add(raw)

    def take(self, iid: str) -> None:
        """Count one more target for ``iid`` (a member of a team already drawn)."""
        self._set_load(iid, self.loads[iid] + 1)

    def release(self, members: Iterable[Member]) -> None:
        for m in members:
            self._set_load(m.id, self.loads[m.id] - 1)

    # -- tickets and eligibility ---------------------------------------------------------
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

    def _blocked_for(self, code: str) -> frozenset[bytes]:
        """The roster's inspectors that a conflict or (with rotation) a previous inspection
        rules out for ``code``; one set lookup per inspector, once per target."""
        found = self._blocked.get(code)
        if found is None:
            prev = self.previous
            if isinstance(prev, PairSet):  # its inspectors of the code, found at once
                mine = prev.seconds_of(code)
                earlier = [raw for iid, raw in self._raw.items() if iid in mine]
            else:
                earlier = [raw for iid, raw in self._raw.items() if (code, iid) in prev]
            found = frozenset(self._conflicted.get(code, set()).union(earlier))
            self._blocked[code] = found
        return found

    def _pick(self, code: str, step: str, team: list[Member]) -> Member:
        """Add the best eligible candidate of group ``step`` (SPEC §7.3) for ``code``."""
        candidates, ok = self._groups[step]
        pool = set(ok)
        pool.difference_update([self._raw[m.id] for m in team])
        blocked = self._blocked_for(code)
        if blocked:
            pool -= blocked
        if self.recused:
            pool.difference_update([self._raw[i] for i, c in self.recused if c == code])
        levels = self._level
        for load in sorted(k for k, ids in levels.items() if ids and k < self.rules.max_load):
            eligible = list(pool & levels[load])
            if eligible:
                k, ticket = accel.best_pair(self._key, code.encode("utf-8"), eligible)
                best = self._name[eligible[k]]
                self.take(best)
                return Member(best, ticket.hex(), self.by_id[best].expert)
        counts: dict[str, int] = {}
        in_team = {m.id for m in team}
        for i in candidates:
            if i.id not in in_team:
                r = self.reason(i, code) or "none"
                counts[r] = counts.get(r, 0) + 1
        detail = ", ".join(f"{r}={counts[r]}" for r in REASONS if r in counts) or "none"
        raise InputError("proto.unstaffable", target=code, step=step, reasons=detail)

    def staff(self, code: str, team: Sequence[Member] = ()) -> list[Member]:
        """Complete ``team`` for target ``code`` (SPEC §7.3); ``InputError`` if impossible."""
        members = list(team)
        if self.rules.per_department:
            for dep in self.departments:
                if not any(not m.expert and self.by_id[m.id].department == dep for m in members):
                    members.append(self._pick(code, f"department:{dep}", members))
        while sum(not m.expert for m in members) < self.rules.min_inspectors:
            members.append(self._pick(code, "inspectors", members))
        while sum(m.expert for m in members) < self.rules.experts:
            members.append(self._pick(code, "experts", members))
        return members
