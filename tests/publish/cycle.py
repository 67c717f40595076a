"""The results cycle of the publish tests: two rounds of inspection results entered, signed
and published on the drawn fixture (drawn 2023-09-15, inspection window 2023-10-01..31), the
bundle copied after each ``publish``.  Every date-dependent call gets an explicit ``now``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from randcheck.errors import ConflictError
from randcheck.services import keys as keys_svc
from randcheck.services.publish import publish_record
from randcheck.services.results import entry, publication
from randcheck.store.audit_models import AuditEntry
from randcheck.store.result_models import ResultRow, ResultsDocRow
from tests.publish.conftest import PASSPHRASE, TASK_ID, Drawn

OK = "未发现问题"
FOUND = "违反食品药品管理相关规定、发现问题经责令已改正"
REASON = "复核发现问题，更正检查结果"
IMPORTED_1 = datetime(2023, 10, 20, 1, 0, 0, tzinfo=UTC)
ISSUED_1 = datetime(2023, 10, 20, 2, 0, 0, tzinfo=UTC)  # Beijing 2023-10-20 10:00
IMPORTED_2 = datetime(2023, 11, 7, 2, 0, 0, tzinfo=UTC)
ISSUED_2 = datetime(2023, 11, 8, 2, 0, 0, tzinfo=UTC)  # after 2023-11-06: one result is late
HEADER = ["任务编号", "统一社会信用代码", "抽查事项", "检查完成日期", "检查结果"]


@dataclass
class Cycle:
    drawn: Drawn
    none: Path  # the bundle before any results
    one: Path  # after results document 1
    two: Path  # after document 2 (a correction and a late first publication)
    targets: list[str]  # current targets, template order
    corrected: tuple[str, str]
    late: tuple[str, str]
    refused: ConflictError  # a third document that verify would refuse, refused at signing
    docs_after_refusal: int
    published_entries_after_refusal: int


def private_key(drawn: Drawn) -> Any:
    return keys_svc.load_private_key(drawn.ws, "office", PASSPHRASE.encode())


def publish_copy(drawn: Drawn, dest: Path, now: datetime) -> Path:
    path = publish_record(
        drawn.ws, drawn.engine, drawn.rec_digest, private_key(drawn), actor="tester", now=now
    ).path
    shutil.copytree(path, dest / TASK_ID)
    return dest / TASK_ID


def fill_template(
    drawn: Drawn, path: Path, values: dict[tuple[str, str], tuple[str, str]]
) -> list[str]:
    """The XLSX entry template with (date, terms) filled in for ``values``; returns the
    template's targets in order."""
    data = entry.template(drawn.engine, drawn.ws, TASK_ID, "zh", "xlsx")
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    cols = {str(c.value): c.column for c in sheet[1]}
    targets: list[str] = []
    for r in range(2, sheet.max_row + 1):
        code = str(sheet.cell(r, cols["统一社会信用代码"]).value)
        item = str(sheet.cell(r, cols["抽查事项"]).value).split(" ")[0]
        if code not in targets:
            targets.append(code)
        if (code, item) in values:
            done, terms = values[(code, item)]
            sheet.cell(r, cols["检查完成日期"]).value = done
            sheet.cell(r, cols["检查结果"]).value = terms
    wb.save(path)
    return targets


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def published_entries(drawn: Drawn) -> int:
    with Session(drawn.engine) as s:
        bodies = s.exec(select(AuditEntry.body)).all()
    return sum(1 for b in bodies if json.loads(b)["kind"] == "results.published")


def build_cycle(drawn: Drawn, out: Path) -> Cycle:
    """Enter, sign and publish two rounds of results on ``drawn``, bundles under ``out``."""
    none = publish_copy(drawn, out / "none", datetime(2023, 9, 21, tzinfo=UTC))

    # round 1: the filled-in template (XLSX), then a signed document, then the bundle
    data = entry.template(drawn.engine, drawn.ws, TASK_ID, "zh", "xlsx")
    first_code = str(load_workbook(io.BytesIO(data)).worksheets[0].cell(2, 3).value)
    assert first_code != drawn.replaced
    probe = fill_template(drawn, out / "probe.xlsx", {})
    t0, t1, t2 = probe[0], probe[1], probe[2]
    assert drawn.replacement in probe and drawn.replaced not in probe
    values = {
        (t0, "SC-001"): ("2023-10-09", OK),
        (t0, "SC-002"): ("2023/10/10", FOUND),
        (t1, "SC-001"): ("2023-10-11", "1"),  # by code: published as its text
        (drawn.replacement, "SC-001"): ("2023-10-16", "发现问题待后续处理"),
    }
    path = out / "filled.xlsx"
    targets = fill_template(drawn, path, values)
    summary = entry.import_results(drawn.ws, drawn.engine, path, actor="录入员", now=IMPORTED_1)
    assert summary.added == 4
    pub1 = publication.publish(
        drawn.ws, drawn.engine, TASK_ID, private_key(drawn), "tester", now=ISSUED_1
    )
    assert (pub1.seq, pub1.count, pub1.corrections, pub1.late) == (1, 4, 0, 0)
    one = publish_copy(drawn, out / "one", ISSUED_1)

    # round 2: a correction (CSV built here, --correct --reason) and a late first result
    rows = [HEADER, [TASK_ID, t1, "SC-001", "2023-10-11", "违反食品药品管理相关规定"]]
    summary = entry.import_results(
        drawn.ws, drawn.engine, write_csv(out / "fix.csv", rows), actor="录入员",
        correct=True, reason=REASON, now=IMPORTED_2,
    )  # fmt: skip
    assert summary.corrected == 1
    rows = [HEADER, [TASK_ID, t2, "SC-001", "2023-10-09", OK]]  # deadline 2023-11-06
    summary = entry.import_results(
        drawn.ws, drawn.engine, write_csv(out / "late.csv", rows), actor="录入员", now=IMPORTED_2
    )
    assert summary.added == 1
    pub2 = publication.publish(
        drawn.ws, drawn.engine, TASK_ID, private_key(drawn), "tester", now=ISSUED_2
    )
    assert (pub2.seq, pub2.count, pub2.corrections, pub2.late) == (2, 2, 1, 1)
    two = publish_copy(drawn, out / "two", ISSUED_2)

    # a third document dated before the second: verify would refuse it, so it is not signed
    rows = [HEADER, [TASK_ID, t2, "SC-002", "2023-10-20", OK]]
    entry.import_results(
        drawn.ws, drawn.engine, write_csv(out / "more.csv", rows), actor="录入员",
        now=datetime(2023, 11, 9, 2, tzinfo=UTC),
    )  # fmt: skip
    with pytest.raises(ConflictError) as exc:
        publication.publish(
            drawn.ws, drawn.engine, TASK_ID, private_key(drawn), "tester",
            now=datetime(2023, 11, 7, 2, tzinfo=UTC),
        )  # fmt: skip
    with Session(drawn.engine) as s:
        n_docs = len(s.exec(select(ResultsDocRow)).all())
        pending = s.exec(select(ResultRow).where(col(ResultRow.pending).is_(True))).all()
        assert [(r.entity_code, r.item_code) for r in pending] == [(t2, "SC-002")]
    return Cycle(
        drawn, none, one, two, targets, (t1, "SC-001"), (t2, "SC-001"), exc.value, n_docs,
        published_entries(drawn),
    )  # fmt: skip
