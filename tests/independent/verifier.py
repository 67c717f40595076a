"""An independent verifier of randcheck/draw/v1 (SPEC §1–§11), written only from docs/SPEC.md.

The audit log, checkpoints, proofs and SHA256SUMS (SPEC §15) are in ``logcheck.py``.  Neither
imports anything from randcheck or reads any file of it (tests/independent/test_isolation.py
checks both): only the Python standard library and ``cryptography`` (for Ed25519).  It has no
BLS pairing arithmetic, so it checks drand evidence up to ``randomness = H(signature)`` and the
round's timing, and reports the drand check as ``unverified`` (never as passed), as SPEC §6.1
and §9 require of a verifier that cannot check the BLS signature.
"""

from __future__ import annotations

import bisect
import calendar
import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SPEC = "randcheck/draw/v1"
CHUNK = 1024
UNVERIFIED = "unverified"  # a check this verifier cannot perform (drand BLS), never "ok"
DRAND = {  # SPEC §6.1: pinned chains (hash -> (genesis_time, period))
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971": (1692803367, 3),
    "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce": (1595431050, 30),
}


class Fail(Exception):
    pass


def need(cond: bool, what: str) -> None:
    if not cond:
        raise Fail(what)


# --- §1 encodings -----------------------------------------------------------------------------


def H(x: bytes) -> bytes:
    return hashlib.sha256(x).digest()


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def lp(x: bytes | str) -> bytes:
    b = x.encode() if isinstance(x, str) else x
    return u32(len(b)) + b


def tag(name: str) -> bytes:
    return lp("randcheck/draw/v1/" + name)


def expand(prk: bytes, info: bytes, n: int) -> bytes:
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def jcs(v: Any) -> bytes:
    """RFC 8785 for the JSON subset the spec allows (no floats)."""

    def enc(x: Any) -> str:
        if x is None:
            return "null"
        if x is True:
            return "true"
        if x is False:
            return "false"
        if isinstance(x, int):
            return str(x)
        if isinstance(x, str):
            return json.dumps(x, ensure_ascii=False)
        if isinstance(x, list):
            return "[" + ",".join(enc(e) for e in x) + "]"
        if isinstance(x, dict):
            keys = sorted(x, key=lambda k: k.encode("utf-16-be"))
            return "{" + ",".join(enc(k) + ":" + enc(x[k]) for k in keys) + "}"
        raise Fail(f"not JSON: {type(x)}")

    return enc(v).encode("utf-8")


def strict_parse(b: bytes) -> Any:
    def pairs(ps: list[tuple[str, Any]]) -> dict[str, Any]:
        d = dict(ps)
        need(len(d) == len(ps), "duplicate key")
        return d

    def nofloat(s: str) -> Any:
        raise Fail("float in document")

    return json.loads(b.decode("utf-8"), object_pairs_hook=pairs, parse_float=nofloat)


# --- §2 envelopes -----------------------------------------------------------------------------


def key_id(pub: bytes) -> str:
    return hashlib.sha256(bytes.fromhex("302a300506032b6570032100") + pub).hexdigest()


def doc_digest(kind: str, body: bytes) -> str:
    return H(tag("document") + lp(kind) + lp(body)).hex()


def open_env(data: bytes, kind: str, keys: dict[str, bytes]) -> tuple[bytes, dict[str, Any]]:
    """Return (body bytes, body) after checking layout, canonical form and signatures."""
    body, doc, _signers = signed_by(data, kind, keys)
    return body, doc


def signed_by(
    data: bytes, kind: str, keys: dict[str, bytes]
) -> tuple[bytes, dict[str, Any], list[str]]:
    """(body bytes, body, key ids whose signatures verified, in envelope order); every
    signature by a known key must verify, and at least one must be known."""
    sep = b',"signatures":['
    i = data.rfind(sep)
    need(data.startswith(b'{"signed":') and i > 0 and data.endswith(b"]}"), "envelope layout")
    body = data[10:i]
    sigs = strict_parse(data[i + 14 : -1])
    doc = strict_parse(body)
    need(jcs(doc) == body, "body not canonical")
    need(doc.get("spec") == SPEC and doc.get("kind") == kind, "spec/kind")
    good = []
    for s in sigs:
        pub = keys.get(s["keyid"])
        if pub is None:
            continue
        msg = tag("signature") + lp(kind) + lp(body)
        Ed25519PublicKey.from_public_bytes(pub).verify(bytes.fromhex(s["sig"]), msg)
        good.append(s["keyid"])
    need(bool(good), "no trusted signature")
    return body, doc, good


# --- §3 population ----------------------------------------------------------------------------


def mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return H(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return H(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))


def read_population(text: bytes) -> list[bytes]:
    if not text:
        return []
    need(text.endswith(b"\n"), "population file must end with newline")
    codes = text[:-1].split(b"\n")
    for c in codes:
        need(1 <= len(c) <= 64 and all(0x21 <= b <= 0x7E for b in c), "bad code")
    need(all(a < b for a, b in itertools.pairwise(codes)), "population not sorted/unique")
    return codes


def chunk_leaf_hash(chunk: list[bytes]) -> bytes:
    return H(b"\x00" + tag("population-chunk") + b"".join(c + b"\n" for c in chunk))


def population_root(codes: list[bytes]) -> str:
    leaves = [chunk_leaf_hash(codes[i : i + CHUNK]) for i in range(0, len(codes), CHUNK)]
    return mth(leaves).hex()


def verify_inclusion(proof: dict[str, Any], code: str, count: int, root: str) -> None:
    """RFC 9162 §2.1.3.2 over the chunk leaf."""
    chunk = [c.encode() for c in proof["chunk"]]
    need(code.encode() in chunk and all(a < b for a, b in itertools.pairwise(chunk)), "chunk")
    n = (count + CHUNK - 1) // CHUNK
    j = proof["chunk_index"]
    need(0 <= j < n, "chunk index")
    need(len(chunk) == (CHUNK if j < n - 1 else count - CHUNK * (n - 1)), "chunk size")
    path = [bytes.fromhex(x) for x in proof["path"]]
    need(path_root(j, n, chunk_leaf_hash(chunk), path).hex() == root, "inclusion proof")


def path_root(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that an inclusion path leads to from a leaf hash."""
    need(0 <= index < size, "index out of range")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        need(sn != 0, "proof too long")
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    need(sn == 0, "proof too short")
    return r


# --- §5 sample sizes, §6 entropy ---------------------------------------------------------------


def sample_size(rule: dict[str, Any], count: int) -> int:
    m = rule["n"] if rule["kind"] == "count" else -(-count * rule["num"] // rule["den"])
    if count > 0:
        m = max(m, 1)
    return min(m, count)


def unix(t: str) -> int:
    return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%SZ"))


def encode_evidence(src: dict[str, Any], ev: dict[str, Any], ann: dict[str, Any],
                    drawn_at: str) -> bytes:  # fmt: skip
    t = src["type"]
    need(ev["type"] == t, "evidence type")
    if t == "nonce":
        v = bytes.fromhex(ev["value"])
        need(len(v) == 32 and H(tag("nonce") + lp(v)).hex() == src["commitment"], "nonce")
        return tag("nonce") + lp(v)
    if t == "dice":
        vals = ev["values"]
        need(ev["witness"] == src["witness"] and len(vals) == src["count"], "dice")
        need(all(1 <= v <= src["faces"] for v in vals), "dice range")
        return (tag("dice") + lp(ev["witness"]) + u32(src["faces"]) + u32(len(vals))
                + b"".join(u32(v) for v in vals))  # fmt: skip
    if t == "lottery":
        nums = ev["numbers"]
        need(ev["name"] == src["name"] and ev["period"] == src["period"], "lottery")
        need(len(nums) == src["count"] and all(src["min"] <= n <= src["max"] for n in nums), "lot")
        return (tag("lottery") + lp(ev["name"]) + lp(ev["period"]) + u32(len(nums))
                + b"".join(u32(n) for n in nums))  # fmt: skip
    need(t == "drand", "source type")
    need(ev["chain_hash"] == src["chain_hash"] and ev["round"] == src["round"], "drand")
    genesis, period = DRAND[src["chain_hash"]]
    published = genesis + (src["round"] - 1) * period
    need(unix(ann["announced_at"]) < published <= unix(drawn_at), "drand timing")
    need(H(bytes.fromhex(ev["signature"])).hex() == ev["randomness"], "drand randomness")
    return (tag("drand") + lp(bytes.fromhex(src["chain_hash"])) + src["round"].to_bytes(8, "big")
            + lp(bytes.fromhex(ev["randomness"])))  # fmt: skip


def derive_seed(ann_digest: str, encodings: list[bytes]) -> bytes:
    ikm = u32(len(encodings)) + b"".join(lp(e) for e in encodings)
    prk = hmac.new(bytes.fromhex(ann_digest), ikm, hashlib.sha256).digest()
    return expand(prk, tag("seed"), 32)


def ticket(key: bytes, code: bytes) -> bytes:
    return H(key + lp(code))


# --- §7 pairing -------------------------------------------------------------------------------


class Pairing:
    def __init__(self, ann: dict[str, Any], roster: dict[str, Any], kp: bytes) -> None:
        self.rules = ann["teams"]
        self.deps = ann["task"]["departments"]
        self.insp = {i["id"]: i for i in roster["inspectors"]}
        self.load = dict.fromkeys(self.insp, 0)
        self.conflicts = {tuple(p) for p in roster["conflicts"]}
        self.previous = {tuple(p) for p in roster["previous"]} if self.rules["rotation"] else set()
        self.recused: set[tuple[str, str]] = set()
        self.kp = kp

    def reason(self, i: dict[str, Any], code: str) -> str | None:
        r = self.rules
        if i["department"] not in self.deps:
            return "department"
        if not (i["cert_from"] <= r["inspect_from"] and i["cert_to"] >= r["inspect_to"]):
            return "certificate"
        if not set(r["qualifications"]) <= set(i["qualifications"]):
            return "qualification"
        if (i["id"], code) in self.conflicts or (i["id"], code) in self.recused:
            return "conflict"
        if (code, i["id"]) in self.previous:
            return "rotation"
        if self.load[i["id"]] >= r["max_load"]:
            return "workload"
        return None

    def pick(self, code: str, cands: list[dict[str, Any]], team: list[dict[str, Any]]) -> None:
        ids = {m["id"] for m in team}
        ok = [i for i in cands if i["id"] not in ids and self.reason(i, code) is None]
        need(bool(ok), f"cannot staff {code}")
        best = min((self.load[i["id"]], H(self.kp + lp(code) + lp(i["id"])), i["id"]) for i in ok)
        self.load[best[2]] += 1
        team.append(
            {"id": best[2], "ticket": best[1].hex(), "expert": self.insp[best[2]]["expert"]}
        )

    def staff(self, code: str, team: list[dict[str, Any]]) -> list[dict[str, Any]]:
        team = list(team)
        regular = [i for i in self.insp.values() if not i["expert"]]
        experts = [i for i in self.insp.values() if i["expert"]]
        if self.rules["per_department"]:
            for d in self.deps:
                if not any(not m["expert"] and self.insp[m["id"]]["department"] == d for m in team):
                    self.pick(code, [i for i in regular if i["department"] == d], team)
        while sum(not m["expert"] for m in team) < self.rules["min_inspectors"]:
            self.pick(code, regular, team)
        while sum(m["expert"] for m in team) < self.rules["experts"]:
            self.pick(code, experts, team)
        return team


# --- §9 the whole replay ---------------------------------------------------------------------


def check_announcement(
    vec: dict[str, Any], keys: dict[str, bytes]
) -> tuple[bytes, dict[str, Any], dict[str, list[bytes]]]:
    """§2–§5: the signed announcement, its populations, sample sizes and the 一般 cap."""
    ann_body, ann = open_env(vec["announcement"].encode(), "announcement", keys)
    task = ann["task"]
    general = any(i["kind"] == "general" for i in task["items"])
    cap = task["ratio_cap"]
    need(not general or (cap is not None and 1 <= cap["num"] <= cap["den"]), "cap missing")
    pops = {}
    for s in ann["strata"]:
        codes = read_population(vec["population"][s["id"]].encode())
        need(len(codes) == s["count"] and population_root(codes) == s["root"], "population")
        size = sample_size(s["rule"], s["count"])
        need(s["sample_size"] == size, "sample size")
        need(s["reserve_size"] == min(s["reserve"], s["count"] - size), "reserve size")
        if general and s["count"]:
            need(size <= max(1, s["count"] * cap["num"] // cap["den"]), "cap")
        pops[s["id"]] = codes
    ids = [s["id"].encode() for s in ann["strata"]]
    need(ids == sorted(set(ids)), "strata order")
    allc = sorted(c for v in pops.values() for c in v)
    need(all(a < b for a, b in itertools.pairwise(allc)), "strata overlap")
    return ann_body, ann, pops


def verify_draw(vec: dict[str, Any], keys: dict[str, bytes]) -> dict[str, Any]:
    """Verify the announcement, record and addenda of a draw vector; return a summary whose
    ``checks`` map each check to ``ok`` or ``unverified`` (a failure raises ``Fail``)."""
    ann_body, ann, pops = check_announcement(vec, keys)
    rec_body, rec = open_env(vec["record"].encode(), "record", keys)
    a_digest = doc_digest("announcement", ann_body)
    need(rec["announcement"] == a_digest and rec["task_id"] == ann["task"]["id"], "binding")
    need(rec["practice"] == ann["practice"] and rec["drawn_at"] >= ann["announced_at"], "times")
    # §7.1 roster
    roster = vec["roster"]
    need(H(tag("roster") + jcs(roster)).hex() == ann["roster"]["digest"], "roster digest")
    # §6 entropy and seed
    srcs = ann["entropy"]
    need([s["type"] for s in srcs].count("nonce") == 1, "one nonce")
    # §6.1: an official draw needs at least one source besides the operator's nonce
    need(ann["practice"] or len(srcs) >= 2, "a public source")
    need(len(srcs) == len(rec["entropy"]), "evidence count")
    encs = [
        encode_evidence(s, e, ann, rec["drawn_at"])
        for s, e in zip(srcs, rec["entropy"], strict=True)
    ]
    seed = derive_seed(a_digest, encs)
    need(seed.hex() == rec["seed"], "seed")
    # §6.3 selection
    targets = []
    # §9 record.binding: the record's strata are exactly the announcement's, in order
    need([s["id"] for s in rec["strata"]] == [s["id"] for s in ann["strata"]], "strata")
    for s, rs in zip(ann["strata"], rec["strata"], strict=True):
        key = expand(seed, tag("ticket") + lp(s["id"]), 64)
        ranked = sorted((ticket(key, c), c) for c in pops[s["id"]])
        n, r = s["sample_size"], s["reserve_size"]
        drawn = [
            {"code": c.decode(), "ticket": t.hex(), "batch": 1 + k * ann["task"]["batches"] // n}
            for k, (t, c) in enumerate(ranked[:n])
        ]
        reserve = [{"code": c.decode(), "ticket": t.hex()} for t, c in ranked[n : n + r]]
        want = {"id": s["id"], "count": s["count"], "root": s["root"], "sample_size": n,
                "cutoff": ranked[n - 1][0].hex() if n else None, "drawn": drawn,
                "reserve": reserve}  # fmt: skip
        need(rs == want, f"selection {s['id']}")
        targets += [(t, c.decode(), s["id"]) for t, c in ranked[:n]]
    # §7.3 teams
    kp = expand(seed, tag("pairing"), 64)
    pairing = Pairing(ann, roster, kp)
    teams = [{"target": c, "stratum": sid, "members": pairing.staff(c, [])}
             for _, c, sid in sorted(targets)]  # fmt: skip
    need(rec["teams"] == teams, "teams")
    # §10 addenda
    state = {t["target"]: (t["stratum"], t["members"]) for t in teams}
    ever = set(state)
    reserves = {s["id"]: s["reserve"] for s in rec["strata"]}
    prev, rdig = None, doc_digest("record", rec_body)
    for seq, env in enumerate(vec.get("addenda", []), start=1):
        body, add = open_env(env.encode(), "addendum", keys)
        need(add["record"] == rdig and add["seq"] == seq and add["previous"] == prev, "chain")
        need(add["issued_at"] >= rec["drawn_at"], "addendum time")
        tgt = add["target"]
        need(tgt in state, "addendum target")
        sid, members = state[tgt]
        if add["action"] == "replace_target":
            nxt = next(r for r in reserves[sid] if r["code"] not in ever)
            for m in members:
                pairing.load[m["id"]] -= 1
            del state[tgt]
            new = pairing.staff(nxt["code"], [])
            state[nxt["code"]] = (sid, new)
            ever.add(nxt["code"])
            need(add["replacement"] == {"code": nxt["code"], "stratum": sid,
                                        "ticket": nxt["ticket"]}, "replacement")  # fmt: skip
        else:
            need(add["action"] == "replace_inspector", "action")
            insp = add["inspector"]
            need(insp in {m["id"] for m in members}, "inspector on team")
            pairing.recused.add((insp, tgt))
            pairing.load[insp] -= 1
            new = pairing.staff(tgt, [m for m in members if m["id"] != insp])
            state[tgt] = (sid, new)
        need(add["team"] == new, "addendum team")
        prev = doc_digest("addendum", body)
    checks = dict.fromkeys(
        ("announcement", "record", "population", "roster", "entropy", "seed", "selection",
         "teams", "addenda"), "ok",
    )  # fmt: skip
    if any(s["type"] == "drand" for s in srcs):
        checks["entropy.drand_bls"] = UNVERIFIED  # SPEC §6.1: no BLS here, so not passed
    return {
        "announcement": a_digest,
        "record": rdig,
        "seed": seed.hex(),
        "targets": list(state),
        "checks": checks,
        "status": UNVERIFIED if UNVERIFIED in checks.values() else "ok",
    }


def verify_redraw(prev_record: str, record: str, keys: dict[str, bytes]) -> None:
    """§8: a redraw is marked and names the workspace's previous record by its digest."""
    prev_body, _prev = open_env(prev_record.encode(), "record", keys)
    _body, rec = open_env(record.encode(), "record", keys)
    need(rec["previous_record"] == doc_digest("record", prev_body), "previous_record")
    redraw = rec["redraw"]
    need(isinstance(redraw, dict) and set(redraw) == {"reason"}, "redraw not marked")
    need(isinstance(redraw["reason"], str) and redraw["reason"] != "", "redraw reason")


def entity_status(vec: dict[str, Any], code: str, seed_hex: str) -> tuple[str, str, bool]:
    """(stratum, ticket hex, drawn) for a code, from the population files and the seed."""
    rec = json.loads(vec["record"])["signed"]
    for s in rec["strata"]:
        codes = read_population(vec["population"][s["id"]].encode())
        i = bisect.bisect_left(codes, code.encode())
        if i < len(codes) and codes[i] == code.encode():
            key = expand(bytes.fromhex(seed_hex), tag("ticket") + lp(s["id"]), 64)
            t = ticket(key, code.encode())
            last = s["drawn"][-1] if s["drawn"] else None
            drawn = last is not None and (t, code.encode()) <= (
                bytes.fromhex(last["ticket"]),
                last["code"].encode(),
            )
            return s["id"], t.hex(), drawn
    raise Fail("not in the pool")
