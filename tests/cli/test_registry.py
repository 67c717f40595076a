"""Registry commands end to end: demo registries from CSV, GBK CSV, XLSX and JSON; list, show,
count, export, edit; every bad-input path leaves the workspace and the database unchanged.
Both languages; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from randcheck import demo_data
from randcheck.io.readers import MAX_FIELD_CHARS
from randcheck.services.registry import SPECS
from randcheck.store.audit_models import AuditEntry
from tests.conftest import Cli

SEED = "cli-seed"


@pytest.fixture
def db(ready_cli: Cli) -> Iterator[Engine]:
    engine = create_engine(ready_cli.db_url)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        out = {
            name: int(conn.execute(select(func.count()).select_from(spec.table)).scalar_one())
            for name, spec in SPECS.items()
        }
        audit = AuditEntry.__table__  # type: ignore[attr-defined]
        out["audit"] = int(conn.execute(select(func.count()).select_from(audit)).scalar_one())
    return out


@pytest.fixture
def demo(tmp_path: Path) -> dict[str, Path]:
    return demo_data.write_demo(tmp_path / "demo", SEED, entities=300, inspectors=20)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def test_demo_registries_from_csv_gbk_xlsx_json_then_list_edit_verify(
    ready_cli: Cli, tmp_path: Path, db: Engine
) -> None:
    paths = demo_data.write_demo(tmp_path / "demo", SEED, entities=10000, inspectors=40)
    assert paths["entities_csv"].stat().st_size > 2 * 1024 * 1024  # exercises the progress bar
    first = ok(ready_cli("entities", "import", str(paths["entities_csv"])))
    assert "10000 added" in first.stderr
    gbk = ok(ready_cli("entities", "import", str(paths["entities_gbk"]), "--json"))
    assert json.loads(gbk.stdout)["unchanged"] == 10000
    ok(ready_cli("inspectors", "import", str(paths["inspectors_xlsx"])))
    ok(ready_cli("items", "import", str(paths["items_json"])))
    ok(ready_cli("conflicts", "import", str(paths["conflicts_csv"])))
    n_conflicts = len(demo_data.conflicts(SEED, 10000, demo_data.inspectors(SEED, 40)))
    assert n_conflicts > 0
    assert counts(db) == {
        "entities": 10000,
        "inspectors": 40,
        "items": 7,
        "conflicts": n_conflicts,
        "audit": 5,
    }

    rows = list(demo_data.iter_entities(SEED, 10000))
    listing = ok(
        ready_cli(
            "entities", "list", "--region", "320583", "--tag", "食品经营", "--limit", "0", "--json"
        )
    )
    got = json.loads(listing.stdout)
    expect = sorted(
        r["code"]
        for r in rows
        if r["region_code"] == "320583" and "食品经营" in r["tags"].split("|")
    )
    assert [g["code"] for g in got] == expect
    assert f"of {len(expect)}" in listing.stderr
    n = json.loads(ok(ready_cli("entities", "count", "--status", "存续", "--json")).stdout)["count"]
    assert n == sum(r["status"] == "存续" for r in rows)
    table = ok(ready_cli("inspectors", "list", "--limit", "5"))
    assert "badge no." in table.stdout and "showing 5 of 40" in table.stderr

    code = rows[0]["code"]
    ok(ready_cli("entities", "set", code, "name=苏州新名称有限公司", "grid=第九网格"))
    shown = json.loads(ok(ready_cli("entities", "show", code, "--json")).stdout)
    assert shown["name"] == "苏州新名称有限公司" and shown["grid"] == "第九网格"
    ok(ready_cli("entities", "deactivate", code, "--reason", "已注销"))
    assert json.loads(ok(ready_cli("entities", "show", code, "--json")).stdout)["active"] is False
    assert counts(db)["audit"] == 7

    verify = ready_cli("log", "verify")
    assert verify.exit_code == 0, verify.stdout + verify.stderr


def test_chinese_messages(ready_cli: Cli, demo: dict[str, Path], tmp_path: Path) -> None:
    result = ok(ready_cli("entities", "import", str(demo["entities_gbk"]), lang="zh"))
    assert "检查对象名录库" in result.stderr and "新增 300" in result.stderr
    table = ok(ready_cli("entities", "list", "--limit", "2", lang="zh"))
    assert "名称" in table.stdout and "共 300 行" in table.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,企业名称\n914403001922038217,华为\n", encoding="utf-8")
    err = ready_cli("entities", "import", str(bad), lang="zh")
    assert err.exit_code == 1
    assert "错误" in err.stderr and "校验码错误" in err.stderr and "第 18 位应为 6" in err.stderr


def test_dry_run_and_replace(
    ready_cli: Cli,
    demo: dict[str, Path],
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    ok(ready_cli("entities", "import", str(demo["entities_csv"])))
    subset = tmp_path / "subset.csv"
    demo_data.write_csv(
        subset,
        demo_data.ENTITY_FIELDS,
        demo_data.ENTITY_FIELDS,
        list(demo_data.iter_entities(SEED, 100)),
    )
    before, before_counts = tree_snapshot(ready_cli.root), counts(db)
    dry = ok(ready_cli("entities", "import", str(subset), "--replace", "--dry-run", "--json"))
    assert json.loads(dry.stdout) | {"sha256": "", "file": ""} == {
        "registry": "entities",
        "file": "",
        "sha256": "",
        "dry_run": True,
        "seq": None,
        "warnings": 0,
        "header_row": 1,
        "skipped_rows": [],
        "ignored_columns": [],
        "unknown_columns": [],
        "rows": 100,
        "added": 0,
        "updated": 0,
        "unchanged": 100,
        "deactivated": 200,
    }
    assert "dry run" in dry.stderr
    assert tree_snapshot(ready_cli.root) == before and counts(db) == before_counts
    ok(ready_cli("entities", "import", str(subset), "--replace"))
    assert counts(db)["entities"] == 300
    assert json.loads(ok(ready_cli("entities", "count", "--json")).stdout)["count"] == 100
    assert json.loads(ok(ready_cli("entities", "count", "--all", "--json")).stdout)["count"] == 300


def test_map_option(ready_cli: Cli, tmp_path: Path, db: Engine) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("单位识别码,单位全称\n914403001922038216,华为技术有限公司\n", encoding="utf-8")
    missing = ready_cli("entities", "import", str(path))
    assert missing.exit_code == 1 and "required column is missing" in missing.stderr
    ok(
        ready_cli(
            "entities", "import", str(path), "--map", "单位识别码=code", "--map", "单位全称=name"
        )
    )
    assert counts(db)["entities"] == 1
    bad = ready_cli("entities", "import", str(path), "--map", "nonsense")
    assert bad.exit_code == 2 and "column=field" in bad.stderr


def test_export_and_public(ready_cli: Cli, demo: dict[str, Path], tmp_path: Path) -> None:
    ok(ready_cli("entities", "import", str(demo["entities_csv"])))
    for ext in (".csv", ".xlsx", ".json"):
        out = tmp_path / f"e{ext}"
        result = ok(ready_cli("entities", "export", str(out), "--public"))
        assert "exported 300 rows" in result.stderr
        assert out.exists()
    assert b"risk_class" not in (tmp_path / "e.csv").read_bytes()
    full = tmp_path / "full.json"
    ok(ready_cli("entities", "export", str(full)))
    assert all("risk_class" in r for r in json.loads(full.read_text("utf-8")))
    refused = ready_cli("entities", "export", str(tmp_path / "e.txt"))
    assert refused.exit_code == 2 and not (tmp_path / "e.txt").exists()


def test_show_unknown_and_bad_edit(
    ready_cli: Cli,
    demo: dict[str, Path],
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    ok(ready_cli("items", "import", str(demo["items_json"])))
    missing = ready_cli("items", "show", "ZZ9")
    assert missing.exit_code == 3 and "ZZ9 is not in items" in missing.stderr
    before, before_counts = tree_snapshot(ready_cli.root), counts(db)
    bad = ready_cli("items", "set", "A07", "ratio_cap=")  # a 一般 item needs a cap
    assert bad.exit_code == 1 and "must have a ratio cap" in bad.stderr
    assert ready_cli("items", "set", "A07", "colour=red").exit_code == 2
    assert ready_cli("items", "set", "A07", "noequals").exit_code == 2
    assert tree_snapshot(ready_cli.root) == before and counts(db) == before_counts
    ok(ready_cli("items", "set", "A07", "ratio_cap=3%"))
    assert (
        json.loads(ok(ready_cli("items", "show", "A07", "--json")).stdout)["ratio_cap"] == "3/100"
    )


# -- every bad-input path: exit 1, a table naming file/row/column/reason, nothing changed ----

GOOD = "914403001922038216"


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx_formula(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["统一社会信用代码", "企业名称"])
    sheet.append([GOOD, '=A2&"公司"'])
    book.save(path)
    return path


def _xlsx_named_csv(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.save(path)
    return path


BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "latin1": (
        lambda d: _csv(d / "latin1.csv", f"code,name\n{GOOD},Café\n", "latin-1"),
        ["latin1.csv", "neither UTF-8 nor GBK"],
    ),
    "utf16": (
        lambda d: _csv(d / "u16.csv", f"code,name\n{GOOD},x\n", "utf-16"),
        ["u16.csv", "UTF-16"],
    ),
    "missing_column": (
        lambda d: _csv(d / "nocol.csv", f"code,status\n{GOOD},存续\n"),
        ["nocol.csv", "name", "required column is missing"],
    ),
    "duplicate_key": (
        lambda d: _csv(d / "dup.csv", f"code,name\n{GOOD},a\n{GOOD.lower()},b\n"),
        ["dup.csv", "3", "duplicate: same key as row 2"],
    ),
    "bad_check": (
        lambda d: _csv(d / "check.csv", "code,name\n914403001922038217,a\n"),
        ["check.csv", "2", "914403001922038217", "position 18 should be 6"],
    ),
    "empty": (lambda d: _csv(d / "empty.csv", ""), ["empty.csv", "empty"]),
    "huge_field": (
        lambda d: _csv(d / "huge.csv", f"code,name\n{GOOD},{'x' * (MAX_FIELD_CHARS + 5)}\n"),
        ["huge.csv", "too long"],
    ),
    "formula": (
        lambda d: _xlsx_formula(d / "formula.xlsx"),
        ["formula.xlsx", "企业名称", "formula cell"],
    ),
    "xlsx_is_csv": (
        lambda d: _csv(d / "fake.xlsx", f"code,name\n{GOOD},x\n"),
        ["fake.xlsx", "not an Excel workbook"],
    ),
    "csv_is_xlsx": (lambda d: _xlsx_named_csv(d / "zip.csv"), ["zip.csv", "zip archive"]),
    "bad_date": (
        lambda d: _csv(d / "date.csv", f"code,name,risk_as_of\n{GOOD},x,2025-13-01\n"),
        ["date.csv", "risk_as_of", "invalid date"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_changes_nothing(
    case: str,
    ready_cli: Cli,
    demo: dict[str, Path],
    tmp_path: Path,
    db: Engine,
    tree_snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    ok(ready_cli("entities", "import", str(demo["entities_csv"])))
    make, needles = BAD_INPUTS[case]
    path = make(tmp_path)
    before, before_counts = tree_snapshot(ready_cli.root), counts(db)
    result = ready_cli("entities", "import", str(path))
    assert result.exit_code == 1, result.stderr
    assert "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    assert tree_snapshot(ready_cli.root) == before
    assert counts(db) == before_counts


def test_bad_input_on_a_fresh_workspace_creates_nothing(
    ready_cli: Cli, tmp_path: Path, db: Engine, tree_snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    before = tree_snapshot(ready_cli.root)
    result = ready_cli(
        "entities", "import", str(_csv(tmp_path / "c.csv", "code,name\n914403001922038217,a\n"))
    )
    assert result.exit_code == 1
    assert tree_snapshot(ready_cli.root) == before
    assert counts(db) == {"entities": 0, "inspectors": 0, "items": 0, "conflicts": 0, "audit": 0}


def test_every_bad_row_listed(ready_cli: Cli, tmp_path: Path) -> None:
    rows = "\n".join(f"{GOOD[:17]}{c},x" for c in "0123457")  # 6 is the right check char
    path = _csv(tmp_path / "many.csv", "code,name\n" + rows + "\n")
    result = ready_cli("entities", "import", str(path))
    assert result.exit_code == 1
    assert "has 7 bad values" in result.stderr
    for row in range(2, 9):
        assert f"│ {row} " in result.stderr


def test_help_for_every_registry_command(cli: Cli) -> None:
    for group in SPECS:
        result = cli(group, "--help")
        assert result.exit_code == 0
        for command in ("import", "list", "show", "count", "export", "set", "deactivate"):
            assert command in result.stdout
    assert "--region" in cli("entities", "list", "--help").stdout
    assert "--specialty" in cli("inspectors", "count", "--help").stdout
