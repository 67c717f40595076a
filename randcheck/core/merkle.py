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


# -- a log tail: the root at every size from a prefix's nodes and the leaves after it ----------
#
# A bundle proves that nothing of its task is missing from the log by carrying every entry from
# the announcement's entry (seq ``a``) to its checkpoint's size ``n``, plus the *prefix nodes*:
# MTH of each complete subtree of the binary decomposition of [0, a), left to right (a = 13 =
# 8+4+1: [0,8), [8,12), [12,13)).  :func:`tail_root` computes MTH(D[0:m]) for a <= m <= n by the
# RFC 6962 recursion, taking a range from the prefix nodes whenever it is one of them and
# hashing leaves only at or after ``a``.
#
# Claim: the recursion never needs a leaf before ``a``; every range it reaches that lies wholly
# inside [0, a) is one of the prefix nodes, or (only when m = a) a range [s, a) whose start s is
# the start of a prefix node, which the recursion splits into exactly the prefix nodes after s.
#
# Proof.  (1) Invariant: every range [lo, hi) the recursion visits has lo a multiple of
# 2^c, c = ceil(log2(hi - lo)).  True for [0, m).  Splitting [lo, hi) of size s (k = the largest
# power of two < s, so k < s <= 2k and 2^c = 2k) gives [lo, lo+k), with lo a multiple of 2k,
# and [lo+k, hi), of size <= k, with lo+k a multiple of k.  So every left child is a complete,
# aligned ("dyadic") block, and a right child ends where its parent ends.
# (2) A dyadic block inside [0, a) lies inside one prefix node: the nodes are dyadic blocks of
# strictly decreasing sizes 2^k1 > 2^k2 > ...; a dyadic block meeting two of them would contain
# the end of node i and the start of node i+1 and so be [s_i, s_i + 2^(k_i + 1)) or larger,
# which ends past a because the sizes after node i sum to less than 2^k_i.
# (3) Let R = [lo, hi) be the first visited range inside [0, a) on its path, with parent
# P = [p, q), q > a (P is not inside).  R is P's left child (a right child ends at q > a),
# hence dyadic of size k, inside a prefix node N = [d, d + 2^j) by (2), with 2^j >= k.  If R
# were smaller than N: P's size is at most 2k and q > a >= d + 2^j, so p > d + 2^j - 2k >= d;
# p is a multiple of k and p + k <= d + 2^j, so p = d + 2^j - k.  By (1) p is a multiple of 2k
# (P's size exceeds k), but d + 2^j is a multiple of 2k (2k <= 2^j, d a multiple of 2^j), so
# p is not: a contradiction.  Hence R = N.
# (4) If no such parent exists, R is the root [0, m) with m <= a, so m = a.  The root of
# MTH(D[0:a]) splits into [0, 2^k1) (the first node) and [2^k1, a), a range of the same kind
# (a - 2^k1 has the remaining bits); by induction the recursion reaches exactly the nodes.
# tests/core/test_merkle_tail.py checks tail_root against MTH for all 0 <= a <= m <= n <= 70.


def decomposition(a: int) -> list[tuple[int, int]]:
    """The complete subtrees [lo, hi) of the binary decomposition of [0, a), left to right."""
    if a < 0:
        raise ValueError("negative size")
    out: list[tuple[int, int]] = []
    lo = 0
    for bit in range(a.bit_length() - 1, -1, -1):
        if a >> bit & 1:
            out.append((lo, lo + (1 << bit)))
            lo += 1 << bit
    return out


def prefix_nodes(hashes: Sequence[bytes], a: int) -> list[bytes]:
    """The prefix nodes of [0, a) over the log's leaf hashes (``len(hashes) >= a``)."""
    if not 0 <= a <= len(hashes):
        raise ValueError("a out of range")
    return [root_from_hashes(hashes[lo:hi]) for lo, hi in decomposition(a)]


def tail_root(prefix: Sequence[bytes], a: int, tail: Sequence[bytes], m: int) -> bytes:
    """MTH(D[0:m]) from the prefix nodes of [0, a) and the leaf hashes ``tail`` of D[a:...].

    ``a <= m <= a + len(tail)``; ``prefix`` must hold popcount(a) hashes.  Raises
    ``ValueError`` otherwise.  Correct by the proof above.
    """
    if len(prefix) != a.bit_count() or not a <= m <= a + len(tail):
        raise ValueError("prefix or size out of range")
    if m == 0:
        return hashlib.sha256(b"").digest()
    nodes = dict(zip(decomposition(a), prefix, strict=True))

    def mth(lo: int, hi: int) -> bytes:
        node = nodes.get((lo, hi))
        if node is not None:
            return node
        if hi - lo == 1:
            if lo < a:  # unreachable by the proof above; never guess a leaf
                raise ValueError("leaf before the tail")
            return tail[lo - a]
        k = _split(hi - lo)
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))

    return mth(0, m)


class CompactRange:
    """The roots of D[0:m] for m = a, a+1, ... in one pass: the prefix nodes of [0, m) held as a
    stack and merged like a binary counter as leaves are appended (O(log n) hashes a leaf).

    The stack is always the prefix nodes of [0, m), so :meth:`root` folds them right to left,
    which is the RFC 6962 right spine (step (4) of the proof above).
    """

    def __init__(self, prefix: Sequence[bytes], a: int) -> None:
        if len(prefix) != a.bit_count():
            raise ValueError("prefix does not match its size")
        self.size = a
        self._stack = [(hi - lo, h) for (lo, hi), h in zip(decomposition(a), prefix, strict=True)]

    def append(self, leaf: bytes) -> None:
        """Add one leaf *hash*."""
        width, node = 1, leaf
        while self._stack and self._stack[-1][0] == width:
            _w, left = self._stack.pop()
            node = node_hash(left, node)
            width *= 2
        self._stack.append((width, node))
        self.size += 1

    def nodes(self) -> list[bytes]:
        """The prefix nodes of [0, size)."""
        return [h for _w, h in self._stack]

    def root(self) -> bytes:
        """MTH(D[0:size])."""
        if not self._stack:
            return hashlib.sha256(b"").digest()
        acc = self._stack[-1][1]
        for _w, h in reversed(self._stack[:-1]):
            acc = node_hash(h, acc)
        return acc
