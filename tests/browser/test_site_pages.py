"""Every page kind of the public site (``randcheck site build``) as a reader's browser shows it:
at 1280 and 390 px, over http and from file://, no sideways scrolling, no request leaving the
site, no console error, ``lang="zh-CN"``, every relative link to a file of the site, an A4 print,
no personal field of the roster anywhere, and no overflow from 200-character names.

The workspace is the site tests' world (tests/site/world.py) taken to every state a page can
show: T26 drawn, its results partly published and one result overdue, its draw bundle published;
T27 announced with its draw planned after ``--as-of``; T28 only created; T29 created with its
planned draw time passed; an item withdrawn; the entity directory on.
Screenshots (whole page, and the first screen at 390 × 844) go to the screenshots folder.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from randcheck.services import registry as reg_svc
from randcheck.services import tasks
from randcheck.site import entities
from randcheck.store.db import open_engine
from randcheck.store.models import Inspector, Item
from randcheck.workspace import init_workspace
from tests.browser.cdp import (
    Browser,
    Page,
    assert_no_external_requests,
    assert_no_overflow,
    is_relative,
    page_links,
    relative_links_resolve,
    serve,
)
from tests.conftest import fresh_db_url
from tests.drawfixtures import definition, seed_world, write_def
from tests.results.world import at, draw_task, import_rows, result_row
from tests.site.world import ID_CARD, NOTE, OK, PHONE, World, add_tasks, import_roster

pytestmark = pytest.mark.browser

BUREAU = "测试市市场监督管理局"
ITEMS_HEADER = "事项编码,事项名称,抽查依据,事项类型,抽查比例上限,实施部门\n"
#: 200 characters with no space and no break opportunity for the Latin part
LONG = "长" * 100 + "N" * 100
LONG_BUREAU = "局" * 100 + "B" * 100
LONG_INSPECTOR = "员" * 100 + "I" * 100
SECRETS = (ID_CARD, PHONE, NOTE)
WIDTHS = (1280, 390)
#: page kind -> path in the site
KINDS = {
    "home": "index.html",
    "items": "items.html",
    "inspectors": "inspectors.html",
    "entities": "entities.html",
    "directory": entities.page_name(1),
    "plans": "plans.html",
    "task-created": "tasks/T28/index.html",
    "task-announced": "tasks/T27/index.html",
    "notice": "tasks/T27/notice.html",
    "task-published": "tasks/T26/index.html",
    "stats": "stats.html",
    "bundle-index": "tasks/T26/bundle/index.html",
    "bundle-notice": "tasks/T26/bundle/notice.html",
}


@dataclass
class Site:
    root: Path
    base: str  # http://127.0.0.1:<port>/


def _world(folder: Path, stack: ExitStack, bureau: str, long: bool) -> World:
    """The site world in every state a page shows (see the module's docstring)."""
    ws = init_workspace(folder / "ws", bureau, "320500")[0]
    engine = open_engine(stack.enter_context(fresh_db_url(folder / "ws")))
    stack.callback(engine.dispose)
    seed_world(engine)
    for n, basis in ((1, "依据一"), (2, "依据一（修订）")):  # an item with a change history
        path = folder / f"items-{n}.csv"
        rows = f"X09,餐饮服务抽查,{basis},一般,1/20,食品科\n"
        if n == 1:  # and one withdrawn later (listed under 已停用事项)
            rows += "X08,旧版餐饮抽查,旧依据,一般,1/20,食品科\n"
        path.write_text(ITEMS_HEADER + rows, "utf-8")
        reg_svc.import_file(engine, ws, "items", path, actor="t",
                            now=datetime(2026, 3 + n, 1, 2, tzinfo=UTC))  # fmt: skip
    reg_svc.deactivate(engine, ws, "items", "X08", "合并入 X09", actor="t",
                       now=datetime(2026, 5, 1, 2, tzinfo=UTC))  # fmt: skip
    if long:
        with engine.begin() as conn:
            conn.execute(update(Item).where(Item.code == "K01").values(name=LONG, legal_basis=LONG))  # type: ignore[arg-type]
            conn.execute(
                update(Inspector).where(Inspector.badge_no == "F000").values(name=LONG_INSPECTOR)  # type: ignore[arg-type]
            )
    import_roster(ws, engine, folder)
    drawn = draw_task(ws, engine)
    add_tasks(ws, engine, folder)
    # T29: its planned draw time (15 October) passed before --as-of without a draw
    late = definition(id="T29", title="2026年第三批食品经营抽查", items=["K01"],
                      planned_draw_at="2026-10-15T09:00:00+08:00",
                      strata=[{"id": "S", "risk": ["*"], "count": 1, "reserve": 1}])  # fmt: skip
    path = write_def(folder / "defs" / "T29.toml", late)
    tasks.create_tasks(ws, engine, path, "tester", now=datetime(2026, 10, 5, tzinfo=UTC))
    world = World(ws, engine, drawn, folder)
    world.publish_results()
    # a result formed on 9 September and never published: overdue by 20 October
    c = drawn.targets[2]
    row = result_row(drawn.task, c, "K01", "2026-09-08", OK)
    import_rows(ws, engine, folder / "late.xlsx", [row], now=at("2026-10-14"))
    world.publish_bundle()
    world.build(entity_directory=True)
    return world


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with ExitStack() as stack:
        world = _world(tmp_path_factory.mktemp("site"), stack, BUREAU, long=False)
        yield Site(world.out, stack.enter_context(serve(world.out)))


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The same world with a 200-character bureau, item and inspector name."""
    with ExitStack() as stack:
        world = _world(tmp_path_factory.mktemp("long"), stack, LONG_BUREAU, long=True)
        yield Site(world.out, stack.enter_context(serve(world.out)))


def _html_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.html"))


def _check(page: Page, allowed: str) -> None:
    assert_no_overflow(page)
    assert_no_external_requests(page, [allowed])
    assert page.blocked == []
    assert page.console_errors == [], page.console_errors
    assert page.eval("document.documentElement.lang") == "zh-CN"
    text = page.eval("document.documentElement.outerHTML + document.body.innerText")
    for secret in SECRETS:
        assert secret not in text, (page.url, secret)


#: the site's own pages (the others are copies of the bundle's pages, tested with the bundle)
OWN = tuple(k for k in KINDS if not k.startswith("bundle-") and k != "notice")
_SCROLLERS_JS = """[...document.querySelectorAll('*')]
  .filter(e => getComputedStyle(e).overflowX === 'auto' && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"""


def _inner_scrollers(page: Page) -> list[str]:
    """Boxes that scroll sideways inside the page (allowed by the spec, but on the site's own
    pages at 390 px the lists become cards and nothing should need it)."""
    return list(page.eval(_SCROLLERS_JS))


def _first_screen(page: Page, path: Path) -> None:
    """A PNG of the window only (legible where the whole page would be a long strip)."""
    res = page._sock.send("Page.captureScreenshot", format="png")
    path.write_bytes(base64.b64decode(res["data"]))


def test_the_world_has_every_page_kind(site: Site) -> None:
    files = {p.relative_to(site.root).as_posix() for p in site.root.rglob("*") if p.is_file()}
    assert set(KINDS.values()) <= files
    assert "tasks/T26/T26.zip" in files
    home = (site.root / "index.html").read_text("utf-8")
    assert 'id="overdue"' in home and "2026年11月2日 09:00 北京时间" in home  # overdue, upcoming
    missed = home[home.index('id="missed"') : home.index('id="draws"')]
    assert "2026年10月15日 09:00 北京时间" in missed and "2026年第三批食品经营抽查" in missed
    items = (site.root / "items.html").read_text("utf-8")
    active, withdrawn = items.split('<h2 id="withdrawn">')
    x09 = active[active.index("X09") :]
    assert "新增（导入 <bdi>items-1.csv</bdi>）" in x09
    assert "修改（导入 <bdi>items-2.csv</bdi>）" in x09
    assert "X08" not in active and "停用" in withdrawn[withdrawn.index("X08") :]
    published = (site.root / KINDS["task-published"]).read_text("utf-8")
    assert "T26.zip" in published and "第 1 批" in published and OK in published
    # the results table shows dates as people read them (the bundle's CSV keeps ISO dates)
    assert ">2026年9月28日<" in published and ">2026年10月12日<" in published
    assert not re.search(r">20[0-9]{2}-[0-9]{2}-[0-9]{2}<", published)
    announced = (site.root / KINDS["task-announced"]).read_text("utf-8")
    assert 'href="notice.html"' in announced and "bundle/" not in announced
    stats = (site.root / "stats.html").read_text("utf-8")
    assert stats.count("<svg") >= 3 and "统计数据暂未生成" not in stats


@pytest.mark.parametrize("kind", list(KINDS))
def test_page_kind_reads_at_1280_and_390(
    browser: Browser, site: Site, screenshots: Path, kind: str
) -> None:
    rel = KINDS[kind]
    for width in WIDTHS:
        for scheme, url, allowed in (
            ("http", site.base + rel, site.base),
            ("file", (site.root / rel).as_uri(), site.root.as_uri() + "/"),
        ):
            height = 844 if width == 390 else 900
            with browser.open(url, width=width, height=height) as page:
                _check(page, allowed)
                if width == 390 and kind in OWN:
                    assert _inner_scrollers(page) == [], kind
                if scheme == "http":
                    page.screenshot(screenshots / f"site-{kind}-{width}.png")
                    if width == 390:
                        _first_screen(page, screenshots / f"site-{kind}-390-first.png")


def test_lists_become_cards_on_a_phone(browser: Browser, site: Site) -> None:
    """Below 640 px a many-column list shows one card per row, each value under its label;
    at 1280 px it is a table again."""
    js_display = "getComputedStyle(document.querySelector('table.cards tbody tr')).display"
    label = (
        "getComputedStyle(document.querySelector('table.cards td[data-label]'), '::before').content"
    )
    for kind in ("home", "inspectors", "directory", "task-published"):
        with browser.open(site.base + KINDS[kind], width=390, height=844) as page:
            assert page.eval(js_display) == "flex", kind
            assert page.eval(label).endswith('："'), kind
            heads = page.eval(
                "document.querySelector('table.cards thead').getBoundingClientRect().width"
            )
            assert heads <= 1, kind  # the column headers are left to screen readers
        with browser.open(site.base + KINDS[kind], width=1280) as page:
            assert page.eval(js_display) == "table-row", kind
            assert page.eval(label) == "none", kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_page_kind_prints_on_a4(browser: Browser, site: Site, kind: str) -> None:
    with browser.open(site.base + KINDS[kind], width=1280) as page:
        pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1


def test_every_relative_link_of_every_page_resolves(site: Site) -> None:
    root = site.root.resolve()
    pages = _html_files(root)
    assert len(pages) >= len(KINDS)
    checked = 0
    for html in pages:
        for link in page_links(html):
            if link == "data:," and html.name == "verify.html":
                continue  # the verifier page's empty icon: no request for /favicon.ico
            assert is_relative(link) or link.startswith("#"), (html, link)
        checked += len(relative_links_resolve(html, root=root))
    assert checked > 100


def test_no_personal_field_of_the_roster_in_any_file(site: Site) -> None:
    assert "王公开" in (site.root / "inspectors.html").read_text("utf-8")  # the roster is there
    for p in sorted(site.root.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, (p, secret)
        if p.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    for secret in SECRETS:
                        assert secret.encode() not in zf.read(name), (p, name)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_200_character_name_does_not_overflow_at_390(
    browser: Browser, long_site: Site, screenshots: Path, kind: str
) -> None:
    rel = KINDS[kind]
    with browser.open(long_site.base + rel, width=390, height=844) as page:
        _check(page, long_site.base)
        if kind in OWN:
            assert _inner_scrollers(page) == [], kind
        shown = page.eval("document.body.innerText")
        page.screenshot(screenshots / f"long-{kind}-390.png")
    assert LONG_BUREAU in shown or kind in ("bundle-notice", "notice")
    if kind in ("items", "plans", "task-published", "task-announced", "bundle-index", "notice"):
        assert LONG in shown, kind  # the long item name is really on the page
    if kind == "inspectors":
        assert LONG_INSPECTOR in shown
