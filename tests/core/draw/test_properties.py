"""Hypothesis properties of the draw (style guide: order, subsets, constraints, tampering)."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.announce import announce
from randcheck.core.draw.commit import canonical_codes
from randcheck.core.draw.envelope import open_envelope, seal, signed
from randcheck.core.draw.model import Inspector, Item, Roster, Rule, StratumSpec, Task, TeamRules
from randcheck.core.draw.record import draw
from randcheck.core.draw.replay import replay
from randcheck.core.draw.select import draw_stratum
from tests.core.draw.helpers import KEY, KEYS
from tests.drawfixtures import passes_without_bls
from tests.vectors import generate as g

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
codes_st = st.lists(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18),
    min_size=1,
    max_size=60,
    unique=True,
)
seeds = st.binary(min_size=32, max_size=32)


@FAST
@given(codes_st, seeds, st.randoms(use_true_random=False))
def test_input_order_is_irrelevant(codes: list[str], seed: bytes, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(codes)
    rnd.shuffle(shuffled)
    key = seedmod.ticket_key(seed, "A")
    a = draw_stratum(key, canonical_codes(codes), 5, 3)
    b = draw_stratum(key, canonical_codes(shuffled), 5, 3)
    assert a == b
    # Even unsorted input ranks the same: tickets depend only on (key, code).
    c = draw_stratum(key, [x.encode() for x in shuffled], 5, 3)
    assert c == a


@FAST
@given(codes_st, seeds, st.data())
def test_subset_consistency(codes: list[str], seed: bytes, data: st.DataObject) -> None:
    subset = data.draw(st.lists(st.sampled_from(codes), unique=True, min_size=1))
    key = seedmod.ticket_key(seed, "S")
    full = draw_stratum(key, canonical_codes(codes), len(codes), 0).drawn
    part = draw_stratum(key, canonical_codes(subset), len(subset), 0).drawn
    wanted = {s.encode() for s in subset}
    assert list(part) == [x for x in full if x[1] in wanted]


def _roster(n: int, experts: int) -> Roster:
    deps = ("甲局", "乙局")
    people = [
        Inspector(f"I{i:03d}", deps[i % 2], False, "2020-01-01", "2030-12-31") for i in range(n)
    ]
    people += [
        Inspector(f"E{i:03d}", deps[i % 2], True, "2020-01-01", "2030-12-31")
        for i in range(experts)
    ]
    return Roster(tuple(people))


def _draw(pool: list[bytes], roster: Roster, n: int, per_dep: bool, experts: int, load: int,
          announced_at: str = g.ANNOUNCED_AT) -> tuple[bytes, bytes]:  # fmt: skip
    task = Task("T1", "任务", ("甲局", "乙局"), (Item("I1", "key"),))
    teams = TeamRules(load, "2024-01-01", "2024-01-31", 2, experts, per_dep, True)
    body = announce(
        task=task, strata=[StratumSpec("S", Rule.count(n), 2)], population={"S": pool},
        exclusions={}, roster=roster, teams=teams, sources=g.sources(), announced_at=announced_at,
    )  # fmt: skip
    ann = signed(body, KEY)
    rec = draw(ann, {"S": pool}, roster, g.evidence(), g.DRAWN_AT, verify_bls=False)
    return ann, signed(rec, KEY)


pools = st.lists(
    st.integers(0, 99999).map(lambda i: g.code("1330100", i).encode()),
    min_size=3, max_size=40, unique=True,
).map(sorted)  # fmt: skip


@FAST
@given(pools, st.integers(2, 12), st.integers(1, 20), st.booleans(), st.integers(0, 2))
def test_same_inputs_same_bytes_and_loads_balanced(
    pool: list[bytes], inspectors: int, n: int, per_dep: bool, experts: int
) -> None:
    roster = _roster(inspectors, 2)
    ann1, rec1 = _draw(pool, roster, n, per_dep, experts, load=10_000)
    ann2, rec2 = _draw(list(pool), Roster(tuple(reversed(roster.inspectors))), n, per_dep,
                       experts, load=10_000)  # fmt: skip
    assert (ann1, rec1) == (ann2, rec2)
    teams = open_envelope(rec1).doc["teams"]
    loads = dict.fromkeys((i.id for i in roster.inspectors if not i.expert), 0)
    for t in teams:
        regular = [m for m in t["members"] if not m["expert"]]
        assert len(regular) == 2 and len({m["id"] for m in t["members"]}) == len(t["members"])
        assert sum(m["expert"] for m in t["members"]) == experts
        for m in regular:
            loads[m["id"]] += 1
    if not per_dep:  # unconstrained: loads as even as possible
        assert max(loads.values()) - min(loads.values()) <= 1


@FAST
@given(pools, st.integers(1, 5))
def test_workload_cap_and_departments_hold(pool: list[bytes], cap: int) -> None:
    roster = _roster(8, 0)
    try:
        _ann, rec = _draw(pool, roster, len(pool), True, 0, load=cap)
    except Exception as exc:
        assert getattr(exc, "code", None) == "proto.unstaffable"
        assert len(pool) * 2 > 8 * cap  # only fails when capacity is really short
        return
    by_id = {i.id: i for i in roster.inspectors}
    loads: dict[str, int] = {}
    for t in open_envelope(rec).doc["teams"]:
        assert {by_id[m["id"]].department for m in t["members"]} == {"甲局", "乙局"}
        for m in t["members"]:
            loads[m["id"]] = loads.get(m["id"], 0) + 1
    assert max(loads.values()) <= cap


_POOL = [g.code("1330100", i).encode() for i in range(30)]
_ANN, _REC = _draw(sorted(_POOL), _roster(6, 1), 4, True, 1, load=10)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_flipped_byte_is_caught(data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["ann", "rec"]))
    blob = bytearray(_ANN if which == "ann" else _REC)
    i = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    blob[i] ^= 1 << bit
    ann, rec = (bytes(blob), _REC) if which == "ann" else (_ANN, bytes(blob))
    report = replay(ann, rec, {"S": sorted(_POOL)}, _roster(6, 1), KEYS, verify_bls=False)
    assert not report.ok


def test_untampered_fixture_replays() -> None:
    report = replay(_ANN, _REC, {"S": sorted(_POOL)}, _roster(6, 1), KEYS, verify_bls=False)
    assert passes_without_bls(report), report.first_failure
    assert seal(open_envelope(_REC).doc) == open_envelope(_REC).body
    assert hashlib.sha256(_REC).hexdigest() != hashlib.sha256(_ANN).hexdigest()
