"""The bundle's pages (index.html, notice.html) as a reader's browser shows them: at 1280 and
390 px, over http and file://, no sideways scrolling, no request leaving the bundle, every
link to a file of the bundle, an A4 print stylesheet, and no overflow from a long name."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from randcheck.bundle import pages
from tests.browser.cdp import (
    Browser,
    assert_no_external_requests,
    assert_no_overflow,
    is_relative,
    page_links,
    relative_links_resolve,
)

pytestmark = pytest.mark.browser

PASSPHRASE = b"correct horse battery staple"
LONG = "长" * 100 + "N" * 100  # 200 characters, no space, no break opportunity for Latin


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace (v2 draw with commitment, results published), small registries."""
    from randcheck.services.demo import run_demo

    folder = tmp_path_factory.mktemp("pages") / "demo"
    result = run_demo(folder, PASSPHRASE, entities=1500, inspectors=30)
    assert result.verified, result.failed_check
    return result.bundle


@pytest.fixture(scope="module")
def long_bundle(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo bundle whose pages carry 200-character names with no space: an
    item, a bureau and every entity (the pages only, rendered again from the same data)."""
    from randcheck.services import publish
    from randcheck.store.db import open_engine
    from randcheck.workspace import Workspace

    ws = Workspace(demo.parent.parent)

    engine = open_engine(ws.default_db_url())
    try:
        data = publish._gather(ws, engine, "DEMO-2023-001")
        data = dataclasses.replace(
            data,
            items=[{**it, "name": LONG, "legal_basis": LONG} for it in data.items],
            entity_names=dict.fromkeys(data.entity_names, LONG),
            bureau={**data.bureau, "name": LONG},
            bundle_files=sorted(
                p.relative_to(demo).as_posix() for p in demo.rglob("*") if p.is_file()
            ),
        )
        index = pages.render_index(data)
        notice_page = pages.render_notice(data.ann_env, data.taskdef, data.items, LONG)
    finally:
        engine.dispose()
    out = tmp_path_factory.mktemp("long") / "DEMO-2023-001"
    shutil.copytree(demo, out)
    (out / "index.html").write_bytes(index)
    (out / "notice.html").write_bytes(notice_page)
    return out


def _open_all(
    browser: Browser,
    folder: Path,
    base: str,
    screenshots: Path,
    label: str,
) -> None:
    for name in ("index.html", "notice.html"):
        for width in (1280, 390):
            for scheme, url, allowed in (
                ("http", base + name, base),
                ("file", (folder / name).as_uri(), folder.as_uri() + "/"),
            ):
                with browser.open(url, width=width) as page:
                    assert_no_overflow(page)
                    assert_no_external_requests(page, [allowed])
                    assert page.blocked == []
                    assert page.console_errors == []
                    assert page.eval("document.documentElement.lang") == "zh-CN"
                    if scheme == "http":
                        page.screenshot(screenshots / f"{label}-{name[:-5]}-{width}.png")


def test_bundle_pages_read_at_1280_and_390(
    browser: Browser, demo: Path, screenshots: Path, http_server: Callable[[Path], str]
) -> None:
    _open_all(browser, demo, http_server(demo), screenshots, "bundle")
    assert sorted(p.name for p in screenshots.glob("bundle-*.png")) == [
        "bundle-index-1280.png", "bundle-index-390.png",
        "bundle-notice-1280.png", "bundle-notice-390.png",
    ]  # fmt: skip


def test_a_200_character_name_does_not_overflow(
    browser: Browser, long_bundle: Path, screenshots: Path, http_server: Callable[[Path], str]
) -> None:
    index = (long_bundle / "index.html").read_text(encoding="utf-8")
    assert index.count(LONG) > 10  # the long names are really on the page
    assert LONG in (long_bundle / "notice.html").read_text(encoding="utf-8")
    _open_all(browser, long_bundle, http_server(long_bundle), screenshots, "long")


def test_every_link_is_a_file_of_the_bundle(demo: Path) -> None:
    links = page_links(demo / "index.html")
    assert all(is_relative(link) or link.startswith("#") for link in links), links
    checked = relative_links_resolve(demo / "index.html", root=demo)
    files = sorted(p.relative_to(demo).as_posix() for p in demo.rglob("*") if p.is_file())
    # the page offers every file of the folder for download, and only those (verify.html is
    # also linked by the 在浏览器中核验 button and the 如何核验 part)
    assert sorted(set(checked)) == files
    assert all(checked.count(link) == 1 for link in checked if link != "verify.html")
    assert page_links(demo / "notice.html") == []  # the notice stands alone


def test_the_file_list_is_reachable_over_http(
    browser: Browser, demo: Path, http_server: Callable[[Path], str]
) -> None:
    base = http_server(demo)
    with browser.open(base + "index.html", width=390) as page:
        hrefs = page.eval("[...document.querySelectorAll('#files ~ ul.files a')].map(a => a.href)")
    assert len(hrefs) > 10 and all(h.startswith(base) for h in hrefs)
    import urllib.request

    for href in hrefs:
        with urllib.request.urlopen(href) as resp:  # every listed file is served
            assert resp.status == 200


def test_print_stylesheet(browser: Browser, demo: Path, http_server: Callable[[Path], str]) -> None:
    css = (demo / "index.html").read_text(encoding="utf-8")
    assert re.search(r"@page\{size:A4;margin:15mm\}", css)
    assert "@media print{" in css
    base = http_server(demo)
    with browser.open(base + "index.html", width=390) as page:
        assert_no_overflow(page)
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        pages_in_pdf = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages_in_pdf >= 2
        page.emulate_media("print")
        # in print the scroll boxes are opened, not cut off
        assert page.eval(
            "[...document.querySelectorAll('.scroll')].every(d => getComputedStyle(d).overflowX === 'visible')"
        )
        assert (
            page.eval("getComputedStyle(document.querySelector('thead')).display")
            == "table-header-group"
        )
        page.emulate_media("")
        assert page.eval("getComputedStyle(document.querySelector('.scroll')).overflowX") == "auto"
