"""The roster's canonical bytes made in bulk (``Roster.canonical``, ``Roster.check``,
``Roster.from_canonical``) against the reference they replace: ``canonical(r.document())``,
``Roster.from_document(r.document())`` and ``Roster.from_document(parse(data))``.  Same
bytes, same roster, same error, whatever the pairs hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randcheck.core.canonical import canonical, parse
from randcheck.core.draw import model
from randcheck.core.draw.commit import roster_digest, roster_digest_of
from randcheck.core.draw.model import Inspector, Roster
from randcheck.errors import InputError

#: ids that pass check_id, and ones that do not (empty, too long, control, NUL, newline,
#: non-ASCII, a lone surrogate); quotes and backslashes are valid ids JSON escapes
GOOD_IDS = ["F1", "F2", "C1", "C2", "91320505MA0000001X", "a" * 64, 'q"', "b\\", "[", '","']
BAD_IDS = ["", "a" * 65, " ", "x\x00", "A\n", "é", "\ud800", "\x7f", "a\x00b"]
good_ids = st.sampled_from(GOOD_IDS) | st.text(
    alphabet=st.sampled_from(["A", "B", "1", "~", "!", '"', "\\", "]", ","]), min_size=1, max_size=4
)
any_ids = good_ids | st.sampled_from(BAD_IDS)
good_pairs = st.frozensets(st.tuples(good_ids, good_ids), max_size=12)
odd_items = st.sampled_from(["AB", ("A", "B", "C"), ("D",), (1, "A"), ("A", None)])
any_pairs = st.frozensets(st.tuples(any_ids, any_ids) | odd_items, max_size=8)

good_inspectors = st.lists(
    st.builds(
        Inspector,
        id=good_ids,
        department=st.sampled_from(["食品科", "x"]),
        expert=st.booleans(),
        cert_from=st.just("2020-01-01"),
        cert_to=st.just("2030-12-31"),
        qualifications=st.lists(st.sampled_from(["食品", "特种设备"]), max_size=2).map(tuple),
    ),
    max_size=4,
    unique_by=lambda i: i.id,
).map(tuple)
any_inspectors = st.lists(
    st.builds(
        Inspector,
        id=any_ids,
        department=st.sampled_from(["食品科", "", "e\u0301", "x"]),
        expert=st.booleans() | st.just(1),
        cert_from=st.sampled_from(["2020-01-01", "2020-1-1"]),
        cert_to=st.just("2030-12-31"),
        qualifications=st.lists(st.sampled_from(["食品", "", "e\u0301"]), max_size=2).map(tuple),
    ),
    max_size=3,
).map(tuple)

good_rosters = st.builds(Roster, good_inspectors, good_pairs, good_pairs)
any_rosters = st.builds(Roster, any_inspectors, any_pairs, any_pairs) | good_rosters


def outcome(fn: Callable[[], Any]) -> Any:
    """A result, or the error as (class, code, params) / (class, text)."""
    try:
        return ("ok", fn())
    except InputError as exc:
        return ("error", type(exc).__name__, exc.code, exc.params)
    except (TypeError, ValueError) as exc:  # the reference's own failure on odd items
        return ("error", type(exc).__name__, str(exc))


def fresh(r: Roster) -> Roster:
    """``r`` without any cached form."""
    return Roster(r.inspectors, r.conflicts, r.previous)


@given(any_rosters)
def test_canonical_bytes_equal_the_reference(r: Roster) -> None:
    ref = outcome(lambda: canonical(fresh(r).document()))
    assert outcome(fresh(r).canonical) == ref
    if ref[0] == "ok":  # and the digest over them is the document's
        assert roster_digest_of(r.canonical()) == roster_digest(fresh(r).document())
        assert r.canonical() is r.canonical()  # made once


@given(any_rosters)
def test_check_refuses_exactly_what_the_document_check_refuses(r: Roster) -> None:
    ref = outcome(lambda: Roster.from_document(fresh(r).document()) and None)
    assert outcome(fresh(r).check) == ref


def parsed(data: bytes) -> Any:
    """The outcome of reading stored roster bytes, with what a draw then uses of the roster:
    its fields and the canonical bytes its digest is checked over."""

    def read(fn: Callable[[bytes], Roster]) -> Any:
        r = fn(data)
        return (r.inspectors, r.conflicts, r.previous, r.canonical())

    ref = outcome(lambda: read(lambda d: Roster.from_document(parse(d))))
    got = outcome(lambda: read(Roster.from_canonical))
    assert got == ref
    if ref[0] == "ok":
        assert ref[1][3] == canonical(parse(data))
    return got


@given(good_rosters)
def test_from_canonical_of_canonical_bytes_equals_the_reference(r: Roster) -> None:
    data = canonical(fresh(r).document())
    got = parsed(data)
    assert got[0] == "ok"
    back = Roster.from_canonical(data)
    assert back == Roster.from_document(r.document()) and back.canonical() == data
    if b"\\" not in data:  # no escaped id (those take the reference path): the bulk path
        assert back.canonical() is data  # the stored bytes are kept, not rebuilt


pair_lists = st.lists(st.lists(any_ids, min_size=2, max_size=2) | st.lists(any_ids), max_size=6)
doc_inspectors = st.lists(
    st.fixed_dictionaries(
        {
            "cert_from": st.just("2020-01-01"),
            "cert_to": st.just("2030-12-31"),
            "department": st.sampled_from(["食品科", ""]),
            "expert": st.booleans(),
            "id": any_ids,
            "qualifications": st.lists(st.sampled_from(["a", "b"]), max_size=2),
        }
    ),
    max_size=3,
)


@given(doc_inspectors, pair_lists, pair_lists)
def test_from_canonical_of_any_canonical_document_equals_the_reference(
    people: Any, conflicts: Any, previous: Any
) -> None:
    """Unsorted, repeated, malformed pairs and inspectors, all in canonical JSON."""
    doc = {"inspectors": people, "conflicts": conflicts, "previous": previous}
    try:
        data = canonical(doc)
    except (InputError, ValueError):  # a lone surrogate: no canonical bytes at all
        return
    parsed(data)


MUTATION_BYTES = [b" ", b'"', b"\\", b",", b"[", b"]", b"{", b"}", b"a", b"\x00", b"\n", b"\xff"]


@settings(max_examples=300)
@given(good_rosters, st.data())
def test_from_canonical_of_altered_bytes_equals_the_reference(r: Roster, data: Any) -> None:
    """Whitespace, escapes, a byte changed, dropped or doubled, pairs swapped or repeated."""
    raw = canonical(fresh(r).document())
    kind = data.draw(st.sampled_from(["insert", "replace", "delete", "double", "swap", "escape"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    byte = data.draw(st.sampled_from(MUTATION_BYTES))
    if kind == "insert":
        raw = raw[:at] + byte + raw[at:]
    elif kind == "replace":
        raw = raw[:at] + byte + raw[at + 1 :]
    elif kind == "delete":
        raw = raw[:at] + raw[at + 1 :]
    elif kind == "double":
        end = data.draw(st.integers(at, len(raw)))
        raw = raw[:end] + raw[at:end] + raw[end:]
    elif kind == "swap":
        doc = parse(raw)
        name = data.draw(st.sampled_from(["conflicts", "previous"]))
        if len(doc[name]) >= 2:
            doc[name][0], doc[name][1] = doc[name][1], doc[name][0]
        elif doc[name]:
            doc[name].append(doc[name][0])
        raw = canonical(doc)
    else:
        raw = raw.replace(b'"F1"', b'"\\u00461"').replace(b'"C', b'"\\u0043')
    parsed(raw)


INSPECTOR = Inspector("F1", "食品科", False, "2020-01-01", "2030-01-01", ("食品",))
INSPECTOR_JSON = (
    '{"cert_from":"2020-01-01","cert_to":"2030-01-01","department":"食品科","expert":false,'
    '"id":"F1","qualifications":["食品"]}'
)


def test_known_bytes_with_escaped_ids() -> None:
    r = Roster(
        (INSPECTOR,),
        frozenset({("F1", "C2")}),
        frozenset({("C2", "F1"), ("C1", "F1"), ('C"3', "F\\1")}),
    )
    data = r.canonical()
    assert (
        data
        == (
            '{"conflicts":[["F1","C2"]],"inspectors":[' + INSPECTOR_JSON + "],"
            '"previous":[["C\\"3","F\\\\1"],["C1","F1"],["C2","F1"]]}'
        ).encode()
    )
    assert data == canonical(fresh(r).document())
    assert Roster.from_canonical(data) == r


def test_altered_bytes_fail_as_the_document_check_fails() -> None:
    r = Roster((INSPECTOR,), frozenset(), frozenset({("C2", "F1"), ("C1", "F1"), ("C3", "F1")}))
    data = r.canonical()
    assert (
        data
        == (
            '{"conflicts":[],"inspectors":[' + INSPECTOR_JSON + "],"
            '"previous":[["C1","F1"],["C2","F1"],["C3","F1"]]}'
        ).encode()
    )
    assert Roster.from_canonical(data).canonical() is data
    cases = {
        b'[["C2","F1"],["C1","F1"]': ("proto.unsorted_list", {"field": "roster.previous"}),
        b'[["C1","F1"],["C1","F1"]': ("proto.unsorted_list", {"field": "roster.previous"}),
        b'[["C1","F1","X"],["C2","F1"]': (
            "proto.bad_pair",
            {"field": "previous", "value": "['C1', 'F1', 'X']"},
        ),
        b'[["C1",""],["C2","F1"]': ("proto.bad_code", {"field": "previous", "value": "b''"}),
    }
    for swap, (code, params) in cases.items():
        with pytest.raises(InputError) as exc:
            Roster.from_canonical(data.replace(b'[["C1","F1"],["C2","F1"]', swap))
        assert (exc.value.code, exc.value.params) == (code, params)
    spaced = data.replace(b'["C1","F1"]', b'["C1", "F1"]')
    back = Roster.from_canonical(spaced)  # read, and its digest is over the canonical bytes
    assert back == r and back.canonical() == data


def test_pair_text_declines_what_is_not_two_ids() -> None:
    assert model._pair_text(frozenset({("a" * 64, "b" * 64)})) is not None
    for bad in ("", "a" * 65, "x\x00", "é", "A\n"):
        assert model._pair_text(frozenset({("F1", bad)})) is None
        assert model._pair_text(frozenset({(bad, "F1")})) is None
    for odd in ({("a", "b", "c"), ("d",)}, {"ab"}, {("a", "b"), "ab"}):
        assert model._pair_text(frozenset(odd)) is None  # type: ignore[arg-type]


def test_a_text_and_a_tuple_that_join_alike_are_checked_as_the_document_is() -> None:
    """Not a roster build_roster makes (its pairs are tuples), but the check is exact."""
    odd: Any = frozenset({("a", "b"), "ab"})
    r = Roster((), frozenset(), odd)
    assert r.canonical() == canonical(fresh(r).document())
    with pytest.raises(InputError) as exc:
        r.check()
    assert (exc.value.code, exc.value.params) == (
        "proto.unsorted_list",
        {"field": "roster.previous"},
    )


def test_many_pairs_over_several_slices() -> None:
    pairs = frozenset((f"91{i * 7919 % 30011:016d}", f"ZF{i % 300:04d}") for i in range(30011))
    r = Roster((INSPECTOR,), frozenset(), pairs)
    data = r.canonical()
    assert data == canonical(fresh(r).document())
    assert Roster.from_canonical(data) == r and Roster.from_canonical(data).canonical() is data
    r.check()
    odd: Any = pairs | {"AB"}  # one text among them, in whichever slice: the reference path
    assert Roster((INSPECTOR,), frozenset(), odd).canonical() == canonical(
        Roster((INSPECTOR,), frozenset(), odd).document()
    )
    assert model._pair_text(odd) is None
