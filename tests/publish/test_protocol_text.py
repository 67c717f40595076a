"""Protocol text is not catalog text (issue 13): the titles, notes, separators and sheet names of
results.csv/.xlsx and inspection-results.csv/.xlsx, and the words the ``page`` check compares,
are constants of ``randcheck/bundle/`` equal to the SPEC's, and neither ``publish`` nor
``verify`` takes them from the message catalog: a translator's edit cannot break a bundle.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from randcheck import catalog
from randcheck.bundle import layout, marks, table
from randcheck.bundle import results as rbundle
from randcheck.cli.verify import EXIT_UNCONFIRMED
from randcheck.services import verify as svc
from tests.publish.conftest import Drawn, files_in
from tests.publish.cycle import ISSUED_2, Cycle, build_cycle, publish_copy

ROOT = Path(__file__).resolve().parents[2]
#: the modules that define a signed or verified format's text
PROTOCOL_MODULES = (
    "randcheck.bundle.layout",
    "randcheck.bundle.table",
    "randcheck.bundle.results",
    "randcheck.bundle.marks",
    "randcheck.core.results",
)
TABLES = (layout.RESULTS_CSV, layout.RESULTS_XLSX, rbundle.TABLE_CSV, rbundle.TABLE_XLSX)


@pytest.fixture(scope="module")
def cycle(drawn: Drawn, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    return build_cycle(drawn, tmp_path_factory.mktemp("results-bundles"))


def _is_catalog(module: str) -> bool:
    return module == "randcheck.catalog" or module.startswith("randcheck.messages")


def _imports(module: str) -> set[str]:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            base = node.module or ""
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return out


def test_no_protocol_module_imports_the_catalog() -> None:
    for module in PROTOCOL_MODULES:
        assert not {m for m in _imports(module) if _is_catalog(m)}, module
    # nor anything they import: a fresh interpreter loads them without the catalog
    probe = (
        f"import sys, {', '.join(PROTOCOL_MODULES)}\n"
        "print(sorted(m for m in sys.modules"
        " if m == 'randcheck.catalog' or m.startswith('randcheck.messages')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def _section(doc: str, start: str, stop: str) -> str:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return text[text.index(start) : text.index(stop)]


def _titles(section: str) -> list[tuple[str, str]]:
    """(column, title) of each ``| column | `title` | … |`` row of the section's tables."""
    return re.findall(r"^\| (\w+) \| `([^`]+)` \|", section, flags=re.MULTILINE)


def test_results_csv_constants_are_the_spec_s() -> None:
    spec = _section("SPEC.md", "### 14.1 ", "### 14.2 ")
    assert _titles(spec) == [(c, table.TITLES[c]) for c in table.COLUMNS]
    assert table.HEADER == [t for _c, t in _titles(spec)]
    for text in (table.NOTE_REPLACEMENT, table.NOTE_TEAM_CHANGED, table.SEPARATOR, table.SHEET):
        assert f"`{text}`" in spec, text
    assert "(U+003B)" in spec and table.SEPARATOR == "\u003b"


def test_page_marks_are_the_spec_s() -> None:
    spec = _section("SPEC.md", "### 14.1 ", "### 14.2 ")
    texts = (
        marks.TARGET_COUNT, marks.REPLACED, marks.REPLACEMENT, marks.NO_BATCH, marks.MEMBER,
        marks.NO_NAME, marks.EXPERT, marks.LIST_SEPARATOR, marks.ATTR_SEPARATOR,
    )  # fmt: skip
    for text in texts:
        assert f"`{text}`" in spec, text
    assert marks.ATTR_SEPARATOR == table.SEPARATOR
    assert (marks.NO_BATCH, marks.LIST_SEPARATOR) == ("\u2014", "\u3001")
    assert marks.member("", "ZF001", True) == "（未登记姓名）（ZF001）专家"
    assert (
        marks.team_text(["A", "B"], [False, True], {"A": "甲"})
        == "甲（A）、（未登记姓名）（B）专家"
    )
    assert marks.addendum_team_text(["A", "B"], {"A": "甲"}) == "甲（A）、B（B）"
    # the verification code: the digest's first 12 hex digits, upper case, in threes of four
    assert "`XXXX-XXXX-XXXX`" in spec
    assert layout.short_code("0a1b2c3d4e5f" + "0" * 52) == "0A1B-2C3D-4E5F"


def test_inspection_results_constants_are_the_results_spec_s() -> None:
    spec = _section("RESULTS-SPEC.md", "### 5.2 ", "### 5.3 ")
    assert _titles(spec) == [(c, rbundle.TITLES[c]) for c in rbundle.COLUMNS]
    for text in (rbundle.NOTE_CORRECTED, rbundle.TERM_SEPARATOR, rbundle.SHEET):
        assert f"`{text}`" in spec, text
    assert "`检查结果公示` (`verify.xlsx_sheet_name`)" in _section(
        "RESULTS-SPEC.md", "### 5.3 ", "## 6. "
    )


def test_publish_and_verify_do_not_read_protocol_text_from_the_catalog(
    cycle: Cycle, office_key: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every message of the catalog replaced by "X" (a translator gone wild): an existing
    bundle still verifies, and publishing again writes the same tables byte for byte."""
    before = files_in(cycle.two)
    page_before = before[layout.INDEX].decode("utf-8")
    assert "替补（第 1 号补充记录替换" in before[layout.RESULTS_CSV].decode("utf-8")
    assert "号公示更正：" in before[rbundle.TABLE_CSV].decode("utf-8")
    assert catalog.render("publish.excl.status", "zh") in page_before  # display text
    for key in list(catalog.MESSAGES):
        monkeypatch.setitem(catalog.MESSAGES, key, {"zh": "X", "en": "X"})
    assert catalog.render("verify.results_ok", "zh", rows=1) == "X"

    report = svc.verify_bundle(cycle.two, office_key)
    assert report.ok, report.first_failure
    assert {c.name for c in report.checks} >= {"results", "results.xlsx", "page",
                                               "inspection.table"}  # fmt: skip

    again = files_in(publish_copy(cycle.drawn, tmp_path, ISSUED_2))
    for name in TABLES:
        assert again[name] == before[name], name
    # the catalog did reach publish: the page's display text (exclusion labels) changed
    page_after = again[layout.INDEX].decode("utf-8")
    assert page_after != page_before and "登记状态非存续" not in page_after
    assert svc.verify_bundle(tmp_path / cycle.two.name, office_key).ok


@pytest.mark.parametrize("which", ["none", "two"])
def test_the_page_says_what_an_unconfirmed_signer_means(cycle: Cycle, which: str) -> None:
    page = (getattr(cycle, which) / layout.INDEX).read_text(encoding="utf-8")
    how = page[page.index("、如何核验</h2>") :]
    found = re.search(r'<li id="unverified">(.*?)</li>', how)
    assert found is not None
    text = found.group(1)
    assert f"退出码为 {EXIT_UNCONFIRMED}" in text and "未确认" in text
    assert "UNCONFIRMED" in text and "unverified" in text
    assert "--trusted-keys" in text and "keys/operator.pub" in text
