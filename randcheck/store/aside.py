"""Derived data written beside a reader: a kept index, a cached digest.

A command that only reads (``task check``, the reading half of ``task announce``) may find a
derived value stale and compute it again; storing it for the next reader is worth a try, not
worth waiting for: it runs in its own short transaction, waits at most ``WAIT_MS`` for another
writer on SQLite (not the usual two minutes), and gives up quietly on any database error (a
locked or read-only database): the next reader computes the value again.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from randcheck.store.db import SQLITE_BUSY_SECONDS

WAIT_MS = 2000  # how long a write beside a reader waits for another writer


def write_aside(engine: Engine, work: Callable[[Connection], bool]) -> bool:
    """Run ``work`` in a transaction of its own; its answer (False: nothing to keep, the
    transaction is rolled back), or False on a database error."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {WAIT_MS}")
                conn.commit()
            try:
                trans = conn.begin()
                try:
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
