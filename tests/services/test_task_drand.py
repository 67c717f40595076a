"""Issue 12: a v1 task's drand round from planned_draw_at (first round at or after
planned_draw_at + delay), shown in 北京时间; without planned_draw_at, announce time + delay."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from randcheck.catalog import render
from randcheck.core.chinatime import beijing_time
from randcheck.core.draw import drand, envelope
from randcheck.core.taskdef import definitions
from randcheck.errors import InputError
from randcheck.services import tasks
from randcheck.workspace import Workspace, init_workspace
from tests.drawfixtures import ANNOUNCE_AT, OPERATOR, definition, seed_world, write_def

QUICKNET = drand.CHAINS["quicknet"]
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def ws(ws_root: Path) -> Workspace:
    return init_workspace(ws_root, "测试市市场监督管理局", "320500")[0]


def doc(task_id: str, delay: int, planned: datetime | None = None) -> dict[str, Any]:
    d = definition(id=task_id)
    d["entropy"] = {**d["entropy"], "drand": {"chain": "quicknet", "delay": delay}}
    if planned is not None:
        d["planned_draw_at"] = planned.astimezone(BEIJING).isoformat()
    return d


def announced_round(ws: Workspace, engine: Engine, d: dict[str, Any]) -> tasks.AnnounceResult:
    path = write_def(ws.root.parent / "defs" / f"{d['id']}.toml", d)
    tasks.create_tasks(ws, engine, path, "tester")
    result = tasks.announce(ws, engine, d["id"], OPERATOR, "tester", ANNOUNCE_AT)
    body = envelope.open_envelope(result.envelope, "announcement").doc
    (source,) = [s for s in body["entropy"] if s["type"] == "drand"]
    assert source["round"] == result.drand_round  # the signed announcement names that round
    return result


def test_without_planned_draw_at_the_round_follows_the_announcement(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine)
    result = announced_round(ws, engine, doc("D", 600))
    start = int(ANNOUNCE_AT.timestamp()) + 600
    r = result.drand_round
    assert r is not None
    assert drand.round_time(QUICKNET, r) >= start > drand.round_time(QUICKNET, r - 1)


def test_planned_draw_at_fixes_the_round_and_shows_it_in_beijing_time(
    ws: Workspace, engine: Engine
) -> None:
    seed_world(engine)
    planned = ANNOUNCE_AT + timedelta(days=2, seconds=7)  # not on a round boundary
    result = announced_round(ws, engine, doc("P", 60, planned))
    r = result.drand_round
    assert r is not None
    start = int(planned.timestamp()) + 60
    assert drand.round_time(QUICKNET, r) >= start > drand.round_time(QUICKNET, r - 1)
    when = datetime.fromtimestamp(drand.round_time(QUICKNET, r), UTC)
    assert result.drand_time == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert result.drand_time_beijing == when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    # the same definition announced at another time keeps the same round
    (d,) = definitions(doc("P2", 60, planned), "p.toml")
    assert tasks.drand_round(d, ANNOUNCE_AT + timedelta(hours=5)) == r
    zh = render(
        "task.drand_at", "zh", round=r, time=result.drand_time, beijing=result.drand_time_beijing
    )
    assert f"drand 第 {r} 轮将于北京时间 {result.drand_time_beijing} 产生" in zh
    en = render(
        "task.drand_at", "en", round=r, time=result.drand_time, beijing=result.drand_time_beijing
    )
    assert f"{result.drand_time_beijing} Beijing time" in en


def test_a_planned_round_exactly_on_a_round_time_is_that_round() -> None:
    r0 = 5_000_000
    at = datetime.fromtimestamp(drand.round_time(QUICKNET, r0) - 30, UTC)
    (d,) = definitions(doc("X", 30, at), "x.toml")
    assert tasks.drand_round(d, ANNOUNCE_AT) == r0


def test_a_planned_time_a_fraction_after_a_round_takes_the_next_round() -> None:
    """Review: the fraction was cut off, so a round up to 1 s before the plan could be chosen."""
    r0 = 5_000_000
    at = datetime.fromtimestamp(drand.round_time(QUICKNET, r0) - 30, UTC)
    (d,) = definitions(doc("X", 30, at + timedelta(milliseconds=500)), "x.toml")
    assert tasks.drand_round(d, ANNOUNCE_AT) == r0 + 1


def test_task_check_shows_the_planned_round(ws: Workspace, engine: Engine) -> None:
    seed_world(engine)
    planned = ANNOUNCE_AT + timedelta(hours=3)
    d = doc("C", 120, planned)
    tasks.create_tasks(ws, engine, write_def(ws.root.parent / "defs" / "c.toml", d), "tester")
    with Session(engine) as s:
        report = tasks.check_task(s, "C", ANNOUNCE_AT)
    assert report.ok
    (found,) = [f for f in report.checks if f.name == "task.drand"]
    assert found.code == "check.drand_planned" and found.params["delay"] == 120
    assert "北京时间" in render(found.code, "zh", **found.params)
    assert "Beijing time" in render(found.code, "en", **found.params)
    # the day after the planned draw, the round is in the past: a failure, and no announcement
    late = planned + timedelta(days=1)
    with Session(engine) as s:
        report = tasks.check_task(s, "C", late)
    (found,) = [f for f in report.checks if f.name == "task.drand"]
    assert found.code == "check.drand_planned_past" and not found.ok
    assert "请改用更晚的 planned_draw_at" in render(found.code, "zh", **found.params)
    with pytest.raises(InputError):
        tasks.announce(ws, engine, "C", OPERATOR, "tester", late)


def test_a_planned_round_not_after_the_announcement_is_refused() -> None:
    (d,) = definitions(doc("Y", 60, ANNOUNCE_AT - timedelta(hours=1)), "y.toml")
    with pytest.raises(InputError) as exc:
        tasks.sources_for(d, b"\x00" * 32, ANNOUNCE_AT)
    assert exc.value.code == "task.drand_planned_past"
    for lang, words in (("zh", "planned_draw_at"), ("en", "later planned_draw_at")):
        assert words in render(exc.value.code, lang, **exc.value.params)


def test_beijing_time_does_not_depend_on_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    unix = 1_700_000_000  # 2023-11-14T22:13:20Z
    for zone in ("UTC", "America/New_York", "Asia/Kolkata"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert beijing_time(unix) == "2023-11-15 06:13:20"
    monkeypatch.delenv("TZ")
    time.tzset()
