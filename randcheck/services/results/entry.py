"""Entering results: the template an office fills in, and ``results import`` (all-or-nothing).

"谁检查、谁录入、谁公开": the template lists each current target × item of a task with its team;
the office fills in 检查完成日期 and 检查结果 (terms of the result vocabulary) and imports the
file back.  Every row is checked before anything is written; a bad row is reported with its
file, row and column and nothing changes.  A row whose content is unchanged is a no-op; a row
already published can only change with ``--correct --reason`` and becomes a correction that
the next results document publishes, signed — never a silent edit.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from randcheck.bundle.table import inert, to_csv
from randcheck.core import uscc
from randcheck.core.canonical import canonical
from randcheck.core.chinatime import CHINA
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import InputError, RandcheckError, RowError, UsageError
from randcheck.io.readers import RowReader
from randcheck.services.audit import AuditLog, format_time
from randcheck.services.registry import file_sha256, join_list, parse_date
from randcheck.services.results.context import TaskTargets, drawn_tasks, load
from randcheck.services.results.vocab import workspace_vocabulary
from randcheck.store.result_models import ResultRow
from randcheck.workspace import Workspace

MAX_ERRORS = 10_000
RESULTS: Table = ResultRow.__table__  # type: ignore[attr-defined]

#: (field, Chinese title, English title, further header aliases)
COLUMNS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("seq", "序号", "No.", ()),
    ("task", "任务编号", "Task", ("task_id",)),
    ("code", "统一社会信用代码", "Credit code", ("统一社会信用代码/注册号", "信用代码", "注册号")),
    ("name", "名称", "Name", ("企业名称", "市场主体名称")),
    ("item", "抽查事项", "Inspection item", ("检查事项", "事项")),
    ("team", "检查组", "Inspection team", ("检查人员",)),
    ("completed_on", "检查完成日期", "Completion date", ("完成日期", "检查日期")),
    ("terms", "检查结果", "Result", ("结果",)),
    ("findings", "发现问题及处置", "Problems found and action", ("发现问题",)),
    ("followup", "后续处置", "Follow-up", ("后续处置措施",)),
    ("note", "备注", "Note", ()),
    ("late_reason", "超出检查时间说明", "Reason outside the inspection window", ("超期说明",)),
)
FIELDS = tuple(c[0] for c in COLUMNS)
CONTENT = ("completed_on", "terms", "findings", "followup", "note", "inspectors", "late_reason")
SHEET = "检查结果"
TERMS_SHEET = "检查结果用语"
_SPLIT = re.compile(r"[;；,，、\s]+")
_MEMBER = re.compile(r"([^（()）]*)[（(]([^（()）]+)[)）]")  # 姓名(证号), full- or half-width


def _title(field_name: str, lang: str) -> str:
    for f, zh, en, _ in COLUMNS:
        if f == field_name:
            return en if lang == "en" else zh
    raise KeyError(field_name)


def aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for f, zh, en, more in COLUMNS:
        for name in (f, zh, en, *more):
            out[name] = f
    return out


# -- the template --------------------------------------------------------------------------


def template_rows(ctx: TaskTargets, lang: str) -> list[list[str]]:
    """Header plus one row per current target × item (publish order, then item order)."""
    table = [[_title(f, lang) for f in FIELDS]]
    n = 0
    for code in ctx.targets:
        team = ";".join(
            f"{ctx.inspector_names.get(b, '')}({b})" if ctx.inspector_names.get(b) else b
            for b in ctx.teams[code]
        )
        for item in ctx.items:
            n += 1
            label = f"{item} {ctx.item_names[item]}" if ctx.item_names.get(item) else item
            table.append(
                [
                    str(n),
                    ctx.task_id,
                    code,
                    ctx.names.get(code, ""),
                    label,
                    team,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return table


def template(engine: Engine, ws: Workspace, task_id: str, lang: str, fmt: str) -> bytes:
    """The entry template of ``task_id``'s current record, as XLSX (``fmt`` "xlsx") or CSV."""
    vocab = workspace_vocabulary(ws)
    with Session(engine) as s:
        ctx = load(s, task_id)
    table = template_rows(ctx, lang)
    if fmt == "csv":
        return to_csv([[inert(c) for c in row] for row in table])
    return _xlsx(table, vocab, lang)


def _xlsx(table: Sequence[Sequence[str]], vocab: Vocabulary, lang: str) -> bytes:
    from openpyxl import Workbook  # imported only by the command that writes a workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    for row in table:
        ws.append([inert(c) for c in row])
    for cell in ws[1]:
        cell.data_type = "s"
    terms = wb.create_sheet(TERMS_SHEET)
    for t in vocab.terms:
        terms.append([t.text, t.code])
    col_letter = ws.cell(row=1, column=FIELDS.index("terms") + 1).column_letter
    last = max(len(table), 2)
    # a drop-down of the vocabulary; "information" style, so that several terms can be typed
    dv = DataValidation(
        type="list",
        formula1=f"'{TERMS_SHEET}'!$A$1:$A${len(vocab.terms)}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
    )
    dv.add(f"{col_letter}2:{col_letter}{last}")
    ws.add_data_validation(dv)
    date_col = ws.cell(row=1, column=FIELDS.index("completed_on") + 1).column_letter
    for r in range(2, last + 1):
        ws[f"{date_col}{r}"].number_format = "@"
    widths = {"code": 22, "name": 30, "item": 24, "team": 30, "completed_on": 14, "terms": 30}
    for i, f in enumerate(FIELDS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = widths.get(f, 14)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- import --------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    file: str
    sha256: str
    rows: int = 0
    added: int = 0
    changed: int = 0
    corrected: int = 0
    unchanged: int = 0
    blank: int = 0
    tasks: list[str] = field(default_factory=list)
    seq: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "blank": self.blank,
            "tasks": self.tasks,
            "log_seq": self.seq,
        }


@dataclass
class _Parsed:
    row: int
    task: str
    code: str
    item: str
    values: dict[str, Any]  # CONTENT fields (text), normalised


def content_digest(values: Mapping[str, str]) -> str:
    return hashlib.sha256(canonical({k: values[k] for k in CONTENT})).hexdigest()


def _item_of(cell: str, ctx: TaskTargets) -> str | None:
    text = cell.strip()
    if text in ctx.items:
        return text
    first = text.split(" ", 1)[0].split("\u3000", 1)[0]
    if first in ctx.items:
        return first
    by_name = [c for c in ctx.items if ctx.item_names.get(c) == text]
    return by_name[0] if len(by_name) == 1 else None


def _badges(cell: str, allowed: set[str], names: Mapping[str, str]) -> list[str] | None:
    """Badge numbers of a 检查组 cell: members separated by ; , 、 or spaces, each written
    "姓名(证号)" (as the template does), as a bare badge number, or as a bare name that only
    one allowed inspector has; any mix of these.  ``None`` when a member is not allowed, a
    name is ambiguous or unknown, or a name does not go with the badge beside it."""
    by_name: dict[str, list[str]] = {}
    for b in allowed:
        if names.get(b):
            by_name.setdefault(names[b], []).append(b)
    out: list[str] = []
    for word in _SPLIT.split(cell):
        if not word:
            continue
        m = _MEMBER.fullmatch(word)
        if m is not None:  # 姓名(证号): the badge decides, the name must go with it
            name, badge = m.group(1).strip(), m.group(2).strip()
            if badge not in allowed or (name and names.get(badge, name) != name):
                return None
            out.append(badge)
        elif word in allowed:
            out.append(word)
        elif len(by_name.get(word, [])) == 1:
            out.append(by_name[word][0])  # a name only one allowed inspector has
        else:
            return None
    return sorted(set(out))


def import_results(
    ws: Workspace,
    engine: Engine,
    path: Path,
    *,
    actor: str,
    correct: bool = False,
    reason: str | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Import a filled-in template (XLSX, CSV in UTF-8 or GBK, JSON); all-or-nothing."""
    if correct and not (reason or "").strip():
        raise UsageError("results.correct_needs_reason")
    if reason and not correct:
        raise UsageError("results.reason_without_correct")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    today = (now + CHINA).date()
    vocab = workspace_vocabulary(ws)
    reader = RowReader(
        Path(path),
        aliases(),
        [["code"], ["item"], ["completed_on"], ["terms"]],
        keep_breaks=("findings", "followup", "note"),
    )
    summary = ImportSummary(file=reader.path.name, sha256=file_sha256(reader.path))
    file = reader.path.name
    errors: list[RowError] = []
    parsed: list[_Parsed] = []
    contexts: dict[str, TaskTargets] = {}
    seen: dict[tuple[str, str, str], int] = {}
    default_task = _single_task(engine)
    with Session(engine) as s:
        for src in reader:
            summary.rows += 1

            def bad(f: str, value: str, code: str, at: int = src.row, **params: Any) -> None:
                if len(errors) < MAX_ERRORS:
                    shown = reader.column_names.get(f, f)
                    errors.append(RowError(file, at, shown, value[:80], code, params))

            if src.errors:
                errors.extend(src.errors)
                continue
            v = {k: (src.values.get(k) or "").strip() for k in FIELDS}
            if not v["completed_on"] and not v["terms"]:
                summary.blank += 1  # not entered yet
                continue
            task = v["task"] or default_task or ""
            if not task:
                bad("task", "", "results.no_task")
                continue
            if task not in contexts:
                try:
                    contexts[task] = load(s, task)
                except RandcheckError as exc:
                    bad("task", task, exc.code, **{"task": task, **exc.params})
                    continue
            ctx = contexts[task]
            before = len(errors)
            code = uscc.normalise(v["code"])  # full-width, spaces: as the registry reads it
            if code not in ctx.teams:
                bad("code", v["code"], "results.not_a_target", task=task)
            item = _item_of(v["item"], ctx)
            if item is None:
                bad("item", v["item"], "results.not_an_item", task=task, items="、".join(ctx.items))
            done = _date(v["completed_on"])
            if done is None:
                bad("completed_on", v["completed_on"], "results.bad_date")
            elif done > today:
                bad(
                    "completed_on",
                    v["completed_on"],
                    "results.future_date",
                    today=today.isoformat(),
                )
            elif done < ctx.drawn_on:
                bad(
                    "completed_on",
                    v["completed_on"],
                    "results.before_draw",
                    drawn=ctx.drawn_on.isoformat(),
                )
            elif not ctx.window[0] <= done <= ctx.window[1] and not v["late_reason"]:
                bad(
                    "completed_on",
                    v["completed_on"],
                    "results.outside_window",
                    start=ctx.window[0].isoformat(),
                    end=ctx.window[1].isoformat(),
                )
            terms, problems = vocab.parse_terms(v["terms"])
            for word, pcode, params in problems:
                bad("terms", word or v["terms"], pcode, **params)
            inspectors: list[str] = []
            if code in ctx.teams:
                if v["team"]:
                    got = _badges(v["team"], ctx.ever[code], ctx.inspector_names)
                    if got is None or not got:
                        bad("team", v["team"], "results.not_team", team="、".join(ctx.teams[code]))
                    else:
                        inspectors = got
                else:
                    inspectors = sorted(ctx.teams[code])
            if len(errors) > before:
                continue
            assert item is not None and done is not None
            key = (task, code, item)
            if key in seen:
                bad("code", code, "results.duplicate_row", first=seen[key], item=item)
                continue
            seen[key] = src.row
            parsed.append(
                _Parsed(
                    src.row,
                    task,
                    code,
                    item,
                    {
                        "completed_on": done.isoformat(),
                        "terms": join_list(terms),
                        "findings": v["findings"],
                        "followup": v["followup"],
                        "note": v["note"],
                        "inspectors": join_list(inspectors),
                        "late_reason": v["late_reason"],
                    },
                )
            )
    if errors:
        raise InputError("results.bad_rows", rows=errors, file=file, count=len(errors))
    stamp = format_time(now)
    with AuditLog(ws, engine).transaction(actor, now) as tx:
        s = tx.session
        # what is stored: (content digest, published seq) per key, read as plain rows
        existing: dict[tuple[str, str, str], tuple[str, int | None]] = {}
        t = RESULTS.c
        for task in sorted({p.task for p in parsed}):
            official = contexts[task].record.digest
            # results of a superseded record do not carry over to a redraw
            s.execute(delete(RESULTS).where(t.task_id == task, t.record_digest != official))
            q = select(t.entity_code, t.item_code, t.content, t.published).where(t.task_id == task)
            for code, item, content, published in s.execute(q):
                existing[(task, code, item)] = (content, published)
        refused: list[RowError] = []
        fresh: list[dict[str, Any]] = []
        for p in parsed:
            digest = content_digest(p.values)
            old = existing.get((p.task, p.code, p.item))
            if old is not None and old[0] == digest:
                summary.unchanged += 1
                continue
            stamp_fields = {"content": digest, "vocabulary": vocab.id, "entered_by": actor,
                            "entered_at": stamp, "pending": True}  # fmt: skip
            if old is None:
                summary.added += 1
                fresh.append(
                    {
                        "task_id": p.task,
                        "entity_code": p.code,
                        "item_code": p.item,
                        "record_digest": contexts[p.task].record.digest,
                        "correction": "",
                        "published": None,
                        "first_published_on": None,
                        **p.values,
                        **stamp_fields,
                    }
                )
                continue
            changes = {**p.values, **stamp_fields}
            if old[1] is not None:
                if not correct:
                    refused.append(
                        RowError(
                            file,
                            p.row,
                            _title("terms", "zh"),
                            p.code,
                            "results.published_needs_correct",
                            {"item": p.item, "seq": old[1]},
                        )
                    )
                    continue
                summary.corrected += 1
                changes["correction"] = str(reason).strip()
            else:
                summary.changed += 1
            s.execute(
                update(RESULTS)
                .where(t.task_id == p.task, t.entity_code == p.code, t.item_code == p.item)
                .values(**changes)
            )
        for start in range(0, len(fresh), 5000):
            s.execute(insert(RESULTS), fresh[start : start + 5000])
        if refused:
            raise InputError("results.bad_rows", rows=refused, file=file, count=len(refused))
        summary.tasks = sorted({p.task for p in parsed})
        if summary.added or summary.changed or summary.corrected:
            summary.seq = tx.record(
                "results.import",
                {
                    "file": summary.file,
                    "sha256": summary.sha256,
                    "tasks": summary.tasks,
                    "added": summary.added,
                    "changed": summary.changed,
                    "corrected": summary.corrected,
                    "unchanged": summary.unchanged,
                    "correction_reason": reason.strip() if correct and reason else None,
                    "vocabulary": vocab.id,
                },
            )
    if summary.seq is not None:
        from randcheck.services.results import history

        history.keep_for_announcements(engine)
    return summary


def _date(text: str) -> date | None:
    try:
        return parse_date(text)
    except Exception:
        return None


def _single_task(engine: Engine) -> str | None:
    """The task a file without a 任务编号 column means: the only drawn task, if just one."""
    with Session(engine) as s:
        tasks = drawn_tasks(s)
    return tasks[0] if len(tasks) == 1 else None
