"""Clean text at the door, end to end (CLI and service, SQLite and PostgreSQL): bad text in any
import, edit or task definition is refused with exit 1 and the workspace exactly as it was;
line breaks are stored as one space; exports for people are inert and import back exactly;
deep JSON/TOML is refused cleanly, naming the file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from randcheck import demo_data
from randcheck.catalog import render
from randcheck.errors import InputError
from randcheck.services import registry as reg
from randcheck.store.audit_models import AuditEntry
from randcheck.store.draw_models import TaskRow
from tests.conftest import Cli
from tests.drawfixtures import definition, write_def

SEED = "clean-text"
CODE = "914403001922038216"
CODE2 = "9144030071526726XG"

#: (character, the label the error table shows); C1: U+0085 is a line break, so U+0090
BAD = {
    "nul": ("\x00", "U+0000"),
    "c0": ("\x1b", "U+001B"),
    "c1": ("\x90", "U+0090"),
    "rlo": ("\u202e", "U+202E"),
    "zwsp": ("\u200b", "U+200B"),
}
DANGEROUS = ['=HYPERLINK("http://evil.example/","x")', "+1", "-x", "@a", "'=b"]


@pytest.fixture
def db(ready_cli: Cli) -> Iterator[Engine]:
    engine = create_engine(ready_cli.db_url)
    yield engine
    engine.dispose()


def state(engine: Engine) -> dict[str, Any]:
    """Row counts of every registry, the audit log and tasks, and the registries' content."""
    with engine.connect() as conn:
        out: dict[str, Any] = {
            name: int(conn.execute(select(func.count()).select_from(spec.table)).scalar_one())
            for name, spec in reg.SPECS.items()
        }
        audit = AuditEntry.__table__  # type: ignore[attr-defined]
        tasks = TaskRow.__table__  # type: ignore[attr-defined]
        for table in (audit, tasks):
            out[table.name] = int(
                conn.execute(select(func.count()).select_from(table)).scalar_one()
            )
        out["digests"] = reg.state_digests(conn)
    return out


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def refused(result: Any, *needles: str) -> None:
    """Exit 1, no traceback (a crash would leave an exception other than SystemExit)."""
    out = result.stdout + result.stderr
    assert result.exit_code == 1, out
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def entities(n: int, start: int = 0) -> list[dict[str, str]]:
    return [demo_data.entity(SEED, i) for i in range(start, start + n)]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def xlsx_cell(text: str) -> str:
    """``text`` as an XLSX cell holds it: C0 controls as Excel's ``_xHHHH_`` escape."""
    return "".join(f"_x{ord(c):04X}_" if c < " " else c for c in text)


@pytest.fixture
def loaded(ready_cli: Cli, tmp_path: Path) -> Cli:
    """A workspace with 20 entities already imported (so that 'unchanged' means something)."""
    ok(ready_cli("entities", "import", str(write_csv(tmp_path / "base.csv", entities(20)))))
    return ready_cli


# -- every kind of bad text, CSV and XLSX: refused, named, nothing changed ------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", sorted(BAD))
def test_import_refuses_bad_text_and_changes_nothing(
    kind: str,
    fmt: str,
    loaded: Cli,
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    ch, label = BAD[kind]
    rows = entities(6, start=10)  # 10 already stored (changed here) and 6 new ones
    for r in rows:
        r["name"] += "（新）"
    rows[4]["name"] = f"某某{ch}有限公司"
    if fmt == "csv":
        path = write_csv(tmp_path / "bad.csv", rows)
    else:
        fields = list(demo_data.ENTITY_FIELDS)
        cells = [[xlsx_cell(r[f]) if f == "name" else r[f] for f in fields] for r in rows]
        path = write_xlsx(tmp_path / "bad.xlsx", fields, cells)
    before, before_state = tree_snapshot(loaded.root), state(db)
    result = loaded("entities", "import", str(path))
    refused(result, path.name, "has 1 bad values", "nothing was changed", "│ 6 ", "name", label)
    assert f"某某<{label}>有限公司" in result.stderr  # shown visibly
    assert ch not in result.stderr
    assert tree_snapshot(loaded.root) == before
    assert state(db) == before_state


REGISTRY_CASES = {
    "inspectors": ("badge_no,name\nA001,张三\nA002,李\u202e四\n", "name"),
    "items": (
        "code,name,legal_basis,item_type\nK01,食品\u200b经营,《食品安全法》,重点\n",
        "name",
    ),
    "conflicts": (f"badge_no,entity_code,relation\nA001,{CODE},近亲\x07属\n", "relation"),
}


@pytest.mark.parametrize("registry", sorted(REGISTRY_CASES))
def test_every_registry_refuses_bad_text(
    registry: str,
    ready_cli: Cli,
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    text, column = REGISTRY_CASES[registry]
    path = tmp_path / f"{registry}.csv"
    path.write_text(text, encoding="utf-8")
    before, before_state = tree_snapshot(ready_cli.root), state(db)
    refused(ready_cli(registry, "import", str(path)), path.name, column, "nothing was changed")
    assert tree_snapshot(ready_cli.root) == before and state(db) == before_state


def test_chinese_error_table(loaded: Cli, tmp_path: Path) -> None:
    rows = entities(1, start=30)
    rows[0]["name"] = "甲\u202e乙"
    result = loaded("entities", "import", str(write_csv(tmp_path / "zh.csv", rows)), lang="zh")
    refused(result, "zh.csv", "文字方向控制字符", "U+202E", "未做任何更改")


# -- line breaks ---------------------------------------------------------------------------


def test_crlf_inside_a_value_is_stored_as_one_space(
    ready_cli: Cli, tmp_path: Path, engine: Engine
) -> None:
    rows = entities(2)
    rows[0]["name"] = "第一行\r\n第二行"
    rows[0]["tags"] = "甲\r\n乙"  # a list: the line break separates items
    path = write_csv(tmp_path / "crlf.csv", rows)
    assert b'"\xe7\xac\xac\xe4\xb8\x80\xe8\xa1\x8c\r\n' in path.read_bytes()  # quoted, raw CR LF
    ok(ready_cli("entities", "import", str(path)))
    fields = list(demo_data.ENTITY_FIELDS)
    sheet_rows = [[r[f] for f in fields] for r in entities(2, start=2)]
    sheet_rows[1][fields.index("name")] = "上\r\n下"
    sheet_rows[1][fields.index("status")] = "存\n续"
    ok(ready_cli("entities", "import", str(write_xlsx(tmp_path / "crlf.xlsx", fields, sheet_rows))))
    with engine.connect() as conn:
        first = reg.get_row(conn, "entities", rows[0]["code"])
        assert first["name"] == "第一行 第二行"
        assert first["tags"] == ["乙", "甲"]
        from_sheet = reg.get_row(conn, "entities", sheet_rows[1][0])
        assert from_sheet["name"] == "上 下" and from_sheet["status"] == "存 续"


# -- exports for people are inert, and import back exactly ----------------------------------


@pytest.fixture
def dangerous(ready_cli: Cli, tmp_path: Path) -> list[dict[str, str]]:
    rows = entities(len(DANGEROUS) + 1)
    for r, name in zip(rows, DANGEROUS, strict=False):
        r["name"] = name
    rows[0]["status"] = "-注销"
    path = tmp_path / "dangerous.json"  # JSON: the values exactly as written
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    ok(ready_cli("entities", "import", str(path)))
    return rows


def names(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r["code"]: r["name"] for r in reg.iter_entities(conn, include_inactive=True)}


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".json"])
def test_export_import_round_trips_exactly(
    ext: str,
    ready_cli: Cli,
    dangerous: list[dict[str, str]],
    tmp_path: Path,
    engine: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    stored = names(engine)
    assert sorted(stored.values()) == sorted(r["name"] for r in dangerous)
    out = tmp_path / f"export{ext}"
    ok(ready_cli("entities", "export", str(out)))
    # the stored rows are exactly what the export gives back: nothing updated
    result = ok(ready_cli("entities", "import", str(out), "--json"))
    counts = json.loads(result.stdout)
    assert counts["unchanged"] == len(dangerous) and counts["updated"] == counts["added"] == 0
    assert names(engine) == stored
    # and into an empty workspace: the same values
    other = tmp_path / "other"
    fresh = Cli(other, f"sqlite:///{other / 'db' / 'r.sqlite'}")
    ok(fresh("init", "--bureau", "测试局", "--region", "320500"))
    ok(fresh("entities", "import", str(out)))
    fresh_engine = create_engine(fresh.db_url)
    try:
        assert names(fresh_engine) == stored
    finally:
        fresh_engine.dispose()


def test_exported_csv_cells_start_with_an_apostrophe(
    ready_cli: Cli, dangerous: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "e.csv"
    ok(ready_cli("entities", "export", str(out)))
    text = out.read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    by_code = {r["code"]: r for r in table}
    for r in dangerous[: len(DANGEROUS)]:
        assert by_code[r["code"]]["name"] == "'" + r["name"]
    assert by_code[dangerous[0]["code"]]["status"] == "'-注销"
    plain = dangerous[-1]
    assert by_code[plain["code"]]["name"] == plain["name"]  # nothing added to ordinary text
    # no cell anywhere starts with a formula trigger
    assert not [v for row in table for v in row.values() if v.startswith(tuple("=+-@\t\r"))]


def test_exported_xlsx_has_no_formula_cell(
    ready_cli: Cli, dangerous: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "e.xlsx"
    ok(ready_cli("entities", "export", str(out)))
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(z.read(n).decode("utf-8") for n in sheets)
    assert sheets and "<f>" not in xml and "<f " not in xml
    book = openpyxl.load_workbook(out)
    try:
        sheet = book.worksheets[0]
        header = [c.value for c in sheet[1]]
        col = header.index("name") + 1
        cells = {
            sheet.cell(row=i, column=1).value: sheet.cell(row=i, column=col)
            for i in range(2, sheet.max_row + 1)
        }
        for r in dangerous[: len(DANGEROUS)]:
            cell = cells[r["code"]]
            assert cell.data_type == "s" and cell.value == "'" + r["name"]
    finally:
        book.close()


def test_json_export_keeps_raw_values(
    ready_cli: Cli, dangerous: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "e.json"
    ok(ready_cli("entities", "export", str(out)))
    exported = {r["code"]: r["name"] for r in json.loads(out.read_text("utf-8"))}
    assert {r["code"]: r["name"] for r in dangerous} == exported
    help_text = " ".join(ok(ready_cli("entities", "export", "--help")).stdout.split())
    assert "JSON" in help_text  # the help says which export is for whom (in either language)
    assert "JSON is for other systems" in render("registry.export.help", "en")


# -- edits ---------------------------------------------------------------------------------


def test_set_and_deactivate_refuse_bad_text(
    loaded: Cli,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    code = demo_data.entity(SEED, 0)["code"]
    before, before_state = tree_snapshot(loaded.root), state(db)
    refused(loaded("entities", "set", code, "name=甲\u202e乙"), "U+202E", "nothing was changed")
    refused(loaded("entities", "deactivate", code, "--reason", "注销\x00"), "U+0000")
    assert tree_snapshot(loaded.root) == before and state(db) == before_state
    ok(loaded("entities", "set", code, "name=新\n名称"))
    with db.connect() as conn:
        assert reg.get_row(conn, "entities", code)["name"] == "新 名称"


# -- bounded JSON and TOML -----------------------------------------------------------------


def test_deep_json_import_is_refused_naming_the_file(
    loaded: Cli,
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    before, before_state = tree_snapshot(loaded.root), state(db)
    refused(loaded("entities", "import", str(deep)), "deep.json", "64 levels")
    refused(loaded("entities", "import", str(lines)), "deep.jsonl", "64 levels")
    assert tree_snapshot(loaded.root) == before and state(db) == before_state


@pytest.mark.parametrize("name", ["deep.toml", "deep.json", "deep_table.toml"])
def test_deep_task_definition_is_refused_naming_the_file(
    name: str,
    ready_cli: Cli,
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    path = tmp_path / name
    if name == "deep.toml":
        path.write_text("title = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    elif name == "deep.json":
        path.write_text('{"title": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    else:  # dotted table names nest without recursion in the parser
        path.write_text("[" + ".".join(["a"] * 200) + "]\nx = 1\n", encoding="utf-8")
    before, before_state = tree_snapshot(ready_cli.root), state(db)
    refused(ready_cli("task", "create", str(path)), name, "64 levels")
    assert tree_snapshot(ready_cli.root) == before and state(db) == before_state


@pytest.mark.parametrize(
    ("over", "field", "label"),
    [
        ({"title": "抽查\u202e公告"}, "title", "U+202E"),
        ({"witnesses": ["王五", "赵\u200b六"]}, "witnesses[1]", "U+200B"),
        ({"departments": ["食品\x00科"]}, "departments[0]", "U+0000"),
        (
            {"entropy": {"dice": [{"witness": "张\x1b三", "count": 5, "faces": 6}]}},
            "entropy.dice[0].witness",
            "U+001B",
        ),
    ],
)
def test_task_create_refuses_bad_text(
    over: dict[str, Any],
    field: str,
    label: str,
    ready_cli: Cli,
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    path = write_def(tmp_path / "defs" / "t.json", definition(**over))
    before, before_state = tree_snapshot(ready_cli.root), state(db)
    refused(ready_cli("task", "create", str(path)), "t.json", field, label)
    assert tree_snapshot(ready_cli.root) == before and state(db) == before_state


def test_service_error_rows_name_the_character(
    tmp_path: Path, engine: Engine, ws_root: Path
) -> None:
    from randcheck.workspace import init_workspace

    ws = init_workspace(ws_root, "测试局", "320500")[0]
    path = tmp_path / "s.csv"
    path.write_text(f"code,name\n{CODE},ok\n{CODE2},x\u2066y\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        reg.import_file(engine, ws, "entities", path, actor="t")
    assert [(r.file, r.row, r.column, r.value, r.code, r.params) for r in info.value.rows] == [
        ("s.csv", 3, "name", "x<U+2066>y", "text.bidi", {"char": "U+2066 LEFT-TO-RIGHT ISOLATE"})
    ]
    with engine.connect() as conn:
        assert reg.count_rows(conn, "entities") == 0


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_text_stored_before_the_rule_is_exported_visibly(
    ext: str, loaded: Cli, tmp_path: Path, db: Engine
) -> None:
    from sqlalchemy import update

    code = demo_data.entity(SEED, 3)["code"]
    table = reg.ENTITIES.table
    # as an older version could have stored it (not NUL: PostgreSQL refuses that itself)
    with db.begin() as conn:
        conn.execute(update(table).where(table.c.code == code).values(name="旧\x01名\u202e称"))
    out = tmp_path / f"legacy{ext}"
    ok(loaded("entities", "export", str(out)))  # openpyxl would refuse a raw NUL: no crash
    if ext == ".csv":
        text = out.read_bytes().decode("utf-8-sig")
    else:
        book = openpyxl.load_workbook(out, read_only=True)
        try:
            text = "\n".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row)
        finally:
            book.close()
    assert "旧<U+0001>名<U+202E>称" in text and "\u202e" not in text
    json_out = tmp_path / "legacy.json"  # for machines: as stored
    ok(loaded("entities", "export", str(json_out)))
    by_code = {r["code"]: r["name"] for r in json.loads(json_out.read_text("utf-8"))}
    assert by_code[code] == "旧\x01名\u202e称"
