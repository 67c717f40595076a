"""results.csv and results.xlsx: the table of current targets, built, written and read here.

The column titles and the note texts are protocol constants (SPEC §14.1), not catalog
entries: ``verify`` compares them byte for byte, so a translator's edit must never change them.

**Inert cells** (bundle format v2): a cell that a spreadsheet could take for a formula is
written with a leading apostrophe, as OWASP recommends against CSV injection.  The rule is a
bijection, so a reader gets every value back exactly (:func:`inert` / :func:`raw`).  XLSX cells
are always written as strings, never as formulas or numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from randcheck.bundle.layout import FORMAT_V1

COLUMNS = ("task", "stratum", "batch", "code", "name", "badges", "inspectors", "note")
TITLES = {
    "task": "任务编号",
    "stratum": "层",
    "batch": "批次",
    "code": "统一社会信用代码/注册号",
    "name": "名称",
    "badges": "检查人员执法证号",
    "inspectors": "检查人员姓名",
    "note": "备注",
}
HEADER = [TITLES[c] for c in COLUMNS]
NAME_COL = COLUMNS.index("name")
CODE_COL = COLUMNS.index("code")
NOTE_REPLACEMENT = "替补（第 {seq} 号补充记录替换 {target}）"
NOTE_TEAM_CHANGED = "检查组经第 {seq} 号补充记录调整"
SEPARATOR = ";"  # between badge numbers and between inspector names
SHEET = "抽查结果"
BOM = b"\xef\xbb\xbf"

#: first characters that make a spreadsheet read a cell as a formula (OWASP), plus the
#: apostrophe itself so that the prefix can always be taken off again
TRIGGERS = frozenset("=+-@\t\r'")


def inert(value: str) -> str:
    """``value`` with a leading ``'`` when it starts with ``= + - @``, tab, CR or ``'``."""
    return "'" + value if value[:1] in TRIGGERS else value


def raw(cell: str) -> str:
    """The value :func:`inert` made ``cell`` from (the inverse of :func:`inert`)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in TRIGGERS else cell


# -- the rows ------------------------------------------------------------------------------


def final_state(
    record: Mapping[str, Any], addenda: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], dict[str, int]]:
    """Targets after the signed addenda (bodies already replayed by the verifier).

    Returns (target -> team rows in staffing order, target -> stratum, target -> the seq of the
    addendum that brought it in or changed its team).
    """
    teams: dict[str, list[dict[str, Any]]] = {}
    stratum: dict[str, str] = {}
    changed: dict[str, int] = {}
    for row in record["teams"]:
        teams[row["target"]] = list(row["members"])
        stratum[row["target"]] = row["stratum"]
    for add in addenda:
        target = add["target"]
        if add["action"] == "replace_target" and add["replacement"] is not None:
            s = stratum.pop(target, add["replacement"]["stratum"])
            teams.pop(target, None)
            new = add["replacement"]["code"]
            teams[new] = list(add["team"])
            stratum[new] = s
            changed[new] = add["seq"]
        elif target in teams:
            teams[target] = list(add["team"])
            changed[target] = add["seq"]
    return teams, stratum, changed


def result_rows(
    strata_order: Sequence[str],
    record: Mapping[str, Any],
    addenda: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One row per current target in *publish order*: announced stratum order, then draw rank,
    replacements last (by the addendum that brought them in)."""
    teams, stratum, changed = final_state(record, addenda)
    batch = {d["code"]: d["batch"] for s in record["strata"] for d in s["drawn"]}
    replaced_by = {
        a["replacement"]["code"]: (a["seq"], a["target"])
        for a in addenda
        if a["action"] == "replace_target" and a["replacement"] is not None
    }
    order = {sid: i for i, sid in enumerate(strata_order)}
    rank: dict[str, int] = {}
    for s in record["strata"]:
        for i, d in enumerate(s["drawn"]):
            rank[d["code"]] = i
    rows: list[dict[str, Any]] = [
        {
            "stratum": stratum[code],
            "batch": batch.get(code),
            "code": code,
            "badges": [m["id"] for m in teams[code]],
            "experts": [m["expert"] for m in teams[code]],
            "replaces": replaced_by.get(code),
            "team_changed": changed.get(code) if code not in replaced_by else None,
        }
        for code in teams
    ]
    big = 1 << 40
    rows.sort(
        key=lambda r: (
            order.get(r["stratum"], big),
            r["replaces"] is not None,
            rank.get(r["code"], big),
            r["replaces"][0] if r["replaces"] else 0,
        )
    )
    return rows


def note_text(row: Mapping[str, Any]) -> str:
    if row["replaces"] is not None:
        return NOTE_REPLACEMENT.format(seq=row["replaces"][0], target=row["replaces"][1])
    if row["team_changed"] is not None:
        return NOTE_TEAM_CHANGED.format(seq=row["team_changed"])
    return ""


def build(
    task_id: str,
    rows: Sequence[Mapping[str, Any]],
    entity_names: Mapping[str, str],
    inspector_names: Mapping[str, str],
) -> list[list[str]]:
    """The table's values (heading row first), before the inert-cell rule is applied."""
    return [list(HEADER)] + [
        [
            task_id,
            r["stratum"],
            "" if r["batch"] is None else str(r["batch"]),
            r["code"],
            entity_names.get(r["code"], ""),
            SEPARATOR.join(r["badges"]),
            SEPARATOR.join(inspector_names.get(b, "") for b in r["badges"]),
            note_text(r),
        ]
        for r in rows
    ]


def cells(table: Sequence[Sequence[str]], fmt: str) -> list[list[str]]:
    """The cells as written in a bundle of format ``fmt`` (v1: raw; later: inert)."""
    if fmt == FORMAT_V1:
        return [list(row) for row in table]
    return [[inert(v) for v in row] for row in table]


# -- results.csv ---------------------------------------------------------------------------


def to_csv(table: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM, CRLF rows, minimal quoting (what Excel and WPS open directly)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(table)
    return BOM + buf.getvalue().encode("utf-8")


def from_csv(data: bytes) -> list[list[str]] | None:
    """The rows of a results.csv, or None when it is not UTF-8 CSV with a BOM."""
    if not data.startswith(BOM):
        return None
    try:
        return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None


# -- results.xlsx --------------------------------------------------------------------------

_WIDTHS = (16, 8, 6, 22, 36, 28, 24, 30)


def to_xlsx(
    table: Sequence[Sequence[str]],
    stamp: str,
    sheet: str = SHEET,
    widths: Sequence[int] = _WIDTHS,
) -> bytes:
    """One sheet of string cells, with fixed document times and zip dates (byte-reproducible).

    Every cell is a string: openpyxl would otherwise store ``=…`` as a formula.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in table:
        ws.append(list(row))
    for sheet_row in ws.iter_rows():
        for cell in sheet_row:
            if cell.value is not None:
                cell.data_type = "s"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    fixed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "randcheck"
    out = io.BytesIO()
    wb.save(out)
    return _pin_zip(out.getvalue(), stamp)


def _pin_zip(data: bytes, stamp: str) -> bytes:
    """Fixed zip dates and modes, and the "modified" time openpyxl stamps from the clock."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            z = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode("ascii") + rb"\g<2>",
                    body,
                )
            dst.writestr(z, body)
    return out.getvalue()


def from_xlsx(data: bytes, sheet: str | None = None) -> list[list[str]] | str:
    """The one sheet's rows as text (blank cells "", trailing blanks dropped), or the catalog
    code of what is wrong: not a workbook, more than one sheet, a sheet not named ``sheet``
    (when given), or a cell that is not plain text (a formula, a number, a date, or a custom
    number format that could show other text).
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # any damage in the zip or the XML: openpyxl raises many kinds
        return "verify.xlsx_unreadable"
    try:
        if len(wb.worksheets) != 1:
            return "verify.xlsx_sheets"
        if sheet is not None and wb.worksheets[0].title != sheet:
            return "verify.xlsx_sheet_name"
        rows: list[list[str]] = []
        for row in wb.worksheets[0].iter_rows():
            out: list[str] = []
            for cell in row:
                value = getattr(cell, "value", None)
                if value is None:
                    out.append("")
                    continue
                if getattr(cell, "data_type", None) == "f":
                    return "verify.xlsx_formula"
                if not isinstance(value, str) or cell.number_format != "General":
                    return "verify.xlsx_cell_type"
                out.append(value)
            while out and out[-1] == "":
                out.pop()
            rows.append(out)
        while rows and not rows[-1]:
            rows.pop()
        return rows
    except Exception:  # a sheet that cannot be read to the end
        return "verify.xlsx_unreadable"
    finally:
        wb.close()
