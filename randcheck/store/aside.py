"""Derived data written beside a reader: a kept index, a cached digest.

A command that only reads (``task check``, the reading half of ``task announce``) may find a
derived value stale and compute it again; storing it for the next reader is worth a try, not
worth waiting for: it runs in its own short transaction, waits at most ``WAIT_MS`` for another
writer (SQLite's busy timeout, PostgreSQL's ``lock_timeout``; not the usual two minutes), and
gives up quietly on any database error (a locked or read-only database): the next reader
computes the value again.

Inside :func:`held` (the CLI runs every command in it) such writes wait for the end of the
block and are dropped if it raises: a command that stops on an error (a wrong passphrase, a
database failure) leaves the database byte for byte as it found it.  A command that runs to
its verdict, even "no" (``task check`` of a task that is not feasible, exit 1), keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI enters held() for every command, --help too: no database layer
    from sqlalchemy.engine import Connection, Engine

WAIT_MS = 2000  # how long a write beside a reader waits for another writer

Work = Callable[["Connection"], bool]
_held: ContextVar[list[tuple[Engine, Work]] | None] = ContextVar("randcheck_aside", default=None)


@contextmanager
def held() -> Iterator[None]:
    """Writes aside inside the block run when it ends without an error, in their order;
    if it raises they are dropped (derived data: the next reader computes it again)."""
    queue: list[tuple[Engine, Work]] = []
    token = _held.set(queue)
    try:
        yield
    finally:
        _held.reset(token)
    for engine, work in queue:  # reached only when the block did not raise
        _write(engine, work)


def write_aside(engine: Engine, work: Work) -> bool:
    """Run ``work`` in a transaction of its own; its answer (False: nothing to keep, the
    transaction is rolled back), or False on a database error.  Inside :func:`held` the
    write is queued for the end of the block, and the answer is True."""
    queue = _held.get()
    if queue is not None:
        queue.append((engine, work))
        return True
    return _write(engine, work)


def _write(engine: Engine, work: Work) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from randcheck.store.db import SQLITE_BUSY_SECONDS

    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {WAIT_MS}")
                conn.commit()
            try:
                trans = conn.begin()
                try:
                    if engine.dialect.name == "postgresql":  # this transaction only
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{WAIT_MS}ms'")
                    kept = work(conn)
                except BaseException:
                    trans.rollback()
                    raise
                if kept:
                    trans.commit()
                else:
                    trans.rollback()
                return kept
            finally:
                if sqlite:
                    conn.rollback()  # a failed write's transaction, if any
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
                    conn.commit()
    except SQLAlchemyError:
        return False
