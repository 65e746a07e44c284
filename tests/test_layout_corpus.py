"""The layout holds for briefs nobody tuned it for: a generated corpus (tests/layout_corpus.py),
built on A4 and Letter paper, in a note style and an author-date style, as briefs and as
handouts, and read back from the PDFs (tests/page_geometry.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from layout_corpus import generate
from pdf_accessibility import problems
from page_geometry import (
    BOTTOM_MARGIN,
    TOP_MARGIN,
    joined_text,
    largest_empty_band,
    note_calls_and_numbers,
    quote_fragments,
    read_pages,
    stranded_lines,
    summary_fragments,
)

SEEDS = range(1, 9)  # every script: English, Korean, Chinese, Arabic, Japanese
PAPERS = ("a4", "letter")
STYLES = ("chicago-note", "chicago-author-date")
MOST_EMPTY = 0.30          # of a page's height, on any page but the last
MOST_EMPTY_HANDOUT = 0.20
FEWEST_LINES = 3           # in each part of a box that a page break cut


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[tuple[str, str, str], Path]:
    """Every brief of the corpus built in every variant: {(layout, paper, style): folder}."""
    root = tmp_path_factory.mktemp("corpus")
    built = {}
    for layout in ("brief", "handout"):
        sources = root / layout
        sources.mkdir()
        for seed in SEEDS:
            (sources / f"seed-{seed}.yaml").write_text(generate(seed, layout), "utf-8")
        for paper in PAPERS:
            for style in STYLES:
                out = root / f"{layout}-{paper}-{style}"
                out.mkdir()
                done = subprocess.run(
                    [sys.executable, "-m", "brief", "build", str(sources), "-o", f"{out}/",
                     "--paper", paper, "--style", style, "-j", "2"],
                    capture_output=True, text=True)
                (out / "log.txt").write_text(done.stdout + done.stderr, "utf-8")
                built[(layout, paper, style)] = out
    return built


def variants(layout: str):
    return [pytest.param((layout, paper, style), id=f"{paper}-{style}")
            for paper in PAPERS for style in STYLES]


def briefs_of(folder: Path) -> list[Path]:
    pdfs = sorted(folder.glob("*.pdf"))
    log = (folder / "log.txt").read_text("utf-8")
    assert len(pdfs) == len(SEEDS), log
    return pdfs


@pytest.mark.parametrize("variant", variants("brief"))
def test_no_page_but_the_last_is_mostly_empty(corpus, variant):
    for pdf in briefs_of(corpus[variant]):
        pages = read_pages(pdf)
        for page in pages[:-1]:
            band = largest_empty_band(page, TOP_MARGIN, page.height - BOTTOM_MARGIN)
            assert band <= MOST_EMPTY, f"{pdf.name} page {page.number}: {band:.0%} empty"


@pytest.mark.parametrize("variant", variants("brief"))
def test_boxes_split_only_into_parts_of_three_lines(corpus, variant):
    for pdf in briefs_of(corpus[variant]):
        pages = read_pages(pdf)
        summary = summary_fragments(pages)
        if len(summary) > 1:
            assert min(lines for _, lines in summary) >= FEWEST_LINES, (pdf.name, summary)
        for page, lines, continued, continues in quote_fragments(pages):
            if continued or continues and page < len(pages):
                assert lines >= FEWEST_LINES, (pdf.name, page, lines)


@pytest.mark.parametrize("variant", variants("brief"))
def test_every_note_is_on_the_page_of_its_call(corpus, variant):
    """Or, in the rare case where the PDF engine moves a note to the next page, the build says
    so at the brief: a note is never misplaced in silence."""
    notes = 0
    log = (corpus[variant] / "log.txt").read_text("utf-8")
    for pdf in briefs_of(corpus[variant]):
        calls, printed = note_calls_and_numbers(read_pages(pdf))
        assert set(calls) == set(printed), pdf.name
        for number, page in calls.items():
            if printed[number] != page:
                assert (f"{pdf.stem}.yaml:1:1: warning: note {number} is called on page {page} "
                        f"but printed on page {printed[number]}") in log, pdf.name
        notes += len(calls)
    # The calls were found at all: a note style has hundreds here, author-date none.
    assert (notes > 100) == (variant[2] == "chicago-note"), notes


@pytest.mark.parametrize("variant", variants("brief"))
def test_no_line_is_stranded(corpus, variant):
    """No line holds only a hyphenated fragment, and no line of a paragraph but its last is
    shorter than a third of the measure, in any script, with notes or without."""
    for pdf in briefs_of(corpus[variant]):
        assert stranded_lines(read_pages(pdf)) == [], pdf.name


@pytest.mark.parametrize("variant", variants("brief"))
def test_the_footer_is_one_line(corpus, variant):
    for pdf in briefs_of(corpus[variant]):
        for page in read_pages(pdf):
            assert len(page.footer) == 1, (pdf.name, page.number, [l.text for l in page.footer])


@pytest.mark.parametrize("variant", variants("brief"))
def test_web_addresses_break_without_a_hyphen(corpus, variant):
    for pdf in briefs_of(corpus[variant]):
        brief = yaml.safe_load((pdf.parent.parent / "brief" / f"{pdf.stem}.yaml")
                               .read_text("utf-8"))
        pages = read_pages(pdf)
        for page in pages:
            for line in page.lines:
                # Hyphenation adds U+2010; an address only ever has the ASCII hyphen.
                last_word = line.text.rstrip().rsplit(" ", 1)[-1]
                assert not (last_word.endswith("\u2010") and ("/" in last_word or "." in
                            last_word[:-1] or last_word.startswith(("http", "www")))), \
                    (pdf.name, page.number, line.text)
                # nor after one of its own hyphens, where it would read as a broken word
                # (a right-to-left line is read back from its visual left: not checked)
                assert brief["language"] == "ar" or not (
                    last_word.endswith("-") and "/" in last_word), \
                    (pdf.name, page.number, line.text)
        if brief["language"] == "ar":
            continue  # right-to-left lines do not join back in reading order
        text = joined_text(pages)
        for source in brief["sources"]:
            if "URL" in source:
                assert source["URL"] in text, (pdf.name, source["URL"])


@pytest.mark.parametrize("variant", variants("handout"))
def test_the_handout_fills_one_page(corpus, variant):
    folder = corpus[variant]
    pdfs = sorted(folder.glob("*.pdf"))
    log = (folder / "log.txt").read_text("utf-8")
    # A handout with more to say than a page holds is refused, by name; none of these is.
    assert len(pdfs) == len(SEEDS) and "does not fit" not in log, log
    for pdf in pdfs:
        pages = read_pages(pdf, margins=(0, 0))
        assert len(pages) == 1, pdf.name
        band = largest_empty_band(pages[0], 0, pages[0].height)
        assert band <= MOST_EMPTY_HANDOUT, f"{pdf.name}: {band:.0%} empty"


@pytest.mark.parametrize("variant", [
    pytest.param((layout, paper, style), id=f"{layout}-{paper}-{style}")
    for layout in ("brief", "handout")
    for paper, style in (("a4", "chicago-note"), ("letter", "chicago-author-date"))])
def test_every_pdf_is_accessible(corpus, variant):
    """The PDF/UA-1 rules of tests/pdf_accessibility.py, for every brief and handout (tags do
    not depend on the paper: each paper is read in one style)."""
    pdfs = sorted(corpus[variant].glob("*.pdf"))
    assert len(pdfs) == len(SEEDS)
    for pdf in pdfs:
        assert problems(pdf) == [], pdf.name
