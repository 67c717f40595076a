"""The browser verifier against ``randcheck verify``, bundle by bundle (issue #11, "Tests").

For every bundle of the corpus (tests/browser/verifier/corpus.py: good bundles and tampered
copies), Python's report (``verify_bundle`` with the office's key and, for v2, the witnesses'
keys) and the browser's (``RandcheckVerifier.verify`` on the bundle folder picked through the
DevTools protocol, as a reader's file picker gives it) must name the same checks in the same
order, each with the same status, code and params, and agree on the report's own fields.  The same
through a dropped ``.zip``, over http (the bundle's own folder), without a trusted key
(``unverified``), and through the page's own UI (``verify.html#verify&key=…``).

The corpus is built once per session (``RANDCHECK_CORPUS=DIR`` reuses one built before in
DIR by ``python tests/browser/verifier/corpus.py DIR``, to iterate on the JavaScript); the
browser verifies it in two tabs in parallel while Python verifies it in the test's process, so
the whole module takes well under a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.cdp import Browser, Page, serve
from tests.browser.verifier import corpus as corpus_mod
from tests.browser.verifier.conftest import write_verifier
from tests.browser.verifier.conftest_corpus import (
    PAGES,
    add_input,
    b64,
    diff,
    open_window,
    pick,
    python_verdict,
    run_specs,
    spec,
    verify_folders,
)
from tests.browser.verifier.corpus import Bundle, Corpus

pytestmark = pytest.mark.browser

ALL = corpus_mod.ids()
GOOD = list(corpus_mod.GOOD)
#: checked without a trusted key too: the good bundles, and tampering that touches the keys
UNTRUSTED = [*GOOD, "forge.other-key", "flip.record", "flip.operator.pub",
             "drop.keys-operator.pub", "flip.sums.sig"]  # fmt: skip
#: (bundle, check) whose params the two verifiers word differently, the status and code
#: agreeing: {(id, check): what differs}.  Every other check's params must be equal.
PARAM_GAPS = {
    ("flip.vocabulary", "inspection.documents"): "results.bad_vocabulary's reason: Python "
    "names the field (\"terms[10]: missing exclusive; unexpected 'excmusive'\"), the "
    "browser says 'terms[10]: fields' (js/inspection.js)",
}
ZIPPED = {"demo": "DEMO-2023-001", "results": None}  # bundle → the zip's top folder (None: none)


def http_visible(bundle_id: str) -> bool:
    """Whether fromHttp can see the tampering at all: a folder cannot be listed over http, so
    an extra file (or, with SHA256SUMS gone, the list of files itself) is invisible there."""
    return not bundle_id.startswith("extra.") and bundle_id != "drop.SHA256SUMS"


#: the kinds of file the corpus must tamper with (issue #11: "each kind of file")
KINDS = ("announcement.json", "record.json", "addenda/0001.json", "roster.json",
         "inspectors.json", "population/S1.txt", "population/A.txt.gz", "log/entries/",
         ".tlog-proof", "log/checkpoint.txt", "log/tail.jsonl", "log/tail.json", "index.html",
         "results.csv", "results.xlsx", "commitment.json", "results/0001.json",
         "inspection-results.csv", "SHA256SUMS", "SHA256SUMS.sig", "bundle.json",
         "keys/operator.pub")  # fmt: skip


# -- the corpus, served and opened -------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The corpus, built once per session (about 10 s), or reused from $RANDCHECK_CORPUS."""
    reuse = os.environ.get("RANDCHECK_CORPUS")
    if reuse:
        root = Path(reuse)
        if (root / corpus_mod.MANIFEST).is_file():
            return corpus_mod.load(root)
        return corpus_mod.build(root)
    return corpus_mod.build(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def corpus_base(corpus: Corpus) -> Iterator[str]:
    """The corpus root served over http: the verifier page at ``page/verify.html``, the
    bundles at ``b/<id>/``.  Yields the base URL (with its trailing slash)."""
    write_verifier(corpus.root / "page")
    with serve(corpus.root) as base:
        yield base


@pytest.fixture(scope="session")
def corpus_pages(browser: Browser, corpus_base: str) -> Iterator[list[Page]]:
    """``PAGES`` windows that loaded the verifier page over http, for the whole session."""
    with contextlib.ExitStack() as stack:
        pages = []
        for _ in range(PAGES):
            page = stack.enter_context(open_window(browser, f"{corpus_base}page/verify.html"))
            assert page.eval("typeof RandcheckVerifier") == "object", page.console_errors
            pages.append(page)
        yield pages


# -- the verdicts, computed once -------------------------------------------------------------


def _both(corpus: Corpus, pages: list[Page], bundles: list[Bundle], trusted: bool,
          tag: str) -> dict[str, dict[str, Any]]:  # fmt: skip
    """{"py": {id: verdict}, "js": {id: verdict}}: the browser works in its own processes
    while Python verifies here."""
    box: dict[str, Any] = {}

    def browser_side() -> None:
        try:
            box["js"] = verify_folders(pages, bundles, trusted, tag)
        except BaseException as exc:
            box["exc"] = exc

    t = threading.Thread(target=browser_side)
    t.start()
    py = {b.id: python_verdict(b, trusted) for b in bundles}
    t.join()
    if "exc" in box:
        raise box["exc"]
    return {"py": py, "js": box["js"]}


@pytest.fixture(scope="module")
def trusted(corpus: Corpus, corpus_pages: list[Page]) -> dict[str, dict[str, Any]]:
    return _both(corpus, corpus_pages, corpus.bundles, True, "trusted")


@pytest.fixture(scope="module")
def untrusted(corpus: Corpus, corpus_pages: list[Page]) -> dict[str, dict[str, Any]]:
    return _both(corpus, corpus_pages, [corpus.get(i) for i in UNTRUSTED], False, "untrusted")


def _check(bundle: Bundle, verdicts: dict[str, dict[str, Any]], how: str) -> None:
    js = verdicts["js"].get(bundle.id, {"crash": "no verdict from the page"})
    gaps = {check for (bid, check) in PARAM_GAPS if bid == bundle.id}
    problem = diff(bundle, verdicts["py"][bundle.id], js, how, params=gaps)
    assert problem is None, problem


def test_the_known_param_gaps_are_still_there(trusted: dict[str, dict[str, Any]]) -> None:
    """Each entry of PARAM_GAPS still differs (take it out once both sides agree)."""
    for (bid, check), why in PARAM_GAPS.items():
        py, js = trusted["py"][bid], trusted["js"][bid]
        p = dict(zip((c[0] for c in py["checks"]), py["params"], strict=True))[check]
        j = dict(zip((c[0] for c in js["checks"]), js["params"], strict=True))[check]
        assert p != j, f"{bid}: {check} now agrees ({why}): take it out of PARAM_GAPS"


# -- the corpus itself --------------------------------------------------------------------------


def test_the_corpus_is_what_the_issue_asks(corpus: Corpus) -> None:
    """Good bundles of each sort, ≥ 30 tampered ones, every kind of file touched, ids as
    listed before the build (the tests below are named after them)."""
    assert [b.id for b in corpus.bundles] == ALL
    assert len(corpus.tampered) >= 30
    for b in corpus.tampered:
        assert b.description and b.base in GOOD, b
    described = " ".join(b.description for b in corpus.tampered)
    missing = [k for k in KINDS if k not in described]
    assert not missing, f"no tampering of {missing}"
    for how in ("flip.", "forge.", "drop.", "extra.", "swap.population", "truncate.tail"):
        assert any(b.id.startswith(how) for b in corpus.tampered), how
    assert (corpus.get("large").path / "population" / "A.txt.gz").is_file()
    assert (corpus.get("demo").path / "commitment.json").is_file()
    assert list((corpus.get("addenda").path / "addenda").iterdir())
    assert list((corpus.get("results").path / "results").glob("0002.json"))


def test_python_passes_the_good_and_fails_the_tampered(
    corpus: Corpus, trusted: dict[str, dict[str, Any]]
) -> None:
    """The corpus is honest: ``randcheck verify`` passes every good bundle and refuses every
    tampered one (a tampering it missed would compare two passes and prove nothing)."""
    py = trusted["py"]
    for b in corpus.good:
        assert py[b.id].get("status") == "ok", (b.id, py[b.id])
    crashed = {b.id: py[b.id]["crash"] for b in corpus.tampered if "crash" in py[b.id]}
    assert not crashed, f"randcheck verify raised instead of reporting: {crashed}"
    passed = [b.id for b in corpus.tampered if py[b.id].get("status") not in ("fail", None)]
    assert not passed, f"randcheck verify did not refuse {passed}"


# -- parity --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bundle_id", ALL)
def test_a_picked_folder_gives_pythons_verdict(
    bundle_id: str, corpus: Corpus, trusted: dict[str, dict[str, Any]]
) -> None:
    _check(corpus.get(bundle_id), trusted, "a picked folder (fromFiles), trusted keys")


@pytest.mark.parametrize("bundle_id", UNTRUSTED)
def test_without_a_trusted_key(
    bundle_id: str, corpus: Corpus, untrusted: dict[str, dict[str, Any]]
) -> None:
    """No key from an independent channel: the content is still checked against the
    bundle's own key and the signer checks are ``unverified`` in both."""
    bundle = corpus.get(bundle_id)
    if bundle.good:
        assert untrusted["py"][bundle_id]["status"] == "unverified", untrusted["py"][bundle_id]
    _check(bundle, untrusted, "a picked folder (fromFiles), no trusted key")


@pytest.mark.parametrize("bundle_id", sorted(ZIPPED))
def test_a_dropped_zip(
    bundle_id: str, corpus: Corpus, corpus_pages: list[Page],
    trusted: dict[str, dict[str, Any]], tmp_path: Path,
) -> None:  # fmt: skip
    """The bundle zipped (with or without a top folder) and dropped on the page (fromZip)."""
    bundle = corpus.get(bundle_id)
    top = ZIPPED[bundle_id]
    path = corpus_mod.zip_bundle(bundle.path, tmp_path / f"{top or bundle_id}.zip", top)
    page = corpus_pages[0]
    page._sock.send("Page.bringToFront")
    add_input(page, f"zip-{bundle_id}", directory=False)
    pick(page, f"zip-{bundle_id}", path)
    js = run_specs(page, [spec(bundle, "zip", input=f"zip-{bundle_id}")])
    how = f"a dropped .zip ({'top folder ' + top if top else 'no top folder'})"
    _check(bundle, {"py": trusted["py"], "js": js}, how)


@pytest.mark.parametrize("bundle_id", GOOD)
def test_over_http(
    bundle_id: str, corpus: Corpus, corpus_pages: list[Page], trusted: dict[str, dict[str, Any]]
) -> None:
    """The bundle's own folder over http (fromHttp): what verify.html does on a web site."""
    bundle = corpus.get(bundle_id)
    js = run_specs(corpus_pages[1], [spec(bundle, "http", url=f"../b/{bundle_id}/")])
    _check(bundle, {"py": trusted["py"], "js": js}, "http (fromHttp)")


# -- the page's own UI ---------------------------------------------------------------------------

#: the page's outcome for Python's report status
UI_STATUS = {"ok": "pass", "fail": "fail", "unverified": "incomplete"}
#: through the page's own UI: the good bundles and one tampering of each sort (each page
#: loads the whole script and verifies over http, about 2 s: the folder test above covers the
#: rest of the corpus with the same code; the UI's part is to report what it returns)
UI_IDS = [*GOOD, "flip.announcement", "flip.record", "flip.population", "edit.population.gz",
          "flip.checkpoint", "flip.index", "flip.results.csv", "flip.commitment", "flip.sums.sig",
          "forge.other-key", "forge.office-key", "drop.population-S2.txt", "drop.log-tail.jsonl",
          "swap.population", "truncate.tail.line"]  # fmt: skip

READ_UI_JS = """new Promise((resolve) => {
  const t0 = Date.now();
  const look = () => {
    const el = document.getElementById("verify-status");
    const st = el && el.getAttribute("data-verify-status");
    if (["pass", "fail", "incomplete"].includes(st)) {
      resolve({ status: st, checks: Array.from(document.querySelectorAll("[data-check]"),
        (e) => [e.getAttribute("data-check"), e.getAttribute("data-status"), e.getAttribute("data-code")]) });
    } else if (Date.now() - t0 > %d) resolve({ status: st || null, checks: [], timeout: true });
    else setTimeout(look, 50);
  };
  look();
})"""


def ui_url(base: str, bundle: Bundle) -> str:
    frag = "#verify&key=" + quote(b64(bundle.office), safe="")
    frag += "".join("&witness=" + quote(b64(w), safe="") for w in bundle.witnesses)
    return f"{base}b/{bundle.id}/verify.html{frag}"


@pytest.fixture(scope="module")
def ui(corpus: Corpus, browser: Browser, corpus_base: str) -> dict[str, dict[str, Any]]:
    """The page's own outcome for each bundle that carries verify.html (two windows at a
    time)."""
    bundles = [corpus.get(i) for i in UI_IDS if (corpus.get(i).path / "verify.html").is_file()]
    out: dict[str, dict[str, Any]] = {}

    def work(share: list[Bundle]) -> None:
        for b in share:
            try:
                with open_window(browser, ui_url(corpus_base, b)) as page:
                    out[b.id] = page.eval(READ_UI_JS % 120_000)
                    out[b.id]["console_errors"] = page.console_errors
            except Exception as exc:
                out[b.id] = {"crash": repr(exc)}

    threads = [threading.Thread(target=work, args=(bundles[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.parametrize("bundle_id", UI_IDS)
def test_the_page_reports_pythons_verdict(
    bundle_id: str, corpus: Corpus, ui: dict[str, dict[str, Any]],
    trusted: dict[str, dict[str, Any]],
) -> None:  # fmt: skip
    """``verify.html#verify&key=<K>`` over http: ``#verify-status[data-verify-status]`` and
    one ``[data-check][data-status]`` per check, as Python reports them."""
    bundle = corpus.get(bundle_id)
    base = corpus.get(bundle.base) if bundle.base else bundle
    assert (base.path / "verify.html").is_file(), "publish writes verify.html (format v4)"
    got = ui.get(bundle_id, {"crash": "verify.html was deleted by the tampering"})
    py = trusted["py"][bundle_id]
    assert "crash" not in got and not got.get("timeout"), (bundle_id, got)
    want = [[n, s] for n, s, _c in py["checks"]]
    have = [[n, s] for n, s, _c in got["checks"]]
    assert (got["status"], have) == (UI_STATUS[py["status"]], want), diff(
        bundle, py, {**py, "status": got["status"], "checks": got["checks"]}, "the page's UI"
    )


# -- the CLI and the service agree ---------------------------------------------------------------


@pytest.mark.parametrize("bundle_id", ["demo", "addenda", "flip.record", "drop.log-tail.json"])
def test_the_cli_json_agrees_with_the_service(
    bundle_id: str, corpus: Corpus, trusted: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """``randcheck verify --json`` (what the issue names) and ``verify_bundle`` (what the
    other tests call) give the same checks, status and exit code."""
    from typer.testing import CliRunner

    from randcheck.cli import app
    from randcheck.services import keys as keys_svc
    from randcheck.workspace import Workspace

    bundle = corpus.get(bundle_id)
    nowhere = Workspace(tmp_path / "no-workspace")
    args = ["verify", str(bundle.path), "--json"]
    for name, raw, opt in [("office", bundle.office, "--trusted-keys"),
                           *((f"w{i}", w, "--witness-keys") for i, w in enumerate(bundle.witnesses))]:  # fmt: skip
        path = tmp_path / f"{name}.pub"
        path.write_text(keys_svc.export_for(nowhere, name, raw), "utf-8")
        args += [opt, str(path)]
    env = {"RANDCHECK_HOME": str(nowhere.root), "RANDCHECK_LANG": "en", "COLUMNS": "200"}
    res = CliRunner().invoke(app, args, env=env)
    doc = json.loads(res.stdout)
    py = trusted["py"][bundle_id]
    assert [[c["name"], c["status"], c["code"]] for c in doc["checks"]] == py["checks"]
    assert doc["status"] == py["status"]
    assert res.exit_code == (0 if py["status"] == "ok" else 1), res.output[-2000:]
