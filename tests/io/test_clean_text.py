"""Clean text at the door, reader level: every format refuses control, bidirectional and
invisible characters with the row, column and character; line breaks become one space (list
fields: separators); CSV/XLSX lose the inert-cell prefix; JSON nesting is bounded before the
parser runs, whatever the interpreter's recursion limit."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.bundle.table import inert
from randcheck.core.canonical import json_nesting_ok
from randcheck.core.text import BREAKS, problem, shown, visible
from randcheck.errors import InputError, RowError
from randcheck.io.readers import MAX_DEPTH, RowReader, sniff_kind
from randcheck.services.registry import ENTITIES

ALIASES = ENTITIES.aliases()
REQUIRED = [list(g) for g in ENTITIES.required_columns]
LISTS = [f.name for f in ENTITIES.fields if f.kind == "list"]
CODE = "914403001922038216"
CODE2 = "9144030071526726XG"

#: one character of each kind the door refuses: (char, catalog code, label)
BAD = {
    "nul": ("\x00", "text.control", "U+0000"),
    "c0": ("\x07", "text.control", "U+0007"),
    "tab": ("\t", "text.control", "U+0009"),
    "del": ("\x7f", "text.control", "U+007F"),
    "c1": ("\x90", "text.control", "U+0090"),
    "rlo": ("\u202e", "text.bidi", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "zwsp": ("\u200b", "text.invisible", "U+200B ZERO WIDTH SPACE"),
}


def read(path: Path) -> list[tuple[int, dict[str, str], list[RowError]]]:
    reader = RowReader(path, ALIASES, REQUIRED, keep_breaks=LISTS)
    return [(r.row, r.values, r.errors) for r in reader]


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def xlsx_text(ch: str) -> str:
    """How an XLSX cell holds ``ch``: XML 1.0 cannot hold most C0 controls, so Excel writes
    them as the OOXML escape ``_xHHHH_`` (openpyxl refuses the raw character)."""
    if ch < " " and ch not in "\t\n\r":
        return f"_x{ord(ch):04X}_"
    return ch


# -- the fast path's premise ---------------------------------------------------------------


def test_every_character_the_rule_acts_on_is_not_printable() -> None:
    # the readers skip a row whose joined values are str.isprintable(): sound only if every
    # character that problem() refuses or one_line() replaces is non-printable to Python
    everything = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000)
    refused = {int(h, 16) for h in re.findall(r"<U\+([0-9A-F]{4,6})>", visible(everything))}
    breaks = {ord(m.group(0)[-1]) for m in BREAKS.finditer(everything)}
    assert {0x00, 0x09, 0x7F, 0x90, 0x202E, 0x200B, 0xFEFF} <= refused
    assert {0x0A, 0x0D, 0x85, 0x2028} <= breaks
    assert [hex(cp) for cp in sorted(refused | breaks) if chr(cp).isprintable()] == []
    assert all(problem(chr(cp)) is not None for cp in refused)


# -- refusals, every format ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_refuses_bad_text_naming_row_column_char(
    kind: str, encoding: str, tmp_path: Path
) -> None:
    ch, code, label = BAD[kind]
    p = csv_file(tmp_path / "e.csv", f'code,企业名称\n{CODE},ok\n{CODE2},"前{ch}后"\n', encoding)
    rows = read(p)
    assert rows[0][2] == []
    (err,) = rows[1][2]
    assert (err.file, err.row, err.column, err.code) == ("e.csv", 3, "企业名称", code)
    assert err.params == {"char": label}
    assert err.value == f"前<U+{ord(ch):04X}>后"  # shown visibly, never the raw character
    assert ch not in err.value


@pytest.mark.parametrize("kind", sorted(BAD))
def test_xlsx_refuses_bad_text_naming_row_column_char(kind: str, tmp_path: Path) -> None:
    ch, code, label = BAD[kind]
    p = xlsx_file(
        tmp_path / "e.xlsx", [["code", "name"], [CODE, "ok"], [CODE2, f"a{xlsx_text(ch)}b"]]
    )
    rows = read(p)
    assert rows[0][2] == []
    (err,) = rows[1][2]
    assert (err.file, err.row, err.column, err.code) == ("e.xlsx", 3, "name", code)
    assert err.params == {"char": label}
    assert err.value == f"a<U+{ord(ch):04X}>b"


@pytest.mark.parametrize("kind", sorted(BAD))
def test_json_and_jsonl_refuse_bad_text(kind: str, tmp_path: Path) -> None:
    ch, code, _label = BAD[kind]
    data = [{"code": CODE, "name": "ok"}, {"code": CODE2, "name": f"x{ch}"}]
    p = tmp_path / "e.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    assert [(r[0], [e.code for e in r[2]]) for r in read(p)] == [(1, []), (2, [code])]
    lines = tmp_path / "e.jsonl"
    lines.write_text("\n".join(json.dumps(d) for d in data) + "\n", encoding="utf-8")
    assert [(r[0], [e.code for e in r[2]]) for r in read(lines)] == [(1, []), (2, [code])]


def test_a_bad_character_in_a_list_item_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "e.json"
    p.write_text(json.dumps([{"code": CODE, "name": "x", "tags": ["a", "b\u202e"]}]), "utf-8")
    ((_row, _values, errors),) = read(p)
    assert [(e.column, e.code) for e in errors] == [("tags", "text.bidi")]


def test_a_stray_nul_in_csv_text_is_a_row_error_not_a_binary_file(tmp_path: Path) -> None:
    p = csv_file(tmp_path / "e.csv", f"code,name\n{CODE},a\x00b\n")
    assert sniff_kind(p) == "text"
    ((_row, _values, errors),) = read(p)
    assert [(e.row, e.column, e.code, e.value) for e in errors] == [
        (2, "name", "text.control", "a<U+0000>b")
    ]
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"code,name\n" + bytes(range(256)))
    assert sniff_kind(binary) == "binary"


def test_shown_value_is_around_the_character_and_bounded() -> None:
    value = "长" * 100 + "\u202e" + "尾" * 100
    text = shown(value, "U+202E RIGHT-TO-LEFT OVERRIDE")
    assert "<U+202E>" in text and len(text) <= 60 and text.startswith("…")
    assert "\u202e" not in shown(value)


# -- line breaks and the inert prefix -----------------------------------------------------


def test_crlf_inside_a_quoted_csv_value_is_one_space(tmp_path: Path) -> None:
    p = csv_file(
        tmp_path / "e.csv",
        f'code,name,status,tags\r\n{CODE},"第一行\r\n第二行","a\nb\rc\u2028d","甲\r\n乙"\r\n',
    )
    ((_row, values, errors),) = read(p)
    assert errors == []
    assert values["name"] == "第一行 第二行"
    assert values["status"] == "a b c d"
    assert values["tags"] == "甲\r\n乙"  # a list field: the break separates items (service)


def test_crlf_inside_an_xlsx_cell_is_one_space(tmp_path: Path) -> None:
    p = xlsx_file(
        tmp_path / "e.xlsx",
        [["code", "name", "status"], [CODE, "第一行\r\n第二行", "a_x000D_\nb"]],
    )
    ((_row, values, errors),) = read(p)
    assert errors == []
    assert values["name"] == "第一行 第二行" and values["status"] == "a b"


def test_other_ooxml_escapes_are_left_as_written(tmp_path: Path) -> None:
    p = xlsx_file(tmp_path / "e.xlsx", [["code", "name"], [CODE, "_x0041_ and _x4E2D_"]])
    assert read(p)[0][1]["name"] == "_x0041_ and _x4E2D_"


NAMES = ['=HYPERLINK("http://evil.example/","x")', "+1", "-x", "@a", "'=b", "'plain", "a'=b"]


def test_csv_and_xlsx_lose_the_inert_prefix_json_keeps_it(tmp_path: Path) -> None:
    cells = [inert(n) for n in NAMES]
    assert cells == ["'" + NAMES[0], "'+1", "'-x", "'@a", "''=b", "''plain", "a'=b"]
    codes = [f"{CODE[:-1]}{i}" for i in range(len(NAMES))]  # check digits do not matter here
    csv_text = "code,name\n" + "".join(
        f'{c},"{v.replace(chr(34), chr(34) * 2)}"\n' for c, v in zip(codes, cells, strict=True)
    )
    p = csv_file(tmp_path / "e.csv", csv_text)
    assert [r[1]["name"] for r in read(p)] == NAMES
    x = xlsx_file(
        tmp_path / "e.xlsx",
        [["code", "name"], *([c, v] for c, v in zip(codes, cells, strict=True))],
    )
    assert [r[1]["name"] for r in read(x)] == NAMES
    j = tmp_path / "e.json"
    j.write_text(
        json.dumps([{"code": c, "name": v} for c, v in zip(codes, cells, strict=True)]), "utf-8"
    )
    assert [r[1]["name"] for r in read(j)] == cells


def test_a_person_written_apostrophe_prefix_is_taken_as_the_text_marker(tmp_path: Path) -> None:
    # the price of the round trip: in CSV/XLSX, ' before = + - @ ' is the "this is text"
    # marker (as in a spreadsheet) and is dropped; before anything else it stays
    p = csv_file(
        tmp_path / "e.csv",
        f"code,name\n{CODE},'=b\n{CODE2},'plain\n91320508MA000CT715,''x\n",
    )
    assert [r[1]["name"] for r in read(p)] == ["=b", "'plain", "'x"]


# -- bounded JSON ----------------------------------------------------------------------------


def _json_depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_json_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_json_depth(v) for v in value.values()), default=0)
    return 0


_TRICKY = st.text(alphabet='[]{}"\\\n aé中', max_size=6)
_JSON = st.recursive(
    st.none() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=30,
)


@given(_JSON, st.booleans(), st.integers(min_value=0, max_value=12))
def test_json_nesting_is_measured_exactly_on_the_text(
    value: object, ascii_only: bool, limit: int
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    expected = _json_depth(value) <= limit
    assert json_nesting_ok(text, limit) is expected
    assert json_nesting_ok(text.encode("utf-8"), limit) is expected


@pytest.fixture
def high_recursion_limit() -> Iterator[None]:
    """What a library that raises the limit (py_ecc: 100,000) does to the process: the C JSON
    parser then overflows the C stack on deep input instead of raising RecursionError."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 1_000_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.usefixtures("high_recursion_limit")
def test_deep_json_is_refused_before_parsing(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(deep)
    assert [(r.file, r.code, r.params) for r in info.value.rows] == [
        ("deep.json", "registry.too_deep", {"limit": MAX_DEPTH})
    ]
    assert info.value.params["file"] == "deep.json"
    ok = tmp_path / "ok.json"  # at the limit: read (and then refused as not an array of objects)
    ok.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(ok)
    assert info.value.rows[0].code != "registry.too_deep"


@pytest.mark.usefixtures("high_recursion_limit")
def test_deep_jsonl_line_is_a_row_error(tmp_path: Path) -> None:
    lines = tmp_path / "deep.jsonl"
    lines.write_text(
        f'{{"code": "{CODE}", "name": "a"}}\n' + "{" + '"a":{' * 100_000 + "}" * 100_001 + "\n",
        encoding="utf-8",
    )
    rows = read(lines)
    assert [e.code for e in rows[0][2]] == []
    assert [(e.file, e.row, e.code) for e in rows[1][2]] == [("deep.jsonl", 2, "registry.too_deep")]


def test_deep_gbk_json_is_measured_on_its_text(tmp_path: Path) -> None:
    # in GB18030 a second byte can be "[" or "{": measured on the bytes, these 70 characters
    # would look like 70 unclosed brackets; the depth is measured on the decoded text
    chars = [c for c in map(chr, range(0x4E00, 0x9FA6)) if b"[" in c.encode("gb18030")][:70]
    name = "".join(chars)
    assert len(chars) == 70
    p = tmp_path / "g.json"
    p.write_bytes(json.dumps([{"code": CODE, "name": name}], ensure_ascii=False).encode("gb18030"))
    assert read(p)[0][1]["name"] == name
