"""Selection is uniform: a chi-square test over fixed seeds (documented level, no scipy).

For N entities and n drawn per trial, entity i's inclusion count O_i over S trials has mean
S·p (p = n/N) and variance S·p(1−p); the counts sum to S·n, so their covariance is
p(1−p)·N/(N−1)·(I − J/N) per trial. Hence X = (N−1)/N · Σ (O_i − S·p)² / (S·p(1−p)) is
asymptotically chi-square with N−1 degrees of freedom. We reject at α = 0.001:
χ²₀.₉₉₉(19) = 43.820 (standard tables). The seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

from randcheck.core.draw import seed as seedmod
from randcheck.core.draw.commit import canonical_codes
from randcheck.core.draw.select import draw_stratum
from tests.vectors import generate as g

N, DRAWN, TRIALS = 20, 5, 4000
CRITICAL_DF19_ALPHA_0001 = Fraction(43820, 1000)


def _statistic(counts: list[int], trials: int, n: int, size: int) -> Fraction:
    p = Fraction(n, size)
    expected = trials * p
    var = trials * p * (1 - p)
    return Fraction(size - 1, size) * sum((c - expected) ** 2 for c in counts) / var


def test_each_entity_is_drawn_with_equal_frequency() -> None:
    codes = canonical_codes([g.code("1330100", i) for i in range(N)])
    index = {c: i for i, c in enumerate(codes)}
    counts = [0] * N
    first = [0] * N
    for trial in range(TRIALS):
        seed = hashlib.sha256(b"randcheck chi-square " + trial.to_bytes(4, "big")).digest()
        drawn = draw_stratum(seedmod.ticket_key(seed, "A"), codes, DRAWN, 0).drawn
        for _, c in drawn:
            counts[index[c]] += 1
        first[index[drawn[0][1]]] += 1
    assert sum(counts) == TRIALS * DRAWN
    assert _statistic(counts, TRIALS, DRAWN, N) < CRITICAL_DF19_ALPHA_0001
    # The first-ranked entity (batch order) is uniform too: plain Pearson, df 19.
    expected = Fraction(TRIALS, N)
    pearson = sum((c - expected) ** 2 / expected for c in first)
    assert pearson < CRITICAL_DF19_ALPHA_0001


def test_the_statistic_detects_a_biased_sampler() -> None:
    # Sanity check of the test itself: always drawing the same five entities must fail.
    biased = [TRIALS] * DRAWN + [0] * (N - DRAWN)
    assert _statistic(biased, TRIALS, DRAWN, N) > CRITICAL_DF19_ALPHA_0001
    # A 20 % excess for one entity (taken from another) is also caught.
    fair = [TRIALS * DRAWN // N] * N
    fair[0] += 200
    fair[1] -= 200
    assert _statistic(fair, TRIALS, DRAWN, N) > CRITICAL_DF19_ALPHA_0001
