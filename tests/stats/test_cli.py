"""``randcheck stats``: --json is the service's JSON, the tables in Chinese and English, and bad
command lines are usage errors (exit 2, a message naming the option, no traceback, nothing
changed)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from randcheck.services import stats
from tests.conftest import Cli
from tests.results.world import state
from tests.stats.conftest import Built
from tests.stats.world import AS_OF


@pytest.fixture
def cli(built: Built) -> Cli:
    return Cli(built.ws.root, built.url)


def test_json_is_the_service_json(cli: Cli, built: Built) -> None:
    res = cli("stats", "--year", "2026", "--as-of", AS_OF.isoformat(), "--cap", "2", "--json")
    assert res.exit_code == 0, res.output
    want = stats.compute(built.ws, built.engine, 2026, AS_OF, 2).to_json()
    assert json.loads(res.stdout) == want
    # canonical-ish: sorted keys, UTF-8 text (no \\u escapes)
    assert res.stdout == json.dumps(want, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    # the year defaults to that of --as-of
    again = cli("stats", "--as-of", AS_OF.isoformat(), "--cap", "2", "--json")
    assert again.stdout == res.stdout


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["2026 年度随机抽查统计（截至 2026-12-15）", "覆盖率：按抽查事项", "检查人员工作量",
                "按期公示率 33.3%", "重复检查：未设置年度上限", "10.26%", "逾期天数"]),
        ("en", ["Random inspections of 2026 (as of 2026-12-15)", "Coverage per item",
                "Inspector workload", "on-time rate 33.3%", "no annual cap is set", "10.26%",
                "days late"]),
    ],
)  # fmt: skip
def test_tables(cli: Cli, lang: str, words: list[str]) -> None:
    res = cli("--lang", lang, "stats", "--as-of", AS_OF.isoformat(), lang=lang)
    assert res.exit_code == 0, res.output
    for w in words:
        assert w in res.stdout, w
    assert "2.80" in res.stdout and "1.43" in res.stdout  # workload mean and balance


def test_cap_heading(cli: Cli) -> None:
    res = cli("stats", "--as-of", AS_OF.isoformat(), "--cap", "2")
    assert "entities inspected more than 2 times this year" in res.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--as-of", "2026-13-01"], "--as-of is not a date: 2026-13-01"),
        (["--as-of", "yesterday"], "--as-of is not a date: yesterday"),
        (["--year", "0"], "--year is not a year: 0"),
        (["--year", "twenty"], "--year"),
        (["--cap", "0"], "--cap is not valid: 0"),
        (["--cap", "-3"], "--cap is not valid: -3"),
        (["--cap", "x"], "--cap"),
    ],
)
def test_bad_options_are_usage_errors(cli: Cli, built: Built, args: list[str], needle: str) -> None:
    before = state(built.ws, built.engine)
    res = cli("stats", *args)
    assert res.exit_code == 2, res.output
    assert needle in res.stderr
    assert "Traceback" not in res.output
    assert state(built.ws, built.engine) == before


def test_bad_option_in_chinese(cli: Cli) -> None:
    res = cli("stats", "--as-of", "2026/12/01", lang="zh")
    assert res.exit_code == 2
    assert "--as-of 的日期无效：2026/12/01" in res.stderr


def test_not_a_workspace(tmp_path: Any, built: Built) -> None:
    res = Cli(tmp_path / "nowhere", built.url)("stats")
    assert res.exit_code == 3
    assert "Traceback" not in res.output
