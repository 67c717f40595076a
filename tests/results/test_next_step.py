"""The refusals of ``results`` and ``publish`` say what to do next, in both languages (issue 12:
every message with a next step), checked through the commands that print them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.services import keys
from randcheck.services.audit import AuditLog
from randcheck.workspace import Workspace
from tests.results.world import Drawn, result_row, rows_file, state

OK = "未发现问题"
PW = "office-passphrase"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "--on is not a date: 2026-13-45 (write YYYY-MM-DD, e.g. 2026-03-31)"),
     ("zh", "--on 的日期无效：2026-13-45（请写成 YYYY-MM-DD，例如 2026-03-31）")],
)  # fmt: skip
def test_due_with_a_bad_date_shows_the_form(cli: Any, drawn: Drawn, lang: str, words: str) -> None:
    res = cli("results", "due", "--on", "2026-13-45", lang=lang)
    assert res.exit_code == 2, res.output
    assert words in flat(res.stderr)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "add --correct to correct published results, or leave --reason out"),
     ("zh", "更正已公示的结果请加 --correct，否则去掉 --reason")],
)  # fmt: skip
def test_reason_without_correct(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path, lang: str, words: str
) -> None:
    path = rows_file(tmp_path / "r.xlsx", [result_row("T26", drawn.targets[0], "K01", "2026-09-20", OK)])
    before = state(ws, engine)
    res = cli("results", "import", str(path), "--reason", "x", lang=lang)
    assert res.exit_code == 2 and words in flat(res.stderr), res.output
    assert state(ws, engine) == before


@pytest.mark.parametrize(
    ("lang", "head", "row"),
    [("en", "Correct the rows listed below and import the whole file again",
      "keep only one of the two rows"),
     ("zh", "请按下表改正这些行后重新导入整个文件", "只保留其中一行")],
)  # fmt: skip
def test_bad_rows_say_fix_and_import_again(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path,
    lang: str, head: str, row: str,
) -> None:  # fmt: skip
    one = result_row("T26", drawn.targets[0], "K01", "2026-09-20", OK)
    path = rows_file(tmp_path / "r.xlsx", [one, dict(one)])
    before = state(ws, engine)
    res = cli("results", "import", str(path), lang=lang)
    assert res.exit_code == 1, res.output
    text = flat(res.stderr)
    assert head in text and row in text
    assert state(ws, engine) == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Check the id with randcheck task list; a task must be announced and drawn first "
            "(randcheck task announce NOPE, randcheck draw NOPE)"),
     ("zh", "请用 randcheck task list 核对任务编号；任务须先公告并抽取（randcheck task announce "
            "NOPE，randcheck draw NOPE）")],
)  # fmt: skip
def test_template_of_an_undrawn_task(
    cli: Any, drawn: Drawn, tmp_path: Path, lang: str, words: str
) -> None:
    res = cli("results", "template", "NOPE", "--out", str(tmp_path / "t.xlsx"), lang=lang)
    assert res.exit_code == 3, res.output
    assert words in flat(res.stderr)


def test_publish_into_an_unwritable_place_and_the_verify_hint(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    keys.init_key(ws, AuditLog(ws, engine), "tester", PW.encode())
    env = {"RANDCHECK_KEY_PASSPHRASE": PW}
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for lang, words in (
        ("en", "Fix the cause (permissions, free space) and run again, or write elsewhere with --out DIR"),
        ("zh", "请排除原因（权限、磁盘空间）后重试，或用 --out 指定其他目录"),
    ):
        res = cli("publish", "T26", "--out", str(blocker), env=env, lang=lang)
        assert res.exit_code == 3, res.output
        assert words in flat(res.stderr)
    for lang, words in (
        ("en", "--trusted-keys <the office's public key file> (written by randcheck keys export;"),
        ("zh", "--trusted-keys <机关公钥文件>（公钥文件由 randcheck keys export 导出"),
    ):
        res = cli("publish", "T26", "--out", str(tmp_path / f"out-{lang}"), env=env, lang=lang)
        assert res.exit_code == 0, res.output
        assert words in flat(res.stderr)
