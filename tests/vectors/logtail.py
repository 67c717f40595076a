"""The log-tail vector of a bundle (docs/SPEC.md §14.6, format v3): ``tests/vectors/logtail.json``,
written and checked by ``tests/vectors/generate.py`` with the other vectors."""

from __future__ import annotations

import hashlib
from typing import Any

from randcheck.bundle import layout
from randcheck.core import merkle
from randcheck.core.canonical import canonical

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


def spec_lines(v: dict[str, Any]) -> list[str]:
    """The SPEC text of the vector (printed between the vector markers)."""
    return [
        "### 13.10 The log tail of a bundle (`tests/vectors/logtail.json`, §14.6)",
        "",
        f'A log of {v["size"]} entries `{{"actor":"vector","kind":"test.entry",…}}`'
        f" (all in the JSON file); the announcement's entry is `from` = {v['from']} ="
        " 8 + 4 + 1, so the prefix nodes are the tree hashes of "
        + ", ".join(f"[{lo}, {hi})" for lo, hi in v["decomposition"])
        + ":",
        "",
        *[f"* prefix node {i}: `{h}`" for i, h in enumerate(v["prefix"])],
        f"* `log/tail.json`: `{v['tail_json'].rstrip()}`",
        *[f"* root at size {m}: `{r}`" for m, r in v["roots"].items()],
    ]
