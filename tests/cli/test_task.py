"""``randcheck task create|list|show|check|announce`` in both languages, every exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from randcheck.store.db import open_engine
from tests.drawfixtures import definition, inspector, seed_world, table_counts, write_def

PW = {"RANDCHECK_KEY_PASSPHRASE": "正确的口令是十二个字以上"}


@pytest.fixture
def world(ready_cli: Any) -> Any:
    """An initialised workspace with a key and the hand-built registries."""
    result = ready_cli("keys", "init", env=PW)
    assert result.exit_code == 0, result.output
    engine = open_engine(ready_cli.db_url)
    try:
        seed_world(engine)
    finally:
        engine.dispose()
    return ready_cli


def deffile(cli: Any, doc: dict[str, Any], name: str = "task.toml") -> str:
    return str(write_def(cli.root.parent / "defs" / name, doc))


def counts(cli: Any) -> dict[str, int]:
    engine = open_engine(cli.db_url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def test_create_list_show_in_both_languages(world: Any) -> None:
    plan = {
        "defaults": {k: v for k, v in definition().items() if k != "id"},
        "task": [{"id": "B1"}, {"id": "B2", "title": "第二批"}],
    }
    r = world("task", "create", deffile(world, plan, "plan.toml"), lang="zh")
    assert r.exit_code == 0, r.output
    assert "B1, B2" in r.stderr and "已创建任务" in r.stderr
    r = world("task", "list", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert [(x["id"], x["title"], x["status"]) for x in rows] == [
        ("B1", "2023年第一批食品经营抽查", "created"),
        ("B2", "第二批", "created"),
    ]
    assert "已创建" in world("task", "list", lang="zh").stdout
    assert "created" in world("task", "list", lang="en").stdout
    r = world("task", "show", "B2", "--json")
    doc = json.loads(r.stdout)
    assert doc["status"] == "created" and doc["definition"]["title"] == "第二批"
    assert doc["definition"]["strata"][0]["ratio"] == "1/2"
    r = world("task", "show", "B2", lang="zh")
    assert r.exit_code == 0 and "第二批" in r.stdout and "已创建" in r.stdout


def test_unknown_task_and_no_workspace_exit_3(world: Any, cli: Any, tmp_path: Path) -> None:
    for args in (("show", "NOPE"), ("check", "NOPE"), ("announce", "NOPE")):
        r = world("task", *args, env=PW)
        assert r.exit_code == 3, (args, r.output)
        assert "NOPE" in r.stderr and "Traceback" not in r.output
    zh = world("task", "show", "NOPE", lang="zh")
    assert zh.exit_code == 3 and "找不到任务" in zh.stderr
    from tests.conftest import Cli

    nowhere = Cli(tmp_path / "nowhere", cli.db_url)
    for args in (("list",), ("show", "X"), ("create", "x.toml")):
        r = nowhere("task", *args)
        assert r.exit_code == 3, (args, r.output)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("doc", "text"),
    [
        ({**definition(), "colour": "red"}, "colour"),
        (definition(strata=[{"id": "S", "ratio": "6/5"}]), "strata[0].ratio"),
        (definition(items=["X99"]), "X99"),
        ("id = ", "task.toml"),
    ],
)
def test_bad_definition_exit_1_and_changes_nothing(
    world: Any, tree_snapshot: Callable[[Path], dict[str, bytes]], doc: Any, text: str
) -> None:
    path = world.root.parent / "defs" / "task.toml"
    if isinstance(doc, str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc, encoding="utf-8")
    else:
        write_def(path, doc)
    before, tree = counts(world), tree_snapshot(world.root)
    for lang in ("en", "zh"):
        r = world("task", "create", str(path), lang=lang)
        assert r.exit_code == 1, r.output
        assert text in r.stderr and "Traceback" not in r.output
    assert counts(world) == before and tree_snapshot(world.root) == tree
    r = world("task", "create", str(path.with_name("missing.toml")))
    assert r.exit_code == 3 and "missing.toml" in r.stderr


def test_check_ok_and_failing(world: Any) -> None:
    assert world("task", "create", deffile(world, definition())).exit_code == 0
    r = world("task", "check", "T1", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ok"] is True and doc["pool"] == {"S1": 20, "S2": 20}
    assert doc["sample_sizes"] == {"S1": 10, "S2": 2}
    codes = [f["code"] for f in doc["findings"]]
    assert "check.trial_staffing" in codes
    r = world("task", "check", "T1", lang="zh")
    assert r.exit_code == 0 and "可以公告" in r.stderr and "通过" in r.stdout
    # a class left out of every stratum: check fails with exit 1, in both languages
    bad = definition(id="BAD", strata=[{"id": "S", "risk": ["A"], "count": 1}])
    assert world("task", "create", deffile(world, bad, "bad.toml")).exit_code == 0
    r = world("task", "check", "BAD", "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False
    fail = [f for f in doc["findings"] if f["level"] == "fail"]
    assert (
        fail[0]["code"] == "check.uncovered_class" and "no class may be exempt" in fail[0]["text"]
    )
    r = world("task", "check", "BAD", lang="zh")
    assert r.exit_code == 1 and "不通过" in r.stdout and "不得免抽" in r.stdout


def test_announce_with_passphrase_from_env(
    world: Any, tree_snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    assert world("task", "create", deffile(world, definition())).exit_code == 0
    before, tree = counts(world), tree_snapshot(world.root)
    # wrong passphrase: non-zero, nothing announced, nothing written
    r = world("task", "announce", "T1", env={"RANDCHECK_KEY_PASSPHRASE": "错的"})
    assert r.exit_code == 3, r.output
    assert "正确的口令是十二个字以上" not in r.output and "错的" not in r.output
    assert counts(world) == before and tree_snapshot(world.root) == tree
    assert json.loads(world("task", "show", "T1", "--json").stdout)["status"] == "created"
    # failing check: exit 1 before any passphrase is asked
    bad = definition(id="BAD", strata=[{"id": "S", "risk": ["A"], "count": 1}])
    assert world("task", "create", deffile(world, bad, "bad.toml")).exit_code == 0
    r = world("task", "announce", "BAD", env=PW)
    assert r.exit_code == 1 and "cannot be announced" in r.stderr
    r = world("task", "announce", "T1", "--json", env=PW)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["task"] == "T1" and len(doc["announcement"]) == 64
    assert doc["strata"] == {"S1": 20, "S2": 20} and doc["sample_sizes"] == {"S1": 10, "S2": 2}
    assert doc["drand_round"] is None
    assert json.loads(world("task", "show", "T1", "--json").stdout)["status"] == "announced"
    notice = Path(doc["notice"])
    assert notice.is_file() and doc["notice_error"] is None
    notice.unlink()  # `task notice` writes it again, for an announced task only
    r = world("task", "notice", "T1")
    assert r.exit_code == 0 and notice.is_file()
    assert world("task", "notice", "BAD").exit_code == 3
    # a second announce is refused (exit 1: a check said no), in Chinese too
    r = world("task", "announce", "T1", env=PW, lang="zh")
    assert r.exit_code != 0 and "已公告" in r.stderr


def test_announce_table_output_and_prompted_passphrase(world: Any) -> None:
    doc = definition(exclusions={"statuses": ["存续"]}, id="T9")
    assert world("task", "create", deffile(world, doc)).exit_code == 0
    r = world("task", "announce", "T9", input="正确的口令是十二个字以上\n", lang="zh")
    assert r.exit_code == 0, r.output
    assert "正确的口令是十二个字以上" not in r.output  # hidden prompt: never echoed
    assert "S1" in r.stdout and "已公告并签名" in r.stderr


def test_announce_without_eligible_inspectors_fails_check(ready_cli: Any) -> None:
    assert ready_cli("keys", "init", env=PW).exit_code == 0
    engine = open_engine(ready_cli.db_url)
    try:
        seed_world(engine, inspectors=[inspector("F001")])
    finally:
        engine.dispose()
    assert ready_cli("task", "create", deffile(ready_cli, definition())).exit_code == 0
    r = ready_cli("task", "announce", "T1", env=PW)
    assert r.exit_code == 1 and "not enough inspectors" in r.stdout


def test_check_of_an_announced_task_never_says_it_can_be_announced(world: Any) -> None:
    assert world("task", "create", deffile(world, definition())).exit_code == 0
    r = world("task", "check", "T1", lang="zh")
    assert r.exit_code == 0 and "任务 T1 可以公告" in r.stderr
    assert world("task", "announce", "T1", env=PW).exit_code == 0
    r = world("task", "check", "T1", lang="zh")
    assert r.exit_code == 0, r.output
    assert "可以公告" not in r.stderr and "已公告，不能再公告" in r.stderr
    assert "randcheck draw T1" in r.stderr
    r = world("task", "check", "T1", lang="en")
    assert "can be announced" not in r.stderr and "already announced" in r.stderr
    assert json.loads(world("task", "check", "T1", "--json").stdout)["status"] == "announced"
    # announcing again stops before any passphrase is asked
    r = world("task", "announce", "T1", lang="zh")
    assert r.exit_code == 1 and "已公告" in r.stderr and "口令" not in r.output


def test_check_guidance_in_both_languages(ready_cli: Any) -> None:
    engine = open_engine(ready_cli.db_url)
    try:
        seed_world(engine, inspectors=[inspector(f"F{i}", qualifications="") for i in range(4)])
    finally:
        engine.dispose()
    assert ready_cli("task", "create", deffile(ready_cli, definition())).exit_code == 0
    r = ready_cli("task", "check", "T1", lang="zh", env={"COLUMNS": "200"})
    assert r.exit_code == 1
    assert "符合资质 0 人" in r.stdout and "执法资质" in r.stdout and "不通过" in r.stdout
    r = ready_cli("task", "check", "T1", lang="en", env={"COLUMNS": "200"})
    assert r.exit_code == 1 and "qualifications) column" in r.stdout


def test_announce_shows_the_planned_drand_round_in_beijing_time(world: Any) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from randcheck.core.draw import drand

    planned = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    doc = definition(id="DR", planned_draw_at=planned.isoformat())
    doc["entropy"] = {**doc["entropy"], "drand": {"chain": "quicknet", "delay": 60}}
    assert world("task", "create", deffile(world, doc)).exit_code == 0
    chain = drand.CHAINS["quicknet"]
    r = drand.round_at(chain, int(planned.timestamp()) + 60)
    at = datetime.fromtimestamp(drand.round_time(chain, r), timezone(timedelta(hours=8)))
    beijing = at.strftime("%Y-%m-%d %H:%M:%S")
    result = world("task", "announce", "DR", env=PW, lang="zh")
    assert result.exit_code == 0, result.output
    assert f"drand 第 {r} 轮将于北京时间 {beijing} 产生" in result.stderr


def test_announce_reads_the_pool_once(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command checks before it asks for the passphrase, then announces with the pool
    that check computed: a large registry is read once, not twice."""
    from randcheck.services import tasks

    real, calls = tasks.compute_pool, []

    def spy(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(tasks, "compute_pool", spy)
    assert world("task", "create", deffile(world, definition())).exit_code == 0
    r = world("task", "announce", "T1", env=PW)
    assert r.exit_code == 0, r.output
    assert len(calls) == 1


def test_a_check_that_says_no_keeps_the_pool_index_an_error_does_not(world: Any) -> None:
    """The pool index is derived data: a check that ran to its verdict (exit 1, the task is
    not feasible) keeps the index it built for the next check; a command that stopped on
    an error (a wrong passphrase) keeps nothing."""
    from randcheck.services import poolindex

    def indexed() -> bool:
        engine = open_engine(world.db_url)
        try:
            with engine.connect() as conn:
                return poolindex.is_current(conn)
        finally:
            engine.dispose()

    bad = definition(id="BAD", mode="undirected", strata=[{"id": "S", "risk": ["A"], "count": 1}])
    good = definition(mode="undirected")
    assert world("task", "create", deffile(world, bad, "bad.toml")).exit_code == 0
    assert world("task", "create", deffile(world, good)).exit_code == 0
    assert not indexed()
    r = world("task", "announce", "T1", env={"RANDCHECK_KEY_PASSPHRASE": "错的"})
    assert r.exit_code == 3 and not indexed()
    r = world("task", "check", "BAD")
    assert r.exit_code == 1 and indexed()
