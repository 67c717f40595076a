"""``randcheck.core.stats``: exact rounding, and order independence (hypothesis): shuffling
the input rows never changes the output."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from randcheck.core import stats as core


def test_decimal_str_rounds_half_to_even() -> None:
    assert core.decimal_str(Fraction(1, 8), 2) == "0.12"  # 0.125 → even 2
    assert core.decimal_str(Fraction(3, 8), 2) == "0.38"  # 0.375 → even 8
    assert core.decimal_str(Fraction(5, 2), 0) == "2"
    assert core.decimal_str(Fraction(0), 2) == "0.00"
    assert core.decimal_str(Fraction(-1, 8), 2) == "-0.12"
    assert core.decimal_str(Fraction(12345, 1), 1) == "12345.0"


def test_percent_and_no_ratio_without_a_pool() -> None:
    assert core.percent_str(8, 500, 2) == "1.60%"
    assert core.percent_str(1, 3, 1) == "33.3%"
    assert core.percent_str(0, 0, 2) is None


def test_sqrt_str_exact_including_ties() -> None:
    assert core.sqrt_str(Fraction(96, 100), 2) == "0.98"
    assert core.sqrt_str(Fraction(0), 2) == "0.00"
    assert core.sqrt_str(Fraction(4), 2) == "2.00"
    # exact ties: √(0.015²·…) — 0.125² = 1/64: 0.125 → 0.12 (even); 0.375² → 0.38
    assert core.sqrt_str(Fraction(1, 64), 2) == "0.12"
    assert core.sqrt_str(Fraction(9, 64), 2) == "0.38"


@given(st.fractions(min_value=0, max_value=10**6), st.integers(0, 4))
def test_sqrt_str_agrees_with_decimal(value: Fraction, places: int) -> None:
    with localcontext() as ctx:
        ctx.prec = 80
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
        want = root.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    got = core.sqrt_str(value, places)
    # 80 digits decide every non-tie; a tie is exact in both
    assert Decimal(got) == want


def test_clock_class() -> None:
    d = date(2026, 12, 15)

    def row(deadline: str | None, published: str | None) -> core.ClockFacts:
        return core.ClockFacts("T", "C", "n", "I", deadline, published)

    assert core.clock_class(row(None, "2026-01-01"), d) == core.UNKNOWN
    assert core.clock_class(row("2026-12-01", "2026-12-01"), d) == core.ON_TIME
    assert core.clock_class(row("2026-12-01", "2026-12-02"), d) == core.LATE
    assert core.clock_class(row("2026-12-14", None), d) == core.OVERDUE
    assert core.clock_class(row("2026-12-15", None), d) == core.PENDING
    # published after as_of: not yet published on as_of
    assert core.clock_class(row("2026-12-20", "2026-12-16"), d) == core.PENDING
    assert core.clock_class(row("2026-12-10", "2026-12-16"), d) == core.OVERDUE


# -- order independence ----------------------------------------------------------------------

codes = st.sampled_from(["A", "B", "C", "甲", "乙", "Z9"])
tasks_ = st.sampled_from(["T1", "T2", "T3"])


@st.composite
def task_facts(draw: st.DrawFn) -> core.TaskFacts:
    tid = draw(st.text("TXYZ0123", min_size=1, max_size=4))
    strata = draw(st.lists(st.tuples(st.sampled_from("SUV"), st.integers(0, 50)), max_size=3,
                           unique_by=lambda s: s[0]))  # fmt: skip
    drawn = {s: draw(st.integers(0, n)) for s, n in strata}
    return core.TaskFacts(
        tid, f"title {tid}",
        tuple(draw(st.lists(st.sampled_from(["食品科", "药品科", "广告科"]), max_size=2, unique=True))),
        tuple(draw(st.lists(st.sampled_from(["K01", "G01", "J01"]), max_size=3, unique=True))),
        tuple(strata), drawn,
    )  # fmt: skip


@given(st.lists(task_facts(), max_size=6, unique_by=lambda t: t.task_id), st.randoms())
def test_coverage_order_independent(tasks: list[core.TaskFacts], rnd: object) -> None:
    shuffled = list(tasks)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    names = {"K01": "食品", "G01": "公示"}
    assert core.coverage(shuffled, names) == core.coverage(tasks, names)
    got = core.coverage(tasks, names)
    for part in (got.items, got.departments, got.strata):
        keys = [r.key for r in part]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)


@given(st.lists(st.tuples(tasks_, codes, st.sampled_from(["F1", "F2", "D1", "甲1"]))),
       st.randoms())  # fmt: skip
def test_workload_order_independent(rows: list[tuple[str, str, str]], rnd: object) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    people = {"F1": ("一", "食品科")}
    one, two = core.workload(rows, people), core.workload(shuffled, people)
    assert one == two and one.to_json() == two.to_json()
    assert sum(i.targets for i in one.inspectors) == len(set(rows))


@given(st.lists(st.tuples(st.lists(st.sampled_from(["未发现问题", "已改正", "注销"]), max_size=3)
                          .map(lambda ts: "|" + "|".join(ts) + "|" if ts else ""),
                          st.integers(1, 5))),
       st.randoms())  # fmt: skip
def test_terms_order_independent(rows: list[tuple[str, int]], rnd: object) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert core.terms(shuffled) == core.terms(rows)


@st.composite
def clock_rows(draw: st.DrawFn) -> core.ClockFacts:
    day = date(2026, 11, 1)
    deadline = draw(st.none() | st.integers(0, 60).map(lambda n: (day + timedelta(n)).isoformat()))
    pub = draw(st.none() | st.integers(0, 60).map(lambda n: (day + timedelta(n)).isoformat()))
    return core.ClockFacts(draw(tasks_), draw(codes), "名", draw(st.sampled_from(["K", "G"])),
                           deadline, pub)  # fmt: skip


@given(st.lists(clock_rows()), st.integers(0, 60), st.randoms())
def test_publication_order_independent(rows: list[core.ClockFacts], n: int, rnd: object) -> None:
    as_of = date(2026, 11, 1) + timedelta(n)
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    one = core.publication(rows, as_of)
    assert one.to_json() == core.publication(shuffled, as_of).to_json()
    assert sum(one.counts.values()) == len(rows)
    assert len(one.overdue_list) == one.counts[core.OVERDUE]


@given(st.lists(st.builds(core.Inspections, codes, st.integers(0, 3), st.integers(0, 3),
                          st.frozensets(st.sampled_from(["", "消防", "税务", "食品科"])))),
       st.none() | st.integers(1, 4), st.randoms())  # fmt: skip
def test_repeated_order_independent(
    parts: list[core.Inspections], cap: int | None, rnd: object
) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    names = {"A": "甲公司"}
    one = core.repeated(parts, names, cap)
    assert one == core.repeated(shuffled, names, cap)
    limit = 1 if cap is None else cap
    totals: dict[str, int] = {}
    for p in parts:
        totals[p.code] = totals.get(p.code, 0) + p.random + p.non_random
    assert {r.code for r in one} == {c for c, n in totals.items() if n > limit}
    assert all("" not in r.departments for r in one)
