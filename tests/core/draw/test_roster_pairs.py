"""The roster's pair lists: ``Roster.from_document`` checks millions of pairs by type and
byte class over the whole list (``model._id_pairs``); it must accept and refuse exactly what
the item-by-item check does, with the same error."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from randcheck.core.draw.model import Inspector, Roster, _sorted_pairs
from randcheck.core.draw.spec import check_id
from randcheck.errors import InputError

ids = st.sampled_from(["F001", "F002", "91320505MA0000001X", "a" * 64]) | st.text(
    alphabet=st.sampled_from(["A", "1", "~", "!", " ", "\n", "é", "\x7f"]), max_size=3
)
items = st.lists(ids, min_size=2, max_size=2) | st.lists(ids | st.integers(), max_size=3)
pair_lists = st.lists(items, max_size=5) | st.lists(
    st.lists(st.sampled_from(["A", "B", "C"]), min_size=2, max_size=2), max_size=6
)


def reference(name: str, given: Any) -> Any:
    """The item-by-item check ``from_document`` used before, as its outcome."""
    try:
        rows = []
        for p in given:
            if not (isinstance(p, list) and len(p) == 2):
                raise InputError("proto.bad_pair", field=name, value=repr(p)[:80])
            rows.append((check_id(p[0], name), check_id(p[1], name)))
        if rows != sorted(set(rows)):
            raise InputError("proto.unsorted_list", field=f"roster.{name}")
        return frozenset(rows)
    except InputError as exc:
        return (exc.code, exc.params)


def outcome(doc: dict[str, Any], name: str) -> Any:
    try:
        return getattr(Roster.from_document(doc), name)
    except InputError as exc:
        return (exc.code, exc.params)


@given(pair_lists, st.booleans())
def test_pair_lists_checked_as_a_whole_equal_the_item_by_item_check(
    pairs: Any, as_previous: bool
) -> None:
    name = "previous" if as_previous else "conflicts"
    doc = {"inspectors": [], "conflicts": [], "previous": [], name: pairs}
    assert outcome(doc, name) == reference(name, pairs)


def test_document_is_built_once_and_each_call_gets_its_own_lists() -> None:
    r = Roster(
        (Inspector("F1", "食品科", False, "2020-01-01", "2030-01-01", ()),),
        frozenset({("F1", "C2")}),
        frozenset({("C2", "F1"), ("C1", "F1")}),
    )
    a = r.document()
    a["previous"].append(["Z", "Z"])
    b = r.document()
    assert b["previous"] == [["C1", "F1"], ["C2", "F1"]]
    assert Roster.from_document(b) == r


@given(
    st.sets(
        st.tuples(
            st.text(alphabet=st.sampled_from(["A", "B", "\x00", "\x01", "~", "é"]), max_size=3),
            st.text(alphabet=st.sampled_from(["A", "B", "\x00", " "]), max_size=2),
        ),
        max_size=12,
    )
)
def test_pairs_sorted_as_joined_texts_in_tuple_order(pairs: set[tuple[str, str]]) -> None:
    """Prefixes ("A" < "AB"), low characters, and the NUL the fast sort joins with (then it
    sorts the tuples instead): always the order of the tuples."""
    assert _sorted_pairs(frozenset(pairs)) == [list(p) for p in sorted(pairs)]


def test_a_parsed_roster_reuses_its_checked_pair_lists() -> None:
    doc = {"inspectors": [], "conflicts": [["F1", "C1"]], "previous": [["C1", "F1"], ["C2", "F1"]]}
    r = Roster.from_document(doc)
    assert r.document() == doc
    assert Roster(r.inspectors, r.conflicts, r.previous).document() == doc
