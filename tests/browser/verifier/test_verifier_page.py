"""The verifier's page (verify.html, and the standalone page of ``randcheck verifier-page``) as
a reader's browser shows it: picking the bundle folder through the DevTools protocol
(``DOM.setFileInputFiles`` takes the folder's path on a ``webkitdirectory`` input: Chromium
fills ``webkitRelativePath``), picking or dropping its .zip, ``#verify&key=`` over http, the
language switch, the checks' titles and reasons as ``randcheck verify`` words them, the
per-entity answer, progress, no sideways scrolling at 390 px, no request leaving the page's
folder, no console error.

The end-to-end tests assert (``_full``) that the whole verifier is in the script before they
read an outcome: a missing part fails them, never skips them.
"""

from __future__ import annotations

import base64
import json
import shutil
import string
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from randcheck import verifier
from randcheck.catalog import MESSAGES, render
from randcheck.cli import verify as cli_verify
from randcheck.core import signing
from randcheck.core.checks import Check
from tests.browser.cdp import (
    Browser,
    Page,
    assert_no_external_requests,
    assert_no_overflow,
    serve,
)
from tests.browser.verifier.conftest import write_verifier

pytestmark = pytest.mark.browser

PASSPHRASE = b"correct horse battery staple"
DONE = ("pass", "fail", "incomplete")
#: what js/verify.js calls: the page's end-to-end outcome needs all of it
FULL = " && ".join(
    f"typeof V.{ns}.{fn} === 'function'"
    for ns, fn in [
        ("Keys", "parseTrusted"), ("Keys", "parsePublicText"), ("Files", "format_check"),
        ("Files", "files_check"), ("Documents", "documents"), ("Documents", "entity"),
        ("Replay", "replay"), ("Ordering", "checks"), ("Log", "open"), ("Complete", "checks"),
        ("Tables", "expected"), ("Page", "page_check"), ("Inspection", "checks"),
        ("Zip", "open"),
    ]
)  # fmt: skip


class _App:
    """What cli/verify.py's what/reason/_entity_lines need of the CLI's context."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def t(self, key: str, **params: Any) -> str:
        return render(key, self.lang, **params)


def _v(page: Page, expr: str) -> Any:
    return page.eval(
        f"(async () => {{ const V = RandcheckVerifier.internals; return await ({expr}); }})()"
    )


def _status(page: Page) -> str:
    return str(page.eval("document.getElementById('verify-status').dataset.verifyStatus"))


def _wait(page: Page, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(page)
        if status in DONE:
            return status
        time.sleep(0.05)
    raise AssertionError(f"no outcome after {timeout}s: {_status(page)!r}, {page.console_errors}")


def _checks(page: Page) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = page.eval(
        "[...document.querySelectorAll('[data-check]')].map(e => ({name: e.dataset.check,"
        " status: e.dataset.status, code: e.dataset.code}))"
    )
    return rows


def _set_files(page: Page, selector: str, paths: list[Path]) -> None:
    sock = page._sock
    root = sock.send("DOM.getDocument")["root"]["nodeId"]
    node = sock.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    sock.send("DOM.setFileInputFiles", nodeId=node, files=[str(p) for p in paths])


def _full(page: Page) -> bool:
    """The whole verifier is in the page (every namespace js/verify.js calls): asserted, never
    a reason to skip."""
    assert _v(page, FULL), "js/verify.js's parts are missing from the script"
    return True


def _need_full(page: Page) -> None:
    _full(page)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """verify.html + verify.js (a bundle's copy) served over http, with no bundle beside them."""
    folder = tmp_path_factory.mktemp("verifier-page")
    write_verifier(folder)
    with serve(folder) as base:
        yield base


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("standalone") / "verify.html"
    path.write_text(verifier.page(standalone=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A demo bundle (v2 draw, results published) and the office's raw public key."""
    from randcheck.services.demo import run_demo
    from randcheck.services.keys import parse_public_text

    result = run_demo(tmp_path_factory.mktemp("vp") / "demo", PASSPHRASE, entities=1500,
                      inspectors=30)  # fmt: skip
    assert result.verified, result.failed_check
    raw, _name = parse_public_text(
        (result.bundle / "keys" / "operator.pub").read_text(encoding="utf-8"), "operator.pub"
    )
    WITNESSES[result.bundle.name] = [
        _b64url(parse_public_text(p.read_text(encoding="utf-8"), p.name)[0])
        for p in result.witness_keys
    ]
    return result.bundle, raw


#: the demo's witnesses' own keys (base64url), by bundle folder name: a v2 draw passes only
#: once they are given too (without them, commitment.witnesses and .anchor are unconfirmed)
WITNESSES: dict[str, list[str]] = {}


def _witness_hash(bundle: Path) -> str:
    return "".join(f"&witness={k}" for k in WITNESSES[bundle.name])


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# -- the page itself --------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
def test_page_loads_clean(browser: Browser, site: str, width: int, screenshots: Path) -> None:
    with browser.open(f"{site}verify.html", width=width) as page:
        assert page.eval("document.documentElement.lang") == "zh-CN"
        assert (
            page.eval("document.querySelector('h1').textContent")
            == MESSAGES["webverify.title"]["zh"]
        )
        assert _status(page) == ""
        assert page.eval("document.getElementById('rc-http').hidden") is False
        assert page.eval("document.getElementById('rc-folder').webkitdirectory") is True
        page.screenshot(screenshots / f"verifier-empty-{width}.png")
        assert_no_overflow(page)
        assert_no_external_requests(page, [site])
        assert page.console_errors == []
        # deterministic: no date, no random id in the page's markup or its words
        for source in ("uitext.js", "ui.js"):
            assert "Date" not in _source_of(source), source
        assert "Math.random" not in verifier.script()


def test_no_inline_handlers_or_external_resources() -> None:
    html = verifier.page(standalone=True)
    lowered = html.lower()
    for attr in ("onclick=", "onload=", "onerror=", "onchange=", "ondrop="):
        assert attr not in lowered.replace("/* ---- ", "")
    assert '<link rel="icon" href="data:,">' in html  # no favicon request either
    assert (
        "<link" not in lowered.replace('<link rel="icon" href="data:,">', "")
        and "http://" not in verifier.page()
        and "https://" not in verifier.page()
    )
    assert verifier.page(standalone=True) == html  # the same bytes every time


def test_language_switch_relabels_everything(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        zh = page.eval(
            "[...document.querySelectorAll('[data-t]')].map(e => [e.dataset.t, e.textContent])"
        )
        assert zh and all(text == MESSAGES[key]["zh"] for key, text in zh)
        page.eval("document.getElementById('rc-lang').click()")
        assert page.eval("document.documentElement.lang") == "en"
        en = page.eval(
            "[...document.querySelectorAll('[data-t]')].map(e => [e.dataset.t, e.textContent])"
        )
        assert [k for k, _ in en] == [k for k, _ in zh]
        assert all(text == MESSAGES[key]["en"] for key, text in en)
        assert page.eval("document.title").startswith(MESSAGES["webverify.title"]["en"])
        page.eval("document.getElementById('rc-lang').click()")
        assert page.eval("document.documentElement.lang") == "zh-CN"
        assert page.console_errors == []
    with browser.open(f"{site}verify.html#lang=en") as page:
        assert (
            page.eval("document.querySelector('h1').textContent")
            == MESSAGES["webverify.title"]["en"]
        )


def _source_of(name: str) -> str:
    """One source file's part of the joined script."""
    part = verifier.script().split(f"/* ---- {name} ---- */\n")[1]
    return part.split("\n/* ---- ")[0]


def _sample(template_keys: set[str]) -> dict[str, Any]:
    values: list[Any] = ["甲'乙", 12345, "a\nb", 0, "T-1"]
    return {k: values[i % len(values)] for i, k in enumerate(sorted(template_keys))}


def test_every_message_renders_as_python(browser: Browser, site: str) -> None:
    catalog = verifier.catalog()
    cases = []
    for key, texts in catalog.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(texts["zh"] + texts["en"]) if f}
        cases.append((key, _sample({f.split("!")[0].split(":")[0] for f in fields})))
    cases.append(("verify.no_such_message", {"b": 1, "a": [1, "x"]}))
    cases.append(("verify.entity.malformed", {"code": "X"}))  # a missing name: the template
    with browser.open(f"{site}verify.html") as page:
        for lang in ("zh", "en"):
            got = _v(
                page,
                f"(V.Uitext.setLang('{lang}'), {json.dumps(cases)}.map(([k, p]) => V.Uitext.t(k, p)))",
            )
            want = [render(k, lang, **p) for k, p in cases]
            assert got == want
        nested = {"reason_key": "verify.not_bundle", "reason_params": {"path": "P"}}
        assert _v(page, f"V.Uitext.t('webverify.status.error', {json.dumps(nested)})") == render(
            "webverify.status.error", "en", **nested
        )
        assert _v(
            page,
            "V.Uitext.pyFormat('{a:>8,}|{b:.2f}|{c!r}|{{x}}', {a: 12345, b: 2.5, c: \"it's\"})",
        ) == ("{a:>8,}|{b:.2f}|{c!r}|{{x}}".format(a=12345, b=2.5, c="it's"))


def _report(checks: list[Check], **extra: Any) -> dict[str, Any]:
    from randcheck.core.checks import Report

    doc = Report(tuple(checks)).to_json()
    doc.update({"format": "randcheck/bundle/v3", "task_id": "T-2024-001", "record_digest": "ab" * 32,
                "verification_code": "ABAB-ABAB-ABAB", "trusted_keys": [], "log_seqs": {},
                "entity": None})  # fmt: skip
    doc.update(extra)
    return doc


LONG_CHECKS = [
    Check.passed("trust", "verify.trust_ok", count=1, keys="0123456789abcdef"),
    Check.passed("format"),
    Check.warning("results", "verify.results_none") if "verify.results_none" in MESSAGES
    else Check.passed("results"),
    Check.not_verified("record.signature", "verify.own_key_only", key_id="f" * 16),
    Check.failed("population.层A" + "长" * 60, "verify.file_too_big",
                 file="population/" + "%E9%95%BF" * 40 + ".txt", size=10**9, limit=65),
    Check.failed("log.record", "verify.proof_bad", seq=12, reason_code="verify.missing_file"),
    Check.failed("files", "verify.missing_file", file="a" * 200),
]  # fmt: skip


def test_report_shows_every_check_as_the_cli_words_it(
    browser: Browser, site: str, screenshots: Path
) -> None:
    report = _report(LONG_CHECKS)
    for width in (1280, 390):
        with browser.open(f"{site}verify.html", width=width) as page:
            _v(page, f"V.Ui.show({json.dumps(report)})")
            assert _status(page) == "fail"
            assert _checks(page) == [{"name": c.name, "status": c.status, "code": c.code}
                                     for c in LONG_CHECKS]  # fmt: skip
            for lang in ("zh", "en"):
                _v(page, f"V.Ui.setLang('{lang}')")
                app = _App(lang)
                shown = page.eval(
                    "[...document.querySelectorAll('[data-check]')].map(e => [e.querySelector('.rc-what')"
                    ".textContent, e.querySelector('.rc-reason').textContent])"
                )
                want = [[cli_verify.what(app, c.name), cli_verify.reason(app, c)]  # type: ignore[arg-type]
                        for c in LONG_CHECKS]  # fmt: skip
                assert shown == want
                first = next(c for c in LONG_CHECKS if c.status == "fail")
                assert page.eval("document.getElementById('rc-summary').textContent") == render(
                    "webverify.status.fail", lang, count=3, check=first.name,
                    what=cli_verify.what(app, first.name),  # type: ignore[arg-type]
                    reason=cli_verify.reason(app, first),  # type: ignore[arg-type]
                )  # fmt: skip
            page.measure()
            page.screenshot(screenshots / f"verifier-report-{width}.png")
            assert_no_overflow(page)
            assert page.console_errors == []


def test_outcome_pass_and_incomplete(browser: Browser, site: str) -> None:
    ok = [Check.passed("trust", "verify.trust_ok", count=1, keys="0123"), Check.passed("format")]
    own = [Check.not_verified("trust", "verify.untrusted_own_key", key_id="0123456789abcdef"),
           Check.passed("format"), Check.not_verified("files.signature", "verify.own_key_only",
                                                      key_id="0123456789abcdef")]  # fmt: skip
    with browser.open(f"{site}verify.html") as page:
        _v(page, f"V.Ui.show({json.dumps(_report(ok, trusted_keys=['ab' * 32]))})")
        assert _status(page) == "pass"
        _v(page, f"V.Ui.show({json.dumps(_report(own))})")
        assert _status(page) == "incomplete"
        summary = page.eval("document.getElementById('rc-summary').textContent")
        assert summary == render("webverify.status.no_key", "zh", passed=1, count=2,
                                 checks="trust, files.signature", key_id="0123456789abcdef",
                                 code="ABAB-ABAB-ABAB")  # fmt: skip
        # the trust check's reason speaks of this page, not of --trusted-keys
        reason = page.eval("document.querySelector('[data-check=trust] .rc-reason').textContent")
        assert "--trusted-keys" not in reason and "0123456789abcdef" in reason


ENTITIES: list[dict[str, Any]] = [
    {"code": "91110000MA01ABCD1X", "in_pool": True, "stratum": "A", "count": 120, "chunk_index": 3,
     "ticket": "ab" * 32, "cutoff": "0f" * 32, "last_drawn": "91110000MA01ABCD2Y", "drawn": False,
     "reserve_rank": 2, "replaced_by_addendum": None, "brought_in_by_addendum": 1},
    {"code": "91110000MA01ABCD1X", "in_pool": True, "stratum": "B", "count": 5, "chunk_index": 0,
     "ticket": "00" * 32, "cutoff": None, "last_drawn": None, "drawn": True, "reserve_rank": None,
     "replaced_by_addendum": 3, "brought_in_by_addendum": None,
     "warnings": [{"code": "uscc.lowercase" if "uscc.lowercase" in MESSAGES else "verify.pass",
                   "params": {}}]},
    {"code": "91110000MA01ABCD1X", "in_pool": False, "reason_code": "proto.not_in_pool", "pool": 7,
     "exclusions": {"custom_reason": 2, "zero": 0}},
    {"code": "91110000MA01ABCD1X", "in_pool": False, "reason_code": "x", "pool": 7, "exclusions": {}},
    {"code": "91110000MA01ABCD1X", "in_pool": False, "reason_code": "x"},
    {"code": "9111", "in_pool": False, "reason_code": "x",
     "malformed": {"code": "uscc.bad_char", "params": {"char": "I"}}},
]  # fmt: skip


def test_entity_lines_equal_the_cli(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        for lang in ("zh", "en"):
            got = _v(
                page,
                f"(V.Uitext.setLang('{lang}'), {json.dumps(ENTITIES)}.map(V.Uitext.entityLines))",
            )
            app = _App(lang)
            assert got == [cli_verify._entity_lines(app, e) for e in ENTITIES]  # type: ignore[arg-type]
        if any("publish.excl.".startswith(p) for p in verifier.CATALOG_PREFIXES):
            ent = {**ENTITIES[2], "exclusions": {"recent": 3}}
            got = _v(page, f"V.Uitext.entityLines({json.dumps(ent)})")
            assert got == cli_verify._entity_lines(_App("en"), ent)  # type: ignore[arg-type]
        # the box: shown under the outcome, in the page's language
        _v(page, f"V.Ui.show({json.dumps(_report([Check.passed('trust')], entity=ENTITIES[0]))})")
        lines = page.eval(
            "[...document.querySelectorAll('#rc-entity-out li')].map(e => e.textContent)"
        )
        assert lines == cli_verify._entity_lines(_App("en"), ENTITIES[0])  # type: ignore[arg-type]
        assert page.eval("document.querySelector('#rc-entity-out ul').dataset.inPool") == "true"


def test_hash_parameters(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        got = _v(
            page,
            "V.Ui.parseHash('#verify&key=ab+c/d==&witness=w1&witness=w%2B2&entity=911&lang=en')",
        )
        assert got == {"verify": True, "keys": ["ab+c/d=="], "witnesses": ["w1", "w+2"],
                       "entity": "911", "lang": "en"}  # fmt: skip
        assert _v(page, "V.Ui.parseHash('')")["verify"] is False


def test_key_from_the_address_is_shown_by_id_never_the_bundle_s(
    browser: Browser, site: str
) -> None:
    raw = bytes(range(32))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = signing.public_raw(Ed25519PrivateKey.from_private_bytes(raw))
    with browser.open(f"{site}verify.html#key={_b64url(raw)}") as page:
        ids = page.eval(
            "[...document.querySelectorAll('#rc-key-info [data-key-id]')].map(e => e.dataset.keyId)"
        )
        assert ids == [signing.key_id(raw)]
        assert _status(page) == ""  # no #verify: nothing runs by itself
    with browser.open(f"{site}verify.html#key=not-a-key") as page:
        assert page.eval("document.querySelectorAll('#rc-key-info .rc-bad').length") == 1
        assert page.console_errors == []


def test_progress_is_shown_while_running(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        page.eval(
            """(() => { const V = RandcheckVerifier.internals;
            V.Ui.choose({ name: "slow", read: async () => new Uint8Array(0),
              list: () => new Promise((r) => { window.__go = () => r(new Map()); }) }); })()"""
        )
        deadline = time.monotonic() + 10
        while _status(page) != "running" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _status(page) == "running"
        assert page.eval("document.getElementById('rc-progress').hidden") is False
        page.eval("RandcheckVerifier.internals.Checks.progress('population', 500, 1000)")
        assert page.eval("document.getElementById('rc-progress-bar').value") == 500
        text = page.eval("document.getElementById('rc-progress-text').textContent")
        assert text == render("webverify.progress", "zh", label="population", done=500, total=1000)
        page.eval("window.__go()")
        assert _wait(page) == "fail"  # an empty folder: not a bundle
        assert (
            page.eval("document.getElementById('verify-status').dataset.errorCode")
            == "verify.not_bundle"
        )
        assert page.eval("document.getElementById('rc-progress').hidden") is True
        assert page.console_errors == []


# -- picking, dropping, http: the page's part, then end to end once the verifier is whole -----


def test_pick_folder_from_the_standalone_page(
    browser: Browser, standalone: Path, demo: tuple[Path, bytes], screenshots: Path
) -> None:
    bundle, raw = demo
    with browser.open(standalone.as_uri(), width=390) as page:
        assert page.eval("document.getElementById('rc-http').hidden") is True
        _set_files(page, "#rc-folder", [bundle])
        status = _wait(page)
        assert page.eval("document.getElementById('rc-chosen').textContent") == render(
            "webverify.source.chosen", "zh", name=bundle.name
        )
        full = _full(page)
        if full:
            assert status == "incomplete"  # no key given: signer unconfirmed
            rows = _checks(page)
            assert rows[0] == {
                "name": "trust",
                "status": "unverified",
                "code": "verify.untrusted_own_key",
            }
            assert page.eval("document.getElementById('rc-own-key').textContent") == render(
                "webverify.key.bundle_id", "zh", key_id=signing.key_id(raw)
            )
            page.eval(f"document.getElementById('rc-key').value = {json.dumps(_b64url(raw))};"
                      "document.getElementById('rc-key').dispatchEvent(new Event('input'))")  # fmt: skip
            assert page.eval("document.querySelectorAll('#rc-key-info .rc-same').length") == 1
            page.eval("document.getElementById('rc-run').click()")
            time.sleep(0.05)
            # the office key alone: the witnesses of this v2 draw are still unconfirmed
            assert _wait(page) == "incomplete", _checks(page)
            assert [r["name"] for r in _checks(page) if r["status"] == "unverified"] == [
                "commitment.witnesses", "commitment.anchor"]  # fmt: skip
            witnesses = json.dumps("\n".join(WITNESSES[bundle.name]))
            page.eval(f"document.getElementById('rc-witness').value = {witnesses};"
                      "document.getElementById('rc-witness').dispatchEvent(new Event('input'))")  # fmt: skip
            page.eval("document.getElementById('rc-run').click()")
            time.sleep(0.05)
            assert _wait(page) == "pass", _checks(page)
            assert all(r["status"] in ("ok", "warn") for r in _checks(page))
        page.measure()
        page.screenshot(screenshots / "verifier-folder-390.png")
        assert_no_overflow(page)
        assert [u for u in page.requests if not u.startswith("file:")] == []
        assert page.console_errors == []


def _zip_of(bundle: Path, out: Path, top: str | None) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(bundle.rglob("*")):
            if p.is_file():
                rel = p.relative_to(bundle).as_posix()
                z.write(p, f"{top}/{rel}" if top else rel)
    return out


def test_pick_and_drop_a_zip(
    browser: Browser, site: str, demo: tuple[Path, bytes], tmp_path: Path
) -> None:
    bundle, raw = demo
    archive = _zip_of(bundle, tmp_path / "bundle.zip", top=bundle.name)
    with browser.open(f"{site}verify.html#key={_b64url(raw)}{_witness_hash(bundle)}") as page:
        _set_files(page, "#rc-zip", [archive])
        status = _wait(page)
        assert page.eval("document.getElementById('rc-chosen').textContent") == render(
            "webverify.source.chosen", "zh", name="bundle.zip"
        )
        if _full(page):
            assert status == "pass", _checks(page)
    # dropped on the page: the same
    data = base64.b64encode(archive.read_bytes()).decode()
    with browser.open(f"{site}verify.html#key={_b64url(raw)}{_witness_hash(bundle)}") as page:
        page.eval(
            f"""(() => {{ const bin = atob("{data}"); const u = new Uint8Array(bin.length);
            for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
            const dt = new DataTransfer(); dt.items.add(new File([u], "dropped.zip"));
            document.getElementById('rc-drop').dispatchEvent(new DragEvent('drop', {{dataTransfer: dt, bubbles: true, cancelable: true}})); }})()"""
        )
        status = _wait(page)
        assert page.eval("document.getElementById('rc-chosen').textContent") == render(
            "webverify.source.chosen", "zh", name="dropped.zip"
        )
        if _full(page):
            assert status == "pass", _checks(page)
        assert page.console_errors == []


@pytest.fixture
def served_bundle(demo: tuple[Path, bytes], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The demo bundle served over http with its verify.html (a v4 bundle carries its own; an
    older one gets the current page written beside it, which its files check then names)."""
    bundle, _raw = demo
    copy = tmp_path / bundle.name
    shutil.copytree(bundle, copy)
    if not (copy / "verify.html").exists():
        write_verifier(copy)
    with serve(tmp_path) as base:
        yield f"{base}{bundle.name}/", copy


def test_http_verify_on_load(browser: Browser, served_bundle: tuple[str, Path],
                             demo: tuple[Path, bytes], screenshots: Path) -> None:  # fmt: skip
    base, _copy = served_bundle
    _bundle, raw = demo
    own = (demo[0] / "verify.html").exists()  # the bundle carries the page (format v4)
    key = f"key={_b64url(raw)}{_witness_hash(demo[0])}"
    with browser.open(f"{base}verify.html#verify&{key}", width=390) as page:
        status = _wait(page)
        assert page.eval("document.getElementById('rc-http-note').textContent") == render(
            "webverify.source.http", "zh", url=base
        )
        if _full(page) and own:
            assert status == "pass", _checks(page)
            names = [r["name"] for r in _checks(page)]
            assert names[:2] == ["trust", "format"] and "files" in names
        page.measure()
        page.screenshot(screenshots / "verifier-http-390.png")
        assert_no_overflow(page)
        assert_no_external_requests(page, [base])
        assert page.console_errors == []
    with browser.open(f"{base}verify.html#verify") as page:  # no key: incomplete at best
        status = _wait(page)
        if _full(page) and own:
            assert status == "incomplete"


def test_http_tampered_bundle_fails(browser: Browser, served_bundle: tuple[str, Path],
                                    demo: tuple[Path, bytes]) -> None:  # fmt: skip
    base, copy = served_bundle
    assert (demo[0] / "verify.html").exists()  # a bundle carries its page (format v4)
    pop = sorted((copy / "population").iterdir())[0]
    data = bytearray(pop.read_bytes())
    data[-2] ^= 1
    pop.write_bytes(bytes(data))
    with browser.open(f"{base}verify.html#verify&key={_b64url(demo[1])}") as page:
        status = _wait(page)
        _full(page)
        assert status == "fail"
        failing = [r["name"] for r in _checks(page) if r["status"] == "fail"]
        assert "files" in failing


# -- the messages the scripts name, the trust wording, stale outcomes ---------------------------

#: quoted strings of js/*.js that start like a catalog code but are not one: check names, the
#: layout's file names and prefixes that a code is built from
NOT_CODES = {
    "commitment.anchor", "commitment.binding", "commitment.envelope", "commitment.round",
    "commitment.signature", "commitment.witnesses", "log.", "log.announcement",
    "log.checkpoint", "log.commitment", "log.complete", "log.consistency", "log.entries",
    "log.order", "log.record", "results.", "results.published", "verify.what.",
    "commitment.json", "commitment.tsr", "results.csv", "results.xlsx", "verify.html",
    "verify.js",
}  # fmt: skip


def _quoted_codes() -> dict[str, set[str]]:
    """Every quoted string in js/*.js that starts with a catalog prefix: {text: {file, …}}."""
    import re
    from importlib import resources

    prefixes = "|".join(re.escape(p) for p in verifier.CATALOG_PREFIXES)
    quoted = re.compile(rf"""(["'`])((?:{prefixes})[A-Za-z0-9_.\-]*)\1""")
    found: dict[str, set[str]] = {}
    for source in verifier.SOURCES:
        text = resources.files(verifier).joinpath("js", source).read_text(encoding="utf-8")
        for m in quoted.finditer(text):
            found.setdefault(m.group(2), set()).add(source)
    return found


def test_every_code_the_scripts_name_is_in_the_catalog() -> None:
    """A code a script throws or reports (``"verify.xxx"``, ``"webverify.xxx"``, ``"keys.xxx"``,
    …) has a message in both languages: else a reader sees the bare code."""
    catalog = verifier.catalog()
    found = _quoted_codes()
    assert "webverify.zip_bad" in found and "keys.bad_public_file" in found  # the scan sees them
    missing = {k: sorted(v) for k, v in found.items() if k not in catalog and k not in NOT_CODES}
    assert missing == {}
    # the exceptions are real: each still occurs and none is a message after all
    assert NOT_CODES <= set(found) and not NOT_CODES & set(catalog)
    # and no message of the page's own is left that nothing uses
    scripts = "".join(verifier.script().split("const CATALOG = ")[1].split("\n", 1)[1:])
    unused = [k for k in catalog if k.startswith("webverify.") and f'"{k}"' not in scripts]
    assert unused == []


def test_zip_problems_are_worded(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        for lang in ("zh", "en"):
            got = _v(
                page,
                f"""(async () => {{ V.Uitext.setLang('{lang}');
              try {{ await V.Sources.fromZip(new Uint8Array([1, 2, 3]), "b.zip"); return null; }}
              catch (e) {{ return [e.code, e.params, V.Uitext.problemOf(e)]; }} }})()""",
            )
            code, params, text = got
            assert code == "webverify.zip_unreadable"
            assert params["reason_key"] == "webverify.zip_bad"
            assert text == render(code, lang, **params)
            assert "webverify." not in text and params["reason_params"]["reason"] in text
        _v(page, "V.Uitext.setLang('zh')")
        too_big = _v(
            page, "V.Uitext.t('webverify.zip_too_big', {file: 'a.txt', size: 9, limit: 8})"
        )
        assert too_big == render("webverify.zip_too_big", "zh", file="a.txt", size=9, limit=8)


def test_verify_on_load_only_when_asked(browser: Browser, site: str) -> None:
    with browser.open(f"{site}verify.html") as page:
        got = [_v(page, f"V.Ui.parseHash({json.dumps(h)}).verify")
               for h in ("#verify", "#verify=1", "#verify=0", "#verify=", "#verify=no", "#key=x")]  # fmt: skip
        assert got == [True, True, False, False, False, False]


def _key_lines(page: Page) -> list[list[str]]:
    rows: list[list[str]] = page.eval(
        "[...document.querySelectorAll('#rc-key-info [data-key-id]')].map(e => [e.dataset.keyId,"
        " e.dataset.keySource, e.className, e.querySelector('span')?.className || ''])"
    )
    return rows


def test_a_key_only_in_the_address_is_not_the_readers(
    browser: Browser, standalone: Path, demo: tuple[Path, bytes]
) -> None:
    """A forger can send a link with their own key: a pass under a key from the address says
    whose key it is only by its id, and a match with the folder's own key is not green."""
    bundle, raw = demo
    kid = signing.key_id(raw)
    url = f"{standalone.as_uri()}#key={_b64url(raw)}{_witness_hash(bundle)}"
    with browser.open(url) as page:
        assert _key_lines(page) == [[kid, "address", "rc-key", ""]]
        assert page.eval("document.querySelector('#rc-key-info [data-key-id]').textContent") == (
            render("webverify.key.given_address", "zh", key_id=kid)
        )
        _set_files(page, "#rc-folder", [bundle])
        status = _wait(page)
        _full(page)
        assert status == "pass", _checks(page)
        assert _key_lines(page) == [[kid, "address", "rc-key", "rc-same-address"]]
        assert page.eval("document.querySelectorAll('#rc-key-info .rc-same').length") == 0
        summary = page.eval("document.getElementById('rc-summary').textContent")
        count = len(_checks(page))
        code = page.eval("RandcheckVerifier.internals.Ui.state.report.verification_code")
        assert summary == render("webverify.status.pass_address", "zh", count=count, keys=kid,
                                 code=code)  # fmt: skip
        # the reader pastes the same key: now it is theirs, and the old outcome is gone
        page.eval(f"document.getElementById('rc-key').value = {json.dumps(_b64url(raw))};"
                  "document.getElementById('rc-key').dispatchEvent(new Event('input'))")  # fmt: skip
        assert _status(page) == ""
        assert page.eval("document.querySelectorAll('#rc-checks [data-check]').length") == 0
        assert _key_lines(page) == [[kid, "pasted", "rc-key", "rc-same"]]
        page.eval("document.getElementById('rc-run').click()")
        time.sleep(0.05)
        assert _wait(page) == "pass", _checks(page)
        assert page.eval("document.getElementById('rc-summary').textContent") == render(
            "webverify.status.pass", "zh", count=count, keys=kid[:16], code=code
        )
        # typing an entity, or a witness key, also takes the outcome away
        for box in ("rc-entity", "rc-witness"):
            page.eval("document.getElementById('rc-run').click()")
            time.sleep(0.05)
            assert _wait(page) == "pass"
            page.eval(f"document.getElementById('{box}').dispatchEvent(new Event('input'))")
            assert _status(page) == ""
        assert page.console_errors == []


def test_key_sources_and_the_pass_wording(browser: Browser, site: str) -> None:
    """data-key-source says where each key came from (the reader's own source wins when a key
    came from several); Ui.show words a pass by the keys that came only from the address."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    a, b = (signing.public_raw(Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32))
            for n in (1, 2))  # fmt: skip
    with browser.open(f"{site}verify.html#key={_b64url(a)}&key={_b64url(b)}") as page:
        page.eval(f"document.getElementById('rc-key').value = {json.dumps(_b64url(b))};"
                  "document.getElementById('rc-key').dispatchEvent(new Event('input'))")  # fmt: skip
        assert [r[:2] for r in _key_lines(page)] == [
            [signing.key_id(a), "address"], [signing.key_id(b), "pasted"]]  # fmt: skip
        ok = [
            Check.passed("trust", "verify.trust_ok", count=1, keys="0123"),
            Check.passed("format"),
        ]
        ids = [signing.key_id(a), signing.key_id(b)]
        for address_only, key in (
            ([], "webverify.status.pass"),
            (ids[:1], "webverify.status.pass_address"),
        ):
            _v(
                page,
                f"V.Ui.show({json.dumps(_report(ok, trusted_keys=ids))}, null, {json.dumps(address_only)})",
            )
            assert _status(page) == "pass"  # the outcome itself is unchanged
            keys = ", ".join(address_only) if address_only else ", ".join(k[:16] for k in ids)
            assert page.eval("document.getElementById('rc-summary').textContent") == render(
                key, "zh", count=2, keys=keys, code="ABAB-ABAB-ABAB"
            )
