"""The registries migration: tables, keys and column types, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Date, insert, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from randcheck.store.db import open_engine
from randcheck.store.models import Conflict, Entity, Inspector, Item

TABLES = {
    "entity": (["code"], Entity),
    "inspector": (["badge_no"], Inspector),
    "item": (["code"], Item),
    "conflict": (["badge_no", "entity_code"], Conflict),
}


def test_tables_keys_and_columns_match_the_models(engine: Engine) -> None:
    insp = inspect(engine)
    for name, (key, model) in TABLES.items():
        assert insp.get_pk_constraint(name)["constrained_columns"] == key
        db_cols = {c["name"]: c for c in insp.get_columns(name)}
        model_cols = set(model.__table__.columns.keys())  # type: ignore[attr-defined]
        assert set(db_cols) == model_cols, name
        for col in db_cols.values():
            if col["name"] in (
                "risk_as_of",
                "last_inspected_on",
                "cert_valid_until",
                "declared_on",
            ):
                assert isinstance(col["type"], Date)


def test_conflict_pair_is_unique_and_rows_get_defaults(engine: Engine) -> None:
    table = Conflict.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(insert(table).values(badge_no="B1", entity_code="914403001922038216"))
        row = conn.execute(table.select()).mappings().one()
        assert row["active"] is True and row["relation"] == "" and row["declared_on"] is None
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(table).values(badge_no="B1", entity_code="914403001922038216"))


def test_migration_is_idempotent_and_keeps_data(db_url: str) -> None:
    first = open_engine(db_url)
    with first.begin() as conn:
        conn.execute(insert(Entity.__table__).values(code="914403001922038216", name="华为"))  # type: ignore[attr-defined]
    first.dispose()
    again = open_engine(db_url)  # upgrades "heads" again: nothing to do, nothing lost
    with again.connect() as conn:
        names = [r.name for r in conn.execute(Entity.__table__.select())]  # type: ignore[attr-defined]
    again.dispose()
    assert names == ["华为"]
