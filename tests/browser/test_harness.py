"""The harness itself: each helper must be able to fail, or the page tests prove nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.cdp import (
    Browser,
    assert_no_external_requests,
    assert_no_overflow,
    relative_links_resolve,
)

pytestmark = pytest.mark.browser

_HEAD = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head>'


def _page(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{_HEAD}<body>{body}</body></html>", encoding="utf-8")
    return path


def test_measures_overflow(browser: Browser, tmp_path: Path) -> None:
    wide = _page(
        tmp_path, "wide.html", "<table><tr><td>" + "抽" * 10 + "x" * 300 + "</td></tr></table>"
    )
    narrow = _page(tmp_path, "narrow.html", "<p>" + "抽查 " * 200 + "</p>")
    with browser.open(wide.as_uri(), width=390) as page:
        assert page.inner_width == 390
        assert page.scroll_width > 390
        with pytest.raises(AssertionError, match="scrollWidth"):
            assert_no_overflow(page)
        assert page.overflowing  # the message names the culprit
    with browser.open(narrow.as_uri(), width=390) as page:
        assert_no_overflow(page)
        assert page.eval("document.documentElement.lang") == "zh-CN"


def test_records_and_blocks_external_requests(
    browser: Browser, tmp_path: Path, http_server: Callable[[Path], str]
) -> None:
    _page(tmp_path, "a.png", "")
    path = _page(
        tmp_path,
        "ext.html",
        '<img src="a.png"><img src="https://cdn.example.invalid/x.png">'
        '<link rel="stylesheet" href="http://fonts.example.invalid/f.css">',
    )
    base = http_server(tmp_path)
    with browser.open(base + "ext.html", width=1280) as page:
        assert base + "a.png" in page.requests
        assert "https://cdn.example.invalid/x.png" in page.blocked
        assert "http://fonts.example.invalid/f.css" in page.requests
        with pytest.raises(AssertionError, match=r"cdn\.example\.invalid"):
            assert_no_external_requests(page, [base])
    with browser.open(path.as_uri()) as page:
        assert path.as_uri() in page.requests  # file: loads are seen too
        with pytest.raises(AssertionError, match=r"fonts\.example\.invalid"):
            assert_no_external_requests(page, ["file:"])


def test_console_errors_eval_screenshot_pdf(browser: Browser, tmp_path: Path) -> None:
    path = _page(tmp_path, "err.html", "<p>正文</p><script>console.error('boom'); nope();</script>")
    with browser.open(path.as_uri(), width=800) as page:
        assert any("boom" in e for e in page.console_errors), page.console_errors
        assert any("nope" in e for e in page.console_errors), page.console_errors
        assert page.eval("1 + 2") == 3
        shot = page.screenshot(tmp_path / "shot.png")
        assert shot.read_bytes().startswith(b"\x89PNG")
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_relative_links(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.txt").write_text("x")
    ok = _page(
        tmp_path,
        "ok.html",
        '<a href="sub/f.txt">f</a><a href="sub/">dir</a><a href="#top">top</a>'
        '<a href="https://example.org/">ext</a><a href="sub/f.txt#x">frag</a>',
    )
    assert relative_links_resolve(ok, root=tmp_path) == ["sub/f.txt", "sub/", "sub/f.txt#x"]
    bad = _page(tmp_path, "bad.html", '<a href="sub/missing.txt">m</a><img src="../../etc/passwd">')
    with pytest.raises(AssertionError, match=r"missing\.txt"):
        relative_links_resolve(bad)
    escaping = _page(tmp_path / "sub", "up.html", '<a href="../ok.html">up</a>')
    relative_links_resolve(escaping)
    with pytest.raises(AssertionError, match=r"ok\.html"):
        relative_links_resolve(escaping, root=tmp_path / "sub")
