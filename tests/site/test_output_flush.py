"""The site's writes: a large batch is made durable by one flush (``one_flush``), a few files
by an fsync each; either way every file ends up with its bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from randcheck.io import atomic
from randcheck.site import output


def test_one_flush_only_for_a_large_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, bool]] = []
    real = atomic.atomic_write_many

    def spy(files: Sequence[tuple[Path, bytes, int]], **kw: Any) -> None:
        seen.append((len(files), kw.get("one_flush", False)))
        real(files, **kw)

    monkeypatch.setattr(output, "atomic_write_many", spy)
    many = {f"tasks/T{n // 10}/p{n}.html": f"<p>{n}</p>".encode() for n in range(output.MANY)}
    output.write_all(tmp_path, many)
    assert seen == [(output.MANY, True), (0, False)]  # the pages, then no ``last`` files
    seen.clear()
    few = {"index.html": b"<p>new</p>", "tasks/T0/p0.html": b"<p>changed</p>"}
    output.write_all(tmp_path, {**many, **few})
    assert seen == [(2, False), (0, False)]
    for rel, data in {**many, **few}.items():
        assert tmp_path.joinpath(*rel.split("/")).read_bytes() == data
