"""Queries and exports: filtered rows in key order, counts, one row, names by code, and the
export of a registry to CSV/XLSX (for people: every cell inert and visible) or JSON (as
stored)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from randcheck.bundle.table import inert
from randcheck.core import status as status_vocabulary
from randcheck.core.text import visible
from randcheck.errors import UsageError
from randcheck.services.registry.edits import fetch_row, key_tuple, to_text
from randcheck.services.registry.kinds import parse_bool, split_list
from randcheck.services.registry.specs import SENSITIVE, RegistrySpec, spec_for
from randcheck.services.registry.tables import bind, col, ordered


def _raw_statuses(conn: Connection, spec: RegistrySpec, column: str, word: str) -> list[str]:
    """The stored status texts that mean the vocabulary word of ``word`` (core/status.py):
    ``--status 存续`` lists "存续（在营、开业、在册）" rows, as a task's ``statuses`` takes them."""
    wanted = status_vocabulary.normalise(word)
    found = conn.execute(select(col(spec, column)).distinct()).scalars()
    return sorted(r for r in found if r is not None and status_vocabulary.normalise(r) == wanted)


def _where(
    spec: RegistrySpec,
    filters: Mapping[str, str | None],
    include_inactive: bool,
    conn: Connection,
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if not include_inactive:
        clauses.append(col(spec, "active").is_(True))
    for option, value in sorted(filters.items()):
        if value is None or value == "":
            continue
        if option not in spec.filters:
            raise UsageError("registry.unknown_filter", filter=option, registry=spec.name)
        column, mode = spec.filters[option]
        target = col(spec, column)
        if mode == "eq":
            clauses.append(target == value)
        elif mode == "status":
            clauses.append(target.in_(_raw_statuses(conn, spec, column, value)))
        elif mode == "prefix":
            clauses.append(target.startswith(value, autoescape=True))
        elif mode == "list":
            clauses.append(target.contains(f"|{value}|", autoescape=True))
        elif mode == "bool":
            clauses.append(target.is_(parse_bool(value, True)))
    return clauses


def typed_row(spec: RegistrySpec, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as Python values: lists as ``list[str]``, dates as ``date``, flags as ``bool``."""
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = row[f.name]
        if f.kind == "list" and not isinstance(value, list):
            value = split_list(value or "")
        elif f.kind in ("bool", "active"):
            value = bool(value)
        out[f.name] = value
    return out


def json_row(spec: RegistrySpec, row: Mapping[str, Any], public: bool = False) -> dict[str, Any]:
    """A typed row made JSON-safe (dates ISO); ``public`` drops internal fields."""
    out = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in typed_row(spec, row).items()
    }
    if public:
        for name in SENSITIVE:
            out.pop(name, None)
    return out


def iter_rows(
    session: Session | Connection,
    registry: str,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of ``registry`` matching ``filters``, in byte order of the key, as typed dicts."""
    spec = spec_for(registry)
    conn = bind(session)
    stmt = (
        select(spec.table)
        .where(*_where(spec, filters or {}, include_inactive, conn))
        .order_by(*ordered(conn, spec))
    )
    if limit is not None and limit > 0:
        stmt = stmt.limit(limit)
    for part in conn.execute(stmt.execution_options(yield_per=5000)).mappings().partitions():
        for row in part:
            yield typed_row(spec, row)


def iter_entities(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active entities (filters: region, industry, status, tag, risk), ordered by code."""
    return iter_rows(session, "entities", filters, include_inactive=include_inactive)


def iter_inspectors(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active inspectors (filters: unit, department, region, specialty, qualification, status,
    expert), ordered by badge number."""
    return iter_rows(session, "inspectors", filters, include_inactive=include_inactive)


def iter_items(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active inspection items (filters: department, type, tag), ordered by code."""
    return iter_rows(session, "items", filters, include_inactive=include_inactive)


def iter_conflicts(
    session: Session | Connection,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> Iterator[dict[str, Any]]:
    """Active conflicts (filters: badge, entity), ordered by (badge_no, entity_code)."""
    return iter_rows(session, "conflicts", filters, include_inactive=include_inactive)


def count_rows(
    session: Session | Connection,
    registry: str,
    filters: Mapping[str, str | None] | None = None,
    *,
    include_inactive: bool = False,
) -> int:
    spec = spec_for(registry)
    conn = bind(session)
    stmt = (
        select(func.count())
        .select_from(spec.table)
        .where(*_where(spec, filters or {}, include_inactive, conn))
    )
    return int(conn.execute(stmt).scalar_one())


def get_row(session: Session | Connection, registry: str, key: str) -> dict[str, Any]:
    spec = spec_for(registry)
    return typed_row(spec, fetch_row(bind(session), spec, key_tuple(spec, key)))


def _for_people(text: str) -> str:
    """A cell of an export for people: visible (``isprintable`` first: the common case is one
    C call), then inert."""
    return inert(text if text.isprintable() else visible(text))


def export_file(
    engine: Engine,
    registry: str,
    path: Path,
    *,
    public: bool = False,
    include_inactive: bool = True,
    filters: Mapping[str, str | None] | None = None,
) -> int:
    """Write the registry to ``path`` (.csv/.xlsx/.json by extension), atomically; returns rows.

    CSV and XLSX are for people: every cell is made inert (``randcheck.bundle.table.inert``),
    which a CSV/XLSX import undoes, and text stored before the clean-text rule is shown with
    its control, bidirectional and invisible characters made visible (``<U+0000>``: XLSX
    cannot even hold most of them).  JSON is for machines: the values as stored.
    """
    from randcheck.io.writers import write_table

    spec = spec_for(registry)
    columns = [f.name for f in spec.fields if not (public and f.name in SENSITIVE)]
    with engine.connect() as conn:
        rows = (
            {c: _for_people(to_text(spec, c, r[c])) for c in columns}
            for r in iter_rows(conn, registry, filters, include_inactive=include_inactive)
        )
        json_rows = (
            json_row(spec, r, public)
            for r in iter_rows(conn, registry, filters, include_inactive=include_inactive)
        )
        return write_table(Path(path), columns, rows, json_rows)


def names_by_code(
    session: Session | Connection | Engine, registry: str, keys: Sequence[str]
) -> dict[str, str]:
    """The registered names of ``keys`` (entity codes or inspector badge numbers) in one
    registry, inactive rows included; keys not in the registry are absent from the result."""
    spec = spec_for(registry)
    if len(spec.key) != 1:
        raise UsageError("registry.unknown_registry", registry=registry)
    if isinstance(session, Engine):
        with session.connect() as conn:
            return names_by_code(conn, registry, keys)
    conn = bind(session)
    key, name = col(spec, spec.key[0]), col(spec, "name")
    wanted = sorted(set(keys))
    found: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        rows = conn.execute(select(key, name).where(key.in_(part)))
        found.update((str(k), str(n)) for k, n in rows)
    return found
