"""``results publish``: sign and log a results document (docs/RESULTS-SPEC.md) holding every
result entered since the last one — new results and corrections of published ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.core import results as rdoc
from randcheck.core.canonical import canonical, parse
from randcheck.core.draw import envelope
from randcheck.core.draw.spec import digest
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import ConflictError, InputError
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.registry import split_list
from randcheck.services.results.clock import calendar, period_days
from randcheck.services.results.context import TaskTargets, load
from randcheck.services.results.vocab import workspace_vocabulary
from randcheck.store.result_models import ResultRow, ResultsDocRow
from randcheck.workspace import Workspace

#: the reason signed for a correction stored without one (``results import --correct`` always
#: asks for ``--reason``): text of the signed document, so a constant, never a catalog entry
UNSTATED_REASON = "更正"


@dataclass(frozen=True)
class PublishedResults:
    task_id: str
    seq: int
    digest: str
    count: int
    corrections: int
    late: int
    log_seq: int

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "seq": self.seq,
            "digest": self.digest,
            "count": self.count,
            "corrections": self.corrections,
            "late": self.late,
            "log_seq": self.log_seq,
        }


def documents(session: Session, task_id: str) -> list[ResultsDocRow]:
    """The results documents of a task, in seq order."""
    return list(
        session.exec(
            select(ResultsDocRow)
            .where(col(ResultsDocRow.task_id) == task_id)
            .order_by(col(ResultsDocRow.seq))
        ).all()
    )


def _check_chain(
    ctx: TaskTargets,
    docs: list[ResultsDocRow],
    new: tuple[str, dict[str, Any]],
    vocab: Vocabulary,
) -> None:
    """Refuse (``ConflictError``) to sign a document that ``verify`` would refuse: the whole
    chain, the new document last, through the same :func:`rdoc.check_chain`."""
    vocabularies = {vocab.digest: vocab}
    bodies: list[tuple[str, dict[str, Any]]] = []
    for d in docs:
        v = Vocabulary.from_document(parse(d.vocabulary))
        vocabularies[v.digest] = v
        bodies.append((d.digest, envelope.open_envelope(d.envelope, rdoc.KIND).doc))
    _published, problem = rdoc.check_chain(
        [*bodies, new],
        task=ctx.task_id,
        record=ctx.record.digest,
        drawn_at=ctx.record.drawn_at,
        targets_after=ctx.targets_after,
        items=set(ctx.items),
        vocabularies=vocabularies,
    )
    if problem is not None:
        raise ConflictError(problem.code, **problem.params)


def publish(
    ws: Workspace,
    engine: Engine,
    task_id: str,
    key: Ed25519PrivateKey,
    actor: str,
    now: datetime | None = None,
) -> PublishedResults:
    """Sign, store and log the next results document of ``task_id``, in one transaction."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    vocab = workspace_vocabulary(ws)
    authority = ws.bureau()["name"]
    with AuditLog(ws, engine).transaction(actor, now) as tx:
        s = tx.session
        ctx = load(s, task_id, names=False)
        cal = calendar(s)
        docs = documents(s, task_id)
        if docs and docs[-1].record_digest != ctx.record.digest:
            raise ConflictError("results.record_changed", task=task_id)
        rows = s.exec(
            select(ResultRow)
            .where(col(ResultRow.task_id) == task_id)
            .where(col(ResultRow.pending).is_(True))
            .where(col(ResultRow.record_digest) == ctx.record.digest)
        ).all()
        if not rows:
            raise InputError("results.nothing_to_publish", task=task_id)
        entries: list[rdoc.Entry] = []
        issued_on = rdoc.china_date(format_time(now))
        late = 0
        days: dict[str, int] = {}
        for r in rows:
            terms, problems = vocab.parse_terms("|".join(split_list(r.terms)))
            if problems or r.entity_code not in ctx.teams:
                raise ConflictError(
                    "results.stale_row", task=task_id, target=r.entity_code, item=r.item_code
                )
            if r.item_code not in days:
                days[r.item_code] = period_days(ws, r.item_code)
            dl = cal.deadline(date.fromisoformat(r.completed_on), days[r.item_code])
            deadline = dl.due.isoformat() if dl.due else None
            corr = None
            if r.published is not None:
                corr = {"replaces": r.published, "reason": r.correction or UNSTATED_REASON}
            elif deadline is not None and issued_on > deadline:
                late += 1
            entries.append(
                rdoc.Entry(r.entity_code, r.item_code, r.completed_on, tuple(terms), deadline, corr)
            )
        seq = len(docs) + 1
        body = rdoc.build(
            task=task_id,
            authority=authority,
            record=ctx.record.digest,
            addenda=ctx.n_addenda,
            seq=seq,
            previous=docs[-1].digest if docs else None,
            issued_at=format_time(now),
            vocabulary=vocab,
            entries=entries,
        )
        _check_chain(ctx, docs, (digest(rdoc.KIND, envelope.seal(body)), body), vocab)
        env = envelope.signed(body, key)
        opened = envelope.open_envelope(env, rdoc.KIND)
        corrections = sum(1 for e in entries if e.correction is not None)
        log_seq = tx.record(
            "results.published",
            {
                "task": task_id,
                "record": ctx.record.digest,
                "results": opened.digest,
                "seq": seq,
                "count": len(entries),
                "corrections": corrections,
                "vocabulary": vocab.id,
            },
        )
        s.add(
            ResultsDocRow(
                task_id=task_id,
                seq=seq,
                digest=opened.digest,
                record_digest=ctx.record.digest,
                envelope=env,
                vocabulary=canonical(vocab.document()),
                issued_at=str(body["issued_at"]),
                log_seq=log_seq,
            )
        )
        # the rows read above: log-writing transactions are serialised, so no other import
        # can have added a pending row since
        t = ResultRow.__table__.c  # type: ignore[attr-defined]
        mine = (t.task_id == task_id, t.pending.is_(True), t.record_digest == ctx.record.digest)
        s.execute(
            update(ResultRow.__table__)  # type: ignore[attr-defined]
            .where(*mine, t.first_published_on.is_(None))
            .values(first_published_on=issued_on)
        )
        s.execute(
            update(ResultRow.__table__)  # type: ignore[attr-defined]
            .where(*mine)
            .values(published=seq, pending=False, correction="")
        )
    return PublishedResults(task_id, seq, opened.digest, len(entries), corrections, late, log_seq)
