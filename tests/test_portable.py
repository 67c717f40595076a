"""Runs where offices run it: Windows 10/11 and 信创 Linux on x86-64, ARM64 or LoongArch.

No Windows or non-x86 machine is available to CI, so what can be checked here is checked here:
every module imports without the POSIX-only modules (``.ci/run`` adds ``mypy --platform
win32``), output is UTF-8 whatever the locale, the C extension stays optional, and the audit
log's writer lock is the portable one.  README "Platforms" says what is and is not tested.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]

POSIX_ONLY = ("fcntl", "termios", "tty", "pty", "resource", "grp", "pwd")

IMPORT_ALL = r"""
import importlib, importlib.abc, pkgutil, sys

BLOCKED = set(sys.argv[1].split(","))


class NoPosixOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} does not exist on Windows (blocked by the test)")
        return None


for name in BLOCKED:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NoPosixOnly())
for name in BLOCKED:  # the finder works
    try:
        importlib.import_module(name)
    except ImportError:
        pass
    else:
        raise SystemExit(f"{name} was not blocked")

import randcheck

names = sorted(
    m.name for m in pkgutil.walk_packages(randcheck.__path__, "randcheck.")
    if m.name != "randcheck.__main__"  # runs the CLI
)
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
leaked = sorted(BLOCKED & set(sys.modules))
print(len(names), "modules")
if failed or leaked:
    raise SystemExit("\n".join(failed + [f"imported anyway: {leaked}"]))
"""


def test_every_module_imports_without_posix_only_modules() -> None:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, ",".join(POSIX_ONLY)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert int(out.stdout.split()[0]) > 80  # the whole package was walked


def test_the_cli_runs_without_posix_only_modules(tmp_path: Path) -> None:
    """Not only imports: a workspace is created and a database command runs."""
    code = (
        IMPORT_ALL.split("import randcheck\n")[0]
        + "sys.argv = ['randcheck', '-w', sys.argv[2], 'init']\n"
        + "from randcheck.cli import main\n"
        + "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        + "assert not (BLOCKED & set(sys.modules)), BLOCKED & set(sys.modules)\n"
    )
    env = {**os.environ, "RANDCHECK_LANG": "en"}
    env.pop("RANDCHECK_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code, ",".join(POSIX_ONLY), str(tmp_path / "ws")],
        capture_output=True, text=True, check=False, env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Workspace ready" in out.stderr


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_output_is_utf8_whatever_the_locale(encoding: str) -> None:
    """A Windows pipe or a non-UTF-8 locale (cp936 on Chinese Windows) cannot encode every
    character randcheck prints: it writes UTF-8 instead of failing."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "RANDCHECK_LANG": "zh"}
    out = subprocess.run(
        [sys.executable, "-m", "randcheck", "--help"], capture_output=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    assert "双随机、一公开" in out.stdout.decode("utf-8")


def test_a_failed_compile_of_the_c_extension_does_not_fail_the_build(tmp_path: Path) -> None:
    """No compiler (or one that rejects the C: MSVC, an unusual CPU) must still install:
    randcheck then runs the pure-Python twins (randcheck/core/draw/accel.py)."""
    (tmp_path / "randcheck").mkdir()
    shutil.copy(ROOT / "setup.py", tmp_path / "setup.py")
    shutil.copy(ROOT / "randcheck" / "_native.c", tmp_path / "randcheck" / "_native.c")
    env = {**os.environ, "CC": "false", "LDSHARED": "false"}
    out = subprocess.run(
        [sys.executable, "setup.py", "build_ext", "--build-lib", "out", "--build-temp", "tmp"],
        cwd=tmp_path, capture_output=True, text=True, env=env, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "randcheck._native" in out.stdout + out.stderr  # it did try, and said it skipped
    assert not list((tmp_path / "out").rglob("_native*"))


def test_the_pure_python_path_is_selected_without_the_extension() -> None:
    code = (
        "from randcheck.core.draw import accel, drand\n"
        "assert accel.native is None and accel.backend() == 'python', accel.backend()\n"
        "assert drand.backend() == 'py_ecc'\n"
    )
    env = {**os.environ, "RANDCHECK_NO_NATIVE": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_the_hangup_signal_is_the_platform_s_own() -> None:
    from randcheck.cli import _signals

    if sys.platform == "win32":  # pragma: no cover - Windows is type-checked, not run
        assert _signals._HANGUP == signal.SIGBREAK
    else:
        assert _signals._HANGUP == signal.SIGHUP
    assert _signals.Terminated(_signals._HANGUP).reason == "sighup"
    assert _signals.Terminated(signal.SIGTERM).reason == "sigterm"


def test_private_files_get_their_exact_mode_whatever_the_umask(tmp_path: Path) -> None:
    from randcheck.io.atomic import atomic_write, make_private_file

    old = os.umask(0o077)
    try:
        atomic_write(tmp_path / "public.txt", b"x", 0o644)
        make_private_file(tmp_path / "private.txt", 0o640)
    finally:
        os.umask(old)
    assert (tmp_path / "public.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o640


def test_a_log_writer_waits_for_the_lock_then_gives_up_clearly(
    ready_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer lock is held elsewhere: sync_file waits (here 0.3 s instead of
    SQLITE_BUSY_SECONDS), then fails with the audit message, nothing appended."""
    from filelock import FileLock

    from randcheck.errors import CannotRunError
    from randcheck.services import audit
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    engine = open_engine(ready_cli.db_url)
    try:
        log = audit.AuditLog(Workspace(ready_cli.root), engine)
        log.record("tester", "test.first", {})
        before = log.path.read_bytes()
        lock_file = log.path.with_name(audit.LOCK_NAME)
        assert lock_file.stat().st_mode & 0o777 == 0o640  # like the log (FILE_MODE)
        monkeypatch.setattr(audit, "SQLITE_BUSY_SECONDS", 0.3)
        held, release = threading.Event(), threading.Event()

        def holder() -> None:
            with FileLock(str(log.path.with_name(audit.LOCK_NAME))):
                held.set()
                release.wait(10)

        thread = threading.Thread(target=holder)
        thread.start()
        try:
            assert held.wait(10)
            with pytest.raises(CannotRunError) as excinfo:
                log.sync_file()
            assert excinfo.value.code == "audit.cannot_append"
        finally:
            release.set()
            thread.join()
        assert log.path.read_bytes() == before
        log.record("tester", "test.second", {})  # the lock is free again
        assert log.path.read_bytes().count(b"\n") == before.count(b"\n") + 1
    finally:
        engine.dispose()
