"""Whose co-signature counts as a witness's (docs/SPEC-v2.md §8, second review 4): a key that
signs any of the office's documents in the bundle — announcement, record, addenda, checkpoint,
SHA256SUMS.sig, results documents — is a key of the office, and its co-signature on the
commitment is only the office's word: ``commitment.witnesses`` fails, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from randcheck.bundle import layout
from randcheck.bundle import results as rbundle
from randcheck.core import note, signing
from randcheck.core.canonical import canonical
from randcheck.core.draw import envelope
from randcheck.core.draw.spec import RESULTS_SPEC_ID
from randcheck.core.results import KIND as RESULTS_KIND
from randcheck.services import keys, publish
from randcheck.services.verify import BundleReport, verify_bundle
from randcheck.services.verify.ordering import _checkpoint_signers
from randcheck.workspace import Workspace
from tests.conftest import Cli
from tests.drawfixtures import OPERATOR, trusted
from tests.services import test_draws_v2 as v2
from tests.services.test_draws_v2 import DRAWN, PASS, commit, finish

ws = v2.ws
task = v2.task


@pytest.fixture
def bundle(ws: Workspace, engine: Engine, task: str) -> Path:
    """The v2 task drawn and published: 李四 (workspace key ``lisi``) co-signed."""
    plan, c = commit(ws, engine, task)
    fin = finish(ws, engine, plan, c)
    return publish.publish_record(ws, engine, fin.digest, OPERATOR, actor="tester",
                                  now=DRAWN).path  # fmt: skip


def _lisi(ws: Workspace) -> Ed25519PrivateKey:
    return keys.load_private_key(ws, "lisi", PASS)


def _verify(ws: Workspace, root: Path) -> BundleReport:
    """Verified by a reader who trusts 李四's key both as a witness's and as the office's."""
    lisi = _lisi(ws)
    return verify_bundle(root, trusted(OPERATOR, lisi),
                         trusted_witnesses={signing.key_id(signing.public_raw(lisi))})  # fmt: skip


def _witnesses(report: BundleReport) -> tuple[str, str, dict[str, object]]:
    c = {x.name: x for x in report.checks}["commitment.witnesses"]
    return c.status, c.code, dict(c.params)


def test_a_witness_key_that_signs_sha256sums_is_no_witness(ws: Workspace, bundle: Path) -> None:
    assert _verify(ws, bundle).ok  # as published: 李四 only co-signed
    lisi = _lisi(ws)
    kid = signing.key_id(signing.public_raw(lisi))
    sig = signing.sign(lisi, layout.sums_signing_input((bundle / layout.SUMS).read_bytes()))
    (bundle / layout.SUMS_SIG).write_bytes(canonical({"keyid": kid, "sig": sig.hex()}) + b"\n")
    report = _verify(ws, bundle)
    assert {x.name: x for x in report.checks}["files.signature"].ok  # the reader trusts it
    assert _witnesses(report) == ("fail", "proto.witness_signs_for_office",
                                  {"name": "李四", "key_id": kid[:16],
                                   "document": layout.SUMS_SIG})  # fmt: skip
    anchor = {x.name: x for x in report.checks}["commitment.anchor"]
    assert "李四" not in str(anchor.params.get("names", ""))  # the words do not rest on it


def test_a_witness_key_that_signs_the_record_is_no_witness(ws: Workspace, bundle: Path) -> None:
    path = bundle / layout.RECORD
    body = envelope.open_envelope(path.read_bytes(), "record").doc
    path.write_bytes(envelope.signed(body, _lisi(ws)))  # signed by 李四's key as the office
    report = _verify(ws, bundle)
    assert {x.name: x for x in report.checks}["record.signature"].ok  # the reader trusts it
    status, code, params = _witnesses(report)
    assert (status, code, params["document"]) == ("fail", "proto.witness_signs_for_office",
                                                  layout.RECORD)  # fmt: skip


def test_a_witness_co_signing_the_record_is_still_a_witness(ws: Workspace, bundle: Path) -> None:
    """A witness MAY co-sign the record after the operator (SPEC §8): that is not the office's
    signature."""
    path = bundle / layout.RECORD
    path.write_bytes(envelope.cosign(path.read_bytes(), _lisi(ws)))
    assert _witnesses(_verify(ws, bundle))[:2] == ("ok", "proto.witnesses_signed")


def test_a_witness_key_that_signs_a_results_document_is_no_witness(
    ws: Workspace, bundle: Path
) -> None:
    body = {"spec": RESULTS_SPEC_ID, "kind": RESULTS_KIND, "task_id": "x"}
    path = bundle / rbundle.doc_file(1)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(envelope.signed(body, _lisi(ws)))
    status, code, params = _witnesses(_verify(ws, bundle))
    assert (status, code, params["document"]) == ("fail", "proto.witness_signs_for_office",
                                                  rbundle.doc_file(1))  # fmt: skip


def test_the_checkpoint_s_signers_are_read_from_its_log_names() -> None:
    key = signing.private_from_seed(bytes([5]) * 32)
    kid16 = signing.key_id(signing.public_raw(key))[:16]
    name = f"randcheck/320500/{kid16}"
    text = f"{name}\n3\n{'A' * 43}=\n"
    assert _checkpoint_signers(note.sign(text, name, key).encode()) == {kid16}
    assert _checkpoint_signers(b"not a note") == set()
    assert _checkpoint_signers(None) == set()


def test_verify_help_says_witness_keys_come_from_the_witnesses() -> None:
    """Second review 5: the help no longer sends readers to the office for witness keys."""
    from randcheck.catalog import MESSAGES

    for lang in ("zh", "en"):
        trusted_help = MESSAGES["verify.opt.trusted_keys"][lang]
        witness_help = MESSAGES["verify.opt.witness_keys"][lang]
        whole = MESSAGES["verify.help"][lang]
        assert "--witness-keys" in trusted_help and "--witness-keys" in whole
        assert ("见证人本人" if lang == "zh" else "from the witnesses themselves") in whole
        assert ("向见证人本人索取" if lang == "zh" else "ask the witness") in witness_help
    # the office's export is the source of office keys only
    assert "见证人的公钥：由机关" not in MESSAGES["verify.opt.trusted_keys"]["zh"]


def test_verify_help_lists_witness_keys(cli: Cli) -> None:
    out = cli("verify", "--help", lang="en")
    assert out.exit_code == 0
    flat = " ".join(out.stdout.split())
    assert "--witness-keys" in flat and "ask the witness" in flat


def test_the_summary_sends_an_anchor_resting_on_untrusted_witnesses_to_witness_keys() -> None:
    from randcheck.cli.verify import _unconfirmed_code
    from randcheck.core.checks import Check

    anchor = Check.not_verified("commitment.anchor", "verify.ordering_witnesses_unconfirmed")
    witnesses = Check.not_verified("commitment.witnesses", "proto.witnesses_unconfirmed")
    assert _unconfirmed_code((witnesses, anchor)) == "verify.unconfirmed_witnesses"
    tsa = Check.not_verified("commitment.anchor", "proto.tsa_untrusted")
    assert _unconfirmed_code((witnesses, tsa)) == "verify.unconfirmed_tsa_witnesses"
