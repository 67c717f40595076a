"""Known-answer vectors: no drift, the core replays them, the independent verifier agrees."""

from __future__ import annotations

import hashlib
import json

import pytest

from randcheck.core import signing
from randcheck.core.draw import commit
from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.commit import parse_population_file
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.model import Roster
from randcheck.core.draw.replay import entity_proof, replay, verify_entity_proof
from randcheck.core.draw.select import ticket
from randcheck.errors import VerificationError
from tests.core.draw.helpers import vector
from tests.independent import verifier as indep
from tests.vectors import generate


def test_generator_check_mode_reports_no_drift() -> None:
    assert generate.main(["--check"]) == 0


def test_generator_check_mode_catches_drift(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = generate.render

    def drifted(v):  # type: ignore[no-untyped-def]
        files = real(v)
        first = next(iter(files))
        files[first] = files[first] + b" "
        return files

    monkeypatch.setattr(generate, "render", drifted)
    assert generate.main(["--check"]) == 1


def _inputs() -> tuple[dict, bytes, bytes, dict, Roster, dict]:  # type: ignore[type-arg]
    d = vector("draw.json")
    pop = {s: parse_population_file(t.encode(), s) for s, t in d["population"].items()}
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    return (
        d,
        d["announcement"].encode(),
        d["record"].encode(),
        pop,
        Roster.from_document(d["roster"]),
        keys,
    )


def test_core_replays_the_signed_vector_with_addenda() -> None:
    d, ann, rec, pop, _roster, keys = _inputs()
    addenda = [a.encode() for a in d["addenda"]]
    report = replay(ann, rec, pop, d["roster"], keys, addenda)  # BLS verified (quicknet)
    assert report.ok, report.first_failure
    names = [c.name for c in report.checks]
    assert "entropy" in names and "teams" in names and "addendum.2" in names
    assert open_envelope(rec).digest == d["record_digest"]


def test_independent_verifier_reproduces_the_draw() -> None:
    d, *_ = _inputs()
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    out = indep.verify_draw(d, keys)
    assert out["record"] == d["record_digest"]
    assert out["seed"] == json.loads(d["record"])["signed"]["seed"]
    witness = {d["witness_key_id"]: bytes.fromhex(d["witness_public_key"])}
    indep.open_env(d["record"].encode(), "record", witness)  # the witness co-signature alone
    with pytest.raises(indep.Fail):
        indep.open_env(d["announcement"].encode(), "announcement", witness)  # not co-signed


def test_independent_verifier_rejects_a_changed_team() -> None:
    d, *_ = _inputs()
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    bad = dict(d, record=d["record"].replace('"id":"ZF00', '"id":"ZF01', 1))
    with pytest.raises(Exception):  # noqa: B017 - signature or team check, either says no
        indep.verify_draw(bad, keys)


def test_seed_vector_matches_core_and_independent() -> None:
    s = vector("seed.json")
    encs = [bytes.fromhex(e) for e in s["encodings"]]
    assert indep.derive_seed(s["announcement_digest"], encs).hex() == s["seed"]
    assert seedmod.derive_seed(s["announcement_digest"], bytes.fromhex(s["ikm"])).hex() == s["seed"]
    seed = bytes.fromhex(s["seed"])
    for sid, k in s["ticket_keys"].items():
        assert seedmod.ticket_key(seed, sid).hex() == k
        assert indep.expand(seed, indep.tag("ticket") + indep.lp(sid), 64).hex() == k
    assert indep.expand(seed, indep.tag("pairing"), 64).hex() == s["pairing_key"]


def test_ticket_vector_matches_core_and_independent() -> None:
    t = vector("tickets.json")
    key = bytes.fromhex(t["key"])
    for c, want in zip(t["codes"], t["tickets"], strict=True):
        assert ticket(key, c.encode()).hex() == want
        assert indep.ticket(key, c.encode()).hex() == want
        # The spec's formula, spelled out once more: H(K || u32(len) || code).
        assert hashlib.sha256(key + len(c).to_bytes(4, "big") + c.encode()).hexdigest() == want


def test_merkle_vector_matches_core_and_independent() -> None:
    m = vector("merkle.json")
    codes = commit.canonical_codes([generate.code("1110000", i) for i in range(2500)])
    assert commit.population_root(codes) == m["root"]
    assert indep.population_root(codes) == m["root"]
    assert indep.population_root([]) == m["empty_root"] == hashlib.sha256(b"").hexdigest()
    assert indep.population_root([b"A"]) == m["single"]["root"]
    proof = m["proof"]
    commit.verify_inclusion(proof, proof["code"], m["count"], m["root"])
    indep.verify_inclusion(proof, proof["code"], m["count"], m["root"])
    with pytest.raises(VerificationError):
        commit.verify_inclusion(proof, proof["code"], m["count"], m["empty_root"])
    with pytest.raises(indep.Fail):
        indep.verify_inclusion(proof, proof["code"], m["count"], m["empty_root"])


def test_entity_proof_for_drawn_and_not_drawn_codes() -> None:
    d, ann, rec, pop, _, _ = _inputs()
    drawn = json.loads(d["record"])["signed"]["strata"][0]["drawn"][0]["code"]
    not_drawn = next(c.decode() for c in pop["A"] if c.decode() not in d["record"])
    for code, expected in ((drawn, True), (not_drawn, False)):
        proof = entity_proof(ann, rec, pop, code)
        status = verify_entity_proof(proof, ann, rec)
        assert status["drawn"] is expected
        seed = json.loads(d["record"])["signed"]["seed"]
        assert indep.entity_status(d, code, seed) == ("A", status["ticket"], expected)
        lying = dict(proof, drawn=not expected)
        with pytest.raises(VerificationError):
            verify_entity_proof(lying, ann, rec)


def test_signing_key_is_the_documented_fixed_key() -> None:
    d = vector("draw.json")
    key = signing.private_from_seed(bytes.fromhex(d["signing_key_seed"]))
    assert signing.public_raw(key).hex() == d["public_key"]


def test_independent_verifier_rejects_a_record_that_drops_a_stratum() -> None:
    from randcheck.core.draw.envelope import signed

    d, *_ = _inputs()
    keys = {d["key_id"]: bytes.fromhex(d["public_key"])}
    body = json.loads(d["record"])["signed"]
    assert len(body["strata"]) > 1
    body["strata"] = body["strata"][:-1]  # a whole stratum's targets quietly left out
    body["teams"] = [
        t
        for t in body["teams"]
        if t["stratum"] != json.loads(d["record"])["signed"]["strata"][-1]["id"]
    ]
    forged = signed(body, signing.private_from_seed(bytes.fromhex(d["signing_key_seed"]))).decode()
    with pytest.raises(indep.Fail):
        indep.verify_draw(dict(d, record=forged, addenda=[]), keys)
