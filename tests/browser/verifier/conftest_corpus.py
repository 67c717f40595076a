"""Helpers of the parity test (test_parity.py, which holds the fixtures): the two verifiers'
verdicts on a bundle, a readable diff of them, and the DevTools-protocol plumbing that hands a
folder or a file to the browser the way a reader's file picker does.
"""

from __future__ import annotations

import base64
import difflib
import json
import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from tests.browser.cdp import Browser, Page
from tests.browser.verifier.corpus import Bundle

#: browser pages verifying in parallel (Chromium gives each tab its own renderer process)
PAGES = 2
#: how long one page may take for its share of the corpus (seconds)
PAGE_TIMEOUT = 600.0

# -- verdicts --------------------------------------------------------------------------------

#: the report's own fields both verifiers give (BundleReport.to_json() less "path")
REPORT_FIELDS = ("status", "format", "task_id", "record_digest", "verification_code",
                 "trusted_keys", "log_seqs")  # fmt: skip


def verdict_of_report(doc: dict[str, Any]) -> dict[str, Any]:
    """The comparable part of a report (Python's to_json() or the browser's object)."""
    out = {k: doc.get(k) for k in REPORT_FIELDS}
    out["log_seqs"] = {str(k): v for k, v in (doc.get("log_seqs") or {}).items()}
    out["checks"] = [[c["name"], c["status"], c["code"]] for c in doc["checks"]]
    out["params"] = [c.get("params") or {} for c in doc["checks"]]
    return out


def python_verdict(bundle: Bundle, trusted: bool = True) -> dict[str, Any]:
    """``verify_bundle`` on the bundle with the reader's keys (``trusted``) or none:
    the verdict, ``{"error": code}`` when it cannot run, ``{"crash": …}`` on any other
    exception (a bug: verify must turn every finding into a check)."""
    from randcheck.errors import RandcheckError
    from randcheck.services.verify import verify_bundle

    keys = bundle.trusted() if trusted else {}
    witnesses = bundle.witness_ids() if trusted else set()
    try:
        report = verify_bundle(bundle.path, keys, trusted_witnesses=witnesses)
    except RandcheckError as exc:
        return {"error": exc.code}
    except Exception as exc:
        return {"crash": f"{type(exc).__name__}: {exc}"}
    return verdict_of_report(json.loads(json.dumps(report.to_json())))


def diff(bundle: Bundle, py: dict[str, Any], js: dict[str, Any], how: str,
         params: Collection[str] | None = ()) -> str | None:  # fmt: skip
    """None when the verdicts agree (same checks in the same order with the same status and
    code, the same report fields, and the same params except for the checks named in
    ``params``; None: params not compared); else a readable account of where they part."""
    head = f"{bundle.id} ({bundle.description}) via {how}"
    if "crash" in py:
        return f"{head}: Python's verify crashed: {py['crash']}"
    if "error" in py or "error" in js or "crash" in js:
        if py.get("error") is not None and py.get("error") == js.get("error"):
            return None
        return (f"{head}: Python {py.get('error') or 'ran'}, browser "
                f"{js.get('error') or js.get('crash') or 'ran'}")  # fmt: skip
    lines = [f"  report.{k}: Python {py[k]!r} ≠ browser {js.get(k)!r}"
             for k in REPORT_FIELDS if py[k] != js.get(k)]  # fmt: skip
    if py["checks"] != js["checks"]:
        width = max(len(c[0]) for c in py["checks"] + js["checks"])

        def row(c: Sequence[str]) -> str:
            return f"{c[0]:{width}}  {c[1]:10}  {c[2]}"

        lines.append("  checks (- Python, + browser):")
        udiff = difflib.unified_diff([row(c) for c in py["checks"]],
                                     [row(c) for c in js["checks"]], lineterm="", n=2)  # fmt: skip
        lines.extend("    " + line for line in udiff if not line.startswith(("---", "+++")))
    elif params is not None:
        lines.extend(f"  params of {c[0]}: Python {p!r} ≠ browser {j!r}"
                     for c, p, j in zip(py["checks"], py["params"], js["params"], strict=True)
                     if p != j and c[0] not in params)  # fmt: skip
    return None if not lines else head + ":\n" + "\n".join(lines)


# -- the browser -------------------------------------------------------------------------------


def open_window(browser: Browser, url: str, timeout: float = PAGE_TIMEOUT) -> Page:
    """``url`` loaded in a new tab whose commands may take ``timeout`` seconds (a page's
    share of the corpus).  It was a new *window*, opened under a lock: Chromium throttled the
    timers of a tab behind another (20 × setTimeout(0) took 13 s) and the browser's socket was
    not safe between threads.  cdp.py now starts Chromium without that throttling and shares
    its sockets between threads, so a plain tab does; requests that would leave the machine
    are failed, as ever."""
    return browser.open(url, settle=0, timeout=timeout)


def add_input(page: Page, input_id: str, directory: bool) -> None:
    """An ``<input type=file>`` (a folder picker with ``directory``) appended to the page."""
    page.eval(
        "(() => { const i = document.createElement('input'); i.type = 'file'; "
        f"i.id = {json.dumps(input_id)}; i.multiple = true; "
        f"if ({json.dumps(directory)}) i.webkitdirectory = true; "
        "document.body.append(i); return true; })()"
    )


def set_files(page: Page, selector: str, paths: Sequence[Path]) -> None:
    """What a reader's file picker does, through the DevTools protocol: the input's files set
    to ``paths`` (a folder path on a webkitdirectory input gives every file under it, each
    with its ``webkitRelativePath``)."""
    sock = page._sock
    root = sock.send("DOM.getDocument", depth=0)["root"]["nodeId"]
    node = sock.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, f"no element {selector}"
    sock.send("DOM.setFileInputFiles", nodeId=node, files=[str(p) for p in paths])


def pick(page: Page, input_id: str, path: Path, tries: int = 3) -> None:
    """``path`` (a folder, or one file) set on the input and waited for: Chromium fills a
    folder picker's list after enumerating the folder, not when setFileInputFiles returns,
    and now and then not at all (one folder in some hundred): then it is set again."""
    want = file_count(path) if path.is_dir() else 1
    for attempt in range(tries):
        set_files(page, f"#{input_id}", [path])
        try:
            wait_files(page, {input_id: want}, timeout_ms=5_000)
            return
        except AssertionError:  # not filled: set it again
            if attempt == tries - 1:
                raise


def wait_files(page: Page, expected: dict[str, int], timeout_ms: int = 20_000) -> None:
    """Waits until each input (by id) holds the expected number of files."""
    counts = page.eval(
        f"""new Promise((resolve) => {{
          const want = {json.dumps(expected)}, t0 = Date.now();
          const have = () => Object.fromEntries(Object.keys(want).map(
            (id) => [id, document.getElementById(id).files.length]));
          const look = () => {{
            const h = have();
            if (Object.keys(want).every((id) => h[id] === want[id]) || Date.now() - t0 > {timeout_ms})
              resolve(h);
            else setTimeout(look, 20);
          }};
          look();
        }})"""
    )
    assert counts == expected, f"the page did not get the files set: {counts} ≠ {expected}"


def file_count(folder: Path) -> int:
    """The regular files under ``folder`` (what a folder picker lists)."""
    return sum(1 for p in folder.rglob("*") if p.is_file())


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


#: run in the page: verify each spec's source and return {id: verdict}.  A spec is
#: {id, source: "files"|"zip"|"http", input | url, keys: [base64], witnesses: [base64]}.
VERIFY_ALL_JS = """(async (specs) => {
  const raw = (s) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  const R = RandcheckVerifier, out = {};
  for (const s of specs) {
    try {
      let source;
      if (s.source === "files") source = R.sources.fromFiles(document.getElementById(s.input).files);
      else if (s.source === "zip") {
        const file = document.getElementById(s.input).files[0];
        source = await R.sources.fromZip(new Uint8Array(await file.arrayBuffer()));
      } else source = R.sources.fromHttp(new URL(s.url, location.href).href);
      const r = await R.verify(await source, { keys: s.keys.map(raw), witnessKeys: s.witnesses.map(raw) });
      out[s.id] = { status: r.status, format: r.format, task_id: r.task_id,
        record_digest: r.record_digest, verification_code: r.verification_code,
        trusted_keys: r.trusted_keys, log_seqs: r.log_seqs,
        checks: r.checks.map((c) => ({ name: c.name, status: c.status, code: c.code, params: c.params })) };
    } catch (e) {
      out[s.id] = e && typeof e.code === "string" && e instanceof R.internals.Checks.RcError
        ? { error: e.code } : { crash: String((e && e.stack) || e).slice(0, 800) };
    }
  }
  return out;
})"""


def run_specs(page: Page, specs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The browser's verdicts for ``specs`` (one round trip)."""
    res = page.eval(f"{VERIFY_ALL_JS}({json.dumps(specs)})")
    out = {}
    for sid, doc in (res or {}).items():
        out[sid] = doc if ("error" in doc or "crash" in doc) else verdict_of_report(doc)
    return out


def spec(bundle: Bundle, source: str, trusted: bool = True, **where: str) -> dict[str, Any]:
    return {
        "id": bundle.id,
        "source": source,
        "keys": [b64(bundle.office)] if trusted else [],
        "witnesses": [b64(w) for w in bundle.witnesses] if trusted else [],
        **where,
    }


def verify_folders(pages: Sequence[Page], bundles: Sequence[Bundle], trusted: bool,
                   tag: str) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Each bundle's folder picked on a webkitdirectory input and verified; the bundles are
    shared out between ``pages``, which verify in parallel (one thread each)."""
    shares: list[list[dict[str, Any]]] = []
    for n, page in enumerate(pages):
        # Chromium enumerates a folder given to setFileInputFiles only for the tab in front
        page._sock.send("Page.bringToFront")
        specs = []
        for i, b in enumerate(bundles[n :: len(pages)]):
            input_id = f"{tag}-{i}"
            add_input(page, input_id, directory=True)
            pick(page, input_id, b.path)
            specs.append(spec(b, "files", trusted, input=input_id))
        shares.append(specs)
    results: dict[str, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def work(page: Page, specs: list[dict[str, Any]]) -> None:
        try:
            results.update(run_specs(page, specs))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=ps) for ps in zip(pages, shares, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
