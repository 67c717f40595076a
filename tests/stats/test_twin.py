"""The fast twin and its reference: ``compute``'s repeated inspections (grouped in SQL,
``services.stats._history_query``) equal ``reference_repeated`` (every history row read and
grouped in Python by ``core.stats.history_inspections``) on random histories.

The histories are drawn from the hand-built world's entities (drawn targets, others, and codes
not in the registry), over the edges of the year, with several rows per inspection, refs that
are this workspace's own task ids, empty departments and departments holding a comma or
the separator ``services.stats.SEP`` (read again plainly).  Each seed replaces the
module's history (this module has its own world: the ``built`` fixture is module-scoped)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import delete, insert

from randcheck.core import stats as core
from randcheck.services import stats
from randcheck.store.result_models import HistoryRow
from tests.drawfixtures import code
from tests.stats.conftest import Built
from tests.stats.world import AS_OF

DAYS = ["2025-12-31", "2026-01-01", "2026-03-01", "2026-07-15", "2026-12-31", "2027-01-01"]
DEPARTMENTS = ["消防", "税务", "药品科", "食品科", "", "市场监管局,稽查", "消防\x1f稽查"]
REFS = ["T25", "T26", "T27", "ZX-1", "ZX-2", "SJ-3", ""]


def random_history(b: Built, seed: int) -> int:
    rng = random.Random(seed)
    w = b.world
    codes = [*w.t26_targets, *w.t27.targets, *(code(i) for i in range(40)), "91NOTINREGISTRY00X"]
    rows = []
    for _ in range(rng.randrange(20, 300)):
        inspection = (rng.choice(codes), rng.choice(DAYS), rng.choice(DEPARTMENTS),
                      rng.choice(REFS))  # fmt: skip
        rows.extend((*inspection, rng.random() < 0.5) for _ in range(rng.choice((1, 1, 2, 3))))
    with b.engine.begin() as conn:
        conn.execute(delete(HistoryRow))
        conn.execute(
            insert(HistoryRow),
            [
                {"entity_code": c, "inspected_on": d, "item_code": "", "inspectors": "", "result": "", "department": dep,
                 "ref": ref, "is_random": rnd, "source": "test", "content": f"{seed}-{i}"}
                for i, (c, d, dep, ref, rnd) in enumerate(rows)
            ],
        )  # fmt: skip
    return len(rows)


@pytest.mark.parametrize("seed", range(8))
def test_grouped_sql_equals_the_python_reference(built: Built, seed: int) -> None:
    random_history(built, seed)
    listed = 0
    for cap in (None, 1, 2, 3):
        for year in (2025, 2026):
            fast = stats.compute(built.ws, built.engine, year, AS_OF, cap=cap).repeated
            assert fast == stats.reference_repeated(built.engine, year, cap), (seed, cap, year)
            listed += len(fast)
    assert listed  # the comparison is not between two empty lists


def test_the_reference_counts_one_inspection_per_entity_date_department_ref() -> None:
    rows = [
        core.HistoryFacts("A", "2026-03-01", "消防", "X", False),
        core.HistoryFacts("A", "2026-03-01", "消防", "X", True),  # same inspection: random
        core.HistoryFacts("A", "2026-03-01", "税务", "X", False),  # another department
        core.HistoryFacts("A", "2026-03-02", "消防", "X", False),  # another day
        core.HistoryFacts("A", "2025-12-31", "消防", "X", True),  # another year
        core.HistoryFacts("B", "2026-05-01", "", "T26", True),  # this workspace's own task
        core.HistoryFacts("B", "2026-05-01", "", "Y", True),
    ]
    got = core.history_inspections(rows, 2026, ["T26"])
    assert got == (
        core.Inspections("A", 1, 2, frozenset({"消防", "税务"})),
        core.Inspections("B", 1, 0, frozenset({""})),
    )
