"""The draw record (SPEC §8) and substitution addenda (SPEC §10)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from randcheck.core.draw import accel, entropy
from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.announce import TOOL, Announcement, parse_announcement
from randcheck.core.draw.commit import population_root, roster_digest
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.model import Roster
from randcheck.core.draw.pairing import Member, Pairing
from randcheck.core.draw.select import StratumDraw, batch, draw_stratum
from randcheck.core.draw.spec import SPEC_ID, check_text, check_time, digest
from randcheck.errors import InputError, ReplayMismatchError, VerificationError

RECORD_KEYS = {
    "spec",
    "kind",
    "tool",
    "task_id",
    "announcement",
    "drawn_at",
    "practice",
    "redraw",
    "previous_record",
    "entropy",
    "seed",
    "strata",
    "teams",
}


def check_population(ann: Announcement, population: Mapping[str, Sequence[bytes]]) -> None:
    """Each stratum's codes give the announced (count, root); raises ``VerificationError``."""
    if set(population) != {p.id for p in ann.strata}:
        raise VerificationError("proto.population_strata", got=sorted(population))
    roots = accel.parallel_map(population_root, [population[p.id] for p in ann.strata])
    for plan, root in zip(ann.strata, roots, strict=True):
        if len(population[plan.id]) != plan.count or root != plan.root:
            raise VerificationError("proto.population_mismatch", stratum=plan.id)


def check_roster(ann: Announcement, roster: Roster) -> None:
    doc = roster.document()
    if roster_digest(doc) != ann.roster_digest or len(roster.inspectors) != ann.roster_size:
        raise VerificationError("proto.roster_mismatch")


def check_entropy(
    ann: Announcement, evidence: Sequence[Mapping[str, Any]], drawn_at: str, verify_bls: bool
) -> None:
    if not isinstance(evidence, list) or len(evidence) != len(ann.entropy):
        raise VerificationError("proto.evidence_count_total", expected=len(ann.entropy))
    if drawn_at < ann.announced_at:
        raise VerificationError("proto.drawn_before_announced")
    for i, (src, ev) in enumerate(zip(ann.entropy, evidence, strict=True)):
        entropy.check_evidence(src, ev, i, ann.announced_at, drawn_at, verify_bls)


def compute_seed(
    ann_digest: str, ann: Announcement, evidence: Sequence[Mapping[str, Any]]
) -> bytes:
    return seedmod.derive_seed(ann_digest, seedmod.ikm(ann.entropy, evidence))


def select_all(
    ann: Announcement, population: Mapping[str, Sequence[bytes]], seed: bytes
) -> list[StratumDraw]:
    return accel.parallel_map(
        draw_stratum,
        [seedmod.ticket_key(seed, p.id) for p in ann.strata],
        [population[p.id] for p in ann.strata],
        [p.sample_size for p in ann.strata],
        [p.reserve_size for p in ann.strata],
    )


def staff_all(
    ann: Announcement, roster: Roster, seed: bytes, draws: Sequence[StratumDraw]
) -> tuple[list[tuple[str, str, list[Member]]], Pairing]:
    """Teams for all drawn targets in ``(ticket, code)`` order (SPEC §7.3)."""
    pairing = Pairing(roster, ann.teams, ann.task.departments, seedmod.pairing_key(seed))
    targets = sorted(
        (t, c, p.id) for p, d in zip(ann.strata, draws, strict=True) for t, c in d.drawn
    )
    teams = []
    for _, code, sid in targets:
        name = code.decode("ascii")
        teams.append((name, sid, pairing.staff(name)))
    return teams, pairing


def _strata_json(ann: Announcement, draws: Sequence[StratumDraw]) -> list[dict[str, Any]]:
    out = []
    for p, d in zip(ann.strata, draws, strict=True):
        out.append(
            {
                "id": p.id,
                "count": p.count,
                "root": p.root,
                "sample_size": p.sample_size,
                "cutoff": d.drawn[-1][0].hex() if d.drawn else None,
                "drawn": [
                    {
                        "code": c.decode("ascii"),
                        "ticket": t.hex(),
                        "batch": batch(r, ann.task.batches, p.sample_size),
                    }
                    for r, (t, c) in enumerate(d.drawn)
                ],
                "reserve": [{"code": c.decode("ascii"), "ticket": t.hex()} for t, c in d.reserve],
            }
        )
    return out


def _teams_json(teams: Sequence[tuple[str, str, list[Member]]]) -> list[dict[str, Any]]:
    return [{"target": c, "stratum": s, "members": [m.to_json() for m in ms]} for c, s, ms in teams]


def draw(
    announcement: bytes,
    population: Mapping[str, Sequence[bytes]],
    roster: Roster,
    evidence: Sequence[Mapping[str, Any]],
    drawn_at: str,
    *,
    previous_record: str | None = None,
    redraw_reason: str | None = None,
    verify_bls: bool = True,
    tool: str = TOOL,
    commitment: str | None = None,
) -> dict[str, Any]:
    """The record body of a draw (SPEC §8), from the announcement *envelope* bytes.
    A randcheck/draw/v2 record names its entropy ``commitment`` digest (SPEC-v2 §5); the
    caller checks the commitment itself (``core.draw.commitment``).

    ``population[s]`` are stratum ``s``'s sorted codes as bytes; ``evidence`` answers the
    announced sources in order. Raises ``VerificationError`` when an input disagrees with the
    announcement (population, roster, evidence) and ``InputError`` when a target cannot be
    staffed (nothing has been signed at that point).
    """
    env = open_envelope(announcement, "announcement")
    ann = parse_announcement(env.doc)
    if (commitment is None) != (ann.spec == SPEC_ID):
        raise InputError("proto.commitment_required", spec=ann.spec)
    check_time(drawn_at, "drawn_at")
    if redraw_reason is not None:
        check_text(redraw_reason, "redraw.reason")
    check_population(ann, population)
    check_roster(ann, roster)
    evidence = [dict(e) for e in evidence]
    check_entropy(ann, evidence, drawn_at, verify_bls)
    seed = compute_seed(env.digest, ann, evidence)
    draws = select_all(ann, population, seed)
    teams, _ = staff_all(ann, roster, seed, draws)
    return {
        "spec": ann.spec,
        "kind": "record",
        "tool": tool,
        "task_id": ann.task.id,
        "announcement": env.digest,
        "drawn_at": drawn_at,
        "practice": ann.practice,
        "redraw": None if redraw_reason is None else {"reason": redraw_reason},
        "previous_record": previous_record,
        "entropy": evidence,
        "seed": seed.hex(),
        "strata": _strata_json(ann, draws),
        "teams": _teams_json(teams),
        **({} if commitment is None else {"commitment": commitment}),
    }


# --- substitutions ----------------------------------------------------------------------------


@dataclass
class State:
    """Targets and teams after the record and the addenda applied so far (SPEC §10)."""

    pairing: Pairing
    teams: dict[str, list[Member]]  # insertion order = staffing order
    stratum_of: dict[str, str]
    ever: set[str]
    reserve: dict[str, list[tuple[str, str]]]  # stratum -> [(code, ticket hex)]
    record_digest: str
    drawn_at: str
    seq: int = 0
    last: str | None = None
    log: list[str] = field(default_factory=list)


def _members(rows: Sequence[Mapping[str, Any]]) -> list[Member]:
    return [Member(r["id"], r["ticket"], r["expert"]) for r in rows]


def initial_state(ann: Announcement, record: bytes, roster: Roster) -> State:
    """The state right after the record (its teams are trusted here; replay checks them)."""
    env = open_envelope(record, "record")
    doc = env.doc
    seed = bytes.fromhex(doc["seed"])
    pairing = Pairing(roster, ann.teams, ann.task.departments, seedmod.pairing_key(seed))
    teams: dict[str, list[Member]] = {}
    stratum_of: dict[str, str] = {}
    for row in doc["teams"]:
        members = _members(row["members"])
        for m in members:
            if m.id not in pairing.loads:
                raise VerificationError("proto.unknown_inspector", inspector=m.id)
            pairing.take(m.id)
        teams[row["target"]] = members
        stratum_of[row["target"]] = row["stratum"]
    reserve = {s["id"]: [(r["code"], r["ticket"]) for r in s["reserve"]] for s in doc["strata"]}
    return State(pairing, teams, stratum_of, set(teams), reserve, env.digest, doc["drawn_at"])


def _apply(
    state: State, action: str, target: str, inspector: str | None
) -> tuple[dict[str, str] | None, list[Member]]:
    """Apply one substitution to ``state``; returns (replacement, new team)."""
    if target not in state.teams:
        raise InputError("proto.not_a_target", target=target)
    if action == "replace_target":
        if inspector is not None:
            raise InputError("proto.bad_addendum")
        stratum = state.stratum_of[target]
        nxt = next(((c, t) for c, t in state.reserve[stratum] if c not in state.ever), None)
        if nxt is None:
            raise InputError("proto.reserve_exhausted", stratum=stratum)
        state.pairing.release(state.teams.pop(target))
        del state.stratum_of[target]
        code, ticket = nxt
        team = state.pairing.staff(code)
        state.teams[code] = team
        state.stratum_of[code] = stratum
        state.ever.add(code)
        return {"code": code, "stratum": stratum, "ticket": ticket}, team
    if action == "replace_inspector":
        team = state.teams[target]
        if inspector is None or inspector not in {m.id for m in team}:
            raise InputError("proto.not_on_team", inspector=str(inspector), target=target)
        state.pairing.recused.add((inspector, target))
        kept = [m for m in team if m.id != inspector]
        state.pairing.release([m for m in team if m.id == inspector])
        new = state.pairing.staff(target, kept)
        state.teams[target] = new
        return None, new
    raise InputError("proto.bad_action", action=action)


def apply_addendum(state: State, envelope: bytes) -> None:
    """Check an addendum against the state and apply it; raises ``ReplayMismatchError``."""
    env = open_envelope(envelope, "addendum")
    doc = env.doc
    keys = {
        "spec", "kind", "tool", "record", "seq", "previous", "issued_at", "reason",
        "action", "target", "inspector", "replacement", "team",
    }  # fmt: skip
    if set(doc) != keys:
        raise ReplayMismatchError("proto.addendum_mismatch", seq=doc.get("seq"), field="keys")
    expect = {"record": state.record_digest, "seq": state.seq + 1, "previous": state.last}
    for k, v in expect.items():
        if doc[k] != v:
            raise ReplayMismatchError("proto.addendum_mismatch", seq=doc.get("seq"), field=k)
    check_time(doc["issued_at"], "issued_at")
    check_text(doc["reason"], "reason")
    if doc["issued_at"] < state.drawn_at:
        raise ReplayMismatchError("proto.addendum_mismatch", seq=doc["seq"], field="issued_at")
    replacement, team = _apply(state, doc["action"], doc["target"], doc["inspector"])
    if doc["replacement"] != replacement or doc["team"] != [m.to_json() for m in team]:
        raise ReplayMismatchError("proto.addendum_mismatch", seq=doc["seq"], field="team")
    state.seq += 1
    state.last = env.digest


def substitute(
    announcement: bytes,
    record: bytes,
    roster: Roster,
    addenda: Sequence[bytes],
    *,
    action: str,
    target: str,
    inspector: str | None,
    reason: str,
    issued_at: str,
    tool: str = TOOL,
) -> dict[str, Any]:
    """The next addendum body (SPEC §10) after ``addenda``; the caller signs and logs it.

    ``action`` is ``"replace_target"`` (``inspector`` None) or ``"replace_inspector"``.
    Raises ``InputError`` (not a target, reserve exhausted, cannot staff) and
    ``ReplayMismatchError`` if an earlier addendum does not follow from the record.
    """
    ann = parse_announcement(open_envelope(announcement, "announcement").doc)
    state = initial_state(ann, record, roster)
    for a in addenda:
        apply_addendum(state, a)
    check_time(issued_at, "issued_at")
    check_text(reason, "reason")
    if issued_at < state.drawn_at:
        raise InputError("proto.addendum_before_record")
    replacement, team = _apply(state, action, target, inspector)
    return {
        "spec": SPEC_ID,
        "kind": "addendum",
        "tool": tool,
        "record": state.record_digest,
        "seq": state.seq + 1,
        "previous": state.last,
        "issued_at": issued_at,
        "reason": reason,
        "action": action,
        "target": target,
        "inspector": inspector,
        "replacement": replacement,
        "team": [m.to_json() for m in team],
    }


def record_digest(record: bytes) -> str:
    """The digest of a record envelope's body (the next record's ``previous_record``)."""
    return digest("record", open_envelope(record, "record").body)
