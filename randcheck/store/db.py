"""Database engine and migrations; the same code on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from randcheck.errors import CannotRunError
from randcheck.io.atomic import make_private_dir, make_private_file
from randcheck.workspace import DB_MODE, FILE_MODE

if TYPE_CHECKING:  # alembic is imported only when a migration must run
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_SECONDS = 120


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _create_sqlite_file(path: Path) -> None:
    """Create the SQLite file's folder (``DB_MODE``) and the empty file (``FILE_MODE``).

    SQLite would create the file with 0644 masked by the umask; created here first, it has
    ``FILE_MODE`` whatever the umask (an empty file is an empty database), and SQLite gives
    its ``-wal`` and ``-shm`` files the database file's mode.  Existing ones are left alone.
    """
    make_private_dir(path.parent, DB_MODE)
    make_private_file(path, FILE_MODE)


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with the schema migrated to the newest version.

    Raises ``CannotRunError`` if the database cannot be opened or migrated.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        if url.startswith("sqlite:"):
            path = url.split(":///", 1)[1] if ":///" in url else ""  # sqlite:// = in memory
            if path and path != ":memory:" and not path.startswith("file:"):  # file: = URI form
                _create_sqlite_file(Path(path.split("?", 1)[0]))
            # a writer waits this long for another's transaction (they are serialised, see
            # randcheck.services.audit) before giving up with "database is locked"
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        migrate(engine)
    except SQLAlchemyError as exc:
        raise CannotRunError(
            "db.cannot_open", url=_redact(url), reason=str(getattr(exc, "orig", None) or exc)
        ) from exc
    except (OSError, ImportError) as exc:  # ImportError: a --db driver that is not installed
        raise CannotRunError("db.cannot_open", url=_redact(url), reason=str(exc)) from exc
    return engine


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        user = cred.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The head of every migration branch, read from the scripts' ``revision`` and
    ``down_revision`` lines (the same lines alembic reads) without importing alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        fields = dict(_REVISION_LINE.findall(script.read_text("utf-8")))
        revisions.add(str(ast.literal_eval(fields["revision"])))
        down = ast.literal_eval(fields.get("down_revision", "None"))
        if isinstance(down, str):
            parents.add(down)
        elif down:
            parents.update(str(d) for d in down)
    return frozenset(revisions - parents)


def current_revisions(engine: Engine) -> frozenset[str]:
    """The revisions stamped in the database (empty when it has never been migrated)."""
    with engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except SQLAlchemyError:  # no alembic_version table yet
            return frozenset()
    return frozenset(str(r[0]) for r in rows)


def migrate(engine: Engine) -> None:
    """Upgrade the schema to every branch head (each area keeps its own migration branch).

    The stamped revisions are compared with the scripts' heads first: when they are equal
    (every command but the first after an upgrade) alembic is not even imported."""
    if current_revisions(engine) == head_revisions():
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")
