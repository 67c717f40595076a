"""Task definition files: every refusal names the file and the field; stored form round trips."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from randcheck.catalog import render
from randcheck.core.taskdef import TaskDef, definitions, from_stored, load_text, parse_ratio
from randcheck.errors import InputError
from tests.drawfixtures import definition

FILE = "计划.toml"


def refuse(doc: Any, code: str, field: str | None = None, name: str = FILE) -> InputError:
    with pytest.raises(InputError) as exc:
        definitions(doc, name)
    err = exc.value
    assert err.code == code, (err.code, err.params)
    assert err.params["file"] == name
    if field is not None:
        assert err.params["field"] == field, err.params
    # the message itself names the file and the field, in both languages
    for lang in ("zh", "en"):
        text = render(err.code, lang, **err.params)
        assert name in text
        if field is not None:
            assert field in text
    return err


def without(doc: dict[str, Any], *path: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    d = doc
    for p in path[:-1]:
        d = d[p]
    del d[path[-1]]
    return doc


def with_(doc: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    d = doc
    for p in path[:-1]:
        d = d[p]
    d[path[-1]] = value
    return doc


BASE = definition()


def test_the_base_definition_is_valid() -> None:
    (d,) = definitions(BASE, FILE)
    assert d.id == "T1" and d.mode == "directed" and d.items == ("K01",)
    assert [(s.id, s.risk, s.count, s.ratio, s.reserve) for s in d.strata] == [
        ("S1", ("C", "D"), None, (1, 2), 3),
        ("S2", ("*",), 2, None, 3),
    ]
    assert d.statuses == ("存续",) and d.drawn_this_year and d.rotation
    assert d.min_inspectors == 2 and d.inspect_from == "2023-10-01"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("id",), "id"),
        (("title",), "title"),
        (("items",), "items"),
        (("strata",), "strata"),
        (("teams", "inspect_from"), "teams.inspect_from"),
        (("teams", "inspect_to"), "teams.inspect_to"),
        (("teams",), "teams.inspect_from"),
    ],
)
def test_missing_required_fields(path: tuple[str, ...], field: str) -> None:
    refuse(without(BASE, *path), "taskdef.missing", field)


def test_empty_items_and_empty_strata_are_missing() -> None:
    refuse(with_(BASE, [], "items"), "taskdef.missing", "items")
    refuse(with_(BASE, [], "strata"), "taskdef.missing", "strata")


@pytest.mark.parametrize("ratio", ["0/5", "6/5", "abc", "0%", "101%", "1/0", "-1/5", "1.5/3"])
def test_bad_ratios(ratio: str) -> None:
    err = refuse(with_(BASE, ratio, "strata", 0, "ratio"), "taskdef.bad_field", "strata[0].ratio")
    assert err.params["value"] == ratio


def test_ratio_forms() -> None:
    assert parse_ratio("3%", "f", "x") == (3, 100)
    assert parse_ratio(" 1 / 20 ", "f", "x") == (1, 20)
    assert parse_ratio("5/5", "f", "x") == (5, 5)
    refuse(with_(BASE, 5, "strata", 0, "ratio"), "taskdef.bad_field", "strata[0].ratio")


def test_count_and_ratio_together_or_neither() -> None:
    refuse(with_(BASE, 3, "strata", 0, "count"), "taskdef.count_or_ratio", "strata[0]")
    refuse(without(BASE, "strata", 1, "count"), "taskdef.count_or_ratio", "strata[1]")
    refuse(with_(BASE, -1, "strata", 1, "count"), "taskdef.bad_field", "strata[1].count")


def test_duplicate_stratum_ids_and_risk_classes() -> None:
    refuse(with_(BASE, "S1", "strata", 1, "id"), "taskdef.duplicate_stratum", "strata")
    refuse(with_(BASE, ["C"], "strata", 1, "risk"), "taskdef.risk_twice", "strata")
    refuse(with_(BASE, ["*"], "strata", 0, "risk"), "taskdef.risk_twice", "strata")
    refuse(with_(BASE, ["A", "A"], "strata", 1, "risk"), "taskdef.bad_field", "strata[1].risk")


def test_a_stratum_with_no_risk_class_is_refused() -> None:
    # an empty list would make a stratum no entity can ever be in
    refuse(with_(BASE, [], "strata", 1, "risk"), "taskdef.bad_field", "strata[1].risk")


def test_undirected_with_filters() -> None:
    doc = with_(with_(BASE, "不定向", "mode"), {"region": ["3205"]}, "filters")
    refuse(doc, "taskdef.undirected_filters", "filters")
    (d,) = definitions(with_(BASE, "不定向", "mode"), FILE)
    assert d.mode == "undirected"
    refuse(with_(BASE, "random", "mode"), "taskdef.bad_field", "mode")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("colour",), "colour"),
        (("filters", "city"), "filters.city"),
        (("exclusions", "recent"), "exclusions.recent"),
        (("teams", "size"), "teams.size"),
        (("strata", 0, "weight"), "strata[0].weight"),
        (("entropy", "coin"), "entropy.coin"),
        (("entropy", "dice", 0, "face"), "entropy.dice[0].face"),
    ],
)
def test_unknown_fields_are_refused(path: tuple[Any, ...], field: str) -> None:
    doc = copy.deepcopy(BASE)
    doc.setdefault("filters", {})
    doc.setdefault("exclusions", {})
    refuse(with_(doc, 1, *path), "taskdef.unknown_field", field)


def test_unknown_field_of_a_lottery_and_drand() -> None:
    lottery = {"name": "福彩3D", "period": "2023246", "count": 3, "mx": 9}
    doc = with_(BASE, {"lottery": [lottery]}, "entropy")
    refuse(doc, "taskdef.unknown_field", "entropy.lottery[0].mx")
    doc = with_(BASE, {"drand": {"chain": "quicknet", "rnd": 5}}, "entropy")
    refuse(doc, "taskdef.unknown_field", "entropy.drand.rnd")


def test_no_public_entropy_source() -> None:
    refuse(with_(BASE, {}, "entropy"), "taskdef.no_public_entropy", "entropy")
    refuse(without(BASE, "entropy"), "taskdef.no_public_entropy", "entropy")
    refuse(with_(BASE, {"dice": []}, "entropy"), "taskdef.no_public_entropy", "entropy")


def test_bad_drand_and_dice_and_lottery() -> None:
    refuse(
        with_(BASE, {"drand": {"chain": "testnet"}}, "entropy"),
        "taskdef.bad_field",
        "entropy.drand.chain",
    )
    refuse(
        with_(BASE, {"drand": {"round": 0}}, "entropy"), "taskdef.bad_field", "entropy.drand.round"
    )
    refuse(with_(BASE, 1001, "entropy", "dice", 0, "faces"), "taskdef.bad_field")
    refuse(with_(BASE, 65, "entropy", "dice", 0, "count"), "taskdef.bad_field")
    refuse(without(BASE, "entropy", "dice", 0, "witness"), "taskdef.missing")
    lottery = {"name": "体彩", "period": "23100", "min": 9, "max": 1}
    refuse(
        with_(BASE, {"lottery": [lottery]}, "entropy"),
        "taskdef.bad_field",
        "entropy.lottery[0].max",
    )
    (d,) = definitions(with_(BASE, {"drand": {}}, "entropy"), FILE)
    assert d.drand is not None and (d.drand.chain, d.drand.round, d.drand.delay) == (
        "quicknet",
        None,
        600,
    )


def test_two_dice_sources_of_one_witness_are_refused() -> None:
    # the entropy file and the ceremony name a roll by its witness: two would be ambiguous
    dice = [{"witness": "张三", "count": 3}, {"witness": "张三", "count": 2}]
    refuse(with_(BASE, dice, "entropy", "dice"), "taskdef.bad_field", "entropy.dice[1].witness")
    lotteries = [{"name": "福彩3D", "period": "1"}, {"name": "福彩3D", "period": "2"}]
    refuse(
        with_(BASE, {"lottery": lotteries}, "entropy"),
        "taskdef.bad_field",
        "entropy.lottery[1].name",
    )


def test_bad_values() -> None:
    refuse(with_(BASE, "任务一", "id"), "taskdef.bad_field", "id")
    refuse(with_(BASE, "  ", "title"), "taskdef.bad_field", "title")
    refuse(with_(BASE, "2023-13-01", "teams", "inspect_from"), "taskdef.bad_field")
    refuse(
        with_(BASE, "2023-09-01", "teams", "inspect_to"), "taskdef.dates_order", "teams.inspect_to"
    )
    refuse(with_(BASE, 1, "teams", "min_inspectors"), "taskdef.bad_field", "teams.min_inspectors")
    refuse(with_(BASE, "yes", "teams", "rotation"), "taskdef.bad_field", "teams.rotation")
    refuse(with_(BASE, ["K01", "K01"], "items"), "taskdef.bad_field", "items")
    refuse(with_(BASE, 0, "batches"), "taskdef.bad_field", "batches")
    refuse(with_(BASE, "S1", "strata"), "taskdef.bad_field", "strata")
    refuse(with_(BASE, ["x"], "strata"), "taskdef.bad_table", "strata[0]")
    refuse(with_(BASE, True, "exclusions"), "taskdef.bad_table", "exclusions")


def test_annual_plan_defaults_merge_and_duplicate_ids() -> None:
    plan = {
        "plan": {"year": 2023},
        "defaults": {
            "title": "年度计划",
            "items": ["K01"],
            "teams": {
                "min_inspectors": 3,
                "inspect_from": "2023-10-01",
                "inspect_to": "2023-10-31",
            },
            "entropy": {"dice": [{"witness": "张三"}]},
            "strata": [{"id": "ALL", "risk": ["*"], "ratio": "3%"}],
        },
        "task": [
            {"id": "B1"},
            {
                "id": "B2",
                "title": "第二批",
                "teams": {"inspect_from": "2023-11-01", "inspect_to": "2023-11-30"},
            },
        ],
    }
    b1, b2 = definitions(plan, FILE)
    assert (b1.id, b1.title, b2.title) == ("B1", "年度计划", "第二批")
    assert b1.min_inspectors == b2.min_inspectors == 3  # nested tables merge key by key
    assert (b1.inspect_from, b2.inspect_from) == ("2023-10-01", "2023-11-01")
    assert b1.strata[0].ratio == (3, 100)
    dup = copy.deepcopy(plan)
    dup["task"].append({"id": "B2"})
    err = refuse(dup, "taskdef.duplicate_task")
    assert err.params["task"] == "B2"  # the id that repeats, not just any id
    bad = copy.deepcopy(plan)
    bad["task"][1]["teams"]["max_load"] = 0
    refuse(bad, "taskdef.bad_field", "task[1].teams.max_load")
    refuse({**plan, "extra": 1}, "taskdef.unknown_field", "extra")
    refuse({**plan, "task": {"id": "B1"}}, "taskdef.bad_table", "task")


def test_load_text_toml_json_and_garbage() -> None:
    toml_bytes = tomli_w.dumps(BASE).encode("utf-8")
    json_bytes = json.dumps(BASE, ensure_ascii=False).encode("utf-8")
    assert load_text(toml_bytes, "a.TOML") == load_text(b"\xef\xbb\xbf" + json_bytes, "a.json")
    for data, name, code in [
        (b"id = ", "a.toml", "taskdef.toml_syntax_end"),
        (b"{", "a.json", "taskdef.unreadable"),
        (b'{"a": 1.5}', "a.json", "taskdef.unreadable"),  # floats are refused
        (b'{"a": 1, "a": 2}', "a.json", "taskdef.unreadable"),
        (b"\xff\xfe", "a.toml", "taskdef.not_utf8"),
    ]:
        with pytest.raises(InputError) as exc:
            load_text(data, name)
        assert exc.value.code == code and exc.value.params["file"] == name
    with pytest.raises(InputError) as exc:
        load_text(b"[1, 2]", "a.json")
    assert exc.value.code == "taskdef.bad_table"


# --- round trip ------------------------------------------------------------------------------


def test_to_json_round_trip_of_a_full_definition() -> None:
    doc = {
        **BASE,
        "departments": ["食品科", "药品科"],
        "filters": {
            "region": ["3205"],
            "industry": ["H62"],
            "subject_type": ["企业"],
            "tags": ["a"],
        },
        "exclusions": {"statuses": ["存续", "在业"], "recent_days": 90, "annual_cap": 2},
        "batches": 3,
        "witnesses": ["李四"],
        "planned_draw_at": "2023-09-20T10:00:00+08:00",
        "entropy": {
            "dice": [{"witness": "张三", "count": 5, "faces": 6}],
            "lottery": [{"name": "福彩3D", "period": "2023246", "count": 3, "min": 0, "max": 9}],
            "drand": {"chain": "mainnet", "delay": 120},
        },
    }
    (d,) = definitions(doc, FILE)
    assert from_stored(d.to_json()) == d
    assert from_stored(json.loads(json.dumps(d.to_json()))) == d


ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,10}\Z")
texts = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8)


@st.composite
def task_docs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    sids = draw(st.lists(ids, min_size=n, max_size=n, unique=True))
    classes = draw(st.permutations(["A", "B", "C", "D", "*"]))
    cuts = sorted(draw(st.lists(st.integers(1, 4), min_size=n - 1, max_size=n - 1, unique=True)))
    groups = [classes[a:b] for a, b in zip([0, *cuts], [*cuts, 5], strict=True)]
    strata = []
    for sid, risk in zip(sids, groups, strict=True):
        s: dict[str, Any] = {"id": sid, "risk": risk, "reserve": draw(st.integers(0, 20))}
        if draw(st.booleans()):
            s["count"] = draw(st.integers(0, 1000))
        else:
            den = draw(st.integers(1, 1000))
            s["ratio"] = f"{draw(st.integers(1, den))}/{den}"
        strata.append(s)
    directed = draw(st.booleans())
    doc: dict[str, Any] = {
        "id": draw(ids),
        "title": draw(texts),
        "items": draw(st.lists(ids, min_size=1, max_size=3, unique=True)),
        "departments": draw(st.lists(texts, max_size=3, unique=True)),
        "mode": "directed" if directed else "undirected",
        "strata": strata,
        "batches": draw(st.integers(1, 10)),
        "teams": {
            "min_inspectors": draw(st.integers(2, 5)),
            "experts": draw(st.integers(0, 2)),
            "per_department": draw(st.booleans()),
            "rotation": draw(st.booleans()),
            "max_load": draw(st.integers(1, 50)),
            "inspect_from": "2023-10-01",
            "inspect_to": draw(st.sampled_from(["2023-10-01", "2024-01-31"])),
            "qualifications": draw(st.lists(texts, max_size=2, unique=True)),
        },
        "exclusions": {
            "drawn_this_year": draw(st.booleans()),
            **({"recent_days": draw(st.integers(1, 400))} if draw(st.booleans()) else {}),
            **({"annual_cap": draw(st.integers(1, 5))} if draw(st.booleans()) else {}),
        },
        "entropy": {
            "dice": [
                {
                    "witness": w,
                    "count": draw(st.integers(1, 64)),
                    "faces": draw(st.integers(2, 1000)),
                }
                for w in draw(st.lists(texts, max_size=2, unique=True))
            ],
            **(
                {
                    "drand": {
                        "chain": draw(st.sampled_from(["quicknet", "mainnet"])),
                        "round": draw(st.integers(1, 10**9)),
                    }
                }
                if draw(st.booleans())
                else {"lottery": [{"name": "福彩3D", "period": draw(texts)}]}
            ),
        },
        "witnesses": draw(st.lists(texts, max_size=3, unique=True)),
    }
    if directed:
        doc["filters"] = {
            "region": draw(st.lists(st.from_regex(r"\A[0-9]{2,6}\Z"), max_size=2, unique=True))
        }
    return doc


@given(task_docs(), st.sampled_from(["a.toml", "a.json"]))
def test_round_trip_property(doc: dict[str, Any], name: str) -> None:
    data = tomli_w.dumps(doc) if name.endswith(".toml") else json.dumps(doc, ensure_ascii=False)
    (d,) = definitions(load_text(data.encode("utf-8"), name), name)
    assert isinstance(d, TaskDef)
    stored = d.to_json()
    again = from_stored(stored)
    assert again == d
    assert again.to_json() == stored


def test_far_future_drand_round_and_bad_planned_time_are_field_errors() -> None:
    import pytest

    from randcheck.core.taskdef import parse_task
    from randcheck.errors import InputError

    base = {
        "id": "T-1",
        "title": "t",
        "items": ["A07"],
        "strata": [{"id": "S", "count": 1}],
        "teams": {"inspect_from": "2026-12-01", "inspect_to": "2026-12-31"},
        "entropy": {"drand": {"chain": "quicknet", "round": 99999999999999}},
    }
    with pytest.raises(InputError) as exc:
        parse_task(base, "t.toml")
    assert exc.value.params["field"] == "entropy.drand.round"
    ok = dict(base, entropy={"drand": {"chain": "quicknet", "round": 657413}})
    assert parse_task(ok, "t.toml").drand is not None
    for bad in ("tomorrow", "2026-12-01T09:00:00"):  # no time zone: ambiguous
        with pytest.raises(InputError) as exc:
            parse_task(dict(ok, planned_draw_at=bad), "t.toml")
        assert exc.value.params["field"] == "planned_draw_at"
    assert parse_task(dict(ok, planned_draw_at="2026-12-01T09:00:00+08:00"), "t.toml")


# --- clean text and bounded nesting (issue #8) -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (("title",), "抽查\u202e公告", "title", "text.bidi"),
        (("witnesses",), ["王五", "赵\u200b六"], "witnesses[1]", "text.invisible"),
        (("departments",), ["食品\x00科"], "departments[0]", "text.control"),
        (("entropy", "dice", 0, "witness"), "张\x90三", "entropy.dice[0].witness", "text.control"),
        (("items",), ["K\x7f01"], "items[0]", "text.control"),
    ],
)
def test_text_a_page_shows_is_checked_at_the_door(
    path: tuple[str | int, ...], value: Any, field: str, code: str
) -> None:
    err = refuse(with_(BASE, value, *path), "taskdef.bad_text", field)
    assert err.params["reason_key"] == code
    assert err.params["reason_params"]["char"].startswith("U+")
    assert "<U+" in err.params["value"]  # shown visibly, never the raw character
    assert "U+" in render(err.code, "en", **err.params)


def test_lottery_name_and_period_are_checked() -> None:
    lottery = {"name": "福彩\u2066", "period": "2023001", "count": 3, "min": 0, "max": 9}
    refuse(
        with_(BASE, {"lottery": [lottery]}, "entropy"),
        "taskdef.bad_text",
        "entropy.lottery[0].name",
    )
    lottery = dict(lottery, name="福彩3D", period="2023\u200d001")
    refuse(
        with_(BASE, {"lottery": [lottery]}, "entropy"),
        "taskdef.bad_text",
        "entropy.lottery[0].period",
    )


def test_line_breaks_in_text_become_one_space() -> None:
    (d,) = definitions(with_(BASE, "第一行\r\n第二行", "title"), FILE)
    assert d.title == "第一行 第二行"
    (d,) = definitions(with_(BASE, ["王\n五"], "witnesses"), FILE)
    assert d.witnesses == ("王 五",)


def test_a_stored_definition_is_not_checked_again() -> None:
    # text stored before the rule existed must still load (it is shown with visible())
    (d,) = definitions(BASE, FILE)
    stored = dict(d.to_json(), title="旧\u202e标题")
    assert from_stored(stored).title == "旧\u202e标题"


@pytest.fixture
def high_recursion_limit() -> Any:
    """As py_ecc does on import: the C JSON parser would then overflow the C stack."""
    import sys

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 1_000_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.usefixtures("high_recursion_limit")
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep.json"),
        (b"\xef\xbb\xbf" + b"[" * 100_000 + b"]" * 100_000, "deep.json"),
        (b"title = " + b"[" * 100_000 + b"]" * 100_000, "deep.toml"),
        (b"t = " + b"{a = " * 100_000 + b"1" + b"}" * 100_000, "deep.toml"),
        (b"[" + b".".join([b"a"] * 100) + b"]\nx = 1\n", "dotted.toml"),
        (b'{"a": ' + b"[" * 65 + b"]" * 65 + b"}", "just_over.json"),
    ],
)
def test_deep_files_are_refused_naming_the_file(data: bytes, name: str) -> None:
    from randcheck.core.taskdef import MAX_DEPTH

    with pytest.raises(InputError) as exc:
        load_text(data, name)
    assert exc.value.code == "taskdef.too_deep"
    assert exc.value.params == {"file": name, "limit": MAX_DEPTH}
    for lang in ("zh", "en"):
        assert name in render(exc.value.code, lang, **exc.value.params)


def test_nesting_at_the_limit_is_read() -> None:
    from randcheck.core.taskdef import MAX_DEPTH

    doc = load_text(b'{"a": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}", "ok.json")
    assert list(doc) == ["a"]


def test_unreadable_reason_is_in_the_users_language() -> None:
    with pytest.raises(InputError) as exc:
        load_text(b'{"a": 1, "a": 2}', "dup.json")
    zh = render(exc.value.code, "zh", **copy.deepcopy(exc.value.params))
    en = render(exc.value.code, "en", **copy.deepcopy(exc.value.params))
    assert "dup.json" in zh and "重复" in zh and "duplicate JSON key" in en


# --- issue 12: statuses vocabulary, unknown fields by name, TOML errors in the user's language


def test_statuses_are_stored_as_vocabulary_words() -> None:
    doc = with_(
        BASE, {"statuses": ["存续（在营、开业、在册）", "在业", "吊销，未注销"]}, "exclusions"
    )
    (d,) = definitions(doc, FILE)
    assert d.statuses == ("存续", "吊销")
    assert from_stored(d.to_json()) == d


def test_a_status_outside_the_vocabulary_lists_the_accepted_words() -> None:
    err = refuse(
        with_(BASE, {"statuses": ["存续", "营业中"]}, "exclusions"),
        "taskdef.bad_status",
        "exclusions.statuses[1]",
    )
    for lang in ("zh", "en"):
        text = render(err.code, lang, **err.params)
        assert "营业中" in text and "存续、吊销、注销、迁出、撤销" in text


@pytest.mark.parametrize(
    ("path", "field", "guess"),
    [
        (("strata", 0, "ratoi"), "strata[0].ratoi", "ratio"),
        (("teams", "max_laod"), "teams.max_laod", "max_load"),
        (("exclusions", "status"), "exclusions.status", "statuses"),
        (("filters", "regoin"), "filters.regoin", "region"),
        (("entropy", "dice", 0, "face"), "entropy.dice[0].face", "faces"),
        (("drand",), "drand", "entropy.drand"),  # a table written at the wrong level
        (("ratio",), "ratio", "strata.ratio"),
    ],
)
def test_unknown_fields_suggest_the_right_name(
    path: tuple[Any, ...], field: str, guess: str
) -> None:
    doc = copy.deepcopy(BASE)
    doc.setdefault("filters", {})
    doc.setdefault("exclusions", {})
    if path[0] == "strata":  # a misspelt ratio leaves the stratum with neither count nor ratio
        del doc["strata"][0]["ratio"]
    err = refuse(with_(doc, "1/2", *path), "taskdef.unknown_field", field)
    assert render(err.code, "zh", **err.params).endswith(f"是否想写 {guess}？")
    assert render(err.code, "en", **err.params).endswith(f"Did you mean {guess}?")


def test_an_unknown_field_with_no_close_name_lists_the_fields_allowed() -> None:
    doc = with_(BASE, {"drand": {"chain": "quicknet", "xyz": 5}}, "entropy")
    err = refuse(doc, "taskdef.unknown_field", "entropy.drand.xyz")
    assert "chain, round, delay" in render(err.code, "zh", **err.params)
    assert "Fields allowed here: chain, round, delay" in render(err.code, "en", **err.params)


def test_unknown_field_in_plan_defaults_is_named() -> None:
    plan = {"defaults": {"teams": {"max_lod": 3}}, "task": [BASE]}
    refuse(plan, "taskdef.unknown_field", "task[0].teams.max_lod")
    refuse({**plan, "defualts": {}}, "taskdef.unknown_field", "defualts")


@pytest.mark.parametrize(
    ("text", "line", "column", "zh", "en"),
    [
        ('id = "T1"\ntitle = 抽查\n', 2, 9, "文字须加英文双引号", "text needs double quotes"),
        ('id = "T1\n', 1, 9, "缺少结尾的英文双引号", "without its closing double quote"),
        ('id = "T1"\nid = "T2"\n', 2, 10, "写了两次", "written twice"),
        ('id = "T1"\n[teams\n', 2, 7, "表名缺少结尾", "table header without"),
        ('id "T1"\n', 1, 4, "缺少 =", "without = after it"),
    ],
)
def test_toml_syntax_errors_are_localised_with_line_and_column(
    text: str, line: int, column: int, zh: str, en: str
) -> None:
    with pytest.raises(InputError) as exc:
        load_text(text.encode("utf-8"), FILE)
    err = exc.value
    assert err.code == "taskdef.toml_syntax", err.params
    assert (err.params["line"], err.params["column"]) == (line, column)
    zh_text = render(err.code, "zh", **err.params)
    en_text = render(err.code, "en", **err.params)
    assert f"{FILE} 第 {line} 行第 {column} 列" in zh_text and zh in zh_text
    assert f"line {line}, column {column}" in en_text and en in en_text
    assert "Invalid" not in zh_text and "Expected" not in zh_text  # no raw parser English


def test_toml_error_at_the_end_of_the_file() -> None:
    with pytest.raises(InputError) as exc:
        load_text(b'items = ["K01"', FILE)
    assert exc.value.code == "taskdef.toml_syntax_end"
    assert "列表缺少结尾的 ]" in render(exc.value.code, "zh", **exc.value.params)
    assert "closing ]" in render(exc.value.code, "en", **exc.value.params)


def test_every_listed_field_is_read_by_the_parser() -> None:
    """``taskreader.FIELDS`` and the parser cannot drift: a field listed but never read
    would be refused as unknown by ``finish()``."""
    from randcheck.core.taskreader import FIELDS

    doc = {
        **BASE,
        "departments": ["食品科"],
        "batches": 2,
        "witnesses": ["李四"],
        "planned_draw_at": "2023-09-20T10:00:00+08:00",
        "filters": {"region": ["3205"], "industry": ["H"], "subject_type": ["企业"], "tags": ["a"]},
        "exclusions": {
            "statuses": ["存续"],
            "recent_days": 30,
            "annual_cap": 2,
            "annual_cap_counts": "random",
            "drawn_this_year": False,
        },
        "strata": [
            {"id": "S1", "risk": ["A"], "count": 1, "reserve": 1},
            {"id": "S2", "risk": ["*"], "ratio": "1/2", "reserve": 1},
        ],
        "teams": {
            "min_inspectors": 2,
            "experts": 1,
            "per_department": False,
            "rotation": False,
            "max_load": 3,
            "inspect_from": "2023-10-01",
            "inspect_to": "2023-10-31",
            "qualifications": ["q"],
        },
        "entropy": {
            "dice": [{"witness": "张三", "count": 5, "faces": 6}],
            "lottery": [{"name": "福彩3D", "period": "1", "count": 3, "min": 0, "max": 9}],
            "drand": {"chain": "quicknet", "round": 9_000_000, "delay": 60},
        },
    }
    tables = {
        "": doc,
        "filters": doc["filters"],
        "exclusions": doc["exclusions"],
        "strata": {**doc["strata"][0], **doc["strata"][1]},
        "teams": doc["teams"],
        "entropy": doc["entropy"],
        "dice": doc["entropy"]["dice"][0],
        "lottery": doc["entropy"]["lottery"][0],
        "drand": doc["entropy"]["drand"],
    }
    # a v2 task (spec, [ordering]) reads the v2 fields; its drand table names no round
    v2 = {**doc, "spec": "v2", "entropy": {**doc["entropy"], "drand": {"chain": "quicknet"}},
          "ordering": {"margin": 30, "witnesses": ["w"], "tsa_certs": ["a" * 64],
                       "tsa_url": "https://tsa.example/tsr"}}  # fmt: skip
    tables[""] = {**doc, "spec": "v2", "ordering": v2["ordering"]}
    tables["ordering"] = v2["ordering"]
    assert {k: sorted(v) for k, v in tables.items()} == {k: sorted(v) for k, v in FIELDS.items()}
    (d,) = definitions(doc, FILE)
    assert from_stored(d.to_json()) == d
    (d2,) = definitions(v2, FILE)
    assert from_stored(d2.to_json()) == d2
