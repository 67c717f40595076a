"""The draw: load the frozen announcement, take the entropy evidence, reveal, draw, sign, store.

The terminal ceremony (``randcheck.cli.draw``) calls these step by step; scripts call them
with an entropy file.  Order, and why:

1. :func:`prepare` loads the announcement and the task's state: its current official record
   and its *pending* attempts (revealed, never recorded; :mod:`randcheck.services.attempts`).
2. :func:`reveal` commits a ``draw.revealed`` log entry (database, then the fsynced log file)
   holding the evidence and the seed, *before* the nonce or the seed is shown anywhere.  From
   then on this attempt is pending until a record names it, whatever ends the process.
3. :func:`compute` draws; :func:`finalize` signs, stores and logs the record in one
   transaction that names the attempt it completes and every pending one it answers for.

Every step that writes re-checks the task's state inside its transaction (all log-writing
transactions are serialised, see :class:`~randcheck.services.audit.AuditLog`), and the database
holds at most one official record per task (a partial unique index), so two ceremonies of one
task can never both become official.  Practice draws use a public test nonce in place of the
operator's secret one, so they can never preview, or become, the official draw; they reveal
nothing secret and are not attempts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from randcheck.bundle.layout import short_code
from randcheck.core import signing
from randcheck.core.checks import Check
from randcheck.core.draw import commitment, entropy, envelope, record
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.commit import parse_population_file, population_root
from randcheck.core.draw.model import Roster
from randcheck.core.draw.spec import SPEC_V2_ID
from randcheck.errors import ConflictError, InputError, NotFoundError, VerificationError
from randcheck.services import attempts, registry
from randcheck.services.audit import AuditLog, AuditTx
from randcheck.services.snapshots import (
    announcement_row,
    load_population,
)
from randcheck.store.draw_models import RecordRow, TaskRow
from randcheck.workspace import Workspace

if TYPE_CHECKING:
    from randcheck.services.commitments import Committed

PRACTICE_NONCE = hashlib.sha256(
    b"randcheck/draw/v1/practice-nonce (public, never official)"
).digest()


class Stage(StrEnum):
    """Where a ceremony is, as its abort is logged (``draw.aborted`` ``stage``).

    The security-relevant question is :attr:`seed_seen`: from ``REVEAL`` on, every input of the
    seed may have been on screen, so an abort forces the next official draw to be a marked
    redraw; before it, nothing secret was shown.
    """

    CHECKS = "checks"
    ENTROPY = "entropy"
    REVEAL = "reveal"
    SEED = "seed"
    TARGETS = "targets"
    TEAMS = "teams"
    SIGN = "sign"

    @property
    def seed_seen(self) -> bool:
        return self.value in attempts.SEEN_SEED_STAGES


@dataclass
class DrawPlan:
    """Everything fixed before the ceremony: the signed announcement and its frozen inputs."""

    task_id: str
    title: str
    announcement: bytes
    digest: str
    doc: dict[str, Any]
    sources: list[dict[str, Any]]
    population: dict[str, Codes]
    roster: Roster
    nonce: bytes
    previous_record: str | None
    official: RecordRow | None  # the current (not superseded) official record, if any
    pending: tuple[int, ...]  # revealed attempts no record answers for (their log seqs)
    checks: list[Check] = field(default_factory=list)
    resuming: int | None = None  # the abort whose logged entropy this ceremony continues
    discarded: tuple[int, ...] = ()  # of ``pending``: ceremonies stopped with entropy logged

    @property
    def needs_redraw(self) -> bool:
        """An earlier attempt's seed was revealed and never recorded."""
        return bool(self.pending)

    @property
    def announced_at(self) -> str:
        return str(self.doc["announced_at"])


def prepare(engine: Engine, task_id: str, resuming: int | None = None) -> DrawPlan:
    """Load and check the frozen announcement of ``task_id``; ``resuming``: the log seq of the
    abort whose entered values this ceremony continues (``--resume``, :func:`resumable`).

    Raises ``NotFoundError`` if it was never announced and ``VerificationError`` if the stored
    snapshot or roster no longer matches what was signed.
    """
    with Session(engine) as session:
        task = session.get(TaskRow, task_id)
        if task is None:
            raise NotFoundError("task.not_found", task=task_id)
        ann_row = announcement_row(session, task_id)
        files = load_population(session, task_id)
        official = session.exec(
            select(RecordRow)
            .where(col(RecordRow.task_id) == task_id, col(RecordRow.superseded).is_(False))
            .order_by(col(RecordRow.chain_index).desc())
        ).first()
        last = session.exec(select(RecordRow).order_by(col(RecordRow.chain_index).desc())).first()
        entries = attempts.task_entries(session, task_id)
        pend = attempts.pending(entries, official.log_seq if official else None, resuming)
        kinds = dict(entries)
        discarded = tuple(s for s in pend if attempts.discarded_entropy(kinds[s]))
    env = envelope.open_envelope(ann_row.envelope, "announcement")
    doc = dict(env.doc)
    ann = parse_announcement(doc)
    population: dict[str, Codes] = {}
    checks: list[Check] = []
    for plan in ann.strata:
        try:
            codes = parse_population_file(files.get(plan.id, b""), plan.id)
            ok = len(codes) == plan.count and population_root(codes) == plan.root
        except InputError:  # a stored snapshot that is no longer a population file
            codes, ok = Codes(b""), False
        population[plan.id] = codes
        checks.append(
            Check(f"snapshot.{plan.id}", ok, params={"detail": f"{plan.count} / {plan.root[:16]}"})
        )
    roster = Roster.from_canonical(ann_row.roster)  # = from_document(parse(...))
    record.check_roster(ann, roster)
    checks.append(Check.passed("roster", detail=str(doc["roster"]["digest"])[:16]))
    bad = next((c for c in checks if not c.ok), None)
    if bad is not None:
        raise VerificationError("draw.snapshot_changed", task=task_id, check=bad.name)
    return DrawPlan(
        task_id=task_id,
        title=task.title,
        announcement=ann_row.envelope,
        digest=env.digest,
        doc=doc,
        sources=[dict(s) for s in doc["entropy"]],
        population=population,
        roster=roster,
        nonce=bytes.fromhex(ann_row.nonce),
        previous_record=last.digest if last is not None else None,
        official=official,
        pending=pend,
        checks=checks,
        resuming=resuming,
        discarded=discarded,
    )


def entity_names(engine: Engine, codes: Sequence[str]) -> dict[str, str]:
    """Registered names of ``codes`` (for the screen; the record holds codes only)."""
    return registry.names_by_code(engine, "entities", codes)


def inspector_names(engine: Engine, ids: Sequence[str]) -> dict[str, str]:
    """Names of the inspectors with badge numbers ``ids``."""
    return registry.names_by_code(engine, "inspectors", ids)


# --- drawing ------------------------------------------------------------------------------


def sources_for(plan: DrawPlan, practice: bool) -> list[dict[str, Any]]:
    """The sources to gather: the announced ones, with the practice nonce in practice mode."""
    if not practice:
        return plan.sources
    return [
        entropy.nonce_source(entropy.nonce_commitment(PRACTICE_NONCE))
        if s["type"] == "nonce"
        else s
        for s in plan.sources
    ]


def practice_announcement(plan: DrawPlan) -> bytes:
    """The announcement re-signed by a throw-away key with ``practice: true`` and the public
    test nonce: a practice record can never verify as official, nor preview the official draw."""
    body = dict(plan.doc)
    body["practice"] = True
    body["entropy"] = sources_for(plan, True)
    throwaway = signing.private_from_seed(hashlib.sha256(b"randcheck practice key").digest())
    return envelope.signed(body, throwaway)


def check_redraw(plan: DrawPlan, redraw: bool) -> None:
    """An official draw must be a marked redraw exactly when the task was drawn before (or an
    earlier attempt's seed was revealed); raises ``ConflictError`` otherwise."""
    drawn = plan.official is not None or plan.needs_redraw
    if drawn and not redraw:
        if plan.official is not None:
            key = "draw.already_drawn"
        elif set(plan.pending) == set(plan.discarded):
            key = "draw.entropy_logged"  # values shown in the room, then stopped: --resume
        else:
            key = "draw.attempt_revealed"
        raise ConflictError(key, task=plan.task_id, seqs=_seqs(plan.pending))
    if redraw and not drawn:
        raise ConflictError("draw.nothing_to_redraw", task=plan.task_id)


def _seqs(seqs: Sequence[int]) -> str:
    return ", ".join(str(s) for s in seqs) or "-"


def recheck_unchanged(tx: AuditTx, plan: DrawPlan, mine: int | None = None) -> list[RecordRow]:
    """Inside a serialised transaction: the task's official record and pending attempts are
    still what ``plan`` saw (plus this attempt's own reveal ``mine``).  Returns the current
    official records; raises ``ConflictError("draw.raced")`` when another ceremony of the
    task got there first."""
    s = tx.session
    current = list(
        s.exec(
            select(RecordRow).where(
                col(RecordRow.task_id) == plan.task_id, col(RecordRow.superseded).is_(False)
            )
        ).all()
    )
    want = [] if plan.official is None else [plan.official.digest]
    pend = attempts.pending(
        attempts.task_entries(s, plan.task_id),
        current[0].log_seq if current else None,
        plan.resuming,
    )
    expected = (*plan.pending, *([] if mine is None else [mine]))
    if [r.digest for r in current] != want or tuple(pend) != expected:
        raise ConflictError("draw.raced", task=plan.task_id)
    return current


def reveal(
    ws: Workspace,
    engine: Engine,
    plan: DrawPlan,
    evidence: Sequence[Mapping[str, Any]],
    actor: str,
    *,
    redraw: bool,
    now: datetime | None = None,
    commitment: str | None = None,
) -> int:
    """Commit this official attempt's ``draw.revealed`` entry (the evidence and the seed it
    gives) before anything derived from the nonce is shown; returns its log seq.  Under v2 it
    names the ``commitment`` digest it continues (``plan.resuming`` is the commitment's seq).

    Raises ``ConflictError`` when the draw is not allowed (:func:`check_redraw`) or another
    ceremony of the task revealed or recorded since ``plan`` was made.
    """
    check_redraw(plan, redraw)
    ann = parse_announcement(plan.doc)
    seed = record.compute_seed(plan.digest, ann, evidence)
    with AuditLog(ws, engine).transaction(actor, now) as tx:
        recheck_unchanged(tx, plan)
        return tx.record(
            attempts.REVEALED,
            {
                "task": plan.task_id,
                "announcement": plan.digest,
                "redraw": redraw,
                "answers": list(plan.pending),
                "evidence": [dict(e) for e in evidence],
                "seed": seed.hex(),
                **({} if plan.resuming is None else {"resumed": plan.resuming}),
                **({} if commitment is None else {"commitment": commitment}),
            },
        )


def compute(
    plan: DrawPlan,
    evidence: Sequence[Mapping[str, Any]],
    drawn_at: str,
    *,
    practice: bool = False,
    redraw_reason: str | None = None,
    committed: Committed | None = None,
) -> dict[str, Any]:
    """The record body (unsigned).  Refuses a second official draw without a redraw reason.

    A v2 official draw needs its logged commitment (``committed``): its values must be the
    evidence's and its round the drand evidence's (``VerificationError`` otherwise)."""
    if not practice:
        check_redraw(plan, redraw_reason is not None)
    announcement = practice_announcement(plan) if practice else plan.announcement
    digest: str | None = None
    if plan.doc.get("spec") == SPEC_V2_ID:
        from randcheck.services import commitments

        if practice:
            digest = commitments.practice_digest(plan, evidence, drawn_at)
        else:
            if committed is None:
                raise InputError("proto.commitment_required", spec=SPEC_V2_ID)
            ann = parse_announcement(plan.doc)
            opened = envelope.open_envelope(committed.envelope, "commitment")
            c = commitment.parse_commitment(opened.doc, ann, plan.digest)
            commitment.check_record_values(c, list(evidence))
            commitments.ensure_alive(committed)
            commitment.check_rounds(ann, committed.committed_at, evidence)
            digest = committed.digest
    return record.draw(
        announcement,
        plan.population,
        plan.roster,
        evidence,
        drawn_at,
        previous_record=None if practice else plan.previous_record,
        redraw_reason=None if practice else redraw_reason,
        commitment=digest,
    )


@dataclass(frozen=True)
class Finalized:
    digest: str
    envelope: bytes
    code: str
    log_seq: int


def finalize(
    ws: Workspace,
    engine: Engine,
    plan: DrawPlan,
    body: Mapping[str, Any],
    operator: Ed25519PrivateKey,
    witnesses: Sequence[Ed25519PrivateKey],
    actor: str,
    revealed: int,
    now: datetime | None = None,
) -> Finalized:
    """Sign (operator, then witnesses), store and log an official record, in one transaction.

    ``revealed`` is the log seq of this attempt's ``draw.revealed`` entry.  The record's log
    entry names it, every pending attempt the record answers for, and the records it
    supersedes.  Raises ``ConflictError`` when another ceremony of the task got there first.
    """
    if body.get("practice"):
        raise ConflictError("draw.practice_not_official")
    env = envelope.signed(body, operator)
    for key in witnesses:
        env = envelope.cosign(env, key)
    opened = envelope.open_envelope(env, "record")
    audit = AuditLog(ws, engine)
    with audit.transaction(actor, now) as tx:
        s = tx.session
        current = recheck_unchanged(tx, plan, revealed)
        last = s.exec(select(RecordRow).order_by(col(RecordRow.chain_index).desc())).first()
        if (last.digest if last else None) != body.get("previous_record"):
            raise ConflictError("draw.chain_moved", task=plan.task_id)
        for old in current:
            old.superseded = True
            s.add(old)
        s.flush()  # the old record leaves the one-official-record index before the new joins
        redraw = body.get("redraw")
        seq = tx.record(
            attempts.RECORD,
            {
                "task": plan.task_id,
                "record": opened.digest,
                "announcement": plan.digest,
                "previous_record": body.get("previous_record"),
                "redraw": redraw,
                "supersedes": [r.digest for r in current],
                "revealed": revealed,
                "answers": list(plan.pending),
                "signers": [k for k, _ in opened.signatures],
            },
        )
        index = s.exec(select(func.max(RecordRow.chain_index))).one()
        s.add(
            RecordRow(
                digest=opened.digest,
                task_id=plan.task_id,
                chain_index=0 if index is None else int(index) + 1,
                envelope=env,
                drawn_at=str(body["drawn_at"]),
                redraw_reason=None if redraw is None else str(redraw["reason"]),
                superseded=False,
                log_seq=seq,
            )
        )
        task = s.get(TaskRow, plan.task_id)
        if task is not None:
            task.status = "drawn"
            s.add(task)
        try:
            s.flush()
        except IntegrityError as exc:  # the database's own guard: one official record
            raise ConflictError("draw.raced", task=plan.task_id) from exc
    return Finalized(opened.digest, env, short_code(opened.digest), seq)


def log_abort(
    ws: Workspace,
    engine: Engine,
    task_id: str,
    actor: str,
    stage: Stage | str,
    reason: str,
    practice: bool = False,
    attempt: int | None = None,
    entered: Mapping[str, Mapping[str, Sequence[int]]] | None = None,
    resumed: int | None = None,
) -> int:
    """Log an aborted ceremony (``attempt``: its reveal's log seq, if it got that far);
    nothing else is written.  ``resumed``: the abort this ceremony continued (``--resume``).

    ``entered``: the dice and lottery values already shown in the room when a ceremony stops
    before its seed (``{"dice": {witness: values}, "lottery": {name: numbers}}``), so that
    ``randcheck draw TASK --resume`` continues with them (:func:`resumable`).  Never with an
    attempt: once the seed may have been seen, only a marked redraw follows.
    """
    stage = Stage(stage)
    payload: dict[str, Any] = {
        "task": task_id,
        "stage": stage.value,
        "reason": reason,
        "practice": practice,
    }
    if resumed is not None:
        payload["resumed"] = resumed
    if attempt is not None:
        payload["attempt"] = attempt
    elif entered and not stage.seed_seen:
        kept = {
            kind: {str(k): [int(v) for v in vals] for k, vals in sorted(part.items())}
            for kind, part in sorted(entered.items())
            if part
        }
        if kept:
            payload["entered"] = kept
    return AuditLog(ws, engine).record(actor, attempts.ABORTED, payload)


@dataclass(frozen=True)
class Resumable:
    """What ``randcheck draw TASK --resume`` continues from: the abort's log seq and the values
    it logged (``{"dice": {witness: values}, "lottery": {name: numbers}}``)."""

    seq: int
    entered: dict[str, dict[str, list[int]]]


def _is_practice(entry: Mapping[str, Any]) -> bool:
    return entry["kind"] == "draw.practice" or entry["payload"].get("practice") is True


def resumable(engine: Engine, task_id: str, practice: bool = False) -> Resumable | None:
    """The values entered before ``task_id``'s latest ceremony (official, or practice) stopped,
    if it stopped before its seed with values logged and nothing of the same kind was logged
    for the task since; else None.  Resuming with them is not a redraw: no seed existed, and
    the values cannot be changed (they come from the log, not from the operator)."""
    with Session(engine) as session:
        entries = attempts.task_entries(session, task_id)
    before_seed = (Stage.CHECKS.value, Stage.ENTROPY.value)
    found: attempts.Entry | None = None
    for seq, entry in reversed(entries):
        p = entry["payload"]
        if _is_practice(entry) is not practice:
            continue
        if entry["kind"] != attempts.ABORTED or "attempt" in p or p.get("stage") not in before_seed:
            return None  # a reveal, a record or an abort after the seed came since
        if "entered" in p:
            found = (seq, entry)
            break
        # a later ceremony stopped before anything was shown: the logged values still stand
    if found is None or not isinstance(found[1]["payload"]["entered"], dict):
        return None
    seq, entered = found[0], found[1]["payload"]["entered"]
    clean: dict[str, dict[str, list[int]]] = {}
    for kind in ("dice", "lottery"):
        part = entered.get(kind, {})
        if not isinstance(part, dict) or not all(
            isinstance(v, list) and all(type(x) is int for x in v) for v in part.values()
        ):
            return None
        clean[kind] = {str(k): list(v) for k, v in part.items()}
    return Resumable(seq, clean)


def log_practice(
    ws: Workspace, engine: Engine, task_id: str, actor: str, body: Mapping[str, Any]
) -> int:
    """Log that a practice draw ran (its seed is public test data, never official)."""
    return AuditLog(ws, engine).record(
        actor, "draw.practice", {"task": task_id, "seed": str(body["seed"])}
    )
