"""The harness itself: each helper must be able to fail, or the page tests prove nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.cdp import (
    FLAGS,
    SETTLE_JS,
    Browser,
    assert_no_external_requests,
    assert_no_overflow,
    find_chromium,
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


_THROTTLE_FLAGS = (
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)
#: n chained setTimeout(0) in the page, timed there (ms): about 60 in a tab in front
TIMERS_JS = (
    "new Promise((done) => { const t0 = performance.now(); let n = 0;"
    " const f = () => (++n < %d ? setTimeout(f, 0) : done(performance.now() - t0));"
    " setTimeout(f, 0); })"
)


def test_a_tab_behind_another_keeps_its_timers(browser: Browser) -> None:
    """FLAGS stop Chromium throttling a hidden tab's timers: 20 × setTimeout(0) in the tab
    behind took 13 s without them, about 60 ms with them."""
    with browser.open("about:blank") as back, browser.open("about:blank") as front:
        assert back.eval("document.visibilityState") == "hidden"  # it is behind: the case
        assert front.eval("document.visibilityState") == "visible"
        took = back.eval(TIMERS_JS % 20)
        assert took < 2000, f"20 × setTimeout(0) in the tab behind took {took:.0f} ms"
        # a hidden tab draws no frames: Browser.open's wait for them ends by its timer there
        # (a tab opened by one thread is pushed back when another thread opens one)
        assert back.eval("new Promise((r) => { requestAnimationFrame(() => r('frame'));"
                         " setTimeout(() => r('none'), 1000); })") == "none"  # fmt: skip
        t0 = time.monotonic()
        back.eval(SETTLE_JS)
        assert time.monotonic() - t0 < 2


def test_without_the_flags_a_tab_behind_is_throttled(browser: Browser) -> None:
    """The control: a Chromium started without the three flags does throttle the tab behind
    (10 × setTimeout(0) took 4 s: the nesting from the 6th on is throttled), so the test above
    would see it if a flag stopped working; if this one fails, Chromium no longer throttles
    and the flags may go."""
    # the browser fixture has found Chromium (or skipped/failed the test as the others are)
    binary = find_chromium()
    assert binary is not None
    keep = [f for f in FLAGS if f not in _THROTTLE_FLAGS]
    assert len(keep) == len(FLAGS) - len(_THROTTLE_FLAGS)
    bare = Browser(binary, flags=keep)
    try:
        with bare.open("about:blank") as back, bare.open("about:blank"):
            assert back.eval("document.visibilityState") == "hidden"
            took = back.eval(TIMERS_JS % 10)
            assert took > 2000, f"10 × setTimeout(0) in the tab behind took only {took:.0f} ms"
    finally:
        bare.close()


def test_threads_share_a_socket_and_each_gets_its_own_answer(browser: Browser) -> None:
    """Two threads sending on one page's socket and on the browser's own socket: each answer
    reaches the thread that asked (before the lock, each read and dropped the other's)."""
    errors: list[BaseException] = []
    with browser.open("about:blank") as page:

        def work(tag: int) -> None:
            try:
                for n in range(100):
                    assert page.eval(f"'{tag}-{n}'") == f"{tag}-{n}"
                    targets = browser._sock.send("Target.getTargets")["targetInfos"]
                    assert any(t["targetId"] == page.target_id for t in targets)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


def test_tabs_opened_from_two_threads(browser: Browser, tmp_path: Path) -> None:
    """Browser.open from two threads at once (as the parity test's UI fixture does)."""
    path = _page(tmp_path, "p.html", "<p>抽查</p>")
    got: dict[int, list[str]] = {0: [], 1: []}
    errors: list[BaseException] = []

    def work(tag: int) -> None:
        try:
            for n in range(3):
                with browser.open(path.as_uri() + f"#{tag}-{n}") as page:
                    got[tag].append(page.eval("location.hash"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert got == {i: [f"#{i}-{n}" for n in range(3)] for i in range(2)}
