"""Headless Chromium driven through the DevTools protocol (CDP), for tests that look at pages
the way a reader's browser does: width, overflow, requests, console errors, screenshots, PDF.

The distribution's ``chromium`` (Debian: ``apt-get install chromium fonts-noto-cjk``) is
started with a fresh profile and ``--remote-debugging-port=0``; the port it picked is read from
``DevToolsActivePort``.  Each :meth:`Browser.open` creates a tab and talks to it over its own
websocket (``websocket-client``): no browser download, no Node, no Selenium.

Requests are intercepted (``Fetch``): every URL the page asks for is recorded, and any that
would leave the machine (not ``file:``, ``data:``, ``about:`` or ``http://127.0.0.1``) is
failed at once, so a page that reaches for a CDN fails its test instead of hanging on the
network.

Generic helpers other page tests call: :func:`assert_no_overflow`,
:func:`assert_no_external_requests`, :func:`relative_links_resolve`, :func:`serve`.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    # a tab behind another is "hidden": without these Chromium runs its timers about once a
    # second (20 × setTimeout(0) took 13 s instead of 60 ms, test_harness.py measures it), so
    # a session-scoped page pushed back by a later test's tab would crawl.  The first flag is
    # the one that matters for timers (measured each alone); the other two keep a hidden tab's
    # renderer at normal priority and stop occluded windows being treated as hidden
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)
#: run after load: fonts ready and two frames laid out.  A hidden tab (behind one another
#: thread opened meanwhile) draws no frames, so a timer ends the wait there (layout is done
#: anyway when measure() reads the widths)
SETTLE_JS = (
    "document.fonts.ready.then(() => Promise.race(["
    "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),"
    "new Promise((r) => setTimeout(r, 250))]))"
)
#: where a page may load from without it counting as leaving the machine
LOCAL_PREFIXES = ("file:", "data:", "about:", "http://127.0.0.1:", "chrome-error:")
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk"


class CDPError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium binary to drive: $RANDCHECK_CHROMIUM, else ``chromium`` on PATH."""
    explicit = os.environ.get("RANDCHECK_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _Socket:
    """One CDP websocket: commands by id, events kept in arrival order until read.

    Safe to share between threads: sends take turns (``_send_lock``), one thread at a time
    reads the socket (``_reading``) and hands each answer to the thread waiting for its id, so
    a thread never reads and drops another's answer.  Event hooks run in the reading thread,
    in arrival order, outside the lock (a hook may :meth:`post`)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self.timeout = timeout
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        #: called for each event as it arrives (Fetch.requestPaused must be answered at once)
        self.on_event: list[Any] = []
        self._send_lock = threading.Lock()
        self._cond = threading.Condition()
        self._reading = False  # a thread is reading the socket (under _cond)
        self._waiting: set[int] = set()  # ids whose answer a thread waits for
        self._answers: dict[int, dict[str, Any]] = {}  # answers read for another thread

    def _pump(self, done: Callable[[], bool], deadline: float) -> None:
        """Reads messages until ``done()`` (called under the lock) is true: this thread reads
        if no other does, else waits for the one that does to hand over what it read."""
        with self._cond:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CDPError("timed out waiting for the browser")
                if self._reading:
                    self._cond.wait(remaining)
                    continue
                self._reading = True
                self._cond.release()
                msg = None
                try:
                    self.ws.settimeout(max(0.05, remaining))
                    try:
                        msg = json.loads(self.ws.recv())
                    except websocket.WebSocketTimeoutException as exc:
                        raise CDPError("timed out waiting for the browser") from exc
                    if "method" in msg:
                        for hook in self.on_event:
                            hook(msg)
                finally:
                    self._cond.acquire()
                    self._reading = False
                    if msg is not None:
                        if "method" in msg:
                            self.events.append(msg)
                        elif msg.get("id") in self._waiting:
                            self._answers[msg["id"]] = msg
                    self._cond.notify_all()

    def _post(self, method: str, params: dict[str, Any], wait: bool) -> int:
        with self._send_lock:
            self.next_id += 1
            my_id = self.next_id
            if wait:  # registered before it is sent: the answer may come at once
                with self._cond:
                    self._waiting.add(my_id)
            self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        return my_id

    def post(self, method: str, **params: Any) -> None:
        """Sends a command without waiting for its answer (from inside an event hook)."""
        self._post(method, params, wait=False)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Sends a command and returns its result, handling events that arrive meanwhile."""
        my_id = self._post(method, params, wait=True)
        try:
            self._pump(lambda: my_id in self._answers, time.monotonic() + self.timeout)
        finally:
            with self._cond:
                self._waiting.discard(my_id)
                msg = self._answers.pop(my_id, None)
        assert msg is not None
        if "error" in msg:
            raise CDPError(f"{method}: {msg['error']}")
        result: dict[str, Any] = msg.get("result", {})
        return result

    def wait_event(self, method: str, timeout: float | None = None) -> dict[str, Any]:
        """The first not yet consumed event named ``method`` (waiting for it if needed)."""
        found: list[dict[str, Any]] = []
        seen = 0

        def look() -> bool:
            nonlocal seen
            for i in range(seen, len(self.events)):
                if self.events[i]["method"] == method:
                    found.append(self.events[i])
                    self.events[i] = {"method": "#consumed"}
                    return True
            seen = len(self.events)
            return False

        self._pump(look, time.monotonic() + (timeout or self.timeout))
        return found[0]

    def drain(self, seconds: float) -> None:
        """Reads events for ``seconds`` (late requests, console messages)."""
        with contextlib.suppress(CDPError):
            self._pump(lambda: False, time.monotonic() + seconds)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()


@dataclass
class Page:
    """One loaded tab: what it requested, what it logged, and how wide it laid out.

    ``scroll_width`` is the document's laid-out width (``documentElement.scrollWidth``),
    ``inner_width`` the window's (``innerWidth``): a page scrolls sideways when the first is
    larger.  ``overflowing`` names up to ten elements whose right edge passes the window.
    """

    url: str
    width: int
    _sock: _Socket
    _browser: Browser
    target_id: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    scroll_width: int = 0
    inner_width: int = 0
    overflowing: list[str] = field(default_factory=list)

    def eval(self, js: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        res = self._sock.send(
            "Runtime.evaluate", expression=js, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in res:
            raise CDPError(f"{js!r}: {res['exceptionDetails'].get('text')}")
        return res["result"].get("value")

    def measure(self) -> None:
        """(Re)reads the widths and the overflowing elements."""
        self.scroll_width = int(
            self.eval("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        )
        self.inner_width = int(self.eval("window.innerWidth"))
        self.overflowing = list(self.eval(_OVERFLOWING_JS))

    def screenshot(self, path: Path | str) -> Path:
        """A PNG of the whole page (not just the window) written to ``path``."""
        metrics = self._sock.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {
            "x": 0,
            "y": 0,
            "width": max(self.width, int(size["width"])),
            "height": min(int(size["height"]), 20000),
            "scale": 1,
        }
        res = self._sock.send(
            "Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip
        )
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(res["data"]))
        return out

    def pdf(self, **options: Any) -> bytes:
        """``Page.printToPDF`` on A4 (210 × 297 mm) unless ``options`` say otherwise."""
        params: dict[str, Any] = {
            "paperWidth": 210 / 25.4,
            "paperHeight": 297 / 25.4,
            "printBackground": False,
            "preferCSSPageSize": True,
        }
        params.update(options)
        res = self._sock.send("Page.printToPDF", **params)
        return base64.b64decode(res["data"])

    def emulate_media(self, media: str) -> None:
        """Lays the page out for ``media`` (``"print"``, or ``""`` for the screen again)."""
        self._sock.send("Emulation.setEmulatedMedia", media=media)

    def close(self) -> None:
        self._sock.close()
        with contextlib.suppress(Exception):
            self._browser._sock.send("Target.closeTarget", targetId=self.target_id)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_OVERFLOWING_JS = """(() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5) {
      let inBox = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inBox = true; break; }
      }
      if (!inBox) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' right=' + Math.round(r.right) + ' ' + (el.textContent || '').trim().slice(0, 40));
    }
    if (out.length >= 10) break;
  }
  return out;
})()"""


class Browser:
    """A headless Chromium with a throwaway profile; :meth:`close` ends it and its children."""

    def __init__(
        self, binary: str, startup_timeout: float = 60.0, flags: Sequence[str] | None = None
    ) -> None:
        """Starts ``binary`` with ``flags`` (default: :data:`FLAGS` as it is now: a bench
        may extend the module's FLAGS before it starts a browser)."""
        self.profile = Path(tempfile.mkdtemp(prefix="randcheck-chromium-"))
        flags = FLAGS if flags is None else flags
        self.proc = subprocess.Popen(
            [binary, *flags, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: close() ends the helpers too
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + startup_timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                self.close()
                raise CDPError(f"chromium did not start ({binary}): {err[-2000:]}")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.port = int(port)
        self._sock = _Socket(f"ws://127.0.0.1:{self.port}{path}")

    def open(
        self,
        url: str,
        width: int = 1280,
        height: int = 900,
        settle: float = 0.2,
        timeout: float = 30.0,
    ) -> Page:
        """Loads ``url`` in a new tab ``width`` CSS pixels wide and measures it."""
        target = self._sock.send("Target.createTarget", url="about:blank")["targetId"]
        sock = _Socket(f"ws://127.0.0.1:{self.port}/devtools/page/{target}", timeout=timeout)
        page = Page(url=url, width=width, _sock=sock, _browser=self, target_id=target)

        def on_event(ev: dict[str, Any]) -> None:
            method, params = ev["method"], ev.get("params", {})
            if method == "Fetch.requestPaused":
                req_url = params["request"]["url"]
                page.requests.append(req_url)
                if req_url.startswith(LOCAL_PREFIXES):
                    sock.post("Fetch.continueRequest", requestId=params["requestId"])
                else:
                    page.blocked.append(req_url)
                    sock.post(
                        "Fetch.failRequest",
                        requestId=params["requestId"],
                        errorReason="BlockedByClient",
                    )
            elif method == "Network.requestWillBeSent":
                req_url = params["request"]["url"]
                if req_url not in page.requests:
                    page.requests.append(req_url)  # file: and data: are not paused by Fetch
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                page.console_errors.append(
                    str(details.get("exception", {}).get("description") or details.get("text"))
                )
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.console_errors.append(
                    " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                if str(entry.get("url", "")).endswith("/favicon.ico"):
                    return  # the browser asks for it by itself; a page without one is fine
                page.console_errors.append(f"{entry.get('text')} {entry.get('url', '')}".strip())

        sock.on_event.append(on_event)
        for domain in ("Page", "Runtime", "Log", "Network"):
            sock.send(f"{domain}.enable")
        sock.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
        sock.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,  # mobile would zoom out to fit a too-wide page and hide the overflow
        )
        nav = sock.send("Page.navigate", url=url)
        if nav.get("errorText"):
            page.close()
            raise CDPError(f"cannot load {url}: {nav['errorText']}")
        sock.wait_event("Page.loadEventFired")
        page.eval(SETTLE_JS)
        sock.drain(settle)
        page.measure()
        return page

    def close(self) -> None:
        """Ends the browser (its whole process group) and removes its profile."""
        sock = getattr(self, "_sock", None)
        if sock is not None:
            with contextlib.suppress(Exception):
                sock.send("Browser.close")
            sock.close()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# --- generic assertions -------------------------------------------------------------------


def assert_no_overflow(page: Page) -> None:
    """The page does not scroll sideways: ``scrollWidth <= innerWidth``."""
    assert page.scroll_width <= page.inner_width, (
        f"{page.url} at {page.width}px: scrollWidth {page.scroll_width} > innerWidth "
        f"{page.inner_width}; overflowing: {page.overflowing}"
    )


def assert_no_external_requests(page: Page, allowed_prefixes: Sequence[str]) -> None:
    """Every URL the page requested starts with one of ``allowed_prefixes``."""
    outside = [u for u in page.requests if not u.startswith(tuple(allowed_prefixes))]
    assert not outside, f"{page.url} requested outside {list(allowed_prefixes)}: {outside}"
    assert page.requests, f"{page.url}: no request recorded at all (is the harness deaf?)"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.links.append(v)


def page_links(html_path: Path) -> list[str]:
    """Every href and src value on the page, in document order."""
    parser = _Links()
    parser.feed(Path(html_path).read_text(encoding="utf-8"))
    parser.close()
    return parser.links


def is_relative(link: str) -> bool:
    """A link into the same folder tree: no scheme, no host, not a bare fragment."""
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and not link.startswith(("#", "/"))


def relative_links_resolve(html_path: Path, root: Path | None = None) -> list[str]:
    """Checks that every relative href/src on the page names an existing file or folder
    (inside ``root`` when given); returns the relative links checked, raises AssertionError
    listing the broken ones."""
    html_path = Path(html_path)
    base = html_path.parent.resolve()
    checked, broken = [], []
    for link in page_links(html_path):
        if not is_relative(link):
            continue
        target = (base / unquote(urlsplit(link).path)).resolve()
        checked.append(link)
        if not target.exists() or (root is not None and not target.is_relative_to(root.resolve())):
            broken.append(f"{link} -> {target}")
    assert not broken, f"{html_path}: relative links that do not resolve: {broken}"
    return checked


# --- a local web server -------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serves ``directory`` on ``http://127.0.0.1:<free port>/`` in a thread; yields the base
    URL (with its trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
