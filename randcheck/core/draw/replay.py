"""Replay a draw from its published inputs (SPEC §9) and per-entity proofs (SPEC §11)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from randcheck.core.checks import Check, Report
from randcheck.core.draw import commit
from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.addenda import apply_addendum, initial_state
from randcheck.core.draw.announce import Announcement, check_disjoint, parse_announcement
from randcheck.core.draw.envelope import Envelope, open_envelope, verify
from randcheck.core.draw.model import Roster
from randcheck.core.draw.record import (
    RECORD_KEYS,
    _strata_json,
    _teams_json,
    check_entropy,
    check_population,
    check_roster,
    compute_seed,
    select_all,
    staff_all,
)
from randcheck.core.draw.select import ticket
from randcheck.core.draw.spec import SPEC_ID
from randcheck.errors import RandcheckError, ReplayMismatchError, VerificationError


class _Run:
    def __init__(self) -> None:
        self.checks: list[Check] = []

    def check(self, name: str, fn: Callable[[], Any]) -> bool:
        try:
            fn()
        except RandcheckError as exc:
            self.checks.append(Check.from_error(name, exc))
            return False
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            # A signed but malformed document (wrong types): a failed check, never a crash.
            detail = type(exc).__name__
            self.checks.append(
                Check(name, False, "proto.malformed", {"part": name, "detail": detail})
            )
            return False
        self.checks.append(Check.passed(name))
        return True

    def skip(self, name: str) -> None:
        self.checks.append(Check.skipped(name))


def _compare(name: str, got: Any, want: Any) -> None:
    if got != want:
        raise ReplayMismatchError("proto.replay_mismatch", part=name)


def replay(
    announcement: bytes,
    record: bytes,
    population: Mapping[str, Sequence[bytes]],
    roster: Roster | Mapping[str, Any],
    keys: Mapping[str, bytes],
    addenda: Sequence[bytes] = (),
    *,
    verify_bls: bool = True,
) -> Report:
    """Recompute everything from the envelopes, the sorted codes per stratum and the roster.

    ``keys`` maps trusted operator key ids to raw Ed25519 public keys. Never raises for a
    failed check: each is a ``Check`` in the returned ``Report`` (falsy if any failed).
    """
    run = _Run()
    envs: dict[str, Envelope] = {}

    def opener(kind: str, data: bytes) -> Callable[[], None]:
        def fn() -> None:
            envs[kind] = open_envelope(data, kind)

        return fn

    if not run.check("announcement.envelope", opener("announcement", announcement)):
        return Report(tuple(run.checks))
    run.check("announcement.signature", lambda: verify(envs["announcement"], keys))
    holder: dict[str, Announcement] = {}

    def rules() -> None:
        holder["ann"] = parse_announcement(envs["announcement"].doc)

    if not run.check("announcement.rules", rules):
        return Report(tuple(run.checks))
    ann = holder["ann"]
    if not run.check("record.envelope", opener("record", record)):
        return Report(tuple(run.checks))
    rec = envs["record"].doc
    run.check("record.signature", lambda: verify(envs["record"], keys))

    def binding() -> None:
        keys = RECORD_KEYS if ann.spec == SPEC_ID else RECORD_KEYS | {"commitment"}
        if set(rec) != keys or rec["spec"] != ann.spec:
            raise VerificationError("proto.record_fields")
        _compare("task_id", rec["task_id"], ann.task.id)
        _compare("announcement", rec["announcement"], envs["announcement"].digest)
        _compare("practice", rec["practice"], ann.practice)
        ids = [s.get("id") for s in rec["strata"]] if isinstance(rec["strata"], list) else None
        _compare("strata", ids, [p.id for p in ann.strata])

    if not run.check("record.binding", binding):
        return Report(tuple(run.checks))

    pop_ok = True
    for plan in ann.strata:

        def one(plan_id: str = plan.id) -> None:
            if plan_id not in population:
                raise VerificationError("proto.population_strata", got=sorted(population))
            commit.check_sorted_codes(population[plan_id], plan_id)
            check_population(_only(ann, plan_id), {plan_id: population[plan_id]})

        pop_ok &= run.check(f"population.{plan.id}", one)
    pop_ok &= run.check("population.disjoint", lambda: check_disjoint(population))
    roster_obj = roster if isinstance(roster, Roster) else None

    def roster_check() -> None:
        nonlocal roster_obj
        if roster_obj is None:
            roster_obj = Roster.from_document(roster)  # type: ignore[arg-type]
        check_roster(ann, roster_obj)

    roster_ok = run.check("roster", roster_check)
    ent_ok = run.check(
        "entropy", lambda: check_entropy(ann, rec["entropy"], rec["drawn_at"], verify_bls)
    )
    if ent_ok and not verify_bls and any(s.get("type") == "drand" for s in ann.entropy):
        # SPEC §9: a drand round whose BLS signature was not checked is not a passed check
        run.checks[-1] = Check.not_verified("entropy", "proto.drand_bls_not_checked")
    seed: bytes | None = None

    def seed_check() -> None:
        nonlocal seed
        seed = compute_seed(envs["announcement"].digest, ann, rec["entropy"])
        _compare("seed", rec["seed"], seed.hex())

    seed_ok = ent_ok and run.check("seed", seed_check)
    if not ent_ok:
        run.skip("seed")
    if not (pop_ok and seed_ok) or seed is None or not isinstance(rec["strata"], list):
        run.skip("selection")
        run.skip("teams")
        return Report(tuple(run.checks))
    draws = select_all(ann, population, seed)
    recomputed = _strata_json(ann, draws)
    sel_ok = True
    for got, want in zip(rec["strata"], recomputed, strict=True):

        def sel(g: Any = got, w: dict[str, Any] = want) -> None:
            _compare(f"stratum {w['id']}", g, w)

        sel_ok &= run.check(f"selection.{want['id']}", sel)
    if not roster_ok or roster_obj is None:
        run.skip("teams")
        return Report(tuple(run.checks))
    ros = roster_obj

    def teams_check() -> None:
        teams, _ = staff_all(ann, ros, seed or b"", draws)
        _compare("teams", rec["teams"], _teams_json(teams))

    teams_ok = run.check("teams", teams_check)
    if addenda:
        if not (sel_ok and teams_ok):
            run.skip("addenda")
            return Report(tuple(run.checks))
        state = initial_state(ann, record, ros)
        for i, data in enumerate(addenda, start=1):

            def add(d: bytes = data) -> None:
                verify(open_envelope(d, "addendum"), keys)
                apply_addendum(state, d)

            if not run.check(f"addendum.{i}", add):
                break
    return Report(tuple(run.checks))


def _only(ann: Announcement, stratum: str) -> Announcement:
    from dataclasses import replace

    return replace(ann, strata=tuple(p for p in ann.strata if p.id == stratum))


def entity_proof(
    announcement: bytes, record: bytes, population: Mapping[str, Sequence[bytes]], code: str
) -> dict[str, Any]:
    """ "This code was in stratum S, its ticket was T, the cut-off was C" (SPEC §11)."""
    ann = parse_announcement(open_envelope(announcement, "announcement").doc)
    rec = open_envelope(record, "record").doc
    raw = code.encode("ascii", "replace")
    for plan in ann.strata:
        codes = population[plan.id]
        import bisect

        pos = bisect.bisect_left(codes, raw)
        if pos < len(codes) and codes[pos] == raw:
            proof = commit.inclusion_proof(codes, plan.id, code)
            return {**proof, "code": code, **_status(rec, plan.id, code)}
    raise VerificationError("proto.not_in_population", entity=code, stratum="*")


def _status(rec: Mapping[str, Any], stratum: str, code: str) -> dict[str, Any]:
    srow = next(s for s in rec["strata"] if s["id"] == stratum)
    key = seedmod.ticket_key(bytes.fromhex(rec["seed"]), stratum)
    t = ticket(key, code.encode("ascii")).hex()
    drawn = [d["code"] for d in srow["drawn"]]
    reserve = [r["code"] for r in srow["reserve"]]
    return {
        "ticket": t,
        "cutoff": srow["cutoff"],
        "last_drawn": drawn[-1] if drawn else None,
        "drawn": code in drawn,
        "reserve_rank": reserve.index(code) + 1 if code in reserve else None,
    }


def verify_entity_proof(
    proof: Mapping[str, Any], announcement: bytes, record: bytes
) -> dict[str, Any]:
    """Check a per-entity proof; returns its status. Raises ``VerificationError``."""
    ann = parse_announcement(open_envelope(announcement, "announcement").doc)
    rec = open_envelope(record, "record").doc
    plan = next((p for p in ann.strata if p.id == proof.get("stratum")), None)
    if plan is None:
        raise VerificationError(
            "proto.not_in_population", entity=str(proof.get("code")), stratum="?"
        )
    code = proof["code"]
    commit.verify_inclusion(proof, code, plan.count, plan.root)
    status = _status(rec, plan.id, code)
    if plan.sample_size:
        cut = (bytes.fromhex(status["cutoff"]), status["last_drawn"].encode())
        if ((bytes.fromhex(status["ticket"]), code.encode()) <= cut) != status["drawn"]:
            raise VerificationError("proto.proof_status", entity=code)
    for k, v in status.items():
        if proof.get(k) != v:
            raise VerificationError("proto.proof_status", entity=code)
    return status
