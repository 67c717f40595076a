"""The independent verifier on the SPEC §13.6–§13.9 vectors: they pass, and each tampering fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature

from tests.independent import logcheck, verifier

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
REFUSED = (verifier.Fail, InvalidSignature, ValueError, KeyError)


def load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def all_vectors() -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in VECTORS.glob("*.json")}


def office() -> tuple[bytes, dict[str, bytes]]:
    d = load("draw.json")
    pub = bytes.fromhex(d["public_key"])
    return pub, {d["key_id"]: pub}


def test_every_vector_passes_and_only_drand_bls_is_unverified() -> None:
    out = logcheck.check_vectors(all_vectors())
    unverified = sorted(k for k, v in out.items() if v != "ok")
    assert unverified == [
        "draw.entropy.drand_bls",
        "mainnet.entropy.drand_bls",
        "redraw.entropy.drand_bls",
    ]
    assert set(out.values()) == {"ok", verifier.UNVERIFIED}


def test_a_draw_with_drand_is_never_reported_as_fully_passed() -> None:
    d = load("draw.json")
    summary = verifier.verify_draw(d, office()[1])
    assert summary["status"] == verifier.UNVERIFIED
    assert summary["checks"]["entropy.drand_bls"] == verifier.UNVERIFIED


def test_a_log_entry_changed_by_one_byte_fails_its_proof() -> None:
    log = load("log.json")
    pub, _ = office()
    line = log["entries"][4].encode()
    assert logcheck.verify_tlog_proof(log["proofs"]["4"], line, pub, log["checkpoint"]) == 4
    with pytest.raises(REFUSED):
        logcheck.verify_tlog_proof(log["proofs"]["4"], line.replace(b'"seq":4', b'"seq":5'), pub)
    with pytest.raises(REFUSED):
        logcheck.verify_tlog_proof(log["proofs"]["4"], log["entries"][3].encode(), pub)
    assert len(log["proofs"]["4"].split("\n\n")[0].split("\n")) == 5  # header, index, 3 hashes


def test_a_proof_with_another_index_or_a_missing_hash_fails() -> None:
    log = load("log.json")
    pub, _ = office()
    line = log["entries"][4].encode()
    wrong_index = log["proofs"]["4"].replace("index 4", "index 3", 1)
    with pytest.raises(REFUSED):
        logcheck.verify_tlog_proof(wrong_index, line, pub)
    head, _sep, cp = log["proofs"]["4"].partition("\n\n")
    short = "\n".join(head.split("\n")[:-1]) + "\n\n" + cp
    with pytest.raises(REFUSED):
        logcheck.verify_tlog_proof(short, line, pub)


def test_a_checkpoint_with_another_size_or_origin_fails() -> None:
    log = load("log.json")
    pub, _ = office()
    assert logcheck.open_checkpoint(log["checkpoint"], pub)[:2] == (log["origin"], 7)
    with pytest.raises(REFUSED):
        logcheck.open_checkpoint(log["checkpoint"].replace("\n7\n", "\n6\n", 1), pub)
    other = log["checkpoint"].replace("randcheck/330100/", "randcheck/330101/")
    with pytest.raises(REFUSED):  # the origin is signed, and the signature line names it
        logcheck.open_checkpoint(other, pub)
    d = load("draw.json")
    with pytest.raises(REFUSED):  # the witness key is not the office's: origin names another key
        logcheck.open_checkpoint(log["checkpoint"], bytes.fromhex(d["witness_public_key"]))


def test_log_entries_must_be_canonical_and_in_place() -> None:
    log = load("log.json")
    line = log["entries"][2].encode()
    assert logcheck.check_entry(line, 2)["kind"] == "task.announce"
    with pytest.raises(REFUSED):
        logcheck.check_entry(line, 3)
    with pytest.raises(REFUSED):
        logcheck.check_entry(line.replace(b'{"actor"', b'{ "actor"'), 2)


def test_sha256sums_and_its_signature() -> None:
    sums = load("log.json")["sums"]
    _, keys = office()
    files = {p: t.encode() for p, t in sums["files"].items()}
    s, sig = sums["SHA256SUMS"].encode(), sums["SHA256SUMS.sig"].encode()
    assert logcheck.verify_sums(files, s, sig, keys) == next(iter(keys))
    with pytest.raises(REFUSED):  # a file changed after signing
        logcheck.verify_sums({**files, "bundle.json": b"{}\n"}, s, sig, keys)
    with pytest.raises(REFUSED):  # an extra file
        logcheck.verify_sums({**files, "extra.txt": b""}, s, sig, keys)
    forged = s.replace(b"bundle.json", b"bundle.jsom")
    with pytest.raises(REFUSED):
        logcheck.verify_sums({("bundle.jsom" if p == "bundle.json" else p): b for p, b in
                              files.items()}, forged, sig, keys)  # fmt: skip


def test_office_key_file_gives_the_signing_key_and_checks_its_comments() -> None:
    text = load("log.json")["operator_pub"]
    pub, _ = office()
    assert logcheck.read_office_key(text) == pub
    with pytest.raises(REFUSED):
        logcheck.read_office_key(text.replace("# key-id: 339e", "# key-id: 439e"))


def test_witness_cosignature_verifies_alone_and_a_broken_one_fails() -> None:
    d = load("draw.json")
    witness = {d["witness_key_id"]: bytes.fromhex(d["witness_public_key"])}
    assert verifier.signed_by(d["record"].encode(), "record", witness)[2] == [d["witness_key_id"]]
    rec = json.loads(d["record"])
    sig = rec["signatures"][1]["sig"]
    broken = d["record"].replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])
    with pytest.raises(REFUSED):
        verifier.signed_by(broken.encode(), "record", witness)


def test_redraw_chain_must_name_the_previous_record() -> None:
    c = load("cases.json")
    _, keys = office()
    verifier.verify_redraw(c["mainnet"]["record"], c["redraw"]["record"], keys)
    with pytest.raises(REFUSED):  # record 1 does not follow record 2
        verifier.verify_redraw(c["redraw"]["record"], c["mainnet"]["record"], keys)


def test_mainnet_draw_replays_and_constraints_change_teams() -> None:
    c = load("cases.json")["mainnet"]
    _, keys = office()
    assert verifier.verify_draw(c, keys)["record"] == c["record_digest"]
    teams = json.loads(c["record"])["signed"]["teams"]
    free = {t["target"]: t["members"] for t in c["teams_without_constraints"]}
    changed = [t["target"] for t in teams if [m["id"] for m in t["members"]] != free[t["target"]]]
    (insp, target), ((prev_target, prev_insp),) = (
        c["roster"]["conflicts"][0],
        c["roster"]["previous"],
    )
    assert target in changed and prev_target in changed
    assert insp in free[target] and prev_insp in free[prev_target]
    # with empty conflicts and previous the independent pairing gives exactly that column
    seed = bytes.fromhex(json.loads(c["record"])["signed"]["seed"])
    ann = json.loads(c["announcement"])["signed"]
    roster = dict(c["roster"], conflicts=[], previous=[])
    pairing = verifier.Pairing(ann, roster, verifier.expand(seed, verifier.tag("pairing"), 64))
    assert {t["target"]: [m["id"] for m in pairing.staff(t["target"], [])]
            for t in teams} == free  # fmt: skip


def test_cap_case_is_refused_for_the_cap() -> None:
    cap = load("cases.json")["cap"]
    _, keys = office()
    with pytest.raises(verifier.Fail, match=r"^cap$"):
        verifier.check_announcement({**cap, "population": {"G": cap["population"]}}, keys)


# --- §13.10 / §14.6 the log tail ---------------------------------------------------------------


def _tail() -> tuple[Any, bytes, bytes]:
    t = load("logtail.json")
    jsonl = b"".join(x.encode() + b"\n" for x in t["log_lines"][t["from"] :])
    return t, jsonl, t["tail_json"].encode()


def test_log_tail_roots_come_from_the_tail_alone() -> None:
    t, jsonl, index = _tail()
    roots = logcheck.check_tail(jsonl, index)
    assert {str(m): r.hex() for m, r in roots.items()} == t["roots"]
    assert logcheck.decomposition(13) == [(0, 8), (8, 12), (12, 13)]


def test_the_one_pass_roots_equal_mth_for_every_size() -> None:
    leaves = [verifier.H(bytes([i])) for i in range(40)]
    for a in range(41):
        prefix = logcheck.prefix_nodes(leaves, a)
        roots = logcheck.tail_roots(prefix, a, leaves[a:])
        assert all(roots[m] == verifier.mth(leaves[:m]) for m in range(a, 41)), a


def test_a_changed_tail_line_or_prefix_node_changes_the_root() -> None:
    t, jsonl, index = _tail()
    want = bytes.fromhex(t["roots"]["16"])
    changed = jsonl.replace(b'"n":14', b'"n":41')
    assert logcheck.check_tail(changed, index)[16] != want
    node = t["prefix"][1]
    other = index.replace(
        node.encode(), ("0" if node[0] != "0" else "1").encode() + node[1:].encode()
    )
    assert logcheck.check_tail(jsonl, other)[16] != want


@pytest.mark.parametrize(
    "change",
    [
        lambda j, i: (j.rsplit(b"\n", 2)[0] + b"\n", i),  # a line dropped
        lambda j, i: (j + j.split(b"\n")[0] + b"\n", i),  # a line too many
        lambda j, i: (j.replace(b'"seq":14', b'"seq":15', 1), i),  # out of place
        lambda j, i: (j.replace(b'{"actor"', b'{ "actor"', 1), i),  # not canonical
        lambda j, i: (j, i.replace(b'{"from"', b'{ "from"')),  # tail.json not canonical
        lambda j, i: (j, i.replace(b'"from":13', b'"from":12')),  # prefix count
    ],
)
def test_a_malformed_tail_is_refused(change: Any) -> None:
    _t, jsonl, index = _tail()
    with pytest.raises(REFUSED):
        logcheck.check_tail(*change(jsonl, index))
