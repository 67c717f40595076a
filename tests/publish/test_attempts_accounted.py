"""Every official attempt of a task logged before its record is accounted for by the record
(``log.complete``, SPEC §14.4), and a v2 commitment that was abandoned is a predecessor a
redraw answers for (``chain``).  The logs are written by the services; a "modified randcheck"
that hides an attempt is the real code with :func:`attempts.pending` told to forget it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from randcheck.services import attempts, commitments, draws, gathering, keys, publish
from randcheck.services.audit import format_time
from randcheck.services.verify import BundleReport, verify_bundle
from randcheck.workspace import Workspace
from tests.drawfixtures import (
    DICE,
    DRAWN_AT,
    OPERATOR,
    later,
    record_draw,
    seed_world,
    trusted,
)
from tests.services import test_draws_v2 as v2
from tests.services.test_draws import announced
from tests.services.test_draws_v2 import COMMIT_AT, DRAWN, FILE, PASS, commit, finish

# the v2 task of tests/services/test_draws_v2.py (one declared witness, 李四), announced
ws = v2.ws
task = v2.task


def _checks(report: BundleReport) -> dict[str, Any]:
    return {c.name: c for c in report.checks}


def _verify(ws: Workspace, engine: Engine, digest: str) -> BundleReport:
    res = publish.publish_record(ws, engine, digest, OPERATOR, actor="tester", now=DRAWN)
    # the reader trusts the witness 李四's key too (a v1 workspace has no such key)
    witness = {v2._kid(ws)} if "lisi" in {k.name for k in keys.list_keys(ws)} else set()
    return verify_bundle(res.path, trusted(OPERATOR), trusted_witnesses=witness)


def _forget(monkeypatch: pytest.MonkeyPatch, hidden: int) -> None:
    """A modified randcheck: the log holds entry ``hidden``, the draw acts as if it did not."""
    real = attempts.pending
    monkeypatch.setattr(
        attempts, "pending", lambda *a, **k: tuple(s for s in real(*a, **k) if s != hidden)
    )


def _second_commitment(
    ws: Workspace, engine: Engine, plan: draws.DrawPlan, *, redraw: bool
) -> commitments.Committed:
    witness = keys.load_private_key(ws, "lisi", PASS)
    values = gathering.committed_from_file(plan, FILE)
    at = COMMIT_AT - timedelta(seconds=1)
    env = commitments.sign(plan, commitments.build(plan, values, format_time(at)), OPERATOR,
                           [("lisi", witness)])  # fmt: skip
    return commitments.log(ws, engine, plan, env, None, "tester", redraw=redraw, now=at)


def _finish(
    ws: Workspace,
    engine: Engine,
    plan: draws.DrawPlan,
    c: commitments.Committed,
    reason: str | None,
) -> draws.Finalized:
    ev = gathering.evidence_from_file(plan, FILE, DRAWN_AT, rounds=c.rounds)
    seq = draws.reveal(ws, engine, plan, ev, "tester", redraw=reason is not None, now=DRAWN,
                       commitment=c.digest)  # fmt: skip
    body = draws.compute(plan, ev, DRAWN_AT, redraw_reason=reason, committed=c)
    return draws.finalize(ws, engine, plan, body, OPERATOR, [], "tester", seq, DRAWN)


# -- v2 ---------------------------------------------------------------------------------------


def test_a_redraw_after_an_abandoned_commitment_verifies(
    ws: Workspace, engine: Engine, task: str
) -> None:
    # the redraw's commitment (COMMIT_AT - 1 s) is later than the one it answers
    _plan, c1 = commit(ws, engine, task, at=COMMIT_AT - timedelta(seconds=2))
    draws.log_abort(ws, engine, task, "tester", draws.Stage.ENTROPY, "设备故障",
                    resumed=c1.seq)  # fmt: skip
    plan = draws.prepare(engine, task)
    assert plan.pending == (c1.seq,)
    c2 = _second_commitment(ws, engine, plan, redraw=True)
    fin = _finish(ws, engine, plan, c2, "设备故障")
    report = _verify(ws, engine, fin.digest)
    assert report.ok, report.first_failure
    by = _checks(report)
    assert by["chain"].code == "verify.chain_redraw" and by["chain"].params["seqs"] == str(c1.seq)
    assert by["log.complete"].code == "verify.complete_ok"


def test_a_resumed_commitment_verifies(ws: Workspace, engine: Engine, task: str) -> None:
    _plan, c = commit(ws, engine, task)
    draws.log_abort(ws, engine, task, "tester", draws.Stage.ENTROPY, "interrupted",
                    resumed=c.seq)  # fmt: skip
    found = commitments.pending(engine, draws.prepare(engine, task))
    assert found is not None
    fin = finish(ws, engine, draws.prepare(engine, task, found.seq), found)
    report = _verify(ws, engine, fin.digest)
    assert report.ok, report.first_failure
    assert _checks(report)["log.complete"].code == "verify.complete_ok"


def test_a_silently_dropped_commitment_fails_log_complete(
    ws: Workspace, engine: Engine, task: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # commitment 1 logged, its round seen; commitment 2 logged without marking a redraw
    _plan, c1 = commit(ws, engine, task)
    _forget(monkeypatch, c1.seq)
    plan = draws.prepare(engine, task)
    assert plan.pending == ()
    c2 = _second_commitment(ws, engine, plan, redraw=False)
    fin = _finish(ws, engine, plan, c2, None)
    report = _verify(ws, engine, fin.digest)
    by = _checks(report)
    assert by["chain"].ok  # the record names no predecessor and is no redraw: consistent
    done = by["log.complete"]
    assert not done.ok and done.code == "verify.complete_unanswered"
    assert done.params == {"seq": c1.seq, "kind": "draw.committed"}
    assert [c.name for c in report.failures] == ["log.complete"]


def test_a_commitment_after_the_record_warns(ws: Workspace, engine: Engine, task: str) -> None:
    plan, c = commit(ws, engine, task)
    fin = finish(ws, engine, plan, c)
    later_plan = draws.prepare(engine, task)
    c2 = _second_commitment(ws, engine, later_plan, redraw=True)
    report = _verify(ws, engine, fin.digest)
    done = _checks(report)["log.complete"]
    assert done.ok and done.warn and done.code == "verify.complete_pending"
    assert done.params["seq"] == c2.seq


# -- v1 ---------------------------------------------------------------------------------------

ENTERED = {"dice": {"张三": [1, 2, 3]}}


@pytest.fixture
def v1(ws: Workspace, engine: Engine) -> str:
    """A v1 task, announced."""
    seed_world(engine)
    return announced(ws, engine)


def _official(ws: Workspace, engine: Engine, task_id: str, reason: str | None) -> str:
    plan = draws.prepare(engine, task_id)
    ev = gathering.evidence_from_file(plan, DICE, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT, redraw_reason=reason)
    return str(record_draw(ws, engine, plan, ev, body, now=later(1)).digest)


def test_v1_redraw_after_entered_values_verifies(ws: Workspace, engine: Engine, v1: str) -> None:
    task_id = v1
    draws.log_abort(ws, engine, task_id, "tester", draws.Stage.ENTROPY, "停电", entered=ENTERED)
    report = _verify(ws, engine, _official(ws, engine, task_id, "停电后重新抽取"))
    assert report.ok, report.first_failure
    assert _checks(report)["log.complete"].code == "verify.complete_ok"


def test_v1_a_revealed_attempt_and_its_abort_are_accounted(
    ws: Workspace, engine: Engine, v1: str
) -> None:
    task_id = v1
    plan = draws.prepare(engine, task_id)
    ev = gathering.evidence_from_file(plan, DICE, DRAWN_AT)
    seq = draws.reveal(ws, engine, plan, ev, "tester", redraw=False, now=later(1))
    draws.log_abort(ws, engine, task_id, "tester", draws.Stage.SEED, "打印机故障", attempt=seq)
    report = _verify(ws, engine, _official(ws, engine, task_id, "打印机故障后重新抽取"))
    assert report.ok, report.first_failure
    assert _checks(report)["log.complete"].code == "verify.complete_ok"


def test_v1_silently_dropped_entered_values_fail(
    ws: Workspace, engine: Engine, v1: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = v1
    seq = draws.log_abort(ws, engine, task_id, "tester", draws.Stage.ENTROPY, "重来",
                          entered=ENTERED)  # fmt: skip
    _forget(monkeypatch, seq)
    report = _verify(ws, engine, _official(ws, engine, task_id, None))
    done = _checks(report)["log.complete"]
    assert not done.ok and done.params == {"seq": seq, "kind": "draw.aborted"}
    assert [c.name for c in report.failures] == ["log.complete"]


def test_v1_a_redraw_after_a_record_verifies(ws: Workspace, engine: Engine, v1: str) -> None:
    _official(ws, engine, v1, None)
    report = _verify(ws, engine, _official(ws, engine, v1, "检查对象信息有误后重新抽取"))
    assert report.ok, report.first_failure
    assert _checks(report)["log.complete"].code == "verify.complete_ok"


def test_a_v2_redraw_after_a_record_verifies(ws: Workspace, engine: Engine, task: str) -> None:
    plan, c1 = commit(ws, engine, task)
    finish(ws, engine, plan, c1)
    plan = draws.prepare(engine, task)
    c2 = _second_commitment(ws, engine, plan, redraw=True)
    fin = _finish(ws, engine, plan, c2, "检查对象信息有误")
    report = _verify(ws, engine, fin.digest)
    assert report.ok, report.first_failure
    assert _checks(report)["log.complete"].code == "verify.complete_ok"
