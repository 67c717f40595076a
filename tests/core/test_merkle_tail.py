"""The root at every size from a prefix's nodes and a log tail equals RFC 6962 MTH."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core import merkle


def _leaves(n: int, salt: int = 0) -> list[bytes]:
    return [merkle.leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


def test_decomposition_of_13_is_8_4_1() -> None:
    assert merkle.decomposition(13) == [(0, 8), (8, 12), (12, 13)]
    assert merkle.decomposition(0) == []
    assert merkle.decomposition(16) == [(0, 16)]
    with pytest.raises(ValueError):
        merkle.decomposition(-1)


@given(st.data())
def test_tail_root_is_mth_for_every_size(data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 70))
    a = data.draw(st.integers(0, n))
    m = data.draw(st.integers(a, n))
    hashes = _leaves(n, data.draw(st.integers(0, 3)))
    prefix = merkle.prefix_nodes(hashes, a)
    assert len(prefix) == a.bit_count()
    want = merkle.root_from_hashes(hashes[:m])
    assert merkle.tail_root(prefix, a, hashes[a:], m) == want
    rng = merkle.CompactRange(prefix, a)
    for h in hashes[a:m]:
        rng.append(h)
    assert rng.root() == want
    assert rng.nodes() == merkle.prefix_nodes(hashes, m)


def test_every_a_m_n_up_to_70() -> None:
    """Exhaustive over 0 <= a <= m <= n <= 70 (the hypothesis test samples the same space)."""
    hashes = _leaves(70)
    roots = [merkle.root_from_hashes(hashes[:m]) for m in range(71)]
    for a in range(71):
        prefix = merkle.prefix_nodes(hashes, a)
        rng = merkle.CompactRange(prefix, a)
        assert rng.root() == roots[a]
        for m in range(a, 71):
            assert merkle.tail_root(prefix, a, hashes[a:], m) == roots[m]
            if m > a:
                rng.append(hashes[m - 1])
                assert rng.root() == roots[m]


def test_a_wrong_prefix_node_changes_every_root() -> None:
    hashes = _leaves(20)
    prefix = merkle.prefix_nodes(hashes, 13)
    bad = [prefix[0], hashlib.sha256(b"x").digest(), prefix[2]]
    for m in range(13, 21):
        assert merkle.tail_root(bad, 13, hashes[13:], m) != merkle.root_from_hashes(hashes[:m])


def test_bad_arguments_are_refused() -> None:
    hashes = _leaves(10)
    prefix = merkle.prefix_nodes(hashes, 5)
    with pytest.raises(ValueError):
        merkle.tail_root(prefix[:1], 5, hashes[5:], 6)  # popcount(5) = 2 nodes
    with pytest.raises(ValueError):
        merkle.tail_root(prefix, 5, hashes[5:], 11)  # beyond the tail
    with pytest.raises(ValueError):
        merkle.tail_root(prefix, 5, hashes[5:], 4)  # before the tail
    with pytest.raises(ValueError):
        merkle.CompactRange(prefix, 4)
    with pytest.raises(ValueError):
        merkle.prefix_nodes(hashes, 11)
    assert merkle.tail_root([], 0, [], 0) == hashlib.sha256(b"").digest()
