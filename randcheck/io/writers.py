"""Export registry rows to .csv (UTF-8 with BOM, so Excel opens it), .xlsx or .json, atomically.

Text that starts with ``=`` is written to XLSX as a string cell, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from randcheck.errors import UsageError
from randcheck.io.atomic import atomic_open

EXPORT_EXTENSIONS = (".csv", ".xlsx", ".json")


def check_export_path(path: Path) -> str:
    """The export format for ``path`` (from its extension), or a ``UsageError``."""
    ext = path.suffix.lower()
    if ext not in EXPORT_EXTENSIONS:
        raise UsageError("registry.export_ext", ext=ext or "-")
    return ext.lstrip(".")


def write_table(
    path: Path,
    columns: list[str],
    text_rows: Iterable[Mapping[str, str]],
    json_rows: Iterable[Mapping[str, Any]],
) -> int:
    """Write ``text_rows`` (CSV/XLSX) or ``json_rows`` (JSON) to ``path``; returns the row count.

    Only the iterable for the chosen format is consumed.
    """
    fmt = check_export_path(path)
    count = 0
    with atomic_open(path) as fh:
        if fmt == "csv":
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(columns)
            for row in text_rows:
                writer.writerow([row.get(c, "") for c in columns])
                count += 1
            text.flush()
            text.detach()
        elif fmt == "xlsx":
            import openpyxl
            from openpyxl.cell import WriteOnlyCell

            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet("data")
            sheet.append(columns)
            for row in text_rows:
                cells = []
                for c in columns:
                    cell = WriteOnlyCell(sheet, value=row.get(c, ""))
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cells.append(cell)
                sheet.append(cells)
                count += 1
            book.save(fh)
        else:
            fh.write(b"[")
            for row in json_rows:
                fh.write(
                    (b",\n" if count else b"\n")
                    + json.dumps(
                        {c: row.get(c) for c in columns}, ensure_ascii=False, sort_keys=True
                    ).encode("utf-8")
                )
                count += 1
            fh.write(b"\n]\n")
    return count
