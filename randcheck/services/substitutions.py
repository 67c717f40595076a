"""Substitutions after an official draw: a signed addendum replaces a target or recuses an
inspector, deterministically by the protocol (docs/SPEC.md §10), logged in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.bundle.layout import short_code
from randcheck.core.canonical import parse
from randcheck.core.draw import addenda, envelope
from randcheck.core.draw.model import Roster
from randcheck.errors import ConflictError
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.draws import Finalized
from randcheck.services.results import guard
from randcheck.services.snapshots import addenda_rows, announcement_row, find_record
from randcheck.store.draw_models import AddendumRow, RecordRow
from randcheck.workspace import Workspace


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
    not_a_result: bool = False,
) -> Finalized:
    """Replace a target (``inspector`` None) or recuse an inspector, as a signed addendum.

    A ``reason`` that is an inspection result (a term of the workspace's result vocabulary,
    or a reason holding one, e.g. 通过登记的住所无法联系) is refused unless ``not_a_result``
    confirms it is not one: a result is entered with ``results import`` and published, it is
    never a reason to swap the target for another (see ``services.results.guard``).
    """
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    term = guard.check_reason(ws, reason, not_a_result)
    with Session(engine) as session:
        rec = find_record(session, ref)
        if rec.superseded:
            raise ConflictError("draw.superseded", record=rec.digest[:16])
        if inspector is None:
            guard.refuse_inspected(session, rec, target)
        ann = announcement_row(session, rec.task_id)
        adds = addenda_rows(session, rec.digest)
        roster = Roster.from_document(parse(ann.roster))
    body = addenda.substitute(
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
        current = tx.session.get(RecordRow, rec.digest)
        count = len(addenda_rows(tx.session, rec.digest))
        if current is None or current.superseded or count != len(adds):
            raise ConflictError("draw.substitute_raced", record=rec.digest[:16])
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
                **({"not_a_result": term} if term is not None else {}),
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
