"""The log part of a bundle: the checkpoint, the entries with their inclusion proofs, and the
checks that read them: ``log.*``, ``reveal`` and ``chain`` (docs/SPEC.md §14)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from randcheck.bundle import layout
from randcheck.core import logverify, note
from randcheck.core.checks import Check
from randcheck.core.draw import drand
from randcheck.core.draw.announce import Announcement
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.spec import unix_time
from randcheck.errors import RandcheckError
from randcheck.services.attempts import (
    ABORTED,
    COMMITTED,
    RECORD,
    REVEALED,
    SEEN_SEED_STAGES,
    discarded_entropy,
)
from randcheck.services.verify.reading import BundleFiles

_HEX64 = re.compile(r"^[0-9a-f]{64}$")

Entries = Mapping[int, tuple[bytes, dict[str, Any] | None]]


def entries(files: BundleFiles) -> dict[int, tuple[bytes, dict[str, Any] | None]]:
    """Log entries in the bundle: seq -> (exact canonical line, parsed entry or None)."""
    out: dict[int, tuple[bytes, dict[str, Any] | None]] = {}
    for path in files:
        seq = layout.entry_seq(path)
        if seq is None:
            continue
        data = files[path]
        line = data[:-1] if data.endswith(b"\n") else data
        value, problem = logverify.check_entry(line, seq)
        out[seq] = (line, value if problem is None else None)
    return out


def naming(
    entries: Entries, digest: str, *, kind: str | None = None, task: Any = None
) -> int | None:
    """The earliest entry whose payload names ``digest`` (as a top-level value); with ``kind``
    only an entry of that kind, of ``task`` and not a practice run (``"practice": true``)."""
    for seq in sorted(entries):
        value = entries[seq][1]
        if value is None:
            continue
        payload = value.get("payload", {})
        if not isinstance(payload, dict):
            continue
        if kind is not None and (
            value.get("kind") != kind
            or payload.get("task") != task
            or payload.get("practice") is True
        ):
            continue
        if digest in [v for v in payload.values() if isinstance(v, str)]:
            return seq
    return None


class Log:
    """The checkpoint, the entries and the inclusion proofs of one bundle."""

    def __init__(self, files: BundleFiles, keys: Mapping[str, bytes]) -> None:
        self.files = files
        self.entries = entries(files)
        self.cp_text: str | None = None
        self.cp_key: bytes | None = None
        self.checkpoint: note.Checkpoint | None = None
        self.seqs: dict[str, int] = {}  # check name without "log." -> proven entry
        raw = files.get(layout.CHECKPOINT)
        self.cp_check: Check
        if raw is None:
            self.cp_check = files.absent("log.checkpoint", layout.CHECKPOINT)
            return
        try:
            text = raw.decode("utf-8")
            cp, origin = logverify.open_checkpoint(text, keys)
        except UnicodeDecodeError:
            self.cp_check = Check.failed("log.checkpoint", "checkpoint.malformed")
            return
        except RandcheckError as exc:
            self.cp_check = Check.failed(
                "log.checkpoint", "verify.checkpoint_bad", reason_code=exc.code
            )
            return
        self.cp_text, self.checkpoint = text, cp
        for public in keys.values():
            if logverify.log_name_for(public, text) == origin:
                self.cp_key = public
        self.cp_check = Check.passed(
            "log.checkpoint", "verify.checkpoint_ok", size=cp.size, origin=origin
        )

    def payload(self, seq: int | None) -> dict[str, Any]:
        value = self.entries.get(seq, (b"", None))[1] if seq is not None else None
        payload = (value or {}).get("payload")
        return payload if isinstance(payload, dict) else {}

    def kind(self, seq: int) -> str:
        return str((self.entries.get(seq, (b"", None))[1] or {}).get("kind", ""))

    def prove_seq(self, seq: int) -> tuple[str | None, dict[str, Any]]:
        """(failure code or None, params) for the inclusion of entry ``seq``."""
        if seq not in self.entries:
            return "verify.missing_file", {"file": layout.entry_file(seq)}
        if self.entries[seq][1] is None:
            return "verify.entry_bad", {"seq": seq}
        if self.cp_text is None or self.cp_key is None:
            return "verify.no_checkpoint", {"seq": seq}
        path = layout.proof_file(seq)
        proof = self.files.get(path)
        if proof is None:
            gone = self.files.absent("", path)
            return gone.code, dict(gone.params)
        try:
            text = proof.decode("utf-8")
            if note.parse_proof(text).checkpoint != self.cp_text:
                return "verify.proof_other_checkpoint", {"seq": seq}
            logverify.verify_proof(text, self.cp_key, self.entries[seq][0])
        except UnicodeDecodeError:
            return "proof.malformed", {}
        except RandcheckError as exc:
            return "verify.proof_bad", {"seq": seq, "reason_code": exc.code}
        return None, {"seq": seq}

    def prove(
        self, digest: str | None, *, kind: str | None = None, task: Any = None
    ) -> tuple[int | None, str | None, dict[str, Any]]:
        """(seq, failure code or None, params) for the earliest entry naming ``digest`` (with
        ``kind``: the earliest such entry of that kind and task, not a practice run)."""
        if digest is None:
            return None, "proto.check_skipped", {}
        seq = naming(self.entries, digest, kind=kind, task=task)
        if seq is None:
            if kind is not None:
                return None, "verify.no_entry_of_kind", {"digest": digest[:16], "kind": kind}
            return None, "verify.no_entry", {"digest": digest[:16]}
        problem, params = self.prove_seq(seq)
        return seq, problem, params

    def check(
        self, name: str, digest: str | None, *, kind: str | None = None, task: Any = None
    ) -> Check:
        """``log.<name>``: the entry naming ``digest`` exists and is proven (with ``kind``: an
        entry of that kind for ``task``, not a practice run)."""
        seq, problem, params = self.prove(digest, kind=kind, task=task)
        if problem is not None:
            return Check(name, False, problem, params)
        assert seq is not None
        self.seqs[name.removeprefix("log.")] = seq
        value = self.entries[seq][1] or {}
        return Check.passed(
            name,
            "verify.logged",
            seq=seq,
            kind=str(value.get("kind", "")),
            time=str(value.get("time", "")),
        )


def order_check(log: Log, ann: Announcement | None, n_addenda: int) -> Check:
    """``log.order``: announcement < record < addenda, and announced before every drand round."""
    seqs = log.seqs
    if "announcement" not in seqs or "record" not in seqs or ann is None:
        return Check.skipped("log.order")
    a, r = seqs["announcement"], seqs["record"]
    if not a < r:
        return Check.failed("log.order", "verify.order_record", announcement=a, record=r)
    last = r
    for i in range(1, n_addenda + 1):
        s = seqs.get(f"addendum.{i}")
        if s is None:
            return Check.skipped("log.order")
        if not s > last:
            return Check.failed("log.order", "verify.order_addendum", seq=i, entry=s)
        last = s
    entry = log.entries[a][1] or {}
    logged = str(entry.get("time", ""))
    for src in ann.entropy:
        if src.get("type") != "drand" or "round" not in src:
            continue  # a v2 source names no round: services/verify/ordering.py checks it
        try:
            chain = drand.chain_by_hash(src["chain_hash"])
            published = drand.round_time(chain, src["round"])
            if not unix_time(logged) < published:
                return Check.failed(
                    "log.order", "verify.order_drand", logged=logged, round=src["round"]
                )
        except RandcheckError as exc:
            return Check.from_error("log.order", exc)
    return Check.passed("log.order", "verify.order_ok", announcement=a, record=r, logged=logged)


def reveal_check(rec: Mapping[str, Any] | None, log: Log) -> Check:
    """``reveal``: the record's own attempt was logged (``draw.revealed``) before its seed was
    shown, for this task, announcement and seed, and before the record."""
    r = log.seqs.get("record")
    if rec is None or r is None:
        return Check.skipped("reveal")
    seq = log.payload(r).get("revealed")
    if seq is None:
        return Check.passed("reveal", "verify.reveal_unlogged")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return Check.failed("reveal", "verify.reveal_bad", seq=str(seq)[:20])
    problem, params = log.prove_seq(seq)
    if problem is not None:
        return Check(name="reveal", ok=False, code=problem, params=params)
    p = log.payload(seq)
    if not (
        log.kind(seq) == REVEALED
        and p.get("task") == rec.get("task_id")
        and p.get("announcement") == rec.get("announcement")
        and p.get("seed") == rec.get("seed")
        and seq < r
    ):
        return Check.failed("reveal", "verify.reveal_bad", seq=seq)
    return Check.passed("reveal", "verify.reveal_ok", seq=seq)


def _predecessor_ok(log: Log, seq: int, task: Any, record_seq: int) -> bool:
    """Entry ``seq`` stands for an earlier official attempt of ``task``: a record, a logged
    reveal, a logged v2 commitment (``draw.committed``: its values were signed and shown,
    docs/SPEC-v2.md), or an abort after every seed input was shown or with entropy logged."""
    p = log.payload(seq)
    kind = log.kind(seq)
    if p.get("task") != task or not seq < record_seq:
        return False
    if kind == ABORTED:  # shown the seed's inputs, or stopped with entropy values logged
        seen = p.get("stage") in SEEN_SEED_STAGES and p.get("practice") is False
        return seen or discarded_entropy({"kind": kind, "payload": p})
    return kind in (RECORD, REVEALED, COMMITTED)


def predecessors(log: Log, task: Any, record_seq: int) -> tuple[list[int], Check | None]:
    """The entries a record's log entry names as the attempts it replaces (``supersedes``:
    record digests; ``answers``: reveal, commitment or abort entries), each proven; or the
    failed check."""
    payload = log.payload(record_seq)
    seqs: list[int] = []
    for digest in payload.get("supersedes") or []:
        seq = naming(log.entries, str(digest)) if isinstance(digest, str) else None
        if seq is None:
            return [], Check.failed("chain", "verify.no_entry", digest=str(digest)[:16])
        seqs.append(seq)
    answers = payload.get("answers")
    if answers is None:  # a record logged before reveals were: every earlier attempt shown
        seqs += [
            s
            for s in sorted(log.entries)
            if log.kind(s) in (ABORTED, RECORD, REVEALED) and s not in seqs
            and _predecessor_ok(log, s, task, record_seq)
        ]  # fmt: skip
    elif isinstance(answers, list):
        seqs += [s for s in answers if isinstance(s, int) and not isinstance(s, bool)]
        if len(seqs) != len(payload.get("supersedes") or []) + len(answers):
            return [], Check.failed("chain", "verify.predecessor_bad", seq="?")
    for seq in seqs:
        problem, params = log.prove_seq(seq)
        if problem is not None:
            return [], Check(name="chain", ok=False, code=problem, params=params)
        if not _predecessor_ok(log, seq, task, record_seq):
            return [], Check.failed("chain", "verify.predecessor_bad", seq=seq)
    return sorted(set(seqs)), None


def _committed_at(payload: Mapping[str, Any]) -> str | None:
    """The ``committed_at`` of the commitment a ``draw.committed`` entry carries, if readable."""
    try:
        value = open_envelope(str(payload.get("envelope", "")).encode("utf-8")).doc
    except RandcheckError:
        return None
    at = value.get("committed_at")
    return at if isinstance(at, str) else None


def _redraw_too_early(log: Log, seqs: Sequence[int], committed_at: str) -> Check | None:
    """A v2 redraw's commitment is made after every commitment it answers (docs/SPEC-v2.md §8):
    its ``committed_at`` is strictly later than each one's ``committed_at`` and log time; else
    the office could back-date it to a round already public."""
    try:
        ours = unix_time(committed_at)
    except RandcheckError:
        return None  # commitment.binding says why
    for seq in seqs:
        if log.kind(seq) != COMMITTED:
            continue
        value = log.entries[seq][1] or {}
        for t in (_committed_at(log.payload(seq)) or "", str(value.get("time", ""))):
            try:
                earlier = unix_time(t)
            except RandcheckError:
                continue
            if not ours > earlier:
                return Check.failed("chain", "verify.redraw_committed_early",
                                    committed_at=committed_at, seq=seq,
                                    kind=log.kind(seq), time=t)  # fmt: skip
    return None


def chain_check(
    rec: Mapping[str, Any] | None, log: Log, fmt: str, committed_at: str | None = None
) -> Check:
    """``chain``: the record chain, and a redraw exactly when earlier attempts exist; a v2
    redraw's commitment (``committed_at``) later than every attempt it answers."""
    if rec is None:
        return Check.skipped("chain")
    prev = rec.get("previous_record")
    redraw = rec.get("redraw")
    r = log.seqs.get("record")
    if prev is not None and (not isinstance(prev, str) or not _HEX64.match(prev)):
        return Check.failed("chain", "verify.chain_format", value=str(prev)[:80])
    prev_seq: int | None = None
    if prev is not None and naming(log.entries, prev) is not None:
        prev_seq, problem, params = log.prove(prev)
        if problem is not None:
            return Check("chain", False, problem, params)
        if prev_seq is None or r is None or not prev_seq < r:
            return Check.failed("chain", "verify.chain_order", previous=prev[:16])
    if fmt == layout.FORMAT_V1:  # v1 bundles carry no attempts: a redraw needs a previous
        if prev is None and redraw is not None:
            return Check.failed("chain", "verify.redraw_no_previous")
    else:
        if r is None:
            return Check.skipped("chain")
        seqs, failed = predecessors(log, rec.get("task_id"), r)
        if failed is not None:
            return failed
        if redraw is None and seqs:
            return Check.failed("chain", "verify.unmarked_redraw", seqs=_list(seqs))
        if redraw is not None and not seqs:
            return Check.failed("chain", "verify.redraw_unexplained")
        if seqs and committed_at is not None:
            early = _redraw_too_early(log, seqs, committed_at)
            if early is not None:
                return early
        if seqs:
            return Check.passed("chain", "verify.chain_redraw", seqs=_list(seqs))
    if prev is None:
        return Check.passed("chain", "verify.chain_first")
    if prev_seq is None:
        return Check.passed("chain", "verify.chain_format_only", previous=prev[:16])
    return Check.passed("chain", "verify.chain_logged", previous=prev[:16], seq=prev_seq)


def _list(seqs: Sequence[int]) -> str:
    return ", ".join(str(s) for s in seqs)
