"""Every PDF brief writes is accessible: our rule-by-rule reading of PDF/UA-1
(tests/pdf_accessibility.py) and an independent checker (pdfua) over the example and briefs
written by others, in every layout and language; and each of our rules catches the fault it
is for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests import pdf_accessibility
from tests.conftest import DATA, EXAMPLE
from tests.pdf_accessibility import problems

FRENCH = DATA / "french" / "erythree.yaml"
# (name, brief, options, the languages of the parts in another language than the brief's);
# Letter paper, and handouts in every script, are in the layout corpus (test_layout_corpus.py)
EDITIONS = [
    ("example", EXAMPLE, {}, ()),
    ("example-print", EXAMPLE, {"for_print": True}, ()),
    ("example-pdfa", EXAMPLE, {"pdf_variant": "pdf/a-3u"}, ()),
    ("example-ledger", EXAMPLE, {"ledger": True}, ()),
    ("example-handout", EXAMPLE, {"layout": "handout"}, ()),
    ("korean", EXAMPLE, {"language": "ko"}, ("en",)),
    ("french", FRENCH, {}, ("en",)),
    ("french-ledger", FRENCH, {"ledger": True}, ("en",)),
    ("french-handout", FRENCH, {"layout": "handout"}, ("en",)),
    ("german", DATA / "german" / "afghanistan.yaml", {}, ("en",)),
    ("german-handout", DATA / "german" / "afghanistan.yaml", {"layout": "handout"}, ()),
    ("spanish-ledger", DATA / "spanish" / "devoluciones-ceuta-melilla.yaml", {"ledger": True},
     ("en",)),
]


@pytest.fixture(scope="module")
def editions(built) -> dict[str, Path]:
    """Each edition, built once in the session."""
    return {name: built(brief, **options) for name, brief, options, _ in EDITIONS}


@pytest.mark.parametrize("name, languages", [(name, languages)
                                             for name, _, _, languages in EDITIONS])
def test_every_edition_passes_our_rules(editions, name, languages):
    assert problems(editions[name], frozenset(languages)) == []


def test_every_edition_passes_an_independent_checker(editions):
    done = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json",
                           *map(str, editions.values())], capture_output=True, text=True)
    reports = json.loads(done.stdout) if done.stdout.lstrip().startswith("[") \
        else [json.loads(part) for part in _documents(done.stdout)]
    assert len(reports) == len(editions), done.stdout + done.stderr
    findings = {Path(report["file"]).name: report["findings"] for report in reports
                if report["findings"]}
    assert findings == {}


def _documents(text: str) -> list[str]:
    """The JSON documents of a stream that holds several, one after the other."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (at := _skip_space(text, at)) < len(text):
        _, end = decoder.raw_decode(text, at)
        found.append(text[at:end])
        at = end
    return found


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def test_running_footer_is_an_artifact_and_links_have_one_annotation_each(editions):
    with pikepdf.open(editions["example"]) as pdf:
        page = pdf.pages[0]
        artifacts = [operands for operands, operator in pikepdf.parse_content_stream(page)
                     if str(operator) == "BDC" and str(operands[0]) == "/Artifact"]
        assert any(str(properties.get("/Type")) == "/Pagination"
                   for _, properties in artifacts)
        # one annotation per line of a link, not one per piece of an address
        assert len(page.Annots) < 5
        assert all(int(a.F) & 4 for a in page.Annots)  # printed


# --- each rule catches its fault ---------------------------------------------------------------

def broken(source: Path, folder: Path, damage) -> Path:
    """A copy of `source` with `damage(pdf)` done to it."""
    with pikepdf.open(source) as pdf:
        damage(pdf)
        out = folder / "broken.pdf"
        pdf.save(out)
    return out


def first(pdf: pikepdf.Pdf, role: str) -> pikepdf.Dictionary:
    return next(element for element, _ in pdf_accessibility.elements(pdf) if element.S == role)


def paint_outside(pdf):
    page = pdf.pages[0]
    page.contents_add(pikepdf.Stream(pdf, b"0 0 10 10 re f"), prepend=False)


def loose_mcid(pdf):
    page = pdf.pages[0]
    page.contents_add(pikepdf.Stream(pdf, b"/Span <</MCID 9999>> BDC 0 0 1 1 re f EMC"))


def no_alt(pdf):
    del first(pdf, "/Figure")["/Alt"]


def no_scope(pdf):
    del first(pdf, "/TH").A["/Scope"]


def skipped_heading(pdf):
    first(pdf, "/H2").S = pikepdf.Name("/H4")


def no_language(pdf):
    del pdf.Root["/Lang"]


def hidden_title(pdf):
    pdf.Root.ViewerPreferences.DisplayDocTitle = False


def unreferenced_note(pdf):
    del first(pdf, "/Reference")["/Ref"]


def untagged_link(pdf):
    page = pdf.pages[0]
    page.Annots.append(pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
        Contents="x")))


def empty_heading(pdf):
    first(pdf, "/H2").K = pikepdf.Array()


@pytest.mark.parametrize("edition, damage, rule", [
    ("example", paint_outside, "everything_painted_is_tagged_or_an_artifact"),
    ("example", loose_mcid, "marked_content_belongs_to_the_tree"),
    ("example-handout", no_alt, "figures_have_alternative_text"),
    ("example-ledger", no_scope, "table_headers_have_a_scope"),
    ("example", skipped_heading, "headings_do_not_skip_levels"),
    ("example", no_language, "languages_are_named"),
    ("example", hidden_title, "the_title_is_shown"),
    ("example", unreferenced_note, "notes_are_referenced"),
    ("example", untagged_link, "links_are_tagged"),
    ("example", empty_heading, "headings_have_text"),
])
def test_each_rule_catches_its_fault(editions, tmp_path, edition, damage, rule):
    found = problems(broken(editions[edition], tmp_path, damage))
    assert any(problem.startswith(rule + ":") for problem in found), found


def test_a_title_in_another_language_must_say_so(editions):
    assert problems(editions["example"], frozenset({"fr"})) == [
        "languages_are_named: no structure element says it is in 'fr'"]
