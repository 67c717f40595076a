"""Fixtures for the browser tests: one headless Chromium per session, a local web server,
and a folder for screenshots people can look at.

Without Chromium the tests are skipped with the fix in the reason; CI (``.ci/run``) sets
``RANDCHECK_REQUIRE_BROWSER=1`` and a missing browser then fails them instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.browser.cdp import INSTALL_HINT, Browser, find_chromium, serve

_SHOTS: list[Path] = []


def _no_browser(why: str) -> None:
    message = f"{why}: the browser tests need Chromium and a CJK font ({INSTALL_HINT})"
    if os.environ.get("RANDCHECK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}; RANDCHECK_REQUIRE_BROWSER=1 forbids skipping them")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A headless Chromium for the whole session, ended at its close."""
    binary = find_chromium()
    if binary is None:
        _no_browser("chromium not found (set RANDCHECK_CHROMIUM or install it)")
    assert binary is not None
    b = Browser(binary)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go (under the pytest temp folder); listed at the end of the run."""
    folder = tmp_path_factory.mktemp("screenshots")
    _SHOTS.append(folder)
    return folder


@pytest.fixture
def http_server() -> Iterator[Callable[[Path], str]]:
    """``http_server(folder)`` serves ``folder`` on 127.0.0.1 and returns its base URL."""
    with ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve(folder))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for folder in _SHOTS:
        if any(folder.iterdir()):
            terminalreporter.write_line(f"browser screenshots: {folder}")
