"""An import whose scratch file cannot be written (a full temporary disk) stops with a clear
exit-3 message in the user's language, no traceback, and changes nothing (review finding)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from randcheck import demo_data
from randcheck.services.registry import importer
from tests.conftest import Cli


class _FullDisk:
    """A scratch connection that fails as SQLite does when the disk is full."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real
        self.total_changes = 0

    def execute(self, *args: Any) -> Any:
        return self.real.execute(*args)

    def executemany(self, *args: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    def close(self) -> None:
        self.real.close()


@pytest.mark.parametrize(("lang", "words"), [("zh", "腾出磁盘空间"), ("en", "Free disk space")])
def test_a_full_scratch_disk_is_exit_3_and_changes_nothing(
    ready_cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tree_snapshot: Any,
    lang: str,
    words: str,
) -> None:
    data = tmp_path / "entities.csv"
    demo_data.write_csv(
        data, demo_data.ENTITY_FIELDS, demo_data.ENTITY_FIELDS, demo_data.iter_entities("1", 20)
    )
    before = tree_snapshot(ready_cli.root)
    real_connect = sqlite3.connect
    monkeypatch.setattr(
        importer.sqlite3, "connect", lambda *a, **k: _FullDisk(real_connect(*a, **k))
    )
    result = ready_cli("entities", "import", str(data), lang=lang)
    assert result.exit_code == 3, result.output
    assert words in result.stderr and "disk is full" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.undo()
    assert tree_snapshot(ready_cli.root) == before
    assert ready_cli("entities", "count").stdout.strip() == "0"
