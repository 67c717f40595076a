"""Entropy sources (announced) and their evidence (recorded), checked and encoded (SPEC §6.1)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from randcheck.core.draw import drand
from randcheck.core.draw.spec import (
    SPEC_ID,
    SPEC_V2_ID,
    check_hex32,
    check_int,
    check_text,
    lp,
    tag,
    u32,
    u64,
    unix_time,
)
from randcheck.errors import InputError, NotFoundError, VerificationError

SOURCE_KEYS = {
    "nonce": {"type", "commitment"},
    "dice": {"type", "witness", "count", "faces"},
    "lottery": {"type", "name", "period", "count", "min", "max"},
    "drand": {"type", "chain_hash", "round"},
}
#: randcheck/draw/v2 (SPEC-v2 §2): a drand source names no round, only a margin in seconds;
#: the round follows from the entropy commitment's committed_at (SPEC-v2 §5)
SOURCE_KEYS_V2 = {**SOURCE_KEYS, "drand": {"type", "chain_hash", "margin"}}
MAX_MARGIN = 3600
EVIDENCE_KEYS = {
    "nonce": {"type", "value"},
    "dice": {"type", "witness", "values"},
    "lottery": {"type", "name", "period", "numbers"},
    "drand": {"type", "chain_hash", "round", "signature", "previous_signature", "randomness"},
}


def nonce_commitment(nonce: bytes) -> str:
    """``H(tag("nonce") || lp(nonce))`` for the operator's secret 32-byte nonce."""
    if len(nonce) != 32:
        raise InputError("proto.bad_nonce")
    return hashlib.sha256(tag("nonce") + lp(nonce)).hexdigest()


def nonce_source(commitment: str) -> dict[str, Any]:
    return {"type": "nonce", "commitment": commitment}


def dice_source(witness: str, count: int, faces: int) -> dict[str, Any]:
    return {"type": "dice", "witness": witness, "count": count, "faces": faces}


def lottery_source(name: str, period: str, count: int, lo: int, hi: int) -> dict[str, Any]:
    return {"type": "lottery", "name": name, "period": period, "count": count, "min": lo, "max": hi}


def drand_source(chain_hash: str, round: int) -> dict[str, Any]:
    return {"type": "drand", "chain_hash": chain_hash, "round": round}


def drand_source_v2(chain_hash: str, margin: int) -> dict[str, Any]:
    """A v2 drand source: the round is fixed later by the commitment (SPEC-v2 §2, §5)."""
    return {"type": "drand", "chain_hash": chain_hash, "margin": margin}


def nonce_evidence(nonce: bytes) -> dict[str, Any]:
    return {"type": "nonce", "value": nonce.hex()}


def dice_evidence(witness: str, values: Sequence[int]) -> dict[str, Any]:
    return {"type": "dice", "witness": witness, "values": list(values)}


def lottery_evidence(name: str, period: str, numbers: Sequence[int]) -> dict[str, Any]:
    return {"type": "lottery", "name": name, "period": period, "numbers": list(numbers)}


def drand_evidence(
    chain_hash: str, round: int, signature: str, previous_signature: str | None
) -> dict[str, Any]:
    """Evidence for a drand round; ``randomness`` is ``H(signature)`` (checked by BLS later)."""
    try:
        sig = bytes.fromhex(signature)
    except ValueError as exc:
        raise InputError("proto.bad_hex", field="signature", value=signature[:80]) from exc
    return {
        "type": "drand",
        "chain_hash": chain_hash,
        "round": round,
        "signature": signature,
        "previous_signature": previous_signature,
        "randomness": hashlib.sha256(sig).hexdigest(),
    }


def check_sources(
    sources: Sequence[Mapping[str, Any]], practice: bool, spec: str = SPEC_ID
) -> None:
    """Raise ``InputError`` unless the announced sources are well formed (SPEC §6.1; under
    randcheck/draw/v2 a drand source has a ``margin`` and no ``round``, and a non-practice
    announcement needs one, SPEC-v2 §2)."""
    if not isinstance(sources, list) or not sources:
        raise InputError("proto.no_sources")
    keys = SOURCE_KEYS_V2 if spec == SPEC_V2_ID else SOURCE_KEYS
    types = []
    for i, src in enumerate(sources):
        kind = src.get("type") if isinstance(src, Mapping) else None
        if kind not in keys or set(src) != keys[kind]:
            raise InputError("proto.bad_source", index=i, value=repr(src)[:120])
        types.append(kind)
        where = f"entropy[{i}]"
        if kind == "nonce":
            check_hex32(src["commitment"], where + ".commitment")
        elif kind == "dice":
            check_text(src["witness"], where + ".witness")
            check_int(src["count"], where + ".count", 1, 64)
            check_int(src["faces"], where + ".faces", 2, 1000)
        elif kind == "lottery":
            check_text(src["name"], where + ".name")
            check_text(src["period"], where + ".period")
            check_int(src["count"], where + ".count", 1, 64)
            lo = check_int(src["min"], where + ".min", 0, 2**32 - 1)
            check_int(src["max"], where + ".max", lo, 2**32 - 1)
        else:
            try:
                drand.chain_by_hash(src["chain_hash"])
            except NotFoundError as exc:
                raise InputError("proto.unknown_chain", value=str(src["chain_hash"])) from exc
            if "margin" in src:
                check_int(src["margin"], where + ".margin", 0, MAX_MARGIN)
            else:
                check_int(src["round"], where + ".round", 1)
    if types.count("nonce") != 1:
        raise InputError("proto.nonce_count")
    if not practice and len(types) < 2:
        raise InputError("proto.public_source_required")
    if spec == SPEC_V2_ID and not practice and "drand" not in types:
        raise InputError("proto.v2_drand_required")


def check_evidence(
    source: Mapping[str, Any],
    evidence: Mapping[str, Any],
    index: int,
    announced_at: str,
    drawn_at: str,
    verify_bls: bool = True,
) -> None:
    """Check one evidence item against its source; raises ``VerificationError``."""
    kind = source["type"]
    if (
        not isinstance(evidence, Mapping)
        or evidence.get("type") != kind
        or set(evidence) != EVIDENCE_KEYS[kind]
    ):
        raise VerificationError("proto.evidence_shape", index=index, type=kind)
    try:
        if kind == "nonce":
            value = bytes.fromhex(evidence["value"]) if isinstance(evidence["value"], str) else b""
            if len(value) != 32 or value.hex() != evidence["value"]:
                raise VerificationError("proto.bad_nonce_reveal", index=index)
            if nonce_commitment(value) != source["commitment"]:
                raise VerificationError("proto.nonce_mismatch", index=index)
        elif kind in ("dice", "lottery"):
            same = ("witness",) if kind == "dice" else ("name", "period")
            for key in same:
                if evidence[key] != source[key]:
                    raise VerificationError("proto.evidence_field", index=index, field=key)
            values = evidence["values" if kind == "dice" else "numbers"]
            lo, hi = (1, source["faces"]) if kind == "dice" else (source["min"], source["max"])
            if not isinstance(values, list) or len(values) != source["count"]:
                raise VerificationError("proto.evidence_count", index=index, count=source["count"])
            for v in values:
                if type(v) is not int or not lo <= v <= hi:
                    raise VerificationError(
                        "proto.evidence_range", index=index, value=repr(v), lo=lo, hi=hi
                    )
        else:
            # a v2 source names no round: the evidence's round is checked against the
            # commitment's (SPEC-v2 §5, ``commitment.round``); the timing rule is v1's
            for key in ("chain_hash", "round"):
                if key in source and evidence[key] != source[key]:
                    raise VerificationError("proto.evidence_field", index=index, field=key)
            round_no = evidence["round"]
            chain = drand.chain_by_hash(source["chain_hash"])
            published = drand.round_time(chain, round_no)
            if not unix_time(announced_at) < published <= unix_time(drawn_at):
                raise VerificationError(
                    "proto.drand_timing",
                    round=round_no,
                    published=published,
                    announced_at=announced_at,
                    drawn_at=drawn_at,
                )
            sig = evidence["signature"]
            if (
                not isinstance(sig, str)
                or hashlib.sha256(bytes.fromhex(sig)).hexdigest() != evidence["randomness"]
            ):
                raise VerificationError("proto.drand_randomness", index=index)
            if verify_bls:
                drand.verify_round(chain, round_no, sig, evidence["previous_signature"])
    except (ValueError, TypeError, InputError) as exc:
        raise VerificationError("proto.evidence_shape", index=index, type=kind) from exc


def encode(evidence: Mapping[str, Any], source: Mapping[str, Any]) -> bytes:
    """The evidence's canonical encoding ``E_i`` (SPEC §6.1); the evidence must be checked."""
    kind = evidence["type"]
    if kind == "nonce":
        return tag("nonce") + lp(bytes.fromhex(evidence["value"]))
    if kind == "dice":
        values = evidence["values"]
        return (
            tag("dice")
            + lp(evidence["witness"])
            + u32(source["faces"])
            + u32(len(values))
            + b"".join(map(u32, values))
        )
    if kind == "lottery":
        numbers = evidence["numbers"]
        return (
            tag("lottery")
            + lp(evidence["name"])
            + lp(evidence["period"])
            + u32(len(numbers))
            + b"".join(map(u32, numbers))
        )
    return (
        tag("drand")
        + lp(bytes.fromhex(evidence["chain_hash"]))
        + u64(evidence["round"])
        + lp(bytes.fromhex(evidence["randomness"]))
    )
