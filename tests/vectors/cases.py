"""Vectors for the audit log (SPEC §15) and the draw cases no other vector exercises (SPEC §13).

Used by ``generate.py``: ``log.json`` (a log leaf, a checkpoint, tlog-proofs with paths of
three hashes, the office key file and a signed ``SHA256SUMS``) and ``cases.json`` (a full draw
on drand's chained mainnet scheme in which 回避 and rotation change teams, its marked redraw
with the ``previous_record`` chain, and an announcement that exceeds the 一般 cap).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from randcheck.bundle import layout
from randcheck.core import merkle, note, signing
from randcheck.core.canonical import canonical
from randcheck.core.draw import commit, entropy, record
from randcheck.core.draw.announce import announce, parse_announcement
from randcheck.core.draw.envelope import open_envelope, signed
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec, Task, TeamRules
from randcheck.errors import InputError
from randcheck.io import keyfile
from randcheck.services import keys as keys_svc

REGION = "330100"
ACTOR = "operator"
TOOL = "randcheck 0.1.0"

#: drand mainnet (pedersen-bls-chained) round 72785, published 2020-08-16T21:49:30Z; the same
#: real round as tests/core/draw/test_drand.py (noislabs/drand-verify test vectors).
MAINNET = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"
MAINNET_ROUND = 72785
MAINNET_SIG = (
    "82f5d3d2de4db19d40a6980e8aa37842a0e55d1df06bd68bddc8d60002e8e959eb9cfa368b3c1b77d18f02a54fe047b8"
    "0f0989315f83b12a74fd8679c4f12aae86eaf6ab5690b34f1fddd50ee3cc6f6cdf59e95526d5a5d82aaa84fa6f181e42"
)
MAINNET_PREV = (
    "a609e19a03c2fcc559e8dae14900aaefe517cb55c840f6e69bc8e4f66c8d18e8a609685d9917efbfb0c37f058c2de88f"
    "13d297c7e19e0ab24813079efe57a182554ff054c7638153f9b26a60e7111f71a0ff63d9571704905d3ca6df0b031747"
)
M_ANNOUNCED_AT = "2020-08-16T21:00:00Z"
M_DRAWN_AT = "2020-08-16T22:00:00Z"
M_REDRAWN_AT = "2020-08-17T09:30:00Z"
M_NONCE = hashlib.sha256(b"randcheck mainnet vector nonce").digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class _Office:
    """The two things ``keys.export_for`` reads from a workspace: initialised, and its region."""

    def is_initialised(self) -> bool:
        return True

    def bureau(self) -> dict[str, str]:
        return {"name": "示例市市场监督管理局", "region_code": REGION}


# --- the audit log (SPEC §15) -----------------------------------------------------------------


def log_vectors(draw_vec: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """A seven-entry log of the §13.5 draw, its checkpoint, two proofs and a signed SHA256SUMS."""
    pub = signing.public_raw(key)
    kid = signing.key_id(pub)
    origin = note.origin_for(REGION, kid)
    rec = open_envelope(draw_vec["record"].encode()).doc
    task = rec["task_id"]
    ann_d, rec_d = draw_vec["announcement_digest"], draw_vec["record_digest"]
    signers = [kid, draw_vec["witness_key_id"]]
    ann = open_envelope(draw_vec["announcement"].encode()).doc
    adds = [open_envelope(a.encode()).doc for a in draw_vec["addenda"]]
    definition = hashlib.sha256(b'[task]\nid = "2023-\xe8\x81\x94\xe5\x90\x88-001"\n')
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("2023-09-01T08:00:00Z", "keys.init",
         {"name": "office", "key_id": kid, "public_key": _b64(pub), "algorithm": "Ed25519",
          "format": keyfile.FORMAT_V1}),
        ("2023-09-14T08:00:00Z", "task.create",
         {"task": task, "title": ann["task"]["title"],
          "definition_sha256": definition.hexdigest()}),
        ("2023-09-15T10:00:00Z", "task.announce",
         {"task": task, "announcement": ann_d, "key": kid,
          "strata": {s["id"]: s["count"] for s in ann["strata"]},
          "exclusions": ann["exclusions"], "history": ""}),
        ("2023-09-15T11:04:00Z", "draw.revealed",
         {"task": task, "announcement": ann_d, "redraw": False, "answers": [],
          "evidence": rec["entropy"], "seed": rec["seed"]}),
        ("2023-09-15T11:05:00Z", "draw.record",
         {"task": task, "record": rec_d, "announcement": ann_d, "previous_record": None,
          "redraw": None, "supersedes": [], "revealed": 3, "answers": [], "signers": signers}),
        *[
            (a["issued_at"], "draw.addendum",
             {"task": task, "record": rec_d, "addendum": draw_vec["addenda_digests"][i],
              "seq": a["seq"], "action": a["action"], "target": a["target"],
              "inspector": a["inspector"], "reason": a["reason"]})
            for i, a in enumerate(adds)
        ],
    ]  # fmt: skip
    lines = [
        canonical({"seq": i, "kind": k, "actor": ACTOR, "time": t, "payload": p})
        for i, (t, k, p) in enumerate(rows)
    ]
    hashes = [merkle.leaf_hash(x) for x in lines]
    root = merkle.root_from_hashes(hashes)
    text = note.Checkpoint(origin, len(lines), root).body()
    checkpoint = note.sign(text, origin, key)
    proofs = {
        str(i): note.ProofBundle(i, tuple(merkle.inclusion_proof(i, hashes)), checkpoint).format()
        for i in (2, 4)
    }
    operator_pub = keys_svc.export_for(_Office(), "office", pub)  # type: ignore[arg-type]
    files = {
        layout.FORMAT_FILE: layout.format_document(layout.FORMAT_V2),
        layout.OPERATOR_KEY: operator_pub.encode(),
        layout.CHECKPOINT: checkpoint.encode(),
        layout.entry_file(4): lines[4] + b"\n",
        layout.proof_file(4): proofs["4"].encode(),
    }
    sums = layout.sums_text(files)
    sig = signing.sign(key, layout.sums_signing_input(sums)).hex()
    return {
        "region": REGION,
        "origin": origin,
        "key_hash": note.key_hash(origin, pub).hex(),
        "note_key": note.vkey(origin, pub),
        "entries": [x.decode() for x in lines],
        "leaf_hashes": [h.hex() for h in hashes],
        "size": len(lines),
        "root": root.hex(),
        "checkpoint_text": text,
        "checkpoint": checkpoint,
        "proofs": proofs,
        "operator_pub": operator_pub,
        "sums": {
            "files": {p: files[p].decode() for p in sorted(files)},
            "SHA256SUMS": sums.decode(),
            "signing_input_sha256": hashlib.sha256(layout.sums_signing_input(sums)).hexdigest(),
            "SHA256SUMS.sig": (canonical({"keyid": kid, "sig": sig}) + b"\n").decode(),
        },
    }


# --- a chained-mainnet draw with 回避 and rotation, and its redraw ------------------------------


def code(region: str, n: int) -> str:
    """A valid 统一社会信用代码, as ``generate.code`` makes them."""
    from stdnum.cn import uscc

    body = f"9{region}MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _population() -> dict[str, list[bytes]]:
    return {
        "S": commit.canonical_codes([code("1330200", 100 + n) for n in range(4)]),
        "T": commit.canonical_codes([code("1330200", 200 + n) for n in range(10)]),
    }


def _inspectors() -> tuple[Inspector, ...]:
    deps = ("市场监管局", "卫生健康委")
    return tuple(
        Inspector(f"JC{i:02d}", deps[i % 2], False, "2019-01-01", "2025-12-31", ("药品", "食品"))
        for i in range(1, 9)
    )


def _task() -> tuple[Task, list[StratumSpec], TeamRules]:
    task = Task(
        id="2020-药品-007",
        title="2020年药品经营企业联合抽查",
        departments=("市场监管局", "卫生健康委"),
        items=(Item("YP-001", "key"),),
        batches=1,
        ratio_cap=None,
    )
    strata = [
        StratumSpec("S", Rule.count(4), reserve=0),
        StratumSpec("T", Rule.ratio(1, 5), reserve=2),
    ]
    teams = TeamRules(
        max_load=3,
        inspect_from="2020-09-01",
        inspect_to="2020-09-30",
        min_inspectors=2,
        experts=0,
        per_department=True,
        rotation=True,
        qualifications=("药品", "食品"),
    )
    return task, strata, teams


def _sources() -> list[dict[str, Any]]:
    return [
        entropy.nonce_source(entropy.nonce_commitment(M_NONCE)),
        entropy.dice_source("李四", 4, 6),
        entropy.drand_source(MAINNET, MAINNET_ROUND),
    ]


def _evidence(dice: list[int]) -> list[dict[str, Any]]:
    return [
        entropy.nonce_evidence(M_NONCE),
        entropy.dice_evidence("李四", dice),
        entropy.drand_evidence(MAINNET, MAINNET_ROUND, MAINNET_SIG, MAINNET_PREV),
    ]


def _teams(ann_env: bytes, pop: dict[str, list[bytes]], roster: Roster, seed: bytes) -> Any:
    ann = parse_announcement(open_envelope(ann_env).doc)
    teams, _ = record.staff_all(ann, roster, seed, record.select_all(ann, pop, seed))
    return {c: [m.id for m in ms] for c, _s, ms in teams}


def _mainnet_draw(key: Ed25519PrivateKey) -> tuple[bytes, bytes, Roster, dict[str, Any]]:
    """The first (conflict, previous) pair, in a fixed order, that changes two teams."""
    pop = _population()
    task, strata, teams = _task()
    inspectors = _inspectors()
    s_codes = [c.decode() for c in pop["S"]]  # all four are drawn (count rule n = 4)
    for i in inspectors:
        for j in inspectors:
            conflict = (i.id, s_codes[0])
            previous = (s_codes[1], j.id)
            roster = Roster(inspectors, frozenset({conflict}), frozenset({previous}))
            ann_env = signed(
                announce(
                    task=task, strata=strata, population=pop, exclusions={"recent": 3},
                    roster=roster, teams=teams, sources=_sources(),
                    announced_at=M_ANNOUNCED_AT, tool=TOOL,
                ),
                key,
            )  # fmt: skip
            body = record.draw(ann_env, pop, roster, _evidence([2, 6, 5, 3]), M_DRAWN_AT, tool=TOOL)
            seed = bytes.fromhex(body["seed"])
            free = _teams(ann_env, pop, replace(roster, conflicts=frozenset(),
                                                previous=frozenset()), seed)  # fmt: skip
            if i.id in free[s_codes[0]] and j.id in free[s_codes[1]]:
                return ann_env, signed(body, key), roster, free
    raise AssertionError("no constraint pair changes the teams")  # pragma: no cover


def draw_cases(key: Ed25519PrivateKey, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """``cases.json``: the mainnet draw, its redraw, and the cap refusal."""
    pop = _population()
    ann_env, rec1, roster, free = _mainnet_draw(key)
    rec1_digest = record.record_digest(rec1)
    rec2 = signed(
        record.draw(
            ann_env, pop, roster, _evidence([1, 1, 4, 6]), M_REDRAWN_AT, tool=TOOL,
            previous_record=rec1_digest, redraw_reason="首次抽取后发现检查人员名录有误，经批准重新抽取",
        ),
        key,
    )  # fmt: skip
    doc1 = open_envelope(rec1).doc
    mainnet = {
        "population": {s: commit.population_file(c).decode() for s, c in pop.items()},
        "roster": roster.document(),
        "announcement": ann_env.decode(),
        "announcement_digest": open_envelope(ann_env).digest,
        "record": rec1.decode(),
        "record_digest": rec1_digest,
        "drand_message": hashlib.sha256(
            bytes.fromhex(MAINNET_PREV) + MAINNET_ROUND.to_bytes(8, "big")
        ).hexdigest(),
        "teams_without_constraints": [
            {"target": t["target"], "members": free[t["target"]]} for t in doc1["teams"]
        ],
    }
    redraw = {
        "record": rec2.decode(),
        "record_digest": record.record_digest(rec2),
        "previous_record": rec1_digest,
    }
    return {"mainnet": mainnet, "redraw": redraw, "cap": cap_case(key, sources)}


def cap_case(key: Ed25519PrivateKey, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """An announcement whose sample size exceeds the 一般 cap: randcheck refuses to build it,
    and the same body, built by hand and signed, MUST be refused by every verifier."""
    codes = commit.canonical_codes([code("1330300", n) for n in range(20)])
    pop = {"G": codes}
    task = Task(
        id="2023-一般-003", title="2023年一般事项抽查", departments=("市场监管局",),
        items=(Item("YB-001", "general"),), batches=1, ratio_cap=(1, 10),
    )  # fmt: skip
    strata = [StratumSpec("G", Rule.count(5), reserve=0)]
    teams = TeamRules(
        max_load=5, inspect_from="2023-10-01", inspect_to="2023-10-31", min_inspectors=2,
        experts=0, per_department=False, rotation=False, qualifications=(),
    )  # fmt: skip
    roster = Roster(
        tuple(Inspector(f"ZF{i:03d}", "市场监管局", False, "2020-01-01", "2027-12-31", ())
              for i in range(1, 5)), frozenset(), frozenset(),
    )  # fmt: skip
    args: dict[str, Any] = {
        "strata": strata, "population": pop, "exclusions": {}, "roster": roster, "teams": teams,
        "sources": sources, "announced_at": "2023-09-15T10:00:00Z", "tool": TOOL,
    }  # fmt: skip
    try:
        announce(task=task, **args)
    except InputError as exc:
        refused = exc.code
    else:  # pragma: no cover
        raise AssertionError("the cap was not enforced")
    # Build the same announcement as if every item were 重点 (no cap), then make it 一般 again.
    body = announce(task=replace(task, items=(Item("YB-001", "key"),), ratio_cap=None), **args)
    body["task"]["items"] = [{"code": "YB-001", "kind": "general"}]
    body["task"]["ratio_cap"] = {"num": 1, "den": 10}
    return {
        "count": len(codes),
        "rule": {"kind": "count", "n": 5},
        "ratio_cap": {"num": 1, "den": 10},
        "sample_size": 5,
        "limit": max(1, len(codes) * 1 // 10),
        "refused_with": refused,
        "population": commit.population_file(codes).decode(),
        "announcement": signed(body, key).decode(),
    }


# --- SPEC §13.6–§13.9 -------------------------------------------------------------------------


def _block(text: str) -> list[str]:
    return ["```", *text.rstrip("\n").split("\n"), "```"]


def spec_lines(log: dict[str, Any], cases: dict[str, Any]) -> list[str]:
    """The SPEC text of the log and case vectors (printed between the vector markers)."""
    sums, m, r, c = log["sums"], cases["mainnet"], cases["redraw"], cases["cap"]
    rec1 = open_envelope(m["record"].encode()).doc
    rec2 = open_envelope(r["record"].encode()).doc
    free = {t["target"]: t["members"] for t in m["teams_without_constraints"]}
    roster = m["roster"]
    return [
        "### 13.6 The audit log (`tests/vectors/log.json`, §15)",
        "",
        f"Seven entries (`seq` 0–6) about the §13.5 draw; region `{log['region']}`, signing key"
        " of §13.5. Entry 4, the `draw.record` entry, is the leaf (its bytes, without the"
        " newline that ends its line in `log.jsonl`):",
        "",
        *_block(log["entries"][4]),
        "",
        *[f"* leaf hash {i}: `{h}`" for i, h in enumerate(log["leaf_hashes"])],
        f"* tree of size {log['size']}: root `{log['root']}`",
        f"* origin and key name `{log['origin']}`, note key hash `{log['key_hash']}`,"
        f" verifier key `{log['note_key']}`",
        "",
        "The signed checkpoint (`log/checkpoint.txt`; the Ed25519 signature covers the"
        " first three lines, each with its newline):",
        "",
        *_block(log["checkpoint"]),
        "",
        "The proof of entry 4 (`log/4.tlog-proof`, a path of three hashes):",
        "",
        *_block(log["proofs"]["4"]),
        "",
        "`log.json` also holds the proof of entry 2 (the `task.announce` entry, three hashes).",
        "The office key file (`keys/operator.pub`, §15.5):",
        "",
        *_block(log["operator_pub"]),
        "",
        "`SHA256SUMS` over these five files (their bytes are in `log.json`):",
        "",
        *_block(sums["SHA256SUMS"]),
        "",
        f'`SHA256(tag("bundle-sums") ‖ lp(SHA256SUMS))` = `{sums["signing_input_sha256"]}`;'
        " `SHA256SUMS.sig`:",
        "",
        *_block(sums["SHA256SUMS.sig"]),
        "",
        "### 13.7 A draw on drand's chained mainnet scheme, with 回避 and rotation"
        " (`tests/vectors/cases.json`, `mainnet`)",
        "",
        f"drand mainnet round {MAINNET_ROUND} (published 2020-08-16T21:49:30Z), signed message"
        f" `H(previous_signature ‖ u64(r))` = `{m['drand_message']}`; the BLS signature verifies"
        " under the pinned mainnet key (§6.1).",
        "",
        f"* announcement digest `{m['announcement_digest']}`",
        f"* record digest `{m['record_digest']}`, seed `{rec1['seed']}`",
        f"* conflicts (回避) `{json_text(roster['conflicts'])}`; previous inspectors"
        f" `{json_text(roster['previous'])}`;"
        " rotation on",
        "",
        "| target | team | team if `conflicts` and `previous` were empty (same seed) |",
        "|---|---|---|",
        *[
            f"| {t['target']} | {' '.join(x['id'] for x in t['members'])} | "
            f"{' '.join(free[t['target']])} |"
            for t in rec1["teams"]
        ],
        "",
        "### 13.8 A redraw and its record chain (`cases.json`, `redraw`)",
        "",
        "The same announcement drawn again with other dice values, as a marked redraw:",
        "",
        f"* record 2 digest `{r['record_digest']}`, seed `{rec2['seed']}`",
        f"* `previous_record` = `{rec2['previous_record']}` (record 1 of §13.7),"
        f" `redraw` = `{json_text(rec2['redraw'])}`",
        "",
        "### 13.9 The 一般 cap refusal (`cases.json`, `cap`)",
        "",
        f"A stratum of {c['count']} codes, rule `{json_text(c['rule'])}`, one `general` item,"
        f" `ratio_cap` `{json_text(c['ratio_cap'])}`: sample size {c['sample_size']} >"
        f" `max(1, floor({c['count']} · 1 / 10))` = {c['limit']}. randcheck refuses to build the"
        f" announcement (`{c['refused_with']}`); the signed announcement in the vector, built by"
        " hand with these values, MUST fail `announcement.rules`.",
    ]


def json_text(value: Any) -> str:
    """JCS text of a small JSON value, for the SPEC."""
    return canonical(value).decode()
