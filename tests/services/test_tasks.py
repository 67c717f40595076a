"""The tasks service: stored definitions, the eligible pool, feasibility, the announcement."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from randcheck.core.canonical import parse
from randcheck.core.draw import envelope
from randcheck.core.draw.commit import population_root
from randcheck.errors import ConflictError, InputError, NotFoundError, VerificationError
from randcheck.services import draws, eligible, gathering, substitutions, tasks
from randcheck.services.audit import AuditLog
from randcheck.store.draw_models import AnnouncementRow, SnapshotPart, TaskRow
from randcheck.store.models import Conflict, Entity, Inspector
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    DICE,
    DRAND_ROUND,
    DRAWN_AT,
    OPERATOR,
    TODAY,
    code,
    definition,
    entity,
    insert_rows,
    inspector,
    later,
    record_draw,
    seed_world,
    table_counts,
    trusted,
    with_drand,
    write_def,
)


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


def create(ws: Workspace, engine: Engine, doc: dict[str, Any], name: str = "t.toml") -> str:
    path = write_def(ws.root.parent / "defs" / name, doc)
    (d,) = tasks.create_tasks(ws, engine, path, "tester")
    return d.id


def check(engine: Engine, task_id: str, now: Any = ANNOUNCE_AT) -> tasks.CheckReport:
    with Session(engine) as s:
        return tasks.check_task(s, task_id, now)


def pool_of(engine: Engine, task_id: str) -> eligible.Pool:
    report = check(engine, task_id)
    assert report.pool is not None
    return report.pool


def codes(*idx: int) -> list[bytes]:
    return sorted(code(i).encode() for i in idx)


def findings(report: tasks.CheckReport, level: str) -> dict[str, dict[str, Any]]:
    return {f.code: dict(f.params) for f in report.checks if f.status == level}


def draw_official(ws: Workspace, engine: Engine, task_id: str, dice: Any = None) -> Any:
    plan = draws.prepare(engine, task_id)
    drawn_at = "2023-09-15T10:30:00Z"
    ev = gathering.evidence_from_file(plan, dice or DICE, drawn_at)
    body = draws.compute(plan, ev, drawn_at)
    record_draw(ws, engine, plan, ev, body, now=ANNOUNCE_AT)
    return body


# --- the pool -------------------------------------------------------------------------------


def test_directed_filters_region_industry_subject_and_tags(ws: Workspace, engine: Engine) -> None:
    seed_world(
        engine,
        entities=[
            entity(0),  # in scope
            entity(1, region_code="320506", region="320506"),  # other district
            entity(2, industry="F5211"),  # other industry
            entity(3, tags="|公示信息|"),  # not a food business: outside the item's scope
            entity(4, subject_type="个体工商户"),
            entity(5, industry="H6220", tags="|公示信息|食品经营|"),  # H62 prefix, two tags
        ],
    )
    s_all = [{"id": "S", "risk": ["*"], "count": 1}]
    t1 = create(ws, engine, definition(id="R", strata=s_all, filters={"region": ["320505"]}))
    assert pool_of(engine, t1).strata == {"S": codes(0, 2, 4, 5)}  # entity 1 is 320506
    t0 = create(ws, engine, definition(id="R0", strata=s_all, filters={"region": ["3205"]}))
    assert len(pool_of(engine, t0).strata["S"]) == 5
    t2 = create(
        ws,
        engine,
        definition(id="I", strata=s_all, filters={"region": ["320505"], "industry": ["H62"]}),
    )
    assert pool_of(engine, t2).strata == {"S": codes(0, 4, 5)}
    t3 = create(
        ws, engine, definition(id="ST", strata=s_all, filters={"subject_type": ["个体工商户"]})
    )
    assert pool_of(engine, t3).strata == {"S": codes(4)}
    # explicit tags replace the items' scope tags
    t4 = create(ws, engine, definition(id="TG", strata=s_all, filters={"tags": ["公示信息"]}))
    assert pool_of(engine, t4).strata == {"S": [c.encode() for c in sorted([code(3), code(5)])]}
    # 不定向: the whole pool, tags of the items ignored
    t5 = create(ws, engine, definition(id="U", strata=s_all, mode="不定向"))
    pool = pool_of(engine, t5)
    assert len(pool.strata["S"]) == 6 and pool.exclusions == {}


def test_tag_filter_is_literal_not_a_like_pattern(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, entities=[entity(0, tags="|食品经营|"), entity(1, tags="|食品%经营|")])
    s_all = [{"id": "S", "risk": ["*"], "count": 1}]
    t = create(ws, engine, definition(strata=s_all, filters={"tags": ["食品%经营"]}))
    assert pool_of(engine, t).strata == {"S": codes(1)}


def test_exclusion_reasons_counted_exactly(ws: Workspace, engine: Engine) -> None:
    from datetime import timedelta

    seed_world(
        engine,
        entities=[
            entity(0),
            entity(1, active=False, status="注销"),  # first reason wins: invalid
            entity(2, active=False),
            entity(3, status="注销"),
            entity(4, status="吊销"),
            entity(5, last_inspected_on=TODAY - timedelta(days=10)),  # recent
            entity(6, last_inspected_on=TODAY - timedelta(days=29)),  # recent
            entity(7, last_inspected_on=TODAY - timedelta(days=31)),  # long enough ago
            entity(8, status="注销", last_inspected_on=TODAY),  # status before recent
        ],
    )
    t = create(
        ws,
        engine,
        definition(strata=[{"id": "S", "risk": ["*"], "count": 1}], exclusions={"recent_days": 30}),
    )
    pool = pool_of(engine, t)
    assert pool.exclusions == {"invalid": 2, "recent": 2, "status": 3}
    assert pool.strata == {"S": codes(0, 7)}
    # a wider list of statuses lets 吊销 in
    t2 = create(
        ws,
        engine,
        definition(
            id="T2",
            strata=[{"id": "S", "risk": ["*"], "count": 1}],
            exclusions={"statuses": ["存续", "吊销"], "drawn_this_year": False},
        ),
    )
    pool2 = pool_of(engine, t2)
    assert pool2.exclusions == {"invalid": 2, "status": 2}
    assert pool2.strata == {"S": codes(0, 4, 5, 6, 7)}


def test_annual_cap_and_drawn_this_year_after_an_official_draw(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine, entities=[entity(i) for i in range(10)])
    first = create(ws, engine, definition(strata=[{"id": "S", "risk": ["*"], "count": 3}]))
    tasks.announce(ws, engine, first, OPERATOR, "tester", ANNOUNCE_AT)
    body = draw_official(ws, engine, first)
    drawn = sorted(d["code"].encode() for d in body["strata"][0]["drawn"])
    assert len(drawn) == 3
    rest = sorted(set(codes(*range(10))) - set(drawn))
    s_all = [{"id": "S", "risk": ["*"], "count": 1}]
    # same item this year: the three drawn are excluded
    same = create(ws, engine, definition(id="SAME", strata=s_all))
    pool = pool_of(engine, same)
    assert pool.exclusions == {"drawn_this_year": 3} and pool.strata["S"] == rest
    # another item: not excluded for the item, but a cap of one inspection a year is reached
    other = create(
        ws,
        engine,
        definition(id="OTHER", items=["J01"], strata=s_all, exclusions={"annual_cap": 1}),
    )
    pool = pool_of(engine, other)
    assert pool.exclusions == {"annual_cap": 3} and pool.strata["S"] == rest
    # a cap of two is not reached; drawn_this_year off: everyone is eligible
    free = create(
        ws,
        engine,
        definition(id="FREE", strata=s_all, exclusions={"annual_cap": 2, "drawn_this_year": False}),
    )
    assert pool_of(engine, free).exclusions == {}
    # next year (China time) the earlier draw no longer counts
    from datetime import UTC, datetime

    with Session(engine) as s:
        nxt = tasks.check_task(s, "SAME", datetime(2023, 12, 31, 16, 0, tzinfo=UTC))
    assert nxt.pool is not None and nxt.pool.exclusions == {}


def test_substituted_entity_counts_as_drawn_this_year(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, entities=[entity(i) for i in range(10)])
    first = create(
        ws, engine, definition(strata=[{"id": "S", "risk": ["*"], "count": 2, "reserve": 3}])
    )
    tasks.announce(ws, engine, first, OPERATOR, "tester", ANNOUNCE_AT)
    body = draw_official(ws, engine, first)
    gone = body["strata"][0]["drawn"][0]["code"]
    sub = substitutions.substitute(
        ws, engine, first, target=gone, inspector=None, reason="已注销",
        operator=OPERATOR, actor="tester", now=later(1), not_a_result=True,
    )  # fmt: skip
    new = parse(envelope.open_envelope(sub.envelope, "addendum").body)["replacement"]["code"]
    assert new == body["strata"][0]["reserve"][0]["code"]
    second = create(
        ws, engine, definition(id="T2", strata=[{"id": "S", "risk": ["*"], "count": 1}])
    )
    pool = pool_of(engine, second)
    assert new.encode() not in pool.strata["S"]
    assert pool.exclusions == {"drawn_this_year": 3}


def test_every_entity_of_a_class_without_stratum_fails_the_check(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine)  # 40 entities, risk A..D, 10 each
    t = create(
        ws,
        engine,
        definition(
            strata=[
                {"id": "LOW", "risk": ["A", "B"], "ratio": "1/10"},
                {"id": "HIGH", "risk": ["D"], "ratio": "1/2"},
            ]
        ),
    )
    report = check(engine, t)
    assert not report.ok
    assert findings(report, "fail")["check.uncovered_class"] == {"count": 10, "risk": "C"}
    with pytest.raises(InputError) as exc:
        tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    assert exc.value.code == "task.check_failed"
    assert exc.value.params["reason_key"] == "check.uncovered_class"
    with Session(engine) as s:
        assert s.get(AnnouncementRow, t) is None


def test_star_stratum_catches_the_rest_and_pool_is_a_partition(
    ws: Workspace, engine: Engine
) -> None:
    rows = [entity(i, risk_class="ABCD "[i % 5].strip()) for i in range(50)]
    rows += [entity(100, status="注销", risk_class="D")]
    seed_world(engine, entities=rows)
    t = create(
        ws,
        engine,
        definition(
            strata=[
                {"id": "Z", "risk": ["*"], "ratio": "1/10"},
                {"id": "HI", "risk": ["D", "C"], "ratio": "1/2"},
            ]
        ),
    )
    report = check(engine, t)
    assert report.ok, report.checks
    pool = report.pool
    assert pool is not None
    for codes_ in pool.strata.values():
        assert codes_ == sorted(set(codes_))
    every = [c for codes_ in pool.strata.values() for c in codes_]
    assert len(every) == len(set(every)) == 50
    by_code = {code(i).encode(): r["risk_class"] for i, r in zip(range(50), rows, strict=False)}
    assert {by_code[c] for c in pool.strata["HI"]} == {"C", "D"}
    assert {by_code[c] for c in pool.strata["Z"]} == {"A", "B", ""}  # empty class: the rest
    assert report.sample_sizes == {"HI": 10, "Z": 3}
    assert pool.exclusions == {"status": 1}


def test_ratio_cap_for_general_items_refuses_an_over_cap_sample(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine)  # G01 is 一般 with a cap of 1/10; 40 entities
    over = create(
        ws,
        engine,
        definition(id="OVER", items=["G01"], strata=[{"id": "S", "risk": ["*"], "count": 5}]),
    )
    report = check(engine, over)
    assert findings(report, "fail")["check.cap_count"] == {
        "stratum": "S", "size": 5, "limit": 4, "count": 40, "cap": "1/10"
    }  # fmt: skip
    with pytest.raises(InputError):
        tasks.announce(ws, engine, over, OPERATOR, "tester", ANNOUNCE_AT)
    at_cap = create(
        ws,
        engine,
        definition(id="CAP", items=["G01"], strata=[{"id": "S", "risk": ["*"], "ratio": "1/10"}]),
    )
    assert check(engine, at_cap).ok
    # a joint task with a general item keeps the cap
    joint = create(
        ws,
        engine,
        definition(
            id="JOINT", items=["K01", "G01"], strata=[{"id": "S", "risk": ["*"], "ratio": "1/2"}]
        ),
    )
    assert "check.cap_count" in findings(check(engine, joint), "fail")
    # 重点 items have no cap: the whole stratum may be drawn
    key = create(
        ws,
        engine,
        definition(
            id="KEY",
            strata=[{"id": "S", "risk": ["*"], "ratio": "1/1"}],
            teams={
                "min_inspectors": 2,
                "max_load": 20,
                "inspect_from": "2023-10-01",
                "inspect_to": "2023-10-31",
            },
        ),
    )
    report = check(engine, key)
    assert report.ok, report.checks
    assert report.sample_sizes == {"S": 40}


def test_roster_only_active_inspectors_of_the_departments_and_conflicts_in_pool(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        entities=[entity(0), entity(1), entity(2, status="注销")],
        inspectors=[
            inspector("F001"),
            inspector("F002", is_expert=True),
            inspector("F003", active=False),
            inspector("F004", status="离职"),
            inspector("Y001", department="药品科"),
            inspector("F005", cert_valid_until=None),
        ],
        conflicts=[
            {"badge_no": "F001", "entity_code": code(0)},
            {"badge_no": "F001", "entity_code": code(2)},  # entity not in the pool
            {"badge_no": "Y001", "entity_code": code(0)},  # inspector not on the roster
            {"badge_no": "F002", "entity_code": code(1), "active": False},  # withdrawn
        ],
    )
    t = create(ws, engine, definition(strata=[{"id": "S", "risk": ["*"], "count": 1}]))
    with Session(engine) as s:
        _, d = tasks.get_task(s, t)
        rt = eligible.resolve_items(s, d)
        pool = eligible.compute_pool(s, rt, ANNOUNCE_AT)
        roster = eligible.build_roster(s, rt, pool)
    assert [i.id for i in roster.inspectors] == ["F001", "F002", "F005"]
    assert roster.conflicts == frozenset({("F001", code(0))})
    f005 = next(i for i in roster.inspectors if i.id == "F005")
    assert f005.cert_to < "2023-10-01"  # no certificate date: never valid
    # a joint task's roster has both departments
    j = create(
        ws,
        engine,
        definition(id="J", items=["K01", "J01"], strata=[{"id": "S", "risk": ["*"], "count": 1}]),
    )
    with Session(engine) as s:
        _, d = tasks.get_task(s, j)
        rt = eligible.resolve_items(s, d)
        assert rt.departments == ("食品科", "药品科")
        roster = eligible.build_roster(s, rt, eligible.compute_pool(s, rt, ANNOUNCE_AT))
    assert [i.id for i in roster.inspectors] == ["F001", "F002", "F005", "Y001"]
    assert roster.conflicts == frozenset({("F001", code(0)), ("Y001", code(0))})


def test_check_findings_capacity_departments_and_drand(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, inspectors=[inspector("F001"), inspector("F002")])
    teams = {
        "min_inspectors": 2,
        "max_load": 2,
        "inspect_from": "2023-10-01",
        "inspect_to": "2023-10-31",
    }
    t = create(ws, engine, definition(strata=[{"id": "S", "risk": ["*"], "count": 3}], teams=teams))
    report = check(engine, t)
    assert findings(report, "fail") == {
        "check.capacity_guide": {
            "need": 6,
            "capacity": 4,
            "max_load": 2,
            "hint_key": "check.hint.no_other_department",
            "hint_params": {},
        }
    }
    assert findings(report, "ok")["check.inspectors"] == {"eligible": 2, "experts": 0, "roster": 2}
    # a joint task, one per department, but 药品科 has nobody
    joint = create(
        ws,
        engine,
        definition(
            id="J",
            items=["K01", "J01"],
            strata=[{"id": "S", "risk": ["*"], "count": 1}],
            teams={**teams, "per_department": True},
        ),
    )
    assert findings(check(engine, joint), "fail") == {
        "check.department_empty": {
            "department": "药品科", "roster": 0, "certificate": 0, "qualification": 0
        }
    }  # fmt: skip
    three = create(
        ws,
        engine,
        definition(
            id="J3",
            items=["K01"],
            departments=["食品科", "药品科", "信用科"],
            strata=[{"id": "S", "risk": ["*"], "count": 1}],
            teams={**teams, "per_department": True},
        ),
    )
    fails = findings(check(engine, three), "fail")
    assert fails["check.per_department_min"] == {"departments": 3}
    # experts required but none on the roster
    exp = create(
        ws,
        engine,
        definition(
            id="E", strata=[{"id": "S", "risk": ["*"], "count": 1}], teams={**teams, "experts": 1}
        ),
    )
    assert findings(check(engine, exp), "fail") == {
        "check.expert_capacity": {"need": 1, "capacity": 0}
    }
    # a fixed drand round that is already public cannot be a future source
    dr = create(
        ws, engine, with_drand(definition(id="D", strata=[{"id": "S", "risk": ["*"], "count": 1}]))
    )
    assert check(engine, dr).ok
    assert findings(check(engine, dr, later(1)), "fail") == {
        "check.drand_past": {"round": DRAND_ROUND}
    }
    with pytest.raises(InputError):
        tasks.announce(ws, engine, dr, OPERATOR, "tester", later(1))
    # an unknown task
    with Session(engine) as s, pytest.raises(NotFoundError):
        tasks.check_task(s, "NOPE", ANNOUNCE_AT)


def test_check_warns_on_an_empty_stratum_and_fails_with_nothing_to_draw(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine, entities=[entity(0, risk_class="A")])
    t = create(
        ws,
        engine,
        definition(
            strata=[{"id": "A", "risk": ["A"], "count": 1}, {"id": "R", "risk": ["*"], "count": 1}]
        ),
    )
    report = check(engine, t)
    assert report.ok and findings(report, "warn") == {"check.empty_stratum": {"stratum": "R"}}
    seed_nothing = create(
        ws,
        engine,
        definition(
            id="N", strata=[{"id": "R", "risk": ["*"], "count": 1}], filters={"region": ["3206"]}
        ),
    )
    assert "check.nothing_to_draw" in findings(check(engine, seed_nothing), "fail")


# --- announce --------------------------------------------------------------------------------


def test_announce_freezes_signs_and_logs_before_any_draw(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, conflicts=[{"badge_no": "F001", "entity_code": code(3)}])
    t = create(ws, engine, with_drand(definition(exclusions={"recent_days": 30})))
    res = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    assert res.drand_round == DRAND_ROUND and res.announced_at == "2023-09-15T10:00:03Z"
    assert res.strata == {"S1": 20, "S2": 20} and res.sample_sizes == {"S1": 10, "S2": 2}
    with Session(engine) as s:
        row = s.get(AnnouncementRow, t)
        task = s.get(TaskRow, t)
        parts = s.exec(select(SnapshotPart).where(col(SnapshotPart.task_id) == t)).all()
    assert row is not None and task is not None and task.status == "announced"
    assert row.envelope == res.envelope and row.digest == res.digest
    env = envelope.open_envelope(row.envelope, "announcement")
    assert envelope.verify(env, trusted()) == list(trusted())
    assert b'"risk' not in row.envelope  # risk classes are never published
    doc = env.doc
    assert [s_["id"] for s_ in doc["strata"]] == ["S1", "S2"]
    assert [e["type"] for e in doc["entropy"]] == ["nonce", "dice", "drand"]
    assert doc["entropy"][2]["round"] == DRAND_ROUND
    assert doc["task"]["items"] == [{"code": "K01", "kind": "key"}]
    # the snapshot holds the population files behind the announced roots
    files = {p.stratum: zlib.decompress(p.data) for p in parts}
    for st in doc["strata"]:
        lines = files[st["id"]].split(b"\n")[:-1]
        assert len(lines) == st["count"] and population_root(lines) == st["root"]
    roster = parse(row.roster)
    assert [i["id"] for i in roster["inspectors"]] == [f"F{i:03d}" for i in range(8)]
    assert roster["conflicts"] == [["F001", code(3)]]
    # the nonce is committed, not revealed
    assert row.nonce not in row.envelope.decode()
    # the log: task.create, then task.announce naming the digest; no draw entry yet
    entries = AuditLog(ws, engine).entries()
    kinds = [e["kind"] for e in entries]
    assert kinds == ["task.create", "task.announce"]
    assert entries[1]["payload"]["announcement"] == res.digest
    assert entries[1]["seq"] == res.log_seq == row.log_seq
    # a second announce is refused and changes nothing
    before = table_counts(engine)
    with pytest.raises(ConflictError):
        tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    assert table_counts(engine) == before
    # the draw comes after the announcement in the log
    draw_seq = draw_and_seq(ws, engine, t)
    assert draw_seq > res.log_seq


def draw_and_seq(ws: Workspace, engine: Engine, t: str) -> int:
    from tests.drawfixtures import DRAND_BEACON

    plan = draws.prepare(engine, t)
    ev = gathering.evidence_from_file(plan, {**DICE, "drand": DRAND_BEACON}, DRAWN_AT)
    body = draws.compute(plan, ev, DRAWN_AT)
    return int(record_draw(ws, engine, plan, ev, body).log_seq)


def test_registry_edits_after_announce_do_not_change_the_snapshot(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine)
    t = create(ws, engine, definition())
    res = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    with engine.begin() as conn:
        conn.execute(update(Entity.__table__).where(Entity.code == code(0)).values(active=False))  # type: ignore[arg-type]
        conn.execute(update(Entity.__table__).values(risk_class="D"))
        conn.execute(
            update(Inspector.__table__)
            .where(Inspector.badge_no == "F000")
            .values(department="药品科")
        )  # type: ignore[arg-type]
    insert_rows(engine, Entity, [entity(500)])
    insert_rows(engine, Conflict, [{"badge_no": "F001", "entity_code": code(1), "relation": "x"}])
    # the live registry changed ...
    assert check(engine, t).pool.sizes() == {"S1": 39, "S2": 1}  # type: ignore[union-attr]
    # ... the frozen snapshot did not
    plan = draws.prepare(engine, t)
    assert all(c.ok for c in plan.checks)
    assert {s: len(c) for s, c in plan.population.items()} == res.strata
    first = plan.roster.inspectors[0]
    assert (first.id, first.department) == ("F000", "食品科")
    assert plan.roster.conflicts == frozenset()


def test_tampered_snapshot_or_roster_is_refused_by_prepare(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    t = create(ws, engine, definition())
    tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    with Session(engine) as s:
        part = s.exec(
            select(SnapshotPart).where(
                col(SnapshotPart.task_id) == t, col(SnapshotPart.stratum) == "S2"
            )
        ).one()
        data = zlib.decompress(part.data)
    forged = data.replace(code(0).encode() + b"\n", b"")  # drop one entity from the frozen pool
    assert forged != data
    with engine.begin() as conn:
        conn.execute(
            update(SnapshotPart.__table__)  # type: ignore[attr-defined]
            .where(SnapshotPart.task_id == t, SnapshotPart.stratum == "S2")  # type: ignore[arg-type]
            .values(data=zlib.compress(forged))
        )
    with pytest.raises(VerificationError) as exc:
        draws.prepare(engine, t)
    assert exc.value.code == "draw.snapshot_changed" and exc.value.params["check"] == "snapshot.S2"
    # restore it, then tamper with the roster instead
    with engine.begin() as conn:
        conn.execute(
            update(SnapshotPart.__table__)  # type: ignore[attr-defined]
            .where(SnapshotPart.task_id == t, SnapshotPart.stratum == "S2")  # type: ignore[arg-type]
            .values(data=zlib.compress(data))
        )
    draws.prepare(engine, t)
    with Session(engine) as s:
        roster = s.get(AnnouncementRow, t).roster  # type: ignore[union-attr]
    with engine.begin() as conn:
        conn.execute(
            update(AnnouncementRow.__table__)  # type: ignore[attr-defined]
            .where(AnnouncementRow.task_id == t)  # type: ignore[arg-type]
            .values(roster=roster.replace(b'"conflicts":[]', b'"conflicts":[["F000","X"]]'))
        )
    with pytest.raises(VerificationError):
        draws.prepare(engine, t)


# --- create ---------------------------------------------------------------------------------


def test_create_plan_is_all_or_nothing(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    good = create(ws, engine, definition(id="OLD"))
    audit = AuditLog(ws, engine)
    before, log_before = table_counts(engine), audit.file_bytes()
    plan = {
        "defaults": {"title": "年度计划", "items": ["K01"]},
        "task": [
            {k: v for k, v in definition(id="P1").items() if k not in ("title", "items")},
            {**definition(id="P2"), "items": ["X99"]},  # an item not in the list
        ],
    }
    path = write_def(ws.root.parent / "defs" / "plan.toml", plan)
    with pytest.raises(InputError) as exc:
        tasks.create_tasks(ws, engine, path, "tester")
    assert exc.value.code == "task.unknown_item" and exc.value.params["item"] == "X99"
    assert table_counts(engine) == before and audit.file_bytes() == log_before
    # an existing id is refused inside a plan too
    plan["task"][1] = definition(id=good)
    write_def(path, plan)
    with pytest.raises(ConflictError):
        tasks.create_tasks(ws, engine, path, "tester")
    assert table_counts(engine) == before and audit.file_bytes() == log_before
    # fixed, the whole plan goes in with one log entry per task
    plan["task"][1] = definition(id="P2")
    write_def(path, plan)
    defs = tasks.create_tasks(ws, engine, path, "tester")
    assert [d.id for d in defs] == ["P1", "P2"] and defs[0].title == "年度计划"
    assert [r.id for r in tasks.list_tasks(engine)] == ["OLD", "P1", "P2"]
    kinds = [e["kind"] for e in audit.entries()]
    assert kinds == ["task.create"] * 3


def test_replace_only_before_announce(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    path = write_def(ws.root.parent / "defs" / "t.json", definition())
    tasks.create_tasks(ws, engine, path, "tester")
    with pytest.raises(ConflictError) as exc:
        tasks.create_tasks(ws, engine, path, "tester")
    assert exc.value.code == "task.exists"
    write_def(path, definition(title="改过的标题"))
    tasks.create_tasks(ws, engine, path, "tester", replace=True)
    with Session(engine) as s:
        row, d = tasks.get_task(s, "T1")
    assert row.title == d.title == "改过的标题"
    tasks.announce(ws, engine, "T1", OPERATOR, "tester", ANNOUNCE_AT)
    with pytest.raises(ConflictError) as exc:
        tasks.create_tasks(ws, engine, path, "tester", replace=True)
    assert exc.value.code == "task.already_announced"
    with pytest.raises(NotFoundError):
        tasks.create_tasks(ws, engine, path.with_name("missing.toml"), "tester")


def test_every_error_and_finding_code_is_in_the_catalog() -> None:
    """A code missing from the catalog would print as a bare key to the user."""
    import ast

    import randcheck
    from randcheck.catalog import MESSAGES

    root = Path(randcheck.__file__).parent
    files = [
        "core/taskdef.py",
        "services/tasks.py",
        "services/draws.py",
        "services/snapshots.py",
        "cli/task.py",
    ]
    missing = []
    for name in files:
        for node in ast.walk(ast.parse((root / name).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            args = node.args
            if fname.endswith("Error") and args:
                code_arg = args[0]
            elif fname == "Finding" and len(args) > 1:
                code_arg = args[1]
            else:
                continue
            if isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str):
                if code_arg.value not in MESSAGES:
                    missing.append(f"{name}:{node.lineno} {code_arg.value}")
    assert missing == []


def test_announce_writes_the_notice_and_reports_a_failed_one(
    ws: Workspace, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_world(engine)
    t = create(ws, engine, with_drand(definition()))
    res = tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    assert res.notice is not None and res.notice.is_file() and res.notice_error is None
    assert res.digest[:16] in res.notice.read_text("utf-8")

    t2 = create(ws, engine, with_drand(definition(id="T2")))

    def broken(*_: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tasks.notice, "write_notice", broken)
    res2 = tasks.announce(ws, engine, t2, OPERATOR, "tester", ANNOUNCE_AT)
    # the announcement is committed and signed; the failed page is reported, not raised
    assert res2.notice is None and "No space left" in str(res2.notice_error)
    with Session(engine) as s:
        row = s.get(TaskRow, t2)
        assert row is not None and row.status == "announced"


@pytest.mark.parametrize("codes", [[""], ["91350100M000100Y43", ""], ["", "91350100M000100Y43"]])
def test_an_empty_code_in_the_pool_is_refused_wherever_it_comes(codes: list[str]) -> None:
    """A review found that an empty code read last was dropped silently (the pool query has
    no ORDER BY, so it depended on row order); it must always be a clean bad_code error."""
    from randcheck.services.eligible import _codes

    with pytest.raises(InputError) as exc:
        _codes(codes, "S1")
    assert exc.value.code == "proto.bad_code"


@pytest.mark.parametrize(
    "forge",
    [
        lambda data: data[:-1],  # no newline after the last code
        lambda data: b"ZZ\n" + data,  # out of order
        lambda data: data + data.split(b"\n")[-2] + b"\n",  # a duplicate
        lambda data: b"bad code\n" + data,  # not a code
    ],
    ids=["no-final-newline", "unsorted", "duplicate", "bad-code"],
)
def test_a_snapshot_that_is_no_longer_a_population_file_is_refused_by_prepare(
    ws: Workspace, engine: Engine, forge: Callable[[bytes], bytes]
) -> None:
    """prepare() re-reads the frozen pool as a population file: a stored part edited into
    something else is the same 'snapshot changed' refusal, never a traceback."""
    seed_world(engine)
    t = create(ws, engine, definition())
    tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    with Session(engine) as s:
        part = s.exec(
            select(SnapshotPart).where(
                col(SnapshotPart.task_id) == t, col(SnapshotPart.stratum) == "S2"
            )
        ).one()
        data = zlib.decompress(part.data)
    with engine.begin() as conn:
        conn.execute(
            update(SnapshotPart.__table__)  # type: ignore[attr-defined]
            .where(SnapshotPart.task_id == t, SnapshotPart.stratum == "S2")  # type: ignore[arg-type]
            .values(data=zlib.compress(forge(data)))
        )
    with pytest.raises(VerificationError) as exc:
        draws.prepare(engine, t)
    assert exc.value.code == "draw.snapshot_changed" and exc.value.params["check"] == "snapshot.S2"
