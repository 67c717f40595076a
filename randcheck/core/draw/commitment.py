"""The entropy commitment of randcheck/draw/v2 (docs/SPEC-v2.md §2–§6): the room's values fixed
and signed before the drand round is known, the round that follows from it, and the checks a
verifier runs on it (``commitment.*``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
from randcheck.core.draw.v2 import anchor_time, round_after, unix_exact
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
    """The commitment body (SPEC-v2 §2); raises ``InputError`` if the announcement is not v2 or
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
    """Check a commitment body against its announcement (SPEC-v2 §2); raises
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


def expected_rounds(ann: Announcement, anchor: Fraction) -> dict[int, int]:
    """The round each drand source must use (source index -> round), from the anchor time."""
    out: dict[int, int] = {}
    for i, src in enumerate(ann.entropy):
        if src["type"] == "drand":
            chain = drand.chain_by_hash(str(src["chain_hash"]))
            out[i] = round_after(chain, anchor, int(src["margin"]))
    return out


def check_rounds(
    ann: Announcement, anchor: Fraction, evidence: Sequence[Mapping[str, Any]]
) -> None:
    """The record's drand rounds are the ones the anchor time gives; ``VerificationError``."""
    for i, want in expected_rounds(ann, anchor).items():
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
    latest: datetime  # genTime + accuracy: "existed no later than" (SPEC-v2-timestamps §5)


@dataclass
class OrderingResult:
    """The ``commitment.*`` checks, and what the ordering rests on (for the words)."""

    checks: list[Check] = field(default_factory=list)
    token: TokenInfo | None = None
    witnesses: list[str] = field(default_factory=list)  # names of the witnesses who signed
    anchor: Fraction | None = None


def _run(result: OrderingResult, name: str, fn: Callable[[], Check | None]) -> bool:
    try:
        found = fn()
    except RandcheckError as exc:
        result.checks.append(Check.from_error(name, exc))
        return False
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        result.checks.append(
            Check(name, False, "proto.malformed", {"part": name, "detail": type(exc).__name__})
        )
        return False
    result.checks.append(found or Check.passed(name))
    return found is None or found.ok


def _witness_signatures(
    env: Envelope,
    ann: Announcement,
    operator_keys: Mapping[str, bytes],
    witness_keys: Mapping[str, bytes],
) -> list[str]:
    """Names of the declared witnesses whose signatures verify; raises on any signature that is
    neither the operator's nor a declared witness's, or that does not verify."""
    assert ann.ordering is not None
    declared = ann.ordering.names()
    signed: list[str] = []
    for keyid, sig in env.signatures:
        if keyid in operator_keys and keyid not in declared:
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
        signed.append(declared[keyid])
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
) -> OrderingResult:
    """The ``commitment.*`` checks of a v2 record (SPEC-v2 §6); never raises.

    ``witness_keys``: raw public keys of witnesses (key id -> raw), e.g. from the bundle; each
    is used only for the key id the signed announcement declares.  ``trusted_tsa``: the TSA
    certificates (DER) the reader trusts; a token whose signer is not among them leaves
    ``commitment.anchor`` unverified, not failed."""
    res = OrderingResult()
    holder: dict[str, Any] = {}

    def opened() -> None:
        if commitment is None:
            raise VerificationError("proto.commitment_missing")
        holder["env"] = open_envelope(commitment, KIND)

    if not _run(res, "commitment.envelope", opened):
        for name in ("signature", "binding", "witnesses", "anchor", "round"):
            res.checks.append(Check.skipped(f"commitment.{name}"))
        return res
    env: Envelope = holder["env"]
    _run(res, "commitment.signature", lambda: _operator_signed(env, operator_keys))

    def binding() -> None:
        c = parse_commitment(env.doc, ann, ann_env.digest)
        if record.get("commitment") != env.digest:
            raise VerificationError("proto.commitment_mismatch", field="record.commitment")
        check_record_values(c, record["entropy"])
        holder["c"] = c

    bound = _run(res, "commitment.binding", binding)

    def witnesses() -> Check:
        res.witnesses = _witness_signatures(env, ann, operator_keys, witness_keys)
        if not res.witnesses:
            return Check.passed("commitment.witnesses", "proto.witnesses_none")
        return Check.passed("commitment.witnesses", "proto.witnesses_signed",
                            names="、".join(res.witnesses), count=len(res.witnesses))  # fmt: skip

    _run(res, "commitment.witnesses", witnesses)

    def anchor() -> Check | None:
        if token is None:
            return None
        info = _token(token, bytes.fromhex(env.digest), trusted_tsa)
        assert ann.ordering is not None
        if info.fingerprint not in ann.ordering.tsa:
            raise VerificationError("proto.tsa_undeclared", fingerprint=info.fingerprint[:16])
        res.token = info
        if not info.trusted:
            return Check.not_verified(
                "commitment.anchor",
                "proto.tsa_untrusted",
                tsa=info.tsa_name,
                fingerprint=info.fingerprint[:16],
            )
        return None

    anchor_ok = _run(res, "commitment.anchor", anchor)
    if not bound:
        res.checks.append(Check.skipped("commitment.round"))
        return res
    c: Commitment = holder["c"]
    if token is not None and res.token is None:
        # an invalid token anchors nothing: the round cannot be checked against it
        res.checks.append(Check.skipped("commitment.round"))
        return res
    del anchor_ok
    tsa_times = [] if res.token is None else [unix_exact(res.token.latest)]
    res.anchor = anchor_time(unix_time(c.committed_at), tsa_times)
    t = res.anchor

    def rounds() -> None:
        check_rounds(ann, t, record["entropy"])

    _run(res, "commitment.round", rounds)
    return res


def _operator_signed(env: Envelope, operator_keys: Mapping[str, bytes]) -> None:
    verify(env, operator_keys)


def _token(der: bytes, digest: bytes, trusted: Sequence[bytes]) -> TokenInfo:
    """Verify a timestamp token offline over the commitment digest; ``VerificationError``."""
    tok = tsa.verify_token(der, digest)  # raises tsa.TimestampError (a VerificationError)
    return TokenInfo(
        gen_time=tok.gen_time,
        tsa_name=tok.tsa_name,
        fingerprint=tok.signer_fingerprint,
        trusted=bool(trusted) and tsa.is_trusted(tok, trusted),
        latest=tok.latest_time,
    )
