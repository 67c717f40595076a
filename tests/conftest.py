"""Shared fixtures: a fresh workspace and database per test, on SQLite or PostgreSQL.

Set ``RANDCHECK_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
to run every database test on PostgreSQL: each test then gets its own schema.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")

PG_URL = os.environ.get("RANDCHECK_TEST_DATABASE_URL")


@contextlib.contextmanager
def fresh_db_url(root: Path) -> Iterator[str]:
    """A database URL no other test uses: SQLite under ``root``, or a new PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{root / 'db' / 'randcheck.sqlite'}"
        return
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A database URL no other test uses."""
    with fresh_db_url(tmp_path / "ws") as url:
        yield url


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on the test database."""
    from randcheck.store.db import open_engine

    eng = open_engine(db_url)
    yield eng
    eng.dispose()


class Cli:
    """Runs ``randcheck`` in-process against the test workspace and database."""

    def __init__(self, root: Path, db_url: str) -> None:
        self.root = root
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        lang: str = "en",
        env: dict[str, str] | None = None,
    ) -> Any:
        from randcheck.cli import app

        full_env = {
            "RANDCHECK_HOME": str(self.root),
            "RANDCHECK_DATABASE_URL": self.db_url,
            "RANDCHECK_LANG": lang,
            "RANDCHECK_ACTOR": "tester",
            "COLUMNS": "200",
        }
        full_env.update(env or {})
        return self.runner.invoke(app, list(args), input=input, env=full_env)


@pytest.fixture
def cli(ws_root: Path, db_url: str) -> Cli:
    """A CLI bound to a fresh (not yet initialised) workspace."""
    return Cli(ws_root, db_url)


@pytest.fixture
def ready_cli(cli: Cli) -> Cli:
    """A CLI bound to an initialised workspace."""
    result = cli("init", "--bureau", "测试市市场监督管理局", "--region", "320500")
    assert result.exit_code == 0, result.output
    return cli


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (to assert nothing changed)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def tree_snapshot() -> Callable[[Path], dict[str, bytes]]:
    return snapshot_tree
