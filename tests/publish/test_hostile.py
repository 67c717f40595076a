"""Hostile data: formula names, control and bidi characters in stored names, and downloaded
bundles built to exhaust memory or the stack.  Each ends in a clear result, never a crash."""

from __future__ import annotations

import gzip
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from randcheck.bundle import table
from randcheck.services import keys as keys_svc
from randcheck.services import publish
from randcheck.services.verify import verify_bundle
from randcheck.store.models import Entity
from tests.drawfixtures import passes_without_bls
from tests.publish.conftest import PASSPHRASE, TASK_ID, Drawn

FORMULA = '=HYPERLINK("http://evil.example/","点击核验")'


def _key(drawn: Drawn) -> object:
    return keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())


@pytest.fixture
def renamed(drawn: Drawn) -> Iterator[dict[str, str]]:
    """Give the first targets hostile stored names (as an old import could have), restore."""
    teams = drawn.record["teams"]  # type: ignore[index]
    targets = [t["target"] for t in teams if t["target"] != drawn.replaced][:5]
    names = dict(zip(targets, [FORMULA, "+1-2", "坏\x07名字", "甲\r\n乙", "abc\u202edef"], strict=True))
    with Session(drawn.engine) as s, s.begin():
        old = {}
        for row in s.exec(select(Entity).where(Entity.code.in_(targets))):  # type: ignore[attr-defined]
            old[row.code] = row.name
            row.name = names[row.code]
    yield names
    with Session(drawn.engine) as s, s.begin():
        for row in s.exec(select(Entity).where(Entity.code.in_(targets))):  # type: ignore[attr-defined]
            row.name = old[row.code]


def test_hostile_names_publish_inert_and_verify(
    drawn: Drawn, renamed: dict[str, str], tmp_path: Path, office_key: dict[str, bytes]
) -> None:
    res = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, _key(drawn), out=tmp_path)  # type: ignore[arg-type]
    root = res.path
    rows = table.from_csv((root / "results.csv").read_bytes())
    assert rows is not None
    shown = {r[table.CODE_COL]: r[table.NAME_COL] for r in rows[1:]}
    codes = list(renamed)
    assert shown[codes[0]] == "'" + FORMULA  # inert: a leading apostrophe
    assert shown[codes[1]] == "'+1-2"
    assert shown[codes[2]] == "坏<U+0007>名字"  # a stored control character made visible
    assert shown[codes[3]] == "甲 乙"  # a line break is one space, in every file
    assert shown[codes[4]] == "abc<U+202E>def"  # no live right-to-left override
    with zipfile.ZipFile(io.BytesIO((root / "results.xlsx").read_bytes())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet  # no formula cell
    trimmed = [list(r) for r in rows]
    for r in trimmed:  # the sheet has no trailing blank cells
        while r and r[-1] == "":
            r.pop()
    assert table.from_xlsx((root / "results.xlsx").read_bytes()) == trimmed
    page = (root / "index.html").read_text("utf-8")
    assert "\u202e" not in page and "\x07" not in page
    assert "<bdi>abc&lt;U+202E&gt;def</bdi>" in page
    report = verify_bundle(root, office_key, verify_bls=False)
    assert passes_without_bls(report), report.first_failure


def test_an_unquoted_formula_cell_fails_results(
    drawn: Drawn, renamed: dict[str, str], tmp_path: Path, office_key: dict[str, bytes]
) -> None:
    """A v2 bundle whose name cell holds a live formula fails, even re-signed by the office."""
    from tests.publish.test_verify_content import read_csv, resign, write_csv

    res = publish.publish_record(drawn.ws, drawn.engine, TASK_ID, _key(drawn), out=tmp_path)  # type: ignore[arg-type]
    rows = read_csv(res.path)
    i = next(i for i, r in enumerate(rows) if r[table.NAME_COL] == "'" + FORMULA)
    rows[i][table.NAME_COL] = FORMULA
    write_csv(res.path, rows)
    resign(res.path, drawn)
    report = verify_bundle(res.path, office_key, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.name == "results"
    assert report.first_failure.code == "verify.results_live"


def _copy(bundle: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy" / TASK_ID
    shutil.copytree(bundle, dest)
    return dest


def _sparse(path: Path, size: int) -> None:
    path.unlink(missing_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)


def _verify_in_a_small_process(root: Path, key_file: Path, limit_mb: int = 700) -> tuple[int, dict[str, object]]:
    """``randcheck verify --json`` with its address space capped: it must not need more."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit_mb << 20}, {limit_mb << 20}))\n"
        "from randcheck.cli import app\n"
        "app(sys.argv[1:], prog_name='randcheck')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RANDCHECK_")}
    env["RANDCHECK_LANG"] = "en"
    proc = subprocess.run(
        [sys.executable, "-c", code, "verify", str(root), "--trusted-keys", str(key_file),
         "--json"],
        env=env, capture_output=True, text=True, timeout=300, cwd=root.parent,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout or "{}")


def _failed(doc: dict[str, object]) -> dict[str, str]:
    return {c["name"]: c["code"] for c in doc["checks"] if not c["ok"]}  # type: ignore[attr-defined,index]


def test_a_huge_sparse_population_file_is_not_read(
    bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    root = _copy(bundle, tmp_path)
    _sparse(root / "population/S2.txt", 2 << 30)  # 2 GiB of zeros, no disk used
    _sparse(root / "SHA256SUMS", 150 << 20)
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1
    failed = _failed(doc)
    assert failed["population.S2"] == "verify.file_too_big"
    assert failed["files"] == "verify.file_too_big"


def test_a_gzip_bomb_is_refused(bundle: Path, key_file: Path, tmp_path: Path) -> None:
    root = _copy(bundle, tmp_path)
    (root / "population/S2.txt").unlink()
    bomb = gzip.compress(b"9" * (4 << 20), 9)  # small enough to be read, 4 MiB inside
    assert len(bomb) < 80 * 65  # the bound of stratum S2 (80 codes)
    (root / "population/S2.txt.gz").write_bytes(bomb)
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1 and _failed(doc)["population.S2"] == "verify.population_gzip"


@pytest.mark.parametrize("count", [2**45, 2**53 - 1, 2**60])
def test_a_forged_huge_count_is_a_failed_check_not_a_crash(
    bundle: Path, key_file: Path, tmp_path: Path, count: int
) -> None:
    """An unsigned edit of a stratum's count raises every bound computed from it: the files
    are still read only as far as they go (no read(count × 65) at once), and the announcement
    fails its signature (or, past 2^53 − 1, its canonical form) like any other edit."""
    root = _copy(bundle, tmp_path)
    ann = root / "announcement.json"
    text = ann.read_text(encoding="utf-8")
    assert text.count('"count":80') == 1
    ann.write_text(text.replace('"count":80', f'"count":{count}'), encoding="utf-8")
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1, doc
    assert "announcement.signature" in _failed(doc) or "announcement.envelope" in _failed(doc)


def test_a_corrupt_gzip_is_a_failed_check_not_a_crash(
    bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    root = _copy(bundle, tmp_path)
    codes = (root / "population/S2.txt").read_bytes()
    (root / "population/S2.txt").unlink()
    packed = bytearray(gzip.compress(codes, 9, mtime=0))
    packed[-6] ^= 1  # the CRC-32 in the trailer: zlib's own error, not a ValueError
    (root / "population/S2.txt.gz").write_bytes(bytes(packed))
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1 and _failed(doc)["population.S2"] == "verify.population_gzip"


def test_an_xlsx_bomb_is_not_opened(bundle: Path, key_file: Path, tmp_path: Path) -> None:
    root = _copy(bundle, tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO((root / "results.xlsx").read_bytes())) as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:  # fmt: skip
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/padding.xml", b" " * (100 << 20))
    (root / "results.xlsx").write_bytes(buf.getvalue())
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1 and _failed(doc)["results.xlsx"] == "verify.xlsx_bomb"


@pytest.mark.parametrize("name", ["announcement.json", "record.json", "roster.json",
                                  "log/entries/1.json", "SHA256SUMS.sig"])  # fmt: skip
def test_deeply_nested_json_is_a_failed_check_not_a_crash(
    bundle: Path, key_file: Path, tmp_path: Path, name: str
) -> None:
    root = _copy(bundle, tmp_path)
    depth = 80_000
    (root / name).write_bytes(b"[" * depth + b"]" * depth)
    code, doc = _verify_in_a_small_process(root, key_file)
    assert code == 1 and doc["ok"] is False  # exit 139 (SIGSEGV) before


def test_verify_reads_no_file_outside_the_layout(
    bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(bundle, tmp_path)
    _sparse(root / "huge.bin", 4 << 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = verify_bundle(root, office_key, verify_bls=False)
    assert report.first_failure is not None and report.first_failure.code == "verify.file_unlisted"
    # it was listed by name and size only: reading 4 GiB would have shown in the peak
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 1 << 20  # KiB: 1 GiB


def test_many_files_each_within_its_bound_cannot_add_up(
    bundle: Path, key_file: Path, tmp_path: Path
) -> None:
    """A thousand log entries of almost 1 MiB each (each under its own bound): verify reads
    only what its total budget allows, and the rest is refused by name."""
    root = _copy(bundle, tmp_path)
    for seq in range(1000, 2000):
        _sparse(root / f"log/entries/{seq}.json", (1 << 20) - 1)
    code, doc = _verify_in_a_small_process(root, key_file, limit_mb=700)
    assert code == 1 and _failed(doc)["files"] in ("verify.file_unlisted", "verify.file_too_big")
