"""C2SP signed notes, checkpoints and proof bundles; the golang sumdb note vector."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core import logverify, merkle, note, signing
from randcheck.core.canonical import canonical
from randcheck.errors import SignatureError, VerificationError

# golang.org/x/mod/sumdb/note note_test.go (anchors.md §5)
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
SIG_LINE = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def _vector_key() -> tuple[str, signing.Ed25519PrivateKey]:
    name, seed = note.parse_skey(SKEY)
    return name, signing.private_from_seed(seed)


def test_golang_vector_byte_for_byte() -> None:
    name, key = _vector_key()
    assert name == "PeterNeumann"
    assert note.key_hash(name, signing.public_raw(key)).hex() == "c74f20a3"
    assert note.vkey(name, signing.public_raw(key)) == VKEY
    assert note.signature_line(TEXT, name, key) == SIG_LINE
    assert note.sign(TEXT, name, key) == TEXT + "\n" + SIG_LINE


def test_golang_vector_verifies_with_vkey() -> None:
    vname, public = note.parse_vkey(VKEY)
    text, names = note.open_note(TEXT + "\n" + SIG_LINE, {vname: public})
    assert (text, names) == (TEXT, ["PeterNeumann"])


def test_tampered_note_rejected() -> None:
    vname, public = note.parse_vkey(VKEY)
    signed = TEXT + "\n" + SIG_LINE
    with pytest.raises(SignatureError):
        note.open_note(signed.replace("problem,", "problem;"), {vname: public})
    # unknown keys are ignored, and then no known signature remains
    other = signing.public_raw(signing.private_from_seed(bytes(32)))
    with pytest.raises(SignatureError) as info:
        note.open_note(signed, {"Someone": other})
    assert info.value.code == "note.no_known_signature"
    # the right name with the wrong key: key hash differs, so it is unknown
    with pytest.raises(SignatureError):
        note.open_note(signed, {vname: other})


def test_bad_vkey_and_skey() -> None:
    with pytest.raises(VerificationError):
        note.parse_vkey(VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(VerificationError):
        note.parse_skey(SKEY.replace("PeterNeumann", "PaulNeumann"))
    with pytest.raises(VerificationError):
        note.parse_vkey("nonsense")


def test_unknown_signatures_ignored_alongside_known() -> None:
    name, key = _vector_key()
    extra_key = signing.private_from_seed(b"\x07" * 32)
    signed = note.sign(TEXT, name, key) + note.signature_line(TEXT, "witness.example", extra_key)
    vname, public = note.parse_vkey(VKEY)
    assert note.open_note(signed, {vname: public})[1] == ["PeterNeumann"]


@pytest.mark.parametrize(
    "bad",
    [
        TEXT,  # no signature block
        TEXT + "\n",  # empty signature block
        TEXT + "\n" + SIG_LINE.replace("— ", "- "),  # not an em dash
        TEXT + "\n" + SIG_LINE.rstrip("\n"),  # no final newline
        TEXT + "\n" + "— PeterNeumann !!!!\n",  # bad base64
    ],
)
def test_malformed_notes(bad: str) -> None:
    vname, public = note.parse_vkey(VKEY)
    with pytest.raises(VerificationError):
        note.open_note(bad, {vname: public})


def test_checkpoint_body_and_parse() -> None:
    root = bytes(range(32))
    cp = note.Checkpoint("randcheck/320500/0123456789abcdef", 20852163, root)
    body = cp.body()
    assert (
        body
        == "randcheck/320500/0123456789abcdef\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    )
    assert note.parse_checkpoint(body) == cp
    # the C2SP example body parses
    ex = note.parse_checkpoint(
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    assert ex.size == 20852163 and len(ex.root) == 32
    for bad in [
        "o\n012\n" + body.split("\n")[2] + "\n",  # leading zero
        "o\n-1\n" + body.split("\n")[2] + "\n",
        "o\n1\nAAAA\n",  # short root
        "o\n1\n",  # missing root
        "",
    ]:
        with pytest.raises(VerificationError):
            note.parse_checkpoint(bad)


def _signed_log(n: int) -> tuple[list[bytes], str, signing.Ed25519PrivateKey]:
    key = signing.private_from_seed(b"\x01" * 32)
    lines = [
        canonical(
            {
                "seq": i,
                "kind": "x.y",
                "actor": "a",
                "time": "2025-01-01T00:00:00Z",
                "payload": {"i": i},
            }
        )
        for i in range(n)
    ]
    origin = note.origin_for("320500", signing.key_id(signing.public_raw(key)))
    cp = note.Checkpoint(origin, n, merkle.root(lines))
    return lines, note.sign(cp.body(), origin, key), key


@given(n=st.integers(1, 20), data=st.data())
def test_proof_bundle_round_trip(n: int, data: st.DataObject) -> None:
    lines, signed, key = _signed_log(n)
    index = data.draw(st.integers(0, n - 1))
    hashes = [merkle.leaf_hash(x) for x in lines]
    bundle = note.ProofBundle(index, tuple(merkle.inclusion_proof(index, hashes)), signed)
    text = bundle.format()
    assert text.startswith(f"c2sp.org/tlog-proof@v1\nindex {index}\n")
    assert note.parse_proof(text) == bundle
    _b, cp = logverify.verify_proof(text, signing.public_raw(key), lines[index])
    assert cp.size == n
    other = (index + 1) % n
    if other != index:
        with pytest.raises(VerificationError):
            logverify.verify_proof(text, signing.public_raw(key), lines[other])


def test_tampered_proofs_rejected() -> None:
    lines, signed, key = _signed_log(6)
    hashes = [merkle.leaf_hash(x) for x in lines]
    good = note.ProofBundle(2, tuple(merkle.inclusion_proof(2, hashes)), signed).format()
    public = signing.public_raw(key)
    logverify.verify_proof(good, public, lines[2])
    flipped_hash = good.split("\n")
    h = flipped_hash[2]
    flipped_hash[2] = ("B" if h[0] != "B" else "C") + h[1:]
    bad_cases = [
        "\n".join(flipped_hash),  # a proof hash changed
        good.replace("index 2", "index 3"),  # index changed
        good.replace("\n6\n", "\n7\n"),  # checkpoint size changed: signature breaks
        good.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
    ]
    for bad in bad_cases:
        with pytest.raises(VerificationError):
            logverify.verify_proof(bad, public, lines[2])
    # an edited entry
    with pytest.raises(VerificationError):
        logverify.verify_proof(good, public, lines[2].replace(b'"i":2', b'"i":9'))
    # the wrong public key
    with pytest.raises(VerificationError):
        logverify.verify_proof(
            good, signing.public_raw(signing.private_from_seed(b"\x02" * 32)), lines[2]
        )
