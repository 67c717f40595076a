"""The draws service: evidence, record, finalize, redraw, aborts, practice, substitutions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.core.canonical import parse
from randcheck.core.draw import envelope
from randcheck.core.draw.commit import parse_population_file
from randcheck.core.draw.model import Roster
from randcheck.core.draw.replay import replay
from randcheck.errors import ConflictError, InputError, RandcheckError, VerificationError
from randcheck.services import draws, gathering, substitutions, tasks
from randcheck.services.audit import AuditLog
from randcheck.services.snapshots import documents, load_population
from randcheck.store.draw_models import AddendumRow, RecordRow, TaskRow
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    DICE,
    DRAND_BEACON,
    DRAND_SIG,
    DRAWN_AT,
    OPERATOR,
    OTHER,
    WITNESS,
    definition,
    later,
    record_draw,
    seed_world,
    table_counts,
    trusted,
    with_drand,
    write_def,
)

NONCE = bytes(range(32))


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


def announced(
    ws: Workspace, engine: Engine, doc: dict[str, Any] | None = None, name: str = "t.toml"
) -> str:
    path = write_def(ws.root.parent / "defs" / name, doc or definition())
    (d,) = tasks.create_tasks(ws, engine, path, "tester")
    tasks.announce(ws, engine, d.id, OPERATOR, "tester", ANNOUNCE_AT)
    return d.id


@pytest.fixture
def task(ws: Workspace, engine: Engine) -> str:
    seed_world(engine)
    return announced(ws, engine)


def official(
    ws: Workspace, engine: Engine, task_id: str, reason: str | None = None, dice: Any = None
) -> tuple[dict[str, Any], draws.Finalized]:
    plan = draws.prepare(engine, task_id)
    ev = gathering.evidence_from_file(plan, dice or DICE, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT, redraw_reason=reason)
    fin = record_draw(ws, engine, plan, ev, body, now=later(1))
    return body, fin


def replay_stored(engine: Engine, ref: str, keys: dict[str, bytes] | None = None) -> Any:
    with Session(engine) as s:
        docs = documents(s, ref)
        files = load_population(s, docs.task_id)
    return replay(
        docs.announcement,
        docs.record,
        {sid: parse_population_file(data, sid) for sid, data in files.items()},
        Roster.from_document(parse(docs.roster)),
        keys or trusted(),
        docs.addenda,
    )


def kinds(ws: Workspace, engine: Engine) -> list[str]:
    return [e["kind"] for e in AuditLog(ws, engine).entries()]


def test_full_draw_with_drand_verifies_by_replay(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    t = announced(ws, engine, with_drand(definition()))
    plan = draws.prepare(engine, t)
    assert [c.name for c in plan.checks] == ["snapshot.S1", "snapshot.S2", "roster"]
    assert [s["type"] for s in plan.sources] == ["nonce", "dice", "drand"]
    assert gathering.drand_round_time(plan.sources[2]) == "2023-09-15T11:00:03Z"
    ev = gathering.evidence_from_file(plan, {**DICE, "drand": DRAND_BEACON}, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT)
    assert body["task_id"] == t and body["previous_record"] is None and body["redraw"] is None
    assert [len(s["drawn"]) for s in body["strata"]] == [10, 2]
    assert len(body["teams"]) == 12
    assert all(len(team["members"]) == 2 for team in body["teams"])
    fin = record_draw(ws, engine, plan, ev, body, witnesses=[WITNESS], now=later(1))
    assert fin.code == "-".join([fin.digest[0:4], fin.digest[4:8], fin.digest[8:12]]).upper()
    with Session(engine) as s:
        row = s.get(RecordRow, fin.digest)
        assert row is not None and row.envelope == fin.envelope and not row.superseded
        assert s.get(TaskRow, t).status == "drawn"  # type: ignore[union-attr]
    opened = envelope.open_envelope(fin.envelope, "record")
    assert parse(opened.body) == body
    assert len(opened.signatures) == 2  # operator, then the witness
    report = replay_stored(engine, t)
    assert report.ok, report.first_failure
    names = [c.name for c in report.checks]
    assert {"entropy", "seed", "teams", "record.signature", "roster"} <= set(names)
    # replay needs the office key: another key is not trusted
    assert replay_stored(engine, t, trusted(OPERATOR, WITNESS)).ok
    bad = replay_stored(engine, t, trusted(OTHER))
    assert not bad.ok and bad.first_failure is not None
    assert bad.first_failure.name == "announcement.signature"
    assert kinds(ws, engine) == ["task.create", "task.announce", "draw.revealed", "draw.record"]
    revealed, entry = AuditLog(ws, engine).entries()[-2:]
    assert entry["payload"]["record"] == fin.digest and entry["payload"]["redraw"] is None
    # the reveal came first and holds the very seed and evidence of the record
    assert entry["payload"]["revealed"] == revealed["seq"] and entry["payload"]["answers"] == []
    assert revealed["payload"]["seed"] == body["seed"]
    assert revealed["payload"]["evidence"] == body["entropy"]


def test_second_official_draw_refused_and_redraw_marked(
    ws: Workspace, engine: Engine, task: str
) -> None:
    plan0 = draws.prepare(engine, task)
    with pytest.raises(ConflictError) as exc:
        draws.compute(
            plan0, gathering.evidence_from_file(plan0, DICE, DRAWN_AT), DRAWN_AT, redraw_reason="x"
        )
    assert exc.value.code == "draw.nothing_to_redraw"
    first, fin1 = official(ws, engine, task)
    plan = draws.prepare(engine, task)
    assert plan.official is not None and plan.official.digest == fin1.digest
    before = table_counts(engine)
    with pytest.raises(ConflictError) as exc:
        draws.compute(plan, gathering.evidence_from_file(plan, DICE, DRAWN_AT), DRAWN_AT)
    assert exc.value.code == "draw.already_drawn"
    # a stale plan can neither reveal nor finalize a second draw
    ev0 = gathering.evidence_from_file(plan0, DICE, DRAWN_AT)
    body_stale = draws.compute(plan0, ev0, DRAWN_AT)
    log_before = AuditLog(ws, engine).file_bytes()
    with pytest.raises(ConflictError) as exc:
        draws.reveal(ws, engine, plan0, ev0, "tester", redraw=False)
    assert exc.value.code == "draw.raced"
    with pytest.raises(ConflictError) as exc:
        draws.finalize(ws, engine, plan0, body_stale, OPERATOR, [], "tester", 0)
    assert exc.value.code == "draw.raced"
    assert table_counts(engine) == before and AuditLog(ws, engine).file_bytes() == log_before
    # --redraw --reason: marked, chained, the old one superseded but kept
    second, fin2 = official(
        ws, engine, task, reason="见证人对骰子提出异议", dice={"dice": {"张三": [6, 6, 1, 2, 3]}}
    )
    assert second["redraw"] == {"reason": "见证人对骰子提出异议"}
    assert second["previous_record"] == fin1.digest
    assert second["seed"] != first["seed"]
    with Session(engine) as s:
        rows = s.exec(select(RecordRow).order_by(col(RecordRow.chain_index))).all()
    assert [(r.digest, r.superseded, r.redraw_reason) for r in rows] == [
        (fin1.digest, True, None),
        (fin2.digest, False, "见证人对骰子提出异议"),
    ]
    entry = AuditLog(ws, engine).entries()[-1]
    assert entry["kind"] == "draw.record"
    assert entry["payload"]["redraw"] == {"reason": "见证人对骰子提出异议"}
    assert entry["payload"]["supersedes"] == [fin1.digest]
    assert replay_stored(engine, fin2.digest).ok
    assert replay_stored(engine, fin1.digest).ok  # the superseded record still verifies
    # the superseded record cannot be substituted
    with pytest.raises(ConflictError):
        substitutions.substitute(
            ws, engine, fin1.digest, target=first["teams"][0]["target"], inspector=None,
            reason="x", operator=OPERATOR, actor="tester", now=later(2),
        )  # fmt: skip


def test_record_chain_spans_tasks(ws: Workspace, engine: Engine, task: str) -> None:
    _, fin1 = official(ws, engine, task)
    other = announced(ws, engine, definition(id="T2", items=["K01"]), name="t2.toml")
    body, _ = official(ws, engine, other)
    assert body["previous_record"] == fin1.digest
    with Session(engine) as s:
        assert [r.chain_index for r in s.exec(select(RecordRow)).all()] == [0, 1]


@pytest.mark.parametrize(
    ("stage", "practice", "needs"),
    [
        ("seed", False, True),
        ("teams", False, True),
        ("entropy", False, False),
        ("seed", True, False),
    ],
)
def test_abort_after_the_seed_forces_a_redraw_reason(
    ws: Workspace, engine: Engine, task: str, stage: str, practice: bool, needs: bool
) -> None:
    draws.log_abort(ws, engine, task, "tester", stage, "停电", practice=practice)
    assert kinds(ws, engine)[-1] == "draw.aborted"
    plan = draws.prepare(engine, task)
    assert plan.needs_redraw is needs
    ev = gathering.evidence_from_file(plan, DICE, DRAWN_AT)
    if needs:
        with pytest.raises(ConflictError):
            draws.compute(plan, ev, DRAWN_AT)
        body = draws.compute(plan, ev, DRAWN_AT, redraw_reason="中途停电后重新抽取")
        assert body["redraw"] == {"reason": "中途停电后重新抽取"}
    else:
        body = draws.compute(plan, ev, DRAWN_AT)
        assert body["redraw"] is None
    record_draw(ws, engine, plan, ev, body, now=later(1))
    # after the official record, the old abort no longer counts (a second draw is refused
    # for being second, and needs_redraw is false)
    assert draws.prepare(engine, task).needs_redraw is False


def test_abort_of_another_task_does_not_count(ws: Workspace, engine: Engine, task: str) -> None:
    draws.log_abort(ws, engine, "OTHER", "tester", "seed", "x")
    assert draws.prepare(engine, task).needs_redraw is False


def test_practice_never_official(ws: Workspace, engine: Engine, task: str) -> None:
    plan = draws.prepare(engine, task)
    before, log_before = table_counts(engine), AuditLog(ws, engine).file_bytes()
    pev = gathering.evidence_from_file(plan, DICE, DRAWN_AT, practice=True)
    assert pev[0] == {"type": "nonce", "value": draws.PRACTICE_NONCE.hex()}
    practice = draws.compute(plan, pev, DRAWN_AT, practice=True)
    assert practice["practice"] is True and practice["previous_record"] is None
    with pytest.raises(ConflictError) as exc:
        draws.finalize(ws, engine, plan, practice, OPERATOR, [], "tester", 0)
    assert exc.value.code == "draw.practice_not_official"
    assert table_counts(engine) == before and AuditLog(ws, engine).file_bytes() == log_before
    # the real nonce with the practice flag still gives another seed: a practice run can
    # never preview the official draw
    real_ev = gathering.evidence_from_file(plan, DICE, DRAWN_AT)
    with pytest.raises(RandcheckError):
        draws.compute(plan, real_ev, DRAWN_AT, practice=True)  # nonce does not match
    body, _ = official(ws, engine, task)
    assert body["seed"] != practice["seed"]
    # practice is still possible after the official draw, and is not a redraw
    again = draws.compute(draws.prepare(engine, task), pev, DRAWN_AT, practice=True)
    assert again["seed"] == practice["seed"] and again["redraw"] is None
    draws.log_practice(ws, engine, task, "tester", again)
    assert kinds(ws, engine)[-1] == "draw.practice"


def test_substitutions_are_stored_logged_and_replayed(
    ws: Workspace, engine: Engine, task: str
) -> None:
    body, fin = official(ws, engine, task)
    s1 = body["strata"][0]
    gone = s1["drawn"][0]["code"]
    a1 = substitutions.substitute(
        ws, engine, task, target=gone, inspector=None, reason="已注销",
        operator=OPERATOR, actor="tester", now=later(2), not_a_result=True,
    )  # fmt: skip
    doc1 = envelope.open_envelope(a1.envelope, "addendum").doc
    assert doc1["seq"] == 1 and doc1["previous"] is None and doc1["record"] == fin.digest
    assert doc1["replacement"]["code"] == s1["reserve"][0]["code"]
    team = next(t for t in body["teams"] if t["target"] != gone)
    recused = team["members"][0]["id"]
    a2 = substitutions.substitute(
        ws, engine, fin.digest[:12], target=team["target"], inspector=recused,
        reason="企业申请回避", operator=OPERATOR, actor="tester", now=later(3),
    )  # fmt: skip
    doc2 = envelope.open_envelope(a2.envelope, "addendum").doc
    assert doc2["seq"] == 2 and doc2["previous"] == a1.digest
    assert doc2["action"] == "replace_inspector" and doc2["inspector"] == recused
    new_ids = [m["id"] for m in doc2["team"]]
    assert recused not in new_ids and len(new_ids) == 2
    assert new_ids[0] == team["members"][1]["id"]  # the remaining member keeps its place
    with Session(engine) as s:
        rows = s.exec(select(AddendumRow).order_by(col(AddendumRow.seq))).all()
    assert [(r.seq, r.digest) for r in rows] == [(1, a1.digest), (2, a2.digest)]
    entries = AuditLog(ws, engine).entries()
    assert [e["kind"] for e in entries[-2:]] == ["draw.addendum", "draw.addendum"]
    assert entries[-1]["payload"]["reason"] == "企业申请回避"
    report = replay_stored(engine, task)
    assert report.ok, report.first_failure
    assert [c.name for c in report.checks if c.name.startswith("addendum")] == [
        "addendum.1",
        "addendum.2",
    ]
    # the addenda only verify in order
    with Session(engine) as s:
        docs = documents(s, task)
        pop = {sid: parse_population_file(d, sid) for sid, d in load_population(s, task).items()}
    roster = Roster.from_document(parse(docs.roster))
    wrong = replay(docs.announcement, docs.record, pop, roster, trusted(), docs.addenda[::-1])
    assert not wrong.ok
    # bad substitutions store nothing
    before = table_counts(engine)
    for kwargs in (
        {"target": "91000000MA00000000", "inspector": None},  # not a target
        {"target": gone, "inspector": None},  # already replaced
        {"target": team["target"], "inspector": recused},  # no longer on that team
    ):
        with pytest.raises(RandcheckError):
            substitutions.substitute(
                ws, engine, task, reason="x", operator=OPERATOR, actor="tester",
                now=later(4), **kwargs,  # type: ignore[arg-type]
            )  # fmt: skip
    with pytest.raises(InputError):  # dated before the draw
        substitutions.substitute(
            ws, engine, task, target=team["target"], inspector=None, reason="x",
            operator=OPERATOR, actor="tester", now=ANNOUNCE_AT,
        )  # fmt: skip
    assert table_counts(engine) == before


def test_reserve_exhausted_is_refused(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    doc = definition(strata=[{"id": "S", "risk": ["*"], "count": 2, "reserve": 1}])
    t = announced(ws, engine, doc)
    body, _ = official(ws, engine, t)
    d = body["strata"][0]["drawn"]
    substitutions.substitute(
        ws, engine, t, target=d[0]["code"], inspector=None, reason="x",
        operator=OPERATOR, actor="tester", now=later(2),
    )  # fmt: skip
    before = table_counts(engine)
    with pytest.raises(InputError):
        substitutions.substitute(
            ws, engine, t, target=d[1]["code"], inspector=None, reason="x",
            operator=OPERATOR, actor="tester", now=later(2),
        )  # fmt: skip
    assert table_counts(engine) == before


def _flip(hex_text: str) -> str:
    return ("1" if hex_text[0] != "1" else "2") + hex_text[1:]


@pytest.mark.parametrize(
    ("entropy", "error"),
    [
        ({"dice": {"张三": [1, 2, 3, 4, 7]}, "drand": DRAND_BEACON}, InputError),  # 7 on a d6
        ({"dice": {"张三": [1, 2, 3, 4]}, "drand": DRAND_BEACON}, InputError),  # too few
        ({"dice": {"李四": [1, 2, 3, 4, 5]}, "drand": DRAND_BEACON}, InputError),  # wrong witness
        ({"drand": DRAND_BEACON}, InputError),  # no dice at all
        (DICE, InputError),  # no drand
        ({**DICE, "drand": {**DRAND_BEACON, "round": 657414}}, VerificationError),
        ({**DICE, "drand": {**DRAND_BEACON, "signature": _flip(DRAND_SIG)}}, RandcheckError),
        ({**DICE, "drand": "not json"}, RandcheckError),
        ({"dice": {"张三": None}, "drand": DRAND_BEACON}, InputError),  # not a list
        ({"dice": [1, 2, 3, 4, 5], "drand": DRAND_BEACON}, InputError),  # not by witness
        ([1, 2, 3], InputError),  # not an object at all
    ],
)
def test_wrong_evidence_stores_nothing(
    ws: Workspace, engine: Engine, entropy: dict[str, Any], error: type[Exception]
) -> None:
    seed_world(engine)
    t = announced(ws, engine, with_drand(definition()))
    plan = draws.prepare(engine, t)
    before, log_before = table_counts(engine), AuditLog(ws, engine).file_bytes()
    with pytest.raises(error):
        gathering.evidence_from_file(plan, entropy, DRAWN_AT)
    assert table_counts(engine) == before and AuditLog(ws, engine).file_bytes() == log_before


def test_drand_round_not_yet_published_at_the_draw_time(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    t = announced(ws, engine, with_drand(definition()))
    plan = draws.prepare(engine, t)
    with pytest.raises(VerificationError):
        gathering.evidence_from_file(plan, {**DICE, "drand": DRAND_BEACON}, "2023-09-15T10:30:00Z")


def test_unknown_or_unannounced_task(ws: Workspace, engine: Engine) -> None:
    from randcheck.errors import NotFoundError

    seed_world(engine)
    with pytest.raises(NotFoundError):
        draws.prepare(engine, "NOPE")
    path = write_def(ws.root.parent / "defs" / "t.toml", definition())
    tasks.create_tasks(ws, engine, path, "tester")
    with pytest.raises(NotFoundError) as exc:
        draws.prepare(engine, "T1")
    assert exc.value.code == "task.not_announced"


# --- determinism -----------------------------------------------------------------------------


@pytest.fixture
def fixed_nonce(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(tasks.secrets, "token_bytes", lambda n: NONCE[:n])
    yield


def _whole_draw(root: Path, engine: Engine) -> tuple[bytes, bytes, bytes]:
    ws = init_workspace(root, "测试市市场监督管理局", "320500")[0]
    seed_world(engine)
    t = announced(ws, engine, with_drand(definition()))
    plan = draws.prepare(engine, t)
    ev = gathering.evidence_from_file(plan, {**DICE, "drand": DRAND_BEACON}, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT)
    fin = record_draw(ws, engine, plan, ev, body, now=later(1))
    return plan.announcement, envelope.open_envelope(fin.envelope).body, fin.envelope


def test_same_inputs_same_bytes_in_two_workspaces(
    tmp_path: Path, engine: Engine, fixed_nonce: None
) -> None:
    """Two workspaces (the test database, which may be PostgreSQL, and a fresh SQLite one)."""
    from randcheck.store.db import open_engine

    one = _whole_draw(tmp_path / "ws", engine)
    (tmp_path / "two" / "db").mkdir(parents=True)
    other = open_engine(f"sqlite:///{tmp_path / 'two' / 'db' / 'randcheck.sqlite'}")
    try:
        two = _whole_draw(tmp_path / "two", other)
    finally:
        other.dispose()
    assert one[0] == two[0]  # the announcement
    assert one[1] == two[1]  # the record body
    assert one[2] == two[2]  # Ed25519 is deterministic: the envelope too


def test_a_bad_roll_names_its_source(ws: Workspace, engine: Engine, task: str) -> None:
    plan = draws.prepare(engine, task)
    with pytest.raises(InputError) as exc:
        gathering.evidence_from_file(plan, {"dice": {"张三": [1, 2, 3, 4, 9]}}, DRAWN_AT)
    # the nonce is source #1 on screen and in the file order; the dice are #2, by 张三
    assert exc.value.code == "draw.bad_evidence" and exc.value.params["source"] == "张三"
    assert exc.value.params["reason_params"]["index"] == 2
    text = str(exc.value)
    assert "张三" in text and "9" in text and "1–6" in text
