"""Known-answer vectors for randcheck/draw/v1 (docs/SPEC.md §13).

    python tests/vectors/generate.py          # rewrite tests/vectors/*.json and SPEC.md §13
    python tests/vectors/generate.py --check  # exit 1 if anything drifted

Every input is fixed here: codes, roster, entropy (a real drand quicknet round), times and the
signing key ``Ed25519 private key from seed bytes(32)`` (32 zero bytes; never use it for real).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import Any

from stdnum.cn import uscc

from randcheck.core import signing
from randcheck.core.draw import commit, entropy
from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.addenda import substitute
from randcheck.core.draw.announce import announce, parse_announcement
from randcheck.core.draw.envelope import cosign, open_envelope, signed
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec, Task, TeamRules
from randcheck.core.draw.record import draw
from randcheck.core.draw.select import ticket
from randcheck.core.draw.spec import digest, lp, tag

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script: make ``tests.vectors`` importable
    sys.path.insert(0, str(HERE.parent.parent))
from tests.vectors import cases, logtail  # noqa: E402 - after the path fix above

SPEC_MD = HERE.parent.parent / "docs" / "SPEC.md"
BEGIN, END = "<!-- vectors:begin -->", "<!-- vectors:end -->"

KEY_SEED = bytes(32)
WITNESS_KEY_SEED = bytes([1]) * 32
NONCE = hashlib.sha256(b"randcheck test nonce").digest()
QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_ROUND = 657413
QUICKNET_SIG = (
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b"
)
ANNOUNCED_AT = "2023-09-15T10:00:00Z"  # round 657413 is published at 2023-09-15T11:00:03Z
DRAWN_AT = "2023-09-15T11:05:00Z"
TOOL = "randcheck 0.1.0"


def code(region: str, n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character) for test data."""
    body = f"9{region}MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def small_population() -> dict[str, list[bytes]]:
    pools = {"A": 30, "B": 20, "C": 5, "D": 0}
    out: dict[str, list[bytes]] = {}
    n = 0
    for sid, size in pools.items():
        codes = []
        for _ in range(size):
            n += 1
            codes.append(code("1330100", n * 7919 % 100000))
        out[sid] = commit.canonical_codes(codes, sid)
    return out


def small_roster(population: dict[str, list[bytes]]) -> Roster:
    deps = ("市场监管局", "农业农村局")
    inspectors = [
        Inspector(f"ZF{i:03d}", deps[i % 2], False, "2020-01-01", "2027-12-31", ("食品",))
        for i in range(1, 8)
    ]
    inspectors.append(Inspector("ZF008", deps[0], False, "2020-01-01", "2023-06-30", ("食品",)))
    inspectors.append(Inspector("ZF009", deps[1], False, "2020-01-01", "2027-12-31", ()))
    inspectors += [
        Inspector("ZJ001", deps[0], True, "2020-01-01", "2027-12-31", ("食品",)),
        Inspector("ZJ002", deps[1], True, "2020-01-01", "2027-12-31", ("食品",)),
    ]
    a = population["A"]
    conflicts = frozenset({("ZF001", a[0].decode()), ("ZF002", a[1].decode())})
    previous = frozenset({(a[2].decode(), "ZF003"), (a[3].decode(), "ZF004")})
    return Roster(tuple(inspectors), conflicts, previous)


def small_task() -> tuple[Task, list[StratumSpec], TeamRules]:
    task = Task(
        id="2023-联合-001",
        title="2023年食品安全联合双随机抽查",
        departments=("市场监管局", "农业农村局"),
        items=(Item("SC-001", "key"), Item("SC-002", "general")),
        batches=2,
        ratio_cap=(1, 4),
    )
    strata = [
        StratumSpec("A", Rule.ratio(1, 5), reserve=3),
        StratumSpec("B", Rule.count(3), reserve=2),
        StratumSpec("C", Rule.ratio(1, 100), reserve=1),
        StratumSpec("D", Rule.ratio(1, 10), reserve=1),
    ]
    teams = TeamRules(
        max_load=5,
        inspect_from="2023-10-01",
        inspect_to="2023-10-31",
        min_inspectors=2,
        experts=1,
        per_department=True,
        rotation=True,
        qualifications=("食品",),
    )
    return task, strata, teams


def sources() -> list[dict[str, Any]]:
    return [
        entropy.nonce_source(entropy.nonce_commitment(NONCE)),
        entropy.dice_source("张三", 6, 6),
        entropy.lottery_source("福彩3D", "2023246", 3, 0, 9),
        entropy.drand_source(QUICKNET, QUICKNET_ROUND),
    ]


def evidence() -> list[dict[str, Any]]:
    return [
        entropy.nonce_evidence(NONCE),
        entropy.dice_evidence("张三", [3, 1, 4, 1, 5, 6]),
        entropy.lottery_evidence("福彩3D", "2023246", [0, 7, 2]),
        entropy.drand_evidence(QUICKNET, QUICKNET_ROUND, QUICKNET_SIG, None),
    ]


def build() -> dict[str, Any]:
    """Every vector, as JSON-ready dicts keyed by file name."""
    key = signing.private_from_seed(KEY_SEED)
    witness = signing.private_from_seed(WITNESS_KEY_SEED)
    pub = signing.public_raw(key)
    population = small_population()
    roster = small_roster(population)
    task, strata, teams = small_task()
    ann_body = announce(
        task=task,
        strata=strata,
        population=population,
        exclusions={"status": 4, "recent": 2},
        roster=roster,
        teams=teams,
        sources=sources(),
        announced_at=ANNOUNCED_AT,
        tool=TOOL,
    )
    ann_env = signed(ann_body, key)
    ann = open_envelope(ann_env)
    rec_body = draw(ann_env, population, roster, evidence(), DRAWN_AT, tool=TOOL)
    rec_env = cosign(signed(rec_body, key), witness)
    rec = open_envelope(rec_env)
    first_target = rec_body["strata"][0]["drawn"][0]["code"]
    add1 = signed(
        substitute(
            ann_env, rec_env, roster, [], action="replace_target", target=first_target,
            inspector=None, reason="已注销", issued_at="2023-09-20T09:00:00Z", tool=TOOL,
        ),
        key,
    )  # fmt: skip
    team0 = rec_body["teams"][1]  # teams[0] was replaced by addendum 1
    add2 = signed(
        substitute(
            ann_env, rec_env, roster, [add1], action="replace_inspector",
            target=team0["target"], inspector=team0["members"][0]["id"],
            reason="当事人申请回避", issued_at="2023-09-21T09:00:00Z", tool=TOOL,
        ),
        key,
    )  # fmt: skip

    # --- seed vector ------------------------------------------------------------------------
    parsed = parse_announcement(ann.doc)
    encs = [entropy.encode(e, s) for s, e in zip(parsed.entropy, evidence(), strict=True)]
    ikm = seedmod.ikm(parsed.entropy, evidence())
    prk_b = hmac.new(bytes.fromhex(ann.digest), ikm, hashlib.sha256).digest()
    seed_b = seedmod.derive_seed(ann.digest, ikm)
    seed_vec = {
        "announcement_digest": ann.digest,
        "sources": list(parsed.entropy),
        "evidence": evidence(),
        "encodings": [e.hex() for e in encs],
        "ikm": ikm.hex(),
        "prk": prk_b.hex(),
        "seed": seed_b.hex(),
        "ticket_keys": {s.id: seedmod.ticket_key(seed_b, s.id).hex() for s in parsed.strata},
        "pairing_key": seedmod.pairing_key(seed_b).hex(),
        "tags": {n: tag(n).hex() for n in ("seed", "ticket", "pairing", "population-chunk")},
        "lp_example": {"input": "张三", "hex": lp("张三").hex()},
    }

    # --- ticket vector ----------------------------------------------------------------------
    tkey = hashlib.sha256(b"randcheck ticket vector key").digest() * 2
    tcodes = ["91330100MA2B000018", "92330100MA2B00002X", "A", "~" * 64]
    ticket_vec = {
        "key": tkey.hex(),
        "codes": tcodes,
        "tickets": [ticket(tkey, c.encode()).hex() for c in tcodes],
        "ranking": [c for _, c in sorted((ticket(tkey, c.encode()), c) for c in tcodes)],
    }

    # --- Merkle vector: 2500 codes = 3 chunks -----------------------------------------------
    mcodes = commit.canonical_codes([code("1110000", i) for i in range(2500)])
    hashes = commit.chunk_hashes(mcodes)
    probe = mcodes[2100].decode()
    long_probe = mcodes[5].decode()  # chunk 0 of 3: a path of two hashes
    merkle_vec = {
        "population_file_sha256": hashlib.sha256(commit.population_file(mcodes)).hexdigest(),
        "codes_rule": (
            "for i = 0 … 2499: the 17 characters `91110000MA` + i as 7 decimal digits, then its"
            " GB 32100-2015 check character; sorted; all listed in `codes`"
        ),
        "first_codes": [c.decode() for c in mcodes[:3]],
        "count": len(mcodes),
        "chunk_leaf_hashes": [h.hex() for h in hashes],
        "root": commit.population_root(mcodes),
        "empty_root": commit.population_root([]),
        "single": {"code": "A", "root": commit.population_root([b"A"])},
        "proof": {**commit.inclusion_proof(mcodes, "M", probe), "code": probe},
        "proof_long": {**commit.inclusion_proof(mcodes, "M", long_probe), "code": long_probe},
        "codes": [c.decode() for c in mcodes],
    }

    draw_vec = {
        "signing_key_seed": KEY_SEED.hex(),
        "public_key": pub.hex(),
        "key_id": signing.key_id(pub),
        "witness_public_key": signing.public_raw(witness).hex(),
        "witness_key_id": signing.key_id(signing.public_raw(witness)),
        "population": {s: commit.population_file(c).decode() for s, c in population.items()},
        "roster": roster.document(),
        "announcement": ann_env.decode(),
        "announcement_digest": ann.digest,
        "record": rec_env.decode(),
        "record_digest": rec.digest,
        "addenda": [add1.decode(), add2.decode()],
        "addenda_digests": [digest("addendum", open_envelope(a).body) for a in (add1, add2)],
    }
    return {
        "seed.json": seed_vec,
        "tickets.json": ticket_vec,
        "merkle.json": merkle_vec,
        "draw.json": draw_vec,
        "log.json": cases.log_vectors(draw_vec, key),
        "cases.json": cases.draw_cases(key, sources()),
        "logtail.json": logtail.vector(),
    }


def spec_section(vectors: dict[str, Any]) -> str:
    s, t, m, d = (vectors[k] for k in ("seed.json", "tickets.json", "merkle.json", "draw.json"))
    rec = json.loads(d["record"])["signed"]
    lines = [
        "### 13.1 Encodings",
        "",
        f'* `lp("张三")` = `{s["lp_example"]["hex"]}`',
        *[f'* `tag("{n}")` = `{h}`' for n, h in s["tags"].items()],
        "",
        "### 13.2 Seed derivation (`tests/vectors/seed.json`)",
        "",
        f"* announcement digest `A` = `{s['announcement_digest']}`",
        *[
            f"* `E_{i + 1}` ({ev['type']}) = `{e}`"
            for i, (ev, e) in enumerate(zip(s["evidence"], s["encodings"], strict=True))
        ],
        f"* `PRK` = `{s['prk']}`",
        f"* `seed` = `{s['seed']}`",
        *[f"* `K_{sid}` = `{k}`" for sid, k in s["ticket_keys"].items()],
        f"* `K_p` = `{s['pairing_key']}`",
        "",
        "### 13.3 Tickets (`tests/vectors/tickets.json`)",
        "",
        f"Key `K` = `{t['key']}`",
        "",
        *[f"* `{c}` → `{x}`" for c, x in zip(t["codes"], t["tickets"], strict=True)],
        "",
        f"Ranking: {', '.join('`' + c + '`' for c in t['ranking'])}",
        "",
        "### 13.4 Population commitment (`tests/vectors/merkle.json`)",
        "",
        f"* empty stratum root = `{m['empty_root']}`",
        f"* single code `A` root = `{m['single']['root']}`",
        f"* {m['count']} codes ({m['codes_rule']}), first `{m['first_codes'][0]}`; population file"
        f" SHA-256 `{m['population_file_sha256']}`",
        *[f"  * chunk leaf {i}: `{h}`" for i, h in enumerate(m["chunk_leaf_hashes"])],
        f"  * root `{m['root']}`",
        *[
            f"  * proof for `{pr['code']}`: chunk {pr['chunk_index']}, path "
            + ", ".join(f"`{p}`" for p in pr["path"])
            for pr in (m["proof"], m["proof_long"])
        ],
        "",
        "### 13.5 A full small draw with teams and a signed record (`tests/vectors/draw.json`)",
        "",
        f"Signing key: Ed25519 from the 32-byte seed `00…00`; public key `{d['public_key']}`,"
        f" key id `{d['key_id']}`. Witness key from seed `01…01`, key id `{d['witness_key_id']}`;"
        " the record envelope carries two signatures, the operator's then the witness's"
        " co-signature over the same body bytes (§2), and each verifies on its own.",
        "",
        f"* announcement digest `{d['announcement_digest']}`",
        f"* record digest `{d['record_digest']}`, seed `{rec['seed']}`",
        *[f"* addendum {i + 1} digest `{x}`" for i, x in enumerate(d["addenda_digests"])],
        "",
        "| stratum | count | sample | cut-off | drawn (batch) | reserve |",
        "|---|---|---|---|---|---|",
        *[
            f"| {st['id']} | {st['count']} | {st['sample_size']} | "
            f"{(st['cutoff'] or '—')[:16]} | "
            + " ".join(f"{x['code']}({x['batch']})" for x in st["drawn"])
            + " | "
            + " ".join(x["code"] for x in st["reserve"])
            + " |"
            for st in rec["strata"]
        ],
        "",
        "| target | team (members in order; * = expert) |",
        "|---|---|",
        *[
            f"| {tm['target']} | "
            + " ".join(m["id"] + ("*" if m["expert"] else "") for m in tm["members"])
            + " |"
            for tm in rec["teams"]
        ],
        "",
        *cases.spec_lines(vectors["log.json"], vectors["cases.json"]),
        "",
        *logtail.spec_lines(vectors["logtail.json"]),
    ]
    return "\n".join(lines)


def json_file(value: Any) -> bytes:
    """A vector file's bytes: sorted keys, one-space indent, UTF-8, final newline."""
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def splice(md: Path, section: str) -> bytes:
    """``md`` with the text between its BEGIN and END markers replaced by ``section``."""
    head, rest = md.read_text(encoding="utf-8").split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return (head + BEGIN + "\n" + section + "\n" + END + tail).encode()


def write_or_check(files: dict[Path, bytes], argv: list[str]) -> int:
    """Write ``files``, or with ``--check`` report (exit 1) any that differ from the disk."""
    if "--check" in argv:
        drift = [str(p) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        if drift:
            print("vectors drifted: " + ", ".join(drift), file=sys.stderr)
            return 1
        return 0
    for path, data in files.items():
        path.write_bytes(data)
    return 0


def render(vectors: dict[str, Any]) -> dict[Path, bytes]:
    files = {HERE / name: json_file(v) for name, v in vectors.items()}
    files[SPEC_MD] = splice(SPEC_MD, spec_section(vectors))
    return files


def main(argv: list[str]) -> int:
    return write_or_check(render(build()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
