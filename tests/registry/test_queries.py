"""``registry.names_by_code``: the one lookup of names by key (the draw screens, the published
table); and the region an entity takes from its credit code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck import demo_data
from randcheck.services import draws
from randcheck.services import registry as reg
from randcheck.workspace import Workspace, init_workspace

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)


def _ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试局", "330481")[0]


def test_names_by_code(tmp_path: Path, ws_root: Path, engine: Engine) -> None:
    ws = _ws(ws_root)
    rows = list(demo_data.iter_entities("names", 30))
    path = tmp_path / "e.csv"
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows)
    reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    wanted = [rows[3]["code"], rows[7]["code"], "91350100M000100Y43", rows[3]["code"]]
    with engine.connect() as conn:
        names = reg.names_by_code(conn, "entities", wanted)
    assert names == {rows[3]["code"]: rows[3]["name"], rows[7]["code"]: rows[7]["name"]}
    assert reg.names_by_code(engine, "entities", wanted) == names
    assert draws.entity_names(engine, wanted) == names  # the draw screens use the same lookup
    assert reg.names_by_code(engine, "entities", []) == {}


def test_region_defaults_from_credit_code_and_is_overridden(
    tmp_path: Path, ws_root: Path, engine: Engine
) -> None:
    ws = _ws(ws_root)
    rows = list(demo_data.iter_entities("region", 4))
    no_region = {**rows[0], "region_code": ""}
    explicit = {**rows[1], "region_code": "330482"}
    legacy_only = {**rows[2], "code": "", "legacy_reg_no": "110108000000016", "region_code": ""}
    spec = reg.ENTITIES
    fast = reg.fast_for(spec)
    for values, region in (
        (no_region, rows[0]["code"][2:8]),
        (explicit, "330482"),
        (legacy_only, ""),  # a legacy 注册号 gives no region: only the credit code does
    ):
        checked = reg.validate_record(spec, values, "f", 2, {})
        assert checked.record is not None
        assert checked.record["region_code"] == region
        try:
            got = fast(values)
        except (reg.Slow, ValueError):
            assert values is legacy_only  # the fast path takes ordinary rows
            continue
        assert got == reg.row_tuple(spec, checked.record)
    path = tmp_path / "e.csv"
    demo_data.write_csv(
        path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, [no_region, explicit]
    )
    reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    with engine.connect() as conn:
        found = {r["code"]: r["region_code"] for r in reg.iter_entities(conn)}
        assert reg.count_rows(conn, "entities", {"region": rows[0]["code"][2:6]}) >= 1
    assert found == {rows[0]["code"]: rows[0]["code"][2:8], rows[1]["code"]: "330482"}
    with engine.connect() as conn:
        digest = reg.state_digests(conn)
    reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    with engine.connect() as conn:
        assert reg.state_digests(conn) == digest  # deterministic


def test_duplicates_across_chunks_and_replace(
    tmp_path: Path, ws_root: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys live in a scratch file, not in memory: duplicates are still found across chunks,
    reported in row order with the first row, and --replace still deactivates exactly the rows
    the file lacks."""
    from randcheck.errors import InputError
    from randcheck.services.registry import importer

    monkeypatch.setattr(importer, "BATCH", 3)
    monkeypatch.setattr(importer.SeenKeys, "LOOKUP", 2)  # --replace reads active keys in parts
    ws = _ws(ws_root)
    rows = list(demo_data.iter_entities("dups", 10))
    path = tmp_path / "e.csv"
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows)
    reg.import_file(engine, ws, "entities", path, actor="t", now=NOW)
    bad = [*rows[:8], rows[1], rows[7], rows[8]]  # file rows 10 and 11 repeat rows 3 and 9
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, bad)
    with engine.connect() as conn:
        before = reg.state_digests(conn)
    with pytest.raises(InputError) as caught:
        reg.import_file(engine, ws, "entities", path, actor="t", now=NOW, replace=True)
    assert [(e.row, e.code, e.params) for e in caught.value.rows] == [
        (10, "registry.duplicate_key", {"first": 3}),
        (11, "registry.duplicate_key", {"first": 9}),
    ]
    with engine.connect() as conn:
        assert reg.state_digests(conn) == before
    demo_data.write_csv(path, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, rows[2:9])
    result = reg.import_file(engine, ws, "entities", path, actor="t", now=NOW, replace=True)
    assert result.deactivated == 3
    with engine.connect() as conn:
        active = {r["code"] for r in reg.iter_entities(conn)}
    assert active == {r["code"] for r in rows[2:9]}
