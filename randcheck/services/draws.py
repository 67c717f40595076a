"""The draw: load the frozen announcement, take the entropy evidence, draw, sign, store, log.

The terminal ceremony (``randcheck.cli.draw``) calls these step by step; scripts call them
with an entropy file.  Nothing is signed or stored until :func:`finalize`; an abort at any
step is logged by :func:`log_abort`.  Practice draws use a public test nonce in place of the
operator's secret one, so they can never preview, or become, the official draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.core import signing
from randcheck.core.canonical import canonical, parse
from randcheck.core.draw import drand, entropy, envelope, record
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.codes import Codes
from randcheck.core.draw.commit import parse_population_file, population_root
from randcheck.core.draw.model import Roster
from randcheck.errors import ConflictError, InputError, NotFoundError, VerificationError
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.publish import short_code
from randcheck.services.snapshots import (
    addenda_rows,
    announcement_row,
    find_record,
    load_population,
)
from randcheck.store.draw_models import AddendumRow, RecordRow, TaskRow
from randcheck.workspace import Workspace

PRACTICE_NONCE = hashlib.sha256(
    b"randcheck/draw/v1/practice-nonce (public, never official)"
).digest()
# stages at which every input of the seed has been shown (the nonce is revealed last)
SEEN_SEED_STAGES = ("reveal", "seed", "targets", "teams", "sign")


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
    needs_redraw: bool  # an earlier ceremony was aborted after the seed was shown
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def announced_at(self) -> str:
        return str(self.doc["announced_at"])


def prepare(engine: Engine, task_id: str) -> DrawPlan:
    """Load and check the frozen announcement of ``task_id``.

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
        aborted = _aborted_after_seed(session, task_id, official)
    env = envelope.open_envelope(ann_row.envelope, "announcement")
    doc = dict(env.doc)
    ann = parse_announcement(doc)
    population: dict[str, Codes] = {}
    checks: list[tuple[str, bool, str]] = []
    for plan in ann.strata:
        try:
            codes = parse_population_file(files.get(plan.id, b""), plan.id)
            ok = len(codes) == plan.count and population_root(codes) == plan.root
        except InputError:  # a stored snapshot that is no longer a population file
            codes, ok = Codes(b""), False
        population[plan.id] = codes
        checks.append((f"snapshot.{plan.id}", ok, f"{plan.count} / {plan.root[:16]}"))
    roster = Roster.from_document(parse(ann_row.roster))
    record.check_roster(ann, roster)
    checks.append(("roster", True, str(doc["roster"]["digest"])[:16]))
    if not all(ok for _, ok, _ in checks):
        bad = next(name for name, ok, _ in checks if not ok)
        raise VerificationError("draw.snapshot_changed", task=task_id, check=bad)
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
        needs_redraw=aborted,
        checks=checks,
    )


def _aborted_after_seed(session: Session, task_id: str, official: RecordRow | None) -> bool:
    """Whether a ceremony of this task was aborted after its seed was shown, since the last
    official record (then the next official draw must be marked as a redraw)."""
    from randcheck.store.audit_models import AuditEntry

    since = official.log_seq if official is not None else -1
    rows = session.exec(
        select(AuditEntry).where(col(AuditEntry.seq) > since).order_by(col(AuditEntry.seq))
    ).all()
    for row in rows:
        entry = parse(row.body.encode("utf-8"))
        payload = entry.get("payload", {})
        if (
            entry.get("kind") == "draw.aborted"
            and payload.get("task") == task_id
            and payload.get("stage") in SEEN_SEED_STAGES
            and not payload.get("practice")
        ):
            return True
    return False


# --- evidence -----------------------------------------------------------------------------


def dice_evidence(
    source: Mapping[str, Any], values: Sequence[int], index: int = 0
) -> dict[str, Any]:
    """Evidence for one dice source (``index`` in the announcement); ``InputError`` on a bad
    roll."""
    ev = entropy.dice_evidence(str(source["witness"]), _values(values, f"dice:{source['witness']}"))
    _check_one(source, ev, index)
    return ev


def lottery_evidence(
    source: Mapping[str, Any], numbers: Sequence[int], index: int = 0
) -> dict[str, Any]:
    name, period = str(source["name"]), str(source["period"])
    ev = entropy.lottery_evidence(name, period, _values(numbers, f"lottery:{name}"))
    _check_one(source, ev, index)
    return ev


def _values(values: Any, source: str) -> list[Any]:
    """A list of numbers from an entropy file or prompt (anything else: ``InputError``)."""
    if not isinstance(values, list | tuple):
        raise InputError("draw.entropy_bad", source=source)
    return list(values)


def drand_evidence(
    source: Mapping[str, Any], beacon_json: str, drawn_at: str, announced_at: str
) -> dict[str, Any]:
    """Parse and verify a pasted drand round against the announced chain and round."""
    round_no, sig, prev = drand.parse_beacon(beacon_json)
    if round_no != source["round"]:
        raise VerificationError("draw.drand_wrong_round", got=round_no, want=source["round"])
    ev = entropy.drand_evidence(str(source["chain_hash"]), round_no, sig, prev)
    entropy.check_evidence(source, ev, 0, announced_at, drawn_at, verify_bls=True)
    return ev


def _check_one(source: Mapping[str, Any], ev: Mapping[str, Any], index: int) -> None:
    try:
        entropy.check_evidence(
            source, ev, index, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", False
        )
    except VerificationError as exc:
        # name the source as the file and the screen do (its 1-based number and its name)
        label = source.get("witness") or f"{source.get('name')} {source.get('period')}"
        params = {**exc.params, "index": index + 1}
        raise InputError(
            "draw.bad_evidence", source=str(label), reason_key=exc.code, reason_params=params
        ) from exc


def nonce_evidence(plan: DrawPlan, practice: bool = False) -> dict[str, Any]:
    return entropy.nonce_evidence(PRACTICE_NONCE if practice else plan.nonce)


def drand_round_time(source: Mapping[str, Any]) -> str:
    chain = drand.chain_by_hash(str(source["chain_hash"]))
    return format_time(datetime.fromtimestamp(drand.round_time(chain, int(source["round"])), UTC))


def evidence_from_file(
    plan: DrawPlan, doc: Mapping[str, Any], drawn_at: str, practice: bool = False
) -> list[dict[str, Any]]:
    """Evidence for every announced source from an entropy file (non-interactive draws)::

    {"dice": {"<witness>": [values...]}, "lottery": {"<name>": [numbers...]},
     "drand": <the round's JSON object or text>}
    """
    if not isinstance(doc, Mapping):
        raise InputError("draw.entropy_bad", source="(file)")
    dice = doc.get("dice", {})
    lottery = doc.get("lottery", {})
    for name, part in (("dice", dice), ("lottery", lottery)):
        if not isinstance(part, Mapping):
            raise InputError("draw.entropy_bad", source=name)
    out: list[dict[str, Any]] = []
    for i, src in enumerate(sources_for(plan, practice)):
        kind = src["type"]
        if kind == "nonce":
            out.append(nonce_evidence(plan, practice))
        elif kind == "dice":
            if src["witness"] not in dice:
                raise InputError("draw.entropy_missing", source=f"dice:{src['witness']}")
            out.append(dice_evidence(src, dice[src["witness"]], i))
        elif kind == "lottery":
            if src["name"] not in lottery:
                raise InputError("draw.entropy_missing", source=f"lottery:{src['name']}")
            out.append(lottery_evidence(src, lottery[src["name"]], i))
        else:
            beacon = doc.get("drand")
            if beacon is None:
                raise InputError("draw.entropy_missing", source="drand")
            text = beacon if isinstance(beacon, str) else canonical(beacon).decode("utf-8")
            out.append(drand_evidence(src, text, drawn_at, plan.announced_at))
    return out


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
    """An official draw must be a marked redraw exactly when the task was drawn before (or a
    ceremony was aborted after its seed was shown); raises ``ConflictError`` otherwise."""
    drawn = plan.official is not None or plan.needs_redraw
    if drawn and not redraw:
        raise ConflictError("draw.already_drawn", task=plan.task_id)
    if redraw and not drawn:
        raise ConflictError("draw.nothing_to_redraw", task=plan.task_id)


def compute(
    plan: DrawPlan,
    evidence: Sequence[Mapping[str, Any]],
    drawn_at: str,
    *,
    practice: bool = False,
    redraw_reason: str | None = None,
) -> dict[str, Any]:
    """The record body (unsigned).  Refuses a second official draw without a redraw reason."""
    if not practice:
        check_redraw(plan, redraw_reason is not None)
    announcement = practice_announcement(plan) if practice else plan.announcement
    return record.draw(
        announcement,
        plan.population,
        plan.roster,
        evidence,
        drawn_at,
        previous_record=None if practice else plan.previous_record,
        redraw_reason=None if practice else redraw_reason,
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
    now: datetime | None = None,
) -> Finalized:
    """Sign (operator, then witnesses), store and log an official record, in one transaction."""
    if body.get("practice"):
        raise ConflictError("draw.practice_not_official")
    env = envelope.signed(body, operator)
    for key in witnesses:
        env = envelope.cosign(env, key)
    opened = envelope.open_envelope(env, "record")
    audit = AuditLog(ws, engine)
    with audit.transaction(actor, now) as tx:
        s = tx.session
        current = s.exec(
            select(RecordRow).where(
                col(RecordRow.task_id) == plan.task_id, col(RecordRow.superseded).is_(False)
            )
        ).all()
        if len(current) != (1 if plan.official is not None else 0):
            raise ConflictError("draw.already_drawn", task=plan.task_id)  # raced
        last = s.exec(select(RecordRow).order_by(col(RecordRow.chain_index).desc())).first()
        if (last.digest if last else None) != body.get("previous_record"):
            raise ConflictError("draw.chain_moved", task=plan.task_id)
        for old in current:
            old.superseded = True
            s.add(old)
        redraw = body.get("redraw")
        seq = tx.record(
            "draw.record",
            {
                "task": plan.task_id,
                "record": opened.digest,
                "announcement": plan.digest,
                "previous_record": body.get("previous_record"),
                "redraw": redraw,
                "supersedes": [r.digest for r in current],
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
    return Finalized(opened.digest, env, short_code(opened.digest), seq)


def log_abort(
    ws: Workspace,
    engine: Engine,
    task_id: str,
    actor: str,
    stage: str,
    reason: str,
    practice: bool = False,
) -> int:
    """Log an aborted ceremony; nothing else is written."""
    return AuditLog(ws, engine).record(
        actor,
        "draw.aborted",
        {"task": task_id, "stage": stage, "reason": reason, "practice": practice},
    )


def log_practice(
    ws: Workspace, engine: Engine, task_id: str, actor: str, body: Mapping[str, Any]
) -> int:
    """Log that a practice draw ran (its seed is public test data, never official)."""
    return AuditLog(ws, engine).record(
        actor, "draw.practice", {"task": task_id, "seed": str(body["seed"])}
    )


# --- substitutions ------------------------------------------------------------------------


def substitute(
    ws: Workspace,
    engine: Engine,
    ref: str,
    *,
    target: str,
    inspector: str | None,
    reason: str,
    operator: Ed25519PrivateKey,
    actor: str,
    now: datetime | None = None,
) -> Finalized:
    """Replace a target (``inspector`` None) or recuse an inspector, as a signed addendum."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    with Session(engine) as session:
        rec = find_record(session, ref)
        if rec.superseded:
            raise ConflictError("draw.superseded", record=rec.digest[:16])
        ann = announcement_row(session, rec.task_id)
        adds = addenda_rows(session, rec.digest)
        roster = Roster.from_document(parse(ann.roster))
    body = record.substitute(
        ann.envelope,
        rec.envelope,
        roster,
        [a.envelope for a in adds],
        action="replace_inspector" if inspector else "replace_target",
        target=target,
        inspector=inspector,
        reason=reason,
        issued_at=format_time(now),
    )
    env = envelope.signed(body, operator)
    opened = envelope.open_envelope(env, "addendum")
    audit = AuditLog(ws, engine)
    with audit.transaction(actor, now) as tx:
        seq = tx.record(
            "draw.addendum",
            {
                "task": rec.task_id,
                "record": rec.digest,
                "addendum": opened.digest,
                "seq": body["seq"],
                "action": body["action"],
                "target": target,
                "inspector": inspector,
                "reason": reason,
            },
        )
        tx.session.add(
            AddendumRow(
                record_digest=rec.digest,
                seq=int(body["seq"]),
                digest=opened.digest,
                envelope=env,
                issued_at=str(body["issued_at"]),
                log_seq=seq,
            )
        )
    return Finalized(opened.digest, env, short_code(opened.digest), seq)
