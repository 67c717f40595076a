"""``services.stats.compute`` on the hand-built workspace of tests/stats/world.py: every figure
below was worked out by hand from the world's description (the comments show the working).

The draw itself is random (the announcement's secret nonce differs per run), so the entities
are named by their role — A' (the replacement of T26's first target), B and C (T26's other
targets), X and Y (two entities no 2026 task drew) — but every count is fixed by the world:
pools by the exclusions, team loads by ``max_load`` and the number of qualified inspectors.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from randcheck.errors import UsageError
from randcheck.services import stats
from tests.results.world import state
from tests.stats.conftest import Built
from tests.stats.world import AS_OF, World, outsiders


def compute(b: Built, **kw: Any) -> dict[str, Any]:
    kw.setdefault("year", 2026)
    kw.setdefault("as_of", AS_OF)
    return stats.compute(b.ws, b.engine, kw.pop("year"), kw.pop("as_of"), **kw).to_json()


def name(code: str) -> str:
    return f"测试企业{int(code[10:16])}号"  # tests.drawfixtures.entity names code(i) 测试企业i号


def test_coverage(built: Built) -> None:
    got = compute(built, cap=2)["coverage"]
    # T26: items K01 + G01 (食品科), pool 35 (39 存续 − T27's 4 K01 targets of this year), 3 drawn
    #      (the replacement takes the replaced target's place: still 3)
    # T27: items K01 + J01 (食品科 + 药品科), pool 39, 4 drawn by the current (second) record;
    #      drawn 2026-01-01 01:00 China time, so a 2026 task although 2025 in UTC
    # T25: drawn 2025-12-31 23:00 China time: not a 2026 task
    assert got["items"] == [
        {
            "key": "G01",
            "label": "企业公示信息抽查",
            "drawn": 3,
            "pool": 35,
            "ratio": "8.57%",
        },  # 3/35 = 8.5714…%
        {
            "key": "J01",
            "label": "药品零售企业监督检查",
            "drawn": 4,
            "pool": 39,
            "ratio": "10.26%",
        },  # 4/39 = 10.2564…%
        {
            "key": "K01",
            "label": "食品经营者监督检查",
            "drawn": 7,
            "pool": 74,
            "ratio": "9.46%",
        },  # 7/74 = 9.4594…%
    ]
    assert got["departments"] == [  # sorted by code point: 药 U+836F < 食 U+98DF
        {"key": "药品科", "label": "药品科", "drawn": 4, "pool": 39, "ratio": "10.26%"},
        {"key": "食品科", "label": "食品科", "drawn": 7, "pool": 74, "ratio": "9.46%"},
    ]
    assert got["strata"] == [
        {"key": "T26/S", "label": "T26 抽查 · S", "drawn": 3, "pool": 35, "ratio": "8.57%"},
        {"key": "T27/S", "label": "T27 抽查 · S", "drawn": 4, "pool": 39, "ratio": "10.26%"},
    ]


def test_workload(built: Built) -> None:
    got = compute(built)["workload"]
    # T26: 3 targets × 2 inspectors = 6 places for F000..F002 (the only holders of 甲证) with
    #      max_load 2: each has exactly 2 (the replacement's team is drawn from the freed ones)
    # T27: 4 targets × 2 = 8 places for D000, D001 (乙证): 4 each; the superseded record's
    #      teams do not count
    assert got["inspectors"] == [
        {
            "badge_no": "D000",
            "name": "检查员D000",
            "department": "药品科",
            "targets": 4,
            "tasks": 1,
        },
        {
            "badge_no": "D001",
            "name": "检查员D001",
            "department": "食品科",
            "targets": 4,
            "tasks": 1,
        },
        {
            "badge_no": "F000",
            "name": "检查员F000",
            "department": "食品科",
            "targets": 2,
            "tasks": 1,
        },
        {
            "badge_no": "F001",
            "name": "检查员F001",
            "department": "食品科",
            "targets": 2,
            "tasks": 1,
        },
        {
            "badge_no": "F002",
            "name": "检查员F002",
            "department": "食品科",
            "targets": 2,
            "tasks": 1,
        },
    ]
    # values 4 4 2 2 2: mean 14/5 = 2.80; variance (2·1.2² + 3·0.8²)/5 = (2.88 + 1.92)/5 = 0.96,
    # spread √0.96 = 0.9797… → 0.98; balance 4/2.8 = 1.4285… → 1.43
    assert {k: v for k, v in got.items() if k != "inspectors"} == {
        "count": 5, "mean": "2.80", "max": 4, "min": 2, "spread": "0.98", "balance": "1.43",
    }  # fmt: skip


def test_terms(built: Built) -> None:
    # (A',K01) 未发现问题; (A',G01) 违反食品药品管理相关规定 + 发现问题经责令已改正;
    # (B,K01) 发现问题经责令已改正; (B,G01) 未发现问题; (C,K01) 未发现问题
    assert compute(built)["terms"] == [
        {"term": "未发现问题", "count": 3},
        {"term": "发现问题经责令已改正", "count": 2},
        {"term": "违反食品药品管理相关规定", "count": 1},
    ]


def test_publication(built: Built) -> None:
    w = built.world
    b = w.t26.targets[1]
    got = compute(built)["publication"]
    # see world.enter_results: one of each; the rate is on time / (on time + late + overdue)
    # = 1/3 = 33.33…% → 33.3%; B×K01's deadline 2026-12-01 is 14 days before 2026-12-15
    assert got == {
        "on_time": 1, "late": 1, "overdue": 1, "pending": 1, "unknown": 1, "rate": "33.3%",
        "overdue_list": [{"task": "T26", "entity_code": b, "entity_name": name(b), "item": "K01",
                          "deadline": "2026-12-01", "days": 14}],
    }  # fmt: skip


def test_publication_as_of_an_earlier_day(built: Built) -> None:
    # on 2026-12-01: A'×G01 (deadline 11-30, published 12-02) is not yet published: overdue,
    # 1 day; B×K01 (deadline 12-01) is due today: pending; B×G01 pending; C×K01 unknown
    got = compute(built, as_of=date(2026, 12, 1))["publication"]
    a = built.world.replacement
    assert {k: v for k, v in got.items() if k != "overdue_list"} == {
        "on_time": 1, "late": 0, "overdue": 1, "pending": 2, "unknown": 1, "rate": "50.0%",
    }  # fmt: skip
    assert [(o["entity_code"], o["item"], o["days"]) for o in got["overdue_list"]] == [
        (a, "G01", 1)
    ]


def _entry(code: str, count: int, random: int, depts: list[str]) -> dict[str, Any]:
    return {"code": code, "name": name(code), "count": count, "random": random,
            "non_random": count - random, "departments": depts}  # fmt: skip


def expected_repeated(w: World, *, with_b: bool) -> list[dict[str, Any]]:
    a, b = w.replacement, w.t26.targets[1]
    x, _y = outsiders(w)
    # A': T26 (random, 食品科) + TS-1 (two history rows of one complaint inspection, 药品科)
    #     + QT-7 (random, 市场监管局); its 2025 row is outside the year → 3, 2 random
    # X:  ZX-1 消防, ZX-2 税务 (non-random), SJ-3 环保 (random) → 3, 1 random
    # B:  T26 (random, 食品科) + ZX-9 (消防); the history row with ref T26 is T26's own
    #     inspection, counted once from the record → 2, 1 random
    # Y: 1; C and T27's targets: 1 each
    rows = [
        _entry(a, 3, 2, ["市场监管局", "药品科", "食品科"]),
        _entry(x, 3, 1, ["消防", "环保", "税务"]),
    ]
    if with_b:
        rows.append(_entry(b, 2, 1, ["消防", "食品科"]))
    return sorted(rows, key=lambda r: (-r["count"], r["code"]))


def test_repeated_over_a_cap(built: Built) -> None:
    got = compute(built, cap=2)
    assert got["cap"] == 2
    assert got["repeated"] == expected_repeated(built.world, with_b=False)
    assert compute(built, cap=3)["repeated"] == []


def test_repeated_without_a_cap_lists_more_than_once(built: Built) -> None:
    got = compute(built)
    assert got["cap"] is None
    assert got["repeated"] == expected_repeated(built.world, with_b=True)


def test_the_workspace_cap_is_the_default(built: Built) -> None:
    path = built.ws.config_path
    before = path.read_bytes()
    try:
        path.write_bytes(before + b"\n[defaults_extra]\n")  # not [defaults]: still no cap
        assert compute(built)["cap"] is None
        text = before.decode("utf-8").replace("[defaults]\n", "[defaults]\nannual_cap = 2\n", 1)
        path.write_text(text, "utf-8")
        got = compute(built)
        assert got["cap"] == 2
        assert got["repeated"] == expected_repeated(built.world, with_b=False)
        assert compute(built, cap=1)["cap"] == 1  # --cap wins
        path.write_text(text.replace("annual_cap = 2", 'annual_cap = "two"'), "utf-8")
        with pytest.raises(UsageError) as exc:
            compute(built)
        assert exc.value.code == "stats.bad_config_cap"
    finally:
        path.write_bytes(before)


def test_another_year(built: Built) -> None:
    # 2025: only T25 (1 of 39 for G01); its team of 2 from F000..F002; no results, no
    # history in 2025 but A's row of 2025-12-31 (1 inspection: not repeated)
    got = compute(built, year=2025, as_of=date(2026, 12, 15))
    assert got["coverage"]["items"] == [
        {"key": "G01", "label": "企业公示信息抽查", "drawn": 1, "pool": 39, "ratio": "2.56%"}
    ]
    w = got["workload"]
    assert (w["count"], w["mean"], w["max"], w["min"], w["spread"], w["balance"]) == (
        2, "1.00", 1, 1, "0.00", "1.00",
    )  # fmt: skip
    assert got["terms"] == []
    # T25's one target is drawn at random from 39: when it happens to be A (T26's later
    # replacement), A's history row of 2025-12-31 is its second 2025 inspection (no cap set:
    # more than once is listed); any other target leaves 2025 without a repeated inspection
    a = built.world.replacement
    if built.world.t25.targets == [a]:
        assert [(r["code"], r["count"], r["random"]) for r in got["repeated"]] == [(a, 2, 2)]
    else:
        assert got["repeated"] == []
    assert got["publication"]["rate"] is None
    # the default year is the year of as_of
    assert compute(built, year=None, as_of=date(2025, 6, 1))["year"] == 2025
    empty = compute(built, year=2024)
    assert empty["coverage"] == {"items": [], "departments": [], "strata": []}
    assert empty["workload"] == {"inspectors": [], "count": 0, "mean": None, "max": None,
                                 "min": None, "spread": None, "balance": None}  # fmt: skip


def test_deterministic_read_only_and_float_free(built: Built) -> None:
    before = state(built.ws, built.engine)
    one = json.dumps(compute(built, cap=2), sort_keys=True, ensure_ascii=False)
    two = json.dumps(compute(built, cap=2), sort_keys=True, ensure_ascii=False)
    assert one == two
    assert state(built.ws, built.engine) == before

    def walk(v: Any) -> None:
        assert not isinstance(v, float)
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(json.loads(one))


def test_public_figures_name_no_entity_of_an_unpublished_draw(built: Built) -> None:
    """For the public site (``published``: the records whose draws are published): with no
    draw published, draws count in no entity-level figure; only published results count in
    the terms."""
    w = built.world
    a, b = w.replacement, w.t26.targets[1]
    x, _y = outsiders(w)
    full = compute(built)
    public = compute(built, published=frozenset())
    # A': TS-1 (药品科, not random) + QT-7 (市场监管局, random) without T26 → 2, 1 random;
    # X: unchanged (history only) → 3, 1 random; B: ZX-9 only (T26 unpublished) → 1, not listed
    assert public["repeated"] == sorted(
        [_entry(a, 2, 1, ["市场监管局", "药品科"]), _entry(x, 3, 1, ["消防", "环保", "税务"])],
        key=lambda r: (-r["count"], r["code"]),
    )
    assert b not in {r["code"] for r in public["repeated"]}
    # published: (A', K01) 未发现问题 and (A', G01) with two terms; B's and C's entered
    # results are not published
    assert {t["term"]: t["count"] for t in public["terms"]} == {
        "未发现问题": 1, "违反食品药品管理相关规定": 1, "发现问题经责令已改正": 1,
    }  # fmt: skip
    # figures that name no entity are the same
    for key in ("coverage", "workload", "publication"):
        assert public[key] == full[key]
    # every draw published: the repeated list is the office's own; terms still only published
    everything = compute(built, published=frozenset({w.t26.record, w.t27.record}))
    assert everything["repeated"] == full["repeated"]
    assert everything["terms"] == public["terms"]
