"""The web edition in a real browser: Chromium at phone, tablet and desktop widths.

Checks what a reader sees: no sideways scrolling, a readable line length, notes beside their
call on wide screens and behind their number on narrow ones, metadata, and axe-core's verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brief.build import BuildOptions, build
from tests.browser import accessibility_node, axe_violations, describe
from tests.conftest import DATA, EXAMPLE

BRIEFS = {  # name: the brief and its edition's language (None: the brief itself)
    "example": (EXAMPLE, None),
    "korean": (EXAMPLE, "ko"),
    "arabic": (DATA / "arabic" / "brief.yaml", None),
}
WIDTHS = (360, 768, 1280)


@pytest.fixture(scope="session")
def web_pages(tmp_path_factory) -> dict[str, Path]:
    """Each brief's web edition, built once."""
    folder = tmp_path_factory.mktemp("web")
    pages = {}
    for name, (source, language) in BRIEFS.items():
        pages[name] = folder / f"{name}.html"
        result = build(source, BuildOptions(output=pages[name], format="html",
                                            language=language))
        assert result.ok, [d.format() for d in result.diagnostics]
    return pages


@pytest.fixture
def open_page(browser, web_pages):
    """Open a brief's web page at a width, in light or dark mode."""
    contexts = []

    def opened(name: str, width: int, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 800},
                                      color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.goto(web_pages[name].as_uri())
        return page

    yield opened
    for context in contexts:
        context.close()


def box(locator) -> dict[str, float]:
    return locator.evaluate("e => e.getBoundingClientRect().toJSON()")


@pytest.mark.parametrize("name", BRIEFS)
@pytest.mark.parametrize("width", (320, *WIDTHS, 1920))
def test_no_sideways_scrolling_and_a_readable_measure(open_page, name, width):
    page = open_page(name, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Every line of running text is at most about 40 em long, whatever the screen.
    measures = page.evaluate("""() => [...document.querySelectorAll(
        'main p, .summary p, .key-messages li, .recommendation-group li')].map(p =>
        p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize))""")
    assert measures and max(measures) <= 40, max(measures)
    # Nothing sticks out of the screen, notes included.
    outside = page.evaluate(f"""() => [...document.querySelectorAll('body *')]
        .filter(e => e.checkVisibility())
        .map(e => e.getBoundingClientRect())
        .filter(r => r.width && (r.left < -0.5 || r.right > {width} + 0.5)).length""")
    assert outside == 0


@pytest.mark.parametrize("name", BRIEFS)
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_problem(open_page, name, width):
    page = open_page(name, width)
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", (360, 1280))
def test_axe_finds_no_serious_problem_in_dark_mode(open_page, width):
    page = open_page("example", width, "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 24, 30)"
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("name, side", [("example", "right"), ("arabic", "left")])
def test_notes_stand_beside_their_call_on_wide_screens(open_page, name, side):
    page = open_page(name, 1280)
    column = box(page.locator("main"))
    calls = page.locator(".note-mark")
    notes = page.locator("main .note")
    assert notes.count() > 5 and calls.count() >= notes.count()
    assert page.locator(".note-call").first.is_hidden()
    assert page.locator(".endnotes").is_hidden()
    previous_bottom = 0.0
    for i in range(notes.count()):
        note = box(notes.nth(i))
        call = box(page.locator(f"#note-call-{notes.nth(i).get_attribute('id')[5:]}")
                   .locator("xpath=preceding-sibling::sup[1]"))
        # In the margin on the side where lines end, clear of the text, on screen.
        if side == "right":
            assert column["right"] + 16 <= note["left"] and note["right"] <= 1280
        else:
            assert note["right"] + 16 <= column["left"] and note["left"] >= 0
        # Level with its call, or pushed down only by the note above it; never overlapping.
        assert note["top"] >= call["top"] - 12
        assert note["top"] <= max(call["bottom"], previous_bottom) + 24
        assert note["top"] >= previous_bottom - 0.5
        previous_bottom = note["bottom"]


@pytest.mark.parametrize("name", ("example", "arabic"))
def test_on_narrow_screens_a_note_opens_by_its_number_from_the_keyboard(open_page, name):
    page = open_page(name, 360)
    note = page.locator("#note-3")
    assert note.is_hidden()
    assert page.locator(".note-mark").first.is_hidden()
    label = "Note 3" if name == "example" else "حاشية 3"
    button = page.get_by_role("button", name=label, exact=True)
    assert button.get_attribute("aria-expanded") is None  # the browser states it itself
    button.focus()
    page.keyboard.press("Enter")
    assert note.is_visible()
    assert accessibility_node(page, "button", label)["expanded"] is True
    shown = box(note)
    assert shown["left"] >= 0 and shown["right"] <= 360 and shown["bottom"] <= 800
    endnote = page.locator("#endnote-3").inner_text().removesuffix("↩").strip()
    assert note.inner_text() == f"3 {endnote}"
    page.keyboard.press("Escape")
    assert note.is_hidden()
    assert accessibility_node(page, "button", label)["expanded"] is False
    # The list at the end holds every note, and leads back to where each is called.
    endnotes = page.locator(".endnotes li")
    assert endnotes.count() == page.locator("main .note, header ~ * .note").count()
    page.locator("#endnote-3 a.back").click()
    assert page.evaluate("location.hash") == "#note-call-3"


def test_printing_from_a_browser_lists_the_notes_at_the_end(open_page):
    page = open_page("example", 1280)
    page.emulate_media(media="print")
    assert page.locator(".endnotes").is_visible()
    assert page.locator("main .note").first.is_hidden()
    assert page.locator(".note-call").first.is_hidden()
    assert page.locator(".contents").is_hidden()
    assert page.locator(".note-mark").first.is_visible()
    assert page.locator(".endnotes li").count() == page.locator(".note").count()


def test_links_in_text_are_underlined(open_page):
    page = open_page("example", 1280)
    link = page.locator("main .note a").first
    assert "underline" in link.evaluate("e => getComputedStyle(e).textDecorationLine")


def test_a_long_brief_has_a_table_of_contents_that_leads_to_each_section(open_page):
    page = open_page("example", 768)
    contents = page.get_by_role("navigation", name="Contents")
    links = contents.get_by_role("link")
    assert links.all_inner_texts()[:2] == ["Every road out leads through China",
                                           "Refugees in law, “illegal migrants” in practice"]
    for href in links.evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1


@pytest.mark.parametrize("name, lang, direction", [("example", "en", "ltr"),
                                                   ("korean", "ko", "ltr"),
                                                   ("arabic", "ar", "rtl")])
def test_metadata_as_reference_managers_and_previews_read_it(open_page, name, lang, direction):
    page = open_page(name, 1280)
    assert page.evaluate("[document.documentElement.lang, document.dir]") == [lang, direction]
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta')]
        .map(m => [m.name || m.getAttribute('property'), m.content]))""")
    assert meta["citation_title"] == page.title()
    assert meta["og:title"] == meta["twitter:title"] == page.title()
    assert meta["citation_publication_date"].count("/") == 2
    report = json.loads(page.locator("script[type='application/ld+json']").inner_text())
    assert report["@type"] == "Report" and report["name"] == page.title()
    assert report["inLanguage"] == lang
    assert len(report["citation"]) == page.locator(".bibliography li").count()


def generated_brief(seed: int) -> str:
    """A brief with notes packed as densely as writers manage: several in one sentence, long
    unbroken addresses, short and long sections; reproducible from its seed."""
    import random

    rng = random.Random(seed)
    sources = [f"""  - id: s{i}
    type: webpage
    title: {rng.choice(['Report', 'A very long title of a report ' * rng.randint(1, 4)])}
    author: [{{literal: Body {i}}}]
    issued: {rng.randint(1990, 2024)}
    URL: https://example.org/{'x' * rng.randint(5, 120)}/{i}
""" for i in range(rng.randint(3, 9))]
    def cites() -> str:
        return "; ".join(f"@s{rng.randrange(len(sources))}, p. {rng.randint(1, 400)}"
                         for _ in range(rng.randint(1, 3)))
    sections = []
    for s in range(rng.randint(1, 6)):
        claims = "".join(
            "      - claim: " + json.dumps(
                f"{'Words ' * rng.randint(1, 60)}[{cites()}]"
                f"{' and more [' + cites() + ']' if rng.random() < 0.4 else ''}.") + "\n"
            for _ in range(rng.randint(1, 8)))
        sections.append(f"  - heading: Section {s} {'long ' * rng.randint(0, 12)}\n"
                        f"    body:\n{claims}")
    return (f"title: Generated {seed} {'Longwordwithoutbreaks' * rng.randint(1, 4)}\n"
            f"date: 2024-05-01\norganisation: {{name: Org}}\n"
            f"summary: {json.dumps(f'A summary [{cites()}].')}\nsections:\n{''.join(sections)}"
            f"recommendations:\n  - to: Someone\n    actions: [{json.dumps(f'Act [{cites()}].')}]\n"
            f"sources:\n{''.join(sources)}")


@pytest.mark.parametrize("seed", range(4))
def test_generated_briefs_keep_their_notes_in_view(browser, tmp_path, seed):
    source = tmp_path / "generated.yaml"
    source.write_text(generated_brief(seed), "utf-8")
    out = tmp_path / "generated.html"
    result = build(source, BuildOptions(output=out, format="html"))
    assert result.ok, [d.format() for d in result.diagnostics]
    for width in (320, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(out.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (seed, width)
        notes = [box(page.locator(".note").nth(i)) for i in range(page.locator(".note").count())]
        if width == 1280:  # sidenotes: on screen, one under the other, never overlapping
            assert all(n["right"] <= width and n["width"] > 0 for n in notes)
            assert all(a["bottom"] <= b["top"] + 0.5 for a, b in zip(notes, notes[1:]))
        else:  # closed until opened
            assert all(n["width"] == 0 for n in notes)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.close()


@pytest.mark.parametrize("options", [("--style", "apa"), ("--style", "oscola"),
                                     ("--brand", "brands/meadow/_brand.yml")])
def test_other_styles_and_brands_read_as_well(browser, example_copy, run, options):
    code, output = run("build", example_copy.name, "--format", "html", *options,
                       cwd=example_copy.parent)
    assert code == 0, output
    for width in (360, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(example_copy.with_suffix(".html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.close()
