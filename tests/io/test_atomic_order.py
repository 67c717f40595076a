"""``atomic_write_many(one_flush=True)``: every temp file's data is durable before the first
rename, whether by one flush of the file system (Linux) or by an fsync a file (elsewhere)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from randcheck.errors import CannotRunError
from randcheck.io import atomic
from randcheck.io.atomic import atomic_write_many


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record, in order, each fsync (of a file or a folder), each flush and each rename;
    the real calls still run."""
    calls: list[tuple[str, str]] = []
    real_replace, real_fsync, real_flush = os.replace, os.fsync, atomic.flush_file_systems

    def replace(src: str, dst: str | Path) -> None:
        calls.append(("replace", Path(dst).name))
        real_replace(src, dst)

    def fsync(fd: int) -> None:
        calls.append(("fsync", ""))
        real_fsync(fd)

    def flush(folders: list[Path]) -> None:
        calls.append(("flush", ",".join(f.name for f in folders)))
        real_flush(folders)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(atomic, "flush_file_systems", flush)
    return calls


def _files(tmp_path: Path) -> list[tuple[Path, bytes, int]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return [(tmp_path / d / f"{n}.txt", f"{d}{n}".encode(), 0o644)
            for n in range(20) for d in ("a", "b")]  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="one flush is Linux's")
def test_one_flush_makes_all_data_durable_before_the_first_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    calls = _spy(monkeypatch)
    atomic_write_many(files, one_flush=True)
    # one flush with every folder before the first rename, one after the last; no fsync
    renames = [("replace", p.name) for p, _d, _m in files]
    assert calls == [("flush", "a,b"), *renames, ("flush", "a,b")]
    for path, data, _mode in files:
        assert path.read_bytes() == data


def test_without_one_flush_each_file_is_fsynced_before_the_first_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    calls = _spy(monkeypatch)
    atomic_write_many(files)  # the default: unchanged
    kinds = [k for k, _n in calls]
    assert "flush" not in kinds
    first_replace = kinds.index("replace")
    assert kinds[:first_replace] == ["fsync"] * len(files)


def test_where_one_flush_is_unavailable_each_file_keeps_its_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "ONE_FLUSH", False)  # macOS, Windows
    files = _files(tmp_path)
    calls = _spy(monkeypatch)
    atomic_write_many(files, one_flush=True)
    kinds = [k for k, _n in calls]
    assert "flush" not in kinds
    assert kinds[: kinds.index("replace")] == ["fsync"] * len(files)


def test_a_failed_flush_renames_nothing_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "ONE_FLUSH", True)
    (tmp_path / "keep.txt").write_bytes(b"as it was")

    def fail(folders: list[Path]) -> None:
        raise OSError(5, os.strerror(5), str(folders[0]))

    monkeypatch.setattr(atomic, "flush_file_systems", fail)
    with pytest.raises(CannotRunError) as caught:
        atomic_write_many([(tmp_path / "keep.txt", b"changed", 0o644),
                           (tmp_path / "new.txt", b"new", 0o644)], one_flush=True)  # fmt: skip
    assert caught.value.code == "io.cannot_write"
    assert caught.value.params["path"] == str(tmp_path)
    assert (tmp_path / "keep.txt").read_bytes() == b"as it was"
    assert not (tmp_path / "new.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_flush_file_systems_falls_back_to_sync_without_syncfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    monkeypatch.setattr(atomic, "_syncfs", lambda folder: False)
    monkeypatch.setattr(os, "sync", lambda: synced.append("sync"))
    atomic.flush_file_systems([tmp_path, tmp_path / ".."])
    assert synced == ["sync"]  # once, not once a folder
