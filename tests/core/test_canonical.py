"""RFC 8785 canonical JSON: the RFC's own examples (anchors.md §6) and the no-float rule."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from randcheck.core.canonical import canonical, is_canonical, parse
from randcheck.errors import InputError

# RFC 8785 §3.2.2 input and §3.2.3 output, byte for byte.
RFC_INPUT = (
    '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],'
    '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
    '"literals":[null,true,false]}'
)
RFC_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
).encode()


def test_rfc8785_full_example_through_the_library() -> None:
    assert rfc8785.dumps(json.loads(RFC_INPUT)) == RFC_OUTPUT


def test_rfc8785_example_without_floats_through_canonical() -> None:
    value = json.loads(RFC_INPUT)
    del value["numbers"]  # randcheck refuses floats in signed data
    expected = RFC_OUTPUT.replace(b'"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],', b"")
    assert canonical(value) == expected
    assert is_canonical(expected)


def test_rfc8785_key_order_is_utf16() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    out = canonical(dict.fromkeys(keys, 0)).decode()
    order = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    positions = [out.index(json.dumps(k, ensure_ascii=False)) for k in order]
    assert positions == sorted(positions)
    # Code-point order would put U+FB33 before the emoji: the usual sort_keys bug.
    assert out != json.dumps(dict.fromkeys(keys, 0), sort_keys=True, ensure_ascii=False)


def test_floats_and_duplicates_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        canonical({"a": 1.5})
    assert exc.value.code == "canonical.float"
    with pytest.raises(InputError) as exc:
        parse(b'{"a":1,"a":2}')
    assert exc.value.code == "canonical.duplicate_key"
    with pytest.raises(InputError) as exc:
        parse(b'{"a":1.0}')
    assert exc.value.code == "canonical.float"
    assert not is_canonical(b'{"b":1, "a":2}')


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_canonical_round_trips(value: object) -> None:
    data = canonical(value)
    assert canonical(parse(data)) == data
    assert is_canonical(data)


# Every code point, and controls, quotes, backslashes and characters around U+D800/U+E000
# and above U+FFFF more often than uniform sampling would give them.
_tricky = st.sampled_from(
    ["", "\x00", "\x1f", "\x7f", '"', "\\", "/", "\u2028", "\ud7ff", "\ue000", "\uffff",
     "\U00010000", "\U0001f600", "é", "€", "中文"]
)  # fmt: skip
_texts = st.text() | _tricky | st.lists(_tricky, max_size=5).map("".join)
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | _texts
    | st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=2),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_texts, inner, max_size=5),
    max_leaves=20,
)


@given(any_json)
def test_fast_path_gives_the_rfc8785_bytes(value: object) -> None:
    """canonical() takes the C json encoder when it can; it must equal rfc8785 byte for byte
    (or both refuse the value, e.g. a lone surrogate)."""
    try:
        expected: bytes | None = rfc8785.dumps(value)
    except Exception:
        expected = None
    try:
        got: bytes | None = canonical(value)
    except Exception:
        got = None
    assert got == expected


def test_fast_path_key_order_needs_utf16_above_d7ff() -> None:
    """U+E000 sorts after U+10000 by code point but before it in UTF-16: the fast path must
    not decide this order."""
    value = {"\ue000": 1, "\U00010000": 2, "a": 3}
    assert canonical(value) == rfc8785.dumps(value)
    assert canonical(value).index("\U00010000".encode()) < canonical(value).index("\ue000".encode())


def test_a_value_containing_itself_is_refused_not_looped_on() -> None:
    """The fast path walks values without recursion; a cycle must still end (as the checked
    path always did, with RecursionError), not loop forever. Run apart, with a time limit."""
    import subprocess
    import sys

    script = (
        "from randcheck.core.canonical import canonical\n"
        "a = []\na.append(a)\nd = {}\nd['d'] = d\n"
        "for v in (a, d):\n"
        "    try:\n        canonical(v)\n    except RecursionError:\n        print('refused')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.split() == ["refused", "refused"]


@given(
    st.lists(
        st.lists(_texts, min_size=2, max_size=2)
        | st.lists(_texts | st.integers(0, 9), max_size=3)
        | st.lists(st.lists(_texts, max_size=2), max_size=2),
        max_size=6,
    )
)
def test_lists_of_text_pairs_checked_by_type_give_the_rfc8785_bytes(value: object) -> None:
    """A roster's pair lists take the by-type shortcut of the fast path (lists of texts, or
    of lists of texts); anything else in them (a number, a deeper list) takes the walk."""
    assert canonical(value) == rfc8785.dumps(value)
    assert canonical({"previous": value}) == rfc8785.dumps({"previous": value})


def test_a_pair_list_with_a_float_or_lone_surrogate_is_still_refused_or_escaped() -> None:
    with pytest.raises(InputError):
        canonical([["a", "b"], ["c", 1.5]])
    value = [["a", "\ud800"]]
    with pytest.raises(Exception):  # noqa: B017 - what rfc8785 raises for it
        rfc8785.dumps(value)
    with pytest.raises(Exception):  # noqa: B017
        canonical(value)
