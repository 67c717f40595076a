"""``results`` and ``results.xlsx``: what the public downloads, against the signed record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from randcheck.bundle import layout
from randcheck.bundle import table as tbl
from randcheck.core.canonical import parse
from randcheck.core.checks import Check
from randcheck.core.draw.announce import Announcement
from randcheck.core.draw.envelope import Envelope
from randcheck.errors import RandcheckError
from randcheck.services.verify.reading import JSON_DEPTH, XLSX_EXPANSION, BundleFiles, xlsx_within


@dataclass(frozen=True)
class Expected:
    """What the signed documents (and inspectors.json) say the public files must show."""

    task: str
    rows: list[dict[str, Any]]  # result rows after the addenda, in publish order
    table: list[list[str]]  # results.csv's cells, the name column's left "" (no signed source)
    inspectors: dict[str, str]  # badge -> name, from inspectors.json


def inspector_names(files: BundleFiles) -> dict[str, str] | None:
    """badge -> name from inspectors.json; None when it is missing or not the roster's list."""
    try:
        doc = parse(files.get(layout.INSPECTORS, b""), max_depth=JSON_DEPTH)
        roster = parse(files.get(layout.ROSTER, b""), max_depth=JSON_DEPTH)
        rows = doc["inspectors"]
        ids = [str(r["id"]) for r in roster["inspectors"]]
        names: dict[str, str] = {}
        for r in rows:
            if set(r) != set(layout.PUBLIC_INSPECTOR_FIELDS) or not all(
                isinstance(r[f], str) for f in layout.PUBLIC_INSPECTOR_FIELDS
            ):
                return None
            if r["badge_no"] in names:
                return None
            names[r["badge_no"]] = r["name"]
    except (RandcheckError, KeyError, TypeError, AttributeError):
        return None
    return names if list(names) == ids else None


def expected(
    files: BundleFiles,
    ann: Announcement | None,
    rec: Mapping[str, Any] | None,
    adds: Sequence[Envelope | None],
    fmt: str,
) -> Expected | Check:
    """The expected public content, or the failed ``results`` check saying why there is none."""
    if ann is None or rec is None or any(a is None for a in adds):
        return Check.skipped("results")
    try:
        order = [p.id for p in ann.strata]
        rows = tbl.result_rows(order, rec, [a.doc for a in adds if a is not None])
    except (KeyError, TypeError, ValueError):
        return Check.skipped("results")
    names = inspector_names(files)
    if names is None:
        if layout.INSPECTORS not in files:
            return files.absent("results", layout.INSPECTORS)
        return Check.failed("results", "verify.inspectors_bad", file=layout.INSPECTORS)
    for r in rows:
        for b in r["badges"]:
            if b not in names:
                return Check.failed(
                    "results", "verify.inspector_unknown", badge=b, entity=r["code"]
                )
    table = tbl.cells(tbl.build(ann.task.id, rows, {}, names), fmt)
    return Expected(ann.task.id, rows, table, names)


def csv_rows(files: BundleFiles) -> list[list[str]] | None:
    data = files.get(layout.RESULTS_CSV)
    return None if data is None else tbl.from_csv(data)


def csv_names(files: BundleFiles, fmt: str) -> dict[str, str]:
    """code -> entity name as results.csv shows it (the inert-cell prefix taken off)."""
    rows = csv_rows(files) or []
    unquote = (lambda v: v) if fmt == layout.FORMAT_V1 else tbl.raw
    return {
        unquote(r[tbl.CODE_COL]): unquote(r[tbl.NAME_COL])
        for r in rows[1:]
        if len(r) == len(tbl.COLUMNS)
    }


def results_check(files: BundleFiles, exp: Expected | Check, fmt: str) -> Check:
    """Every column of results.csv against the signed record after its addenda."""
    if layout.RESULTS_CSV not in files:
        return files.absent("results", layout.RESULTS_CSV)
    if isinstance(exp, Check):
        return exp
    rows = csv_rows(files)
    if rows is None:
        return Check.failed("results", "verify.results_unreadable", file=layout.RESULTS_CSV)
    if not rows or rows[0] != exp.table[0]:
        return Check.failed("results", "verify.results_header", file=layout.RESULTS_CSV)
    unquote = (lambda v: v) if fmt == layout.FORMAT_V1 else tbl.raw
    for i, (got, want) in enumerate(zip(rows[1:], exp.table[1:], strict=False), start=2):
        entity = unquote(want[tbl.CODE_COL])
        if len(got) != len(want):
            return Check.failed("results", "verify.results_row", row=i, entity=entity)
        for c, (g, w) in enumerate(zip(got, want, strict=True)):
            if c == tbl.NAME_COL:
                if fmt != layout.FORMAT_V1 and tbl.inert(tbl.raw(g)) != g:
                    return Check.failed("results", "verify.results_live", row=i, entity=entity)
                if not unquote(g).strip():
                    return Check.failed("results", "verify.results_no_name", row=i, entity=entity)
            elif g != w:
                return Check.failed(
                    "results",
                    "verify.results_cell",
                    row=i,
                    column=tbl.TITLES[tbl.COLUMNS[c]],
                    got=g[:60],
                    expected=w,
                )
    if len(rows) != len(exp.table):
        return Check.failed(
            "results", "verify.results_count", got=len(rows) - 1, expected=len(exp.table) - 1
        )
    return Check.passed("results", "verify.results_ok", rows=len(rows) - 1)


def xlsx_check(files: BundleFiles) -> Check:
    """results.xlsx shows exactly results.csv, header row included, as plain text cells."""
    data = files.get(layout.RESULTS_XLSX)
    if data is None:
        return files.absent("results.xlsx", layout.RESULTS_XLSX)
    rows = csv_rows(files)
    if rows is None:
        if layout.RESULTS_CSV not in files:
            return files.absent("results.xlsx", layout.RESULTS_CSV)
        return Check.failed("results.xlsx", "verify.results_unreadable", file=layout.RESULTS_CSV)
    bound = XLSX_EXPANSION * (len(files[layout.RESULTS_CSV]) + 64 * 1024)
    if not xlsx_within(data, bound):
        return Check.failed("results.xlsx", "verify.xlsx_bomb", file=layout.RESULTS_XLSX,
                            limit=bound)  # fmt: skip
    got = tbl.from_xlsx(data, tbl.SHEET)
    if isinstance(got, str):
        return Check.failed("results.xlsx", got, file=layout.RESULTS_XLSX, sheet=tbl.SHEET)
    want = [list(r) for r in rows]
    for r in want:
        while r and r[-1] == "":
            r.pop()
    for i, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        if g != w:
            return Check.failed("results.xlsx", "verify.xlsx_row", row=i)
    if len(got) != len(want):
        return Check.failed("results.xlsx", "verify.xlsx_count", got=len(got), expected=len(want))
    return Check.passed("results.xlsx", "verify.xlsx_ok", rows=len(want))
