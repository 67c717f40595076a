"""randcheck/draw/v2 in the bundle's log (docs/SPEC-v2.md §8): ``log.commitment`` proves the
``draw.committed`` entry of the record's task that names its commitment, never an entry of
another kind, of another task, or of a practice run."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from randcheck.bundle import layout
from randcheck.services import publish
from randcheck.services.verify import verify_bundle
from randcheck.services.verify.log import naming
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR, trusted
from tests.services import test_draws_v2 as v2
from tests.services.test_draws_v2 import DRAWN, commit, finish

ws = v2.ws
task = v2.task


def test_log_commitment_takes_only_the_draw_committed_entry(
    ws: Workspace, engine: Engine, task: str
) -> None:
    """Second review 6a: with the ``draw.committed`` entry gone, the reveal that names the same
    digest (proven, in the bundle) must not stand in for it."""
    plan, c = commit(ws, engine, task)
    fin = finish(ws, engine, plan, c)
    res = publish.publish_record(ws, engine, fin.digest, OPERATOR, actor="tester", now=DRAWN)
    whole = verify_bundle(res.path, trusted(OPERATOR))
    assert {x.name: x for x in whole.checks}["log.commitment"].params["seq"] == c.seq
    (res.path / layout.entry_file(c.seq)).unlink()
    report = verify_bundle(res.path, trusted(OPERATOR))
    found = {x.name: x for x in report.checks}["log.commitment"]
    assert not found.ok
    assert found.code == "verify.no_entry_of_kind"
    assert found.params == {"digest": c.digest[:16], "kind": "draw.committed"}


def _entry(kind: str, **payload: Any) -> tuple[bytes, dict[str, Any]]:
    return b"", {"kind": kind, "time": "2023-09-15T10:59:02Z", "payload": payload}


def test_naming_a_kind_skips_other_kinds_tasks_and_practice_runs() -> None:
    c = "ab" * 32
    entries = {
        1: _entry("draw.revealed", task="T", commitment=c),
        2: _entry("draw.committed", task="other", commitment=c),
        3: _entry("draw.committed", task="T", commitment=c, practice=True),
        4: _entry("draw.committed", task="T", commitment=c),
    }
    assert naming(entries, c) == 1  # any kind: the earliest
    assert naming(entries, c, kind="draw.committed", task="T") == 4
    assert naming({k: v for k, v in entries.items() if k != 4}, c, kind="draw.committed",
                  task="T") is None  # fmt: skip
