"""The publication clock: N working days after the 检查完成日期 on China's holiday calendar,
unknown (never guessed) in a year the calendar does not know, and ``results due``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core.workdays import Calendar, Deadline, YearDays
from randcheck.errors import UsageError
from randcheck.services.results import clock
from randcheck.store.result_models import CalendarDay
from randcheck.workspace import Workspace
from tests.drawfixtures import entity, seed_world
from tests.results.world import (
    Drawn,
    at,
    draw_task,
    import_rows,
    redraw,
    result_row,
    state,
)

OK = "未发现问题"
CAL_2027 = "日期,类型,说明\n2027-01-01,休,元旦\n2027-02-06,班,春节调休\n"


def test_calendar_counts_working_days_and_never_guesses_a_year() -> None:
    cal = Calendar.shipped()
    assert cal.knows(2026) and not cal.knows(2027)
    # 国庆/中秋 2026: Oct 1-7 off, Sat Oct 10 a make-up working day
    assert cal.deadline(date(2026, 9, 28), 20) == Deadline(date(2026, 10, 30), None)
    assert cal.deadline(date(2026, 9, 28), 5) == Deadline(date(2026, 10, 10), None)
    assert cal.deadline(date(2026, 12, 1), 20) == Deadline(date(2026, 12, 29), None)
    assert cal.deadline(date(2026, 12, 10), 20) == Deadline(None, 2027)
    known = cal.with_years([YearDays(2027, frozenset({date(2027, 1, 1)}), frozenset())])
    assert known.deadline(date(2026, 12, 10), 20) == Deadline(date(2027, 1, 8), None)


def _row(formed: str, first: str | None = None, pending: int = 1) -> tuple[str, str | None, int]:
    """A result as ``due`` reads it from the driver: (completed_on, first_published_on,
    pending), ``pending`` an integer as SQLite returns it."""
    return (formed, first, pending)


def test_status_of_one_target_item() -> None:
    cal = Calendar.shipped()
    deadlines: dict[Any, Any] = {}  # shared: the later calls reuse the counts of the first

    def status(row: tuple[str, str | None, int] | None, on: date) -> clock.Due:
        return clock._status("T", "C", "名称", "K01", row, cal, 20, on, deadlines)

    assert status(None, date(2026, 10, 1)).status == clock.TO_ENTER
    s = status(_row("2026-09-28"), date(2026, 10, 30))
    assert (s.status, s.formed, s.deadline, s.missing_year) == (
        clock.TO_PUBLISH, "2026-09-28", "2026-10-30", None,
    )  # fmt: skip
    assert status(_row("2026-09-28"), date(2026, 10, 31)).status == clock.OVERDUE
    on_time = status(_row("2026-09-28", "2026-10-30", pending=0), date(2026, 12, 1))
    assert (on_time.status, on_time.late, on_time.correction_pending) == (
        clock.PUBLISHED, False, False,
    )  # fmt: skip
    late = status(_row("2026-09-28", "2026-10-31", pending=1), date(2026, 12, 1))
    assert (late.status, late.late, late.correction_pending) == (clock.PUBLISHED, True, True)
    assert late.correction_pending is True  # a bool in the JSON, not the driver's 1
    unknown = status(_row("2026-12-10"), date(2027, 6, 1))
    assert (unknown.status, unknown.deadline, unknown.missing_year) == (clock.UNKNOWN, None, 2027)


def _by_key(rows: list[clock.Due]) -> dict[tuple[str, str], clock.Due]:
    return {(r.target, r.item): r for r in rows}


def test_due_end_to_end_and_an_office_year(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, _ = drawn.targets
    rows = [result_row(t, a, "K01", "2026-09-28", OK), result_row(t, a, "G01", "2026-12-10", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2026-12-11"))
    due = _by_key(clock.due(ws, engine, t, date(2026, 10, 30)))
    assert len(due) == 6
    assert due[(a, "K01")].status == clock.TO_PUBLISH
    assert due[(a, "K01")].deadline == "2026-10-30" and due[(a, "K01")].formed == "2026-09-28"
    assert due[(a, "G01")].status == clock.UNKNOWN
    assert (due[(a, "G01")].deadline, due[(a, "G01")].missing_year) == (None, 2027)
    assert due[(b, "K01")].status == clock.TO_ENTER and due[(b, "K01")].deadline is None
    assert due[(b, "K01")].name == f"测试企业{int(b[10:16])}号"
    assert clock.missing_years(list(due.values())) == [2027]
    # the day after the deadline: overdue
    assert _by_key(clock.due(ws, engine, None, date(2026, 10, 31)))[(a, "K01")].status == (
        clock.OVERDUE
    )
    # the office enters 2027 (元旦 on a Friday): the deadline becomes a date
    path = tmp_path / "2027.csv"
    path.write_text(CAL_2027, encoding="utf-8")
    years, days, replaced = clock.import_calendar(ws, engine, path, "tester")
    assert (years, days, replaced) == ([2027], 2, [])
    due = _by_key(clock.due(ws, engine, t, date(2026, 12, 20)))
    assert due[(a, "G01")].status == clock.TO_PUBLISH
    assert (due[(a, "G01")].deadline, due[(a, "G01")].missing_year) == ("2027-01-08", None)
    assert clock.missing_years(list(due.values())) == []


def test_calendar_rows_in_the_table_are_used(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t, a = drawn.task, drawn.targets[0]
    import_rows(
        ws, engine, tmp_path / "r.xlsx", [result_row(t, a, "K01", "2026-12-10", OK)],
        now=at("2026-12-11"),
    )  # fmt: skip
    with engine.begin() as conn:  # 2027 with no holiday at all: Jan 1 is a working day
        conn.execute(
            CalendarDay.__table__.insert(),  # type: ignore[attr-defined]
            [{"day": "2027-02-06", "year": 2027, "workday": True}],
        )
    row = _by_key(clock.due(ws, engine, t, date(2026, 12, 20)))[(a, "K01")]
    assert (row.status, row.deadline) == (clock.TO_PUBLISH, "2027-01-07")
    # an office year replaces the shipped one whole: this 2026 has Dec 31 off and no 国庆
    with engine.begin() as conn:
        conn.execute(
            CalendarDay.__table__.insert(),  # type: ignore[attr-defined]
            [{"day": "2026-12-31", "year": 2026, "workday": False}],
        )
    row = _by_key(clock.due(ws, engine, t, date(2026, 12, 20)))[(a, "K01")]
    assert row.deadline == "2027-01-08"
    with Session(engine) as s:
        cal = clock.calendar(s)
    assert cal.deadline(date(2026, 9, 28), 20) == Deadline(date(2026, 10, 26), None)


def test_period_from_the_workspace_config(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t, a = drawn.task, drawn.targets[0]
    rows = [result_row(t, a, "K01", "2026-09-28", OK), result_row(t, a, "G01", "2026-09-28", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2026-10-01"))
    base = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(
        base + "\n[results]\ndays = 5\n\n[results.item_days]\nG01 = 10\n", encoding="utf-8"
    )
    due = _by_key(clock.due(ws, engine, t, date(2026, 10, 12)))
    assert due[(a, "K01")].deadline == "2026-10-10"  # 5 working days, Sat Oct 10 a 补班
    assert due[(a, "K01")].status == clock.OVERDUE
    assert due[(a, "G01")].deadline == "2026-10-16" and due[(a, "G01")].status == clock.TO_PUBLISH
    for bad in ("days = 0", 'days = "20"', "days = 366", "days = true", "item_days = 10"):
        ws.config_path.write_text(base + f"\n[results]\n{bad}\n", encoding="utf-8")
        with pytest.raises(UsageError) as exc:
            clock.due(ws, engine, t, date(2026, 10, 12))
        assert exc.value.code == "results.bad_days"
    ws.config_path.write_text("results = 5\n" + base, encoding="utf-8")  # a top-level key
    with pytest.raises(UsageError):
        clock.due(ws, engine, t, date(2026, 10, 12))


def test_due_reads_only_the_current_record(ws: Workspace, engine: Engine, tmp_path: Path) -> None:
    """After a redraw, results entered for the superseded record do not count (the same
    three entities are drawn again: there are only three)."""
    seed_world(engine, entities=[entity(i) for i in range(3)])
    first = draw_task(ws, engine, items=("K01",))
    t, a = first.task, first.targets[0]
    import_rows(
        ws, engine, tmp_path / "r.xlsx", [result_row(t, a, "K01", "2026-09-28", OK)],
        now=at("2026-10-01"),
    )  # fmt: skip
    assert _by_key(clock.due(ws, engine, t, date(2026, 10, 5)))[(a, "K01")].status == (
        clock.TO_PUBLISH
    )
    second = redraw(ws, engine, t, "2026-10-02T03:00:00Z", at("2026-10-02", 5))
    assert sorted(second.targets) == sorted(first.targets) and second.record != first.record
    due = _by_key(clock.due(ws, engine, t, date(2026, 10, 5)))
    assert due[(a, "K01")].status == clock.TO_ENTER
    assert {r.status for r in due.values()} == {clock.TO_ENTER}


def _due(cli: Any, *args: str) -> Any:
    return cli("results", "due", *args)


def test_results_due_cli_exit_codes_and_json(
    cli: Any, ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t, a = drawn.task, drawn.targets[0]
    rows = [result_row(t, a, "K01", "2026-09-28", OK), result_row(t, a, "G01", "2026-12-10", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2026-12-11"))
    before = state(ws, engine)
    ok = _due(cli, t, "--on", "2026-10-30")
    assert ok.exit_code == 0, ok.output
    assert "2026-10-30" in ok.stdout and "to publish" in ok.stdout
    assert "2027" in ok.stderr  # the unknown year is named, with what to do
    assert "calendar import" in ok.stderr
    assert _due(cli, t, "--on", "2026-10-30", "--strict").exit_code == 1
    late = _due(cli, "--on", "2026-10-31", "--json")
    assert late.exit_code == 1
    doc = json.loads(late.stdout)
    assert set(doc) == {"on", "rows", "overdue", "unknown", "missing_years"}
    assert (doc["on"], doc["overdue"], doc["unknown"], doc["missing_years"]) == (
        "2026-10-31", 1, 1, [2027],
    )  # fmt: skip
    assert len(doc["rows"]) == 6
    first = next(r for r in doc["rows"] if (r["target"], r["item"]) == (a, "K01"))
    assert first == {
        "task": t, "target": a, "name": f"测试企业{int(a[10:16])}号", "item": "K01",
        "status": "overdue", "formed": "2026-09-28", "deadline": "2026-10-30",
        "missing_year": None, "published_on": None, "late": False, "correction_pending": False,
    }  # fmt: skip
    zh = cli("results", "due", t, "--on", "2026-10-31", lang="zh")
    assert zh.exit_code == 1 and "逾期" in zh.stdout
    assert _due(cli, t, "--on", "2026-13-01").exit_code == 2
    assert _due(cli, "NOPE", "--on", "2026-10-01").exit_code == 3
    assert state(ws, engine) == before  # due reads, never writes
