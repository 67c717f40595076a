"""Fixtures of the 一公开 (results) tests: a workspace, its seeded registry and a drawn task."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import seed_world
from tests.results.world import Drawn, draw_task


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


@pytest.fixture
def drawn(ws: Workspace, engine: Engine) -> Drawn:
    """Task T26 (items K01, G01; three targets), drawn on 2026-09-01."""
    seed_world(engine)
    return draw_task(ws, engine)
