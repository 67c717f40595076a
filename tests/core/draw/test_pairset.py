"""PairSet: a set of id pairs held as its canonical text, equal to the frozenset it stands for
in everything a roster and pairing do with it."""

from __future__ import annotations

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.core.draw.envelope import open_envelope
from randcheck.core.draw.model import Roster, _pair_text
from randcheck.core.draw.pairset import PairSet
from tests.core.draw.test_properties import _draw, _roster
from tests.vectors import generate as g

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ids with shared prefixes (one a prefix of another), punctuation sorting below letters
ids = st.text(alphabet="AB!~0", min_size=1, max_size=5)
pair_sets = st.frozensets(st.tuples(ids, ids), max_size=30)


@FAST
@given(pair_sets, st.lists(st.tuples(ids, ids), max_size=10))
def test_pairset_is_the_frozenset(pairs: frozenset[tuple[str, str]], probes: list) -> None:
    ps = PairSet.of_pairs(pairs)
    assert ps is not None
    assert ps == pairs and pairs == ps and len(ps) == len(pairs) and hash(ps) == hash(pairs)
    assert list(ps) == sorted(pairs)
    for p in [*probes, *list(pairs)[:5]]:
        assert (p in ps) == (p in pairs)
    for first in {a for a, _ in probes} | {a for a, _ in pairs}:
        assert ps.seconds_of(first) == {b for a, b in pairs if a == first}
    assert ps.seconds() == {b for _, b in pairs}
    some = {b for _, b in probes}
    assert ps.with_seconds(some) == {(a, b) for a, b in pairs if b in some}
    assert ps.with_seconds(some).text == _pair_text({(a, b) for a, b in pairs if b in some})
    assert ps.text == _pair_text(pairs)  # the roster's canonical pair text
    assert PairSet.of_text(ps.text) == ps
    assert pickle.loads(pickle.dumps(ps)) == ps


def test_pairset_refuses_what_is_not_a_pair_text() -> None:
    good = b"A\0x\nA\0y\nB\0x"
    assert PairSet.of_text(good) is not None
    assert PairSet.of_text(b"") == frozenset()
    for bad in (
        b"A\0y\nA\0x",  # unsorted
        b"A\0x\nA\0x",  # repeated
        b"A\0x\n",  # a final newline: an empty line
        b"Ax",  # no NUL
        b"A\0x\0y",  # two
        b"\0x",  # an empty id
        b"A\0 x",  # not visible ASCII
        b"A\0" + b"x" * 65,  # longer than an id may be
        "A\0é".encode(),
    ):
        assert PairSet.of_text(bad) is None, bad
    assert PairSet.of_text(b"A\0" + b"x" * 64) is not None
    for pairs in ({("A", "")}, {("A", "x y")}, {("A", "é")}, {("A",)}, {"Ax"}):
        assert PairSet.of_pairs(pairs) is None  # type: ignore[arg-type]
    assert ("A", "x") not in PairSet.of_text(b"B\0x")  # type: ignore[operator]
    assert ("é", "x") not in PairSet.of_text(good)  # type: ignore[operator]
    assert "Ax" not in PairSet.of_text(good)  # type: ignore[operator]


@FAST
@given(st.frozensets(st.tuples(st.integers(0, 29), st.integers(0, 5)), max_size=60))
def test_roster_and_draw_the_same_with_a_pairset(chosen: frozenset[tuple[int, int]]) -> None:
    """Rotation's previous pairs as a PairSet: the same roster bytes, the same teams."""
    base = _roster(6, 1)
    ids_ = sorted(i.id for i in base.inspectors)
    pool = sorted(g.code("1330100", i).encode() for i in range(30))
    pairs = frozenset((pool[c].decode(), ids_[b]) for c, b in chosen)
    ps = PairSet.of_pairs(pairs)
    assert ps is not None
    plain = Roster(base.inspectors, frozenset(), pairs)
    texted = Roster(base.inspectors, frozenset(), ps)
    assert plain.canonical() == texted.canonical() and plain == texted
    back = Roster.from_canonical(texted.canonical())
    assert isinstance(back.previous, PairSet) and back.previous == pairs
    outcomes = []
    for roster in (plain, texted, back):
        try:
            ann, rec = _draw(pool, roster, 6, True, 1, load=10)
            outcomes.append((ann, open_envelope(rec).doc["teams"]))
        except Exception as exc:  # too few inspectors left: the same refusal each time
            outcomes.append((getattr(exc, "code", None), str(exc)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
