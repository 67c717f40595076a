"""``results publish``: signed results documents, chained, with corrections and late results."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.core import results as rdoc
from randcheck.core import signing
from randcheck.core.draw import envelope
from randcheck.core.vocabulary import shipped
from randcheck.errors import InputError, SignatureError
from randcheck.services.audit import AuditLog
from randcheck.services.results import clock, publication
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR, OTHER, trusted
from tests.results.world import Drawn, at, import_rows, result_row, results, state

OK = "未发现问题"
FOUND = "违反食品药品管理相关规定、发现问题经责令已改正"


def docs(engine: Engine, task: str) -> list[tuple[str, dict[str, object], bytes]]:
    with Session(engine) as s:
        rows = publication.documents(s, task)
    return [(r.digest, envelope.open_envelope(r.envelope, "results").doc, r.envelope) for r in rows]


def test_publish_signs_logs_and_marks(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, _ = drawn.targets
    rows = [
        result_row(t, a, "K01", "2026-09-28", OK),
        result_row(t, a, "G01", "2026-09-28", FOUND),
        result_row(t, b, "K01", "2026-09-30", OK),
    ]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2026-10-01"))
    done = publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-12"))
    assert (done.seq, done.count, done.corrections, done.late) == (1, 3, 0, 0)
    ((digest, doc, env),) = docs(engine, t)
    assert digest == done.digest
    opened = envelope.open_envelope(env, "results")
    assert opened.digest == digest
    assert envelope.verify(opened, trusted()) == list(trusted())
    with pytest.raises(SignatureError):
        envelope.verify(opened, trusted(OTHER))
    header, entries = rdoc.parse(doc)
    assert header["task"] == t and header["record"] == drawn.record
    assert header["seq"] == 1 and header["previous"] is None and header["addenda"] == 0
    assert header["authority"] == "测试市市场监督管理局"
    assert header["issued_at"] == "2026-10-12T04:00:00Z"
    assert header["vocabulary"] == {"id": shipped().id, "digest": shipped().digest}
    got = {(e.target, e.item): e for e in entries}
    assert set(got) == {(a, "K01"), (a, "G01"), (b, "K01")}
    assert got[(a, "G01")].terms == ("违反食品药品管理相关规定", "发现问题经责令已改正")
    assert got[(a, "K01")].deadline == "2026-10-30" and got[(a, "K01")].correction is None
    assert got[(b, "K01")].completed_on == "2026-09-30"
    last = AuditLog(ws, engine).entries()[-1]
    assert last["kind"] == "results.published" and last["seq"] == done.log_seq
    assert last["actor"] == "签发人"
    assert last["payload"]["results"] == digest and last["payload"]["record"] == drawn.record
    assert (last["payload"]["seq"], last["payload"]["count"]) == (1, 3)
    stored = results(engine)
    assert all(r.published == 1 and not r.pending for r in stored.values())
    assert {r.first_published_on for r in stored.values()} == {"2026-10-12"}
    # nothing new: refused, nothing changes
    before = state(ws, engine)
    with pytest.raises(InputError) as exc:
        publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-13"))
    assert exc.value.code == "results.nothing_to_publish"
    assert state(ws, engine) == before


def test_correction_and_late_results_chain_a_second_document(
    ws: Workspace, engine: Engine, drawn: Drawn, tmp_path: Path
) -> None:
    t = drawn.task
    a, b, c = drawn.targets
    first = [result_row(t, a, "K01", "2026-09-28", OK), result_row(t, b, "K01", "2026-09-28", OK)]
    import_rows(ws, engine, tmp_path / "1.xlsx", first, now=at("2026-10-01"))
    one = publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-10-12"))
    # a correction of a published result, and a new result published after its deadline
    corrected = [result_row(t, b, "K01", "2026-09-28", FOUND)]
    import_rows(
        ws, engine, tmp_path / "2.xlsx", corrected, correct=True, reason="复核发现记录有误",
        now=at("2026-10-13"),
    )  # fmt: skip
    late_new = [result_row(t, c, "G01", "2026-09-28", OK)]  # due 2026-10-30
    import_rows(ws, engine, tmp_path / "3.xlsx", late_new, now=at("2026-10-13"))
    two = publication.publish(ws, engine, t, OPERATOR, "签发人", now=at("2026-11-02"))
    assert (two.seq, two.count, two.corrections, two.late) == (2, 2, 1, 1)
    (d1, _, _), (d2, doc2, env2) = docs(engine, t)
    assert d1 == one.digest and d2 == two.digest
    assert envelope.verify(envelope.open_envelope(env2), trusted()) == list(trusted())
    header, entries = rdoc.parse(doc2)
    assert header["seq"] == 2 and header["previous"] == one.digest
    got = {(e.target, e.item): e for e in entries}
    assert set(got) == {(b, "K01"), (c, "G01")}  # only what is new since document 1
    assert got[(b, "K01")].correction == {"replaces": 1, "reason": "复核发现记录有误"}
    assert got[(b, "K01")].terms == ("违反食品药品管理相关规定", "发现问题经责令已改正")
    assert got[(c, "G01")].correction is None and got[(c, "G01")].deadline == "2026-10-30"
    stored = results(engine)
    assert stored[(b, "K01")].published == 2 and stored[(b, "K01")].correction == ""
    # a correction keeps the date the result was first made public
    assert stored[(b, "K01")].first_published_on == "2026-10-12"
    assert stored[(c, "G01")].first_published_on == "2026-11-02"
    assert stored[(a, "K01")].published == 1
    payload = AuditLog(ws, engine).entries()[-1]["payload"]
    assert (payload["seq"], payload["count"], payload["corrections"]) == (2, 2, 1)
    due = {(r.target, r.item): r for r in clock.due(ws, engine, t, date(2026, 11, 3))}
    assert (due[(c, "G01")].status, due[(c, "G01")].late) == (clock.PUBLISHED, True)
    assert (due[(b, "K01")].status, due[(b, "K01")].late) == (clock.PUBLISHED, False)
    assert due[(b, "K01")].published_on == "2026-10-12"


def test_cli_publish(cli: Any, ws: Workspace, engine: Engine, tmp_path: Path) -> None:
    """The CLI signs with the workspace key at today's time: a task of 2023 is in the past."""
    from randcheck.services import keys
    from tests.drawfixtures import ANNOUNCE_AT, DRAWN_AT, later, seed_world
    from tests.results.world import draw_task

    seed_world(engine)
    d = draw_task(
        ws, engine, "T23", window=("2023-10-01", "2023-10-31"), announced=ANNOUNCE_AT,
        drawn_at=DRAWN_AT, finalized=later(1),
    )  # fmt: skip
    keys.init_key(ws, AuditLog(ws, engine), "tester", b"office-passphrase")
    env = {"RANDCHECK_KEY_PASSPHRASE": "office-passphrase"}
    rows = [result_row("T23", d.targets[0], "K01", "2023-10-10", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2023-10-11"))
    before = state(ws, engine)
    wrong = cli("results", "publish", "T23", env={"RANDCHECK_KEY_PASSPHRASE": "wrong"})
    assert wrong.exit_code == 3
    no_key = cli("results", "publish", "T23", "--key", "nokey", env=env)
    assert no_key.exit_code == 3
    assert state(ws, engine) == before
    done = cli("results", "publish", "T23", "--json", env=env)
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert (doc["task"], doc["seq"], doc["count"], doc["corrections"]) == ("T23", 1, 1, 0)
    assert doc["late"] == 1  # 2023-10-10 + 20 working days is long past
    (_, body, env_bytes) = docs(engine, "T23")[0]
    pub = keys.public_key(ws)
    office = {signing.key_id(pub): pub}
    assert envelope.verify(envelope.open_envelope(env_bytes), office) == list(office)
    assert body["results"][0]["target"] == d.targets[0]
    again = cli("results", "publish", "T23", env=env)
    assert again.exit_code == 1 and "results import" in again.stderr


def test_racing_publishes_make_one_document(
    ws: Workspace, engine: Engine, drawn: Drawn, db_url: str, tmp_path: Path
) -> None:
    """Two offices' terminals publishing at once: one document, the other told there is
    nothing left to publish; nothing doubled, the log intact (SQLite and PostgreSQL)."""
    import threading

    from randcheck.errors import RandcheckError
    from randcheck.store.db import open_engine

    t = drawn.task
    a, b, _ = drawn.targets
    rows = [result_row(t, a, "K01", "2026-09-28", OK), result_row(t, b, "K01", "2026-09-30", OK)]
    import_rows(ws, engine, tmp_path / "r.xlsx", rows, now=at("2026-10-01"))
    gate = threading.Barrier(2, timeout=60)
    outcomes: list[object] = []
    engines = [open_engine(db_url) for _ in range(2)]  # each racer its own connections

    def run(own: Engine) -> None:
        try:
            gate.wait()
            outcomes.append(publication.publish(ws, own, t, OPERATOR, "racer", at("2026-10-12")))
        except RandcheckError as exc:
            outcomes.append(exc.code)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    done = [o for o in outcomes if isinstance(o, publication.PublishedResults)]
    assert len(done) == 1 and outcomes.count("results.nothing_to_publish") == 1, outcomes
    assert [d[1]["seq"] for d in docs(engine, t)] == [1]
    assert all(r.published == 1 and not r.pending for r in results(engine).values())
    kinds = [e["kind"] for e in AuditLog(ws, engine).entries()]
    assert kinds.count("results.published") == 1
    assert AuditLog(ws, engine).size() == len(kinds)
