"""Migration results_0002: the history index that ``stats`` groups by (docs/STATS.md §5)."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

COLUMNS = ["entity_code", "inspected_on", "department", "ref", "is_random"]


def test_the_history_index_covers_an_inspection(engine: Engine) -> None:
    indexes = {
        i["name"]: i["column_names"] for i in inspect(engine).get_indexes("inspection_history")
    }
    assert indexes["inspection_history_entity"] == COLUMNS


def test_upgrading_keeps_the_rows_and_widens_the_index(engine: Engine) -> None:
    from alembic import command

    from randcheck.store.db import alembic_config, migrate

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inspection_history (entity_code, inspected_on, item_code, inspectors,"
                " result, department, source, is_random, ref, content) VALUES ('91X', "
                "'2026-01-02', '', '', '', '消防', 't', :r, 'Z', 'c1')"
            ),
            {"r": True},
        )
    command.downgrade(alembic_config(engine), "results_0001")
    old = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("inspection_history")}
    assert old["inspection_history_entity"] == ["entity_code", "inspected_on"]
    migrate(engine)
    new = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("inspection_history")}
    assert new["inspection_history_entity"] == COLUMNS
    with engine.connect() as conn:
        assert conn.execute(text("SELECT department FROM inspection_history")).all() == [("消防",)]
