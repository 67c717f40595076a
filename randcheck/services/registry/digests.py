"""Row hashes and registry state digests.

State digests (``state_digests``): each row has a content hash ``row_hash`` = SHA-256 of the
JSON array ``[registry, value, ...]`` of its columns in schema order (dates ISO, lists as
``|a|b|``, ``active`` excluded).  A table digest is SHA-256 over
``"randcheck/registry-state/v1\\n" + table + "\\n"`` followed by one line
``key<TAB>...<TAB>active(1|0)<TAB>row_hash\\n`` per row (keys are normalised codes and
never hold a tab or newline) in byte order of the key (``COLLATE "C"`` on
PostgreSQL, ``BINARY`` on SQLite, so both give the same order).  ``state_digests(session)``
recomputes every row hash from the row's content, so an edit made behind the tool's back
changes the digest; imports record the digest from the stored hashes they just wrote (same
value when nobody tampered; a mismatch later shows up in ``log verify``).  Limits: the
digest proves the table matches what the log recorded, as far as the log itself is trusted
(someone who can rewrite both the database and the log is caught by signed checkpoints, not
here); it is not secret (registries are guessable, so it must not be published as a
commitment to hide them); it does not say *which* row differs; and it costs one ordered scan
per table (about a second per million rows), paid on every import and edit.

The region an entity takes from its credit code (``validate.region_of``) is stored in
``region_code`` like any other value, so it is part of the row hash: importing the same file
before and after that rule gives different digests (each deterministic), recorded in the log.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import String, case, literal, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from randcheck.core.draw import accel
from randcheck.services.registry.specs import SPECS, RegistrySpec
from randcheck.services.registry.tables import bind, col, ordered

DIGEST_TAG = "randcheck/registry-state/v1"
_native_row_hashes: Callable[..., Any] | None = (
    accel.native.row_hashes if accel.native is not None else None
)


_HASH_FIELDS: dict[str, list[str]] = {}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The same encoding through the C encoder made once (JSONEncoder.encode makes one per call,
# a third of the cost of hashing an imported row); falls back to _ENCODER without the C one.
_ROW_ENCODE: Callable[[Any, int], Any] = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else lambda value, _level: _ENCODER.iterencode(value)
)


def row_hash(spec: RegistrySpec, record: Mapping[str, Any]) -> str:
    """SHA-256 of the row content (schema order, ``active`` excluded)."""
    names = _HASH_FIELDS.get(spec.name)
    if names is None:
        names = _HASH_FIELDS[spec.name] = [f.name for f in spec.fields if f.name != "active"]
    items = [spec.name]
    for name in names:
        value = record[name]
        items.append(value.isoformat() if value.__class__ is date else value)
    return hashlib.sha256(_ENCODER.encode(items).encode("utf-8")).hexdigest()


def table_digest(conn: Connection, spec: RegistrySpec, recompute: bool = True) -> str:
    """The digest of one registry table (see the module doc)."""
    h = hashlib.sha256(f"{DIGEST_TAG}\n{spec.table_name}\n".encode())
    names = [f.name for f in spec.fields]
    if recompute:
        stmt = select(*[col(spec, n) for n in names]).order_by(*ordered(conn, spec))
        result = conn.execute(stmt.execution_options(yield_per=10_000))
        for part in result.partitions():
            lines = []
            for r in part:
                record = dict(zip(names, r, strict=True))
                active = "1" if record["active"] else "0"
                keys = "\t".join(record[k] for k in spec.key)
                lines.append(f"{keys}\t{active}\t{row_hash(spec, record)}\n")
            h.update("".join(lines).encode("utf-8"))
        return h.hexdigest()
    # Stored hashes only: the database builds each line "keys<TAB>active<TAB>row_hash" (the
    # same text as above), read through the DB-API cursor of this same transaction (SQL
    # compiled by SQLAlchemy for the dialect) and joined in C: several times faster than
    # Core result rows or a Python loop on a million-row table.
    tab = literal("\t", String)
    line: ColumnElement[Any] = col(spec, spec.key[0])
    for k in spec.key[1:]:
        line = line + tab + col(spec, k)
    flag = case((col(spec, "active").is_(True), literal("1", String)), else_=literal("0", String))
    line = line + tab + flag + tab + col(spec, "row_hash")
    query = select(line)
    if conn.dialect.name == "sqlite":
        # "+k" (a no-op on text) makes SQLite scan the table and sort, instead of walking the
        # key index with one table lookup per row: twice as fast on a million rows, the same
        # order (COLLATE BINARY is the byte order of _ordered), and with SQLite's default
        # cache the sort spills to a temporary file rather than growing in memory.
        query = query.order_by(text(", ".join(f"+{k} COLLATE BINARY" for k in spec.key)))
    else:
        query = query.order_by(*ordered(conn, spec))
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    first = operator.itemgetter(0)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled))
        while part := cursor.fetchmany(10_000):
            h.update(("\n".join(map(first, part)) + "\n").encode("utf-8"))
    finally:
        cursor.close()
    return h.hexdigest()


def state_digests(session: Session | Connection, recompute: bool = True) -> dict[str, str]:
    """One digest per registry table over its rows' content (for the audit log's ``state``)."""
    conn = bind(session)
    return {s.table_name: table_digest(conn, s, recompute) for s in SPECS.values()}


def tuple_hash(spec_name: str, row: tuple[Any, ...]) -> str:
    """``row_hash`` of an import row tuple: every field but the last (active), dates ISO."""
    return hashlib.sha256("".join(_ROW_ENCODE([spec_name, *row[:-1]], 0)).encode()).hexdigest()


def pure_with_row_hashes(spec_name: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each import row tuple followed by its ``tuple_hash`` (the reference of the C twin)."""
    return [(*row, tuple_hash(spec_name, row)) for row in rows]


def with_row_hashes(spec_name: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``pure_with_row_hashes``, a batch in one C call when the extension is built (its
    ``row_hashes``: the JSON text and SHA-256 of every row without a Python call per row;
    tests/registry/test_row_hashes.py checks both agree).  A value the C code does not take
    (not str, None, bool or int) sends the batch to the reference."""
    if _native_row_hashes is not None:
        try:
            return _native_row_hashes(spec_name, rows)  # type: ignore[no-any-return]
        except (TypeError, ValueError):  # ValueError: UnicodeEncodeError of a lone surrogate
            pass
    return pure_with_row_hashes(spec_name, rows)
