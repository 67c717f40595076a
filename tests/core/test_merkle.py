"""RFC 6962 Merkle hashing against the standard test vectors (certificate-transparency)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core import merkle
from randcheck.errors import VerificationError

LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("n", range(9))
def test_roots(n: int) -> None:
    assert merkle.root(LEAVES[:n]).hex() == ROOTS[n]


def test_inclusion_vector_leaf5_of_8() -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES]
    proof = merkle.inclusion_proof(5, hashes)
    assert [p.hex() for p in proof] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    merkle.verify_inclusion(5, 8, hashes[5], proof, bytes.fromhex(ROOTS[8]))
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(4, 8, hashes[5], proof, bytes.fromhex(ROOTS[8]))


def test_consistency_vector_3_to_8() -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES]
    proof = merkle.consistency_proof(3, hashes)
    assert [p.hex() for p in proof] == [
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    merkle.verify_consistency(3, 8, proof, bytes.fromhex(ROOTS[3]), bytes.fromhex(ROOTS[8]))
    with pytest.raises(VerificationError):
        merkle.verify_consistency(3, 8, proof, bytes.fromhex(ROOTS[4]), bytes.fromhex(ROOTS[8]))


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_every_proof_verifies_and_tamper_fails(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(d) for d in leaves]
    n = len(hashes)
    r = merkle.root_from_hashes(hashes)
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, hashes)
    merkle.verify_inclusion(i, n, hashes[i], proof, r)
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(i, n, merkle.leaf_hash(leaves[i] + b"x"), proof, r)
    m = data.draw(st.integers(1, n))
    cproof = merkle.consistency_proof(m, hashes)
    merkle.verify_consistency(m, n, cproof, merkle.root_from_hashes(hashes[:m]), r)
    if m < n:
        with pytest.raises(VerificationError):
            merkle.verify_consistency(m, n, cproof, merkle.root_from_hashes(hashes[:m]), r[::-1])
