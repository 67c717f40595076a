"""randcheck/draw/v2 known-answer vectors and properties (docs/SPEC-v2.md §9)."""

from __future__ import annotations

import base64
import json
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.core.draw import drand, envelope
from randcheck.core.draw.announce import parse_announcement
from randcheck.core.draw.commitment import check_ordering, commitment_body, values_for
from randcheck.core.draw.record import compute_seed
from randcheck.core.draw.replay import replay
from randcheck.core.draw.v2 import round_after
from tests.core.draw import v2helpers as h
from tests.core.draw.helpers import vector
from tests.vectors import generate as g
from tests.vectors import generate_v2

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_generator_check_mode_reports_no_drift() -> None:
    assert generate_v2.main(["--check"]) == 0


def test_vectors_replay_and_their_ordering_verifies() -> None:
    v = vector("v2.json")
    ann, com, rec = (v[k].encode() for k in ("announcement", "commitment", "record"))
    pop = g.small_population()
    report = replay(ann, rec, pop, g.small_roster(pop), h.KEYS, verify_bls=True)
    assert report.ok, report.first_failure
    ann_env = envelope.open_envelope(ann, "announcement")
    witness_keys = {
        signing.key_id(bytes.fromhex(k)): bytes.fromhex(k)
        for k in v["witness_public_keys"].values()
    }
    res = check_ordering(
        ann_env,
        parse_announcement(ann_env.doc),
        envelope.open_envelope(rec, "record").doc,
        com,
        base64.b64decode(v["token"]),
        operator_keys=h.KEYS,
        witness_keys=witness_keys,
        trusted_tsa=[base64.b64decode(v["tsa_ca_certificate"])],
        trusted_witnesses=set(witness_keys),
    )
    assert all(c.ok for c in res.checks), res.checks
    assert res.witnesses == ["李四", "王五"]
    assert res.token is not None and res.token.fingerprint == v["tsa_fingerprint"]
    assert res.committed_at == generate_v2._exact(v["committed_at"])  # it fixes the round
    assert envelope.open_envelope(com, "commitment").digest == v["commitment_digest"]
    chain = drand.CHAINS[v["chain"]["name"]]
    for case in v["round_cases"]:
        assert (
            round_after(chain, generate_v2._exact(case["committed_at"]), case["margin"])
            == (case["round"])
        )
        assert drand.round_time(chain, case["round"]) == case["round_time"]
        assert case["round_time"] > generate_v2._exact(case["committed_at"]) + case["margin"]
        if case["round"] > 1:  # the previous round is not strictly after
            prev = drand.round_time(chain, case["round"] - 1)
            assert prev <= generate_v2._exact(case["committed_at"]) + case["margin"]


def _ordering(v: dict[str, Any], **change: Any) -> dict[str, Any]:
    """The vector's commitment.* checks with one input replaced (as v2.json's cases say)."""
    inputs = {
        "commitment": v["commitment"],
        "record": v["record"],
        "token": v["token"],
        "witness_public_keys": v["witness_public_keys"],
        **change,
    }
    ann = v["announcement"].encode()
    ann_env = envelope.open_envelope(ann, "announcement")
    keys = {signing.key_id(bytes.fromhex(k)): bytes.fromhex(k)
            for k in inputs["witness_public_keys"].values()}  # fmt: skip
    res = check_ordering(
        ann_env,
        parse_announcement(ann_env.doc),
        envelope.open_envelope(inputs["record"].encode(), "record").doc,
        inputs["commitment"].encode(),
        base64.b64decode(inputs["token"]),
        operator_keys=h.KEYS,
        witness_keys=keys,
        trusted_tsa=[base64.b64decode(v["tsa_ca_certificate"])],
        trusted_witnesses=set(keys),
    )
    return {c.name: c for c in res.checks}


def test_token_cases_and_negative_vectors_fail_the_named_check() -> None:
    v = vector("v2.json")
    assert all(c.ok for c in _ordering(v).values())
    for case in v["token_cases"]:
        check = _ordering(v, token=case["token"])[case["check"]]
        assert (check.status, check.code) == (case["status"], case["code"]), case["gen_time"]
    for case in v["negative"]:
        change = {k: case[k] for k in ("commitment", "record", "token", "witness_public_keys")
                  if k in case}  # fmt: skip
        check = _ordering(v, **change)[case["check"]]
        assert not check.ok and check.code == case["code"], case["name"]


# --- properties ------------------------------------------------------------------------------


@FAST
@given(a=st.fractions(min_value=1692803367, max_value=2_000_000_000),
       b=st.fractions(min_value=1692803367, max_value=2_000_000_000),
       margin=st.integers(0, 3600))  # fmt: skip
def test_round_is_a_monotone_function_of_the_anchor(a: Fraction, b: Fraction, margin: int) -> None:
    chain = h.CHAIN
    lo, hi = sorted((a, b))
    r_lo, r_hi = round_after(chain, lo, margin), round_after(chain, hi, margin)
    assert r_lo <= r_hi
    t = drand.round_time(chain, r_lo)
    assert t > lo + margin >= t - chain.period  # strictly after, and the first such


@FAST
@given(dice=st.lists(st.integers(1, 6), min_size=6, max_size=6),
       lottery=st.lists(st.integers(0, 9), min_size=3, max_size=3),
       digest=st.binary(min_size=32, max_size=32))  # fmt: skip
def test_v2_draws_what_v1_draws_for_the_same_digest_and_evidence(
    dice: list[int], lottery: list[int], digest: bytes
) -> None:
    v2 = parse_announcement(envelope.open_envelope(h.announcement_v2(), "announcement").doc)
    v1 = parse_announcement(h.announcement_v1_body())
    ev = g.evidence()
    ev[1] = {**ev[1], "values": dice}
    ev[2] = {**ev[2], "numbers": lottery}
    assert compute_seed(digest.hex(), v2, ev) == compute_seed(digest.hex(), v1, ev)


def _shuffled(d: dict[str, Any], order: list[int]) -> dict[str, Any]:
    keys = list(d)
    perm = [keys[i % len(keys)] for i in order if i < len(keys)]
    seen = list(dict.fromkeys(perm + keys))
    return {k: d[k] for k in seen}


@FAST
@given(order=st.permutations(list(range(4))))
def test_commitment_is_independent_of_dict_order(order: list[int]) -> None:
    env = envelope.open_envelope(h.announcement_v2(), "announcement")
    ann = parse_announcement(env.doc)
    plain = values_for(ann.entropy, g.evidence())
    mixed = values_for(ann.entropy, [_shuffled(e, order) for e in g.evidence()])
    a = commitment_body(ann, env.digest, plain, h.COMMITTED_AT)
    b = commitment_body(ann, env.digest, mixed, h.COMMITTED_AT)
    assert canonical(a) == canonical(b)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
