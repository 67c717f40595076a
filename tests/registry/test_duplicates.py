"""Keys read in an earlier chunk are found at the end of an import (one sort of the scratch
file), yet the errors kept under ``MAX_REPORTED_ERRORS`` are the ones checking each chunk as it
settled kept: after the errors of the rows read up to that chunk's settling, in row order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck import demo_data
from randcheck.errors import InputError
from randcheck.services import registry as reg
from randcheck.services.registry import importer
from randcheck.workspace import init_workspace

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


def _errors(
    tmp_path: Path, ws_root: Path, engine: Engine, plan: list[str]
) -> tuple[list[tuple[int, str, int | None]], int]:
    """Imports rows named by ``plan`` ("A", "B" …: a code each; "bad": an invalid code)
    and returns (row, catalog key, first row) of the reported errors and their count."""
    ws = init_workspace(ws_root, "测试局", "330481")[0]
    base = list(demo_data.iter_entities("dups-cap", len(plan)))
    codes: dict[str, str] = {}
    rows = []
    for i, name in enumerate(plan):
        row = dict(base[i])
        row["code"] = "X1" if name == "bad" else codes.setdefault(name, base[i]["code"])
        rows.append(row)
    path = tmp_path / "e.csv"
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows)
    with pytest.raises(InputError) as caught:
        reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    found = [(e.row, e.code, e.params.get("first")) for e in caught.value.rows]
    return found, int(caught.value.params["count"])


@pytest.mark.parametrize(
    ("plan", "cap", "expected"),
    [
        # chunks of 2: {A, B} settles at row 3, {A, C} at row 6: the late A (row 5) is found
        # then, after row 4's error and before row 7's
        (["A", "B", "bad", "A", "C", "bad"], 2, [(4, "uscc"), (5, "dup")]),
        (["A", "B", "bad", "A", "C", "bad"], 3, [(4, "uscc"), (5, "dup"), (7, "uscc")]),
        # {A, B} at row 3; {A, C} at row 6: row 5's error is found before row 4's duplicate
        (["A", "B", "A", "bad", "C"], 1, [(5, "uscc")]),
        (["A", "B", "A", "bad", "C"], 2, [(4, "dup"), (5, "uscc")]),
        # a duplicate inside a chunk is found at once; the last chunk settles after every row
        (["A", "A", "B", "bad", "B", "A"], 2, [(3, "dup"), (5, "uscc")]),
        (["A", "A", "B", "bad", "B", "A"], 9, [(3, "dup"), (5, "uscc"), (6, "dup"), (7, "dup")]),
    ],
)
def test_the_kept_errors_are_those_found_chunk_by_chunk(
    tmp_path: Path,
    ws_root: Path,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    plan: list[str],
    cap: int,
    expected: list[tuple[int, str]],
) -> None:
    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer, "MAX_REPORTED_ERRORS", cap)
    found, count = _errors(tmp_path, ws_root, engine, plan)
    assert [
        (row, "dup" if key == "registry.duplicate_key" else "uscc") for row, key, _ in found
    ] == expected
    assert count == sum(1 for i, n in enumerate(plan) if n == "bad" or n in plan[:i])
    firsts = {row: first for row, key, first in found if key == "registry.duplicate_key"}
    for row, first in firsts.items():  # the row where that code was first read
        assert first == 2 + plan.index(plan[row - 2])
