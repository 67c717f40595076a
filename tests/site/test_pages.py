"""The item list's history, the entity directory and the statistics page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from randcheck.catalog import render
from randcheck.services import registry as reg_svc
from randcheck.services.audit import AuditLog
from randcheck.site import entities, statspage
from randcheck.site.build import build_site
from randcheck.site.history import Line
from randcheck.site.pages import history_line
from randcheck.workspace import Workspace
from tests.drawfixtures import OPERATOR, entity, insert_rows, seed_world
from tests.site.helpers import links, resolve, tree
from tests.site.world import AS_OF, World

HEADER = "事项编码,事项名称,抽查依据,事项类型,抽查比例上限,实施部门\n"


def _items(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_items_import_logs_codes_and_the_page_shows_each_items_history(
    ws: Workspace, engine: Engine, tmp_path: Path
) -> None:
    first = _items(
        tmp_path / "a.csv", "X01,甲事项,依据一,重点,,食品科\nX02,乙事项,依据二,一般,1/10,药品科\n"
    )
    reg_svc.import_file(
        engine, ws, "items", first, actor="t", now=datetime(2026, 3, 1, 2, tzinfo=UTC)
    )
    second = _items(
        tmp_path / "b.csv",
        "X02,乙事项,依据二（修订）,一般,1/10,药品科\nX03,丙事项,依据三,重点,,食品科\n",
    )
    reg_svc.import_file(engine, ws, "items", second, actor="t", replace=True,
                        now=datetime(2026, 4, 1, 2, tzinfo=UTC))  # fmt: skip
    entries = [e for e in AuditLog(ws, engine).entries() if e["kind"] == "items.import"]
    assert entries[0]["payload"]["codes"] == {
        "added": ["X01", "X02"],
        "updated": [],
        "deactivated": [],
    }
    assert entries[1]["payload"]["codes"] == {
        "added": ["X03"],
        "updated": ["X02"],
        "deactivated": ["X01"],
    }
    # an import logged before issue #10 (counts only) is shown as a change of the whole list
    AuditLog(ws, engine).record("t", "items.import", {"registry": "items", "file": "old.csv",
                                "counts": {"added": 5, "updated": 0, "deactivated": 0}},
                                datetime(2025, 1, 2, 2, tzinfo=UTC))  # fmt: skip
    build_site(ws, engine, OPERATOR, as_of=AS_OF)
    page = (ws.publish_dir / "site" / "items.html").read_text("utf-8")
    active, withdrawn = page.split('<h2 id="withdrawn">已停用事项</h2>')
    assert "X01" not in active  # withdrawn: no longer on the list of active items...
    x02 = active[active.index("X02") : active.index("X03")]
    # the imported file's name is user text: isolated, so it cannot reorder the sentence
    assert "2026年3月1日 10:00 北京时间：新增（导入 <bdi>a.csv</bdi>）" in x02
    assert "2026年4月1日 10:00 北京时间：修改（导入 <bdi>b.csv</bdi>）" in x02
    assert "依据二（修订）" in x02
    # ...but listed under 已停用事项, with its content and its whole history
    assert "X02" not in withdrawn and "<h3><bdi>X01</bdi> <bdi>甲事项</bdi></h3>" in withdrawn
    assert "依据一" in withdrawn
    assert "2026年3月1日 10:00 北京时间：新增（导入 <bdi>a.csv</bdi>）" in withdrawn
    assert "2026年4月1日 10:00 北京时间：停用（导入 <bdi>b.csv</bdi> 时不再列出）" in withdrawn
    assert "2025年1月2日 10:00 北京时间：导入清单文件 <bdi>old.csv</bdi>：新增 5 项" in page


def test_a_history_line_isolates_the_file_name_and_escapes_it() -> None:
    line = Line("2026年3月1日 10:00 北京时间", "site.history.added", {"file": "<b>\u202eא.csv"})
    when, text = history_line(line)
    assert when == "2026年3月1日 10:00 北京时间"
    assert text == "新增（导入 <bdi>&lt;b&gt;<U+202E>א.csv</bdi>）".replace(
        "<U+202E>", "&lt;U+202E&gt;"
    )


def test_entity_directory_only_when_asked_and_paged(
    ws: Workspace, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_world(
        engine,
        entities=[entity(i, subject_type="个体工商户" if i % 3 else "企业") for i in range(40)],
    )
    insert_rows(engine, entities.Entity, [entity(99, active=False, name="已注销企业")])
    monkeypatch.setattr(entities, "PAGE_SIZE", 15)
    out = ws.publish_dir / "site"
    build_site(ws, engine, OPERATOR, as_of=AS_OF)
    files = tree(out)
    page = files["entities.html"].decode()
    assert "现有检查对象 40 户" in page
    assert '<bdi>企业</bdi></th><td class="num">14</td>' in page
    assert '<bdi>个体工商户</bdi></th><td class="num">26</td>' in page
    assert '<bdi>食品经营</bdi></th><td class="num">40</td>' in page
    assert not any("测试企业" in d.decode() for d in files.values())
    res = build_site(ws, engine, OPERATOR, as_of=AS_OF, entity_directory=True)
    files = tree(out)
    pages = sorted(p for p in files if p.startswith("entities-directory/"))
    assert pages == [entities.page_name(n) for n in (1, 2, 3)]
    text = "".join(files[p].decode() for p in pages)
    assert all(f"测试企业{i}号" in text for i in range(40)) and "已注销企业" not in text
    root = out.resolve()
    for p, link in links(root):
        target = resolve(root, p, link)
        assert target is None or target.is_file(), (p, link)
    assert set(pages) <= set(res.written)
    off = build_site(ws, engine, OPERATOR, as_of=AS_OF)  # the office withdraws it
    assert set(off.removed) == set(pages)
    assert not (out / "entities-directory").exists()


STATS = {
    "year": 2026,
    "as_of": "2026-10-20",
    "cap": 2,
    "coverage": {
        "items": [{"key": "K01", "label": "食品经营者监督检查", "drawn": 3, "pool": 40, "ratio": "0.075"}],
        "departments": [{"key": "食品科", "label": "食品科", "drawn": 3, "pool": 40, "ratio": "0.075"}],
        "strata": [{"key": "T26/S", "label": "T26 层 S", "drawn": 3, "pool": 40, "ratio": "0.075"}],
    },
    "workload": {
        "inspectors": [
            {"badge_no": "F001", "name": "检查员F001", "department": "食品科", "targets": 2, "tasks": 1},
            {"badge_no": "F002", "name": "检查员F002", "department": "食品科", "targets": 1, "tasks": 1},
        ],
        "count": 2, "mean": "1.5", "max": 2, "min": 1, "spread": 1, "balance": "0.667",
    },
    "terms": [{"term": "未发现问题", "count": 2}],
    "publication": {
        "on_time": 1, "late": 0, "overdue": 1, "pending": 0, "unknown": 0, "rate": "0.5",
        "overdue_list": [{"task": "T26", "entity_code": "91320505MA000001XX", "entity_name": "某某食品店",
                          "item": "K01", "deadline": "2026-10-30", "days": 3}],
    },
    "repeated": [{"code": "91320505MA000002XX", "name": "重复企业", "count": 3, "random": 2,
                  "non_random": 1, "departments": ["食品科", "药品科"]}],
}  # fmt: skip


def test_stats_page_context_from_the_documented_shape() -> None:
    calls: list[tuple[str, list[tuple[str, object]], str]] = []

    def chart(title: str, rows: list[tuple[str, object]], unit: str = "", **_: object) -> str:
        calls.append((title, rows, unit))
        return f"<svg><title>{title}</title></svg>"

    ctx = statspage.context(STATS, chart)
    assert ctx["as_of"] == "2026年10月20日" and ctx["year"] == "2026"
    items = ctx["coverage"][0]
    assert items["rows"] == [
        {"key": "K01", "label": "食品经营者监督检查", "drawn": "3", "pool": "40", "ratio": "0.075"}
    ]
    # coverage is plotted, not the drawn count: 3 of 40 is 75 per mille
    assert ("按抽查事项", [("食品经营者监督检查", 75)], "‰") in calls
    assert ("检查人员工作量", [("检查员F001", 2), ("检查员F002", 1)], "户") in calls
    assert dict(ctx["workload"]["summary"])["均衡度"] == "0.667"
    assert dict(ctx["publication"]["summary"])["按时公示率"] == "0.5"
    overdue = ctx["publication"]["overdue"]
    assert overdue == [{"task": "T26", "item": "K01", "deadline": "2026年10月30日", "days": "3"}]
    assert ctx["repeated"][0]["departments"] == "食品科、药品科"
    assert statspage.context(STATS)["terms"]["chart"] == ""  # no chart: the table stands alone


def test_stats_page_renders_tables_beside_the_charts(ws: Workspace, engine: Engine) -> None:
    build_site(ws, engine, OPERATOR, as_of=AS_OF, stats=STATS,
               chart=lambda title, rows, unit="", **_: f'<svg role="img"><title>{title}</title></svg>')  # fmt: skip
    page = (ws.publish_dir / "site" / "stats.html").read_text("utf-8")
    assert page.count("<svg") == 5
    assert page.count("<table") >= 8
    assert "某某食品店" not in page and "<bdi>重复企业</bdi>" in page


def test_one_jinja_environment_factory_serves_the_bundle_and_the_site() -> None:
    import randcheck

    root = Path(randcheck.__file__).parent
    makers = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if "jinja2.Environment(" in p.read_text("utf-8")
    )
    assert makers == ["templating.py"]
    from randcheck.bundle import pages as bundle_pages
    from randcheck.site import pages as site_pages

    site, bundle = site_pages.environment(), bundle_pages._env()
    assert {"u", "v", "href"} <= set(site.filters) and {"u", "v", "t", "d"} <= set(bundle.filters)
    assert site.autoescape is True and bundle.autoescape is True


def test_the_site_pages_python_words_are_catalog_entries(world: World) -> None:
    import randcheck.site.pages as site_pages

    source = Path(site_pages.__file__).read_text("utf-8")
    assert re.findall(r"[\u4e00-\u9fff]", source) == []  # every word is in the catalog
    world.build()
    plans = (world.out / "plans.html").read_text("utf-8")
    for status in ("created", "announced", "drawn"):  # one status wording: the CLI's
        assert f"<td>{render(f'task.status.{status}', 'zh')}</td>" in plans
    assert render("site.rule.ratio", "zh", ratio="1/10") in plans  # T28: not announced yet
    assert f'aria-current="page">{render("site.nav.plans", "zh")}</a>' in plans
    assert render("site.mode.directed", "zh") in plans


def test_coverage_bars_are_per_mille_of_the_pool_rounded_half_up() -> None:
    assert statspage.per_mille(3, 40) == 75
    assert statspage.per_mille(1, 3) == 333 and statspage.per_mille(2, 3) == 667
    assert statspage.per_mille(1, 2000) == 1  # 0.5 rounds up
    assert statspage.per_mille(5, 5) == 1000 and statspage.per_mille(0, 0) == 0
    assert statspage.per_mille("7", "10") == 700  # the documented shape allows strings


def test_coverage_charts_compare_small_and_large_pools_by_coverage() -> None:
    calls: list[list[tuple[str, object]]] = []

    def chart(title: str, rows: list[tuple[str, object]], unit: str = "", **_: object) -> str:
        calls.append(rows)
        return "<svg></svg>"

    rows = [{"key": "A", "label": "大部门", "drawn": 10, "pool": 1000, "ratio": "0.01"},
            {"key": "B", "label": "小部门", "drawn": 4, "pool": 4, "ratio": "1"}]  # fmt: skip
    statspage.context({**STATS, "coverage": {"departments": rows}}, chart)
    assert [("大部门", 10), ("小部门", 1000)] in calls  # the fully covered one is the longer bar


@pytest.mark.parametrize(
    ("cap", "repeated", "shown"),
    [
        (2, STATS["repeated"], "年度上限：同一检查对象每年检查不超过 2 次"),
        (2, [], "无检查次数超过年度上限（2 次）的检查对象。"),
        (None, STATS["repeated"], "本单位未设年度上限。下列检查对象本年度检查超过一次"),
        (None, [], "无检查超过一次的检查对象。"),
    ],
)
def test_stats_page_says_which_repeat_rule_it_applies(
    ws: Workspace, engine: Engine, cap: int | None, repeated: object, shown: str
) -> None:
    stats = {**STATS, "cap": cap, "repeated": repeated}
    build_site(ws, engine, OPERATOR, as_of=AS_OF, stats=stats, chart=None)
    page = (ws.publish_dir / "site" / "stats.html").read_text("utf-8")
    assert shown in page
    assert ("<bdi>重复企业</bdi>" in page) == bool(repeated)
    assert "无超过年度上限的重复检查" not in page
    assert "抽中户数占名录户数的千分比" in page


def test_the_readme_command_row_names_every_site_build_option() -> None:
    from typer.testing import CliRunner

    from randcheck.cli import app

    res = CliRunner().invoke(
        app, ["site", "build", "--help"], env={"RANDCHECK_LANG": "en", "COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", res.output)) - {"--help"}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `site build")]
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", row.split("|")[1]))
    assert {"--out", "--as-of", "--entity-directory", "--key", "--json"} <= options
    assert shown == options
