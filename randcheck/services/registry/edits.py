"""Edits of one row: ``set_fields`` (validated like an import) and ``deactivate`` (with a
reason); each one audit entry with the new state digests.  Also ``to_text``, a stored value as
the text a file would hold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Engine

from randcheck.core import uscc
from randcheck.core.text import one_line, problem, shown
from randcheck.errors import InputError, NotFoundError, RowError, UsageError
from randcheck.services.registry.digests import row_hash, state_digests
from randcheck.services.registry.kinds import split_list
from randcheck.services.registry.specs import LOG_REDACTED, RegistrySpec, spec_for
from randcheck.services.registry.tables import col, key_where
from randcheck.services.registry.validate import validate_record
from randcheck.workspace import Workspace


def key_tuple(spec: RegistrySpec, key: str) -> tuple[str, ...]:
    parts = key.split("/") if len(spec.key) > 1 else [key]
    if len(parts) != len(spec.key):
        raise UsageError("registry.bad_key", key=key, form="/".join(spec.key))
    return tuple(uscc.normalise(p) for p in parts)


def fetch_row(conn: Connection, spec: RegistrySpec, key: tuple[str, ...]) -> dict[str, Any]:
    where = and_(*(col(spec, k) == v for k, v in zip(spec.key, key, strict=True)))
    row = conn.execute(select(spec.table).where(where)).mappings().first()
    if row is None:
        raise NotFoundError("registry.not_found", registry=spec.name, key="/".join(key))
    return dict(row)


def to_text(spec: RegistrySpec, name: str, value: Any) -> str:
    """A stored value as the text a file would hold (the inverse of the import parsers)."""
    f = spec.field(name)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if f.kind in ("bool", "active"):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if f.kind == "list":
        return "|".join(split_list(value))
    return str(value)


def set_fields(
    engine: Engine,
    workspace: Workspace,
    registry: str,
    key: str,
    assignments: Mapping[str, str],
    *,
    actor: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Change fields of one row (validated like an import); one audit entry ``<registry>.edit``."""
    from randcheck.services.audit import AuditLog

    spec = spec_for(registry)
    keyt = key_tuple(spec, key)
    for name in assignments:
        spec.field(name)
        if name in spec.key:
            raise UsageError("registry.key_not_editable", field=name)
    clean: dict[str, str] = {}
    bad: list[RowError] = []
    for name, value in assignments.items():
        # the import rule: line breaks become a space (list fields: separate items)
        value = value if spec.field(name).kind == "list" else one_line(value)
        found = problem(value)
        if found is not None:
            bad.append(RowError("-", 0, name, shown(value, found[1]), found[0], {"char": found[1]}))
        clean[name] = value
    if bad:
        raise InputError("registry.bad_edit", rows=bad, key=key)
    with AuditLog(workspace, engine).transaction(actor, now) as tx:
        conn = tx.session.connection()
        current = fetch_row(conn, spec, keyt)
        values = {f.name: to_text(spec, f.name, current[f.name]) for f in spec.fields}
        values.update(clean)
        checked = validate_record(spec, values, "-", 0, {})
        if checked.record is None:
            raise InputError("registry.bad_edit", rows=checked.errors, key=key)
        record = checked.record
        record["row_hash"] = row_hash(spec, record)
        changes = {
            name: (
                ["<redacted>", "<redacted>"]
                if name in LOG_REDACTED
                else [to_text(spec, name, current[name]), to_text(spec, name, record[name])]
            )
            for name in sorted(assignments)
            if record[name] != current[name]
        }
        if changes:
            conn.execute(
                spec.table.update()
                .where(key_where(spec))
                .values({c: record[c] for c in record if c not in spec.key}),
                {f"k_{k}": v for k, v in zip(spec.key, keyt, strict=True)},
            )
            tx.record(
                f"{spec.name}.edit",
                {
                    "registry": spec.name,
                    "key": "/".join(keyt),
                    "changes": changes,
                    "state": state_digests(conn, recompute=False),
                },
            )
    return {"key": "/".join(keyt), "changes": changes}


def deactivate(
    engine: Engine,
    workspace: Workspace,
    registry: str,
    key: str,
    reason: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Mark one row inactive with a reason (one audit entry); False if it already was."""
    from randcheck.services.audit import AuditLog

    spec = spec_for(registry)
    keyt = key_tuple(spec, key)
    if not reason.strip():
        raise UsageError("registry.reason_required")
    reason = one_line(reason)
    found = problem(reason)
    if found is not None:
        raise InputError(
            "registry.bad_reason",
            rows=[
                RowError("-", 0, "--reason", shown(reason, found[1]), found[0], {"char": found[1]})
            ],
        )
    with AuditLog(workspace, engine).transaction(actor, now) as tx:
        conn = tx.session.connection()
        current = fetch_row(conn, spec, keyt)
        if not current["active"]:
            return False
        conn.execute(
            spec.table.update().where(key_where(spec)).values(active=False),
            {f"k_{k}": v for k, v in zip(spec.key, keyt, strict=True)},
        )
        tx.record(
            f"{spec.name}.deactivate",
            {
                "registry": spec.name,
                "key": "/".join(keyt),
                "reason": reason.strip(),
                "state": state_digests(conn, recompute=False),
            },
        )
    return True
