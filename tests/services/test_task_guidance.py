"""Issue 12: statuses compared as vocabulary words, and `task check` findings that say what
to change (SQLite, or PostgreSQL with RANDCHECK_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.catalog import render
from randcheck.errors import InputError
from randcheck.services import tasks
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import (
    ANNOUNCE_AT,
    OPERATOR,
    code,
    definition,
    entity,
    inspector,
    seed_world,
    write_def,
)

S_ALL = [{"id": "S", "risk": ["*"], "count": 1}]


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


def create(ws: Workspace, engine: Engine, doc: dict[str, Any]) -> str:
    path = write_def(ws.root.parent / "defs" / f"{doc['id']}.toml", doc)
    (d,) = tasks.create_tasks(ws, engine, path, "tester")
    return d.id


def check(engine: Engine, task_id: str) -> tasks.CheckReport:
    with Session(engine) as s:
        return tasks.check_task(s, task_id, ANNOUNCE_AT)


def texts(report: tasks.CheckReport, lang: str, status: str = "fail") -> list[str]:
    return [render(f.code, lang, **f.params) for f in report.checks if f.status == status]


def test_statuses_match_the_registration_systems_wording(ws: Workspace, engine: Engine) -> None:
    seed_world(
        engine,
        entities=[
            entity(0, status="存续（在营、开业、在册）"),
            entity(1, status="在业"),
            entity(2, status="开业"),
            entity(3, status="吊销，未注销"),
            entity(4, status="吊销，已注销"),
            entity(5, status="注销"),
            entity(6, status="待核实"),  # unknown text is never taken for 存续
        ],
    )
    t = create(ws, engine, definition(id="ST", strata=S_ALL))
    report = check(engine, t)
    assert report.pool is not None
    assert report.pool.strata == {"S": sorted(code(i).encode() for i in (0, 1, 2))}
    assert report.pool.exclusions == {"status": 4}
    t2 = create(
        ws, engine, definition(id="ST2", strata=S_ALL, exclusions={"statuses": ["存续", "吊销"]})
    )
    pool2 = check(engine, t2).pool
    assert pool2 is not None and pool2.sizes() == {"S": 4}


# --- an empty pool names the values present ------------------------------------------------


def both(report: tasks.CheckReport) -> tuple[str, str]:
    return "\n".join(texts(report, "zh")), "\n".join(texts(report, "en"))


def test_a_filter_that_matches_nothing_names_the_values_present(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        entities=[entity(i) for i in range(3)]
        + [entity(i, region_code="330481", region="330481") for i in range(3, 5)]
        + [entity(5, active=False, region_code="999999")],  # inactive rows are not offered
    )
    t = create(ws, engine, definition(id="RG", strata=S_ALL, filters={"region": ["330424"]}))
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.filter_empty"
    assert fail.params == {
        "field": "filters.region",
        "wanted": "330424",
        "present": "320505 (3), 330481 (2)",
    }
    zh, en = both(report)
    assert "filters.region = 330424 没有匹配任何有效对象" in zh and "320505 (3), 330481 (2)" in zh
    assert "filter filters.region = 330424 matches no active entity" in en
    # the announcement refusal gives the same finding first
    with pytest.raises(InputError) as exc:
        tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    text = render(exc.value.code, "zh", **exc.value.params)
    assert "未通过可行性检查" in text and "320505 (3), 330481 (2)" in text
    # tags: the items' scope tags when the file has none, counted per tag
    tg = create(ws, engine, definition(id="TG", strata=S_ALL, filters={"tags": ["药品零售"]}))
    fail = check(engine, tg).first_failure
    assert fail is not None and fail.params["present"] == "食品经营 (5)"
    # the same filter with a value present
    ok = create(ws, engine, definition(id="OK", strata=S_ALL, filters={"region": ["330481"]}))
    assert check(engine, ok).ok


def test_filters_that_never_meet_and_industry_values(ws: Workspace, engine: Engine) -> None:
    seed_world(
        engine,
        entities=[entity(0, industry="F5211"), entity(1, region_code="330481", region="330481")],
    )
    t = create(
        ws,
        engine,
        definition(id="BOTH", strata=S_ALL, filters={"region": ["330481"], "industry": ["F52"]}),
    )
    fail = check(engine, t).first_failure
    assert fail is not None and fail.code == "check.filters_disjoint"
    assert fail.params == {"fields": "filters.region, filters.industry, items.scope_tags"}
    t2 = create(ws, engine, definition(id="IND", strata=S_ALL, filters={"industry": ["C13"]}))
    fail = check(engine, t2).first_failure
    assert fail is not None and fail.params["present"] == "F5211 (1), H6210 (1)"


def test_statuses_that_exclude_everything_name_the_statuses_present(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        entities=[
            entity(0, status="吊销，未注销"),
            entity(1, status="吊销"),
            entity(2, status="注销"),
            entity(3, status="待核实"),
        ],
    )
    t = create(ws, engine, definition(id="ST", strata=S_ALL))
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.status_empty"
    assert fail.params == {"wanted": "存续", "present": "吊销 (2), 待核实 (1), 注销 (1)"}
    zh, en = both(report)
    assert "exclusions.statuses = 存续 排除了全部对象" in zh and "吊销 (2)" in zh
    assert "excluded every entity; their registration statuses" in en


def test_other_exclusions_that_empty_the_pool_name_their_field(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine, entities=[entity(i, last_inspected_on=ANNOUNCE_AT.date()) for i in range(3)])
    t = create(ws, engine, definition(id="RC", strata=S_ALL, exclusions={"recent_days": 30}))
    report = check(engine, t)
    assert report.first_failure is not None
    assert report.first_failure.params == {"count": 3, "field": "exclusions.recent_days"}
    zh, en = both(report)
    assert "3 个对象因近期已检查被排除：如需纳入，请减小 exclusions.recent_days" in zh
    assert "lower exclusions.recent_days" in en


def test_an_empty_registry_says_to_import_it(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, entities=[])
    t = create(ws, engine, definition(id="E", strata=S_ALL, mode="undirected"))
    zh, en = both(check(engine, t))
    assert "randcheck entities import" in zh and "the entity registry is empty" in en


# --- inspectors --------------------------------------------------------------------------------

TEAMS = {"min_inspectors": 2, "max_load": 2, "inspect_from": "2023-10-01", "inspect_to": "2023-10-31"}


def test_inspector_shortage_lists_the_departments_that_could_staff_it(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        inspectors=[
            inspector("F001"),
            inspector("F002"),
            *[inspector(f"A{i}", department="市场监管一所") for i in range(3)],
            inspector("B1", department="市场监管二所"),
            inspector("B2", department="市场监管二所", cert_valid_until=date(2023, 10, 15)),
            inspector("C1", department="信用科", qualifications=""),  # not qualified
            inspector("X1", department="市场监管三所", status="离职"),  # not serving
        ],
    )
    t = create(
        ws,
        engine,
        definition(id="CAP", strata=[{"id": "S", "risk": ["*"], "count": 3}], teams=TEAMS),
    )
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.capacity_guide"
    assert fail.params["hint_key"] == "check.hint.add_departments_default"
    assert fail.params["hint_params"] == {
        "offer": "市场监管一所 (3), 市场监管二所 (1)",
        "current": "食品科",
    }
    zh, en = both(report)
    assert "执法人员不足：需要 6 人次" in zh
    assert "任务文件未写 departments，默认只用事项的部门 食品科" in zh
    assert "市场监管一所 (3), 市场监管二所 (1)" in zh and "市场监管一所 (3)" in en
    assert "List 食品科 and some of these departments" in en
    # following the advice makes the check pass
    fixed = create(
        ws,
        engine,
        definition(
            id="FIX",
            departments=["食品科", "市场监管一所"],
            strata=[{"id": "S", "risk": ["*"], "count": 3}],
            teams=TEAMS,
        ),
    )
    assert check(engine, fixed).ok
    # with departments listed, the hint names them as they are
    listed = create(
        ws,
        engine,
        definition(
            id="LIST",
            departments=["食品科"],
            strata=[{"id": "S", "risk": ["*"], "count": 3}],
            teams=TEAMS,
        ),
    )
    fail = check(engine, listed).first_failure
    assert fail is not None and fail.params["hint_key"] == "check.hint.add_departments"


def test_too_few_inspectors_in_the_task_department_is_a_failure_with_the_offer(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        inspectors=[inspector("F001"), *[inspector(f"A{i}", department="所") for i in range(2)]],
    )
    t = create(ws, engine, definition(id="ONE", strata=S_ALL))
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.inspectors_short"
    assert fail.params["eligible"] == 1 and fail.params["need"] == 2
    assert fail.params["hint_params"]["offer"] == "所 (2)"
    zh, en = both(report)
    assert "每组至少需要 2 人" in zh and "each team needs 2" in en


def test_a_qualification_nobody_holds_fails_and_names_the_column(
    ws: Workspace, engine: Engine
) -> None:
    # a roster imported without a qualification column: nobody holds 食品检查员
    seed_world(engine, inspectors=[inspector(f"F{i}", qualifications="") for i in range(4)])
    t = create(ws, engine, definition(id="Q", strata=S_ALL))
    report = check(engine, t)
    assert not report.ok
    assert "check.inspectors" not in {f.code for f in report.checks}  # no more "通过"
    fail = report.first_failure
    assert fail is not None and fail.code == "check.no_qualification_data"
    assert fail.params["roster"] == 4 and fail.params["eligible"] == 0
    assert fail.params["qualifications"] == "食品检查员"
    zh, en = both(report)
    assert "执法人员：名录 4 人，符合资质 0 人" in zh and "“执法资质”（qualifications）列" in zh
    assert "Add the 执法资质 (qualifications) column" in en
    with pytest.raises(InputError) as exc:
        tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    assert exc.value.params["reason_key"] == "check.no_qualification_data"


def test_a_qualification_nobody_holds_lists_the_qualifications_held(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        inspectors=[
            inspector("F1", qualifications="|药品检查员|"),
            inspector("F2", qualifications="|药品检查员|特种设备|"),
        ],
    )
    t = create(ws, engine, definition(id="Q2", strata=S_ALL))
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.qualification_nobody"
    assert fail.params["present"] == "药品检查员 (2), 特种设备 (1)"
    zh, en = both(report)
    assert "没有人同时具备所需资质 食品检查员" in zh and "nobody holds all of 食品检查员" in en


def test_expired_certificates_are_named(ws: Workspace, engine: Engine) -> None:
    old = date(2023, 1, 1)
    seed_world(engine, inspectors=[inspector(f"F{i}", cert_valid_until=old) for i in range(3)])
    t = create(ws, engine, definition(id="CE", strata=S_ALL))
    fail = check(engine, t).first_failure
    assert fail is not None and fail.code == "check.certificates_expired"
    assert fail.params["count"] == 3
    zh, en = both(check(engine, t))
    assert "3 人的执法证有效期未覆盖检查期间 2023-10-01 至 2023-10-31" in zh
    assert "the certificates of 3 do not cover" in en


# --- ratio caps and an announced task -----------------------------------------------------------


def test_a_sample_over_the_cap_proposes_the_largest_count(ws: Workspace, engine: Engine) -> None:
    seed_world(engine, entities=[entity(i) for i in range(175)])  # 10% of 175: cap 17, ratio 18
    t = create(
        ws,
        engine,
        definition(id="G", items=["G01"], strata=[{"id": "S", "risk": ["*"], "ratio": "1/10"}]),
    )
    report = check(engine, t)
    fail = report.first_failure
    assert fail is not None and fail.code == "check.cap_count"
    assert fail.params == {"stratum": "S", "size": 18, "limit": 17, "count": 175, "cap": "1/10"}
    zh, en = both(report)
    assert "请在任务文件该分层改用 count = 17" in zh and "use count = 17" in en
    fixed = create(
        ws,
        engine,
        definition(id="G17", items=["G01"], strata=[{"id": "S", "risk": ["*"], "count": 17}]),
    )
    assert check(engine, fixed).ok


def test_check_of_an_announced_task_says_so(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    t = create(ws, engine, definition(id="A"))
    assert check(engine, t).status == "created"
    tasks.announce(ws, engine, t, OPERATOR, "tester", ANNOUNCE_AT)
    report = check(engine, t)
    assert report.status == "announced"
    assert report.checks[0].code == "check.announced" and report.checks[0].warn


def test_a_department_without_qualification_data_is_offered_the_qualified_ones(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(
        engine,
        inspectors=[
            *[inspector(f"F{i}", qualifications="") for i in range(4)],
            *[inspector(f"S{i}", department="城关市场监管所") for i in range(6)],
        ],
    )
    t = create(ws, engine, definition(id="QM", strata=S_ALL))
    fail = check(engine, t).first_failure
    assert fail is not None and fail.code == "check.no_qualification_data"
    assert fail.params["hint_params"]["offer"] == "城关市场监管所 (6)"
    zh = render(fail.code, "zh", **fail.params)
    assert "部门 食品科 的执法人员名录没有资质数据" in zh and "城关市场监管所 (6)" in zh
    assert "城关市场监管所 (6)" in render(fail.code, "en", **fail.params)


@pytest.mark.parametrize(
    ("code", "params", "field"),
    [
        ("check.uncovered_class", {"count": 3, "risk": "E"}, 'risk = ["*"]'),
        ("check.expert_capacity", {"need": 2, "capacity": 0}, "teams.experts"),
        ("check.per_department_min", {"departments": 3}, "teams.min_inspectors"),
        ("check.drand_past", {"round": 5}, "[entropy.drand]"),
    ],
)
def test_older_failures_also_say_what_to_change(
    code: str, params: dict[str, Any], field: str
) -> None:
    for lang in ("zh", "en"):
        assert field in render(code, lang, **params)
