"""``results import``: all or nothing, every bad row named, no silent change of a published
result."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.errors import InputError, UsageError
from randcheck.services.audit import AuditLog
from randcheck.services.results import entry, publication
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR, code
from tests.results.world import (
    Drawn,
    at,
    fill_template,
    import_rows,
    result_row,
    results,
    rows_file,
    state,
    write_csv,
)

NOW = at("2026-09-25")
OK = "未发现问题"
FOUND = "违反食品药品管理相关规定、发现问题经责令已改正"


def test_filled_template_imports_and_reimport_is_a_no_op(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    data = entry.template(engine, ws, drawn.task, "zh", "xlsx")
    a, b, c = drawn.targets
    values = {
        (a, "K01"): {"检查完成日期": "2026-09-20", "检查结果": OK},
        (a, "G01"): {
            "检查完成日期": "2026/9/21",
            "检查结果": "经责令已改正；违反食品药品管理相关规定",  # an alias; any order
            "发现问题及处置": "责令改正",
        },
        (b, "K01"): {"检查完成日期": "2026-09-22", "检查结果": "1"},  # by code
    }
    path = fill_template(data, tmp_path / "filled.xlsx", values)
    summary = entry.import_results(ws, engine, path, actor="录入员甲", now=NOW)
    assert (summary.rows, summary.added, summary.blank) == (6, 3, 3)
    assert (summary.changed, summary.corrected, summary.unchanged) == (0, 0, 0)
    assert summary.tasks == [drawn.task]
    rows = results(engine)
    assert set(rows) == set(values)
    ra = rows[(a, "G01")]
    assert ra.task_id == drawn.task and ra.record_digest == drawn.record
    assert ra.completed_on == "2026-09-21" and ra.findings == "责令改正"
    # terms are stored as their canonical texts, in vocabulary order
    assert ra.terms == "|违反食品药品管理相关规定|发现问题经责令已改正|"
    assert rows[(b, "K01")].terms == "|未发现问题|"
    # no team column filled in: the current team inspected
    assert ra.inspectors == "|" + "|".join(sorted(drawn.team(a))) + "|"
    assert all(r.entered_by == "录入员甲" for r in rows.values())
    assert all(r.entered_at == "2026-09-25T04:00:00Z" for r in rows.values())
    assert all(r.pending and r.published is None for r in rows.values())
    last = AuditLog(ws, engine).entries()[-1]
    assert last["kind"] == "results.import" and last["seq"] == summary.seq
    assert last["payload"]["added"] == 3 and last["payload"]["tasks"] == [drawn.task]
    assert last["payload"]["sha256"] == summary.sha256
    # the same file again: nothing new, not even a log entry
    before = state(ws, engine)
    again = entry.import_results(ws, engine, path, actor="录入员乙", now=at("2026-09-26"))
    assert (again.added, again.changed, again.unchanged, again.seq) == (0, 0, 3, None)
    assert state(ws, engine) == before
    # one value changed (not yet published): a change, logged
    values[(c, "K01")] = {"检查完成日期": date(2026, 9, 23), "检查结果": OK}  # a date cell
    values[(b, "K01")] = {"检查完成日期": "2026-09-22", "检查结果": FOUND}
    path2 = fill_template(data, tmp_path / "filled2.xlsx", values)
    third = entry.import_results(ws, engine, path2, actor="录入员乙", now=at("2026-09-26"))
    assert (third.added, third.changed, third.unchanged) == (1, 1, 2)
    rows = results(engine)
    assert rows[(b, "K01")].terms == "|违反食品药品管理相关规定|发现问题经责令已改正|"
    assert rows[(b, "K01")].entered_by == "录入员乙"
    assert rows[(c, "K01")].completed_on == "2026-09-23"
    assert rows[(a, "K01")].entered_by == "录入员甲"  # unchanged rows keep who entered them


def test_every_bad_row_is_named_and_nothing_changes(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, c = drawn.targets
    other_badge = next(x for x in drawn.team(a) if x not in drawn.team(b))
    outsider = next(code(i) for i in range(40) if code(i) not in drawn.targets)
    good = result_row(t, a, "K01", "2026-09-20", OK)
    import_rows(ws, engine, tmp_path / "first.xlsx", [good], now=NOW)  # something already there
    cases: list[tuple[dict[str, str], str, str]] = [
        (result_row(t, outsider, "K01", "2026-09-20", OK), "统一社会信用代码", "results.not_a_target"),
        (result_row(t, b, "J01", "2026-09-20", OK), "抽查事项", "results.not_an_item"),
        (result_row(t, b, "K01", "2026-09-20", "未发现文题"), "检查结果", "results.unknown_term"),
        (result_row(t, b, "K01", "2026-09-20", f"{OK}、已责令改正"), "检查结果", "results.exclusive_term"),
        (result_row(t, b, "K01", "2026-09-20", "违反食品药品管理相关规定、发现问题待后续处理"), "检查结果", "results.term_with_parent"),
        (result_row(t, b, "K01", "2026-09-20", ""), "检查结果", "results.no_terms"),
        (result_row(t, b, "K01", "2026-09-26", OK), "检查完成日期", "results.future_date"),
        (result_row(t, b, "K01", "2026-08-31", OK), "检查完成日期", "results.before_draw"),
        (result_row(t, b, "K01", "2026-09-03", OK), "检查完成日期", "results.outside_window"),
        (result_row(t, b, "K01", "2026-13-01", OK), "检查完成日期", "results.bad_date"),
        (result_row(t, b, "K01", "2026-09-20", OK, 检查组=f"检查员{other_badge}({other_badge})"), "检查组", "results.not_team"),
        (result_row(t, b, "K01", "2026-09-20", OK, 检查组="张三"), "检查组", "results.not_team"),
        (result_row("NOPE", b, "K01", "2026-09-20", OK), "任务编号", "results.not_drawn"),
    ]  # fmt: skip
    before = state(ws, engine)
    # each kind alone refuses the whole file (a good row beside it is not imported either)
    fresh = result_row(t, c, "G01", "2026-09-21", OK)
    for n, (bad, column, reason) in enumerate(cases):
        path = rows_file(tmp_path / f"bad{n}.xlsx", [fresh, bad])
        with pytest.raises(InputError) as exc:
            entry.import_results(ws, engine, path, actor="录入员甲", now=NOW)
        assert exc.value.code == "results.bad_rows", reason
        got = [(e.file, e.row, e.column, e.code) for e in exc.value.rows]
        assert got == [(path.name, 3, column, reason)], (reason, got)
        assert state(ws, engine) == before, reason
    # all in one file: every one is listed, in row order, with its row number
    path = rows_file(tmp_path / "all.xlsx", [fresh] + [c_[0] for c_ in cases])
    with pytest.raises(InputError) as exc:
        entry.import_results(ws, engine, path, actor="录入员甲", now=NOW)
    assert [(e.row, e.code) for e in exc.value.rows] == [
        (n, reason) for n, (_, _, reason) in enumerate(cases, start=3)
    ]
    assert exc.value.params["count"] == len(cases)
    unknown = next(e for e in exc.value.rows if e.code == "results.unknown_term")
    assert unknown.value == "未发现文题" and "未发现问题" in unknown.params["hint"]
    assert state(ws, engine) == before
    # a duplicate row: named at the second occurrence
    dup = rows_file(tmp_path / "dup.xlsx", [fresh, good, fresh])
    with pytest.raises(InputError) as exc:
        entry.import_results(ws, engine, dup, actor="录入员甲", now=NOW)
    assert [(e.row, e.column, e.code) for e in exc.value.rows] == [
        (4, "统一社会信用代码", "results.duplicate_row")
    ]
    assert exc.value.rows[0].params["first"] == 2
    assert state(ws, engine) == before


def test_outside_the_window_with_a_reason_and_team_members(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, _ = drawn.targets
    first, second = drawn.team(b)
    rows = [
        # the code as typed in a document: full-width, a space in it
        result_row(
            t,
            " ".join([a[:6], a[6:]]).replace("9", "９"),
            "K01",
            "2026-09-03",
            OK,
            超出检查时间说明="企业申请提前检查",
        ),
        # one member only, by badge; and by name alone
        result_row(t, b, "K01", "2026-09-20", OK, 检查组=first),
        result_row(t, b, "G01", "2026-09-20", OK, 检查组=f"检查员{second}"),
    ]
    done = import_rows(ws, engine, tmp_path / "late.xlsx", rows, now=NOW)
    assert done.added == 3
    got = results(engine)
    assert got[(a, "K01")].late_reason == "企业申请提前检查"
    assert got[(b, "K01")].inspectors == f"|{first}|"
    assert got[(b, "G01")].inspectors == f"|{second}|"


def test_a_team_cell_mixing_a_badge_and_a_name_keeps_both(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    b = drawn.targets[1]
    first, second = drawn.team(b)
    rows = [result_row(t, b, "K01", "2026-09-20", OK, 检查组=f"{first};检查员{second}")]
    import_rows(ws, engine, tmp_path / "mixed.xlsx", rows, now=NOW)
    assert results(engine)[(b, "K01")].inspectors == "|" + "|".join(sorted([first, second])) + "|"
    # a name that does not go with the badge beside it is refused
    wrong = [result_row(t, b, "G01", "2026-09-20", OK, 检查组=f"检查员{second}（{first}）")]
    with pytest.raises(InputError) as exc:
        import_rows(ws, engine, tmp_path / "wrong.xlsx", wrong, now=NOW)
    assert [e.code for e in exc.value.rows] == ["results.not_team"]


def test_gbk_csv_and_json(ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path) -> None:
    t = drawn.task
    a, b, _ = drawn.targets
    header = ["任务编号", "统一社会信用代码", "抽查事项", "检查完成日期", "检查结果", "备注"]
    path = write_csv(
        tmp_path / "gbk.csv",
        [header, [t, a, "K01 食品经营者监督检查", "2026-09-20", FOUND, "整改到位"]],
        encoding="gbk",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    done = entry.import_results(ws, engine, path, actor="录入员甲", now=NOW)
    assert done.added == 1
    row = results(engine)[(a, "K01")]
    assert row.terms == "|违反食品药品管理相关规定|发现问题经责令已改正|" and row.note == "整改到位"
    doc = [{"统一社会信用代码": b, "抽查事项": "G01", "检查完成日期": "2026-09-21", "检查结果": OK}]
    js = tmp_path / "r.json"
    js.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # no 任务编号 column: the only drawn task
    assert entry.import_results(ws, engine, js, actor="录入员甲", now=NOW).added == 1
    assert results(engine)[(b, "G01")].terms == "|未发现问题|"


def test_published_results_change_only_as_corrections(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, _ = drawn.targets
    rows = [result_row(t, a, "K01", "2026-09-20", OK), result_row(t, b, "K01", "2026-09-20", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=NOW)
    publication.publish(ws, engine, t, OPERATOR, "tester", now=at("2026-09-28"))
    changed = [rows[0], result_row(t, b, "K01", "2026-09-20", FOUND)]
    before = state(ws, engine)
    with pytest.raises(InputError) as exc:
        import_rows(ws, engine, tmp_path / "c.xlsx", changed, now=at("2026-09-29"))
    assert [(e.row, e.code, e.params["seq"]) for e in exc.value.rows] == [
        (3, "results.published_needs_correct", 1)
    ]
    assert state(ws, engine) == before
    # --reason without --correct, --correct without a reason: usage errors, nothing read
    with pytest.raises(UsageError) as uexc:
        import_rows(ws, engine, tmp_path / "c.xlsx", changed, reason="x", now=at("2026-09-29"))
    assert uexc.value.code == "results.reason_without_correct"
    with pytest.raises(UsageError) as uexc:
        import_rows(ws, engine, tmp_path / "c.xlsx", changed, correct=True, now=at("2026-09-29"))
    assert uexc.value.code == "results.correct_needs_reason"
    assert state(ws, engine) == before
    done = import_rows(
        ws, engine, tmp_path / "c.xlsx", changed, correct=True, reason="复核发现记录有误",
        now=at("2026-09-29"),
    )  # fmt: skip
    assert (done.corrected, done.unchanged, done.added, done.changed) == (1, 1, 0, 0)
    got = results(engine)
    row = got[(b, "K01")]
    assert row.pending and row.published == 1 and row.correction == "复核发现记录有误"
    assert row.terms == "|违反食品药品管理相关规定|发现问题经责令已改正|"
    assert row.first_published_on == "2026-09-28"
    untouched = got[(a, "K01")]
    assert not untouched.pending and untouched.correction == ""
    last = AuditLog(ws, engine).entries()[-1]
    assert last["kind"] == "results.import"
    assert last["payload"]["corrected"] == 1
    assert last["payload"]["correction_reason"] == "复核发现记录有误"


def test_cli_import(cli: Any, ws: Workspace, engine: Engine, tmp_path: Path) -> None:
    """The CLI reads today's date: this task is of 2023, so its dates are in the past."""
    from tests.drawfixtures import ANNOUNCE_AT, DRAWN_AT, later, seed_world
    from tests.results.world import draw_task

    seed_world(engine)
    d = draw_task(
        ws, engine, "T23", window=("2023-10-01", "2023-10-31"), announced=ANNOUNCE_AT,
        drawn_at=DRAWN_AT, finalized=later(1),
    )  # fmt: skip
    a = d.targets[0]
    good = rows_file(tmp_path / "ok.xlsx", [result_row(d.task, a, "K01", "2023-10-10", OK)])
    result = cli("results", "import", str(good), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 1 and summary["tasks"] == ["T23"]
    assert results(engine)[(a, "K01")].entered_by == "tester"  # RANDCHECK_ACTOR
    before = state(ws, engine)
    bad = rows_file(
        tmp_path / "bad.xlsx", [result_row(d.task, a, "G01", "2023-10-10", "不存在的用语")]
    )
    result = cli("results", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.xlsx" in result.stderr and "不存在的用语" in result.stderr
    assert state(ws, engine) == before
    usage = cli("results", "import", str(good), "--reason", "x")
    assert usage.exit_code == 2 and "--correct" in usage.stderr
    plain = cli("results", "import", str(good), lang="zh")
    assert plain.exit_code == 0 and "未变 1" in plain.stderr
    assert state(ws, engine) == before
