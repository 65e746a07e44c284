"""The notes and bibliography brief prints match pandoc's citeproc run on the same data.

tests/data/fidelity/ holds a brief of 29 citations over 16 sources (UN reports with document
symbols, chapters of annual reports, journal articles, news, web pages with access dates,
two treaties, a hearing over a date range) and, under expected/, what plain pandoc makes of
the same citations with the same CSL-JSON and CSL file (written once by make_expected.py).
Each style's brief is built to HTML here, and every note, in-text citation and bibliography
entry is compared as a reader sees it, with only whitespace (no-break spaces and word joiners
included), quotation marks and dashes folded.
Small capitals count as capitals, as pandoc's plain-text writer (and a reader) shows them.

Known deviations, each intended and documented in docs/format.md:
- oscola: pandoc capitalises the first letter of every note, so it prints "Ibid"; OSCOLA's
  style asks for lower case and brief prints "ibid" (tested in test_cite.py as well).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from brief.build import BuildOptions, build
from tests.conftest import DATA

FIDELITY = DATA / "fidelity"
STYLES = ("chicago-notes-bibliography", "chicago-shortened-notes-bibliography", "oscola",
          "mhra-notes", "apa")
# No-break spaces and the invisible word joiner are brief's typography (brief/typography.py).
FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ",
                      "\u202f": " ", "\u2060": None})


def fold(text: str) -> str:
    return " ".join(text.translate(FOLD).split())


def lower_ibid(note: str) -> str:
    return re.sub(r"^Ibid\b", "ibid", note)


DEVIATIONS = {"oscola": lower_ibid}


class Printed(HTMLParser):
    """The text of each note (or in-text citation) and each bibliography entry, in order, as
    print shows them (without what only a browser shows: note numbers, the list of notes)."""

    def __init__(self, citation_class: str):
        super().__init__()
        self.citation_class = citation_class
        self.citations: list[str] = []
        self.bibliography: list[str] = []
        self._open: list[tuple[str, list[str] | None, bool]] = []
        self._in_bibliography = False
        self._small_caps = 0
        self._hidden_depth = 0  # inside an element only browsers show, from this depth

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ol" and "bibliography" in classes:
            self._in_bibliography = True
        target = None
        if "web-only" in classes:
            self._hidden_depth = self._hidden_depth or len(self._open) + 1
        if self._hidden_depth:
            pass
        elif tag == "span" and self.citation_class in classes:
            target = self.citations
        elif tag == "li" and self._in_bibliography:
            target = self.bibliography
        if target is not None:
            target.append("")
        self._small_caps += "smallcaps" in classes
        self._open.append((tag, target, "smallcaps" in classes))

    def handle_endtag(self, tag):
        while self._open:
            opened, _, small_caps = self._open.pop()
            self._small_caps -= small_caps
            if opened == tag:
                break
        if self._hidden_depth > len(self._open):
            self._hidden_depth = 0
        if tag == "ol":
            self._in_bibliography = False

    def handle_data(self, data):
        if self._hidden_depth:
            return
        for _, target, _ in self._open:
            if target is not None:
                target[-1] += data.upper() if self._small_caps else data
                return


def printed(tmp_path: Path, style: str) -> tuple[list[str], list[str]]:
    output = tmp_path / f"{style}.html"
    result = build(FIDELITY / "brief.yaml", BuildOptions(format="html", style=style,
                                                         output=output))
    assert result.ok, [d.format() for d in result.diagnostics]
    parser = Printed("cite" if style == "apa" else "note")
    parser.feed(output.read_text("utf-8"))
    return [fold(c) for c in parser.citations], [fold(b) for b in parser.bibliography]


def expected(style: str) -> tuple[list[str], list[str]]:
    data = json.loads((FIDELITY / "expected" / f"{style}.json").read_text("utf-8"))
    deviation = DEVIATIONS.get(style, lambda text: text)
    return ([deviation(fold(c)) for c in data["citations"]],
            [fold(b) for b in data["bibliography"]])


def test_the_set_is_as_large_as_promised():
    citations, bibliography = expected("chicago-notes-bibliography")
    assert len(citations) >= 25 and len(bibliography) >= 12


@pytest.mark.parametrize("style", STYLES)
def test_notes_and_bibliography_match_the_reference(tmp_path, style):
    found_citations, found_bibliography = printed(tmp_path, style)
    want_citations, want_bibliography = expected(style)
    assert found_citations == want_citations
    assert found_bibliography == want_bibliography


def test_oscola_deviates_only_by_its_lower_case_ibid(tmp_path):
    found, _ = printed(tmp_path, "oscola")
    raw = [fold(c) for c in json.loads(
        (FIDELITY / "expected" / "oscola.json").read_text("utf-8"))["citations"]]
    differing = [(want, got) for want, got in zip(raw, found) if want != got]
    assert differing and all(want.startswith("Ibid") and got == "i" + want[1:]
                             for want, got in differing)
