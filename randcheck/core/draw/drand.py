"""Offline verification of drand beacon rounds against a pinned chain (no network).

A drand round is public randomness that nobody, including randcheck's operator, can predict or
choose: a BLS threshold signature by the League of Entropy over the round number.  Anyone who
holds the chain's pinned public key can check a round offline (docs/SPEC.md; anchors.md §4;
drand ``crypto/schemes.go``):

``pedersen-bls-chained`` (LoE "mainnet", the default network since 2020)
    public key in G1 (48 bytes), signature in G2 (96 bytes),
    ``msg = SHA-256(previous_signature || uint64_be(round))``, verified as the IETF BLS
    ``G2Basic`` ciphersuite (DST ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_``).
``bls-unchained-g1-rfc9380`` (LoE "quicknet")
    public key in G2 (96 bytes), signature in G1 (48 bytes), ``msg = SHA-256(uint64_be(round))``,
    hashed to G1 with DST ``BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`` (RFC 9380), and
    checked as ``e(sig, G2) == e(H(msg), pk)``.

In both, ``randomness = SHA-256(signature)``.  The curve arithmetic is blst (supranational,
through the ``pyblst`` bindings: about a millisecond) when it is installed, else the pure-Python
``py_ecc`` (Ethereum Foundation: well under a second).  Both run the same checks and give the
same answer (tests/core/draw/test_drand.py runs every case on both); ``RANDCHECK_NO_NATIVE=1``
selects ``py_ecc``.

Every input is validated before any curve arithmetic: rounds are integers in ``[1, 2^64)``,
byte strings are lowercase hexadecimal of the exact length the scheme requires.  Points are
decompressed and checked to be on the curve, in the prime-order subgroup and not the point at
infinity, for the signature and for the key.  Every failure raises
:class:`randcheck.errors.VerificationError` with a ``drand.*`` catalog code; an unknown chain
hash raises :class:`randcheck.errors.NotFoundError`.

This module is pure: no network, files or clock (the environment is read once, by ``accel``).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from randcheck.core.draw.accel import NATIVE_ALLOWED
from randcheck.errors import NotFoundError, VerificationError

if TYPE_CHECKING:
    from eth_typing import BLSPubkey, BLSSignature
    from py_ecc.bls.ciphersuites import G2Basic
    from py_ecc.bls.g2_primitives import pubkey_to_G1, signature_to_G2, subgroup_check
    from py_ecc.bls.hash_to_curve import hash_to_G1
    from py_ecc.bls.typing import G1Uncompressed, G2Uncompressed
    from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
    from py_ecc.optimized_bls12_381.optimized_curve import G2, is_inf, neg
    from py_ecc.optimized_bls12_381.optimized_pairing import final_exponentiate, pairing

# py_ecc (and eth_utils under it) takes about 0.3 s to import and builds its pairing tables:
# it is imported by the first py_ecc check, not by every command that imports this module.
_PY_ECC_NAMES = frozenset(
    "BLSPubkey BLSSignature G2Basic pubkey_to_G1 signature_to_G2 subgroup_check hash_to_G1 "
    "FQ12 G2 is_inf neg final_exponentiate pairing".split()
)
_py_ecc_loaded = False


def _load_py_ecc() -> None:
    """Import py_ecc's names into this module (once)."""
    global _py_ecc_loaded, _CURVE_ERRORS, BLSPubkey, BLSSignature, G2Basic, pubkey_to_G1
    global signature_to_G2, subgroup_check, hash_to_G1, FQ12, G2, is_inf, neg
    global final_exponentiate, pairing
    if _py_ecc_loaded:
        return
    # py_ecc raises the interpreter's recursion limit to 100,000 for the whole process when it
    # is imported; with such a limit, JSON nested deeply enough crashes the process (a C stack
    # overflow) instead of raising RecursionError.  Keep the limit randcheck had before.
    limit = sys.getrecursionlimit()
    try:
        from eth_typing import BLSPubkey, BLSSignature
        from eth_utils.exceptions import ValidationError as _EthValidationError
        from py_ecc.bls.ciphersuites import G2Basic
        from py_ecc.bls.g2_primitives import pubkey_to_G1, signature_to_G2, subgroup_check
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
        from py_ecc.optimized_bls12_381.optimized_curve import G2, is_inf, neg
        from py_ecc.optimized_bls12_381.optimized_pairing import final_exponentiate, pairing
    finally:
        sys.setrecursionlimit(limit)
    _CURVE_ERRORS = (*_CURVE_ERRORS, _EthValidationError)
    _py_ecc_loaded = True


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """``drand.pairing`` and the other py_ecc names, imported on first access."""
        if name in _PY_ECC_NAMES:
            _load_py_ecc()
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


try:
    import pyblst as _pyblst
except ImportError:  # pragma: no cover - pyblst is a dependency; py_ecc is the fallback
    _pyblst = None
_blst: Any = _pyblst if NATIVE_ALLOWED else None

SCHEME_CHAINED = "pedersen-bls-chained"
SCHEME_G1_RFC9380 = "bls-unchained-g1-rfc9380"

#: Domain separation tag of RFC 9380 hash-to-G1 used by ``bls-unchained-g1-rfc9380``.
DST_G1 = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"

#: Domain separation tag of the IETF ``G2Basic`` ciphersuite (``pedersen-bls-chained``).
DST_G2 = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"

#: Compressed generators of G1 and G2 (the standard ones, as py_ecc and blst define them).
_G1_GEN = bytes.fromhex(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
)
_G2_GEN = bytes.fromhex(
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
)

#: Byte lengths (public key, signature) of each supported scheme.
_LENGTHS: dict[str, tuple[int, int]] = {
    SCHEME_CHAINED: (48, 96),
    SCHEME_G1_RFC9380: (96, 48),
}

_MAX_ROUND = 2**64 - 1
_HEX = re.compile(r"(?:[0-9a-f]{2})*")
_CURVE_ERRORS: tuple[type[BaseException], ...] = (ValueError, AssertionError, ArithmeticError)
# (+ eth_utils' ValidationError once py_ecc is loaded)


@dataclass(frozen=True)
class DrandChain:
    """A drand network's pinned parameters (its ``/info``); the chain hash identifies it."""

    name: str
    chain_hash: str  # 64 lowercase hex digits
    public_key: str  # lowercase hex: 48 bytes (G1) for chained, 96 bytes (G2) for quicknet
    period: int  # seconds between rounds
    genesis_time: int  # unix seconds of round 1
    scheme: str  # drand schemeID


#: The League of Entropy networks randcheck knows, by name (anchors.md §4; drand
#: ``common/chain/info_test.go``).
CHAINS: dict[str, DrandChain] = {
    "quicknet": DrandChain(
        name="quicknet",
        chain_hash="52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
        public_key=(
            "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
            "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
            "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
        ),
        period=3,
        genesis_time=1692803367,
        scheme=SCHEME_G1_RFC9380,
    ),
    "mainnet": DrandChain(
        name="mainnet",
        chain_hash="8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
        public_key=(
            "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5c"
            "ce96366b5d7a569937c529eeda66c7293784a9402801af31"
        ),
        period=30,
        genesis_time=1595431050,
        scheme=SCHEME_CHAINED,
    ),
}


def chain_by_hash(chain_hash: str) -> DrandChain:
    """The pinned chain whose hash is ``chain_hash`` (exact, lowercase hex).

    Raises :class:`NotFoundError` ``drand.unknown_chain`` for any other value.
    """
    for name in sorted(CHAINS):
        if CHAINS[name].chain_hash == chain_hash:
            return CHAINS[name]
    known = ", ".join(f"{n}={CHAINS[n].chain_hash}" for n in sorted(CHAINS))
    raise NotFoundError("drand.unknown_chain", chain_hash=chain_hash, known=known)


#: Public HTTP relays of the League of Entropy, primary first (drand's documented endpoints).
RELAYS = ("https://api.drand.sh", "https://drand.cloudflare.com")


def round_urls(chain_hash: str, round: int) -> tuple[str, ...]:
    """Where anyone can fetch ``round`` of chain ``chain_hash`` (drand's HTTP API,
    ``/<chain hash>/public/<round>``): one full URL per relay in :data:`RELAYS`, primary first.
    Any of them gives the same JSON, which is verified offline against the pinned key."""
    chain = chain_by_hash(chain_hash)
    return tuple(f"{relay}/{chain.chain_hash}/public/{_check_round(round)}" for relay in RELAYS)


# --- time -------------------------------------------------------------------------------------


def _check_round(round: Any) -> int:
    if type(round) is not int or not 1 <= round <= _MAX_ROUND:
        raise VerificationError("drand.bad_round", round=repr(round))
    return round


def round_time(chain: DrandChain, round: int) -> int:
    """Unix time (seconds) at which ``round`` is published: ``genesis + (round − 1)·period``.

    This is drand's ``TimeOfRound``; round 1 is published at ``genesis_time``.
    """
    _check_round(round)
    return chain.genesis_time + (round - 1) * chain.period


def round_at(chain: DrandChain, unix_time: int) -> int:
    """The first round whose publication time is at or after ``unix_time``.

    Exactly: the least ``r >= 1`` with ``round_time(chain, r) >= unix_time``, that is
    ``max(1, ceil((unix_time − genesis) / period) + 1)`` in integer arithmetic.  When
    ``unix_time`` falls exactly on a round's time that round is returned; otherwise the next
    round after ``unix_time``.  (This differs from drand's "current round",
    ``floor((t − genesis)/period) + 1``, which is the last round published at or before ``t``.)
    A draw that commits to ``round_at(chain, t)`` for ``t`` later than the announcement time
    therefore names a round whose signature did not exist when it was announced.
    """
    if type(unix_time) is not int:
        raise VerificationError("drand.bad_time", time=repr(unix_time))
    if unix_time <= chain.genesis_time:
        return 1
    return -((chain.genesis_time - unix_time) // chain.period) + 1


# --- verification -----------------------------------------------------------------------------


def _hex_bytes(field: str, value: Any, expected: int, scheme: str) -> bytes:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise VerificationError("drand.bad_hex", field=field)
    raw = bytes.fromhex(value)
    if len(raw) != expected:
        raise VerificationError(
            "drand.bad_length", field=field, expected=expected, actual=len(raw), scheme=scheme
        )
    return raw


def _key_lengths(chain: DrandChain) -> tuple[int, int]:
    lengths = _LENGTHS.get(chain.scheme)
    if lengths is None:
        raise VerificationError("drand.unsupported_scheme", scheme=chain.scheme)
    return lengths


def _g1_point(raw: bytes) -> G1Uncompressed | None:
    """A compressed G1 point decoded and checked (on curve, in subgroup, not infinity)."""
    try:
        point = pubkey_to_G1(BLSPubkey(raw))
    except _CURVE_ERRORS:
        return None
    if is_inf(point) or not subgroup_check(point):
        return None
    return point


def _g2_point(raw: bytes) -> G2Uncompressed | None:
    """A compressed G2 point decoded and checked (on curve, in subgroup, not infinity)."""
    try:
        point = signature_to_G2(BLSSignature(raw))
    except _CURVE_ERRORS:
        return None
    if is_inf(point) or not subgroup_check(point):
        return None
    return point


# The pinned keys are few and fixed: decode and subgroup-check each once per process.
_g1_key = lru_cache(maxsize=16)(_g1_point)
_g2_key = lru_cache(maxsize=16)(_g2_point)


def round_message(chain: DrandChain, round: int, previous_signature: bytes | None = None) -> bytes:
    """The 32-byte message the network signs for ``round``.

    Chained: ``SHA-256(previous_signature || uint64_be(round))``; unchained:
    ``SHA-256(uint64_be(round))``.
    """
    round_be = _check_round(round).to_bytes(8, "big")
    if chain.scheme == SCHEME_CHAINED:
        if previous_signature is None:
            raise VerificationError("drand.missing_previous", round=round)
        return hashlib.sha256(previous_signature + round_be).digest()
    return hashlib.sha256(round_be).digest()


def verify_round(
    chain: DrandChain, round: int, signature: str, previous_signature: str | None = None
) -> bytes:
    """Verify ``signature`` for ``round`` of ``chain`` offline; return the round's randomness.

    ``signature`` and ``previous_signature`` are lowercase hex as drand publishes them.
    ``previous_signature`` is required by chained schemes and refused by unchained ones.
    Returns ``SHA-256(signature bytes)`` (32 bytes), drand's ``randomness``.

    Raises :class:`VerificationError` with one of ``drand.bad_round``, ``drand.bad_hex``,
    ``drand.bad_length``, ``drand.missing_previous``, ``drand.unexpected_previous``,
    ``drand.unsupported_scheme`` (all found before any curve arithmetic),
    ``drand.bad_public_key``, ``drand.signature_not_point`` or ``drand.bad_signature``.
    """
    # 1. Validate every input before touching the curve.
    pk_len, sig_len = _key_lengths(chain)
    _check_round(round)
    sig = _hex_bytes("signature", signature, sig_len, chain.scheme)
    prev: bytes | None = None
    if chain.scheme == SCHEME_CHAINED:
        if previous_signature is None:
            raise VerificationError("drand.missing_previous", round=round)
        prev = _hex_bytes("previous_signature", previous_signature, sig_len, chain.scheme)
    elif previous_signature is not None:
        raise VerificationError("drand.unexpected_previous", scheme=chain.scheme)
    pk = _hex_bytes("public_key", chain.public_key, pk_len, chain.scheme)

    # 2. Decode and check the points; 3. the pairing check.
    msg = round_message(chain, round, prev)
    if _blst is None:
        _load_py_ecc()
    if _blst is not None:
        ok = _verify_blst(chain, round, msg, sig, pk)
    elif chain.scheme == SCHEME_CHAINED:
        if _g1_key(pk) is None:
            raise VerificationError("drand.bad_public_key", chain=chain.name)
        if _g2_point(sig) is None:
            raise VerificationError("drand.signature_not_point", round=round)
        # The IETF G2Basic ciphersuite repeats these checks, then e(sig, G1) == e(H(msg), pk).
        ok = bool(G2Basic.Verify(BLSPubkey(pk), msg, BLSSignature(sig)))
    else:
        pk_g2 = _g2_key(pk)
        if pk_g2 is None:
            raise VerificationError("drand.bad_public_key", chain=chain.name)
        sig_g1 = _g1_point(sig)
        if sig_g1 is None:
            raise VerificationError("drand.signature_not_point", round=round)
        h = hash_to_G1(msg, DST_G1, hashlib.sha256)  # type: ignore[arg-type]
        # e(sig, G2) == e(H(msg), pk)  <=>  e(sig, G2) · e(−H(msg), pk) == 1
        product = pairing(G2, sig_g1, final_exponentiate=False) * pairing(
            pk_g2, neg(h), final_exponentiate=False
        )
        ok = final_exponentiate(product) == FQ12.one()
    if not ok:
        raise VerificationError("drand.bad_signature", round=round, chain=chain.name)
    return hashlib.sha256(sig).digest()


def _blst_point(cls: Any, raw: bytes) -> Any:
    """A compressed point decoded by blst (on curve and in the subgroup), never infinity."""
    if raw[0] & 0x40:  # the infinity flag (ZCash encoding); blst would accept it
        return None
    try:
        return cls.uncompress(raw)
    except ValueError:
        return None


def _verify_blst(chain: DrandChain, round: int, msg: bytes, sig: bytes, pk: bytes) -> bool:
    """The checks of :func:`verify_round` with blst; raises as it does, else the pairing result."""
    b = _blst
    if chain.scheme == SCHEME_CHAINED:  # key in G1, signature in G2
        key, point = _blst_point(b.BlstP1Element, pk), _blst_point(b.BlstP2Element, sig)
    else:  # key in G2, signature in G1
        key, point = _blst_point(b.BlstP2Element, pk), _blst_point(b.BlstP1Element, sig)
    if key is None:
        raise VerificationError("drand.bad_public_key", chain=chain.name)
    if point is None:
        raise VerificationError("drand.signature_not_point", round=round)
    if chain.scheme == SCHEME_CHAINED:  # e(G1, sig) == e(pk, H2(msg))
        h = b.BlstP2Element.hash_to_group(msg, DST_G2)
        g1 = b.BlstP1Element.uncompress(_G1_GEN)
        return bool(b.final_verify(b.miller_loop(g1, point), b.miller_loop(key, h)))
    h = b.BlstP1Element.hash_to_group(msg, DST_G1)  # e(sig, G2) == e(H1(msg), pk)
    g2 = b.BlstP2Element.uncompress(_G2_GEN)
    return bool(b.final_verify(b.miller_loop(point, g2), b.miller_loop(h, key)))


def backend() -> str:
    """``"blst"`` or ``"py_ecc"``: which library checks the pairings."""
    return "blst" if _blst is not None else "py_ecc"


# --- beacon JSON ------------------------------------------------------------------------------

_V1_FIELDS = frozenset({"round", "randomness", "signature", "previous_signature"})


class _JSONProblem(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JSONProblem(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_float(text: str) -> Any:
    raise _JSONProblem(f"non-integer number {text}")


def _hex_field(obj: dict[str, Any], field: str) -> str:
    value = obj[field]
    if not isinstance(value, str):
        raise VerificationError("drand.bad_field_type", field=field, expected="string")
    if not value or not _HEX.fullmatch(value):
        raise VerificationError("drand.bad_hex", field=field)
    return value


def parse_beacon(text: str) -> tuple[int, str, str | None]:
    """Parse a drand HTTP beacon into ``(round, signature, previous_signature or None)``.

    Accepted shapes (drand HTTP API):

    * v1 ``/public/{round}``: ``{"round", "randomness", "signature", "previous_signature"}``
      (``previous_signature`` only on chained networks; ``randomness`` optional here);
    * v2 ``/v2/beacons/{id}/rounds/{n}``: ``{"round", "signature"}``.

    Strict: a JSON object with no duplicate keys and no other fields; ``round`` an integer in
    ``[1, 2^64)`` (not a float, string or boolean); hex fields non-empty lowercase hex.  If
    ``randomness`` is present it must equal ``SHA-256(signature)``.  Lengths and the signature
    itself are checked by :func:`verify_round`, which needs the chain.

    Raises :class:`VerificationError` (``drand.bad_json``, ``drand.missing_field``,
    ``drand.unknown_field``, ``drand.bad_field_type``, ``drand.bad_round``, ``drand.bad_hex``,
    ``drand.randomness_mismatch``).
    """
    if not isinstance(text, str):
        raise VerificationError(
            "drand.bad_json", reason=f"expected text, got {type(text).__name__}"
        )
    try:
        obj = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_float=_no_float, parse_constant=_no_float
        )
    except _JSONProblem as exc:
        raise VerificationError("drand.bad_json", reason=str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise VerificationError("drand.bad_json", reason=str(exc)) from None
    if not isinstance(obj, dict):
        raise VerificationError(
            "drand.bad_json", reason=f"expected an object, got {type(obj).__name__}"
        )
    for field in sorted(obj):
        if field not in _V1_FIELDS:
            raise VerificationError("drand.unknown_field", field=field)
    for field in ("round", "signature"):
        if field not in obj:
            raise VerificationError("drand.missing_field", field=field)

    round = obj["round"]
    if type(round) is not int:
        raise VerificationError("drand.bad_field_type", field="round", expected="integer")
    _check_round(round)
    signature = _hex_field(obj, "signature")
    previous = _hex_field(obj, "previous_signature") if "previous_signature" in obj else None
    if "randomness" in obj:
        randomness = _hex_field(obj, "randomness")
        if randomness != hashlib.sha256(bytes.fromhex(signature)).hexdigest():
            raise VerificationError("drand.randomness_mismatch")
    return round, signature, previous
