"""Writing the site folder: only files whose bytes changed, each atomically; files the site no
longer has are removed, but only those the previous ``SHA256SUMS`` listed — anything else in
the folder (a web server's own files, a README the office put there) is never touched.

A file's content is ``bytes``, or a ``Path`` to a file already in place in the folder (a zip
kept from the previous build, a directory page written as it was streamed): those are hashed
from disk for ``SHA256SUMS``, not rewritten.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from randcheck.bundle import layout
from randcheck.errors import CannotRunError, InputError
from randcheck.io.atomic import atomic_write, atomic_write_many, make_private_dir
from randcheck.workspace import PUBLISH_MODE

Content = bytes | Path


class Contents(Mapping[str, bytes]):
    """{relative path: bytes} over :data:`Content` values (a ``Path`` is read when asked),
    so that ``layout.sums_text`` — the bundle's one ``SHA256SUMS`` format — hashes them."""

    def __init__(self, files: Mapping[str, Content]) -> None:
        self.files = files

    def __getitem__(self, key: str) -> bytes:
        value = self.files[key]
        return value.read_bytes() if isinstance(value, Path) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


@dataclass
class Written:
    written: list[str]
    unchanged: int
    removed: list[str]


def previous_sums(out: Path) -> dict[str, str]:
    """{path: digest} of the folder's current ``SHA256SUMS`` ({} if none or unreadable: then
    nothing is removed)."""
    try:
        return layout.parse_sums((out / layout.SUMS).read_bytes())
    except (OSError, InputError):
        return {}


def _is_link(st: os.stat_result) -> bool:
    """A symbolic link, or (Windows) a junction or other reparse point."""
    reparse = getattr(st, "st_file_attributes", 0) & 0x400  # FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_ISLNK(st.st_mode) or bool(reparse)


def check_folders(out: Path, rels: Iterable[str]) -> None:
    """Refuse, before anything is written, when a folder inside ``out`` on the way to one of
    ``rels`` is a symbolic link (or junction): writes and removals through it would land
    outside the site folder.  Each folder is looked at (``lstat``) once."""
    seen: set[str] = set()
    for rel in rels:
        parts = rel.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            sub = "/".join(parts[:n])
            if sub in seen:
                continue
            seen.add(sub)
            path = out.joinpath(*parts[:n])
            try:
                st = os.lstat(path)
            except OSError:
                break  # not there yet: made by the write, as a plain folder
            if _is_link(st):
                raise CannotRunError("site.symlinked_folder", path=str(path))


def _inside(out: Path, path: Path) -> bool:
    """Whether ``path``'s folder, all links followed, is ``out`` or inside it."""
    try:
        parent = path.parent.resolve(strict=True)
    except OSError:
        return False
    return parent == out or out in parent.parents


def _mkdirs(out: Path, rel: str) -> None:
    parent = out
    for part in rel.split("/")[:-1]:
        parent = parent / part
        if parent.is_symlink():
            raise CannotRunError("site.symlinked_folder", path=str(parent))
        if not parent.is_dir():
            make_private_dir(parent, PUBLISH_MODE)


def same(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data``."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_one(out: Path, rel: str, data: bytes) -> bool:
    """Write ``out/rel`` unless it already holds ``data``; True when written."""
    path = out.joinpath(*rel.split("/"))
    check_folders(out, [rel])
    if same(path, data):
        return False
    try:
        _mkdirs(out, rel)
        if path.is_symlink():  # never write through a link
            path.unlink()
        atomic_write(path, data, 0o644)
    except OSError as exc:
        raise CannotRunError(
            "site.cannot_write", path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    return True


def _write_batch(out: Path, batch: list[tuple[str, bytes]]) -> None:
    """Write ``batch`` ({relative path, bytes}) atomically, the disk waits overlapped."""
    todo = []
    for rel, data in batch:
        path = out.joinpath(*rel.split("/"))
        try:
            _mkdirs(out, rel)
            if path.is_symlink():  # never write through a link
                path.unlink()
        except OSError as exc:
            raise CannotRunError(
                "site.cannot_write", path=str(path), reason=exc.strerror or str(exc)
            ) from exc
        todo.append((path, data, 0o644))
    try:
        atomic_write_many(todo)
    except CannotRunError as exc:
        raise CannotRunError(
            "site.cannot_write", path=exc.params.get("path", str(out)),
            reason=exc.params.get("reason", ""),
        ) from exc  # fmt: skip


#: a temp file :mod:`randcheck.io.atomic` writes beside its target (``.<name>.<8 chars>.tmp``)
TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def sweep_temps(out: Path) -> list[str]:
    """Remove the temp files a build killed mid-write left in the site folder (never followed
    into a symlinked folder); called with the build lock held.  Returns them, relative."""
    gone = []
    for folder, dirs, names in os.walk(out):  # os.walk does not follow links
        dirs.sort()
        for name in sorted(names):
            if TEMP.match(name):
                path = Path(folder, name)
                with contextlib.suppress(OSError):
                    path.unlink()
                    gone.append(path.relative_to(out).as_posix())
    return gone


def write_all(out: Path, files: Mapping[str, Content], last: tuple[str, ...] = ()) -> Written:
    """Write ``files`` whose bytes changed — all but those named in ``last``, then (once the
    others are on disk) those — then remove the files the previous ``SHA256SUMS`` listed that
    ``files`` no longer has."""
    sweep_temps(out)
    before = previous_sums(out)
    gone = sorted(set(before) - set(files), key=lambda p: p.encode("utf-8"))
    check_folders(out, [*files, *gone])
    written: list[str] = []
    unchanged = 0
    order = sorted((p for p in files if p not in last), key=lambda p: p.encode("utf-8"))
    for group in (order, [p for p in last if p in files]):
        batch = []
        for rel in group:
            value = files[rel]
            if isinstance(value, Path) or same(out.joinpath(*rel.split("/")), value):
                unchanged += 1
            else:
                batch.append((rel, value))
        _write_batch(out, batch)
        written += [rel for rel, _data in batch]
    removed = []
    for rel in gone:
        path = out.joinpath(*rel.split("/"))
        if not _inside(out, path):  # never delete outside the site folder
            continue
        if path.is_symlink() or path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(rel)
                _prune(out, path.parent)
    return Written(written, unchanged, removed)


def _prune(out: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``out`` while they are empty."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
