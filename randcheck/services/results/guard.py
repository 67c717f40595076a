"""What is an inspection result, for the draw's substitutions: a substitution reason that is a
result term is refused (unless confirmed), and a target with a result entered is not replaced.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from randcheck.core.vocabulary import normalise
from randcheck.errors import ConflictError, InputError
from randcheck.services.results.vocab import workspace_vocabulary
from randcheck.store.draw_models import RecordRow
from randcheck.store.result_models import ResultRow
from randcheck.workspace import Workspace


def result_term(ws: Workspace, reason: str) -> str | None:
    """The text of the result term that ``reason`` is, or holds, in the workspace's result
    vocabulary (``None`` when it names no result).

    ``reason`` is a term when it is one of its codes, texts or aliases; it holds one when a
    term's text or alias is part of it (compared as the vocabulary compares words: NFKC,
    without spaces).  Of several terms held, the one with the longest matching word is named.
    """
    vocab = workspace_vocabulary(ws)
    exact = vocab.lookup(reason)
    if exact is not None:
        return exact.text
    key = normalise(reason)
    best: tuple[int, str] | None = None
    for t in vocab.terms:
        for word in (t.text, *t.aliases):
            w = normalise(word)
            if w and w in key and (best is None or len(w) > best[0]):
                best = (len(w), t.text)
    return best[1] if best else None


def refuse_inspected(session: Session, rec: RecordRow, target: str) -> None:
    """A target with a result entered was inspected: replacing it would orphan the result
    (it could then be neither published nor changed), so it is refused."""
    entered = session.exec(
        select(ResultRow)
        .where(col(ResultRow.task_id) == rec.task_id)
        .where(col(ResultRow.record_digest) == rec.digest)
        .where(col(ResultRow.entity_code) == target)
    ).first()
    if entered is not None:
        raise ConflictError(
            "draw.target_has_result", target=target, task=rec.task_id, item=entered.item_code
        )


def check_reason(ws: Workspace, reason: str, not_a_result: bool) -> str | None:
    """Refuse a substitution reason that is an inspection result (``draw.reason_is_result``)
    unless ``not_a_result`` confirms it; returns the term confirmed, if any."""
    term = result_term(ws, reason)
    if term is not None and not not_a_result:
        raise InputError("draw.reason_is_result", reason=reason, term=term)
    return term
