"""RFC 6962 Merkle tree hashing, inclusion and consistency proofs (RFC 9162 §2.1 verifiers)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from randcheck.errors import VerificationError

LEAF = b"\x00"
NODE = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root_from_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, computed bottom-up (iterative, O(n))."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    # Bottom-up pairing gives the RFC 6962 tree: an odd node at the end is carried up unchanged.
    level = list(hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of raw leaf data."""
    return root_from_hashes([leaf_hash(d) for d in leaves])


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) for leaf ``index`` over leaf hashes (RFC 6962 §2.1.1)."""
    n = len(hashes)
    if not 0 <= index < n:
        raise ValueError("index out of range")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, hashes[:k]), root_from_hashes(hashes[k:])]
    return [*inclusion_proof(index - k, hashes[k:]), root_from_hashes(hashes[:k])]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; ``leaf`` is the leaf *hash*. Raises ``VerificationError``."""
    if not 0 <= index < size:
        raise VerificationError("merkle.index_range", index=index, size=size)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationError("merkle.proof_long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("merkle.proof_short")
    if r != expected_root:
        raise VerificationError("merkle.root_mismatch")


def consistency_proof(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 6962 §2.1.2) over leaf hashes."""
    n = len(hashes)
    if not 0 < m <= n:
        raise ValueError("m out of range")
    return _subproof(m, hashes, True)


def _subproof(m: int, hashes: Sequence[bytes], start: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if start else [root_from_hashes(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], start), root_from_hashes(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), root_from_hashes(hashes[:k])]


def verify_consistency(
    m: int, n: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """RFC 9162 §2.1.4.2. Raises ``VerificationError``."""
    if not 0 < m <= n:
        raise VerificationError("merkle.index_range", index=m, size=n)
    if m == n:
        if proof or old_root != new_root:
            raise VerificationError("merkle.root_mismatch")
        return
    path = list(proof)
    if m & (m - 1) == 0:  # m is a power of two: old_root is the first node
        path.insert(0, old_root)
    if not path:
        raise VerificationError("merkle.proof_short")
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("merkle.proof_long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("merkle.proof_short")
    if fr != old_root or sr != new_root:
        raise VerificationError("merkle.root_mismatch")
