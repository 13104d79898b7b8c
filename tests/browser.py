"""Drive Debian's Chromium with Playwright for Python; never download a browser.

``make test`` installs /usr/bin/chromium; without it the browser tests are skipped with that reason.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"browser tests need Debian's chromium at {CHROMIUM} (make test installs it)"
)


@contextlib.contextmanager
def launch_chromium() -> Iterator[object]:
    """A headless Chromium browser; skips the test when Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright: make test installs it")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page() -> Iterator[object]:
    """A fresh page of a headless Chromium, closed afterwards."""
    with launch_chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        yield page
