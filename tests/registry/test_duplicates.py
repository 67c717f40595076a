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


@pytest.mark.parametrize("plan", [["A", "B", "A", "C"], ["A", "B", "C", "D", "E", "B"]])
def test_a_first_import_reports_a_key_repeated_across_chunks_and_writes_nothing(
    tmp_path: Path,
    ws_root: Path,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    plan: list[str],
) -> None:
    """No bad row stops the writes first: the repeated key reaches the empty table's insert,
    which must end as the row's error (not the database's unique-key error), nothing kept."""
    from sqlalchemy import func, select

    from randcheck.store.models import Entity

    monkeypatch.setattr(importer, "BATCH", 2)
    found, count = _errors(tmp_path, ws_root, engine, plan)
    dup = next(i for i, n in enumerate(plan) if n in plan[:i])
    assert found == [(2 + dup, "registry.duplicate_key", 2 + plan.index(plan[dup]))]
    assert count == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Entity)).scalar_one() == 0


def test_a_first_import_whose_table_is_written_meanwhile_says_so_and_keeps_nothing(
    tmp_path: Path, ws_root: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table was empty when the import began and another writer added one of the file's
    keys since: the unique-key clash is no repeated row of the file, and is named as such."""
    from sqlalchemy import func, select

    from randcheck.errors import CannotRunError
    from randcheck.store.models import Entity

    ws = init_workspace(ws_root, "测试局", "330481")[0]
    rows = list(demo_data.iter_entities("meanwhile", 5))
    path = tmp_path / "e.csv"
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows)
    real_init = importer._Importer.__init__

    def init(self: importer._Importer, conn, spec, write) -> None:  # type: ignore[no-untyped-def]
        real_init(self, conn, spec, write)
        conn.execute(Entity.__table__.insert().values(  # type: ignore[attr-defined]
            code=rows[3]["code"], name="另一个写入者", row_hash="x", active=True))  # fmt: skip

    monkeypatch.setattr(importer._Importer, "__init__", init)
    with pytest.raises(CannotRunError) as caught:
        reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    assert caught.value.code == "registry.changed_meanwhile"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Entity)).scalar_one() == 0
