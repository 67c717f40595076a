"""What randcheck creates has fixed modes whatever the umask; existing folders are kept."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from randcheck.io.atomic import make_private_dir, make_private_file
from randcheck.store.db import open_engine
from tests.conftest import Cli

EXPECTED = {"db": 0o750, "audit_logs": 0o750, "keys": 0o700, "publish": 0o755}


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_under_umask_000(cli: Cli, ws_root: Path) -> None:
    assert not ws_root.exists()
    with umask(0):
        r = cli("init")
    assert r.exit_code == 0, r.output
    assert mode(ws_root) == 0o750
    for name, expected in EXPECTED.items():
        assert mode(ws_root / name) == expected, name
    if cli.db_url.startswith("sqlite:"):
        db = ws_root / "db" / "randcheck.sqlite"
        assert mode(db) == 0o640
        for p in (ws_root / "db").iterdir():  # -wal / -shm take the database file's mode
            assert mode(p) & 0o137 == 0, p
    # nothing a first write creates is writable by others either
    with umask(0):
        r = cli("keys", "init", env={"RANDCHECK_KEY_PASSPHRASE": "perm-test-passphrase"})
    assert r.exit_code == 0, r.output
    for p in ws_root.rglob("*"):
        assert not mode(p) & stat.S_IWOTH, p
    for name, expected in EXPECTED.items():
        assert mode(ws_root / name) == expected, name


def test_the_audit_log_file_is_created_0640_under_umask_000(cli: Cli, ws_root: Path) -> None:
    with umask(0):
        assert cli("init").exit_code == 0
        r = cli("keys", "init", env={"RANDCHECK_KEY_PASSPHRASE": "perm-test-passphrase"})
    assert r.exit_code == 0, r.output
    assert mode(ws_root / "audit_logs" / "log.jsonl") == 0o640
    with umask(0):  # a folder made later, for the first checkpoint, is not open either
        r = cli("log", "checkpoint", env={"RANDCHECK_KEY_PASSPHRASE": "perm-test-passphrase"})
    assert r.exit_code == 0, r.output
    assert mode(ws_root / "audit_logs" / "checkpoints") == 0o750


def test_init_keeps_existing_folders_as_they_are(cli: Cli, ws_root: Path) -> None:
    ws_root.mkdir()
    os.chmod(ws_root, 0o711)
    for name, m in (("publish", 0o775), ("db", 0o700), ("keys", 0o755)):
        (ws_root / name).mkdir()
        os.chmod(ws_root / name, m)
    with umask(0):
        assert cli("init").exit_code == 0
    assert mode(ws_root) == 0o711
    assert mode(ws_root / "publish") == 0o775
    assert mode(ws_root / "db") == 0o700
    assert mode(ws_root / "keys") == 0o700  # the keys folder is only ever tightened
    assert mode(ws_root / "audit_logs") == 0o750  # created now


def test_first_open_of_a_sqlite_database_under_umask_000(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "x.sqlite"
    with umask(0):
        engine = open_engine(f"sqlite:///{path}")
        with engine.begin() as conn:  # a write, so that the -wal file exists
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        try:
            assert mode(path) == 0o640
            assert mode(path.parent) == mode(path.parent.parent) == 0o750
            wal = path.with_name(path.name + "-wal")
            assert wal.exists() and mode(wal) == 0o640
        finally:
            engine.dispose()


def test_an_existing_sqlite_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    open_engine(f"sqlite:///{path}").dispose()
    os.chmod(path, 0o600)
    with umask(0):
        open_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_make_private_dir_and_file(tmp_path: Path) -> None:
    with umask(0):
        assert make_private_dir(tmp_path / "a" / "b", 0o700)
        assert not make_private_dir(tmp_path / "a" / "b", 0o777)
        assert make_private_file(tmp_path / "a" / "b" / "f")
        assert not make_private_file(tmp_path / "a" / "b" / "f", 0o666)
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    assert mode(tmp_path / "a" / "b" / "f") == 0o640
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError):
        make_private_dir(tmp_path / "file", 0o700)
