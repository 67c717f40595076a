"""Known-answer vectors for randcheck/draw/v2 (docs/SPEC-v2.md §9).

    python tests/vectors/generate_v2.py          # rewrite tests/vectors/v2.json and SPEC-v2 §9
    python tests/vectors/generate_v2.py --check  # exit 1 if anything drifted

The inputs are v1's (tests/vectors/generate.py: codes, roster, entropy, the real quicknet round
657413, the operator key from seed ``00…00``), announced under v2 with a 60-second margin and
two witnesses (Ed25519 keys from seeds ``01…01`` and ``02…02``), who co-sign the commitment.
The commitment is made at 10:59:01Z, which fixes round 657413 (published 11:00:03Z), and
timestamped by the test TSA (tests/tsa_fixture.py, an Ed25519 key from a fixed seed, so the
token's bytes are stable) at 10:59:02.5Z, before that publication.  Token cases (accuracy) and
negative vectors name the check that must pass or fail.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: make ``tests.vectors.generate`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from randcheck.core import signing
from randcheck.core.draw import drand, entropy
from randcheck.core.draw.announce import announce, parse_announcement
from randcheck.core.draw.commitment import commitment_body, values_for
from randcheck.core.draw.envelope import cosign, open_envelope, signed
from randcheck.core.draw.record import draw
from randcheck.core.draw.spec import unix_time
from randcheck.core.draw.v2 import Ordering, Witness, round_after
from tests.tsa_fixture import TestTSA
from tests.vectors import generate as g

HERE = Path(__file__).resolve().parent
SPEC_MD = HERE.parent.parent / "docs" / "SPEC-v2.md"
BEGIN = "<!-- BEGIN v2 VECTORS (tests/vectors/generate_v2.py) -->"
END = "<!-- END v2 VECTORS -->"
WITNESS_SEEDS = {"李四": bytes([1]) * 32, "王五": bytes([2]) * 32}
MARGIN = 60
COMMITTED_AT = "2023-09-15T10:59:01Z"
GEN_TIME = datetime(2023, 9, 15, 10, 59, 2, 500000, tzinfo=UTC)  # the token's genTime
TSA_SEED = b"randcheck v2 vector TSA"
STRANGER_SEED = bytes([3]) * 32  # a key the announcement does not declare
#: the round-rule examples: (committed_at, margin)
ROUND_CASES = (
    ("2023-09-15T10:59:02Z", 60),
    ("2023-09-15T10:59:03Z", 60),
    ("2023-09-15T10:59:00Z", 60),
    ("2023-09-15T11:00:02Z", 0),
    ("2023-09-15T11:00:03Z", 0),
    ("2023-08-23T15:09:00Z", 0),  # before the chain's genesis (15:09:27Z): round 1
    ("2023-08-23T15:09:26Z", 1),  # x = genesis exactly: not strictly after, round 2
)
#: token cases over the vector commitment: (genTime, accuracy in ms, check status, code);
#: the bound is genTime + accuracy, strictly before 11:00:03Z (round 657413's publication)
TOKEN_CASES = (
    (datetime(2023, 9, 15, 11, 0, 1, 500000, tzinfo=UTC), 1000, "ok", "proto.check_ok"),
    (datetime(2023, 9, 15, 11, 0, 1, 500000, tzinfo=UTC), 1500, "fail", "proto.token_late"),
    (datetime(2023, 9, 15, 11, 0, 5, tzinfo=UTC), 0, "fail", "proto.token_late"),
)


def _iso(when: datetime) -> str:
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{when.microsecond:06d}".rstrip("0") if when.microsecond else "") + "Z"


def _exact(text: str) -> Fraction:
    whole, _, frac = text.rstrip("Z").partition(".")
    base = unix_time(whole + "Z")
    return Fraction(base) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)


def test_tsa() -> TestTSA:
    return TestTSA(key_type="ed25519", name="randcheck Vector TSA", seed=TSA_SEED)


def ordering() -> Ordering:
    ws = []
    for name, seed in WITNESS_SEEDS.items():
        public = signing.public_raw(signing.private_from_seed(seed))
        ws.append(Witness(name, signing.key_id(public)))
    fingerprint = hashlib.sha256(test_tsa().cert_der).hexdigest()
    return Ordering(tuple(sorted(ws, key=lambda w: w.keyid)), (fingerprint,))


def sources() -> list[dict[str, Any]]:
    return [*g.sources()[:3], entropy.drand_source_v2(g.QUICKNET, MARGIN)]


def build() -> dict[str, Any]:
    key = signing.private_from_seed(g.KEY_SEED)
    population = g.small_population()
    roster = g.small_roster(population)
    task, strata, teams = g.small_task()
    ann_body = announce(
        task=task,
        strata=strata,
        population=population,
        exclusions={"status": 4, "recent": 2},
        roster=roster,
        teams=teams,
        sources=sources(),
        announced_at=g.ANNOUNCED_AT,
        tool=g.TOOL,
        ordering=ordering(),
    )
    ann_env = signed(ann_body, key)
    ann = open_envelope(ann_env, "announcement")
    parsed = parse_announcement(ann.doc)
    values = values_for(parsed.entropy, g.evidence())
    com_env = signed(commitment_body(parsed, ann.digest, values, COMMITTED_AT, g.TOOL), key)
    for seed in WITNESS_SEEDS.values():
        com_env = cosign(com_env, signing.private_from_seed(seed))
    com = open_envelope(com_env, "commitment")
    tsa = test_tsa()
    token = tsa.stamp(bytes.fromhex(com.digest), GEN_TIME)
    chain = drand.CHAINS["quicknet"]
    rounds = [
        {
            "committed_at": t,
            "margin": m,
            "round": (r := round_after(chain, unix_time(t), m)),
            "round_time": drand.round_time(chain, r),
        }
        for t, m in ROUND_CASES
    ]
    rec_body = draw(
        ann_env, population, roster, g.evidence(), g.DRAWN_AT, tool=g.TOOL, commitment=com.digest
    )
    rec_env = signed(rec_body, key)
    token_cases = []
    for when, ms, status, code in TOKEN_CASES:
        acc = timedelta(milliseconds=ms) if ms else None
        tok = tsa.stamp(bytes.fromhex(com.digest), when, accuracy=acc)
        token_cases.append({"gen_time": _iso(when), "accuracy_ms": ms,
                            "token": base64.b64encode(tok).decode("ascii"),
                            "check": "commitment.anchor", "status": status, "code": code})  # fmt: skip
    # negative vectors: each changes one input and names the check that must fail
    other = g.evidence()
    other[1] = entropy.dice_evidence("张三", [6, 6, 6, 6, 6, 6])
    differ = signed(draw(ann_env, population, roster, other, g.DRAWN_AT, tool=g.TOOL,
                         commitment=com.digest), key)  # fmt: skip
    stranger = cosign(com_env, signing.private_from_seed(STRANGER_SEED))
    first_witness = next(iter(WITNESS_SEEDS))
    negative = [
        {"name": "late token", "token": token_cases[-1]["token"],
         "check": "commitment.anchor", "code": "proto.token_late"},
        {"name": "values differ", "record": differ.decode("utf-8"),
         "check": "commitment.binding", "code": "proto.commitment_values_differ"},
        {"name": "undeclared witness", "commitment": stranger.decode("utf-8"),
         "check": "commitment.witnesses", "code": "proto.witness_undeclared"},
        {"name": "missing witness key", "witness_public_keys": {
            first_witness: signing.public_raw(
                signing.private_from_seed(WITNESS_SEEDS[first_witness])).hex()},
         "check": "commitment.witnesses", "code": "proto.witness_key_missing"},
    ]  # fmt: skip
    witnesses = {
        name: signing.public_raw(signing.private_from_seed(seed)).hex()
        for name, seed in WITNESS_SEEDS.items()
    }
    return {
        "v2.json": {
            "chain": {
                "name": "quicknet",
                "genesis_time": chain.genesis_time,
                "period": chain.period,
            },
            "witness_public_keys": witnesses,
            "announcement": ann_env.decode("utf-8"),
            "announcement_digest": ann.digest,
            "commitment": com_env.decode("utf-8"),
            "commitment_digest": com.digest,
            "tsa_certificate": base64.b64encode(tsa.cert_der).decode("ascii"),
            "tsa_ca_certificate": base64.b64encode(tsa.ca_cert_der).decode("ascii"),
            "tsa_fingerprint": hashlib.sha256(tsa.cert_der).hexdigest(),
            "token": base64.b64encode(token).decode("ascii"),
            "token_sha256": hashlib.sha256(token).hexdigest(),
            "committed_at": COMMITTED_AT,
            "gen_time": "2023-09-15T10:59:02.5Z",
            "round": round_after(chain, unix_time(COMMITTED_AT), MARGIN),
            "round_cases": rounds,
            "token_cases": token_cases,
            "negative": negative,
            "record": rec_env.decode("utf-8"),
            "record_digest": open_envelope(rec_env, "record").digest,
            "seed": rec_body["seed"],
        }
    }


def spec_section(vectors: dict[str, Any]) -> str:
    v = vectors["v2.json"]
    lines = [
        "Operator key: Ed25519 from seed `00…00` (as in SPEC §13.5).  Witnesses: "
        + ", ".join(
            f"{n} (seed `{s.hex()[:2]}…{s.hex()[:2]}`, public key `{v['witness_public_keys'][n]}`)"
            for n, s in WITNESS_SEEDS.items()
        )
        + ".",
        "",
        f"* announcement digest `{v['announcement_digest']}`",
        f"* commitment digest `{v['commitment_digest']}` (committed_at `{v['committed_at']}`)",
        f"* test TSA (Ed25519 from a fixed seed, tests/tsa_fixture.py): signer certificate"
        f" SHA-256 `{v['tsa_fingerprint']}` (listed in `ordering.tsa`); token (DER, base64 in"
        f" v2.json) SHA-256 `{v['token_sha256']}`, genTime `{v['gen_time']}` (no accuracy):"
        " before the publication of r",
        f"* round r = `{v['round']}` (fixed by committed_at, margin {MARGIN} s)",
        f"* record digest `{v['record_digest']}`, seed `{v['seed']}` (the v1 seed rule, over"
        " this announcement's digest)",
        "",
        "Round rule on quicknet (genesis "
        f"{v['chain']['genesis_time']}, period {v['chain']['period']} s):",
        "",
        "| committed_at | margin | r | publication time of r (unix) |",
        "|---|---|---|---|",
        *[
            f"| {c['committed_at']} | {c['margin']} | {c['round']} | {c['round_time']} |"
            for c in v["round_cases"]
        ],
        "",
        "Tokens over the vector commitment (round r published 2023-09-15T11:00:03Z; the bound is"
        " genTime + accuracy, which must be strictly before it):",
        "",
        "| genTime | accuracy | `commitment.anchor` |",
        "|---|---|---|",
        *[
            f"| {c['gen_time']} | {c['accuracy_ms']} ms | {c['status']} (`{c['code']}`) |"
            for c in v["token_cases"]
        ],
        "",
        "Negative vectors (v2.json `negative`: each replaces one input of the vector):",
        "",
        *[f"* {c['name']}: `{c['check']}` fails with `{c['code']}`" for c in v["negative"]],
        "",
        "The commitment envelope (`commitment.json`):",
        "",
        "```json",
        v["commitment"],
        "```",
    ]
    return "\n".join(lines)


def splice(md: Path, section: str) -> bytes:
    head, rest = md.read_text(encoding="utf-8").split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return (head + BEGIN + "\n" + section + "\n" + END + tail).encode()


def render(vectors: dict[str, Any]) -> dict[Path, bytes]:
    files = {HERE / name: g.json_file(v) for name, v in vectors.items()}
    files[SPEC_MD] = splice(SPEC_MD, spec_section(vectors))
    return files


def main(argv: list[str]) -> int:
    return g.write_or_check(render(build()), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
