"""The hand-computed workspace of tests/stats/world.py, built once per test module (its four
draws take a few seconds) on SQLite or, with ``RANDCHECK_TEST_DATABASE_URL``, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck.workspace import Workspace, init_workspace
from tests.conftest import fresh_db_url
from tests.stats import world as W


@dataclass
class Built:
    ws: Workspace
    engine: Engine
    url: str
    world: W.World


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    from randcheck.store.db import open_engine

    tmp = tmp_path_factory.mktemp("stats")
    with fresh_db_url(tmp / "ws") as url:
        ws = init_workspace(tmp / "ws", "测试市市场监督管理局", "320500")[0]
        engine = open_engine(url)
        w = W.build(ws, engine, tmp)
        W.enter_results(w, engine, tmp)
        W.import_history(w, engine, tmp)
        try:
            yield Built(ws, engine, url, w)
        finally:
            engine.dispose()


@pytest.fixture
def stats_root(built: Built) -> Path:
    return built.ws.root
