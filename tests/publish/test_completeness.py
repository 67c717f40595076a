"""Format v3: the log tail proves that nothing of the task is missing (``log.complete``) and
that the log agrees with checkpoints a reader holds (``log.consistency``)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from randcheck.bundle import layout
from randcheck.core import merkle, note, signing
from randcheck.core.canonical import canonical
from randcheck.errors import InputError
from randcheck.services import keys as keys_svc
from randcheck.services import publish as publish_svc
from randcheck.services import snapshots
from randcheck.services import verify as svc
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.substitutions import substitute
from tests.publish.conftest import PASSPHRASE, TASK_ID, Drawn
from tests.publish.test_verify_content import resign


def _key(drawn: Drawn) -> Any:
    return keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())


def _checks(report: svc.BundleReport) -> dict[str, Any]:
    return {c.name: c for c in report.checks}


def _failed(report: svc.BundleReport) -> list[str]:
    return [c.name for c in report.failures]


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope="module")
def two(drawn: Drawn, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's record with a second addendum (made by the real service), published."""
    rec = drawn.record
    targets = [t["target"] for t in rec["teams"]]  # type: ignore[index, union-attr]
    target = next(t for t in targets if t != drawn.replaced)
    substitute(drawn.ws, drawn.engine, drawn.rec_digest, target=target, inspector=None,
               reason="检查人员回避后重新安排", operator=_key(drawn), actor="tester",
               now=datetime(2023, 9, 21, 9, 0, 0))  # fmt: skip
    out = tmp_path_factory.mktemp("two")
    res = publish_svc.publish_record(drawn.ws, drawn.engine, drawn.rec_digest, _key(drawn),
                                     out=out, actor="tester")  # fmt: skip
    assert {"addenda/0001.json", "addenda/0002.json"} <= set(res.files)
    return _copy(res.path, tmp_path_factory.mktemp("two-kept") / "b")


def test_a_complete_v3_bundle_passes(two: Path, office_key: dict[str, bytes]) -> None:
    report = svc.verify_bundle(two, office_key)
    assert report.ok, report.first_failure
    assert report.fmt == layout.FORMAT_V4  # v3's rules and the browser verifier
    done = _checks(report)["log.complete"]
    assert done.code == "verify.complete_ok" and done.params["addenda"] == 2
    assert _checks(report)["log.consistency"].code == "verify.consistency_none"
    index = json.loads((two / layout.TAIL_INDEX).read_bytes())
    a, n = index["from"], index["size"]
    assert a == report.log_seqs["announcement"]
    assert len(index["prefix"]) == bin(a).count("1")
    lines = (two / layout.TAIL).read_bytes().split(b"\n")[:-1]
    assert len(lines) == n - a
    assert [json.loads(x)["seq"] for x in lines] == list(range(a, n))


def test_a_dropped_addendum_is_refused_by_name(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """addenda/0002.json removed, SHA256SUMS recomputed and re-signed with the operator key."""
    b = _copy(two, tmp_path / "b")
    seq = json.loads((b / "addenda/0002.json").read_bytes())["signed"]["seq"]
    assert seq == 2
    (b / "addenda/0002.json").unlink()
    for entry in sorted((b / "log/entries").iterdir()):  # and its log entry, with its proof
        value = json.loads(entry.read_bytes())
        if value["kind"] == "draw.addendum" and value["payload"]["seq"] == 2:
            entry.unlink()
            (b / layout.proof_file(value["seq"])).unlink()
    resign(b, drawn)
    report = svc.verify_bundle(b, office_key)
    check = _checks(report)["log.complete"]
    assert not check.ok and check.code == "verify.complete_addendum_missing"
    assert check.params["file"] == "addenda/0002.json" and check.params["number"] == "2"
    assert "files" not in _failed(report) and "files.signature" not in _failed(report)


def test_a_bundle_republished_without_its_last_addendum_fails_only_completeness(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The office rebuilds the whole bundle (page, tables, sums, signature) as if addendum 2
    had never been issued: every other check passes, ``log.complete`` names the entry."""
    real = snapshots.documents

    def hide_last(session: Any, ref: str) -> snapshots.DrawDocuments:
        docs = real(session, ref)
        return dataclasses.replace(
            docs, addenda=docs.addenda[:-1], addenda_log_seqs=docs.addenda_log_seqs[:-1]
        )

    monkeypatch.setattr(snapshots, "documents", hide_last)
    res = publish_svc.publish_record(drawn.ws, drawn.engine, drawn.rec_digest, _key(drawn),
                                     out=tmp_path, actor="tester")  # fmt: skip
    assert "addenda/0002.json" not in res.files
    report = svc.verify_bundle(res.path, office_key)
    assert _failed(report) == ["log.complete"]
    check = report.first_failure
    assert check is not None and check.code == "verify.complete_addendum_missing"
    a = json.loads((two / layout.TAIL_INDEX).read_bytes())["from"]
    logged = json.loads((two / layout.TAIL).read_bytes().split(b"\n")[check.params["seq"] - a])
    assert logged["kind"] == "draw.addendum" and logged["payload"]["seq"] == 2


def test_the_cli_names_the_missing_addendum(
    two: Path, drawn: Drawn, key_file: Path, tmp_path: Path
) -> None:
    b = _copy(two, tmp_path / "b")
    (b / "addenda/0002.json").unlink()
    resign(b, drawn)
    from tests.conftest import Cli

    home = tmp_path / "citizen"
    home.mkdir()
    cli = Cli(home, f"sqlite:///{home / 'none.sqlite'}")
    res = cli("verify", str(b), "--trusted-keys", str(key_file), "--json", lang="en")
    assert res.exit_code == 1
    row = {c["name"]: c for c in json.loads(res.stdout)["checks"]}["log.complete"]
    assert row["status"] == "fail" and "addenda/0002.json" in row["message"]


# -- held checkpoints ------------------------------------------------------------------------


def _signed_checkpoint(drawn: Drawn, origin: str, size: int, root: bytes) -> str:
    return note.sign(note.Checkpoint(origin, size, root).body(), origin, _key(drawn))


def _log_hashes(drawn: Drawn) -> list[bytes]:
    lines = (drawn.ws.audit_dir / "log.jsonl").read_bytes().split(b"\n")[:-1]
    return [merkle.leaf_hash(x) for x in lines]


def _origin(bundle: Path) -> tuple[str, int, int]:
    cp = note.parse_checkpoint(note.parse((bundle / layout.CHECKPOINT).read_text()).text)
    index = json.loads((bundle / layout.TAIL_INDEX).read_bytes())
    return cp.origin, index["from"], cp.size


def test_held_checkpoints(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    origin, a, n = _origin(two)
    hashes = _log_hashes(drawn)[:n]
    good = [svc.Held(f"cp{m}", _signed_checkpoint(drawn, origin, m,
                                                  merkle.root_from_hashes(hashes[:m])))
            for m in (a, n - 1, n)]  # fmt: skip
    report = svc.verify_bundle(two, office_key, checkpoints=good)
    check = _checks(report)["log.consistency"]
    assert check.ok and not check.warn and check.code == "verify.consistency_ok", check

    # the log rewritten: entry a+1 changed, the office signs the rewritten tree at size n - 1
    forged = list(hashes)
    forged[a + 1] = merkle.leaf_hash(b'{"forged":true}')
    bad = svc.Held("old.txt", _signed_checkpoint(drawn, origin, n - 1,
                                                 merkle.root_from_hashes(forged[: n - 1])))  # fmt: skip
    report = svc.verify_bundle(two, office_key, checkpoints=[*good, bad])
    check = _checks(report)["log.consistency"]
    assert not check.ok and check.code == "verify.held_inconsistent"
    assert check.params == {"file": "old.txt", "size": n - 1}
    assert _failed(report) == ["log.consistency"]

    newer = svc.Held("new.txt", _signed_checkpoint(drawn, origin, n + 5, b"\x01" * 32))
    check = _checks(svc.verify_bundle(two, office_key, checkpoints=[newer]))["log.consistency"]
    assert check.ok and check.warn and check.code == "verify.held_newer"
    assert check.params["covered"] == n

    before = svc.Held("before.txt", _signed_checkpoint(drawn, origin, a - 1,
                                                       merkle.root_from_hashes(hashes[: a - 1])))  # fmt: skip
    check = _checks(svc.verify_bundle(two, office_key, checkpoints=[before]))["log.consistency"]
    assert check.ok and check.warn and check.code == "verify.held_before_tail"

    other = note.Checkpoint(origin, n, merkle.root_from_hashes(hashes)).body()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = svc.Held("stranger.txt", note.sign(other, origin, Ed25519PrivateKey.generate()))
    check = _checks(svc.verify_bundle(two, office_key, checkpoints=[stranger]))["log.consistency"]
    assert not check.ok and check.code == "verify.held_bad"


def test_cli_checkpoint_option(two: Path, drawn: Drawn, key_file: Path, tmp_path: Path) -> None:
    origin, _a, n = _origin(two)
    hashes = _log_hashes(drawn)[:n]
    forged = list(hashes)
    forged[n - 1] = merkle.leaf_hash(b"x")
    held = tmp_path / "held.txt"
    held.write_text(_signed_checkpoint(drawn, origin, n, merkle.root_from_hashes(forged)))
    from tests.conftest import Cli

    home = tmp_path / "citizen"
    home.mkdir()
    cli = Cli(home, f"sqlite:///{home / 'none.sqlite'}")
    res = cli("verify", str(two), "--trusted-keys", str(key_file), "--checkpoint", str(held),
              lang="en")  # fmt: skip
    assert res.exit_code == 1
    assert "log.consistency" in res.stderr and "rewritten" in res.stderr
    missing = cli("verify", str(two), "--trusted-keys", str(key_file),
                  "--checkpoint", str(tmp_path / "nope.txt"), lang="en")  # fmt: skip
    assert missing.exit_code == 3


# -- old formats, hostile tails ------------------------------------------------------------


def test_old_format_bundles_still_verify(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    for fmt in (layout.FORMAT_V2, layout.FORMAT_V1):
        b = _copy(two, tmp_path / fmt.rsplit("/", 1)[1])
        for path in (layout.TAIL, layout.TAIL_INDEX, *layout.VERIFIER_FILES):  # v3's, v4's
            (b / path).unlink()
        if fmt == layout.FORMAT_V1:
            (b / layout.FORMAT_FILE).unlink()
        else:
            (b / layout.FORMAT_FILE).write_bytes(layout.format_document(fmt))
        resign(b, drawn)
        report = svc.verify_bundle(b, office_key)
        assert report.ok and report.fmt == fmt, report.first_failure
        check = _checks(report)["log.complete"]
        assert check.warn and check.code == "verify.complete_before_v3"


@pytest.mark.parametrize("case", ["dropped", "added", "changed", "prefix", "torn", "long"])
def test_a_forged_tail_fails(two: Path, drawn: Drawn, tmp_path: Path, case: str) -> None:
    raw = (two / layout.TAIL).read_bytes()
    lines = raw.split(b"\n")[:-1]
    index = json.loads((two / layout.TAIL_INDEX).read_bytes())
    b = _copy(two, tmp_path / "h")
    tail = raw
    if case == "dropped":  # the last addendum's entry taken out of the tail
        tail = b"".join(x + b"\n" for x in lines
                        if json.loads(x)["kind"] != "draw.addendum"
                        or json.loads(x)["payload"]["seq"] != 2)  # fmt: skip
        want = {"verify.tail_entry_bad", "verify.tail_length"}
    elif case == "added":
        entry = json.loads(lines[-1])
        entry["seq"] += 1
        tail = raw + canonical(entry) + b"\n"
        want = {"verify.tail_length"}
    elif case == "changed":  # the bundle's own copy of the entry tells
        entry = json.loads(lines[0])
        entry["actor"] = "someone-else"
        tail = b"".join(x + b"\n" for x in [canonical(entry), *lines[1:]])
        want = {"verify.tail_entry_differs"}
    elif case == "prefix":  # the part of the log before the task is not the log
        index["prefix"][0] = "00" * 32
        (b / layout.TAIL_INDEX).write_bytes(canonical(index) + b"\n")
        want = {"verify.tail_root"}
    elif case == "torn":
        tail = raw[:-1]
        want = {"verify.tail_torn"}
    else:
        tail = b"{" + b" " * (2 * 1024 * 1024) + b"\n"
        want = {"verify.tail_line_too_long"}
    (b / layout.TAIL).write_bytes(tail)
    resign(b, drawn)
    public = keys_svc.public_key(drawn.ws)
    report = svc.verify_bundle(b, {signing.key_id(public): public})
    check = _checks(report)["log.complete"]
    assert not check.ok and check.code in want, check
    assert "files" not in _failed(report)


def test_the_tail_counts_in_the_read_budget(two: Path, drawn: Drawn, tmp_path: Path) -> None:
    from randcheck.services.verify import reading

    b = _copy(two, tmp_path / "b")
    found = reading.BundleFiles(b)
    found.budget = 10  # as if everything else had used the budget up
    with pytest.raises(InputError) as exc:
        list(found.lines(layout.TAIL))
    assert exc.value.code == "verify.file_too_big"
    assert layout.TAIL in found.oversize


# -- a superseded record ----------------------------------------------------------------------


def test_a_stale_bundle_is_refused(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """A later redraw of the task is logged; the old record republished with the new
    checkpoint carries that entry in its tail, and ``log.complete`` refuses it.  The bundle
    published before (``two``) is told apart by a reader holding the newer checkpoint."""
    audit = AuditLog(drawn.ws, drawn.engine)
    later = "ab" * 32
    with audit.transaction("tester", datetime(2023, 9, 25, 9, 0, 0)) as tx:  # as draws.py logs it
        seq = tx.record(
            "draw.record",
            {"task": TASK_ID, "record": later, "announcement": drawn.ann_digest,
             "previous_record": drawn.rec_digest, "redraw": {"reason": "test"},
             "supersedes": [drawn.rec_digest], "revealed": None, "answers": []},
        )  # fmt: skip
    res = publish_svc.publish_record(drawn.ws, drawn.engine, drawn.rec_digest, _key(drawn),
                                     out=tmp_path, actor="tester")  # fmt: skip
    report = svc.verify_bundle(res.path, office_key)
    check = _checks(report)["log.complete"]
    assert not check.ok and check.code == "verify.complete_superseded"
    assert check.params == {"seq": seq, "record": later[:16]}

    newer = (drawn.ws.audit_dir / "checkpoint.txt").read_text()
    held = svc.Held("latest.txt", newer)
    check = _checks(svc.verify_bundle(two, office_key, checkpoints=[held]))["log.consistency"]
    assert check.warn and check.code == "verify.held_newer"
    assert format_time  # the log's time format is the one the entry above used


def test_publish_names_tail_entries_that_may_be_personal(drawn: Drawn, tmp_path: Path) -> None:
    from randcheck.services.registry.edits import deactivate

    deactivate(drawn.engine, drawn.ws, "inspectors", "ZF010", "调离本单位", actor="tester")
    env = {"RANDCHECK_KEY_PASSPHRASE": PASSPHRASE}
    res = drawn.cli()("publish", TASK_ID, "--out", str(tmp_path), lang="en", env=env)
    assert res.exit_code == 0, res.output
    lines = (tmp_path / TASK_ID / layout.TAIL).read_bytes().split(b"\n")[:-1]
    flagged = [json.loads(x) for x in lines if b"inspectors.deactivate" in x]
    assert [e["payload"]["reason"] for e in flagged] == ["调离本单位"]
    text = " ".join(res.stderr.split())
    assert "may be personal (inspectors.deactivate)" in text
    assert f"log entries {flagged[0]['seq']} verbatim" in text


def test_held_checkpoints_under_the_bundles_own_key_stay_unverified(
    two: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """Review B8: with no trusted key, a held checkpoint opens only under the bundle's own key
    (``keys/operator.pub``), so agreeing with it proves nothing about the office: unverified,
    never passed; a disagreement still fails (whoever holds that key signed both trees)."""
    origin, a, n = _origin(two)
    hashes = _log_hashes(drawn)[:n]
    good = svc.Held("cp.txt", _signed_checkpoint(drawn, origin, n, merkle.root_from_hashes(hashes)))
    newer = svc.Held("new.txt", _signed_checkpoint(drawn, origin, n + 5, b"\x01" * 32))
    for held in (good, newer):
        check = _checks(svc.verify_bundle(two, {}, checkpoints=[held]))["log.consistency"]
        assert not check.ok and check.status == "unverified", check
        assert check.code == "verify.own_key_only"
    forged = list(hashes)
    forged[a] = merkle.leaf_hash(b"x")
    bad = svc.Held("bad.txt", _signed_checkpoint(drawn, origin, n, merkle.root_from_hashes(forged)))
    check = _checks(svc.verify_bundle(two, {}, checkpoints=[bad]))["log.consistency"]
    assert check.status == "fail" and check.code == "verify.held_inconsistent"
