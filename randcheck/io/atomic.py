"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from randcheck.errors import CannotRunError


def fsync_dir(path: Path) -> None:
    """fsync a directory so that a rename inside it survives a crash (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(folder: Path, code: str) -> None:
    """``folder`` is, or can be created as, a writable directory; nothing is created here.
    Otherwise ``CannotRunError(code, path=folder, reason=...)`` (the caller's message)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        reason = os.strerror(errno.ENOTDIR)
    elif not os.access(probe, os.W_OK | os.X_OK):
        reason = os.strerror(errno.EACCES)
    else:
        return
    raise CannotRunError(code, path=str(folder), reason=reason)


def set_mode(fd: int, path: Path | str, mode: int) -> None:
    """Give the open file ``fd`` (at ``path``) exactly ``mode``, whatever the umask.

    POSIX: ``fchmod`` on the descriptor.  Windows has no ``fchmod`` and no POSIX modes:
    ``chmod`` there only sets or clears the read-only flag, so owner-only modes (0600 keys,
    0640 logs) are not enforced by the file system; who may read a file follows the folder's
    ACL (the user's profile).  README "Platforms" says so.
    """
    if sys.platform == "win32":
        os.chmod(path, mode)
    else:
        os.fchmod(fd, mode)


#: folders and files randcheck creates for itself (the workspace sets its own, see workspace.py)
PRIVATE_DIR_MODE = 0o750
PRIVATE_FILE_MODE = 0o640


def make_private_dir(path: Path, mode: int) -> bool:
    """Create folder ``path`` (and any missing parents) with exactly ``mode``; idempotent.

    ``os.mkdir``'s mode is masked by the umask, so each folder created here is chmod-ed to
    ``mode`` afterwards (it is never looser than ``mode`` in between).  A folder that already
    exists is left exactly as it is.  Returns whether ``path`` was created now.  Raises
    ``OSError`` like ``Path.mkdir`` (e.g. ``FileExistsError`` when ``path`` is a file).
    """
    path = Path(path)
    if path.is_dir():
        return False
    parent = path.parent
    if parent != path and not parent.exists():
        make_private_dir(parent, mode)
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        if path.is_dir():  # created by someone else in the meantime: theirs to set
            return False
        raise
    os.chmod(path, mode)
    return True


def make_private_file(path: Path, mode: int = PRIVATE_FILE_MODE) -> bool:
    """Create ``path`` empty with exactly ``mode`` if it does not exist yet; idempotent.

    An existing file is left as it is.  Returns whether it was created now.
    """
    if os.path.lexists(path):  # also spares a read-only folder the attempt
        return False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    try:
        set_mode(fd, path, mode)  # the umask masked os.open's mode
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def atomic_open(path: Path, mode: int = 0o644) -> Iterator[IO[bytes]]:
    """Yield a binary file; on clean exit it replaces ``path`` atomically with ``mode``.

    On an exception the temp file is removed and ``path`` is left exactly as it was.
    """
    path = Path(path)
    if path.is_dir():
        raise CannotRunError("io.cannot_write", path=str(path), reason=os.strerror(errno.EISDIR))
    try:
        make_private_dir(path.parent, PRIVATE_DIR_MODE)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_write", path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    try:
        set_mode(fd, tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise CannotRunError(
            "io.cannot_write", path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` atomically (temp + fsync + rename + dir fsync)."""
    with atomic_open(path, mode) as fh:
        fh.write(data)


#: threads that write and fsync files at once in :func:`atomic_write_many` (fsync waits on
#: the disk, not the CPU, and releases the GIL: the file system commits them together)
WRITERS = 8


def _write_temp(path: Path, data: bytes, mode: int) -> str:
    """``data`` in a new, fsynced temp file beside ``path``; returns the temp file's path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        set_mode(fd, tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_many(files: Sequence[tuple[Path, bytes, int]]) -> None:
    """Write each ``(path, data, mode)`` atomically, like :func:`atomic_write` one by one but
    with the waits for the disk overlapped: every file goes to an fsynced temp file beside it
    (``WRITERS`` at a time), then each temp file is renamed over its file in the given order,
    then each folder is fsynced once.  A crash leaves every file either as it was or complete
    (at worst a ``.<name>.*.tmp`` file is left behind, as with :func:`atomic_write`); on an
    error the temp files not yet renamed are removed and the error is raised as
    ``io.cannot_write`` naming the file.  The folders must exist."""
    from concurrent.futures import ThreadPoolExecutor

    temps: list[str | None] = [None] * len(files)

    def one(i: int) -> None:
        path, data, mode = files[i]
        try:
            temps[i] = _write_temp(path, data, mode)
        except OSError as exc:
            raise CannotRunError(
                "io.cannot_write", path=str(path), reason=exc.strerror or str(exc)
            ) from exc

    try:
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            for done in [pool.submit(one, i) for i in range(len(files))]:
                done.result()
        for i, (path, _data, _mode) in enumerate(files):
            tmp = temps[i]
            assert tmp is not None
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise CannotRunError(
                    "io.cannot_write", path=str(path), reason=exc.strerror or str(exc)
                ) from exc
            temps[i] = None
    finally:
        for tmp in temps:
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:  # each folder's renames, on disk
        list(pool.map(fsync_dir, sorted({p.parent for p, _d, _m in files})))
