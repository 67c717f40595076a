"""``randcheck verify``: named checks, trust, tampering, copies, ``--entity``, exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from randcheck.bundle.layout import short_code, sums_text
from randcheck.core import signing
from randcheck.services import verify as svc
from tests.conftest import Cli
from tests.publish.conftest import TASK_ID, Drawn, files_in

CHECKS = [
    "trust", "format", "announcement.envelope", "announcement.signature", "announcement.rules",
    "record.envelope", "record.signature", "record.binding", "population.S1", "population.S2",
    "population.S3", "population.disjoint", "roster", "entropy", "seed", "selection.S1",
    "selection.S2", "selection.S3", "teams", "addendum.1", "log.checkpoint", "log.announcement",
    "log.record", "log.addendum.1", "log.order", "reveal", "chain", "log.complete",
    "log.consistency", "results", "results.xlsx", "page",
    "inspection.documents", "inspection.log", "inspection.table", "inspection.timely", "files",
    "files.signature",
]  # fmt: skip


def outsider(tmp_path: Path) -> Cli:
    """A CLI in an empty folder: no workspace, so no keys of its own (a citizen's machine)."""
    home = tmp_path / "citizen"
    home.mkdir(exist_ok=True)
    return Cli(home, f"sqlite:///{home / 'none.sqlite'}")


def copy(bundle: Path, tmp_path: Path, name: str = "b") -> Path:
    dest = tmp_path / name / TASK_ID
    shutil.copytree(bundle, dest)
    return dest


def flip_after(path: Path, needle: bytes, skip: int = 0) -> None:
    """Change the one byte right after ``needle`` (+skip) to another byte of the same kind."""
    data = bytearray(path.read_bytes())
    i = data.index(needle) + len(needle) + skip
    c = chr(data[i])
    if c.isdigit():
        new = str((int(c) + 1) % 10)
    elif c in "abcdef":
        new = "0"
    elif c.isalpha():
        new = "A" if c != "A" else "B"
    else:
        new = chr(data[i] ^ 1)
    data[i] = ord(new)
    path.write_bytes(bytes(data))


def failed(doc: dict[str, object]) -> set[str]:
    return {c["name"] for c in doc["checks"] if not c["ok"]}  # type: ignore[attr-defined,index]


def test_fresh_bundle_passes_every_named_check(bundle: Path, office_key: dict[str, bytes]) -> None:
    report = svc.verify_bundle(bundle, office_key)
    assert [c.name for c in report.checks] == CHECKS
    assert report.ok, report.first_failure
    assert report.task_id == TASK_ID and report.log_seqs == {
        "announcement": 1, "record": 3, "addendum.1": 4,
    }  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_verify_passes(drawn: Drawn, bundle: Path, key_file: Path, lang: str) -> None:
    res = drawn.cli()("verify", str(bundle), lang=lang)  # the workspace's own keys
    assert res.exit_code == 0, res.output
    n = len(CHECKS)
    assert (f"all {n} checks passed" if lang == "en" else f"全部 {n} 项检查通过") in res.stderr
    assert "files.signature" in res.stdout and ("PASS" if lang == "en" else "通过") in res.stdout
    assert short_code(drawn.rec_digest) in res.stderr


def test_cli_verify_json_is_stable(bundle: Path, key_file: Path, tmp_path: Path) -> None:
    res = outsider(tmp_path)("verify", str(bundle), "--trusted-keys", str(key_file), "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) == {"ok", "status", "path", "format", "task_id", "record_digest", "verification_code",
                        "trusted_keys", "log_seqs", "checks", "first_failure", "entity"}  # fmt: skip
    assert doc["format"] == "randcheck/bundle/v4"
    assert doc["ok"] is True and doc["first_failure"] is None and doc["entity"] is None
    assert [c["name"] for c in doc["checks"]] == CHECKS
    assert set(doc["checks"][0]) == {"name", "ok", "status", "code", "params", "what", "message"}


def test_without_trusted_keys_the_signer_is_unconfirmed(bundle: Path, tmp_path: Path) -> None:
    res = outsider(tmp_path)("verify", str(bundle), "--json")
    assert res.exit_code == 4  # not 1: nothing failed (tests/publish/test_verify_unconfirmed.py)
    doc = json.loads(res.stdout)
    assert doc["first_failure"] is None and doc["status"] == "unverified"
    assert failed(doc) == {"trust", "announcement.signature", "record.signature", "addendum.1",
                           "log.checkpoint", "files.signature"}  # fmt: skip
    assert "--trusted-keys" in res.stderr and "operator.pub" in doc["checks"][0]["message"]


def test_the_bundles_own_key_is_not_trusted_by_itself(bundle: Path, tmp_path: Path) -> None:
    other = signing.public_raw(signing.private_from_seed(bytes([7]) * 32))
    report = svc.verify_bundle(bundle, {signing.key_id(other): other})
    assert not report.ok and report.first_failure is not None
    assert report.first_failure.name == "announcement.signature"


TAMPER = [
    ("record.json", b'"seed":"', "record.signature"),
    ("announcement.json", b'"announced_at":"2023-09-1', "announcement.signature"),
    ("population/S2.txt", b"\n", "population.S2"),
    ("roster.json", b'"cert_to":"202', "roster"),
    ("log/3.tlog-proof", b"index 3\n", "log.record"),
    ("log/checkpoint.txt", b"\n5\n", "log.checkpoint"),
    ("index.html", b'id="seed">', "files"),
    ("results.csv", b"\r\n" + TASK_ID.encode() + b",S1,1,", "results"),
    ("addenda/0001.json", b'"issued_at":"2023-09-2', "addendum.1"),
]


@pytest.mark.parametrize(("name", "needle", "check"), TAMPER, ids=[t[0] for t in TAMPER])
def test_one_changed_byte_fails_the_right_check(
    bundle: Path, key_file: Path, tmp_path: Path, name: str, needle: bytes, check: str
) -> None:
    root = copy(bundle, tmp_path)
    flip_after(root / name, needle, 1 if name == "population/S2.txt" else 0)
    res = outsider(tmp_path)("verify", str(root), "--trusted-keys", str(key_file), "--json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    bad = failed(doc)
    assert check in bad and "files" in bad
    first = doc["first_failure"]
    assert first == check or (check == "files" and first == "files")
    assert first in res.stderr


@pytest.mark.parametrize(("name", "needle", "check"), TAMPER[:3] + TAMPER[6:7])
def test_recomputed_sums_still_fail_on_their_signature(
    bundle: Path, office_key: dict[str, bytes], tmp_path: Path, name: str, needle: bytes,
    check: str,
) -> None:  # fmt: skip
    root = copy(bundle, tmp_path)
    flip_after(root / name, needle, 1 if name == "population/S2.txt" else 0)
    files = files_in(root)
    del files["SHA256SUMS"], files["SHA256SUMS.sig"]
    (root / "SHA256SUMS").write_bytes(sums_text(files))
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    bad = {c.name for c in report.checks if not c.ok}
    assert "files" not in bad and "files.signature" in bad
    assert check in bad or check == "files"


def test_unlisted_and_missing_files_fail(
    bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = copy(bundle, tmp_path)
    (root / "extra.js").write_text("alert(1)")
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "files"
    assert report.first_failure.code == "verify.file_unlisted"
    (root / "extra.js").unlink()
    (root / "notice.html").unlink()
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.code == "verify.file_missing"


def test_a_copied_bundle_still_verifies(bundle: Path, key_file: Path, tmp_path: Path) -> None:
    root = copy(bundle, tmp_path, "far/away/somewhere")
    cli = outsider(tmp_path)
    res = cli("verify", str(root / "record.json"), "--trusted-keys", str(key_file))
    assert res.exit_code == 0, res.output
    digest = hashlib.sha256((root / "SHA256SUMS").read_bytes()).hexdigest()
    assert digest == hashlib.sha256((bundle / "SHA256SUMS").read_bytes()).hexdigest()


def test_entity_drawn_not_drawn_and_absent(
    drawn: Drawn, bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    cli = outsider(tmp_path)
    rec = drawn.record
    kept = next(t["target"] for t in rec["teams"] if t["target"] != drawn.replaced)  # type: ignore[union-attr,index]
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", kept)
    assert res.exit_code == 0, res.output
    assert "result: DRAWN" in res.stdout and "ticket:" in res.stdout

    res = cli(
        "verify",
        str(bundle),
        "--trusted-keys",
        str(key_file),
        "--entity",
        drawn.replacement,
        "--json",
    )
    ent = json.loads(res.stdout)["entity"]
    assert res.exit_code == 0 and ent["in_pool"] and not ent["drawn"]
    assert ent["reserve_rank"] == 1 and ent["brought_in_by_addendum"] == 1
    assert ent["ticket"] > ent["cutoff"]

    s3 = drawn.population["S3"]
    drawn_codes = {d["code"] for s in rec["strata"] for d in s["drawn"]}  # type: ignore[union-attr,index]
    other = next(c.decode() for c in s3 if c.decode() not in drawn_codes)
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--entity", other, lang="zh")
    assert res.exit_code == 0 and "未被抽中" in res.stdout and "S3" in res.stdout

    res = cli(
        "verify", str(bundle), "--trusted-keys", str(key_file), "--entity", drawn.replaced, "--json"
    )
    ent = json.loads(res.stdout)["entity"]
    assert ent["drawn"] and ent["replaced_by_addendum"] == 1

    res = cli(
        "verify", str(bundle), "--trusted-keys", str(key_file), "--entity", "91320500MA9999999X"
    )  # a wrong check character: tests/publish/test_verify_entity.py has the other cases
    assert res.exit_code == 1 and "not a valid" in res.stdout and "position 18" in res.stdout


def test_exit_3_when_it_cannot_run(tmp_path: Path) -> None:
    cli = outsider(tmp_path)
    res = cli("verify", str(tmp_path / "missing"))
    assert res.exit_code == 3 and "does not exist" in res.stderr
    (tmp_path / "empty").mkdir()
    res = cli("verify", str(tmp_path / "empty"), lang="zh")
    assert res.exit_code == 3 and "record.json" in res.stderr
    res = cli("verify", str(tmp_path / "empty"), "--trusted-keys", str(tmp_path / "nokey.pub"))
    assert res.exit_code == 3


def test_chain_check_cases(tmp_path: Path) -> None:
    from randcheck.bundle.layout import FORMAT_V1, FORMAT_V2
    from randcheck.services.verify.log import Log, chain_check
    from randcheck.services.verify.reading import BundleFiles

    log = Log(BundleFiles(tmp_path), {})
    for fmt in (FORMAT_V1, FORMAT_V2):  # a record without its log entry: v2 cannot judge
        first = chain_check({"previous_record": None, "redraw": None}, log, fmt)
        assert first.ok is (fmt == FORMAT_V1)
    bad = chain_check({"previous_record": None, "redraw": {"reason": "x"}}, log, FORMAT_V1)
    assert not bad.ok and bad.code == "verify.redraw_no_previous"
    assert not chain_check({"previous_record": "ABC", "redraw": None}, log, FORMAT_V1).ok
    only = chain_check({"previous_record": "ab" * 32, "redraw": None}, log, FORMAT_V1)
    assert only.ok and only.code == "verify.chain_format_only"
