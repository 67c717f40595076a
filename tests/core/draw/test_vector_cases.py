"""randcheck itself on the SPEC §13.4 and §13.6–§13.9 vectors (the independent verifier's side is
tests/independent/test_logcheck.py): the log, the office key file, SHA256SUMS, a chained
mainnet draw with its BLS signature, the redraw chain and the cap refusal."""

from __future__ import annotations

import hashlib
import json

import pytest

from randcheck.bundle import layout
from randcheck.core import logverify, merkle, note, signing
from randcheck.core.draw import commit, drand
from randcheck.core.draw.commit import parse_population_file
from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.record import record_digest
from randcheck.core.draw.replay import replay
from randcheck.errors import RandcheckError
from randcheck.services import keys as keys_svc
from randcheck.services.audit import make_entry
from tests.core.draw.helpers import KEYS, PUB, vector
from tests.vectors import cases, generate


def test_merkle_codes_are_listed_and_follow_the_stated_rule() -> None:
    m = vector("merkle.json")
    listed = [c.encode() for c in m["codes"]]
    assert listed == commit.canonical_codes([cases.code("1110000", i) for i in range(2500)])
    assert commit.population_root(listed) == m["root"]
    assert len(m["proof_long"]["path"]) == 2
    commit.verify_inclusion(m["proof_long"], m["proof_long"]["code"], m["count"], m["root"])


def test_log_entries_are_what_the_audit_log_writes() -> None:
    log = vector("log.json")
    for i, text in enumerate(log["entries"]):
        entry = json.loads(text)
        line = make_entry(i, entry["kind"], entry["actor"], entry["time"], entry["payload"])
        assert line == text.encode()
        assert merkle.leaf_hash(line).hex() == log["leaf_hashes"][i]
    checked = logverify.check_lines("".join(t + "\n" for t in log["entries"]).encode(), None)
    assert checked.problems == []
    assert merkle.root_from_hashes(checked.hashes).hex() == log["root"]


def test_checkpoint_and_proofs_verify_with_randcheck() -> None:
    log = vector("log.json")
    cp, origin = logverify.open_checkpoint(log["checkpoint"], KEYS)
    assert origin == log["origin"] == note.origin_for(log["region"], signing.key_id(PUB))
    assert cp.size == 7 and cp.root.hex() == log["root"]
    assert note.key_hash(origin, PUB).hex() == log["key_hash"]
    assert cp.body() == log["checkpoint_text"]
    for seq, proof in log["proofs"].items():
        bundle, _cp = logverify.verify_proof(proof, PUB, log["entries"][int(seq)].encode())
        assert bundle.index == int(seq) and len(bundle.hashes) == 3


def test_office_key_file_and_sha256sums_verify_with_randcheck() -> None:
    log = vector("log.json")
    public, name = keys_svc.parse_public_text(log["operator_pub"], layout.OPERATOR_KEY)
    assert public == PUB and name == "office"
    sums = log["sums"]
    files = {p: t.encode() for p, t in sums["files"].items()}
    assert layout.sums_text(files).decode() == sums["SHA256SUMS"]
    assert layout.parse_sums(sums["SHA256SUMS"].encode()) == {
        p: hashlib.sha256(b).hexdigest() for p, b in files.items()
    }
    sig = json.loads(sums["SHA256SUMS.sig"])
    signing.verify(PUB, layout.sums_signing_input(sums["SHA256SUMS"].encode()),
                   bytes.fromhex(sig["sig"]))  # fmt: skip


def _mainnet_inputs(record: str) -> tuple[bytes, bytes, dict[str, list[bytes]], dict]:  # type: ignore[type-arg]
    m = vector("cases.json")["mainnet"]
    pop = {s: parse_population_file(t.encode(), s) for s, t in m["population"].items()}
    return m["announcement"].encode(), record.encode(), pop, m["roster"]


@pytest.mark.parametrize("which", ["mainnet", "redraw"])
def test_mainnet_draw_and_its_redraw_replay_with_bls(which: str) -> None:
    c = vector("cases.json")
    ann, rec, pop, roster = _mainnet_inputs(c[which]["record"])
    report = replay(ann, rec, pop, roster, KEYS, [])
    assert report.ok, report.first_failure
    assert record_digest(rec) == c[which]["record_digest"]
    ev = open_envelope(rec).doc["entropy"][2]
    chain = drand.chain_by_hash(ev["chain_hash"])
    assert chain.scheme == drand.SCHEME_CHAINED
    msg = drand.round_message(chain, ev["round"], bytes.fromhex(ev["previous_signature"]))
    assert msg.hex() == c["mainnet"]["drand_message"]
    randomness = drand.verify_round(chain, ev["round"], ev["signature"], ev["previous_signature"])
    assert randomness.hex() == ev["randomness"]


def test_redraw_names_the_first_record() -> None:
    c = vector("cases.json")
    doc = open_envelope(c["redraw"]["record"].encode()).doc
    assert doc["previous_record"] == c["mainnet"]["record_digest"]
    assert doc["redraw"] is not None and doc["redraw"]["reason"]
    assert open_envelope(c["mainnet"]["record"].encode()).doc["redraw"] is None


def test_cap_case_is_refused_by_replay() -> None:
    cap = vector("cases.json")["cap"]
    pop = {"G": parse_population_file(cap["population"].encode(), "G")}
    report = replay(cap["announcement"].encode(), b"", pop, {}, KEYS, [])
    failed = report.first_failure
    assert failed is not None and failed.name == "announcement.rules"
    assert failed.code == cap["refused_with"] == "proto.cap_exceeded"


def test_spec_prints_every_case() -> None:
    text = generate.SPEC_MD.read_text(encoding="utf-8")
    for heading in ("13.6 The audit log", "13.7 A draw on drand's chained", "13.8 A redraw",
                    "13.9 The 一般 cap refusal"):  # fmt: skip
        assert heading in text
    with pytest.raises(RandcheckError):  # the vector's mainnet round is not quicknet's
        drand.verify_round(drand.CHAINS["quicknet"], cases.MAINNET_ROUND, cases.MAINNET_SIG)
