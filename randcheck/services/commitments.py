"""randcheck/draw/v2 at the draw: the entropy commitment signed, anchored and logged before the
drand round is known, and the round its ``committed_at`` fixes (docs/SPEC-v2.md §3–§5).

Order (the ceremony and the ``--entropy`` path alike): the dice and lottery values are entered
→ :func:`build` → signed by the operator → a timestamp token (optional, :func:`check_token`;
at most one per commitment; it covers the body, so it is asked before the co-signatures) →
co-signed by the witnesses present (:func:`cosign`, or a file from ``randcheck cosign``:
:func:`add_cosignature`) → :func:`log` commits the ``draw.committed`` entry (the envelope
and the token in its payload) and returns the round (a token that came back too late is
logged too, and the commitment is then dead: :func:`ensure_alive`) →
the round is fetched → ``draws.reveal`` (continuing the commitment) → ``draws.compute``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core import signing, tsa
from randcheck.core.draw import commitment as com
from randcheck.core.draw import drand, envelope
from randcheck.core.draw.announce import Announcement, parse_announcement
from randcheck.core.draw.spec import SPEC_V2_ID, digest, unix_time
from randcheck.errors import InputError, RandcheckError, VerificationError
from randcheck.services import attempts
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.draws import DrawPlan, check_redraw, recheck_unchanged
from randcheck.workspace import Workspace


def is_v2(plan: DrawPlan) -> bool:
    return plan.doc.get("spec") == SPEC_V2_ID


def _ann(plan: DrawPlan) -> Announcement:
    return parse_announcement(plan.doc)


@dataclass(frozen=True)
class Token:
    """A timestamp token checked against the commitment and the announcement."""

    der: bytes
    gen_time: datetime
    tsa_name: str
    fingerprint: str
    latest: datetime  # genTime + accuracy, truncated to microseconds: for display only
    latest_exact: Fraction  # genTime + accuracy, exact: what the rule compares (SPEC-v2 §4)


@dataclass(frozen=True)
class Committed:
    """A logged commitment and the round(s) it fixes."""

    seq: int
    envelope: bytes
    digest: str
    token: Token | None
    committed_at: Fraction  # fixes the round (SPEC-v2 §5)
    rounds: dict[int, int]  # drand source index -> round
    witnesses: tuple[str, ...]  # names of the declared witnesses who co-signed
    late: bool = False  # the token came back after the round was published: dead (§4)

    @property
    def round(self) -> int | None:
        return next(iter(self.rounds.values()), None)

    def anchors(self) -> list[str]:
        out = [com.ANCHOR_TSA] if self.token else []
        out += [com.ANCHOR_WITNESSES] if self.witnesses else []
        return out or [com.ANCHOR_CLOCK]


def build(
    plan: DrawPlan, evidence: Sequence[Mapping[str, Any] | None], committed_at: str
) -> dict[str, Any]:
    """The commitment body: ``evidence`` answers every source (None for nonce and drand)."""
    ann = _ann(plan)
    return com.commitment_body(ann, plan.digest, com.values_for(ann.entropy, evidence),
                               committed_at)  # fmt: skip


def sign(
    plan: DrawPlan,
    body: Mapping[str, Any],
    operator: Ed25519PrivateKey,
    witnesses: Sequence[tuple[str, Ed25519PrivateKey]],
) -> bytes:
    """Sign (operator), then co-sign by each witness present; a witness key the announcement
    does not declare is refused (``ceremony.v2_witness_missing``) before anything is signed."""
    check_witness_keys(plan, witnesses)
    return cosign(plan, envelope.signed(body, operator), witnesses)


def check_witness_keys(plan: DrawPlan, witnesses: Sequence[tuple[str, Ed25519PrivateKey]]) -> None:
    """Every witness key unlocked here is one the announcement declares
    (``ceremony.v2_witness_missing``): checked before anything is signed."""
    declared = witness_names(plan)
    for name, key in witnesses:
        if signing.key_id(signing.public_raw(key)) not in declared:
            raise InputError("ceremony.v2_witness_missing", name=name)


def cosign(plan: DrawPlan, env: bytes, witnesses: Sequence[tuple[str, Ed25519PrivateKey]]) -> bytes:
    """``env`` co-signed by each witness present (keys unlocked here).  The ceremony does this
    after the timestamp token is requested: the token covers the body, not the signatures."""
    check_witness_keys(plan, witnesses)
    for _name, key in witnesses:
        env = envelope.cosign(env, key)
    return env


# --- a witness co-signing on their own device ---------------------------------------------

#: the ``kind`` of a co-signature file made by ``randcheck cosign``
COSIGNATURE_KIND = "randcheck/cosignature"


def cosignature(env: bytes, key: Ed25519PrivateKey) -> dict[str, str]:
    """A witness's co-signature over a commitment envelope (its body: SPEC §2), as the object
    ``randcheck cosign`` writes; ``InputError`` if ``env`` is not a commitment envelope."""
    try:
        opened = envelope.open_envelope(env, com.KIND)
    except VerificationError as exc:
        raise InputError("cosign.not_commitment") from exc
    from randcheck.core.draw.spec import signing_input

    sig = signing.sign(key, signing_input(opened.kind, opened.body))
    return {
        "kind": COSIGNATURE_KIND,
        "commitment": opened.digest,
        "keyid": signing.key_id(signing.public_raw(key)),
        "sig": sig.hex(),
    }


#: a witness co-signs on the spot (docs/SPEC-v2.md §4, §10): ``randcheck cosign`` refuses a
#: commitment whose ``committed_at`` is more than this many seconds before the witness's clock
COSIGN_MAX_AGE = 120
#: … or more than this many seconds after it (clocks differ a little; a commitment from the
#: future is not one made now)
COSIGN_MAX_AHEAD = 30


def check_cosign_time(opened: envelope.Envelope, now: int) -> int:
    """A witness attests that ``committed_at`` is now: ``InputError`` (``cosign.clock_refused``)
    unless it is at most :data:`COSIGN_MAX_AGE` s before and :data:`COSIGN_MAX_AHEAD` s after
    the witness's clock ``now`` (Unix seconds).  No override: a witness who comes late cannot
    co-sign.  Returns ``committed_at`` as Unix seconds."""
    from randcheck.core.chinatime import beijing_time

    try:
        at = unix_time(str(opened.doc.get("committed_at")))
    except InputError as exc:
        raise InputError("cosign.bad_time") from exc
    if now - at > COSIGN_MAX_AGE or at - now > COSIGN_MAX_AHEAD:
        raise InputError("cosign.clock_refused", at=beijing_time(at), now=beijing_time(now),
                         delta=abs(now - at), age=COSIGN_MAX_AGE,
                         ahead=COSIGN_MAX_AHEAD)  # fmt: skip
    return at


def check_cosign_announcement(opened: envelope.Envelope, ann_env: bytes, source: str) -> str:
    """With the announcement a witness was given (``randcheck cosign --announcement``): the
    commitment names its task and digest, and its first signature (the operator's, SPEC-v2
    §3) is by the announcement's signer key — compared by key id (the announcement carries no
    public key).  ``InputError`` otherwise; returns the signer's key id."""
    try:
        ann = envelope.open_envelope(ann_env, "announcement")
    except VerificationError as exc:
        raise InputError("cosign.not_announcement", path=source) from exc
    task = ann.doc.get("task")
    task_id = task.get("id") if isinstance(task, Mapping) else None
    if opened.doc.get("announcement") != ann.digest or opened.doc.get("task_id") != task_id:
        raise InputError("cosign.other_announcement", path=source,
                         task=str(opened.doc.get("task_id")), digest=ann.digest[:16])  # fmt: skip
    signer = ann.signatures[0][0] if ann.signatures else ""
    if not opened.signatures or opened.signatures[0][0] != signer:
        raise InputError("cosign.not_announcement_signer", key_id=signer[:16])
    return signer


def add_cosignature(ws: Workspace, plan: DrawPlan, env: bytes, doc: Any) -> tuple[bytes, str]:
    """``env`` with a witness's co-signature (from a ``randcheck cosign`` file) added: it must
    be over this commitment, by a declared witness key whose public key the workspace has
    (own or trusted), and verify; ``InputError`` (``cosign.rejected``) otherwise.  Returns
    (envelope, the witness's name)."""
    from randcheck.core.draw.spec import signing_input
    from randcheck.services import keys as keys_svc

    opened = envelope.open_envelope(env, com.KIND)
    names = witness_names(plan)

    def refuse(reason: str, **params: Any) -> InputError:
        return InputError("cosign.rejected", reason_key=reason, reason_params=params)

    if not isinstance(doc, Mapping) or doc.get("kind") != COSIGNATURE_KIND:
        raise refuse("cosign.bad_file")
    if doc.get("commitment") != opened.digest:
        raise refuse("cosign.other_commitment")
    keyid = str(doc.get("keyid"))
    if keyid not in names:
        raise refuse("proto.witness_undeclared", key_id=keyid[:16])
    if any(k == keyid for k, _ in opened.signatures):
        return env, names[keyid]
    public = next((k.public for k in keys_svc.list_keys(ws) if k.key_id == keyid), None)
    if public is None:
        raise refuse("proto.witness_key_missing", key_id=keyid[:16])
    try:
        sig = bytes.fromhex(str(doc.get("sig")))
        signing.verify(public, signing_input(opened.kind, opened.body), sig)
    except (ValueError, RandcheckError) as exc:
        raise refuse("proto.witness_bad_signature", key_id=keyid[:16]) from exc
    return envelope.wrap(opened.body, [*opened.signatures, (keyid, sig.hex())]), names[keyid]


def witness_names(plan: DrawPlan) -> dict[str, str]:
    """Declared witnesses: key id -> name."""
    ann = _ann(plan)
    return ann.ordering.names() if ann.ordering else {}


def token_der(data: bytes) -> bytes:
    """A typed or relayed file as the bare TimeStampToken: a whole TimeStampResp (what curl or
    ``openssl ts -reply`` save) is unwrapped, so the log and the bundle always hold the token;
    ``InputError`` when the response is a refusal."""
    try:
        return tsa.parse_response(data)
    except tsa.TimestampError as exc:
        if exc.code == "tsa.malformed":
            return data  # not a TimeStampResp: the token itself (checked next)
        raise InputError("ceremony.v2_token_mismatch", reason_key=exc.code,
                         reason_params=dict(exc.params)) from exc  # fmt: skip


def check_token(plan: DrawPlan, env: bytes, der: bytes) -> Token:
    """Verify a token over the commitment's digest, by a TSA the announcement lists; raises
    ``InputError`` (``ceremony.v2_token_mismatch``) with the reason.  A TimeStampResp is
    normalised to its token first (:func:`token_der`)."""
    digest = envelope.open_envelope(env, "commitment").digest
    der = token_der(der)
    try:
        tok = tsa.verify_token(der, bytes.fromhex(digest))
    except tsa.TimestampError as exc:
        raise InputError("ceremony.v2_token_mismatch", reason_key=exc.code,
                         reason_params=dict(exc.params)) from exc  # fmt: skip
    ann = _ann(plan)
    listed = ann.ordering.tsa if ann.ordering else ()
    if tok.signer_fingerprint not in listed:
        raise InputError("ceremony.v2_token_mismatch", reason_key="proto.tsa_undeclared",
                         reason_params={"fingerprint": tok.signer_fingerprint[:16]})  # fmt: skip
    return Token(der, tok.gen_time, tok.tsa_name, tok.signer_fingerprint, tok.latest_time,
                 tok.latest_exact)  # fmt: skip


def _settle(plan: DrawPlan, env: bytes, token: Token | None, seq: int) -> Committed:
    opened = envelope.open_envelope(env, "commitment")
    ann = _ann(plan)
    c = com.parse_commitment(opened.doc, ann, plan.digest)
    committed_at = Fraction(unix_time(c.committed_at))
    names = witness_names(plan)
    signed_by = tuple(names[k] for k, _ in opened.signatures if k in names)
    late = False
    if token is not None:
        try:
            com.check_token_in_time(ann, committed_at, token.latest_exact)
        except VerificationError:
            late = True
    return Committed(seq, env, opened.digest, token, committed_at,
                     com.expected_rounds(ann, committed_at), signed_by, late)  # fmt: skip


def ensure_alive(c: Committed) -> None:
    """A commitment whose token came back after its round was published anchors nothing: the
    draw cannot go on with it (``ceremony.v2_token_late``); a new draw is a marked redraw that
    names it (``--redraw``), like any pending attempt."""
    if c.late and c.token is not None:
        raise InputError("ceremony.v2_token_late", seq=c.seq,
                         time=format_time(c.token.latest.replace(microsecond=0)))  # fmt: skip


def log(
    ws: Workspace,
    engine: Engine,
    plan: DrawPlan,
    env: bytes,
    token: Token | None,
    actor: str,
    *,
    redraw: bool,
    now: datetime | None = None,
) -> Committed:
    """Commit the ``draw.committed`` entry (the envelope and token in its payload, so the log
    holds what the bundle publishes) and return the round it fixes.  From here on the task has
    a pending attempt: ``plan`` now continues it (``plan.resuming``)."""
    check_redraw(plan, redraw)
    draft = _settle(plan, env, token, -1)
    with AuditLog(ws, engine).transaction(actor, now) as tx:
        recheck_unchanged(tx, plan)
        check_after_answered(attempts.task_entries(tx.session, plan.task_id), plan.pending,
                             int(draft.committed_at))  # fmt: skip
        seq = tx.record(
            attempts.COMMITTED,
            {
                "task": plan.task_id,
                "announcement": plan.digest,
                "commitment": draft.digest,
                "round": draft.round,
                "anchors": draft.anchors(),
                "envelope": env.decode("utf-8"),
                "token": None if token is None else base64.b64encode(token.der).decode("ascii"),
                **({} if plan.resuming is None else {"resumed": plan.resuming}),
            },
        )
    plan.resuming = seq  # this ceremony continues its own commitment
    return _settle(plan, env, token, seq)


def check_after_answered(
    entries: Sequence[attempts.Entry], pending: Sequence[int], committed_at: int
) -> None:
    """A commitment that answers pending attempts (a redraw's) must be made after them: its
    ``committed_at`` strictly later than the log time, and than the ``committed_at`` of a
    commitment, of every pending attempt it answers (docs/SPEC-v2.md §3).  Otherwise the
    office could redraw with a commitment dated before the one it replaces, and so pick an
    earlier, already public round.  ``InputError`` (``ceremony.v2_redraw_not_later``)."""
    by_seq = dict(entries)
    for seq in pending:
        entry = by_seq.get(seq)
        if entry is None:
            continue
        times = [unix_time(str(entry["time"]))]
        if entry["kind"] == attempts.COMMITTED:
            env = str(entry["payload"].get("envelope", "")).encode("utf-8")
            times.append(unix_time(str(envelope.open_envelope(env, com.KIND).doc["committed_at"])))
        if committed_at <= max(times):
            at, before = (format_time(datetime.fromtimestamp(t, UTC))
                          for t in (committed_at, max(times)))  # fmt: skip
            raise InputError("ceremony.v2_redraw_not_later", seq=seq, at=at, before=before)


def _from_entry(plan: DrawPlan, seq: int, payload: Mapping[str, Any]) -> Committed:
    env = str(payload["envelope"]).encode("utf-8")
    token: Token | None = None
    if payload.get("token"):
        token = check_token(plan, env, base64.b64decode(str(payload["token"])))
    return _settle(plan, env, token, seq)


def pending(engine: Engine, plan: DrawPlan) -> Committed | None:
    """The task's latest commitment that nothing carried on since (only aborts before any seed
    came after it): ``randcheck draw TASK --resume`` continues it, same values, same round."""
    with Session(engine) as session:
        entries = attempts.task_entries(session, plan.task_id)
    for seq, entry in reversed(entries):
        p = entry["payload"]
        if entry["kind"] == "draw.practice" or p.get("practice") is True:
            continue  # a practice run in between changes nothing official
        if entry["kind"] == attempts.COMMITTED:
            if p.get("announcement") != plan.digest:
                return None
            return _from_entry(plan, seq, p)
        if entry["kind"] != attempts.ABORTED or "attempt" in p:
            return None
        if p.get("stage") not in attempts.PRE_SEED_STAGES or p.get("practice") is not False:
            return None
    return None


def committed_from_log(engine: Engine, plan: DrawPlan, seq: int) -> Committed:
    """The commitment logged at ``seq`` (for a caller that holds its seq)."""
    with Session(engine) as session:
        entries = dict(attempts.task_entries(session, plan.task_id))
    entry = entries.get(seq)
    if entry is None or entry["kind"] != attempts.COMMITTED:
        raise InputError("ceremony.resume_nothing", task=plan.task_id)
    return _from_entry(plan, seq, entry["payload"])


def check_tsa_url(url: str) -> None:
    """The form of a TSA URL (``http(s)://host…``), checked before the commitment is signed;
    ``InputError`` (``tsa.bad_url``)."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.netloc) and parts.hostname
    except ValueError:
        ok = False
    if not ok:
        raise InputError("tsa.bad_url", url=url)


def task_tsa_url(engine: Engine, task_id: str) -> str | None:
    """The ``tsa_url`` of a v2 task's ``[ordering]`` (None if it has none)."""
    from randcheck.services.tasks import get_task

    with Session(engine) as session:
        _row, d = get_task(session, task_id)
    return (d.ordering.tsa_url or None) if d.ordering is not None else None


def round_time(plan: DrawPlan, c: Committed) -> tuple[int, int]:
    """(round, its publication time, unix) of the first drand source."""
    for i, r in c.rounds.items():
        chain = drand.chain_by_hash(str(plan.sources[i]["chain_hash"]))
        return r, drand.round_time(chain, r)
    raise InputError("proto.v2_drand_required")


def anchor_text(c: Committed) -> str:
    """The commitment's time, which fixes the round, as UTC text."""
    return format_time(datetime.fromtimestamp(int(c.committed_at), UTC))


def practice_digest(plan: DrawPlan, evidence: Sequence[Mapping[str, Any]], at: str) -> str:
    """A practice draw's stand-in commitment digest (never signed, never logged)."""
    from randcheck.services.draws import practice_announcement

    ann_env = envelope.open_envelope(practice_announcement(plan), "announcement")
    ann = parse_announcement(ann_env.doc)
    body = com.commitment_body(ann, ann_env.digest, com.values_for(ann.entropy, evidence), at)
    return digest(com.KIND, envelope.seal(body))


# --- the bundle ---------------------------------------------------------------------------


def _entry_for(entries: Sequence[attempts.Entry], digest: str) -> attempts.Entry | None:
    for seq, entry in entries:
        if entry["kind"] == attempts.COMMITTED and entry["payload"].get("commitment") == digest:
            return seq, entry
    return None


def log_seqs(entries: Sequence[attempts.Entry], record: Mapping[str, Any]) -> list[int]:
    """The log entry of a v2 record's commitment (published with its inclusion proof)."""
    digest = record.get("commitment")
    found = _entry_for(entries, digest) if isinstance(digest, str) else None
    return [] if found is None else [found[0]]


def bundle_files(
    ws: Workspace, engine: Engine, task_id: str, record: Mapping[str, Any]
) -> dict[str, bytes]:
    """``commitment.json``, ``commitment.tsr`` and ``keys/witnesses/<key id>.pub`` of a v2
    record's bundle (docs/SPEC-v2.md §7); nothing for a v1 record."""
    from randcheck.bundle import layout
    from randcheck.services import keys as keys_svc

    digest = record.get("commitment")
    if not isinstance(digest, str):
        return {}
    with Session(engine) as session:
        found = _entry_for(attempts.task_entries(session, task_id), digest)
    if found is None:
        raise InputError("proto.commitment_missing")
    payload = found[1]["payload"]
    env = str(payload["envelope"]).encode("utf-8")
    files = {layout.COMMITMENT: env}
    if payload.get("token"):
        files[layout.COMMITMENT_TOKEN] = base64.b64decode(str(payload["token"]))
    # the operator signs first (SPEC-v2 §3); the co-signers after it are the witnesses
    signers = {k for k, _ in envelope.open_envelope(env, "commitment").signatures[1:]}
    for info in keys_svc.list_keys(ws):
        if info.key_id in signers and layout.witness_key_file(info.key_id) not in files:
            text = keys_svc.export_for(ws, info.name, info.public)
            files[layout.witness_key_file(info.key_id)] = text.encode("utf-8")
    return files
