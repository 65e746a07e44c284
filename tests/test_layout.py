"""Layout rules that every brief gets, each from a brief that broke it: pages that flow, notes
that stay with their lines on any paper, web addresses, footers, Korean full stops, distinct
short notes, brand contrast, and a handout that fills its page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from page_geometry import BOTTOM_MARGIN, TOP_MARGIN, largest_empty_band, read_pages
from tests.conftest import DATA, EXAMPLE

LAYOUT = DATA / "layout"


def build(run, brief: Path, out: Path, *options: str) -> str:
    code, output = run("build", str(brief), "-o", str(out), *options)
    assert code == 0, output
    return output


def page_count(pdf: Path) -> int:
    return len(pypdf.PdfReader(pdf).pages)


def write(folder: Path, text: str) -> Path:
    path = folder / "b.yaml"
    path.write_text(text, "utf-8")
    return path


MINIMAL = """\
title: {title}
date: 2024-01-01
language: {language}
organisation: {{name: Desk}}
summary: {summary}
sections:
  - heading: One
    body:
{body}
recommendations:
  - to: Everyone
    actions: [Act.]
sources:
{sources}
"""
REPORT = """\
  - id: {id}
    type: report
    author: [{{literal: {author}}}]
    title: "{title}"
    issued: {year}
"""


def test_notes_stay_with_their_lines_on_letter_paper(run, tmp_path):
    """A note could not fit under its call on Letter paper (a rounding error in the engine),
    so the line moved on, page after page: 7 pages of two lines where A4 made 3."""
    a4, letter = tmp_path / "a4.pdf", tmp_path / "letter.pdf"
    output = build(run, LAYOUT / "trafficking.yaml", a4)
    output += build(run, LAYOUT / "trafficking.yaml", letter, "--paper", "letter")
    assert "is called on page" not in output
    assert page_count(letter) <= page_count(a4) + 1
    for page in read_pages(letter)[:-1]:
        assert largest_empty_band(page, TOP_MARGIN, page.height - BOTTOM_MARGIN) < 0.3


def test_sections_follow_the_summary_on_page_one(run, tmp_path):
    """Page 1 is not left half empty when the summary and key messages are short."""
    out = tmp_path / "ko.pdf"
    build(run, LAYOUT / "korean.yaml", out)
    first = read_pages(out)[0]
    assert "회부 심사의 현황" in first.text()  # the first section's heading
    assert page_count(out) == 2


def test_a_summary_that_pushes_the_key_messages_off_page_one_is_a_warning(run, tmp_path):
    text = EXAMPLE.read_text("utf-8")
    start, end = text.index("summary:"), text.index("key_messages:")
    summary = text[start:end].rstrip("\n").split("\n")
    longer = "\n".join(summary + summary[1:7]) + "\n"
    brief = tmp_path / "long.yaml"
    shutil.copytree(EXAMPLE.parent, tmp_path / "briefs")
    brief = tmp_path / "briefs" / "long.yaml"
    brief.write_text(text[:start] + longer + text[end:], "utf-8")
    output = build(run, brief, tmp_path / "long.pdf")
    line = text[:start].count("\n") + 1
    assert (f"long.yaml:{line}:10: warning: the summary is too long for the key messages to "
            "fit under it on page 1: 10 lines too long\n  hint: shorten the summary (or the "
            "key messages); page 1 is what a busy reader sees\n") in output
    assert "warning" not in build(run, EXAMPLE, tmp_path / "example.pdf")


def test_web_addresses_in_notes_break_without_hyphens(run, tmp_path):
    url = ("https://www.ohchr.org/en/press-releases/2021/03/india-rohingya-deported-"
           "myanmar-face-danger-protection-gaps-remain?lang=en&ref=newsletter")
    body = "\n".join(f"      - claim: Claim number {n} about detention [@s{n}]." for n in range(6))
    sources = "".join(REPORT.format(id=f"s{n}", author="Office of the High Commissioner",
                                    title=f"Report {n}", year=2021).rstrip("\n")
                      + f"\n    URL: {url}{n}\n" for n in range(6))
    brief = write(tmp_path, MINIMAL.format(title="Addresses", language="en",
                                           summary="Short [@s0].", body=body, sources=sources))
    out = tmp_path / "b.pdf"
    build(run, brief, out)
    with pdfplumber.open(out) as pdf:
        text = "".join("".join(page.extract_text().split("\n")) for page in pdf.pages)
    assert "\u2010" not in text  # no hyphen was added anywhere on these pages
    for n in range(6):
        assert f"{url}{n}" in text.replace("\u200b", "")


def test_the_footer_keeps_the_title_s_punctuation_and_fits_one_line(run, tmp_path):
    long = "Detained, Deported, Forgotten: " + "India's Rohingya and the Law " * 8
    brief = write(tmp_path, MINIMAL.format(
        title=f'"{long}"', language="en", summary="Short [@a].",
        body="      - claim: A claim [@a].", sources=REPORT.format(
            id="a", author="UNHCR", title="A report", year=2020)))
    build(run, brief, tmp_path / "short.pdf")
    footer = read_pages(tmp_path / "short.pdf")[0].footer
    assert len(footer) == 1 and "Desk · Detained, Deported, Forgotten" in footer[0].text

    brief.write_text(brief.read_text("utf-8").replace("Forgotten:", "Forgotten and"), "utf-8")
    build(run, brief, tmp_path / "long.pdf")
    footer = read_pages(tmp_path / "long.pdf")[0].footer
    assert len(footer) == 1 and re.search(r"…Page 1 of \d$", footer[0].text.rstrip())


def test_no_gap_before_a_korean_full_stop_that_carries_a_note(run, tmp_path):
    """In a justified line, the Hangul of one inline box and the Latin full stop of the next
    were set 3 pt apart ("거칩니다 .¹")."""
    out = tmp_path / "ko.pdf"
    build(run, LAYOUT / "korean.yaml", out)
    stops = 0
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"] != "\u2060"]
            for before, stop in zip(chars, chars[1:]):
                if stop["text"] == "." and "\uac00" <= before["text"] <= "\ud7a3" \
                        and abs(stop["top"] - before["top"]) < 2:
                    stops += 1
                    assert stop["x0"] - before["x1"] < 0.3, (before["text"], page.page_number)
    assert stops >= 5


def test_sources_alike_in_short_notes_get_longer_short_titles(run, tmp_path):
    hrw = "Human Rights Watch"
    sources = "".join(REPORT.format(id=key, author=hrw, title=title, year=year)
                      for key, title, year in [
                          ("a", "India: Rohingya Deported to Myanmar Face Danger", 2018),
                          ("b", "India: Hold Off on Deporting Rohingya", 2019),
                          ("c", "India: Rohingya Deported to Myanmar Face Danger", 2020)])
    brief = write(tmp_path, MINIMAL.format(
        title="Short notes", language="en", summary="One [@a]. Two [@b]. Three [@c].",
        body="      - claim: Again [@a; @b].", sources=sources))
    output = build(run, brief, tmp_path / "b.pdf")
    assert output.startswith(
        "b.yaml:24:9: warning: sources `a` and `c` have the same authors and short title "
        "(“India: Rohingya Deported to Myanmar”): their later notes may not tell them apart\n"
        "  hint: give `c` a `title-short` of its own\n".replace("b.yaml", str(brief)))
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "b.pdf").pages)
    assert ("4. Human Rights Watch, India: Rohingya Deported to Myanmar (2018); Human Rights "
            "Watch, India: Hold Off on Deporting.") in " ".join(text.split())


def test_the_handout_names_every_author_of_its_key_sources(run, tmp_path):
    """OSCOLA puts a dash for "the same author as above" in a bibliography; the handout lists
    only some entries, in another order, so a dash would give a report to the wrong author."""
    sources = "".join(REPORT.format(id=key, author=author, title=title, year=2020)
                      for key, author, title in [
                          ("h1", "Human Rights Watch", "Stateless"),
                          ("h2", "Human Rights Watch", "Detained"),
                          ("u1", "UNHCR", "Global Trends")])
    brief = write(tmp_path, MINIMAL.format(
        title="Dashes", language="en", summary="One [@h1]. Two [@u1]. Three [@h1; @u1].",
        body="      - claim: Again [@h2; @h1].", sources=sources))
    out = tmp_path / "h.pdf"
    build(run, brief, out, "--layout", "handout", "--style", "oscola")
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "——" not in text and "—" not in text
    assert text.count("Human Rights Watch") == 2
    build(run, brief, tmp_path / "b.pdf", "--style", "oscola")  # the full brief keeps its dash
    assert "——" in "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "b.pdf").pages)


def test_a_short_handout_prints_its_summary_and_fills_the_page(run, tmp_path):
    brief = write(tmp_path, MINIMAL.format(
        title="A short handout", language="en", summary="The summary sentence [@a].",
        body="      - claim: A claim [@a].",
        sources=REPORT.format(id="a", author="UNHCR", title="Global Trends", year=2020))
        .replace("sections:", "key_messages: [One thing., Another thing., A third.]\n"
                 "sections:"))
    out = tmp_path / "h.pdf"
    build(run, brief, out, "--layout", "handout")
    page = read_pages(out, margins=(0, 0))[0]
    assert "The summary sentence" in page.text()
    assert largest_empty_band(page, 0, page.height) < 0.2


@pytest.mark.parametrize("secondary, ratio, what", [
    ("#f4a300", "2.1:1 (#f4a300 on #ffffff)", "note calls"),
    ("#0f7c80", "4.4:1 (#0f7c80 on #e9f3f4)", "the numbers of recommendations"),
])
def test_a_brand_colour_too_faint_for_text_is_a_warning_in_the_brand_file(
        run, tmp_path, secondary, ratio, what):
    brand = tmp_path / "_brand.yml"
    brand.write_text(f'color:\n  primary: "#1b365d"\n  secondary: "{secondary}"\n', "utf-8")
    code, output = run("build", str(EXAMPLE), "--brand", str(brand), "-o",
                       str(tmp_path / "b.pdf"))
    assert code == 0
    assert (f"{brand}:3:14: warning: `color.secondary` gives {what} a contrast of {ratio}; "
            "text needs at least 4.5:1 to be read by everyone (WCAG AA)\n"
            "  hint: choose a darker colour for `color.secondary`\n") in output
    code, output = run("build", str(EXAMPLE), "--brand", str(brand), "--strict", "-o",
                       str(tmp_path / "strict.pdf"))
    assert code == 1 and f"{brand}:3:14: error: `color.secondary`" in output
    assert not (tmp_path / "strict.pdf").exists()


FRAGMENT_SUMMARIES = {
    # The case a French reader found: the note's word ends the third line.
    "fr": ("Les Érythréens fuient un service national sans fin dans un pays où, selon une "
           "commission d'enquête de l'ONU, des responsables ont commis des crimes contre "
           "l'humanité [@a] et ceux qui sont renvoyés."),
    # Any inline element after a line's last word did it: emphasis as well as a note.
    "en": ("Eritreans flee an endless national service in a country where, according to a "
           "commission of inquiry of the United Nations, officials have committed the gravest "
           "offences against *humanity* [@a] and those who are sent back are detained."),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_line_holds_only_a_hyphenated_fragment(run, tmp_path, language, paper):
    """WeasyPrint counted the spaces before an inline element that hang past the margin, and
    so hyphenated the line's first word instead of breaking at a space: the line held only
    `commis-` (brief/line_breaking.py)."""
    brief = write(tmp_path, MINIMAL.format(
        title="Returns", language=language, summary=json_string(FRAGMENT_SUMMARIES[language]),
        body="      - claim: A claim [@a, p. 1].",
        sources=REPORT.format(id="a", author="UN", title="Report", year=2016)))
    for indent in ("", "The summary, set a little differently: ", "So: "):
        if indent:
            brief.write_text(brief.read_text("utf-8").replace(
                "summary: \"", f"summary: \"{indent}"), "utf-8")
        build(run, brief, tmp_path / "b.pdf", "--paper", paper)
        lines = [line.text.strip() for line in read_pages(tmp_path / "b.pdf")[0].lines]
        stranded = [text for text in lines if re.fullmatch(r"\w+[\u2010-]", text)]
        assert not stranded, lines
        read_pages.cache_clear()


def json_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def test_the_ledger_appendix_follows_the_colophon_and_leaves_no_page_alone(run, tmp_path):
    """With `--ledger`, the About box once stood alone on a last page after the appendix, and
    the brief's last page held two sources. The appendix now follows the brief's own end, and
    the colophon never stands alone: the last sources come over with it."""
    out = tmp_path / "b.pdf"
    build(run, EXAMPLE, out, "--ledger")
    pages = read_pages(out)
    texts = [page.text() for page in pages]
    colophon = next(n for n, text in enumerate(texts) if "Cite this brief as" in text)
    appendix = next(n for n, text in enumerate(texts) if text.startswith("Evidence"))
    assert appendix == colophon + 1
    first = pages[colophon].lines[0].text
    assert not first.startswith("About"), first  # something of the brief stands above it
    for page in pages[appendix:-1]:
        band = largest_empty_band(page, TOP_MARGIN, page.height - BOTTOM_MARGIN)
        assert band <= 0.3, (page.number, band)


@pytest.mark.parametrize("layout", ["brief", "handout"])
def test_a_long_organisation_name_and_series_share_the_masthead(run, tmp_path, layout):
    """A long name once ran into the series (`…DES RÉFUGIÉSNOTE D'ORIENTATION`): each keeps
    to its own part of the bar, wrapping there, and the date is never split."""
    brief = write(tmp_path, MINIMAL.format(
        title="Retours forcés", language="fr", summary="Un résumé [@a].",
        body="      - claim: Une affirmation [@a, p. 1].",
        sources=REPORT.format(id="a", author="ONU", title="Rapport", year=2016)).replace(
        "organisation: {name: Desk}",
        "organisation: {name: \"Coalition genevoise pour la protection des réfugiés et "
        "demandeurs d'asile de la Corne de l'Afrique orientale\"}\n"
        "series: \"Note d'orientation de la Coalition genevoise, numéro spécial N° 7\""))
    out = tmp_path / "b.pdf"
    build(run, brief, out, "--layout", layout)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        top = [c for c in page.chars if c["top"] < 45 * 72 / 25.4 and c["size"] < 9]
    rows: dict[int, list] = {}
    for char in top:
        rows.setdefault(round(char["top"]), []).append(char)
    assert rows
    for chars in rows.values():
        name = [c for c in chars if "Bold" in c["fontname"]]
        series = [c for c in chars if "Bold" not in c["fontname"] and not c["text"].isspace()]
        if name and series:
            assert max(c["x1"] for c in name) + 5 < min(c["x0"] for c in series)
    if layout == "handout":
        text = page.extract_text()
        assert "1 JANVIER 2024" in text.replace("\u202f", " ").replace("\u00a0", " "), text
