"""Substitution addenda (SPEC §10): the state after a record, applying and issuing addenda."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.announce import TOOL, Announcement, parse_announcement
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.model import Roster
from randcheck.core.draw.pairing import Member, Pairing
from randcheck.core.draw.spec import SPEC_ID, check_text, check_time
from randcheck.errors import InputError, ReplayMismatchError, VerificationError


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
