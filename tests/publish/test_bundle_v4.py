"""Bundle format v4: v3 plus the browser verifier (``verify.html``, ``verify.js``), display files
hashed by ``files`` and compared by no other check; in v1–v3 they are foreign files as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from randcheck import verifier
from randcheck.bundle import layout
from randcheck.services import verify as svc
from randcheck.services.publish import verifier_files
from randcheck.services.verify import reading
from tests.publish.conftest import TASK_ID, Drawn
from tests.publish.test_verify_content import resign


def _copy(bundle: Path, tmp_path: Path, name: str = "b") -> Path:
    dest = tmp_path / name / TASK_ID
    shutil.copytree(bundle, dest)
    return dest


def _checks(report: svc.BundleReport) -> dict[str, object]:
    return {c.name: c for c in report.checks}


def _v3(bundle: Path, tmp_path: Path, drawn: Drawn, keep: tuple[str, ...] = ()) -> Path:
    """A copy of the bundle as a v3 bundle (no verifier unless ``keep``), re-signed."""
    root = _copy(bundle, tmp_path, "v3")
    (root / layout.FORMAT_FILE).write_bytes(layout.format_document(layout.FORMAT_V3))
    for path in layout.VERIFIER_FILES:
        if path not in keep:
            (root / path).unlink()
    resign(root, drawn)
    return root


def test_publish_writes_v4_with_the_verifier(bundle: Path, office_key: dict[str, bytes]) -> None:
    assert (bundle / layout.FORMAT_FILE).read_bytes() == b'{"format":"randcheck/bundle/v4"}\n'
    assert (bundle / "verify.html").read_text(encoding="utf-8") == verifier.page()
    assert (bundle / "verify.js").read_text(encoding="utf-8") == verifier.script()
    assert '<script src="verify.js"></script>' in (bundle / "verify.html").read_text()
    sums = layout.parse_sums((bundle / layout.SUMS).read_bytes())
    assert {"verify.html", "verify.js"} <= set(sums)
    report = svc.verify_bundle(bundle, office_key)
    assert report.ok and report.fmt == layout.FORMAT_V4, report.first_failure
    files = _checks(report)["files"]
    assert files.code == "verify.files_ok" and files.params["count"] == len(sums)  # type: ignore[attr-defined]
    assert _checks(report)["page"].ok  # type: ignore[attr-defined]


def test_the_verifier_bytes_are_the_same_for_every_bundle() -> None:
    a, b = verifier_files(), verifier_files()
    assert a == b and set(a) == set(layout.VERIFIER_FILES)
    for path, data in a.items():  # far within what verify reads
        assert len(data) <= reading.FIXED[path] // 2, path


def test_index_links_the_verifier_and_every_file(bundle: Path) -> None:
    page = (bundle / layout.INDEX).read_text(encoding="utf-8")
    assert '<a class="button" href="verify.html">在浏览器中核验</a>' in page
    assert 'href="verify.js"' in page  # in the file list
    how = page[page.index('<h2 id="verify">') :]
    assert "verify.html#verify&amp;key=" in how and "keys/operator.pub" in how
    for path in layout.parse_sums((bundle / layout.SUMS).read_bytes()):
        assert f'class="mono">{path}</a>' in page, path
    assert "<script" not in page.lower()


@pytest.mark.parametrize("name", layout.VERIFIER_FILES)
def test_a_changed_verifier_file_fails_files(
    bundle: Path, office_key: dict[str, bytes], tmp_path: Path, name: str
) -> None:
    root = _copy(bundle, tmp_path)
    data = bytearray((root / name).read_bytes())
    data[-2] ^= 1
    (root / name).write_bytes(bytes(data))
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    bad = report.failures
    assert [(c.name, c.code, c.params["file"]) for c in bad] == [
        ("files", "verify.file_changed", name)
    ]


def test_an_oversized_verifier_is_not_read(
    bundle: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(bundle, tmp_path)
    (root / "verify.js").write_bytes(b"/" * (reading.FIXED["verify.js"] + 1))
    resign(root, drawn)
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    first = report.first_failure
    assert first is not None and (first.name, first.code) == ("files", "verify.file_too_big")
    assert first.params["file"] == "verify.js"


def test_a_v4_bundle_without_the_verifier_still_verifies(
    bundle: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """Display files, like notice.html: what is listed must match, none is required."""
    root = _copy(bundle, tmp_path)
    for path in layout.VERIFIER_FILES:
        (root / path).unlink()
    resign(root, drawn)
    report = svc.verify_bundle(root, office_key)
    assert report.ok and report.fmt == layout.FORMAT_V4, report.first_failure


def test_a_v3_bundle_verifies_without_the_verifier(
    bundle: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _v3(bundle, tmp_path, drawn)
    report = svc.verify_bundle(root, office_key)
    assert report.ok and report.fmt == layout.FORMAT_V3, report.first_failure


@pytest.mark.parametrize("keep", [("verify.js",), layout.VERIFIER_FILES])
def test_a_v3_bundle_listing_the_verifier_fails_files_as_foreign(
    bundle: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path,
    keep: tuple[str, ...],
) -> None:  # fmt: skip
    root = _v3(bundle, tmp_path, drawn, keep)
    found = reading.BundleFiles(root)
    reading.read(found, None)
    assert all(found.get(p) is None for p in layout.VERIFIER_FILES)  # never read in v3
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    bad = report.failures
    assert [(c.name, c.code, c.params["file"]) for c in bad] == [
        ("files", "verify.file_foreign", keep[0])
    ]


def test_a_v3_bundle_with_an_unlisted_verifier_fails_files(
    bundle: Path, drawn: Drawn, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _v3(bundle, tmp_path, drawn)
    (root / "verify.js").write_text(verifier.script(), encoding="utf-8")
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    first = report.first_failure
    assert first is not None and (first.name, first.code) == ("files", "verify.file_unlisted")
    assert first.params["file"] == "verify.js"


def test_the_verifier_needs_only_its_own_folder(bundle: Path) -> None:
    """verify.html refers to nothing but verify.js beside it, so every copy of the folder (the
    office site's tasks/<task>/bundle/, an unzipped .zip) keeps it working."""
    import re

    page = (bundle / "verify.html").read_text(encoding="utf-8")
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, flags=re.I)
    refs = [r for r in refs if r != "data:,"]  # the empty icon: no request for /favicon.ico
    assert refs == ["verify.js"]
    assert (bundle / refs[0]).is_file()
