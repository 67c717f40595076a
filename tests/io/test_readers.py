"""Reading registry files: formats, encodings, headers, and every file-level refusal."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from randcheck.errors import InputError, NotFoundError
from randcheck.io.readers import MAX_FIELD_CHARS, RowReader, detect_encoding, sniff_kind
from randcheck.services.registry import ENTITIES

ALIASES = ENTITIES.aliases()
REQUIRED = [list(g) for g in ENTITIES.required_columns]
CODE = "914403001922038216"
CODE2 = "9144030071526726XG"


def read(
    path: Path, mapping: dict[str, str] | None = None
) -> list[tuple[int, dict[str, str], list[str]]]:
    reader = RowReader(path, ALIASES, REQUIRED, mapping)
    return [(r.row, r.values, [e.code for e in r.errors]) for r in reader]


def file_error(path: Path, mapping: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(InputError) as info:
        read(path, mapping)
    assert info.value.rows, "a file-level error must name what is wrong"
    assert all(r.file == path.name for r in info.value.rows)
    return [r.code for r in info.value.rows]


def test_utf8_csv_with_english_headers(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,name,tags\n{CODE},华为,a|b\n", encoding="utf-8")
    assert read(p) == [(2, {"code": CODE, "name": "华为", "tags": "a|b"}, [])]


def test_utf8_bom_csv_and_chinese_headers(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"统一社会信用代码,企业名称\n{CODE},华为\n", encoding="utf-8-sig")
    assert detect_encoding(p) == "utf-8-sig"
    assert read(p)[0][1] == {"code": CODE, "name": "华为"}


def test_gbk_csv_detected(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_bytes(
        f"统一社会信用代码,企业名称,登记状态\n{CODE},深圳市腾讯计算机系统有限公司,存续\n".encode(
            "gbk"
        )
    )
    assert detect_encoding(p) == "gb18030"
    assert read(p)[0][1]["name"] == "深圳市腾讯计算机系统有限公司"


def test_tab_separated_is_sniffed(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code\tname\n{CODE}\t华为, 深圳\n", encoding="utf-8")
    assert read(p)[0][1] == {"code": CODE, "name": "华为, 深圳"}


def test_map_option_and_unknown_columns(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"单位代码,单位名称,备注\n{CODE},华为,x\n", encoding="utf-8")
    reader = RowReader(p, ALIASES, REQUIRED, {"单位代码": "code", "单位名称": "name"})
    rows = list(reader)
    assert rows[0].values == {"code": CODE, "name": "华为"}
    assert reader.unknown_columns == ["备注"]
    assert reader.column_names == {"code": "单位代码", "name": "单位名称"}


def test_map_to_unknown_field_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,name\n{CODE},x\n", encoding="utf-8")
    assert "registry.map_unknown_field" in file_error(p, {"name": "nonsense"})


def test_blank_lines_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,name\n\n{CODE},a\n ,  \n{CODE2},b\n", encoding="utf-8")
    assert [r[0] for r in read(p)] == [3, 5]


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert file_error(empty) == ["registry.empty_file"]
    header = tmp_path / "header.csv"
    header.write_text("code,name\n", encoding="utf-8")
    assert file_error(header) == ["registry.empty_file"]


def test_missing_required_column(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,status\n{CODE},存续\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(p)
    (row,) = info.value.rows
    assert (row.code, row.column, row.row) == ("registry.missing_column", "名称", 1)


def test_two_columns_for_one_field(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,统一社会信用代码,name\n{CODE},{CODE},x\n", encoding="utf-8")
    assert file_error(p) == ["registry.duplicate_column"]


def test_latin1_bytes_are_refused_with_offset(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_bytes(f"code,name\n{CODE},Caf".encode() + b"\xe9\n")  # Latin-1 é then newline
    with pytest.raises(InputError) as info:
        read(p)
    (row,) = info.value.rows
    assert row.code == "registry.bad_encoding"
    assert row.params["offset"] == str(len(f"code,name\n{CODE},Caf".encode()))


def test_utf16_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,name\n{CODE},x\n", encoding="utf-16")
    assert sniff_kind(p) == "utf16"
    assert file_error(p) == ["registry.utf16"]
    no_bom = tmp_path / "n.csv"
    no_bom.write_bytes(f"code,name\n{CODE},x\n".encode("utf-16-le"))
    assert file_error(no_bom) == ["registry.utf16"]


def test_csv_that_is_a_zip_or_binary(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name"])
    xlsx_named_csv = tmp_path / "really.csv"
    book.save(xlsx_named_csv)
    assert file_error(xlsx_named_csv) == ["registry.not_csv_zip"]
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"code,name\n\x00\x01\x02\x03binary\x00\xff")
    assert file_error(binary) == ["registry.not_text"]


def test_xlsx_that_is_really_csv(tmp_path: Path) -> None:
    p = tmp_path / "fake.xlsx"
    p.write_text(f"code,name\n{CODE},x\n", encoding="utf-8")
    assert file_error(p) == ["registry.not_xlsx"]


def test_damaged_xlsx(tmp_path: Path) -> None:
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert file_error(p) == ["registry.bad_xlsx"]


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "e.xls"
    p.write_text("x", encoding="utf-8")
    assert file_error(p) == ["registry.unknown_ext"]
    with pytest.raises(NotFoundError):
        read(tmp_path / "nope.csv")


def test_huge_field_is_a_row_error(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(
        f"code,name\n{CODE},{'长' * (MAX_FIELD_CHARS + 1)}\n{CODE2},ok\n", encoding="utf-8"
    )
    rows = read(p)
    assert rows[0][2] == ["registry.field_too_long"]
    assert rows[1][2] == []


def test_extra_cells_are_a_row_error(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f"code,name\n{CODE},a,surplus\n", encoding="utf-8")
    assert read(p)[0][2] == ["registry.extra_cells"]


def test_malformed_csv_quote(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text(f'code,name\n{CODE},"a"b\n', encoding="utf-8")
    assert file_error(p) == ["registry.bad_csv"]


def test_xlsx_values_dates_numbers_and_formulas(tmp_path: Path) -> None:
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["统一社会信用代码", "企业名称", "风险分类日期", "行政区划代码"])
    sheet.append([CODE, "华为", dt.datetime(2025, 1, 2), 320505])
    sheet.append([CODE2, '=CONCAT("a","b")', None, 320506.0])
    p = tmp_path / "e.xlsx"
    book.save(p)
    rows = read(p)
    assert rows[0] == (
        2,
        {"code": CODE, "name": "华为", "risk_as_of": "2025-01-02", "region_code": "320505"},
        [],
    )
    assert rows[1][0] == 3
    assert rows[1][2] == ["registry.formula"]
    assert rows[1][1]["region_code"] == "320506"


def test_json_array_and_jsonl(tmp_path: Path) -> None:
    data = [
        {"code": CODE, "name": "华为", "tags": ["x", "y"], "risk_as_of": None},
        {"code": CODE2, "name": "腾讯"},
    ]
    p = tmp_path / "e.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rows = read(p)
    assert rows[0][1] == {"code": CODE, "name": "华为", "tags": "x|y", "risk_as_of": ""}
    assert rows[1][1] == {"code": CODE2, "name": "腾讯"}
    zh = tmp_path / "zh.json"
    zh.write_text(
        json.dumps([{"统一社会信用代码": CODE2, "企业名称": "腾讯"}], ensure_ascii=False),
        encoding="utf-8",
    )
    assert read(zh)[0][1] == {"code": CODE2, "name": "腾讯"}
    lines = tmp_path / "e.jsonl"
    lines.write_text(
        f'{{"code": "{CODE}", "name": "a"}}\n\n{{"code": "{CODE2}", "name": 1.5}}\nnot json\n',
        encoding="utf-8",
    )
    rows = read(lines)
    assert [r[0] for r in rows] == [1, 3, 4]
    assert rows[1][1]["name"] == "1.5"
    assert rows[2][2] == ["registry.bad_json_line"]


def test_json_refusals(tmp_path: Path) -> None:
    obj = tmp_path / "o.json"
    obj.write_text('{"code": "x"}', encoding="utf-8")
    assert file_error(obj) == ["registry.json_not_array"]
    bad = tmp_path / "b.json"
    bad.write_text("[{", encoding="utf-8")
    assert file_error(bad) == ["registry.bad_json"]
    dup = tmp_path / "d.json"
    dup.write_text('[{"code": "a", "code": "b", "name": "x"}]', encoding="utf-8")
    assert file_error(dup) == ["registry.bad_json"]
    text = tmp_path / "t.json"
    text.write_text("code,name\n", encoding="utf-8")
    assert file_error(text) == ["registry.not_json"]
    empty = tmp_path / "e.json"
    empty.write_text("[]", encoding="utf-8")
    assert file_error(empty) == ["registry.empty_file"]
