"""Known-answer vector for the log tail of a bundle (docs/SPEC.md §14, format v3):
``tests/vectors/logtail.json``.

    python tests/vectors/generate.py   # rewrites it with the other vectors

The test fails when the file drifts from what :func:`vector` computes, and recomputes the
prefix nodes and roots with hashlib alone (RFC 6962 §2.1 written out), so that the vector does
not rest on randcheck's own Merkle code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.vectors.logtail import vector


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH over leaf data, from the RFC's definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def test_the_committed_vector_is_current() -> None:
    assert json.loads(PATH.read_text(encoding="utf-8")) == vector()


PATH = Path(__file__).resolve().parent.parent / "vectors" / "logtail.json"


def test_the_vector_by_the_rfc_alone() -> None:
    v = json.loads(PATH.read_text(encoding="utf-8"))
    lines = [x.encode("utf-8") for x in v["log_lines"]]
    assert v["decomposition"] == [[0, 8], [8, 12], [12, 13]]
    assert v["prefix"] == [_mth(lines[lo:hi]).hex() for lo, hi in v["decomposition"]]
    for m, root in v["roots"].items():
        assert root == _mth(lines[: int(m)]).hex()
    assert json.loads(v["tail_json"]) == {"from": 13, "size": 16, "prefix": v["prefix"]}
