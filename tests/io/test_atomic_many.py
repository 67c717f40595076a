"""``atomic_write_many``: many files, each atomically, the waits for the disk overlapped."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from randcheck.errors import CannotRunError
from randcheck.io.atomic import atomic_write_many


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def test_writes_every_file_with_its_bytes_and_mode(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "old.txt").write_bytes(b"old")
    files = [(tmp_path / f"f{i}.txt", f"data {i}".encode(), 0o644) for i in range(40)]
    files += [(tmp_path / "sub" / "x.bin", b"\x00" * 100_000, 0o600),
              (tmp_path / "old.txt", b"new", 0o644)]  # fmt: skip
    atomic_write_many(files)
    for path, data, mode in files:
        assert path.read_bytes() == data
        if sys.platform != "win32":
            assert stat.S_IMODE(path.stat().st_mode) == mode
    assert _leftovers(tmp_path) == []


def test_a_failure_changes_no_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_bytes(b"as it was")
    files = [
        (tmp_path / "keep.txt", b"changed", 0o644),
        (tmp_path / "a.txt", b"a", 0o644),
        (tmp_path / "missing" / "b.txt", b"b", 0o644),
    ]  # its folder does not exist
    with pytest.raises(CannotRunError) as caught:
        atomic_write_many(files)
    assert caught.value.code == "io.cannot_write"
    assert caught.value.params["path"] == str(tmp_path / "missing" / "b.txt")
    assert (tmp_path / "keep.txt").read_bytes() == b"as it was"  # no rename happened
    assert not (tmp_path / "a.txt").exists()
    assert _leftovers(tmp_path) == []


def test_renames_follow_the_given_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: str | Path) -> None:
        seen.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    names = [f"{c}.txt" for c in "zyxwvutsrq"]
    atomic_write_many([(tmp_path / n, n.encode(), 0o644) for n in names])
    assert seen == names
