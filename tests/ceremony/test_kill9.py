"""A few kill -9s of each operation in the suite (``python -m tests.ceremony.kill9`` runs
many more): after each, the workspace is consistent and nothing can be re-rolled quietly."""

from __future__ import annotations

from tests.ceremony import kill9


def test_kill_minus_nine_at_random_instants() -> None:
    tally = kill9.run(kills_per_op=3, seed=7)
    assert tally.problems == []
    # each kind's first run is timed, the next two are killed at a random instant of it: at
    # least half of them must really have been killed, or the test tested nothing
    attempts = tally.kills + tally.completed
    assert all(attempts[op] == 3 for op in kill9.OPS)
    assert sum(tally.kills.values()) >= 4
