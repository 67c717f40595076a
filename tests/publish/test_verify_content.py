"""``randcheck verify`` checks what the public reads, even when the office re-signs SHA256SUMS.

Each forgery below changes index.html, results.csv or results.xlsx and then recomputes
SHA256SUMS and signs it with the office key (exactly what the office itself could do), so
``files`` and ``files.signature`` pass: only the content checks (``results``, ``results.xlsx``,
``page``) stand between the forged page and a citizen.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from randcheck.bundle.layout import SUMS, SUMS_SIG, sums_signing_input, sums_text
from randcheck.core import signing
from randcheck.core.canonical import canonical
from randcheck.services import keys as keys_svc
from randcheck.services import verify as svc
from tests.conftest import Cli
from tests.publish.conftest import PASSPHRASE, TASK_ID, Drawn, files_in


def resign(root: Path, drawn: Drawn) -> None:
    """Recompute SHA256SUMS and sign it with the office key, as the office could."""
    files = files_in(root)
    del files[SUMS], files[SUMS_SIG]
    sums = sums_text(files)
    key = keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())
    keyid = signing.key_id(signing.public_raw(key))
    sig = signing.sign(key, sums_signing_input(sums)).hex()
    (root / SUMS).write_bytes(sums)
    (root / SUMS_SIG).write_bytes(canonical({"keyid": keyid, "sig": sig}) + b"\n")


def read_csv(root: Path) -> list[list[str]]:
    text = (root / "results.csv").read_bytes()[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_csv(root: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (root / "results.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def edit_csv(change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        rows = read_csv(root)
        change(rows)
        write_csv(root, rows)

    return run


def edit_page(old: str, new: str) -> Callable[[Path], None]:
    def run(root: Path) -> None:
        page = (root / "index.html").read_text(encoding="utf-8")
        assert old in page
        (root / "index.html").write_text(page.replace(old, new), encoding="utf-8")

    return run


def set_batch(rows: list[list[str]]) -> None:
    assert rows[1][2] == "1"
    rows[1][2] = "2"


def set_inspector(rows: list[list[str]]) -> None:
    names = rows[1][6].split(";")
    rows[1][6] = ";".join(["张伪造", *names[1:]])


def set_name_only_in_csv(rows: list[list[str]]) -> None:
    rows[1][4] = "另一家伪造食品有限公司"


def rename_in_both_sheets(root: Path) -> None:
    """A different entity name in results.csv and results.xlsx alike, not on the page."""
    edit_csv(set_name_only_in_csv)(root)
    wb = load_workbook(root / "results.xlsx")
    ws = wb.active
    assert ws is not None
    ws["E2"] = "另一家伪造食品有限公司"
    wb.save(root / "results.xlsx")


def drop_row(rows: list[list[str]]) -> None:
    del rows[3]


def change_xlsx(root: Path) -> None:
    wb = load_workbook(root / "results.xlsx")
    ws = wb.active
    assert ws is not None and ws["D2"].value
    ws["D2"] = "91320500MA0000000X"
    wb.save(root / "results.xlsx")


def rename_sheet(root: Path) -> None:
    """The same cells in a sheet named otherwise (the sheet name is a protocol constant)."""
    wb = load_workbook(root / "results.xlsx")
    assert wb.worksheets[0].title == "抽查结果"
    wb.worksheets[0].title = "Sheet1"
    wb.save(root / "results.xlsx")


def first_target(root: Path) -> str:
    return read_csv(root)[1][3]


def swap_code_on_page(root: Path) -> None:
    """Every occurrence of a drawn target's code on the page becomes another pool code."""
    code = first_target(root)
    edit_page(code, "91320500MA0000000X")(root)


FORGERIES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("page_target_code", swap_code_on_page, "page", "verify.page_row"),
    ("csv_batch", edit_csv(set_batch), "results", "verify.results_cell"),
    ("csv_inspector_name", edit_csv(set_inspector), "results", "verify.results_cell"),
    ("csv_row_removed", edit_csv(drop_row), "results", "verify.results_cell"),
    ("sheet_name_differs_from_page", rename_in_both_sheets, "page", "verify.page_names"),
    ("xlsx_one_cell", change_xlsx, "results.xlsx", "verify.xlsx_row"),
    ("xlsx_sheet_renamed", rename_sheet, "results.xlsx", "verify.xlsx_sheet_name"),
    ("page_replacement_mark", edit_page('data-f="replacement">替补<', 'data-f="replacement">新增<'),
     "page", "verify.page_row"),
    ("page_target_count", edit_page('data-f="target-count">14 户<', 'data-f="target-count">13 户<'),
     "page", "verify.page_count"),
    ("page_batch", edit_page('data-f="batch">1</td>', 'data-f="batch">2</td>'), "page",
     "verify.page_row"),
    ("page_inspector_name", edit_page("<bdi>执法员05</bdi>（ZF005）", "<bdi>王伪造</bdi>（ZF005）"), "page",
     "verify.page_row"),
    ("page_digest", edit_page('data-f="record-digest">', 'data-f="record-digest">0'), "page",
     "verify.page_digest"),
    ("page_css_rewrite", edit_page("</style>", "td{font-size:0}</style>"), "page",
     "verify.page_active"),
    ("page_script", edit_page("</main>", "<script>document.title=1</script></main>"), "page",
     "verify.page_active"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("forge", "check", "code"), [f[1:] for f in FORGERIES], ids=[f[0] for f in FORGERIES]
)
def test_forgery_resigned_by_the_office_fails_the_content_check(
    drawn: Drawn,
    bundle: Path,
    office_key: dict[str, bytes],
    tmp_path: Path,
    forge: Callable[[Path], None],
    check: str,
    code: str,
) -> None:
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    forge(root)
    resign(root, drawn)
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    by_name = {c.name: c for c in report.checks}
    assert by_name["files"].ok and by_name["files.signature"].ok  # the office's signature holds
    assert not report.ok and report.first_failure is not None
    assert report.first_failure.name == check, report.first_failure
    assert report.first_failure.code == code, report.first_failure


def test_removed_row_is_named_and_the_sheet_then_differs(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    rows = read_csv(root)
    del rows[-1]  # the last row: only the count can tell
    write_csv(root, rows)
    resign(root, drawn)
    checks = {c.name: c for c in svc.verify_bundle(root, office_key, verify_bls=False).checks}
    assert checks["results"].code == "verify.results_count"
    assert checks["results"].params == {"got": len(rows) - 1, "expected": len(rows)}
    assert checks["results.xlsx"].code == "verify.xlsx_count"


def test_a_number_format_that_changes_what_is_shown_fails(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    wb = load_workbook(root / "results.xlsx")
    ws = wb.active
    assert ws is not None
    ws["C2"].number_format = ';;;"2"'  # text shows as "2" while the cell still says "1"
    wb.save(root / "results.xlsx")
    resign(root, drawn)
    first = svc.verify_bundle(root, office_key, verify_bls=False).first_failure
    assert first is not None and first.name == "results.xlsx"
    assert first.code == "verify.xlsx_cell_type"


def test_inspectors_json_must_list_the_roster(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    doc = json.loads((root / "inspectors.json").read_text(encoding="utf-8"))
    del doc["inspectors"][-1]
    (root / "inspectors.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    resign(root, drawn)
    checks = {c.name: c for c in svc.verify_bundle(root, office_key, verify_bls=False).checks}
    assert checks["results"].code == "verify.inspectors_bad"
    assert not checks["page"].ok


def test_a_consistent_rename_of_an_inspector_in_every_file_still_fails(
    drawn: Drawn, bundle: Path, office_key: dict[str, bytes], tmp_path: Path
) -> None:
    """inspectors.json is the public roster: renaming there alone changes the expected names."""
    root = tmp_path / TASK_ID
    shutil.copytree(bundle, root)
    edit_csv(set_inspector)(root)
    resign(root, drawn)
    report = svc.verify_bundle(root, office_key, verify_bls=False)
    first = report.first_failure
    assert first is not None and first.name == "results"
    assert first.params["expected"].startswith("执法员")
    assert first.params["got"].startswith("张伪造")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_untouched_bundle_passes_the_content_checks_in_both_languages(
    bundle: Path, key_file: Path, tmp_path: Path, lang: str
) -> None:
    home = tmp_path / "citizen"
    home.mkdir()
    cli = Cli(home, f"sqlite:///{home / 'none.sqlite'}")
    res = cli("verify", str(bundle), "--trusted-keys", str(key_file), "--json", lang=lang)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["ok"] and doc["first_failure"] is None
    checks = {c["name"]: c for c in doc["checks"]}
    assert all(c["ok"] for c in doc["checks"]) and len(doc["checks"]) == 38
    assert checks["results"]["code"] == "verify.results_ok"
    assert checks["results.xlsx"]["code"] == "verify.xlsx_ok"
    assert checks["page"]["code"] == "verify.page_ok"
    limit = "no signed source" if lang == "en" else "没有签名来源"
    assert limit in checks["results"]["message"]
    table = cli("verify", str(bundle), "--trusted-keys", str(key_file), lang=lang)
    assert table.exit_code == 0
    assert "results.xlsx" in table.stdout and "page" in table.stdout
