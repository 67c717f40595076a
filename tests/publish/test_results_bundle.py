"""The 检查结果公示 part of a bundle (docs/RESULTS-SPEC.md §5): results entered, signed,
published and verified on a drawn workspace, a correction round, and forgeries.

The cycle runs once per module on the drawn fixture (2023: drawn 2023-09-15, inspection
window 2023-10-01..2023-10-31); every date-dependent call gets an explicit ``now``.  The
bundle folder is copied after each ``publish`` so each test reads (or forges) its own copy.
Forgeries that re-sign SHA256SUMS with the office key (what the office itself could do) pass
``files`` and ``files.signature``: only the ``inspection.*`` checks stand in their way.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from randcheck.bundle import results as rbundle
from randcheck.bundle.layout import SUMS, SUMS_SIG, sums_signing_input, sums_text
from randcheck.core import results as rdoc
from randcheck.core import signing
from randcheck.core.canonical import canonical, parse
from randcheck.core.checks import Check
from randcheck.core.draw import envelope
from randcheck.core.vocabulary import shipped
from randcheck.services import verify as svc
from tests.publish.conftest import TASK_ID, Drawn, files_in
from tests.publish.cycle import FOUND, OK, REASON, Cycle, build_cycle, private_key, write_csv

NAMES = ("inspection.documents", "inspection.log", "inspection.table", "inspection.timely")


@pytest.fixture(scope="module")
def cycle(drawn: Drawn, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    return build_cycle(drawn, tmp_path_factory.mktemp("results-bundles"))


def _checks(path: Path, keys: dict[str, bytes]) -> dict[str, Check]:
    return {c.name: c for c in svc.verify_bundle(path, keys).checks}


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy" / TASK_ID
    shutil.copytree(src, dest)
    return dest


def _resign(root: Path, drawn: Drawn) -> None:
    """Recompute SHA256SUMS and sign it with the office key, as the office could."""
    files = files_in(root)
    del files[SUMS], files[SUMS_SIG]
    sums = sums_text(files)
    key = private_key(drawn)
    sig = signing.sign(key, sums_signing_input(sums)).hex()
    (root / SUMS).write_bytes(sums)
    keyid = signing.key_id(signing.public_raw(key))
    (root / SUMS_SIG).write_bytes(canonical({"keyid": keyid, "sig": sig}) + b"\n")


def _table(root: Path) -> list[list[str]]:
    raw = (root / rbundle.TABLE_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def _write_table(root: Path, rows: list[list[str]]) -> None:
    write_csv(root / rbundle.TABLE_CSV, rows)


def mine_seq(root: Path, seq: int) -> int:
    """The seq of the log entry in the bundle that names results document ``seq``."""
    digest = _envelope(root, seq).digest
    found = [
        e["seq"]
        for p in sorted((root / "log/entries").iterdir())
        if (e := json.loads(p.read_bytes()))["payload"].get("results") == digest
    ]
    assert len(found) == 1
    return int(found[0])


def _envelope(root: Path, seq: int) -> envelope.Envelope:
    return envelope.open_envelope((root / rbundle.doc_file(seq)).read_bytes(), "results")


# -- the cycle ---------------------------------------------------------------------------------


def test_a_bundle_without_results_verifies_as_before(
    cycle: Cycle, office_key: dict[str, bytes]
) -> None:
    report = svc.verify_bundle(cycle.none, office_key)
    assert report.ok, report.first_failure
    names = [c.name for c in report.checks]
    assert names[-6:] == [*NAMES, "files", "files.signature"]
    assert names.index("page") == len(names) - 7
    for name in NAMES:
        check = next(c for c in report.checks if c.name == name)
        assert check.ok and not check.warn and check.code == "verify.results_none"
    files = files_in(cycle.none)
    assert not any(p.startswith("results/") or p.startswith("inspection-") for p in files)
    assert "检查结果公示" not in (cycle.none / "index.html").read_text(encoding="utf-8")


def test_published_results_verify(cycle: Cycle, office_key: dict[str, bytes]) -> None:
    report = svc.verify_bundle(cycle.one, office_key)
    assert report.ok, report.first_failure
    checks = {c.name: c for c in report.checks}
    assert checks["inspection.documents"].code == "verify.results_documents_ok"
    assert dict(checks["inspection.documents"].params) == {"documents": 1, "results": 4}
    assert checks["inspection.log"].code == "verify.results_logged"
    assert report.log_seqs == {
        "announcement": 1, "record": 3, "addendum.1": 4, "results.1": mine_seq(cycle.one, 1),
    }  # fmt: skip
    assert checks["inspection.table"].code == "verify.results_table_ok"
    assert checks["inspection.timely"].code == "verify.results_timely"
    assert not checks["inspection.timely"].warn
    vocab = shipped()
    files = files_in(cycle.one)
    assert {p for p in files if p.startswith(("results/", "inspection-"))} == {
        "results/0001.json",
        rbundle.vocabulary_file(vocab.digest),
        rbundle.TABLE_CSV,
        rbundle.TABLE_XLSX,
    }
    assert files[rbundle.vocabulary_file(vocab.digest)] == canonical(vocab.document())
    # the document: signed by the office, bound to the record, terms in canonical form
    env = _envelope(cycle.one, 1)
    head, entries = rdoc.parse(env.doc)
    assert head["record"] == cycle.drawn.rec_digest and head["addenda"] == 1
    assert head["issued_at"] == "2023-10-20T02:00:00Z" and head["previous"] is None
    t0, t1 = cycle.targets[0], cycle.targets[1]
    terms = {e.key: e.terms for e in entries}
    assert terms[(t0, "SC-002")] == ("违反食品药品管理相关规定", "发现问题经责令已改正")
    assert terms[(t1, "SC-001")] == (OK,)
    assert {e.key: e.deadline for e in entries}[(t0, "SC-001")] == "2023-11-06"
    # its log entry is in the bundle and names it
    logged = [json.loads(files[p]) for p in files if p.startswith("log/entries/")]
    (mine,) = [e for e in logged if e["kind"] == "results.published"]
    assert mine["payload"] == {
        "task": TASK_ID, "record": cycle.drawn.rec_digest, "results": env.digest, "seq": 1,
        "count": 4, "corrections": 0, "vocabulary": vocab.id,
    }  # fmt: skip
    # the table and the page
    rows = _table(cycle.one)
    assert rows[0] == rbundle.HEADER
    assert [(r[2], r[4]) for r in rows[1:]] == [
        (t0, "SC-001"), (t0, "SC-002"), (t1, "SC-001"), (cycle.drawn.replacement, "SC-001"),
    ]  # fmt: skip
    assert all(r[7] == "2023-10-20" and r[8] == "" for r in rows[1:])
    assert rows[2][5:7] == ["2023-10-10", "违反食品药品管理相关规定、发现问题经责令已改正"]
    page = (cycle.one / "index.html").read_text(encoding="utf-8")
    assert "检查结果公示" in page and 'id="inspection-results"' in page
    assert page.count('class="inspection-result"') == 4


def test_the_correction_round(cycle: Cycle, office_key: dict[str, bytes]) -> None:
    report = svc.verify_bundle(cycle.two, office_key)
    assert report.ok, report.first_failure  # a late publication is information only
    checks = {c.name: c for c in report.checks}
    assert dict(checks["inspection.documents"].params) == {"documents": 2, "results": 5}
    assert report.log_seqs["results.1"] == mine_seq(cycle.two, 1)
    assert report.log_seqs["results.2"] == mine_seq(cycle.two, 2) > report.log_seqs["results.1"]
    assert "inspection.log" not in report.log_seqs
    timely = checks["inspection.timely"]
    assert timely.ok and timely.warn and timely.code == "verify.results_late"
    assert dict(timely.params) == {
        "count": 1, "target": cycle.late[0], "item": cycle.late[1]
    }  # fmt: skip
    env1, env2 = _envelope(cycle.two, 1), _envelope(cycle.two, 2)
    assert (cycle.two / "results/0001.json").read_bytes() == (
        cycle.one / "results/0001.json"
    ).read_bytes()
    assert env2.doc["previous"] == env1.digest and env2.doc["seq"] == 2
    fixed = {(e["target"], e["item"]): e for e in env2.doc["results"]}
    assert fixed[cycle.corrected]["correction"] == {"replaces": 1, "reason": REASON}
    assert fixed[cycle.late]["correction"] is None
    assert fixed[cycle.late]["deadline"] == "2023-11-06"
    rows = {(r[2], r[4]): r for r in _table(cycle.two)[1:]}
    corrected = rows[cycle.corrected]
    assert corrected[6] == "违反食品药品管理相关规定"
    assert corrected[7] == "2023-10-20"  # first published in document 1
    assert corrected[8] == f"第 2 号公示更正：{REASON}"
    assert rows[cycle.late][7] == "2023-11-08" and rows[cycle.late][8] == ""
    page = (cycle.two / "index.html").read_text(encoding="utf-8")
    assert f"第 2 号公示更正：{REASON}" in page


def test_cli_verify_names_the_inspection_checks(cycle: Cycle, tmp_path: Path) -> None:
    res = cycle.drawn.cli()("verify", str(cycle.two), "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    names = [c["name"] for c in doc["checks"]]
    assert [n for n in names if n.startswith("inspection.")] == list(NAMES)


def test_publish_refuses_to_sign_a_document_verify_would_refuse(cycle: Cycle) -> None:
    assert cycle.refused.code == "results.time_backwards"
    assert cycle.refused.params["seq"] == 3
    assert cycle.docs_after_refusal == 2  # nothing stored
    assert cycle.published_entries_after_refusal == 2  # nothing logged


# -- forgeries ---------------------------------------------------------------------------------


def test_an_edited_term_breaks_the_signature_and_the_sums(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.one, tmp_path)
    doc = root / "results/0001.json"
    data = doc.read_bytes()
    assert data.count("发现问题待后续处理".encode()) == 1
    doc.write_bytes(data.replace("发现问题待后续处理".encode(), OK.encode()))
    checks = _checks(root, office_key)
    assert not checks["inspection.documents"].ok
    assert checks["inspection.documents"].code == "signature.invalid"
    assert checks["inspection.documents"].params["seq"] == 1
    assert all(not checks[n].ok for n in NAMES[1:])  # skipped
    assert not checks["files"].ok and checks["files"].code == "verify.file_changed"


def test_a_forged_document_that_changes_a_result_silently(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """Signed with the office key and listed in re-signed sums: only the chain catches it."""
    root = _copy(cycle.one, tmp_path)
    first = _envelope(root, 1)
    _head, entries = rdoc.parse(first.doc)
    (old,) = [e for e in entries if e.key == (cycle.targets[0], "SC-001")]
    changed = rdoc.Entry(old.target, old.item, old.completed_on, ("注销",), old.deadline, None)
    body = rdoc.build(
        task=TASK_ID, authority=first.doc["authority"], record=first.doc["record"],
        addenda=first.doc["addenda"], seq=2, previous=first.digest,
        issued_at="2023-10-25T02:00:00Z", vocabulary=shipped(), entries=[changed],
    )  # fmt: skip
    (root / rbundle.doc_file(2)).write_bytes(envelope.signed(body, private_key(cycle.drawn)))
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["files"].ok and checks["files.signature"].ok
    documents = checks["inspection.documents"]
    assert not documents.ok and documents.code == "results.silent_change"
    assert dict(documents.params) == {
        "seq": 2, "target": cycle.targets[0], "item": "SC-001", "first": 1,
    }  # fmt: skip
    # marked as a correction, the same document is accepted by the chain (the log and the
    # table then fail: it is neither logged nor shown)
    corrected = dict(
        body, results=[dict(body["results"][0], correction={"replaces": 1, "reason": "更正"})]
    )
    (root / rbundle.doc_file(2)).write_bytes(envelope.signed(corrected, private_key(cycle.drawn)))
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["inspection.documents"].ok
    assert not checks["inspection.log"].ok and not checks["inspection.table"].ok


def test_a_gap_in_the_document_numbers(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    (root / "results/0001.json").unlink()
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["inspection.documents"].code == "results.chain_broken"
    assert checks["inspection.documents"].params["seq"] == 1


def test_an_edited_table_fails_even_with_resigned_sums(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    rows = _table(root)
    assert rows[3][6] != OK
    rows[3][6] = OK
    _write_table(root, rows)
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["files"].ok and checks["files.signature"].ok
    assert checks["inspection.documents"].ok and checks["inspection.log"].ok
    table = checks["inspection.table"]
    assert not table.ok and table.code == "verify.results_table_differs"
    assert dict(table.params) == {"file": rbundle.TABLE_CSV, "row": 4}


@pytest.mark.parametrize("column", [5, 7, 8], ids=["completed_on", "published_on", "note"])
def test_every_signed_column_of_the_table_is_checked(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path, column: int
) -> None:
    root = _copy(cycle.two, tmp_path)
    rows = _table(root)
    rows[1][column] = rows[1][column] + "x"
    _write_table(root, rows)
    _resign(root, cycle.drawn)
    assert _checks(root, office_key)["inspection.table"].code == "verify.results_table_differs"


def test_a_name_other_than_results_csv_shows_fails(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    rows = _table(root)
    for r in rows[1:]:
        if r[2] == cycle.targets[0]:
            r[3] = "某某伪造名称有限公司"  # every row of the code, in both files
    _write_table(root, rows)
    (root / rbundle.TABLE_XLSX).write_bytes(rbundle.to_xlsx(rows, "2023-11-08T02:00:00Z"))
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["results"].ok and checks["page"].ok  # results.csv and the page unchanged
    table = checks["inspection.table"]
    assert not table.ok and table.code == "verify.results_table_differs"
    assert dict(table.params) == {"file": rbundle.TABLE_CSV, "row": 2}


def test_an_edited_workbook_fails(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    path = root / rbundle.TABLE_XLSX
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    assert sheet.title == "检查结果公示"
    sheet.cell(2, 7).value = "注销"
    wb.save(path)
    _resign(root, cycle.drawn)
    table = _checks(root, office_key)["inspection.table"]
    assert not table.ok and table.code == "verify.results_table_differs"
    assert table.params["file"] == rbundle.TABLE_XLSX


def test_a_workbook_with_another_sheet_name_fails(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    path = root / rbundle.TABLE_XLSX
    wb = load_workbook(path)
    wb.worksheets[0].title = "Sheet1"
    wb.save(path)
    _resign(root, cycle.drawn)
    table = _checks(root, office_key)["inspection.table"]
    assert not table.ok and table.code == "verify.xlsx_sheet_name"
    assert dict(table.params) == {"file": rbundle.TABLE_XLSX, "sheet": "检查结果公示"}


def test_a_workbook_that_unpacks_too_far_is_not_opened(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    path = root / rbundle.TABLE_XLSX
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/pad.bin", bytes(8 * 1024 * 1024))  # 8 MiB of zeros, ~8 KiB packed
    _resign(root, cycle.drawn)
    table = _checks(root, office_key)["inspection.table"]
    assert not table.ok and table.code == "verify.xlsx_bomb"


def test_a_table_without_signed_documents_fails(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    for name in (rbundle.TABLE_CSV, rbundle.TABLE_XLSX):
        root = _copy(cycle.none, tmp_path / name)
        shutil.copy(cycle.one / name, root / name)
        _resign(root, cycle.drawn)
        checks = _checks(root, office_key)
        assert checks["files"].ok
        assert checks["inspection.documents"].code == "verify.results_none"
        table = checks["inspection.table"]
        assert not table.ok and table.code == "verify.results_table_unsigned"
        assert table.params["file"] == name


def test_a_vocabulary_file_must_be_its_canonical_bytes(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.one, tmp_path)
    path = root / rbundle.vocabulary_file(shipped().digest)
    doc = parse(path.read_bytes())
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")  # same doc
    _resign(root, cycle.drawn)
    documents = _checks(root, office_key)["inspection.documents"]
    assert not documents.ok and documents.code == "verify.results_vocabulary_name"


def test_a_missing_vocabulary_fails(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.one, tmp_path)
    (root / rbundle.vocabulary_file(shipped().digest)).unlink()
    _resign(root, cycle.drawn)
    documents = _checks(root, office_key)["inspection.documents"]
    assert not documents.ok and documents.code == "results.wrong_vocabulary"


def test_an_edited_result_on_the_page_fails_even_with_resigned_sums(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = _copy(cycle.two, tmp_path)
    page = (root / "index.html").read_text("utf-8")
    section = page.index('<table id="inspection-results">')
    shown = f"<bdi>{FOUND}</bdi>"
    first = page.index(shown, section)
    edited = page[:first] + f"<bdi>{OK}</bdi>" + page[first + len(shown) :]
    (root / "index.html").write_text(edited, "utf-8")
    _resign(root, cycle.drawn)
    checks = _checks(root, office_key)
    assert checks["files"].ok and checks["files.signature"].ok and checks["page"].ok
    table = checks["inspection.table"]
    assert not table.ok and table.code == "verify.results_table_differs"
    assert table.params["file"] == "index.html"
