"""Every locator label the checker accepts reaches citeproc as a locator, end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

from brief.cite import format_citations
from brief.load import load_brief
from brief.markup import LOCATOR_LABELS
from tests.conftest import DATA

# The CSL term each accepted label stands for; `art.` and its kin are not CSL terms and stay
# words of the suffix, printed as typed.
TERMS = {
    "book": ("book", "books", "bk.", "bks."),
    "chapter": ("chapter", "chapters", "ch.", "chs.", "chap.", "chaps."),
    "column": ("column", "columns", "col.", "cols."),
    "figure": ("figure", "figures", "fig.", "figs."),
    "folio": ("folio", "folios", "fol.", "fols."),
    "issue": ("number", "numbers", "no.", "nos.", "issue", "issues"),
    "line": ("line", "lines", "l.", "ll."),
    "note": ("note", "notes", "n.", "nn."),
    "opus": ("opus", "opera", "op.", "opp."),
    "page": ("page", "pages", "p.", "pp."),
    "paragraph": ("paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶"),
    "part": ("part", "parts", "pt.", "pts."),
    "section": ("section", "sections", "sec.", "secs.", "§", "§§"),
    "verse": ("verse", "verses", "v.", "vv."),
    "volume": ("volume", "volumes", "vol.", "vols."),
}
HEADWORDS = ("s.v.", "s.vv.", "sub verbo")
AS_TYPED = ("art.", "arts.", "article", "articles")

BRIEF = """\
title: Locators
date: 2024-05-01
organisation: {{name: Org}}
summary: Summary.
style: probe.csl
sections:
  - heading: One
    body:
{claims}
recommendations:
  - to: Everyone
    actions: [Act.]
sources:
  - {{id: a, type: book, title: T}}
"""


def test_the_table_covers_every_accepted_label():
    listed = {label for labels in TERMS.values() for label in labels}
    assert listed | set(HEADWORDS) | set(AS_TYPED) == LOCATOR_LABELS


def build_notes(workdir: Path, citations: list[str]) -> list[str]:
    shutil.copy(DATA / "locators" / "probe.csl", workdir / "probe.csl")
    claims = "\n".join(f"      - claim: 'Claim {c}.'" for c in citations)
    (workdir / "b.yaml").write_text(BRIEF.format(claims=claims), "utf-8")
    rendered = format_citations(load_brief(Path("b.yaml"))).rendered.values()
    return [str(r.note) for r in rendered]


def test_every_label_is_read_as_its_csl_term(workdir):
    labels = [(label, term) for term, labels in TERMS.items() for label in labels]
    found = build_notes(workdir, [f"[@a, {label} 12]" for label, _ in labels])
    assert found == [f"T {{{term}=12}}" for _, term in labels]


def test_headwords_suffixes_prefixes_and_narrative_citations(workdir):
    found = build_notes(workdir, [
        "[@a, s.v. refugee]", "[@a, sub verbo asylum, emphasis added]",
        "[@a, p. 4, emphasis added]", "[see @a, ch. 2, and the sources there]",
        "[@a, art. 33]", "[-@a, para. 5]", "@a [ch. 3]", "[@a, 12]", "[@a, pp. iv–vi]"])
    assert found == [
        "T {sub verbo=refugee}", "T {sub verbo=asylum}, emphasis added",
        "T {page=4}, emphasis added", "See T {chapter=2}, and the sources there",
        "T, art. 33", "T {paragraph=5}", "T {chapter=3}", "T {page=12}", "T {pages=iv–vi}"]
