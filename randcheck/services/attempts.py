"""Draw attempts as the audit log records them (docs/SPEC.md §14.2).

An official attempt is *revealed* when a ``draw.revealed`` entry is committed, which happens
before its nonce or seed reaches any screen or output.  A ``draw.record`` entry names the
attempt it completes (``revealed``) and every earlier revealed attempt of the task that it
answers for (``answers``); an attempt that no record names is *pending*, and while one is
pending the next official draw of the task must be a marked redraw.  Logs written before
reveals were logged have only ``draw.aborted`` entries: one at a stage after every seed input
was shown, later than the task's current official record, counts as pending too.

The log is the truth: these functions read the ``audit_entry`` rows, inside the caller's
transaction when the answer must hold until it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from randcheck.core.canonical import parse
from randcheck.store.audit_models import AuditEntry

REVEALED = "draw.revealed"
ABORTED = "draw.aborted"
RECORD = "draw.record"
#: randcheck/draw/v2: the entropy commitment was signed and logged (docs/SPEC-v2.md §2); from
#: then on it is pending like an abort with ``entered``, until a reveal continues it
COMMITTED = "draw.committed"
#: ceremony stages after which every input of the seed had been shown (the nonce comes last)
SEEN_SEED_STAGES = ("reveal", "seed", "targets", "teams", "sign")
#: the stages before it (an abort there may log the entropy values entered, ``entered``)
PRE_SEED_STAGES = ("checks", "entropy")

Entry = tuple[int, dict[str, Any]]


def task_entries(session: Session, task_id: str) -> list[Entry]:
    """Every ``draw.*`` entry of ``task_id``, oldest first, as (seq, entry)."""
    rows = session.exec(
        select(AuditEntry.seq, AuditEntry.body)
        .where(col(AuditEntry.body).like('%"kind":"draw.%'))
        .order_by(col(AuditEntry.seq))
    ).all()
    out: list[Entry] = []
    for seq, body in rows:
        entry = parse(body.encode("utf-8"))
        if (
            isinstance(entry, dict)
            and str(entry.get("kind", "")).startswith("draw.")
            and isinstance(entry.get("payload"), dict)
            and entry["payload"].get("task") == task_id
        ):
            out.append((int(seq), entry))
    return out


def _legacy_abort(entry: dict[str, Any]) -> bool:
    """An abort logged before reveals were, after every seed input was shown."""
    p = entry["payload"]
    return (
        entry["kind"] == ABORTED
        and "attempt" not in p
        and p.get("stage") in SEEN_SEED_STAGES
        and p.get("practice") is False
    )


def discarded_entropy(entry: dict[str, Any]) -> bool:
    """An official ceremony stopped before its seed with the entropy values shown in the room
    logged (``entered``): continuing with other values is a redraw, with the same values
    (``--resume``) it is not."""
    p = entry["payload"]
    if entry["kind"] == COMMITTED:
        return True  # values signed and shown in the room: continued (--resume) or redrawn
    return (
        entry["kind"] == ABORTED
        and "attempt" not in p
        and p.get("stage") in PRE_SEED_STAGES
        and p.get("practice") is False
        and bool(p.get("entered"))
    )


def pending(
    entries: Iterable[Entry], official_seq: int | None, resuming: int | None = None
) -> tuple[int, ...]:
    """The seqs of revealed (or legacy aborted) attempts, and of official ceremonies stopped
    with entropy logged (:func:`discarded_entropy`), that no record answers for and no later
    ceremony continued (``resumed``); ``resuming``: the abort this ceremony continues."""
    entries = list(entries)
    named: set[int] = set()
    continued: set[int] = set() if resuming is None else {resuming}
    # a commitment is continued only by what carries it on (a reveal, or a commitment that
    # resumed a stopped ceremony's values), never by an abort that stopped after it
    carried: set[int] = set(continued)
    for _seq, e in entries:
        p = e["payload"]
        if e["kind"] == RECORD:
            if isinstance(p.get("revealed"), int):
                named.add(p["revealed"])
            named.update(s for s in p.get("answers") or [] if isinstance(s, int))
        if e["kind"] in (REVEALED, ABORTED, COMMITTED) and isinstance(p.get("resumed"), int):
            continued.add(p["resumed"])
            if e["kind"] != ABORTED:
                carried.add(p["resumed"])
    since = -1 if official_seq is None else official_seq
    return tuple(
        seq
        for seq, e in entries
        if seq not in named
        and (
            e["kind"] == REVEALED
            or (_legacy_abort(e) and seq > since)
            or (e["kind"] == COMMITTED and seq not in carried)
            or (e["kind"] == ABORTED and discarded_entropy(e) and seq not in continued)
        )
    )


def answered(entries: Iterable[Entry], record_seq: int) -> list[int]:
    """The entries a record's page and bundle show as what it replaced, oldest first: the
    records it supersedes, the attempts it answers for, and the aborts of those attempts.
    A record logged before reveals were answers for the legacy aborts before it."""
    entries = list(entries)
    by_seq = dict(entries)
    payload = by_seq.get(record_seq, {}).get("payload", {})
    supersedes = set(payload.get("supersedes") or [])
    seqs = {
        seq
        for seq, e in entries
        if e["kind"] == RECORD and e["payload"].get("record") in supersedes
    }
    answers = payload.get("answers")
    if answers is None:
        seqs.update(seq for seq, e in entries if seq < record_seq and _legacy_abort(e))
    else:
        seqs.update(s for s in answers if isinstance(s, int))
    attempts = set(seqs)
    seqs.update(
        seq
        for seq, e in entries
        if e["kind"] == ABORTED and e["payload"].get("attempt") in attempts
    )
    return sorted(seqs)


def history(entries: Iterable[Entry], record_seq: int) -> list[dict[str, Any]]:
    """What the 公示 page says a redraw replaced, oldest first (see ``bundle.pages``)."""
    entries = list(entries)
    by_seq = dict(entries)
    seqs = answered(entries, record_seq)
    aborts = {
        e["payload"].get("attempt"): e for s, e in entries if s in seqs and e["kind"] == ABORTED
    }
    out: list[dict[str, Any]] = []
    for seq in seqs:
        e = by_seq[seq]
        p = e["payload"]
        if e["kind"] == RECORD:
            out.append({"kind": "record", "seq": seq, "time": e["time"], "digest": p["record"]})
        elif e["kind"] == REVEALED or "attempt" not in p:
            abort = aborts.get(seq, e if e["kind"] == ABORTED else None)
            reason = None if abort is None else str(abort["payload"].get("reason", ""))
            out.append({"kind": "attempt", "seq": seq, "time": e["time"],
                        "seed": str(p.get("seed", "")), "reason": reason})  # fmt: skip
    return out
