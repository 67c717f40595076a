"""Tasks: store definitions, compute the eligible pool, check feasibility, announce.

The announcement freezes the pool (per-stratum population files), the roster, the team rules
and the entropy sources, signs them and logs them *before* any randomness exists
(docs/SPEC.md §4).  Registry edits after that cannot change the draw.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from randcheck.core import signing, tsa
from randcheck.core.canonical import canonical, parse
from randcheck.core.checks import Check, Report
from randcheck.core.chinatime import beijing_time
from randcheck.core.draw import drand, entropy, envelope
from randcheck.core.draw.announce import announce as build_announcement
from randcheck.core.draw.commit import population_file
from randcheck.core.draw.model import Roster, TeamRules
from randcheck.core.draw.pairing import Pairing
from randcheck.core.draw.select import sample_size
from randcheck.core.draw.v2 import Ordering, Witness
from randcheck.core.taskdef import (
    OrderingDef,
    TaskDef,
    definitions,
    from_stored,
    is_fingerprint,
    load_text,
)
from randcheck.errors import ConflictError, InputError, NotFoundError, RandcheckError
from randcheck.services import notice, taskhints
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.eligible import (
    Pool,
    active_inspectors,
    build_roster,
    compute_pool,
    pool_inputs,
    resolve_items,
    strata_specs,
    team_rules,
)
from randcheck.services.snapshots import store_population
from randcheck.store.draw_models import AnnouncementRow, TaskRow
from randcheck.workspace import Workspace


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- definitions --------------------------------------------------------------------------


def create_tasks(
    ws: Workspace,
    engine: Engine,
    path: Path,
    actor: str,
    *,
    replace: bool = False,
    now: datetime | None = None,
) -> list[TaskDef]:
    """Store every task of a definition file (one task, or an annual plan of ``[[task]]``).

    All or nothing: one invalid task stores none.  A task that is already announced can
    never be replaced; an unannounced one only with ``replace``.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError("io.file_missing", path=str(path)) from exc
    defs = [
        resolve_tsa_certs(ws, d, path.parent)
        for d in definitions(load_text(data, path.name), path.name)
    ]
    for d in defs:
        check_witness_names(d)
    audit = AuditLog(ws, engine)
    with audit.transaction(actor, now) as tx:
        for d in defs:
            existing = tx.session.get(TaskRow, d.id)
            if existing is not None:
                if existing.status != "created":
                    raise ConflictError("task.already_announced", task=d.id)
                if not replace:
                    raise ConflictError("task.exists", task=d.id)
                tx.session.delete(existing)
                tx.session.flush()
            resolve_items(tx.session, d)  # items must exist before a task can name them
            body = canonical(d.to_json()).decode("utf-8")
            tx.session.add(
                TaskRow(
                    id=d.id, title=d.title, definition=body, created_at=tx.time, status="created"
                )
            )
            tx.record(
                "task.create",
                {"task": d.id, "title": d.title, "definition_sha256": _sha(body.encode())},
            )
    return defs


TRUSTED_TSA_DIR = "trusted-tsa"  # <workspace>/trusted-tsa/<sha256>.der: TSA certificates


def trusted_tsa_dir(ws: Workspace) -> Path:
    return ws.root / TRUSTED_TSA_DIR


def resolve_tsa_certs(ws: Workspace, d: TaskDef, base: Path) -> TaskDef:
    """A v2 task's ``tsa_certs`` as fingerprints: each file named (relative to the task file)
    is read, kept in the workspace's trusted TSA certificates and replaced by its SHA-256."""
    if d.ordering is None or not d.ordering.tsa_certs:
        return d
    import dataclasses
    import hashlib

    from randcheck.io.atomic import atomic_write

    out: list[str] = []
    for entry in d.ordering.tsa_certs:
        if is_fingerprint(entry):
            out.append(entry)
            continue
        where = (base / entry).expanduser()
        try:
            certs = tsa.load_certificates(where.read_bytes())
        except (OSError, tsa.TimestampError) as exc:
            raise InputError("task.tsa_cert_unreadable", path=str(where)) from exc
        if not certs:
            raise InputError("task.tsa_cert_unreadable", path=str(where))
        for der in certs:
            fp = hashlib.sha256(der).hexdigest()
            trusted_tsa_dir(ws).mkdir(exist_ok=True)
            atomic_write(trusted_tsa_dir(ws) / f"{fp}.der", der, 0o644)
            out.append(fp)
    ordering = dataclasses.replace(d.ordering, tsa_certs=tuple(sorted(set(out))))
    return dataclasses.replace(d, ordering=ordering)


def trusted_tsa_certs(ws: Workspace) -> list[bytes]:
    """The TSA certificates (DER) this workspace trusts, in file-name order."""
    folder = trusted_tsa_dir(ws)
    if not folder.is_dir():
        return []
    return [p.read_bytes() for p in sorted(folder.glob("*.der"))]


def witness_entry(text: str) -> tuple[str, str]:
    """An ``ordering.witnesses`` entry: ``key`` or ``显示名=key`` -> (display name, key name)."""
    shown, sep, key = text.partition("=")
    return (shown.strip(), key.strip()) if sep else (text.strip(), text.strip())


def check_witness_names(d: TaskDef) -> None:
    """At task creation: a witness key named like the office's signing key is refused
    (``task.witness_is_office``): a witness co-signs with a key of their own."""
    from randcheck.services import keys as keys_svc

    for entry in d.ordering.witnesses if d.ordering is not None else ():
        shown, name = witness_entry(entry)
        if name == keys_svc.DEFAULT_NAME:
            raise InputError("task.witness_is_office", name=shown, key=name)


def ordering_for(ws: Workspace, d: TaskDef, office: str | None = None) -> Ordering | None:
    """The announced ``ordering`` of a v2 task (None for v1): witness key ids from the
    workspace's keys, TSA certificate fingerprints from the definition.  ``office``: the key id
    that signs the announcement (the operator, SPEC-v2 §3): no witness key may be it."""
    if d.spec != "v2":
        return None
    from randcheck.services import keys as keys_svc

    o = d.ordering or OrderingDef()
    # a witness's own key, registered as a trusted witness key (keys trust --role witness), or
    # a key the witness unlocks at the office's machine (an own key of the workspace)
    registered = {k.name: k.public for k in keys_svc.trusted_entries(ws)
                  if k.role == "witness" and not k.revoked}  # fmt: skip
    witnesses = []
    for entry in o.witnesses:
        shown, name = witness_entry(entry)
        try:
            public = registered[name] if name in registered else keys_svc.public_key(ws, name)
        except RandcheckError as exc:
            raise InputError("task.witness_key_unknown", name=name) from exc
        if signing.key_id(public) == office:
            raise InputError("task.witness_is_office", name=shown, key=name)
        witnesses.append(Witness(shown, signing.key_id(public)))
    return Ordering(
        tuple(sorted(witnesses, key=lambda w: w.keyid)),
        tuple(sorted(t for t in o.tsa_certs if is_fingerprint(t))),
    )


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def get_task(session: Session, task_id: str) -> tuple[TaskRow, TaskDef]:
    row = session.get(TaskRow, task_id)
    if row is None:
        raise NotFoundError("task.not_found", task=task_id)
    return row, from_stored(parse(row.definition.encode("utf-8")))


def list_tasks(engine: Engine) -> list[TaskRow]:
    with Session(engine) as session:
        return list(session.exec(sm_select(TaskRow).order_by(col(TaskRow.id))).all())


# --- feasibility ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport(Report):
    """Feasibility checks of a task (``task check``), with what they computed on the way."""

    task_id: str = ""
    pool: Pool | None = None
    roster: Roster | None = None
    sample_sizes: dict[str, int] = field(default_factory=dict)
    status: str = "created"  # the task's status: created, announced or drawn


def check_task(
    session: Session, task_id: str, now: datetime | None = None, *, reuse: Pool | None = None
) -> CheckReport:
    """Feasibility before anything is announced: items, strata, caps, inspectors, staffing.

    ``reuse``: a pool an earlier check computed, taken instead of computing it again when
    nothing it depends on has changed since (``eligible.pool_inputs``: the task, the day,
    the registry, the history, the records); else it is computed as usual."""
    now = now or _now()
    row, d = get_task(session, task_id)
    found: list[Check] = []
    add = found.append
    if row.status != "created":
        add(Check.warning("task.status", f"check.{row.status}"))
    try:
        rt = resolve_items(session, d)
    except RandcheckError as exc:
        add(Check.from_error("task.items", exc))
        return CheckReport(tuple(found), task_id=task_id, status=row.status)
    if reuse is not None and reuse.inputs is not None and reuse.inputs == pool_inputs(
        session, rt, now
    ):
        pool = reuse
    else:
        pool = compute_pool(session, rt, now)
    for risk, n in pool.uncovered.items():
        add(Check.failed("task.coverage", "check.uncovered_class", count=n, risk=risk or "-"))
    specs = strata_specs(d)
    sizes: dict[str, int] = {}
    total_targets = 0
    for spec in specs:
        count = len(pool.strata[spec.id])
        size = sample_size(spec.rule, count)
        sizes[spec.id] = size
        total_targets += size
        name = f"task.stratum.{spec.id}"
        if count == 0:
            add(Check.warning(name, "check.empty_stratum", stratum=spec.id))
        else:
            add(Check.passed(name, "check.stratum", stratum=spec.id, count=count, size=size))
        over_cap = taskhints.cap(rt.task, spec.id, count, size)
        if over_cap is not None:
            add(over_cap)
    if not any(pool.sizes().values()) and not pool.uncovered:
        found.extend(taskhints.empty_pool(session.connection(), d, rt.scope_tags, pool.exclusions))
    if total_targets == 0:
        add(Check.failed("task.sample", "check.nothing_to_draw"))
    everyone = active_inspectors(session)
    roster = build_roster(session, rt, pool, everyone)
    rules = team_rules(rt)
    probe_rules = TeamRules(**{**rules.__dict__, "per_department": False})
    pairing_probe = Pairing(roster, probe_rules, rt.departments, b"\x00" * 64)
    usable = [
        x
        for x in roster.inspectors
        if pairing_probe.reason(x, "") in (None, "conflict", "rotation", "workload")
    ]
    non_experts = [x for x in usable if not x.expert]
    experts = [x for x in usable if x.expert]
    # fewer than a team's worth is a failure even with nothing to draw yet: it is the next
    # thing to fix once the pool is right
    short = taskhints.inspector_shortage(
        roster, everyone, rules, d, rt.departments, len(non_experts)
    )
    add(
        short
        or Check.passed(
            "task.inspectors",
            "check.inspectors",
            eligible=len(non_experts),
            experts=len(experts),
            roster=len(roster.inspectors),
        )
    )
    need = total_targets * d.min_inspectors
    capacity = len(non_experts) * d.max_load
    if need > capacity and short is None:
        add(taskhints.capacity(need, capacity, everyone, rules, d, rt.departments))
    if d.experts and total_targets * d.experts > len(experts) * d.max_load:
        add(
            Check.failed(
                "task.experts",
                "check.expert_capacity",
                need=total_targets * d.experts,
                capacity=len(experts) * d.max_load,
            )
        )
    if d.per_department:
        for dep in rt.departments:
            if not any(x.department == dep for x in non_experts):
                add(taskhints.department_empty(dep, roster.inspectors, rules))
        if d.min_inspectors < len(rt.departments):
            n = len(rt.departments)
            add(Check.failed("task.per_department", "check.per_department_min", departments=n))
    if d.drand is not None and d.drand.round is not None:
        chain = drand.CHAINS[d.drand.chain]
        if drand.round_time(chain, d.drand.round) <= int(now.timestamp()):
            add(Check.failed("task.drand", "check.drand_past", round=d.drand.round))
    elif d.drand is not None and d.planned_draw_at and d.spec == "v1":
        planned_round = drand_round(d, now)
        assert planned_round is not None
        unix = drand.round_time(drand.CHAINS[d.drand.chain], planned_round)
        params = {"round": planned_round, "time": beijing_time(unix), "planned": d.planned_draw_at}
        if unix <= int(now.timestamp()):
            add(Check.failed("task.drand", "check.drand_planned_past", **params))
        else:
            add(Check.passed("task.drand", "check.drand_planned", delay=d.drand.delay, **params))
    if (
        all(c.ok for c in found)
        and total_targets
        and not (d.per_department and d.min_inspectors < len(rt.departments))
    ):
        # a trial staffing with a fixed all-zero key finds constraints no seed can meet
        try:
            trial = Pairing(roster, rules, rt.departments, b"\x00" * 64)
            for spec in specs:
                for code in pool.strata[spec.id][: sizes[spec.id]]:
                    trial.staff(code.decode("ascii"))
            add(Check.passed("task.staffing", "check.trial_staffing", targets=total_targets))
        except RandcheckError as exc:
            add(
                Check.warning(
                    "task.staffing",
                    "check.trial_failed",
                    reason=exc.code,
                    detail=_params_text(exc.params),
                )
            )
    return CheckReport(
        tuple(found),
        task_id=task_id,
        pool=pool,
        roster=roster,
        sample_sizes=sizes,
        status=row.status,
    )


def _params_text(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(params.items()))


# --- announce ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnounceResult:
    task_id: str
    digest: str
    envelope: bytes
    announced_at: str
    strata: dict[str, int]
    sample_sizes: dict[str, int]
    exclusions: dict[str, int]
    drand_round: int | None
    drand_time: str | None  # UTC, as in the announcement's documents
    log_seq: int
    notice: Path | None
    notice_error: str | None = None
    drand_time_beijing: str | None = None  # the same instant in 北京时间 (UTC+8)


def sources_for(
    d: TaskDef, nonce: bytes, announced: datetime
) -> tuple[list[dict[str, Any]], int | None]:
    """The announced entropy sources, in seed order: nonce, dice, lottery, drand."""
    sources = [entropy.nonce_source(entropy.nonce_commitment(nonce))]
    sources += [entropy.dice_source(x.witness, x.count, x.faces) for x in d.dice]
    sources += [entropy.lottery_source(x.name, x.period, x.count, x.min, x.max) for x in d.lottery]
    if d.spec == "v2" and d.drand is not None:
        # v2: no round yet; the commitment fixes it (docs/SPEC-v2.md §4)
        margin = (d.ordering or OrderingDef()).margin
        sources.append(entropy.drand_source_v2(drand.CHAINS[d.drand.chain].chain_hash, margin))
        return sources, None
    round_no = drand_round(d, announced)
    if d.drand is not None and round_no is not None:
        chain = drand.CHAINS[d.drand.chain]
        if drand.round_time(chain, round_no) <= int(announced.timestamp()):
            if d.drand.round is None and d.planned_draw_at:
                raise InputError(
                    "task.drand_planned_past", round=round_no, planned=d.planned_draw_at
                )
            raise InputError("task.drand_round_past", round=round_no)
        sources.append(entropy.drand_source(chain.chain_hash, round_no))
    return sources, round_no


def drand_round(d: TaskDef, announced: datetime) -> int | None:
    """The drand round a v1 task commits to (None without drand):

    * ``[entropy.drand] round``, when fixed in advance;
    * else, when the task sets ``planned_draw_at``: the first round at or after
      ``planned_draw_at + delay`` (``drand.round_at``), so officials know the round, and its
      time, when they plan the ceremony;
    * else the first round at or after the announcement time + ``delay``.

    The caller still refuses a round that is not strictly after the announcement."""
    if d.drand is None or d.spec == "v2":
        return None
    if d.drand.round is not None:
        return d.drand.round
    chain = drand.CHAINS[d.drand.chain]
    if d.planned_draw_at:
        # a fraction of a second rounds up: the round is never before the planned time
        start = math.ceil(datetime.fromisoformat(d.planned_draw_at).timestamp())
    else:
        start = int(announced.timestamp())
    return drand.round_at(chain, start + d.drand.delay)


def announce(
    ws: Workspace,
    engine: Engine,
    task_id: str,
    key: Ed25519PrivateKey,
    actor: str,
    now: datetime | None = None,
    checked: CheckReport | None = None,
) -> AnnounceResult:
    """Freeze, sign and log the announcement of ``task_id``; then write the public notice.

    ``checked``: the report of a ``check_task`` just run (the command checks before it asks
    for the passphrase); its pool is reused when nothing it depends on has changed since,
    else the check computes it again."""
    now = (now or _now()).astimezone(UTC).replace(microsecond=0)
    with Session(engine) as session:
        row, d = get_task(session, task_id)
        if row.status != "created":
            raise ConflictError("task.already_announced", task=task_id)
        reuse = checked.pool if checked is not None and checked.task_id == task_id else None
        report = check_task(session, task_id, now, reuse=reuse)
        first = report.first_failure
        if first is not None:
            raise InputError(
                "task.check_failed", task=task_id, reason_key=first.code, reason_params=first.params
            )
        rt = resolve_items(session, d)
        pool, roster = report.pool, report.roster
        assert pool is not None and roster is not None
    nonce = secrets.token_bytes(32)
    announced_at = format_time(now)
    sources, round_no = sources_for(d, nonce, now)
    # everything that can fail is computed before anything is signed or stored
    chain_time = chain_time_beijing = None
    if round_no is not None and d.drand is not None:
        round_unix = drand.round_time(drand.CHAINS[d.drand.chain], round_no)
        chain_time = format_time(datetime.fromtimestamp(round_unix, UTC))
        chain_time_beijing = beijing_time(round_unix)
    body = build_announcement(
        task=rt.task,
        strata=strata_specs(d),
        population=pool.strata,
        exclusions=pool.exclusions,
        roster=roster,
        teams=team_rules(rt),
        sources=sources,
        announced_at=announced_at,
        ordering=ordering_for(ws, d, signing.key_id(signing.public_raw(key))),
    )
    env = envelope.signed(body, key)
    opened = envelope.open_envelope(env, "announcement")
    roster_doc = roster.canonical()  # the bytes the announced digest was taken over
    audit = AuditLog(ws, engine)
    with audit.transaction(actor, now) as tx:
        current = tx.session.get(TaskRow, task_id)
        if current is None or current.status != "created":  # raced with another announce
            raise ConflictError("task.already_announced", task=task_id)
        seq = tx.record(
            "task.announce",
            {
                "task": task_id,
                "announcement": opened.digest,
                "key": signing.key_id(signing.public_raw(key)),
                "strata": {s: len(c) for s, c in sorted(pool.strata.items())},
                "exclusions": pool.exclusions,
                "history": pool.history_digest,
            },
        )
        tx.session.add(
            AnnouncementRow(
                task_id=task_id,
                envelope=env,
                digest=opened.digest,
                announced_at=announced_at,
                roster=roster_doc,
                nonce=nonce.hex(),
                log_seq=seq,
            )
        )
        store_population(
            tx.session, task_id, {s: population_file(c) for s, c in pool.strata.items()}
        )
        current.status = "announced"
        tx.session.add(current)
    notice, notice_error = _write_notice(ws, engine, task_id)
    return AnnounceResult(
        task_id=task_id,
        digest=opened.digest,
        envelope=env,
        announced_at=announced_at,
        strata=pool.sizes(),
        sample_sizes=report.sample_sizes,
        exclusions=pool.exclusions,
        drand_round=round_no,
        drand_time=chain_time,
        drand_time_beijing=chain_time_beijing,
        log_seq=seq,
        notice=notice,
        notice_error=notice_error,
    )


def _write_notice(ws: Workspace, engine: Engine, task_id: str) -> tuple[Path | None, str | None]:
    """The public pre-draw notice.  The announcement is already committed when this runs, so
    a failure here is reported (with ``randcheck task notice`` to retry), never raised."""
    try:
        return notice.write_notice(ws, engine, task_id), None
    except (RandcheckError, OSError) as exc:
        return None, str(exc)
