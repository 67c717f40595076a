"""``registry.names_by_code``: the one lookup of names by key (the draw screens, the published
table); and the region an entity takes from its credit code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
