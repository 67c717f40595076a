"""``atomic_write_many``: every temp file's data is durable (fsynced) before the first rename."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from randcheck.io.atomic import atomic_write_many


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record, in order, each fsync (of a file or a folder) and each rename;
    the real calls still run."""
    calls: list[tuple[str, str]] = []
    real_replace, real_fsync = os.replace, os.fsync

    def replace(src: str, dst: str | Path) -> None:
        calls.append(("replace", Path(dst).name))
        real_replace(src, dst)

    def fsync(fd: int) -> None:
        calls.append(("fsync", ""))
        real_fsync(fd)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def _files(tmp_path: Path) -> list[tuple[Path, bytes, int]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return [(tmp_path / d / f"{n}.txt", f"{d}{n}".encode(), 0o644)
            for n in range(20) for d in ("a", "b")]  # fmt: skip


def test_each_file_is_fsynced_before_the_first_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    calls = _spy(monkeypatch)
    atomic_write_many(files)
    kinds = [k for k, _n in calls]
    first_replace = kinds.index("replace")
    assert kinds[:first_replace] == ["fsync"] * len(files)
    # the renames in the given order, then one fsync of each folder
    assert calls[first_replace : first_replace + len(files)] == [
        ("replace", p.name) for p, _d, _m in files
    ]
    assert kinds[first_replace + len(files) :] == ["fsync", "fsync"]
    for path, data, _mode in files:
        assert path.read_bytes() == data
