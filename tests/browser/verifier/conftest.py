"""Fixtures for the browser verifier's tests: the assembled script loaded in headless Chromium.

``js(expr)`` evaluates a JavaScript expression in a page that loaded the bundle's copy of the
verifier (``verify.html`` + ``verify.js``, from :mod:`randcheck.verifier`) over http and
returns its value (promises awaited; Uint8Arrays must be turned into hex or arrays first).
``V`` in expressions is ``RandcheckVerifier.internals`` (``V.Merkle.root(…)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from randcheck import verifier
from tests.browser.cdp import Browser, Page, serve


def write_verifier(folder: Path) -> Path:
    """``verify.html`` and ``verify.js`` as a bundle carries them, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "verify.js").write_text(verifier.script(), encoding="utf-8")
    (folder / "verify.html").write_text(verifier.page(), encoding="utf-8")
    return folder / "verify.html"


@pytest.fixture(scope="session")
def verifier_page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """One page (for the whole session) that loaded the verifier over http."""
    folder = tmp_path_factory.mktemp("verifier")
    write_verifier(folder)
    with serve(folder) as base, browser.open(f"{base}/verify.html") as page:
        assert page.eval("typeof RandcheckVerifier") == "object", page.console_errors
        yield page


@pytest.fixture
def js(verifier_page: Page) -> Callable[[str], Any]:
    """``js(expr)``: the value of ``expr`` in the verifier's page (``V`` = its internals)."""

    def run(expr: str) -> Any:
        wrapped = f"(async () => {{ const V = RandcheckVerifier.internals; return await ({expr}); }})()"
        return verifier_page.eval(wrapped)

    return run


def js_bytes(data: bytes) -> str:
    """A JavaScript expression for these bytes (a Uint8Array)."""
    return f"new Uint8Array({json.dumps(list(data))})"
