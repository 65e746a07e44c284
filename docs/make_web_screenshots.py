"""Rewrite docs/web-360.png, web-768.png and web-1280.png: the example's web edition in
Chromium at a phone's, a tablet's and a desktop's width.

    .venv/bin/python docs/make_web_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from brief.build import BuildOptions, build  # noqa: E402
from tests.browser import chromium  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        page_file = Path(scratch) / "brief.html"
        result = build(ROOT / "briefs" / "north-korea-refugees.yaml",
                       BuildOptions(output=page_file, format="html"))
        assert result.ok, [d.format() for d in result.diagnostics]
        with chromium() as browser:
            for width, height in ((360, 780), (768, 1024), (1280, 900)):
                page = browser.new_page(viewport={"width": width, "height": height},
                                        device_scale_factor=1)
                page.goto(page_file.as_uri())
                if width == 360:  # a note opened by its number
                    page.locator("#note-call-1").evaluate(
                        "e => scrollTo(0, e.getBoundingClientRect().top + scrollY - 200)")
                    page.locator("#note-call-1").click()
                elif width == 768:  # the key messages and the table of contents
                    page.locator(".key-messages").evaluate("e => e.scrollIntoView()")
                target = ROOT / "docs" / f"web-{width}.png"
                page.screenshot(path=target)
                print(f"wrote {target.relative_to(ROOT)}")
                page.close()


if __name__ == "__main__":
    main()
