"""The C ``row_hashes`` (``digests.with_row_hashes``) against its reference ``tuple_hash``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core.draw import accel
from randcheck.services.registry import digests
from randcheck.services.registry.digests import (
    pure_with_row_hashes,
    tuple_hash,
    with_row_hashes,
)

native = accel.native
needs_native = pytest.mark.skipif(native is None, reason="randcheck._native is not built")

# every character class the JSON text treats apart: controls, quote, backslash, DEL, CJK,
# astral (4-byte UTF-8) and ordinary ASCII
_text = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f\x80\u2028中𠀀 a|-/'),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=30,
)
_value = st.one_of(_text, st.none(), st.booleans(), st.integers(-(2**70), 2**70))
_rows = st.lists(st.lists(_value, min_size=1, max_size=16).map(tuple), max_size=20)


def _by_hand(name: str, row: tuple[Any, ...]) -> str:
    text = json.dumps([name, *row[:-1]], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@given(_rows)
def test_the_reference_is_the_documented_json(rows: list[tuple[Any, ...]]) -> None:
    assert [tuple_hash("entities", r) for r in rows] == [_by_hand("entities", r) for r in rows]


@needs_native
@given(st.sampled_from(["entities", "inspectors", '名录\n"']), _rows)
def test_c_row_hashes_equal_the_reference(name: str, rows: list[tuple[Any, ...]]) -> None:
    assert native is not None
    assert native.row_hashes(name, rows) == pure_with_row_hashes(name, rows)
    assert with_row_hashes(name, rows) == pure_with_row_hashes(name, rows)


class _Str(str):
    pass


@needs_native
@pytest.mark.parametrize(
    "row", [("a", 1.5, True), ("a", _Str("x"), True), ("\ud800", True), ("a", ["x"], True)]
)
def test_values_the_c_code_does_not_take_go_to_the_reference(row: tuple[Any, ...]) -> None:
    assert native is not None
    with pytest.raises((TypeError, ValueError)):
        native.row_hashes("entities", [("ok", True), row])
    if "\ud800" in row:  # the reference cannot encode it either: the same error
        with pytest.raises(UnicodeEncodeError):
            with_row_hashes("entities", [row])
    else:
        assert with_row_hashes("entities", [row]) == pure_with_row_hashes("entities", [row])


def test_without_the_extension_the_reference_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "_native_row_hashes", None)
    rows = [("91320583MA000CT71Q", None, "名", True), ("x", True)]
    assert with_row_hashes("entities", rows) == pure_with_row_hashes("entities", rows)
