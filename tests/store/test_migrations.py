"""A workspace made by an older version upgrades in place without losing data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from randcheck.store.db import alembic_config, open_engine


def _raw_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url)


def test_older_workspace_gains_new_tables_and_keeps_its_rows(db_url: str) -> None:
    # a database as an older randcheck left it: registries and audit log, no draw tables yet
    if db_url.startswith("sqlite:"):
        Path(db_url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    old = _raw_engine(db_url)
    cfg = alembic_config(old)
    command.upgrade(cfg, "registries@head")
    command.upgrade(cfg, "audit@head")
    with old.begin() as conn:
        conn.execute(
            text("INSERT INTO entity (code, name, active, row_hash) VALUES (:c, :n, :a, :h)"),
            {"c": "91320500MA1XXXXXX0", "n": "旧数据有限公司", "a": True, "h": ""},
        )
    assert "draw_task" not in inspect(old).get_table_names()
    old.dispose()

    new = open_engine(db_url)  # what every command does on start
    tables = set(inspect(new).get_table_names())
    assert {"draw_task", "draw_announcement", "draw_record", "entity", "audit_entry"} <= tables
    with new.connect() as conn:
        names = conn.execute(text("SELECT name FROM entity")).scalars().all()
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert names == ["旧数据有限公司"]
    assert {"registries_0002", "audit_0002", "draws_0002", "results_0005"} <= heads
    assert {"inspection_result", "results_document", "inspection_history"} <= tables
    new.dispose()
    # opening again is a no-op
    again = open_engine(db_url)
    with again.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM entity")).scalar_one() == 1
    again.dispose()
