"""The bundle's 检查结果公示 part (docs/RESULTS-SPEC.md §5): file names and the table
``inspection-results.csv``/``.xlsx``, built here for ``publish`` and for ``verify`` alike.

Column titles and note texts are protocol constants, not catalog entries: ``verify``
compares the table byte for byte with the one it rebuilds from the signed documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from randcheck.bundle import table as tbl
from randcheck.core import results as rdoc
from randcheck.core.vocabulary import Vocabulary
from randcheck.errors import ConflictError

DIR = "results/"
TABLE_CSV = "inspection-results.csv"
TABLE_XLSX = "inspection-results.xlsx"
SHEET = "检查结果公示"
PAGE_TABLE = "inspection-results"  # the id of the section's table on index.html
_DOC = re.compile(r"^results/([0-9]{4})\.json$")
_VOCAB = re.compile(r"^results/vocabulary-[0-9a-f]{64}\.json$")

COLUMNS = ("no", "task", "code", "name", "item", "completed_on", "terms", "published_on", "note")
TITLES = {
    "no": "序号",
    "task": "任务编号",
    "code": "统一社会信用代码/注册号",
    "name": "名称",
    "item": "抽查事项",
    "completed_on": "检查完成日期",
    "terms": "检查结果",
    "published_on": "公示日期",
    "note": "备注",
}
HEADER = [TITLES[c] for c in COLUMNS]
TERM_SEPARATOR = "、"
NOTE_CORRECTED = "第 {seq} 号公示更正：{reason}"


def vocabulary_file(digest: str) -> str:
    """One file per vocabulary the documents use, named by its digest."""
    return f"{DIR}vocabulary-{digest}.json"


def is_vocabulary_file(path: str) -> bool:
    return _VOCAB.match(path) is not None


def targets_after(
    record: Mapping[str, Any], addenda: Sequence[Mapping[str, Any]]
) -> list[set[str]]:
    """The current targets once the first n addenda apply, for n = 0 .. len(addenda)."""
    return [set(tbl.final_state(record, addenda[:n])[0]) for n in range(len(addenda) + 1)]


def doc_file(seq: int) -> str:
    return f"{DIR}{seq:04d}.json"


def doc_seq(path: str) -> int | None:
    m = _DOC.match(path)
    return int(m.group(1)) if m else None


def table(
    task: str,
    target_order: Sequence[str],
    item_order: Sequence[str],
    published: rdoc.Published,
    names: Mapping[str, str],
    reasons: Mapping[tuple[str, str], tuple[int, str]],
) -> list[list[str]]:
    """Header plus one row per published target × item: targets in publish order (SPEC
    §14.1), then the announced item order; ``reasons``: key -> (seq, reason) of its latest
    correction."""
    t_rank = {c: i for i, c in enumerate(target_order)}
    i_rank = {c: i for i, c in enumerate(item_order)}
    big = 1 << 40
    keys = sorted(
        published.current, key=lambda k: (t_rank.get(k[0], big), k[0], i_rank.get(k[1], big), k[1])
    )
    rows = [list(HEADER)]
    for n, key in enumerate(keys, start=1):
        e = published.current[key]
        corr = reasons.get(key)
        note = NOTE_CORRECTED.format(seq=corr[0], reason=corr[1]) if corr else ""
        rows.append(
            [
                str(n),
                task,
                e.target,
                names.get(e.target, ""),
                e.item,
                e.completed_on,
                TERM_SEPARATOR.join(e.terms),
                published.first_on[key],
                note,
            ]
        )
    return rows


def published_table(
    task: str,
    record_digest: str,
    record: Mapping[str, Any],
    addenda: Sequence[Mapping[str, Any]],
    strata_order: Sequence[str],
    item_order: Sequence[str],
    docs: Sequence[tuple[str, Mapping[str, Any]]],
    vocabularies: Mapping[str, Vocabulary],
    names: Mapping[str, str],
) -> list[list[str]]:
    """The 检查结果公示 table of ``docs`` ((digest, body) in seq order) on the record
    ``record`` (its body) and its ``addenda`` (bodies, seq order): the chain checked as
    ``verify`` checks it, targets in publish order (SPEC §14.1).  ``publish`` and the site
    both build the table here, so the page and the bundle never differ.  ``ConflictError``
    when the chain is one ``verify`` would refuse (the office's own documents: never shown)."""
    published, problem = rdoc.check_chain(
        docs,
        task=task,
        record=record_digest,
        drawn_at=str(record["drawn_at"]),
        targets_after=targets_after(record, addenda),
        items=set(item_order),
        vocabularies=vocabularies,
    )
    if problem is not None:
        raise ConflictError(problem.code, **problem.params)
    order = [r["code"] for r in tbl.result_rows(strata_order, record, addenda)]
    bodies = [b for _d, b in docs]
    return table(task, order, item_order, published, names, corrections(bodies))


def corrections(docs: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[int, str]]:
    """The latest correction (seq, reason) of each target × item in ``docs`` (bodies)."""
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for d in docs:
        for e in d.get("results", []):
            corr = e.get("correction")
            if isinstance(corr, Mapping):
                out[(str(e.get("target")), str(e.get("item")))] = (
                    int(d.get("seq", 0)),
                    str(corr.get("reason", "")),
                )
    return out


_WIDTHS = (6, 16, 22, 36, 10, 12, 36, 12, 30)


def to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM, CRLF rows, inert cells (as results.csv, SPEC §14.1)."""
    return tbl.to_csv([[tbl.inert(v) for v in row] for row in rows])


def to_xlsx(rows: Sequence[Sequence[str]], stamp: str) -> bytes:
    """One sheet of inert string cells, byte-reproducible for the same ``stamp``."""
    return tbl.to_xlsx([[tbl.inert(v) for v in row] for row in rows], stamp, SHEET, _WIDTHS)
