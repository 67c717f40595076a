"""``randcheck verify`` without a trusted key: the content is checked against the folder's own
key, the checks that only a trusted key can settle are *unverified* (never passed, never
failed), and the command exits 4 — unless something really fails (exit 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from randcheck.cli.verify import EXIT_UNCONFIRMED
from randcheck.core import signing
from randcheck.core.checks import Check, Report
from randcheck.services import keys as keys_svc
from randcheck.services import verify as svc
from tests.publish.conftest import TASK_ID, Drawn
from tests.publish.test_verify import CHECKS, outsider

SIGNER = ["trust", "announcement.signature", "record.signature", "addendum.1", "log.checkpoint",
          "files.signature"]  # fmt: skip


def test_the_third_status_of_a_check() -> None:
    passed = Check.passed("a")
    open_ = Check.not_verified("b", "verify.own_key_only", key_id="00")
    bad = Check.failed("c", "verify.file_changed", file="x")
    assert (passed.status, open_.status, bad.status) == ("ok", "unverified", "fail")
    assert not open_.ok  # code that only asks ``ok`` stays on the safe side
    assert open_.to_json()["status"] == "unverified" and open_.to_json()["ok"] is False

    report = Report((passed, open_))
    assert not report.ok and report.status == "unverified"
    assert report.failures == () and report.first_failure is None
    assert report.unverified == (open_,)
    doc = report.to_json()
    assert doc["ok"] is False and doc["status"] == "unverified" and doc["first_failure"] is None

    report = Report((open_, bad))
    assert report.status == "fail" and report.first_failure == bad and report.failures == (bad,)
    assert Report((passed,)).status == "ok" and Report(()).status == "fail"


def test_without_keys_the_content_is_checked_and_the_signer_is_unconfirmed(bundle: Path) -> None:
    report = svc.verify_bundle(bundle, {})
    assert [c.name for c in report.checks] == CHECKS
    assert [c.name for c in report.unverified] == SIGNER
    assert report.failures == () and report.status == "unverified" and not report.ok
    assert all(c.ok for c in report.checks if c.name not in SIGNER)
    assert report.trusted == ()  # the folder's own key was used, never trusted
    trust = report.checks[0]
    own = keys_svc.parse_public_text((bundle / "keys/operator.pub").read_text(), "x")[0]
    assert trust.code == "verify.untrusted_own_key"
    assert trust.params["key_id"] == signing.key_id(own)[:16]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_without_keys_exits_4_and_says_what_to_do(
    bundle: Path, tmp_path: Path, lang: str
) -> None:
    res = outsider(tmp_path)("verify", str(bundle), lang=lang)
    assert res.exit_code == EXIT_UNCONFIRMED == 4, res.output
    if lang == "en":
        assert "the content is consistent (32 checks passed)" in res.stderr
        assert "the signer is NOT confirmed (6 checks unconfirmed" in res.stderr
        assert "UNCONFIRMED" in res.stdout and "FAIL" not in res.stdout
        assert "FAILED" not in res.stderr
    else:
        assert "内容一致（32 项检查通过）；签名者身份未确认（6 项未确认" in res.stderr
        assert "未确认" in res.stdout and "未通过" not in res.stdout
        assert "检查失败" not in res.stderr
    assert "--trusted-keys" in res.stderr and "randcheck keys export" in res.stderr


def test_cli_json_without_keys(bundle: Path, tmp_path: Path) -> None:
    res = outsider(tmp_path)("verify", str(bundle), "--json")
    assert res.exit_code == 4
    doc = json.loads(res.stdout)
    assert doc["ok"] is False and doc["status"] == "unverified" and doc["first_failure"] is None
    assert doc["trusted_keys"] == []
    status = {c["name"]: c["status"] for c in doc["checks"]}
    assert [n for n, s in status.items() if s == "unverified"] == SIGNER
    assert {s for n, s in status.items() if n not in SIGNER} == {"ok"}
    assert "keys export" in doc["checks"][0]["message"]


def test_with_the_trusted_key_it_passes_as_before(
    bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    res = outsider(tmp_path)("verify", str(bundle), "--trusted-keys", str(key_file), "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["status"] == "ok"


def test_a_real_failure_still_fails_without_keys(bundle: Path, tmp_path: Path) -> None:
    root = tmp_path / "b" / TASK_ID
    shutil.copytree(bundle, root)
    pop = root / "population" / "S2.txt"
    pop.write_bytes(pop.read_bytes().replace(b"\n", b"\n\n", 1))
    for lang, words in (("en", "verification FAILED"), ("zh", "核验未通过")):
        res = outsider(tmp_path)("verify", str(root), "--json", lang=lang)
        assert res.exit_code == 1, res.output
        doc = json.loads(res.stdout)
        assert doc["status"] == "fail" and doc["first_failure"] == "population.S2"
        assert words in res.stderr


def test_a_folder_whose_own_key_did_not_sign_fails(bundle: Path, tmp_path: Path) -> None:
    """A bundle that carries another key than the one that signed it is not "consistent"."""
    root = tmp_path / "b" / TASK_ID
    shutil.copytree(bundle, root)
    other = signing.private_from_seed(bytes([9]) * 32)
    from cryptography.hazmat.primitives import serialization

    pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (root / "keys" / "operator.pub").write_bytes(pem)
    report = svc.verify_bundle(root, {})
    assert report.status == "fail"
    failed = {c.name for c in report.failures}
    assert {"announcement.signature", "record.signature", "files.signature"} <= failed


def test_without_any_key_at_all_the_signatures_fail(bundle: Path, tmp_path: Path) -> None:
    root = tmp_path / "b" / TASK_ID
    shutil.copytree(bundle, root)
    (root / "keys" / "operator.pub").unlink()
    report = svc.verify_bundle(root, {})
    assert report.checks[0].status == "unverified"
    assert report.checks[0].code == "verify.no_trusted_keys"
    assert report.status == "fail" and report.first_failure is not None


def test_a_bundle_without_results_keeps_its_inspection_checks_passed(bundle: Path) -> None:
    checks = {c.name: c for c in svc.verify_bundle(bundle, {}).checks}
    assert checks["inspection.documents"].ok
    assert checks["inspection.documents"].code == "verify.results_none"


def test_drawn_workspace_keys_still_count_as_trusted(drawn: Drawn, bundle: Path) -> None:
    res = drawn.cli()("verify", str(bundle))
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["4 nothing failed but some checks are unconfirmed: the signer", "keys export",
             "--trusted-tsa"]),
     ("zh", ["4 没有检查未通过但有检查未确认：签名者身份", "keys export", "--trusted-tsa"])],
)  # fmt: skip
def test_help_documents_exit_4_and_where_the_key_comes_from(lang: str, words: list[str]) -> None:
    # help texts are chosen when the CLI is imported: each language in its own process
    res = subprocess.run(
        [sys.executable, "-m", "randcheck", "--lang", lang, "verify", "--help"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, check=False,
    )  # fmt: skip
    text = " ".join(res.stdout.split())
    assert res.returncode == 0 and all(w in text for w in words), text


def test_the_next_step_is_not_cut_off_on_an_80_column_terminal(
    bundle: Path, tmp_path: Path
) -> None:
    """rich takes a Chinese sentence for one word and would end it with "…": the reason column
    folds instead, so the whole text is there, line after line."""
    res = outsider(tmp_path)("verify", str(bundle), lang="zh", env={"COLUMNS": "80"})
    assert res.exit_code == 4
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("│")]
    assert lines and max(len(ln) for ln in lines) <= 80
    reasons = "".join("".join(ln.split("│")[4].split()) for ln in lines)
    from randcheck.catalog import render

    own = keys_svc.parse_public_text((bundle / "keys/operator.pub").read_text(), "x")[0]
    whole = render("verify.untrusted_own_key", "zh", key_id=signing.key_id(own)[:16])
    assert "".join(whole.split()) in reasons
