"""Header detection: title and blank rows above the header are skipped (CSV and XLSX) and
reported; a missing required column is named with the Chinese header a user would write and
its synonyms, with a hint about title rows; 序号 is accepted silently; known columns that are
not stored are listed as ignored.  Both languages."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine

from randcheck.errors import InputError
from randcheck.io.headers import HEADER_SCAN
from randcheck.io.readers import RowReader
from randcheck.services import registry as reg
from randcheck.services.registry.specs import SILENT
from tests.conftest import Cli

TITLE = "海宁市市场监督管理局随机抽查事项清单（2026年）"
HEADER = ["序号", "事项编码", "抽查事项", "抽查依据", "事项类别", "抽查比例", "执法门类", "备注栏"]
ROW = ["1", "SC-001", "食品经营检查", "《食品安全法》", "一般检查事项", "5%", "市场监管", "x"]
KEY_ROW = ["2", "SC-002", "特种设备检查", "《特种设备安全法》", "重点检查事项", "", "", ""]


def _csv(path: Path, rows: list[list[str]], encoding: str = "gb18030") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def _reader(path: Path, registry: str = "items") -> Any:
    spec = reg.spec_for(registry)
    return RowReader(
        path,
        spec.aliases(),
        [list(g) for g in spec.required_columns],
        ignored=spec.ignored,
        silent=SILENT,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_title_and_blank_rows_are_skipped_and_reported(tmp_path: Path, fmt: str) -> None:
    rows = [[TITLE, "", ""], ["", "", ""], HEADER, ROW, KEY_ROW]
    path = (_csv if fmt == "csv" else _xlsx)(tmp_path / f"items.{fmt}", rows)
    reader = _reader(path)
    got = list(reader)
    assert reader.header_row == 3
    assert reader.skipped_rows == [(1, TITLE), (2, "")]
    assert [r.row for r in got] == [4, 5]  # row numbers are the sheet's
    assert got[0].values["item_type"] == "一般检查事项"
    assert reader.ignored_columns == ["执法门类"]
    assert reader.unknown_columns == ["备注栏"]  # 序号 is neither: accepted silently


def test_header_on_first_row_skips_nothing(tmp_path: Path) -> None:
    reader = _reader(_csv(tmp_path / "i.csv", [HEADER, ROW]))
    assert [r.row for r in reader] == [2]
    assert reader.header_row == 1 and reader.skipped_rows == []


def test_header_too_far_down_is_not_searched_for(tmp_path: Path) -> None:
    rows = [[TITLE]] * HEADER_SCAN + [HEADER, ROW]
    with pytest.raises(InputError) as caught:
        _reader(_csv(tmp_path / "i.csv", rows))
    codes = [r.code for r in caught.value.rows]
    assert "registry.missing_column" in codes and "registry.header_hint" in codes


def test_missing_column_names_chinese_header_and_synonyms(tmp_path: Path) -> None:
    path = _csv(tmp_path / "i.csv", [[TITLE], ["事项编码", "名称", "事项类别"], ["a", "b", "一般"]])
    with pytest.raises(InputError) as caught:
        _reader(path)
    rows = caught.value.rows
    missing = [r for r in rows if r.code == "registry.missing_column"]
    assert [r.column for r in missing] == ["抽查依据"]  # not the internal name legal_basis
    assert missing[0].row == 2  # reported against the row most like a header
    headers = missing[0].params["headers"]
    assert headers.startswith("抽查依据 / 检查依据") and "legal_basis" in headers
    assert rows[-1].code == "registry.header_hint"  # a title row above: the hint is given


def test_entities_group_label(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        _reader(_csv(tmp_path / "e.csv", [["名称"], ["x"]]), "entities")
    (missing,) = [r for r in caught.value.rows if r.code == "registry.missing_column"]
    assert missing.column == "统一社会信用代码 / 注册号"


def test_ignored_headers_are_not_field_synonyms() -> None:
    from randcheck.io.headers import header_key

    for spec in reg.SPECS.values():
        aliases = {header_key(a) for a in spec.aliases()}
        assert not aliases & {header_key(h) for h in spec.ignored}, spec.name
        assert not aliases & {header_key(h) for h in SILENT}, spec.name
        targets: dict[str, set[str]] = {}
        for alias, target in spec.aliases().items():
            targets.setdefault(header_key(alias), set()).add(target)
        assert all(len(t) == 1 for t in targets.values())  # no header means two fields


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_reports_skipped_rows_and_ignored_columns(
    ready_cli: Cli, tmp_path: Path, lang: str
) -> None:
    path = _xlsx(tmp_path / "items.xlsx", [[TITLE], [], HEADER, ROW, KEY_ROW])
    result = ready_cli("items", "import", str(path), lang=lang)
    assert result.exit_code == 0, result.stderr
    if lang == "zh":
        assert f"表头在第 3 行；已跳过其上方的 2 行：第 1 行“{TITLE}”、第 2 行（空行）" in result.stderr
        assert "以下列不导入（不保存、不公开）：执法门类" in result.stderr
        assert "已忽略无法识别的列：备注栏" in result.stderr
    else:
        assert f"header found in row 3; skipped the 2 row(s) above it: row 1 “{TITLE}”" in (
            result.stderr
        )
        assert "columns not imported (not stored, never published): 执法门类" in result.stderr
        assert "ignored unrecognised columns: 备注栏" in result.stderr
    assert "序号" not in result.stderr
    listing = ready_cli("items", "list", lang=lang)
    assert ("事项编码" if lang == "zh" else "item code") in listing.stdout
    assert "统一社会信用代码" not in listing.stdout
    assert ("是" if lang == "zh" else "yes") in listing.stdout
    assert "true" not in listing.stdout
    engine = create_engine(ready_cli.db_url)
    with engine.connect() as conn:
        types = {r["code"]: r["item_type"] for r in reg.iter_items(conn)}
    engine.dispose()
    assert types == {"SC-001": "一般", "SC-002": "重点"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_missing_column_message(ready_cli: Cli, tmp_path: Path, lang: str) -> None:
    path = _csv(tmp_path / "i.csv", [[TITLE], ["事项编码", "名称", "事项类别"], ["a", "b", "一般"]])
    result = ready_cli("items", "import", str(path), lang=lang)
    assert result.exit_code != 0
    text = result.stderr
    assert "抽查依据" in text and "legal_basis" in text
    assert text.index("抽查依据") < text.index("legal_basis")  # the Chinese header first
    assert ("缺少必需的列" if lang == "zh" else "required column is missing") in text
    assert ("提示" if lang == "zh" else "hint:") in text
    assert "Traceback" not in text
