"""The entropy commitment of randcheck/draw/v2 (docs/SPEC-v2.md §3–§8): the room's values fixed
and signed before the drand round is known, the round its ``committed_at`` fixes, the anchors
that show it existed before that round was public, and the checks a verifier runs on it
(``commitment.*``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from randcheck.core import signing, tsa
from randcheck.core.canonical import canonical
from randcheck.core.checks import Check
from randcheck.core.draw import drand, entropy
from randcheck.core.draw.announce import TOOL, Announcement
from randcheck.core.draw.envelope import Envelope, open_envelope, verify
from randcheck.core.draw.spec import SPEC_V2_ID, check_text, check_time, signing_input, unix_time
from randcheck.core.draw.v2 import round_after
from randcheck.errors import InputError, RandcheckError, SignatureError, VerificationError

KIND = "commitment"
COMMITMENT_KEYS = {"spec", "kind", "tool", "task_id", "announcement", "committed_at", "values"}
#: the sources whose values the room enters and the commitment fixes; the nonce is committed
#: in the announcement already and the drand round is what the commitment comes before
COMMITTED_TYPES = ("dice", "lottery")
#: what the ordering can rest on, as the ``draw.committed`` log entry lists it
ANCHOR_TSA = "tsa"
ANCHOR_WITNESSES = "witnesses"
ANCHOR_CLOCK = "clock"

# a window wide enough for any value-only evidence check (dice and lottery have no timing)
_EVER = ("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z")


def values_for(
    sources: Sequence[Mapping[str, Any]], evidence: Sequence[Mapping[str, Any] | None]
) -> list[dict[str, Any] | None]:
    """One item per announced source: the dice and lottery evidence, null for the others."""
    if len(sources) != len(evidence):
        raise InputError("proto.commitment_values", expected=len(sources))
    out: list[dict[str, Any] | None] = []
    for src, ev in zip(sources, evidence, strict=True):
        if src["type"] in COMMITTED_TYPES:
            if ev is None:
                raise InputError("proto.commitment_values", expected=len(sources))
            out.append(dict(ev))
        else:
            out.append(None)
    return out


def commitment_body(
    ann: Announcement,
    ann_digest: str,
    values: Sequence[Mapping[str, Any] | None],
    committed_at: str,
    tool: str = TOOL,
) -> dict[str, Any]:
    """The commitment body (SPEC-v2 §3); raises ``InputError`` if the announcement is not v2 or
    a value does not answer its source."""
    if ann.spec != SPEC_V2_ID:
        raise InputError("proto.not_v2")
    body = {
        "spec": SPEC_V2_ID,
        "kind": KIND,
        "tool": tool,
        "task_id": ann.task.id,
        "announcement": ann_digest,
        "committed_at": committed_at,
        "values": [None if v is None else dict(v) for v in values],
    }
    try:
        parse_commitment(body, ann, ann_digest)
    except VerificationError as exc:
        raise InputError(exc.code, **exc.params) from exc
    return body


@dataclass(frozen=True)
class Commitment:
    """A checked commitment body."""

    task_id: str
    announcement: str
    committed_at: str
    values: tuple[dict[str, Any] | None, ...]
    tool: str


def parse_commitment(doc: Mapping[str, Any], ann: Announcement, ann_digest: str) -> Commitment:
    """Check a commitment body against its announcement (SPEC-v2 §3); raises
    ``VerificationError``."""
    if not isinstance(doc, Mapping) or set(doc) != COMMITMENT_KEYS:
        raise VerificationError("proto.commitment_fields")
    if doc["spec"] != SPEC_V2_ID or doc["kind"] != KIND:
        raise VerificationError("proto.commitment_fields")
    try:
        check_text(doc["tool"], "tool")
        committed_at = check_time(doc["committed_at"], "committed_at")
    except InputError as exc:
        raise VerificationError(exc.code, **exc.params) from exc
    if doc["task_id"] != ann.task.id:
        raise VerificationError("proto.commitment_mismatch", field="task_id")
    if doc["announcement"] != ann_digest:
        raise VerificationError("proto.commitment_mismatch", field="announcement")
    if unix_time(committed_at) < unix_time(ann.announced_at):
        raise VerificationError("proto.commitment_mismatch", field="committed_at")
    values = doc["values"]
    if not isinstance(values, list) or len(values) != len(ann.entropy):
        raise VerificationError("proto.commitment_mismatch", field="values")
    for i, (src, value) in enumerate(zip(ann.entropy, values, strict=True)):
        if src["type"] in COMMITTED_TYPES:
            if not isinstance(value, Mapping):
                raise VerificationError("proto.commitment_mismatch", field=f"values[{i}]")
            entropy.check_evidence(src, value, i, *_EVER, verify_bls=False)
        elif value is not None:
            raise VerificationError("proto.commitment_mismatch", field=f"values[{i}]")
    return Commitment(
        task_id=doc["task_id"],
        announcement=ann_digest,
        committed_at=committed_at,
        values=tuple(None if v is None else dict(v) for v in values),
        tool=doc["tool"],
    )


def check_record_values(c: Commitment, evidence: Sequence[Mapping[str, Any]]) -> None:
    """The record's dice and lottery evidence equal the committed values byte for byte (JCS);
    raises ``VerificationError`` naming the first that differs."""
    if not isinstance(evidence, list) or len(evidence) != len(c.values):
        raise VerificationError("proto.commitment_mismatch", field="values")
    for i, (value, ev) in enumerate(zip(c.values, evidence, strict=True)):
        if value is not None and canonical(value) != canonical(dict(ev)):
            raise VerificationError("proto.commitment_values_differ", index=i + 1)


def expected_rounds(ann: Announcement, committed_at: Fraction | int) -> dict[int, int]:
    """The round each drand source must use (source index -> round), from the commitment's
    ``committed_at`` (SPEC-v2 §5): a timestamp token never changes it."""
    out: dict[int, int] = {}
    for i, src in enumerate(ann.entropy):
        if src["type"] == "drand":
            chain = drand.chain_by_hash(str(src["chain_hash"]))
            out[i] = round_after(chain, committed_at, int(src["margin"]))
    return out


def first_publication(ann: Announcement, rounds: Mapping[int, int]) -> int:
    """The earliest publication time (unix) among the fixed rounds: an anchor must be before
    it (SPEC-v2 §4)."""
    times = [
        drand.round_time(drand.chain_by_hash(str(ann.entropy[i]["chain_hash"])), r)
        for i, r in rounds.items()
    ]
    if not times:
        raise VerificationError("proto.v2_drand_required")
    return min(times)


def check_token_in_time(ann: Announcement, committed_at: Fraction | int, latest: Fraction) -> None:
    """A token anchors the commitment only if ``latest`` (genTime + accuracy) is strictly before
    the publication of the round ``committed_at`` fixes; ``VerificationError``
    (``proto.token_late``) otherwise."""
    deadline = first_publication(ann, expected_rounds(ann, committed_at))
    if latest >= deadline:
        raise VerificationError("proto.token_late", latest=_utc(latest), published=_utc(deadline))


def _utc(t: Fraction | int) -> str:
    """Exact UTC text of a time (a fraction of a second kept, never rounded)."""
    from datetime import UTC

    whole = int(t // 1)
    text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    frac = Fraction(t) - whole
    if frac:
        digits = ""
        while frac and len(digits) < 9:
            frac *= 10
            digits += str(int(frac))
            frac -= int(frac)
        text += "." + digits
    return text + "Z"


def check_rounds(
    ann: Announcement, committed_at: Fraction | int, evidence: Sequence[Mapping[str, Any]]
) -> None:
    """The record's drand rounds are the ones ``committed_at`` fixes; ``VerificationError``."""
    for i, want in expected_rounds(ann, committed_at).items():
        got = evidence[i].get("round") if isinstance(evidence[i], Mapping) else None
        if got != want:
            raise VerificationError("proto.commitment_round", got=repr(got), want=want)


# --- the verifier's checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInfo:
    """What a verified timestamp token says (from :mod:`randcheck.core.tsa`)."""

    gen_time: datetime
    tsa_name: str
    fingerprint: str
    trusted: bool
    latest: datetime  # genTime + accuracy, truncated to microseconds: for display only
    latest_exact: Fraction  # genTime + accuracy, exact (seconds since 1970Z): for the rule


@dataclass
class OrderingResult:
    """The ``commitment.*`` checks, and what the ordering rests on (for the words)."""

    checks: list[Check] = field(default_factory=list)
    token: TokenInfo | None = None  # a valid, listed token in time (trusted or not)
    witnesses: list[str] = field(default_factory=list)  # names of the witnesses who signed
    unconfirmed: list[str] = field(default_factory=list)  # ... whose keys the reader trusts not
    committed_at: Fraction | None = None  # the commitment's time: it fixes the round
    missing: list[str] = field(default_factory=list)  # declared anchors absent: tsa, witnesses
    #: the co-signing witnesses whose keys the reader trusts: the only ones whose word the
    #: ordering may rest on
    confirmed: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # declared witnesses who did not co-sign


def _run(result: OrderingResult, name: str, fn: Callable[[], Check | None]) -> bool:
    try:
        found = fn()
    except RandcheckError as exc:
        result.checks.append(Check.from_error(name, exc))
        return False
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
        result.checks.append(
            Check(name, False, "proto.malformed", {"part": name, "detail": type(exc).__name__})
        )
        return False
    result.checks.append(found or Check.passed(name))
    return found is None or found.ok


def operator_of(ann_env: Envelope) -> str:
    """The operator: the key that signed the announcement (its first signature), SPEC-v2 §3."""
    if not ann_env.signatures:
        raise VerificationError("proto.no_trusted_signature", kind=ann_env.kind)
    return ann_env.signatures[0][0]


def check_signers_unique(env: Envelope) -> None:
    """No key signs a commitment twice (``proto.commitment_signer_repeated``): a copied
    co-signature must not count as a second witness (SPEC-v2 §3)."""
    seen: set[str] = set()
    for keyid, _sig in env.signatures:
        if keyid in seen:
            raise VerificationError("proto.commitment_signer_repeated", key_id=keyid[:16])
        seen.add(keyid)


def check_witness_keys(
    ann: Announcement, operator: str, office_signers: Mapping[str, str] | None = None
) -> None:
    """No declared witness key may be the operator's (``proto.witness_is_office``) or a key
    that signs any of the office's documents in the bundle (``office_signers``: key id -> the
    file it signs; ``proto.witness_signs_for_office``): its co-signature would be the office's
    own word."""
    if ann.ordering is None:
        return
    for w in ann.ordering.witnesses:
        if w.keyid == operator:
            raise VerificationError("proto.witness_is_office", name=w.name, key_id=w.keyid[:16])
        document = (office_signers or {}).get(w.keyid)
        if document is not None:
            raise VerificationError("proto.witness_signs_for_office", name=w.name,
                                    key_id=w.keyid[:16], document=document)  # fmt: skip


def _witness_signatures(
    env: Envelope, ann: Announcement, operator: str, witness_keys: Mapping[str, bytes]
) -> list[tuple[str, str]]:
    """(key id, name) of the declared witnesses whose signatures verify; raises on any
    signature that is neither the operator's nor a declared witness's, or that does not
    verify."""
    assert ann.ordering is not None
    declared = ann.ordering.names()
    check_signers_unique(env)
    signed: list[tuple[str, str]] = []
    for keyid, sig in env.signatures:
        if keyid == operator:
            continue
        if keyid not in declared:
            raise VerificationError("proto.witness_undeclared", key_id=keyid[:16])
        public = witness_keys.get(keyid)
        if public is None or signing.key_id(public) != keyid:
            raise VerificationError("proto.witness_key_missing", key_id=keyid[:16])
        try:
            signing.verify(public, signing_input(env.kind, env.body), bytes.fromhex(sig))
        except (SignatureError, ValueError) as exc:
            raise VerificationError("proto.witness_bad_signature", key_id=keyid[:16]) from exc
        signed.append((keyid, declared[keyid]))
    return signed


def check_ordering(
    ann_env: Envelope,
    ann: Announcement,
    record: Mapping[str, Any],
    commitment: bytes | None,
    token: bytes | None,
    *,
    operator_keys: Mapping[str, bytes],
    witness_keys: Mapping[str, bytes],
    trusted_tsa: Sequence[bytes] = (),
    trusted_witnesses: Collection[str] = (),
    office_signers: Mapping[str, str] | None = None,
) -> OrderingResult:
    """The ``commitment.*`` checks of a v2 record (SPEC-v2 §8); never raises.

    ``operator_keys``: the operator keys the reader trusts; the operator is the key that signed
    the announcement.  ``witness_keys``: raw public keys of witnesses (key id -> raw), e.g. from
    the bundle; each is used only for the key id the signed announcement declares.
    ``trusted_witnesses``: key ids of the witness keys the reader trusts: a co-signature by any
    other declared key leaves ``commitment.witnesses`` unverified.  ``trusted_tsa``: the TSA
    certificates (DER) the reader trusts; a token whose signer is not among them leaves
    ``commitment.anchor`` unverified, not failed.  ``office_signers``: key id -> a file of the
    bundle that key signs for the office (announcement, record, addenda, checkpoint,
    SHA256SUMS.sig, results documents): such a key never counts as a witness."""
    res = OrderingResult()
    holder: dict[str, Any] = {}

    def opened() -> None:
        if commitment is None:
            raise VerificationError("proto.commitment_missing")
        opened_env = open_envelope(commitment, KIND)
        check_signers_unique(opened_env)
        holder["env"] = opened_env

    if not _run(res, "commitment.envelope", opened):
        for name in ("signature", "binding", "witnesses", "anchor", "round"):
            res.checks.append(Check.skipped(f"commitment.{name}"))
        return res
    env: Envelope = holder["env"]

    def operator_signed() -> None:
        op = operator_of(ann_env)
        if not env.signatures or env.signatures[0][0] != op:
            raise VerificationError("proto.commitment_not_operator")
        public = operator_keys.get(op)
        verify(env, {} if public is None else {op: public})

    _run(res, "commitment.signature", operator_signed)

    def binding() -> None:
        c = parse_commitment(env.doc, ann, ann_env.digest)
        holder["c"] = c
        if record.get("commitment") != env.digest:
            raise VerificationError("proto.commitment_mismatch", field="record.commitment")
        drawn_at = record.get("drawn_at")
        if not isinstance(drawn_at, str) or unix_time(c.committed_at) > unix_time(drawn_at):
            raise VerificationError("proto.commitment_mismatch", field="committed_at")
        check_record_values(c, record["entropy"])

    bound = _run(res, "commitment.binding", binding)

    def witnesses() -> Check:
        op = operator_of(ann_env)
        check_witness_keys(ann, op, office_signers)
        signed = _witness_signatures(env, ann, op, witness_keys)
        res.witnesses = [name for _k, name in signed]
        res.unconfirmed = [name for k, name in signed if k not in trusted_witnesses]
        res.confirmed = [name for k, name in signed if k in trusted_witnesses]
        cosigned = {k for k, _name in signed}
        assert ann.ordering is not None
        res.absent = [w.name for w in ann.ordering.witnesses if w.keyid not in cosigned]
        if not signed:
            return Check.passed("commitment.witnesses", "proto.witnesses_none")
        if res.unconfirmed:
            return Check.not_verified("commitment.witnesses", "proto.witnesses_unconfirmed",
                                      names="、".join(res.unconfirmed))  # fmt: skip
        return Check.passed("commitment.witnesses", "proto.witnesses_signed",
                            names="、".join(res.witnesses), count=len(res.witnesses))  # fmt: skip

    _run(res, "commitment.witnesses", witnesses)
    c: Commitment | None = holder.get("c")
    if c is None:
        res.checks.append(Check.skipped("commitment.anchor"))
        res.checks.append(Check.skipped("commitment.round"))
        return res
    res.committed_at = Fraction(unix_time(c.committed_at))
    committed_at = res.committed_at

    def anchor() -> Check | None:
        assert ann.ordering is not None
        if token is not None:
            info = _token(token, bytes.fromhex(env.digest), trusted_tsa)
            if info.fingerprint not in ann.ordering.tsa:
                raise VerificationError("proto.tsa_undeclared", fingerprint=info.fingerprint[:16])
            check_token_in_time(ann, committed_at, info.latest_exact)
            res.token = info
        elif ann.ordering.tsa:
            res.missing.append(ANCHOR_TSA)
        if ann.ordering.witnesses and not res.witnesses:
            res.missing.append(ANCHOR_WITNESSES)
        if res.token is not None and not res.token.trusted:
            return Check.not_verified(
                "commitment.anchor",
                "proto.tsa_untrusted",
                tsa=res.token.tsa_name,
                fingerprint=res.token.fingerprint[:16],
            )
        return None

    _run(res, "commitment.anchor", anchor)
    if not bound:
        res.checks.append(Check.skipped("commitment.round"))
        return res
    _run(res, "commitment.round", lambda: check_rounds(ann, committed_at, record["entropy"]))
    return res


def _token(der: bytes, digest: bytes, trusted: Sequence[bytes]) -> TokenInfo:
    """Verify a timestamp token offline over the commitment digest; ``VerificationError``."""
    tok = tsa.verify_token(der, digest)  # raises tsa.TimestampError (a VerificationError)
    return TokenInfo(
        gen_time=tok.gen_time,
        tsa_name=tok.tsa_name,
        fingerprint=tok.signer_fingerprint,
        trusted=bool(trusted) and tsa.is_trusted(tok, trusted),
        latest=tok.latest_time,
        latest_exact=tok.latest_exact,
    )
