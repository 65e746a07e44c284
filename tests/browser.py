"""A real browser for tests: Debian's Chromium driven by Playwright, and axe-core from npm.

Shared by every test that looks at a page in a browser. Nothing is downloaded: Chromium is the
system's (`apt-get install chromium`), axe-core is the npm package that .ci/run installs into
.node/ (`npm install --prefix .node axe-core`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str | None:
    """The system's Chromium, or the one named by BRIEF_CHROMIUM."""
    return os.environ.get("BRIEF_CHROMIUM") or shutil.which("chromium")


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (playwright.sync_api.Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's findings on the page at its current size, those of the given impacts."""
    page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)


def accessibility_node(page, role: str, name: str) -> dict[str, object]:
    """What Chromium tells a screen reader of the element with this role and name: its
    properties (expanded, focusable …) as a dict."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    for node in nodes:
        if (node.get("role", {}).get("value") == role
                and node.get("name", {}).get("value") == name):
            return {prop["name"]: prop["value"].get("value") for prop in node.get("properties", [])}
    raise LookupError(f"no {role} named {name!r}")


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
