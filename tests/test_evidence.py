"""Quotations and evidence excerpts checked against local copies of their sources: PDFs the tests
lay out with WeasyPrint (known text on known pages), HTML and text copies, mistakes and hostile
files."""

from __future__ import annotations

import io
import json
import os
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from brief import evidence
from brief.limits import LIMITS
from brief.evidence import locator_pages
from copies import filler, make_pdf

QUOTE_P12 = ("In forcibly returning nationals of the Republic, the State also violates its "
             "obligation to respect the principle of non-refoulement under international "
             "refugee law and its first official undertakings.")
QUOTE_P13 = ("Women account for more than seventy per cent of those who reached the South in "
             "the period under review.")


def six_pages() -> list[list[str]]:
    """Six pages; the quotations on the third and fourth (printed 12 and 13 with labels)."""
    pages = [[filler(index, 60)] for index in range(6)]
    pages[2] = [filler(2, 40), QUOTE_P12]
    pages[3] = [filler(3, 30), QUOTE_P13]
    return pages


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, bytes]:
    """Each kind of copy, laid out once for the module."""
    folder = tmp_path_factory.mktemp("pdfs")
    made = {
        "plain": make_pdf(folder / "plain.pdf", six_pages()),
        "labelled": make_pdf(folder / "labelled.pdf", six_pages(),
                             labels=[(0, "r", 1), (2, "D", 12)]),
        "hyphenated": make_pdf(folder / "hyphenated.pdf", six_pages(), hyphenate=True,
                               narrow=True),
        "columns": make_pdf(folder / "columns.pdf", [[filler(1, 60)], [
            filler(2, 120), QUOTE_P12, filler(3, 120)]], columns=True),
        "ligatures": make_pdf(folder / "ligatures.pdf", [[filler(1, 30)], [
            "The \ufb01rst of\ufb01cial \ufb02ights were \ufb01nanced by the of\ufb01ce."]]),
        "blank": make_pdf(folder / "blank.pdf", [[""], [""]]),
    }
    return {name: path.read_bytes() for name, path in made.items()}


def write_brief(folder: Path, body: str, source: str = "file: sources/report.pdf",
                extra: str = "") -> Path:
    brief = folder / "brief.yaml"
    brief.write_text(textwrap.dedent("""\
        title: Test
        date: 2020-01-01
        organisation: {name: Org}
        summary: Returns violate the law [@rep, p. 12].
        sections:
          - heading: A
            body:
        """) + textwrap.indent(textwrap.dedent(body), "      ") + textwrap.dedent("""\
        recommendations:
          - to: X
            actions: [Do it.]
        sources:
          - id: rep
            type: report
            title: Report
        """) + textwrap.indent(source.replace("\n    ", "\n") + "\n", "    ") + extra, "utf-8")
    return brief


def copy_in(folder: Path, data: bytes, name: str = "report.pdf") -> Path:
    (folder / "sources").mkdir(exist_ok=True)
    target = folder / "sources" / name
    target.write_bytes(data)
    return target


def quote(words: str, locator: str = "p. 12") -> str:
    return f"- quote: {json.dumps(words)}\n  source: rep\n  locator: {locator}\n"


def verify(run, folder: Path, *options: str) -> tuple[int, str]:
    return run("verify", "brief.yaml", *options, cwd=folder)


# --- verified ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, locator", [("labelled", "p. 12"), ("plain", "p. 3"),
                                           ("hyphenated", "p. 3"), ("columns", "p. 2")])
def test_a_quotation_on_its_page_is_verified(pdfs, workdir, run, kind, locator):
    copy_in(workdir, pdfs[kind])
    write_brief(workdir, quote(QUOTE_P12, locator))
    assert verify(run, workdir) == (0, "brief.yaml: 1 verified, 1 no excerpt\n")


def test_the_hyphenated_copy_really_breaks_words_at_line_ends(pdfs):
    import pypdfium2

    text = pypdfium2.PdfDocument(pdfs["hyphenated"])[2].get_textpage().get_text_range()
    assert "\u2010\r\n" in text  # so the test above checks end-of-line hyphenation


def test_ligatures_in_the_copy_match_plain_letters(pdfs, workdir, run):
    copy_in(workdir, pdfs["ligatures"])
    write_brief(workdir, quote("The first official flights were financed by the office.",
                               "p. 2"))
    assert verify(run, workdir) == (0, "brief.yaml: 1 verified, 1 no excerpt\n")


def test_typographic_quotes_dashes_and_soft_hyphens_fold(workdir, run):
    copy_in(workdir, "The State\u2019s \u201cduty\u201d \u2014 to pro\u00adtect \u2014 "
                     "holds.".encode(), "report.txt")
    write_brief(workdir, quote("The State's \"duty\"—to protect - holds", "p. 1"),
                source="file: sources/report.txt")
    assert verify(run, workdir) == (0, "brief.yaml: 1 verified, 1 no excerpt\n")


def test_page_numbers_come_from_the_sources_page_range(pdfs, workdir, run):
    copy_in(workdir, pdfs["plain"])
    write_brief(workdir, quote(QUOTE_P12, "p. 401"),
                source="file: sources/report.pdf\n    page: 399-404")
    assert verify(run, workdir)[0] == 0


def test_first_page_numbers_a_copy_without_labels(pdfs, workdir, run):
    copy_in(workdir, pdfs["plain"])
    write_brief(workdir, quote(QUOTE_P13, "p. 23"),
                source="file: sources/report.pdf\n    first-page: 20")
    assert verify(run, workdir)[0] == 0


def test_editorial_marks(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, "".join([
        quote("In forcibly returning nationals … the State also violates its obligation"),
        quote("[…] the State also violates its obligation [...] under international refugee "
              "law"),
        quote("[T]he State also violates its obligation"),
        quote("In forcibly returning [them], the State also violates its obligation"),
        quote("the State also violates [sic] its obligation (emphasis added)"),
        quote("the principle of *non-refoulement* under international refugee law."),
        quote("more than seventy per cent [of refugees] of those who reached", "p. 13"),
    ]))
    assert verify(run, workdir) == (0, "brief.yaml: 7 verified, 1 no excerpt\n")


def test_evidence_excerpts_are_checked_on_the_claims_pinpoint(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, """\
        - claim: Most who reach the South are women [@rep, pp. 12–13].
          evidence:
            rep: "Women account for more than seventy per cent of those who reached"
        """)
    assert verify(run, workdir) == (0, "brief.yaml: 1 verified, 1 no excerpt\n")


# --- mistakes ----------------------------------------------------------------------------------

def test_a_misquote_shows_the_closest_passage_with_the_differences_marked(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, quote("the State also breaches its obligation to respect the "
                               "principle"))
    assert verify(run, workdir) == (1, (
        "brief.yaml:8:16: error: quotation not found in sources/report.pdf\n"
        "  hint: closest passage, p. 12 of sources/report.pdf: \"the State also ⟦violates⟧ its "
        "obligation to respect the principle\" (the quotation has \"breaches\")\n"
        "brief.yaml: 1 not found, 1 no excerpt\n"))


def test_ellipsis_parts_must_stand_in_order(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, quote("under international refugee law … In forcibly returning"))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:8:16: error: quotation not found in sources/report.pdf\n")


def test_a_wrong_page_is_an_error_at_the_locator(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, quote(QUOTE_P13, "p. 12"))
    assert verify(run, workdir) == (1, (
        "brief.yaml:10:18: error: quotation is not on p. 12: found on p. 13 of "
        "sources/report.pdf\n"
        "  hint: correct the locator to p. 13, or check that the copy is the edition you cite\n"
        "brief.yaml: 1 other page, 1 no excerpt\n"))


def test_a_wrong_pinpoint_of_an_excerpt_is_an_error_at_the_citation(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, """\
        - claim: Most who reach the South are women [@rep, p. 401].
          evidence:
            rep: "Women account for more than seventy per cent"
        """)
    assert verify(run, workdir) == (1, (
        "brief.yaml:8:58: error: evidence is not on p. 401: found on p. 13 of "
        "sources/report.pdf\n"
        "  hint: correct the locator to p. 13, or check that the copy is the edition you cite\n"
        "brief.yaml: 1 other page, 1 no excerpt\n"))


@pytest.mark.parametrize("kind, name, found", [("labelled", "report.pdf", "verified p. 13"),
                                               ("text", "report.txt", "verified p. 2"),
                                               ("html", "report.html", "verified")])
def test_a_locator_that_names_no_page_passes_strict(pdfs, workdir, run, kind, name, found):
    """`art. 33(1)` is no page to compare with the copy's: nothing to warn about, and the
    ledger says where the words stand (a web page has no pages, so none)."""
    copy_in(workdir, {"labelled": pdfs["labelled"],
                      "text": f"first page\n\f{QUOTE_P13}".encode(),
                      "html": f"<p>{QUOTE_P13}</p>".encode()}[kind], name)
    write_brief(workdir, quote(QUOTE_P13, "art. 33(1)") + quote(QUOTE_P13, "para. 41"),
                source=f"file: sources/{name}")
    assert verify(run, workdir, "--strict") == (
        0, "brief.yaml: 2 verified, 1 no excerpt\n")
    code, table = run("ledger", "brief.yaml", "--format", "csv", cwd=workdir)
    assert code == 0
    rows = [row for row in table.splitlines() if ",quotation," in row]
    assert len(rows) == 2 and all(f",{found.split()[-1] if found != 'verified' else ''}," in row
                                  for row in rows), table
    markdown = run("ledger", "brief.yaml", cwd=workdir)[1]
    assert markdown.count(f"| {found} |") == 2, markdown


def test_evidence_from_a_source_the_claim_does_not_cite(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, """\
        - claim: Most are women [@rep, p. 13].
          evidence:
            other: "Women account"
        """, extra="  - {id: other, type: report, title: Other}\n")
    assert verify(run, workdir)[1] == (
        "brief.yaml:10:11: error: evidence from `other`, which the claim does not cite\n"
        "  hint: cite it in the claim, with the page of these words: [@other, p. …]\n"
        "brief.yaml:19:10: warning: source `other` is never cited\n"
        "  hint: cite it, or remove it from `sources`\n"
        "brief.yaml: 2 no excerpt\n")


def test_a_misquote_reaches_no_pdf(pdfs, workdir, run):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, quote(QUOTE_P12))
    assert run("build", "brief.yaml", cwd=workdir)[0] == 0
    before = (workdir / "brief.pdf").read_bytes()
    write_brief(workdir, quote(QUOTE_P12.replace("violates", "breaches")))
    code, output = run("build", "brief.yaml", cwd=workdir)
    assert code == 1
    assert output.startswith("brief.yaml:8:16: error: quotation not found in "
                             "sources/report.pdf\n")
    assert (workdir / "brief.pdf").read_bytes() == before
    code, output = run("check", "brief.yaml", cwd=workdir)
    assert code == 1 and "quotation not found" in output


def test_no_copy_is_fine_unless_evidence_is_required(workdir, run):
    write_brief(workdir, quote(QUOTE_P12), source="page: 1-20")
    assert verify(run, workdir) == (0, "brief.yaml: 1 no copy, 1 no excerpt\n")
    assert verify(run, workdir, "--require-evidence") == (1, (
        "brief.yaml:8:16: error: quotation from `rep` cannot be checked: the source has no "
        "local copy\n"
        "  hint: add `file: sources/…` to source `rep`, with a copy of it in the brief's folder\n"
        "brief.yaml: 1 no copy, 1 no excerpt\n"))
    assert run("check", "--require-evidence", "brief.yaml", cwd=workdir)[0] == 1


# --- other copies ------------------------------------------------------------------------------

def test_an_html_copy_gives_its_text_not_its_scripts(workdir, run):
    copy_in(workdir, b"<!doctype html><html><head><title>Women account</title>"
            b"<script>var s = 'The State violates its obligation';</script></head><body>"
            b"<p>The State&rsquo;s <em>first</em> duty:</p><p>Women account for more than "
            b"seventy per cent.</p></body></html>", "report.html")
    write_brief(workdir, quote("The State's first duty: Women account for more than seventy "
                               "per cent") + quote("The State violates its obligation"),
                source="file: sources/report.html")
    assert verify(run, workdir) == (1, (
        "brief.yaml:11:16: error: quotation not found in sources/report.html\n"
        "  hint: closest passage, sources/report.html: \"The ⟦State’s first⟧\" (the quotation "
        "has \"State violates its obligation\")\n"
        "brief.yaml: 1 verified, 1 not found, 1 no excerpt\n"))


def test_a_text_copy_with_form_feeds_has_pages(workdir, run):
    copy_in(workdir, b"first page text\n\fsecond page: the words we quote\n\fthird",
            "report.txt")
    write_brief(workdir, quote("the words we quote", "p. 2"), source="file: sources/report.txt")
    assert verify(run, workdir)[0] == 0
    write_brief(workdir, quote("the words we quote", "p. 3"), source="file: sources/report.txt")
    assert "found on p. 2 of sources/report.txt" in verify(run, workdir)[1]


# --- refused copies ----------------------------------------------------------------------------

def test_a_copy_outside_the_folder_is_refused(workdir, run, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("the words we quote")
    (workdir / "sources").mkdir()
    (workdir / "sources" / "link.txt").symlink_to(outside)
    write_brief(workdir, quote("the words we quote"), source=f"file: {outside}")
    assert verify(run, workdir)[1].startswith(
        f"brief.yaml:18:11: error: copy `{outside}` is outside the brief's folder\n"
        "  hint: a brief may only read files in its own folder and below it\n")
    write_brief(workdir, quote("the words we quote"), source="file: sources/link.txt")
    assert "error: copy `sources/link.txt` is outside the brief's folder" in \
        verify(run, workdir)[1]


def test_a_missing_copy_and_an_unknown_kind(workdir, run):
    write_brief(workdir, quote("x"), source="file: sources/none.pdf")
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: file not found: sources/none.pdf\n"
        "  hint: paths are relative to the brief's folder\n")
    copy_in(workdir, b"PK\x03\x04", "report.docx")
    write_brief(workdir, quote("x"), source="file: sources/report.docx")
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: `sources/report.docx` is not a PDF, HTML or text file\n"
        "  hint: a copy ends in .pdf (with a text layer), .html or .txt/.md\n")


def encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("damage, message", [
    (lambda data: b"<html>not a pdf</html>", "sources/report.pdf is not a PDF file"),
    (lambda data: data[:len(data) // 3], "sources/report.pdf cannot be read as a PDF (data "
                                         "format error)"),
    (lambda data: b"%PDF-1.7\n" + os.urandom(4000), "sources/report.pdf cannot be read as a "
                                                    "PDF (data format error)"),
    (encrypted, "sources/report.pdf cannot be read as a PDF (incorrect password error)"),
])
def test_hostile_or_damaged_pdfs_are_refused(pdfs, workdir, run, damage, message, fresh_cache):
    copy_in(workdir, damage(pdfs["plain"]))
    write_brief(workdir, quote(QUOTE_P12))
    code, output = verify(run, workdir)
    assert code == 1
    assert output.splitlines()[0] == f"brief.yaml:18:11: error: {message}"


def test_a_pdf_without_text_is_a_scan(pdfs, workdir, run, fresh_cache):
    copy_in(workdir, pdfs["blank"])
    write_brief(workdir, quote(QUOTE_P12))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: sources/report.pdf has no text layer, so quotations cannot "
        "be checked against it\n"
        "  hint: it is probably a scan: add a text layer with OCR (e.g. `ocrmypdf`), or use "
        "the publisher's PDF\n")


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path / "fresh-cache"))


def test_page_and_time_limits(pdfs, workdir, run, monkeypatch, fresh_cache):
    copy_in(workdir, pdfs["plain"])
    write_brief(workdir, quote(QUOTE_P12))
    monkeypatch.setattr(evidence, "LIMITS", replace(LIMITS, copy_pages=5))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: sources/report.pdf has 6 pages; a copy may have at most 5\n")
    monkeypatch.setattr(evidence, "LIMITS", replace(LIMITS, copy_characters=1000))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: sources/report.pdf holds more than 1,000 characters of text; "
        "a copy may hold at most that\n"
        "  hint: keep the part of the source you cite\n")


def test_a_pdf_that_hangs_or_kills_its_reader_is_stopped(pdfs, workdir, run, monkeypatch,
                                                         fresh_cache):
    import time

    copy_in(workdir, pdfs["plain"])
    write_brief(workdir, quote(QUOTE_P12))
    monkeypatch.setattr(evidence, "_pdf_pages", lambda *args: time.sleep(600))
    monkeypatch.setattr(evidence, "LIMITS", replace(LIMITS, evidence_seconds=1.0))
    monkeypatch.setattr(evidence, "GRACE_SECONDS", 0.0)
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: reading sources/report.pdf took more than 1 seconds\n"
        "  hint: the file may be damaged or hostile; use another copy\n")
    # Remembered: a watch does not wait for it again on every save.
    monkeypatch.setattr(evidence, "_in_own_process", lambda *args: time.sleep(600))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: reading sources/report.pdf took more than 1 seconds\n")
    monkeypatch.undo()
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(workdir / "another-cache"))
    monkeypatch.setattr(evidence, "_pdf_pages", lambda *args: os._exit(3))
    assert verify(run, workdir)[1].startswith(
        "brief.yaml:18:11: error: sources/report.pdf could not be read: the process reading it "
        "stopped\n"
        "  hint: the file may be damaged or hostile; use another copy\n")


def test_extracted_text_is_cached_by_content(pdfs, workdir, run, monkeypatch, fresh_cache):
    copy_in(workdir, pdfs["labelled"])
    write_brief(workdir, quote(QUOTE_P12))
    assert verify(run, workdir)[0] == 0

    def no_reading(*args):
        raise AssertionError("the copy was read again")

    monkeypatch.setattr(evidence, "_in_own_process", no_reading)
    assert verify(run, workdir)[0] == 0
    copy_in(workdir, pdfs["plain"])  # new content: read again
    with pytest.raises(AssertionError, match="read again"):
        verify(run, workdir)


# --- pieces ------------------------------------------------------------------------------------

@pytest.mark.parametrize("locator, inside, outside", [
    ("p. 401", ["401"], ["400", "402"]),
    ("pp. 10–11", ["10", "11"], ["9", "12"]),
    ("pp. 401–3", ["401", "403"], ["404"]),
    ("p. 10f", ["10", "11"], ["12"]),
    ("p. 10ff", ["10", "99"], ["9"]),
    ("pp. 3, 7", ["3", "7"], ["5"]),
    ("p. xii", ["xii"], ["12", "xi"]),
    ("401", ["401"], ["4"]),
    ("p. 401, emphasis added", ["401"], ["402"]),
])
def test_locator_pages(locator, inside, outside):
    pages = locator_pages(locator)
    assert all(label in pages for label in inside)
    assert not any(label in pages for label in outside)


@pytest.mark.parametrize("locator", ["para. 41", "ch. 2", "art. 33", "§ 4", None, ""])
def test_locators_that_name_no_page(locator):
    assert locator_pages(locator) is None


def test_running_heads_and_folios_are_not_text():
    pages = [f"A/HRC/25/63\n{body}\n{number}" for number, body in
             enumerate(["first words", "then more", "and the end"], 1)]
    assert evidence.without_page_furniture(pages) == ["first words", "then more", "and the end"]


# --- generated copies and quotations -----------------------------------------------------------

WORDS = ("refugee", "border", "non-refoulement", "State's", "“protection”", "return", "law",
         "of", "the", "and", "forty", "1986", "—", "women", "children", "camp", "ﬁnal", "ofﬁce")


def _document(pages: list[str]):
    from brief.evidence import Copy, fold_for_display, prepare

    class Source:
        model_extra: dict = {}
        first_page = None

    copy = Copy(Path("copy.txt"), "copy.txt", tuple(fold_for_display(p) for p in pages),
                (None,) * len(pages), True)
    return prepare(copy, Source())


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=30, max_size=80), min_size=1,
                max_size=4), st.data())
def test_any_passage_of_a_copy_is_found_on_its_page_and_a_changed_word_is_not(pages, data):
    """Quote a random run of words from a generated copy, as the copy's lines break it: it is
    found where it stands; with one word changed, it is found nowhere."""
    from brief.evidence import find_matches, quotation_parts

    # Lines of seven words, as a PDF breaks them; some words hyphenated at the line end.
    texts = []
    for words in pages:
        lines = [" ".join(words[i:i + 7]) for i in range(0, len(words), 7)]
        texts.append("\n".join(line[:-3] + "-\n" + line[-3:] if len(line) > 20
                               and line[-4].isalpha() and line[-3:].isalpha() and
                               data.draw(st.booleans()) else line for line in lines))
    document = _document(texts)
    page = data.draw(st.integers(0, len(pages) - 1))
    words = pages[page]
    start = data.draw(st.integers(0, len(words) - 6))
    length = data.draw(st.integers(5, min(25, len(words) - start)))
    quoted = words[start:start + length]
    if quoted[0] == "—":
        quoted = quoted[1:]
    assume(len(quoted) >= 4)
    typed = " ".join(quoted).replace("ﬁ", "fi").replace("“", '"').replace("”", '"')
    matches = find_matches(quotation_parts(typed), document)
    assert matches, typed
    assert any(document.page_at(match.start) == page for match in matches)
    position = data.draw(st.integers(0, len(quoted) - 1))
    assume(quoted[position] not in ("—",))
    changed = list(quoted)
    changed[position] = "misquoted"
    assert not find_matches(quotation_parts(" ".join(changed)), document), changed


# --- rough edges a new user found ------------------------------------------------------------

REPORT_PAGES = (
    "                                                   A/HRC/53/20\n\n"
    "  The Special Rapporteur recalls that the principle of non-refoulement is absolute under\n"
    "international human rights law and\n\n"
    "4\n\f"
    "                                                   A/HRC/53/20\n\n"
    "admits of no exception, and that returns to Eritrea expose persons to a real risk of\n"
    "torture. The international protec-\n\n"
    "5\n\f"
    "                                                   A/HRC/53/20\n\n"
    "tion needs of returnees must be assessed with care.\n\n"
    "6\n")


def test_a_quotation_runs_on_across_folios_and_running_heads(workdir, run):
    """A text copy as `pdftotext -layout` writes it: the running head and the folio between
    two pages once stood in the middle of every quotation that crossed them."""
    copy_in(workdir, REPORT_PAGES.encode(), "report.txt")
    write_brief(workdir, quote("the principle of non-refoulement is absolute under "
                               "international human rights law and admits of no exception",
                               "pp. 1–2")
                + quote("The international protection needs of returnees", "pp. 2–3"),
                source="file: sources/report.txt")
    assert verify(run, workdir, "--strict") == (0, "brief.yaml: 2 verified, 1 no excerpt\n")


def test_a_folio_glued_to_a_line_end_hyphen_is_not_text():
    """PDFium puts no line break after a hyphen it takes for a line end: the folio below
    came glued to the word's first half (`protec\ufffe3`)."""
    pages = ["Head\nmeans that the international protec\ufffe3", "Head\ntion needs of returnees\n4",
             "Head\nmust be assessed.\n5"]
    assert evidence.without_page_furniture(pages) == [
        "means that the international protec\ufffe", "tion needs of returnees",
        "must be assessed."]


@pytest.mark.parametrize("quotation", [
    "d'un «esclavage à vie»",  # Swiss typing, no spaces inside the guillemets
    "d’un « esclavage à vie » : selon lui; non!",
    "vie »: selon lui ; non !",
])
def test_french_spaces_around_marks_are_folded(workdir, run, quotation):
    copy_in(workdir, "Il parle eux-mêmes d’un\u00a0«\u202fesclavage à vie\u202f»\u00a0: selon lui"
            "\u202f; non\u202f!".encode(), "report.txt")
    write_brief(workdir, quote(quotation, "p. 1"), source="file: sources/report.txt")
    assert verify(run, workdir) == (0, "brief.yaml: 1 verified, 1 no excerpt\n")


def test_the_closest_passage_reaches_the_quotations_first_and_last_words(workdir, run):
    """A word left out of a long quotation once cut the passage short, and the hint blamed
    the last word, which the source has."""
    copy_in(workdir, b"In 2023 Egyptian authorities arbitrarily detained and forcibly returned "
            b"at least 800 Eritreans, among them children, without allowing them to lodge "
            b"asylum claims. Others were released.", "report.txt")
    write_brief(workdir, quote("Egyptian authorities detained and forcibly returned at least "
                               "800 Eritreans, among them children, without allowing them to "
                               "lodge asylum claims", "p. 1"),
                source="file: sources/report.txt")
    assert verify(run, workdir)[1].splitlines()[1] == (
        '  hint: closest passage, sources/report.txt: "Egyptian authorities ⟦arbitrarily⟧ '
        'detained and forcibly returned at least 800 Eritreans, among them children, without '
        'allowing them to lodge asylum claims."')


def test_verify_reports_what_check_reports(workdir, run):
    """`verify --strict` passed a brief whose locator `check` refuses."""
    copy_in(workdir, b"the words we quote", "report.txt")
    write_brief(workdir, quote("the words we quote", "para 9"), source="file: sources/report.txt")
    code, output = verify(run, workdir, "--strict")
    assert code == 1 and "error: `para` is not a locator label" in output, output
