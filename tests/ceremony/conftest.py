"""Fixtures of the ceremony tests: the demo registries (written once per module) and an
announced workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ceremony import workspace as w


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return w.demo_files(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def ws(ws_root: Path, db_url: str, demo: dict[str, Path]) -> Path:
    """An initialised workspace with the demo registries and :data:`w.TASK` announced."""
    w.build(ws_root, db_url, demo)
    return ws_root
