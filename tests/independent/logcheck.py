"""The independent verifier's §15 part (the audit log, checkpoints, tlog-proofs, the office key
file, SHA256SUMS), the §14.6 log tail of a v3 bundle (prefix nodes and the roots from the tail,
RFC 6962 written out with hashlib) and :func:`check_vectors`, which runs every check on the
SPEC §13 vectors.

Like ``verifier.py``, written from docs/SPEC.md alone: the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from tests.independent.verifier import (
    Fail,
    H,
    check_announcement,
    jcs,
    key_id,
    lp,
    mth,
    need,
    path_root,
    population_root,
    signed_by,
    strict_parse,
    tag,
    verify_draw,
    verify_inclusion,
    verify_redraw,
)

# --- §15 the audit log, checkpoints, proofs, the office key and SHA256SUMS ------------------

ENTRY_FIELDS = {"seq": int, "kind": str, "actor": str, "time": str, "payload": dict}
ORIGIN = re.compile(r"randcheck/[0-9]{6}/([0-9a-f]{16})")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
SIG_PREFIX = "\u2014 "  # EM DASH, space


def b64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def check_entry(line: bytes, seq: int) -> dict[str, Any]:
    """§15.1: one log entry (a line without its newline) that must be entry ``seq``."""
    entry = strict_parse(line)
    need(isinstance(entry, dict) and jcs(entry) == line, "entry not canonical")
    need(set(entry) == set(ENTRY_FIELDS), "entry fields")
    for name, typ in ENTRY_FIELDS.items():
        need(isinstance(entry[name], typ) and not isinstance(entry[name], bool), name)
    need(TIME.fullmatch(entry["time"]) is not None and entry["seq"] == seq, "entry seq/time")
    return entry


def log_leaf(line: bytes) -> bytes:
    """§15.2: the RFC 6962 leaf hash of an entry's canonical bytes."""
    return H(b"\x00" + line)


def note_key_hash(name: str, pub: bytes) -> bytes:
    return H(name.encode() + b"\n\x01" + pub)[:4]


def open_checkpoint(note: str, pub: bytes) -> tuple[str, int, bytes]:
    """§15.3: (origin, size, root) of a checkpoint signed by ``pub`` under its own origin."""
    cut = note.rfind("\n\n")
    need(note.endswith("\n") and cut > 0, "note layout")
    text, sig_lines = note[: cut + 1], note[cut + 2 :].split("\n")[:-1]
    lines = text.split("\n")[:-1]
    need(len(lines) >= 3 and all(lines), "checkpoint lines")
    origin, size, root = lines[0], lines[1], b64(lines[2])
    m = ORIGIN.fullmatch(origin)
    need(m is not None and m.group(1) == key_id(pub)[:16], "origin names another key")
    need(re.fullmatch(r"0|[1-9][0-9]*", size) is not None and len(root) == 32, "size/root")
    good = False
    for line in sig_lines:
        need(line.startswith(SIG_PREFIX), "signature line")
        name, sig = line[len(SIG_PREFIX) :].split(" ")
        raw = b64(sig)
        if name == origin and raw[:4] == note_key_hash(origin, pub):
            Ed25519PublicKey.from_public_bytes(pub).verify(raw[4:], text.encode())
            good = True
    need(good, "no signature by the office key")
    return origin, int(size), root


def verify_tlog_proof(proof: str, line: bytes, pub: bytes, checkpoint: str | None = None) -> int:
    """§15.4: a c2sp.org/tlog-proof@v1 file for entry ``line``; returns the entry's seq."""
    head, sep, embedded = proof.partition("\n\n")
    need(sep == "\n\n", "proof layout")
    rows = head.split("\n")
    need(rows[0] == "c2sp.org/tlog-proof@v1", "proof header")
    if len(rows) > 1 and rows[1].startswith("extra "):
        rows = rows[:1] + rows[2:]
    need(len(rows) >= 2 and re.fullmatch(r"index (0|[1-9][0-9]*)", rows[1]) is not None, "index")
    index = int(rows[1][6:])
    path = [b64(x) for x in rows[2:]]
    need(all(len(x) == 32 for x in path), "path hash")
    need(checkpoint is None or embedded == checkpoint, "proof embeds another checkpoint")
    _origin, size, root = open_checkpoint(embedded, pub)
    check_entry(line, index)
    need(path_root(index, size, log_leaf(line), path) == root, "inclusion proof")
    return index


def read_office_key(text: str) -> bytes:
    """§15.5: the raw Ed25519 key of a ``keys/operator.pub`` file (its PEM block decides)."""
    stated: dict[str, str] = {}
    pem: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            k, _sep, v = line[1:].partition(":")
            stated[k.strip()] = v.strip()
        elif line:
            pem.append(line)
    key = load_pem_public_key(("\n".join(pem) + "\n").encode())
    need(isinstance(key, Ed25519PublicKey), "not an Ed25519 key")
    assert isinstance(key, Ed25519PublicKey)
    pub = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    need(stated.get("key-id", key_id(pub)) == key_id(pub), "key-id")
    if "note-key" in stated:
        name, khash, raw = stated["note-key"].split("+")
        need(raw and b64(raw) == b"\x01" + pub, "note-key")
        need(note_key_hash(name, pub).hex() == khash, "note-key hash")
    return pub


def verify_sums(files: dict[str, bytes], sums: bytes, sig: bytes, keys: dict[str, bytes]) -> str:
    """§15.6: SHA256SUMS lists exactly ``files`` (sorted, right hashes) and ``SHA256SUMS.sig``
    is a trusted Ed25519 signature over ``tag("bundle-sums") || lp(SHA256SUMS)``."""
    want = "".join(
        f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n"
        for p in sorted(files, key=lambda p: p.encode())
    )
    need(sums == want.encode(), "SHA256SUMS")
    need(sig.endswith(b"\n"), "signature file")
    doc = strict_parse(sig[:-1])
    need(jcs(doc) == sig[:-1] and set(doc) == {"keyid", "sig"}, "signature file")
    pub = keys.get(doc["keyid"])
    need(pub is not None, "unknown signer")
    assert pub is not None
    msg = tag("bundle-sums") + lp(sums)
    Ed25519PublicKey.from_public_bytes(pub).verify(bytes.fromhex(doc["sig"]), msg)
    return str(doc["keyid"])


# --- §14.6 the log tail of a v3 bundle --------------------------------------------------------


def decomposition(a: int) -> list[tuple[int, int]]:
    """§14.6: the complete subtrees [s, s + 2^k) of [0, a), largest first (a's binary digits)."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(a.bit_length() - 1, -1, -1):
        if a >> k & 1:
            out.append((start, start + (1 << k)))
            start += 1 << k
    return out


def prefix_nodes(leaves: list[bytes], a: int) -> list[bytes]:
    """§14.6: MTH of each subtree of :func:`decomposition` (from the whole log: the reference)."""
    return [mth(leaves[s:e]) for s, e in decomposition(a)]


def read_tail_index(raw: bytes) -> tuple[int, int, list[bytes]]:
    """§14.6: ``log/tail.json``, canonical JSON and a newline: (from, size, prefix nodes)."""
    need(raw.endswith(b"\n"), "tail.json newline")
    doc = strict_parse(raw[:-1])
    need(isinstance(doc, dict) and jcs(doc) == raw[:-1], "tail.json not canonical")
    need(set(doc) == {"from", "prefix", "size"}, "tail.json fields")
    a, n, prefix = doc["from"], doc["size"], doc["prefix"]
    for x in (a, n):
        need(isinstance(x, int) and not isinstance(x, bool) and x >= 0, "tail.json numbers")
    need(a <= n and isinstance(prefix, list) and len(prefix) == bin(a).count("1"), "prefix count")
    need(all(isinstance(h, str) and re.fullmatch(r"[0-9a-f]{64}", h) for h in prefix), "prefix")
    return a, n, [bytes.fromhex(h) for h in prefix]


def tail_roots(prefix: list[bytes], a: int, tail: list[bytes]) -> dict[int, bytes]:
    """§14.6, the one-pass form: the root at every size a … a + len(tail) from the prefix nodes
    and the tail's leaf hashes alone (no leaf before a)."""
    need(len(prefix) == bin(a).count("1"), "prefix count")
    stack = [(e - s, h) for (s, e), h in zip(decomposition(a), prefix, strict=True)]

    def root() -> bytes:
        if not stack:
            return H(b"")
        r = stack[-1][1]
        for _w, h in reversed(stack[:-1]):
            r = H(b"\x01" + h + r)
        return r

    roots = {a: root()}
    for i, leaf in enumerate(tail):
        stack.append((1, leaf))
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            (w, left), (_w, right) = stack[-2], stack[-1]
            stack[-2:] = [(2 * w, H(b"\x01" + left + right))]
        roots[a + i + 1] = root()
    return roots


def check_tail(tail_jsonl: bytes, tail_json: bytes) -> dict[int, bytes]:
    """§14.6: a bundle's ``log/tail.jsonl`` and ``log/tail.json``: each line the canonical entry
    of its place, exactly size − from of them; the roots from ``from`` to ``size``."""
    a, n, prefix = read_tail_index(tail_json)
    need(tail_jsonl.endswith(b"\n") or not tail_jsonl, "tail.jsonl torn")
    lines = tail_jsonl.split(b"\n")[:-1]
    need(len(lines) == n - a, "tail length")
    for i, line in enumerate(lines):
        check_entry(line, a + i)
    return tail_roots(prefix, a, [log_leaf(x) for x in lines])


def check_vectors(v: dict[str, Any]) -> dict[str, str]:
    """Every check this verifier can make on the SPEC §13 vectors (file name -> its JSON).

    Returns {check: "ok" | "unverified"}; any failure raises (``Fail`` or ``InvalidSignature``).
    """
    d, log, cases, m = v["draw.json"], v["log.json"], v["cases.json"], v["merkle.json"]
    out: dict[str, str] = {}
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    witness = {d["witness_key_id"]: bytes.fromhex(d["witness_public_key"])}
    # §13.4: the population commitment from the listed codes, and both proofs
    codes = [c.encode() for c in m["codes"]]
    need(len(codes) == m["count"] and population_root(codes) == m["root"], "merkle root")
    for proof in (m["proof"], m["proof_long"]):
        verify_inclusion(proof, proof["code"], m["count"], m["root"])
    out["merkle"] = "ok"
    # §13.5: the draw, and the witness co-signature on the record
    out.update({f"draw.{k}": s for k, s in verify_draw(d, keys)["checks"].items()})
    _b, _doc, signers = signed_by(d["record"].encode(), "record", {**keys, **witness})
    need(signers == [d["key_id"], d["witness_key_id"]], "two signatures, operator first")
    out["record.cosignature"] = "ok"
    # §13.6: the log
    lines = [e.encode() for e in log["entries"]]
    for i, line in enumerate(lines):
        check_entry(line, i)
        need(log_leaf(line).hex() == log["leaf_hashes"][i], "leaf hash")
    pub = read_office_key(log["operator_pub"])
    need(pub == keys[d["key_id"]], "office key file")
    origin, size, root = open_checkpoint(log["checkpoint"], pub)
    need(origin == log["origin"] and size == len(lines), "checkpoint")
    need(root == bytes.fromhex(log["root"]) == mth([log_leaf(x) for x in lines]), "root")
    for seq, proof in sorted(log["proofs"].items()):
        need(verify_tlog_proof(proof, lines[int(seq)], pub, log["checkpoint"]) == int(seq), "seq")
    files = {p: t.encode() for p, t in log["sums"]["files"].items()}
    sums = log["sums"]
    verify_sums(files, sums["SHA256SUMS"].encode(), sums["SHA256SUMS.sig"].encode(), keys)
    out.update(dict.fromkeys(("log.entries", "log.checkpoint", "log.proofs", "files"), "ok"))
    # §13.7–§13.9: chained mainnet, the redraw chain, the cap refusal
    mainnet = verify_draw(cases["mainnet"], keys)
    need(mainnet["record"] == cases["mainnet"]["record_digest"], "mainnet record")
    out.update({f"mainnet.{k}": s for k, s in mainnet["checks"].items()})
    redraw = dict(cases["mainnet"], record=cases["redraw"]["record"])
    out.update({f"redraw.{k}": s for k, s in verify_draw(redraw, keys)["checks"].items()})
    verify_redraw(cases["mainnet"]["record"], cases["redraw"]["record"], keys)
    out["redraw.chain"] = "ok"
    # §13.10: the log tail, from the vector's whole log (the reference) and from the tail alone
    t = v["logtail.json"]
    a, n = t["from"], t["size"]
    full = [x.encode() for x in t["log_lines"]]
    need(len(full) == n, "log tail vector size")
    leaves = [log_leaf(x) for x in full]
    need([x.hex() for x in leaves] == t["leaf_hashes"], "log tail leaf hashes")
    need([list(r) for r in decomposition(a)] == t["decomposition"], "decomposition")
    need([x.hex() for x in prefix_nodes(leaves, a)] == t["prefix"], "prefix nodes")
    tail_json = t["tail_json"].encode()
    need(read_tail_index(tail_json) == (a, n, prefix_nodes(leaves, a)), "tail.json")
    tail_jsonl = b"".join(x + b"\n" for x in full[a:])
    need(hashlib.sha256(tail_jsonl).hexdigest() == t["tail_jsonl_sha256"], "tail.jsonl bytes")
    roots = check_tail(tail_jsonl, tail_json)
    need(sorted(roots) == list(range(a, n + 1)), "tail sizes")
    for m, r in roots.items():
        need(r.hex() == t["roots"][str(m)] and r == mth(leaves[:m]), f"tail root at {m}")
    out.update(dict.fromkeys(("logtail.prefix", "logtail.roots"), "ok"))
    cap = cases["cap"]
    try:
        check_announcement({**cap, "population": {"G": cap["population"]}}, keys)
    except Fail as exc:
        need(str(exc) == "cap", f"cap case refused for another reason: {exc}")
        out["cap.refused"] = "ok"
    need("cap.refused" in out, "an announcement over the 一般 cap was accepted")
    return out
