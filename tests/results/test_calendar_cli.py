"""``randcheck calendar import|show``: the office's years of the working-day calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from randcheck.services.audit import AuditLog
from randcheck.workspace import Workspace
from tests.results.world import state

CAL_2027 = "日期,类型,说明\n2027-01-01,休,元旦\n2027/2/6,班,春节调休\n2027年2月8日,休,春节\n"


def test_import_then_show(cli: Any, ws: Workspace, engine: Engine, tmp_path: Path) -> None:
    unknown = cli("calendar", "show", "2027")
    assert unknown.exit_code == 1 and "calendar import" in unknown.stderr
    path = tmp_path / "2027.csv"
    path.write_text(CAL_2027, encoding="gbk")  # an office's file may well be GBK
    done = cli("calendar", "import", str(path))
    assert done.exit_code == 0, done.output
    assert "2027" in done.stderr and "3" in done.stderr
    entry = AuditLog(ws, engine).entries()[-1]
    assert entry["kind"] == "calendar.import"
    assert entry["payload"]["years"] == {
        "2027": {"holidays": ["2027-01-01", "2027-02-08"], "workdays": ["2027-02-06"]}
    }
    shown = cli("calendar", "show", "2027")
    assert shown.exit_code == 0, shown.output
    for day in ("2027-01-01", "2027-02-06", "2027-02-08"):
        assert day in shown.stdout
    assert "make-up working day" in shown.stdout and "holiday" in shown.stdout
    doc = json.loads(cli("calendar", "show", "2027", "--json").stdout)
    assert doc["known"] is True and doc["office"] == [2027] and 2026 in doc["shipped"]
    assert doc["days"] == [
        {"day": "2027-01-01", "workday": False},
        {"day": "2027-02-06", "workday": True},
        {"day": "2027-02-08", "workday": False},
    ]
    # a year is replaced whole by a new file for it
    path.write_text("日期,类型\n2027-10-01,休\n", encoding="utf-8")
    assert cli("calendar", "import", str(path)).exit_code == 0
    days = json.loads(cli("calendar", "show", "2027", "--json").stdout)["days"]
    assert days == [{"day": "2027-10-01", "workday": False}]
    # entering a shipped year is allowed, with a warning
    path.write_text("日期,类型\n2026-12-31,休\n", encoding="utf-8")
    warned = cli("calendar", "import", str(path))
    assert warned.exit_code == 0 and "ships with randcheck" in warned.stderr


def test_a_bad_file_changes_nothing(
    cli: Any, ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(CAL_2027, encoding="utf-8")
    assert cli("calendar", "import", str(good)).exit_code == 0
    before = state(ws, engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "日期,类型\n"
        "2027-01-01,休\n"  # fine on its own: the file is still refused whole
        "2027-13-01,休\n"
        "2027-01-04,放假\n"
        "2027-01-02,休\n"  # a Saturday
        "2027-01-05,班\n"  # a Tuesday
        "2027-01-01,休\n",  # twice
        encoding="utf-8",
    )
    result = cli("calendar", "import", str(bad))
    assert result.exit_code == 1
    err = result.stderr
    assert "bad.csv" in err
    for row, value in ((3, "2027-13-01"), (4, "放假"), (5, "2027-01-02"), (6, "2027-01-05"),
                       (7, "2027-01-01")):  # fmt: skip
        assert any(str(row) in line and value in line for line in err.splitlines()), (row, err)
    assert state(ws, engine) == before
    missing = tmp_path / "nocol.csv"
    missing.write_text("日期,说明\n2027-01-01,元旦\n", encoding="utf-8")
    assert cli("calendar", "import", str(missing)).exit_code == 1
    assert cli("calendar", "import", str(tmp_path / "absent.csv")).exit_code == 3
    assert state(ws, engine) == before
    # the earlier import is intact
    doc = json.loads(cli("calendar", "show", "2027", "--json").stdout)
    assert [d["day"] for d in doc["days"]] == ["2027-01-01", "2027-02-06", "2027-02-08"]
