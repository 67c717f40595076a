"""``results export --format gsxt``: published results only, as signed."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.engine import Engine

from randcheck.services.results import export, publication
from randcheck.store.models import Entity
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR
from tests.results.world import Drawn, at, import_rows, result_row

OK = "未发现问题"
FOUND = "违反食品药品管理相关规定、发现问题经责令已改正"
HEADER = [
    "任务编号", "任务名称", "检查机关", "企业名称", "统一社会信用代码/注册号", "检查事项",
    "检查完成日期", "检查结果",
]  # fmt: skip
TITLE = "2023年第一批食品经营抽查"  # tests.drawfixtures.definition
AUTHORITY = "测试市市场监督管理局"


def csv_table(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def name(code: str) -> str:
    return f"测试企业{int(code[10:16])}号"


def test_gsxt_export_holds_published_results_as_signed(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, c = drawn.targets
    data, n = export.gsxt(ws, engine, t, "csv")
    assert n == 0 and csv_table(data) == [HEADER]
    rows = [
        result_row(t, b, "G01", "2026-09-29", OK),
        result_row(t, a, "K01", "2026-09-28", FOUND),
        result_row(t, b, "K01", "2026-09-28", OK),
    ]
    import_rows(ws, engine, tmp_path / "1.xlsx", rows, now=at("2026-10-01"))
    assert export.gsxt(ws, engine, t, "csv")[1] == 0  # entered, not published
    publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-12"))
    # entered after the publication: not exported yet
    import_rows(
        ws, engine, tmp_path / "2.xlsx", [result_row(t, c, "K01", "2026-10-10", OK)],
        now=at("2026-10-13"),
    )  # fmt: skip
    data, n = export.gsxt(ws, engine, t, "csv")
    expected = [
        HEADER,
        [t, TITLE, AUTHORITY, name(a), a, "K01 食品经营者监督检查", "2026-09-28",
         "违反食品药品管理相关规定、发现问题经责令已改正"],
        [t, TITLE, AUTHORITY, name(b), b, "K01 食品经营者监督检查", "2026-09-28", OK],
        [t, TITLE, AUTHORITY, name(b), b, "G01 企业公示信息抽查", "2026-09-29", OK],
    ]  # fmt: skip
    assert n == 3 and csv_table(data) == expected
    # a correction entered but not yet signed: the export keeps what was published
    import_rows(
        ws, engine, tmp_path / "3.xlsx", [result_row(t, b, "K01", "2026-09-28", FOUND)],
        correct=True, reason="复核发现记录有误", now=at("2026-10-13"),
    )  # fmt: skip
    assert csv_table(export.gsxt(ws, engine, t, "csv")[0]) == expected
    publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-14"))
    data, n = export.gsxt(ws, engine, t, "csv")
    table = csv_table(data)
    assert n == 4 and len(table) == 5
    assert table[2][7] == "违反食品药品管理相关规定、发现问题经责令已改正"  # corrected, signed
    assert table[4][4:] == [c, "K01 食品经营者监督检查", "2026-10-10", OK]
    # XLSX: the same cells
    xlsx, n2 = export.gsxt(ws, engine, t, "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert n2 == 4 and sheet.title == "抽查检查结果"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == table


def test_gsxt_cells_are_inert_and_the_cli(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t, a = drawn.task, drawn.targets[0]
    import_rows(
        ws, engine, tmp_path / "1.xlsx", [result_row(t, a, "K01", "2026-09-28", OK)],
        now=at("2026-10-01"),
    )  # fmt: skip
    publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-12"))
    with engine.begin() as conn:
        conn.execute(update(Entity.__table__).where(Entity.code == a).values(name="@SUM(1)"))  # type: ignore[arg-type]
    out = tmp_path / "gsxt.xlsx"
    result = cli("results", "export", t, "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).worksheets[0]
    assert sheet["D2"].value == "'@SUM(1)" and sheet["D2"].data_type == "s"
    assert [c.value for c in sheet[1]] == HEADER
    out_csv = tmp_path / "gsxt.csv"
    assert cli("results", "export", t, "--out", str(out_csv)).exit_code == 0
    assert csv_table(out_csv.read_bytes())[1][3] == "'@SUM(1)"
    bad = cli("results", "export", t, "--format", "xml", "--out", str(tmp_path / "x"))
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()
