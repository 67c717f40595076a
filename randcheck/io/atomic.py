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

#: whether :func:`atomic_write_many` can make a whole batch durable with one flush of the
#: file system (``one_flush``): on Linux only, where ``syncfs(2)`` and ``sync(2)`` return once
#: the data is on disk.  macOS's and the BSDs' ``sync`` may return before it is, and Windows
#: has none: there each file keeps its own fsync.
ONE_FLUSH = sys.platform.startswith("linux")


def _write_temp(path: Path, data: bytes, mode: int, durable: bool = True) -> str:
    """``data`` in a new temp file beside ``path``, fsynced unless ``durable`` is false;
    returns the temp file's path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        set_mode(fd, tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def _syncfs(folder: Path) -> bool:
    """``syncfs(2)`` on the file system holding ``folder`` (Linux): every file written to it
    so far is on disk when it returns, and a write-back error is raised (Linux 5.8 and
    later).  False when the C library has no ``syncfs``."""
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if call(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(folder))
    finally:
        os.close(fd)
    return True


def flush_file_systems(folders: Sequence[Path]) -> None:
    """Make every file written so far on the file systems holding ``folders`` durable
    (Linux, :data:`ONE_FLUSH`): one ``syncfs`` per file system, or, where the C library has
    none, ``sync`` (every file system; it reports no write error)."""
    devices: dict[int, Path] = {}
    for folder in folders:
        devices.setdefault(os.stat(folder).st_dev, folder)
    if sys.platform != "win32":  # never called there (ONE_FLUSH is false): it has no sync
        for _dev, folder in sorted(devices.items()):
            if not _syncfs(folder):
                os.sync()
                return


def atomic_write_many(files: Sequence[tuple[Path, bytes, int]], *, one_flush: bool = False) -> None:
    """Write each ``(path, data, mode)`` atomically, like :func:`atomic_write` one by one but
    with the waits for the disk overlapped: every file goes to an fsynced temp file beside it
    (``WRITERS`` at a time), then each temp file is renamed over its file in the given order,
    then each folder is fsynced once.  A crash leaves every file either as it was or complete
    (at worst a ``.<name>.*.tmp`` file is left behind, as with :func:`atomic_write`); on an
    error the temp files not yet renamed are removed and the error is raised as
    ``io.cannot_write`` naming the file.  The folders must exist.

    ``one_flush`` (where :data:`ONE_FLUSH`, i.e. on Linux; elsewhere it changes nothing): the
    temp files are written without an fsync each (one thread a core), then made durable all
    at once by :func:`flush_file_systems` — one flush instead of one per file — and only then
    renamed; a second flush, instead of an fsync a folder, puts the renames on disk before
    this returns.  The crash guarantee is the same: no file is renamed before every temp
    file's data is on disk.  A flush also writes out whatever else is pending on those file
    systems (other programs' files too), so it is for batches of many files, where it saves
    most."""
    from concurrent.futures import ThreadPoolExecutor

    at_once = one_flush and ONE_FLUSH
    # without an fsync each, a write waits on no disk: threads beyond the cores only contend
    writers = min(WRITERS, os.cpu_count() or 1) if at_once else WRITERS
    temps: list[str | None] = [None] * len(files)
    folders = sorted({p.parent for p, _d, _m in files})

    def one(i: int) -> None:
        path, data, mode = files[i]
        try:
            temps[i] = _write_temp(path, data, mode, durable=not at_once)
        except OSError as exc:
            raise CannotRunError(
                "io.cannot_write", path=str(path), reason=exc.strerror or str(exc)
            ) from exc

    try:
        with ThreadPoolExecutor(max_workers=writers) as pool:
            for done in [pool.submit(one, i) for i in range(len(files))]:
                done.result()
        if at_once and files:
            _flush(folders)
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
    if at_once and files:  # the renames, on disk: one more flush, not an fsync a folder
        _flush(folders)
        return
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:  # each folder's renames, on disk
        list(pool.map(fsync_dir, folders))


def _flush(folders: Sequence[Path]) -> None:
    """:func:`flush_file_systems`, its error as ``io.cannot_write``."""
    try:
        flush_file_systems(folders)
    except OSError as exc:
        raise CannotRunError(
            "io.cannot_write", path=str(exc.filename or folders[0]), reason=exc.strerror or str(exc)
        ) from exc
