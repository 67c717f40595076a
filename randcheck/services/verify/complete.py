"""``log.complete`` and ``log.consistency``: the log tail proves that nothing of the task is
missing from the bundle, and that the log agrees with checkpoints the reader already holds
(docs/SPEC.md §14.4, format v3).

Inclusion proofs show that an entry is in the log, never that one is absent.  A v3 bundle
therefore carries every log entry from its announcement's entry (seq ``a``) to its checkpoint's
size ``n`` (``log/tail.jsonl``) and the prefix nodes of [0, a) (``log/tail.json``); from them
the root of every size ``m``, a <= m <= n, is recomputed (:mod:`randcheck.core.merkle`).  Once
the root at ``n`` is the checkpoint's, the tail is exactly the log, and every entry of the task
in it must be accounted for by the bundle: its record is the task's last, every addendum and
results document logged for the record is in the bundle, and every official attempt of the
task before the record (a commitment, a reveal, an abort with ``attempt`` or ``entered``) is
one the record completes, continues or answers for, so a silently redone draw fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.core import logverify, merkle, note
from randcheck.core import results as rdoc
from randcheck.core.checks import Check
from randcheck.core.draw.envelope import open_envelope
from randcheck.errors import RandcheckError, VerificationError
from randcheck.services.attempts import ABORTED, COMMITTED, RECORD, REVEALED
from randcheck.services.verify.log import Log
from randcheck.services.verify.reading import BundleFiles

COMPLETE = "log.complete"
CONSISTENCY = "log.consistency"
ADDENDUM = "draw.addendum"
RESULTS = "results.published"
#: the kinds of entry that belong to a task when their payload's ``task`` is its id (SPEC §14.4)
TASK_KINDS = frozenset({RECORD, ADDENDUM, REVEALED, ABORTED, COMMITTED})
#: the kinds of entry that may stand for an official attempt (SPEC §14.4): each one of the task
#: logged before its record must be accounted for by that record
ATTEMPT_KINDS = frozenset({REVEALED, ABORTED, COMMITTED})


def _is_task_kind(kind: str) -> bool:
    return kind in TASK_KINDS or kind.startswith("results.")


@dataclass(frozen=True)
class Held:
    """A checkpoint the reader holds (``--checkpoint FILE``): its label and signed-note text."""

    label: str
    text: str


@dataclass
class _Tail:
    """What one pass over ``log/tail.jsonl`` keeps: the roots at the sizes asked for and the
    entries of the task (seq, kind, payload); never the lines themselves."""

    roots: dict[int, bytes] = field(default_factory=dict)
    task: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Subject:
    """What the bundle says it holds: the task, its record, addenda and results documents, and
    the commitment its (v2) record continues."""

    task_id: str | None
    record: str | None
    addenda: frozenset[str]
    results: frozenset[str]
    commitment: str | None = None


def subject(
    files: BundleFiles, task_id: str | None, record: str | None, addenda: Sequence[str | None]
) -> Subject:
    """The bundle's :class:`Subject`; its results documents by digest (unreadable ones are
    left out: ``inspection.documents`` names them)."""
    digests: set[str] = set()
    for path in sorted(files):
        if rbundle.doc_seq(path) is None:
            continue
        try:
            digests.add(open_envelope(files[path], rdoc.KIND).digest)
        except RandcheckError:
            continue
    return Subject(task_id, record, frozenset(a for a in addenda if a), frozenset(digests),
                   _commitment(files))  # fmt: skip


def _commitment(files: BundleFiles) -> str | None:
    """The ``commitment`` digest the bundle's record names (v2), if it names one."""
    raw = files.get(layout.RECORD)
    if raw is None:
        return None
    try:
        value = open_envelope(raw).doc.get("commitment")
    except RandcheckError:
        return None
    return value if isinstance(value, str) else None


def checks(
    files: BundleFiles,
    fmt: str,
    log: Log,
    what: Subject,
    keys: Mapping[str, bytes],
    held: Sequence[Held] = (),
) -> tuple[Check, Check]:
    """``log.complete`` and ``log.consistency`` for one bundle."""
    complete, consistency = _checks(files, fmt, log, what, keys, held)
    if not held:  # nothing to compare, whatever happened to the tail
        consistency = Check.passed(CONSISTENCY, "verify.consistency_none")
    return complete, consistency


def _checks(
    files: BundleFiles,
    fmt: str,
    log: Log,
    what: Subject,
    keys: Mapping[str, bytes],
    held: Sequence[Held],
) -> tuple[Check, Check]:
    if fmt in (layout.FORMAT_V1, layout.FORMAT_V2):
        return (
            Check.warning(COMPLETE, "verify.complete_before_v3", format=fmt),
            Check.warning(CONSISTENCY, "verify.consistency_before_v3", format=fmt),
        )
    cp = log.checkpoint
    start = log.seqs.get("announcement")
    if cp is None or start is None or what.task_id is None or what.record is None:
        return Check.skipped(COMPLETE), Check.skipped(CONSISTENCY)
    raw = files.get(layout.TAIL_INDEX)
    if raw is None:
        return files.absent(COMPLETE, layout.TAIL_INDEX), Check.skipped(CONSISTENCY)
    try:
        a, n, prefix = layout.read_tail_index(raw)
    except RandcheckError as exc:
        return Check.from_error(COMPLETE, exc), Check.skipped(CONSISTENCY)
    if n != cp.size:
        failed = Check.failed(COMPLETE, "verify.tail_size", size=n, checkpoint=cp.size)
        return failed, Check.skipped(CONSISTENCY)
    if a != start:
        failed = Check.failed(COMPLETE, "verify.tail_from", start=a, announcement=start)
        return failed, Check.skipped(CONSISTENCY)
    opened, bad = _open_held(held, keys, cp.origin)
    sizes = {c.size for _label, c in opened if a <= c.size <= n} | {n}
    try:
        tail = _read(files, log, a, n, prefix, sizes, what.task_id)
    except RandcheckError as exc:
        return Check.from_error(COMPLETE, exc), Check.skipped(CONSISTENCY)
    if tail.roots.get(n) != cp.root:
        return Check.failed(COMPLETE, "verify.tail_root", size=n), Check.skipped(CONSISTENCY)
    return _accounted(tail, what, a, n), bad or _consistency(opened, tail, a, n)


def _open_held(
    held: Sequence[Held], keys: Mapping[str, bytes], origin: str
) -> tuple[list[tuple[str, note.Checkpoint]], Check | None]:
    """The held checkpoints, opened under the trusted keys; or the failed check of the first
    that is not a checkpoint of this log signed by a trusted key."""
    out: list[tuple[str, note.Checkpoint]] = []
    for h in held:
        try:
            cp, _name = logverify.open_checkpoint(h.text, keys)
        except RandcheckError as exc:
            return [], Check.failed(CONSISTENCY, "verify.held_bad", file=h.label,
                                    reason_code=exc.code)  # fmt: skip
        if cp.origin != origin:
            return [], Check.failed(CONSISTENCY, "verify.held_origin", file=h.label,
                                    origin=cp.origin, expected=origin)  # fmt: skip
        out.append((h.label, cp))
    return out, None


def _read(
    files: BundleFiles,
    log: Log,
    a: int,
    n: int,
    prefix: Sequence[bytes],
    sizes: set[int],
    task_id: str,
) -> _Tail:
    """One pass over the tail: each line a canonical entry whose ``seq`` is its place, equal to
    the bundle's own copy of that entry if it has one; the roots at ``sizes``.  Raises
    ``RandcheckError`` naming the first line that is not."""
    tail = _Tail()
    rng = merkle.CompactRange(prefix, a)
    if a in sizes:
        tail.roots[a] = rng.root()
    for line in files.lines(layout.TAIL):
        seq = rng.size
        if seq >= n:
            raise VerificationError("verify.tail_length", file=layout.TAIL, lines=n - a)
        value, problem = logverify.check_entry(line, seq)
        if problem is not None or value is None:
            raise VerificationError("verify.tail_entry_bad", seq=seq)
        own = log.entries.get(seq)
        if own is not None and own[0] != line:
            raise VerificationError("verify.tail_entry_differs", seq=seq,
                                    file=layout.entry_file(seq))  # fmt: skip
        rng.append(merkle.leaf_hash(line))
        if rng.size in sizes:
            tail.roots[rng.size] = rng.root()
        kind, payload = str(value["kind"]), value["payload"]
        if (_is_task_kind(kind) and payload.get("task") == task_id) or kind == ADDENDUM:
            tail.task.append((seq, kind, payload))
    if rng.size != n:
        raise VerificationError("verify.tail_length", file=layout.TAIL, lines=n - a)
    return tail


def _accounted(tail: _Tail, what: Subject, a: int, n: int) -> Check:
    """Every entry of the task in the tail is accounted for by the bundle."""
    records = [(s, p) for s, k, p in tail.task if k == RECORD and p.get("task") == what.task_id]
    ours = [s for s, p in records if p.get("record") == what.record]
    if not ours:
        return Check.failed(COMPLETE, "verify.complete_no_record", record=str(what.record)[:16])
    last_seq, last = records[-1]
    if last.get("record") != what.record:
        return Check.failed(COMPLETE, "verify.complete_superseded", seq=last_seq,
                            record=str(last.get("record"))[:16])  # fmt: skip
    addenda = 0
    for seq, kind, p in tail.task:
        if p.get("record") != what.record:
            continue
        if kind == ADDENDUM:
            addenda += 1
            if p.get("addendum") not in what.addenda:
                return Check.failed(COMPLETE, "verify.complete_addendum_missing", seq=seq,
                                    number=str(p.get("seq")), file=_addendum_file(p))  # fmt: skip
        elif kind == RESULTS and p.get("results") not in what.results:
            return Check.failed(COMPLETE, "verify.complete_results_missing", seq=seq,
                                number=str(p.get("seq")))  # fmt: skip
    unanswered = _unanswered(tail, what, ours[-1])
    if unanswered is not None:
        seq, kind = unanswered
        return Check.failed(COMPLETE, "verify.complete_unanswered", seq=seq, kind=kind)
    own = [s for s, _k, p in tail.task if p.get("task") == what.task_id]
    pending = [s for s, k, p in tail.task if k in (REVEALED, COMMITTED) and s > ours[-1]
               and p.get("task") == what.task_id]  # fmt: skip
    if pending:
        return Check.warning(COMPLETE, "verify.complete_pending", seq=pending[0], start=a, size=n)
    return Check.passed(COMPLETE, "verify.complete_ok", start=a, size=n, entries=len(own),
                        addenda=addenda)  # fmt: skip


def _is_attempt(kind: str, payload: Mapping[str, Any]) -> bool:
    """An entry that stands for an official attempt of its task (SPEC §14.4): a commitment, a
    reveal, or an abort of an attempt (``attempt``) or with entropy values logged (``entered``)."""
    if payload.get("practice") is True or kind not in ATTEMPT_KINDS:
        return False
    return kind != ABORTED or "attempt" in payload or "entered" in payload


def _unanswered(tail: _Tail, what: Subject, record_seq: int) -> tuple[int, str] | None:
    """The first official attempt of the task logged before the record's entry that the record
    does not account for, as (seq, kind); None when there is none.

    Accounted for, starting from the record's entry: the ``draw.committed`` entry of the
    record's ``commitment`` digest (v2); what an accounted ``draw.record`` entry names
    (``revealed``, ``answers``, and the records of its ``supersedes``, which account for their
    own attempts in turn); what an accounted entry continued (``resumed``); and the abort of an
    accounted attempt (``attempt``)."""
    of_task = {s: (k, p) for s, k, p in tail.task
               if s <= record_seq and p.get("task") == what.task_id}  # fmt: skip
    records = {p.get("record"): s for s, (k, p) in of_task.items() if k == RECORD}
    accounted = {record_seq}
    if what.commitment is not None:
        accounted |= {s for s, (k, p) in of_task.items()
                      if k == COMMITTED and p.get("commitment") == what.commitment}  # fmt: skip
    grew = True
    while grew:
        grew = False
        for s, (kind, p) in of_task.items():
            if s in accounted:
                new = _named(kind, p, records) - accounted
            elif kind == ABORTED and _seq(p.get("attempt")) in accounted:
                new = {s}
            else:
                continue
            accounted |= new
            grew = grew or bool(new)
    for s in sorted(of_task):
        kind, p = of_task[s]
        if s < record_seq and s not in accounted and _is_attempt(kind, p):
            return s, kind
    return None


def _named(kind: str, payload: Mapping[str, Any], records: Mapping[Any, int]) -> set[int]:
    """The seqs an entry accounts for by name (see :func:`_unanswered`)."""
    named = [payload.get("resumed")]
    if kind == RECORD:
        named += [payload.get("revealed"), *_list(payload.get("answers"))]
        named += [records.get(d) for d in _list(payload.get("supersedes")) if isinstance(d, str)]
    return {s for s in map(_seq, named) if s is not None}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _seq(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _addendum_file(payload: Mapping[str, Any]) -> str:
    number = payload.get("seq")
    if isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= 9999:
        return layout.addendum_file(number)
    return "addenda/?"


def _consistency(
    opened: Sequence[tuple[str, note.Checkpoint]], tail: _Tail, a: int, n: int
) -> Check:
    """Each held checkpoint against the roots recomputed from the tail."""
    if not opened:
        return Check.passed(CONSISTENCY, "verify.consistency_none")
    warning: Check | None = None
    for label, cp in opened:
        if cp.size > n:
            warning = warning or Check.warning(CONSISTENCY, "verify.held_newer", file=label,
                                               size=cp.size, covered=n)  # fmt: skip
        elif cp.size < a:
            warning = warning or Check.warning(CONSISTENCY, "verify.held_before_tail",
                                               file=label, size=cp.size, start=a)  # fmt: skip
        elif tail.roots.get(cp.size) != cp.root:
            return Check.failed(CONSISTENCY, "verify.held_inconsistent", file=label, size=cp.size)
    if warning is not None:
        return warning
    sizes = ", ".join(str(cp.size) for _label, cp in opened)
    return Check.passed(CONSISTENCY, "verify.consistency_ok", sizes=sizes, size=n)
