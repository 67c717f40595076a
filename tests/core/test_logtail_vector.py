"""Known-answer vector for the log tail of a bundle (docs/SPEC.md §14, format v3):
``tests/vectors/logtail.json``.

    python -m tests.core.test_logtail_vector   # rewrite tests/vectors/logtail.json

The test fails when the file drifts from what :func:`vector` computes, and recomputes the
prefix nodes and roots with hashlib alone (RFC 6962 §2.1 written out), so that the vector does
not rest on randcheck's own Merkle code.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from randcheck.bundle import layout
from randcheck.core import merkle
from randcheck.core.canonical import canonical

PATH = Path(__file__).resolve().parent.parent / "vectors" / "logtail.json"
SIZE = 16  # entries in the log
START = 13  # the announcement's entry: 13 = 8 + 4 + 1, three prefix nodes


def log_lines() -> list[bytes]:
    """A small audit log: canonical entries (no trailing newline), seq 0 … SIZE−1."""
    return [
        canonical({"seq": i, "kind": "test.entry", "actor": "vector",
                   "time": f"2026-01-01T00:00:{i:02d}Z", "payload": {"n": i}})
        for i in range(SIZE)
    ]  # fmt: skip


def vector() -> dict[str, Any]:
    lines = log_lines()
    hashes = [merkle.leaf_hash(x) for x in lines]
    prefix = merkle.prefix_nodes(hashes, START)
    tail = merkle.CompactRange(prefix, START)
    roots = {str(START): tail.root().hex()}
    for h in hashes[START:]:
        tail.append(h)
        roots[str(tail.size)] = tail.root().hex()
    return {
        "description": "log tail of a bundle (docs/SPEC.md §14, randcheck/bundle/v3): the "
        "prefix nodes of [0, from) and the root at every size from `from` to `size`",
        "log_lines": [x.decode("utf-8") for x in lines],
        "leaf_hashes": [h.hex() for h in hashes],
        "from": START,
        "size": SIZE,
        "decomposition": [list(span) for span in merkle.decomposition(START)],
        "prefix": [h.hex() for h in prefix],
        "tail_jsonl_sha256": hashlib.sha256(b"".join(x + b"\n" for x in lines[START:])).hexdigest(),
        "tail_json": layout.tail_index(START, SIZE, prefix).decode("utf-8"),
        "roots": roots,
    }


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


def test_the_vector_by_the_rfc_alone() -> None:
    v = json.loads(PATH.read_text(encoding="utf-8"))
    lines = [x.encode("utf-8") for x in v["log_lines"]]
    assert v["decomposition"] == [[0, 8], [8, 12], [12, 13]]
    assert v["prefix"] == [_mth(lines[lo:hi]).hex() for lo, hi in v["decomposition"]]
    for m, root in v["roots"].items():
        assert root == _mth(lines[: int(m)]).hex()
    assert json.loads(v["tail_json"]) == {"from": 13, "size": 16, "prefix": v["prefix"]}


def write() -> None:
    PATH.write_text(json.dumps(vector(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
    sys.exit(0)
