"""Fixtures of the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import seed_world
from tests.results.world import draw_task
from tests.site.world import World, add_tasks, import_roster


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


@pytest.fixture
def world(ws: Workspace, engine: Engine, tmp_path: Path) -> World:
    seed_world(engine)
    import_roster(ws, engine, tmp_path)
    drawn = draw_task(ws, engine)
    add_tasks(ws, engine, tmp_path)
    return World(ws, engine, drawn, tmp_path)
