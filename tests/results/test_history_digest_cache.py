"""The history digest is kept with the history's change counter (``history_state``,
migration results_0004): reused while no row of the history or results tables changed,
computed again after any change, whoever made it; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.services.results import history
from tests.results.test_history_inputs import _fill

READ: dict[str, Any] = {"random_only": False, "items": (), "rotation": False, "last_after": None}
ROW = ("91320505000000001X", "2023-03-18", "K01", "|F000|", True, "食品科", "R1")


def _inputs(engine: Engine, fn: Any = history.inputs) -> str:
    with Session(engine) as s:
        return str(fn(s.connection(), "2023", **READ).digest)


def _state(engine: Engine) -> tuple[int, int | None, str]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT generation, digest_at, digest FROM history_state WHERE name = 'history'")
        ).one()
    return int(row[0]), row[1], str(row[2])


def test_the_digest_is_kept_and_reused_until_the_history_changes(engine: Engine) -> None:
    _fill(engine, [ROW], [], ["0a"])
    first = _inputs(engine)
    assert first == _inputs(engine, history.inputs_reference)
    generation, at, kept = _state(engine)
    assert at == generation and kept == first
    # reused: a content digest changed behind the counter's back would show (it cannot be
    # changed so: the trigger moves the counter), so prove the reuse by the stored value
    with engine.begin() as conn:
        conn.execute(text("UPDATE history_state SET digest = :d"), {"d": "f" * 64})
    assert _inputs(engine) == "f" * 64
    # any write to either table moves the counter: the next read computes it again
    for sql in (
        "UPDATE inspection_history SET result = 'x'",
        "DELETE FROM inspection_history",
    ):
        with engine.begin() as conn:
            conn.execute(text(sql))
        assert _state(engine)[0] > generation
        generation = _state(engine)[0]
        assert _inputs(engine) == _inputs(engine, history.inputs_reference)
        assert _state(engine)[1:] == (generation, _inputs(engine, history.inputs_reference))


def test_a_result_row_moves_the_counter_too(engine: Engine) -> None:
    _fill(engine, [ROW], [], ["0a"])
    before = _inputs(engine)
    _fill(engine, [ROW], [("91320505000000002X", "T1", "2023-03-19", "|F001|")], ["0a"])
    after = _inputs(engine)
    assert after != before
    assert after == _inputs(engine, history.inputs_reference)


def test_a_digest_is_not_kept_when_the_history_moved_meanwhile(engine: Engine) -> None:
    _fill(engine, [ROW], [], ["0a"])
    generation = _state(engine)[0]
    assert history._remember(engine, generation - 1, "e" * 64) is False
    assert _state(engine)[1] is None
    assert history._remember(engine, generation, "e" * 64) is True
    assert _state(engine)[1:] == (generation, "e" * 64)


def test_keeping_the_digest_never_fails_the_import_that_asked(
    engine: Engine, monkeypatch: Any
) -> None:
    """keep_digest runs after the import's commit: a database error there (a locked or
    vanished database) answers None, and the next announcement computes the digest."""
    from sqlalchemy.exc import OperationalError

    def broken(conn: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(history, "_state", broken)
    assert history.keep_digest(engine) is None
