"""``results template``: the entry sheet of a task's current record (XLSX and CSV)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.engine import Engine

from randcheck.core.draw import envelope
from randcheck.core.vocabulary import shipped
from randcheck.services import substitutions
from randcheck.services.results import entry
from randcheck.store.models import Entity
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR
from tests.results.world import Drawn, at

ZH = [
    "序号", "任务编号", "统一社会信用代码", "名称", "抽查事项", "检查组", "检查完成日期",
    "检查结果", "发现问题及处置", "后续处置", "备注", "超出检查时间说明",
]  # fmt: skip
EN = [
    "No.", "Task", "Credit code", "Name", "Inspection item", "Inspection team",
    "Completion date", "Result", "Problems found and action", "Follow-up", "Note",
    "Reason outside the inspection window",
]  # fmt: skip
ITEMS = {"K01": "K01 食品经营者监督检查", "G01": "G01 企业公示信息抽查"}


def sheet_rows(data: bytes) -> tuple[Any, list[list[Any]]]:
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    return wb, [[c.value for c in row] for row in sheet.iter_rows()]


def team_cell(badges: list[str]) -> str:
    return ";".join(f"检查员{b}({b})" for b in badges)


def test_xlsx_rows_header_and_vocabulary_drop_down(
    ws: Workspace, engine: Engine, drawn: Drawn
) -> None:
    data = entry.template(engine, ws, drawn.task, "zh", "xlsx")
    wb, rows = sheet_rows(data)
    assert wb.sheetnames == ["检查结果", "检查结果用语"]
    assert rows[0] == ZH
    expected = [
        [str(n), drawn.task, code, f"测试企业{int(code[10:16])}号", ITEMS[item],
         team_cell(drawn.team(code))]
        for n, (code, item) in enumerate(
            ((c, i) for c in drawn.targets for i in ("K01", "G01")), start=1
        )
    ]  # fmt: skip
    assert [r[:6] for r in rows[1:]] == expected
    assert all(v is None for r in rows[1:] for v in r[6:])  # nothing entered yet
    # the result column has a drop-down of the vocabulary's texts (another sheet)
    sheet = wb.worksheets[0]
    (dv,) = sheet.data_validations.dataValidation
    n = len(shipped().terms)
    assert dv.type == "list" and dv.formula1 == f"'检查结果用语'!$A$1:$A${n}"
    assert str(dv.sqref) == f"H2:H{len(rows)}"
    assert sheet["H1"].value == "检查结果"
    terms = [r[0].value for r in wb["检查结果用语"].iter_rows()]
    assert terms == [t.text for t in shipped().terms]
    # every cell is text, the date column formatted as text too
    assert all(c.data_type == "s" for row in sheet.iter_rows(max_col=6) for c in row)
    assert sheet["G2"].number_format == "@"


def test_english_headers_and_csv_with_bom(ws: Workspace, engine: Engine, drawn: Drawn) -> None:
    _, rows = sheet_rows(entry.template(engine, ws, drawn.task, "en", "xlsx"))
    assert rows[0] == EN
    raw = entry.template(engine, ws, drawn.task, "zh", "csv")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert table[0] == ZH
    assert len(table) == 1 + 2 * len(drawn.targets)
    assert [r[2] for r in table[1:]] == [c for c in drawn.targets for _ in range(2)]
    assert all(len(r) == len(ZH) for r in table)


def test_team_column_follows_substitutions(ws: Workspace, engine: Engine, drawn: Drawn) -> None:
    gone = drawn.targets[0]
    add = substitutions.substitute(
        ws, engine, drawn.task, target=gone, inspector=None, reason="名录数据重复登记",
        operator=OPERATOR, actor="tester", now=at("2026-09-02"),
    )  # fmt: skip
    doc = envelope.open_envelope(add.envelope, "addendum").doc
    new = doc["replacement"]["code"]
    new_team = [m["id"] for m in doc["team"]]
    # and an inspector of another target recused: that target's team changes too
    other = drawn.targets[1]
    left = drawn.team(other)[0]
    add2 = substitutions.substitute(
        ws, engine, drawn.task, target=other, inspector=left, reason="企业申请回避",
        operator=OPERATOR, actor="tester", now=at("2026-09-02"),
    )  # fmt: skip
    other_team = [m["id"] for m in envelope.open_envelope(add2.envelope, "addendum").doc["team"]]
    assert left not in other_team
    _, rows = sheet_rows(entry.template(engine, ws, drawn.task, "zh", "xlsx"))
    codes = [r[2] for r in rows[1:]]
    assert gone not in codes
    # publish order: the drawn ones by rank, the replacement last
    assert codes == [c for c in [*drawn.targets[1:], new] for _ in range(2)]
    teams = {r[2]: r[5] for r in rows[1:]}
    assert teams[new] == team_cell(new_team)
    assert teams[other] == team_cell(other_team)
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(rows))]


def test_cells_are_inert(ws: Workspace, engine: Engine, drawn: Drawn) -> None:
    code = drawn.targets[0]
    evil = '=HYPERLINK("http://example.invalid","x")'
    with engine.begin() as conn:
        conn.execute(update(Entity.__table__).where(Entity.code == code).values(name=evil))  # type: ignore[arg-type]
    wb, rows = sheet_rows(entry.template(engine, ws, drawn.task, "zh", "xlsx"))
    names = {r[2]: r[3] for r in rows[1:]}
    assert names[code] == "'" + evil
    sheet = wb.worksheets[0]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    raw = entry.template(engine, ws, drawn.task, "zh", "csv")
    table = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert {r[3] for r in table[1:] if r[2] == code} == {"'" + evil}


def test_cli_template(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    out = tmp_path / "sheet.xlsx"
    result = cli("results", "template", drawn.task, "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sheet_rows(out.read_bytes())[1][0] == EN
    out_csv = tmp_path / "sheet.csv"  # the suffix chooses CSV
    result = cli("results", "template", drawn.task, "--out", str(out_csv), lang="zh")
    assert result.exit_code == 0, result.output
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7")  # BOM 序号
    missing = cli("results", "template", "NOPE", "--out", str(tmp_path / "x.xlsx"))
    assert missing.exit_code == 3
    assert not (tmp_path / "x.xlsx").exists()
