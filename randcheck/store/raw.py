"""Rows through the DB-API cursor, for the few queries that read millions of rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Connection


def raw_rows(conn: Connection, query: Any, binary: bool = False) -> Iterator[tuple[Any, ...]]:
    """Rows of ``query`` through the DB-API cursor of this transaction (SQL and parameters
    compiled by SQLAlchemy for the dialect): several times faster than Core result rows
    over a million-entity registry.  ``binary``: on PostgreSQL, results in psycopg's binary
    format (a ``bytea`` of 190 MB arrives in 0.7 s rather than 2.1 s as hex text)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args: Any = [params[k] for k in compiled.positiontup or []] if compiled.positional else params
    if binary and conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor(binary=True)  # type: ignore[union-attr]
    else:
        cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        while part := cursor.fetchmany(10_000):
            yield from part
    finally:
        cursor.close()
