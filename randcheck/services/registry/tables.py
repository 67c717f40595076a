"""SQL helpers shared by the registry modules: a spec's columns, key order and key match."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, and_, bindparam
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from randcheck.services.registry.specs import RegistrySpec


def col(spec: RegistrySpec, name: str) -> Column[Any]:
    return spec.table.c[name]


def ordered(conn: Connection, spec: RegistrySpec) -> list[ColumnElement[Any]]:
    collation = "C" if conn.dialect.name == "postgresql" else "BINARY"
    return [col(spec, k).collate(collation) for k in spec.key]


def bind(session: Session | Connection) -> Connection:
    return session.connection() if isinstance(session, Session) else session


def key_where(spec: RegistrySpec) -> ColumnElement[bool]:
    """``key = :k_key`` for each key column (bind parameters ``k_<column>``)."""
    return and_(*(col(spec, k) == bindparam(f"k_{k}") for k in spec.key))
