"""A real browser for the tests: Debian's `chromium`, driven by Playwright.

Playwright is told where the system's Chromium is (`executable_path`), so it never downloads a
browser of its own; `apt-get install chromium` provides it (README, .ci/run).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (each test opens its own context)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail("these tests need Debian's Chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page (its own cookies and cache) whose console errors are kept in `.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(
        message.text))
    page.on("pageerror", lambda failure: page.errors.append(str(failure)))
    yield page
    context.close()
