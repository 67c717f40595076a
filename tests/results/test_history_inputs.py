"""``history.inputs`` (aggregated texts, index ``inspection_history_day``) equals
``history.inputs_reference`` (row by row) on random histories and results: ``last``,
``per_year``, ``item_pairs``, the rotation rows, their pairs for any kept codes, and the
history digest, bit for bit; on SQLite and (with ``RANDCHECK_TEST_DATABASE_URL``)
PostgreSQL.  Values the texts cannot carry (a newline) and odd inspector texts take the
reference's way and still agree."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.services.results import history
from randcheck.store.result_models import HistoryRow, ResultRow

BADGES = ["F000", "F001", "Z9", "检01"]
# stored inspector texts: the usual |b1|b2| and what a hand-edited database might hold
ODD = ["", "|", "||", "F000", "|F000", "F000|", "|F000||Z9|", "F000|Z9", "| |"]
DAYS = ["2022-12-31", "2023-01-01", "2023-03-18", "2023-03-19", "2023-03-20", "2023-09-15",
        "2023-12-31", "2024-01-01", "2021-06-30"]  # fmt: skip

codes = st.integers(0, 12).map(lambda i: f"9132050500000{i:04d}X")
usual = st.lists(st.sampled_from(BADGES), max_size=3, unique=True).map(
    lambda bs: "|" + "|".join(bs) + "|" if bs else ""
)
texts = usual | st.sampled_from(ODD)
history_rows = st.lists(
    st.tuples(
        codes,
        st.sampled_from(DAYS),
        st.sampled_from(["K01", "K02", ""]),
        texts,
        st.booleans(),  # random
        st.sampled_from(["食品科", "消防"]),
        st.sampled_from(["", "R1", "R2"]),
    ),
    max_size=25,
)
result_rows = st.lists(
    st.tuples(codes, st.sampled_from(["T1", "T2"]), st.sampled_from(DAYS), texts),
    max_size=6,
    unique_by=lambda r: (r[0], r[1]),
)
reads = st.fixed_dictionaries(
    {
        "year": st.sampled_from(["2023", "2022"]),
        "random_only": st.booleans(),
        "items": st.sampled_from([(), ("K01",), ("K01", "K02"), ("K03",)]),
        "rotation": st.booleans(),
        "last_after": st.sampled_from([None, "", "2023-03-19", "2023-12-31"]),
    }
)


def _fill(engine: Engine, hist: list[Any], results: list[Any], digests: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(HistoryRow.__table__))  # type: ignore[attr-defined]
        conn.execute(delete(ResultRow.__table__))  # type: ignore[attr-defined]
        rows = [
            {"entity_code": code, "inspected_on": day, "item_code": item, "inspectors": text,
             "result": "", "department": dep, "source": "s", "is_random": rnd, "ref": ref,
             "content": digests[n % len(digests)] + f"{n:02d}"}
            for n, (code, day, item, text, rnd, dep, ref) in enumerate(hist)
        ]  # fmt: skip
        if rows:
            conn.execute(insert(HistoryRow.__table__), rows)  # type: ignore[attr-defined]
        mine = [
            {"task_id": task, "entity_code": code, "item_code": "K01", "record_digest": "r",
             "completed_on": day, "terms": "|t|", "inspectors": text, "vocabulary": "v",
             "findings": "", "followup": "", "note": "", "late_reason": "", "correction": "",
             "pending": True,
             "entered_by": "x", "entered_at": "2023-09-01T00:00:00Z",
             "content": hashlib.sha256(f"{code}{task}".encode()).hexdigest()}
            for code, task, day, text in results
        ]  # fmt: skip
        if mine:
            conn.execute(insert(ResultRow.__table__), mine)  # type: ignore[attr-defined]


def _read(engine: Engine, fn: Any, read: dict[str, Any]) -> history.HistoryInputs:
    with Session(engine) as s:
        args = {k: v for k, v in read.items() if k != "year"}
        return fn(s.connection(), read["year"], **args)  # type: ignore[no-any-return]


def _same(engine: Engine, read: dict[str, Any], kept: list[set[str]]) -> history.HistoryInputs:
    fast = _read(engine, history.inputs, read)
    slow = _read(engine, history.inputs_reference, read)
    assert fast.last == slow.last
    assert fast.per_year == slow.per_year
    assert fast.item_pairs == slow.item_pairs
    assert sorted(fast.inspectors) == sorted(slow.inspectors)
    assert fast.previous == slow.previous
    assert fast.digest == slow.digest
    for some in kept:
        want = history.pairs_of_reference(slow.inspectors, some)
        assert fast.rotation.pairs_of(some) == want
        assert slow.rotation.pairs_of(some) == want
    return fast


SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    hist=history_rows,
    results=result_rows,
    read=reads,
    picks=st.lists(st.sets(codes), max_size=3),
    digests=st.lists(st.sampled_from(["0a", "ff", "9", "a0", "A0"]), min_size=1, max_size=3),
)
def test_inputs_equal_the_reference(
    engine: Engine,
    hist: list[Any],
    results: list[Any],
    read: dict[str, Any],
    picks: list[set[str]],
    digests: list[str],
) -> None:
    _fill(engine, hist, results, digests)
    every = {r[0] for r in hist} | {r[0] for r in results}
    _same(engine, read, [*picks, every, set()])


def test_the_digest_is_the_one_recorded_so_far(engine: Engine) -> None:
    """The digest's definition, spelled out: SHA-256 over the tag, the sorted history
    contents, a newline, the sorted result contents, a newline."""
    _fill(engine, [("91X", "2023-01-02", "K01", "|A|", True, "d", "")] * 3,
          [("91X", "T1", "2023-02-01", "")], ["c", "b", "a"])  # fmt: skip
    got = _read(engine, history.inputs, {"year": "2023", "random_only": False}).digest
    mine = hashlib.sha256(b"91XT1").hexdigest()
    want = hashlib.sha256(f"randcheck/history-inputs/v1\na02b01c00\n{mine}\n".encode())
    assert got == want.hexdigest()


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_the_digest_read_in_chunks_is_the_same(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    hist = [(f"91X{i % 3}", "2023-01-02", "K01", "|A|", True, "d", f"R{i}") for i in range(7)]
    _fill(engine, hist, [("91X", "T1", "2023-02-01", "|A|")], ["e", "", "b"])
    read = {"year": "2023", "random_only": False}
    whole = _read(engine, history.inputs, read).digest
    monkeypatch.setattr(history, "DIGEST_CHUNK", chunk)
    assert _read(engine, history.inputs, read).digest == whole
    assert _read(engine, history.inputs_reference, read).digest == whole


def test_values_holding_a_newline_are_read_by_the_reference(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    hist = [
        ("91X\n1", "2023-01-02", "K01", "|A|", True, "d", ""),
        ("91Y", "2023-05-02", "K01\n", "|A\nB|", True, "d", ""),
        ("91Y", "2023-05-03", "K01", "|A|B|", True, "d\n", ""),
    ]
    _fill(engine, hist, [], ["a"])
    read = {"year": "2023", "random_only": False, "items": ("K01", "K01\n"), "last_after": ""}
    got = _same(engine, read, [{"91Y"}, {"91X\n1", "91Y"}])
    assert got.last == {"91X\n1": "2023-01-02", "91Y": "2023-05-03"}
    assert got.item_pairs == {("91X\n1", "K01"), ("91Y", "K01\n"), ("91Y", "K01")}
    # and a history past MAX_ROWS rows is read by the reference too
    monkeypatch.setattr(history, "MAX_ROWS", 1)
    _same(engine, read, [{"91Y"}])


def test_non_ascii_content_fails_as_before(engine: Engine) -> None:
    _fill(engine, [("91X", "2023-01-02", "K01", "|A|", True, "d", "")], [], ["摘要"])
    read = {"year": "2023", "random_only": False}
    for fn in (history.inputs, history.inputs_reference):
        with pytest.raises(UnicodeEncodeError):
            _read(engine, fn, read)


def test_the_history_is_indexed_by_day(engine: Engine) -> None:
    indexes = {
        i["name"]: i["column_names"] for i in inspect(engine).get_indexes("inspection_history")
    }
    assert indexes["inspection_history_day"] == [
        "inspected_on", "entity_code", "department", "ref", "is_random", "item_code",
    ]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(codes, st.text(alphabet="|\nAB", max_size=8)), max_size=8),
    kept=st.sets(codes),
)
def test_pairs_of_equals_the_reference_whatever_the_texts_hold(
    rows: list[tuple[str, str]], kept: set[str]
) -> None:
    """Any text a database may hold, newlines and stray bars included: the bulk split gives
    the reference's pairs, or hands the rows to it; it never raises."""
    got = history.Inspections([c for c, _ in rows], [t for _, t in rows]).pairs_of(kept)
    assert got == history.pairs_of_reference(rows, kept)
