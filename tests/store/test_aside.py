"""Writes beside a reader (store.aside): held to the end of a command, dropped on failure,
and never waiting long behind another writer, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from randcheck.store import aside


def _counter(engine: Engine) -> int:
    with engine.connect() as conn:
        got = conn.execute(
            text("SELECT generation FROM registry_generation WHERE name = 'entity'")
        ).scalar()
    assert got is not None
    return int(got)


def _bump(conn: Connection) -> bool:
    conn.execute(
        text("UPDATE registry_generation SET generation = generation + 100 WHERE name = 'entity'")
    )
    return True


def test_a_write_aside_outside_held_runs_at_once(engine: Engine) -> None:
    before = _counter(engine)
    assert aside.write_aside(engine, _bump) is True
    assert _counter(engine) == before + 100


def test_held_writes_run_at_the_end_of_a_block_that_succeeds(engine: Engine) -> None:
    before = _counter(engine)
    with aside.held():
        assert aside.write_aside(engine, _bump) is True
        assert aside.write_aside(engine, _bump) is True
        assert _counter(engine) == before  # not yet
    assert _counter(engine) == before + 200


def test_held_writes_are_dropped_when_the_block_raises(engine: Engine) -> None:
    before = _counter(engine)
    with pytest.raises(RuntimeError), aside.held():
        aside.write_aside(engine, _bump)
        raise RuntimeError("the command failed")
    assert _counter(engine) == before
    assert aside.write_aside(engine, _bump) is True  # and nothing is held any more
    assert _counter(engine) == before + 100


def test_work_that_keeps_nothing_is_rolled_back(engine: Engine) -> None:
    before = _counter(engine)

    def declines(conn: Connection) -> bool:
        _bump(conn)
        return False

    assert aside.write_aside(engine, declines) is False
    assert _counter(engine) == before


def test_a_write_aside_gives_up_soon_behind_another_writer(engine: Engine) -> None:
    """Another transaction holds the counter's row (an import in progress): the write
    beside a reader waits about WAIT_MS, then gives up with False, instead of blocking the
    reading command for as long as the import runs."""
    before = _counter(engine)
    with engine.connect() as other:
        other.begin()
        other.execute(
            text("UPDATE registry_generation SET generation = generation + 1 WHERE name = 'entity'")
        )
        started = time.monotonic()
        assert aside.write_aside(engine, _bump) is False
        waited = time.monotonic() - started
        other.rollback()
    assert waited < 30  # gave up on its own (the usual busy timeout is two minutes)
    assert _counter(engine) == before
