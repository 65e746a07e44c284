"""The evidence ledger: as a table, CSV and a W3C Web Annotation collection, and as the PDF's
Evidence appendix with the JSON attached; and the example brief's own evidence."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE, ROOT
from test_cli import pdf_text

BRIEF = """\
title: Ledger test
date: 2020-01-01
organisation: {name: Org}
url: https://example.org/briefs/ledger
summary: >-
  Returns are unlawful [@rep, p. 2]. Women are most of those who leave [@rep, p. 3; @web].
key_messages:
  - Returns violate the law [@rep, p. 2].
  - They should stop.
  - Others should help.
sections:
  - heading: A
    body:
      - claim: Most who reach the South are women [@rep, p. 3].
        evidence:
          rep: "Women account for more than seventy per cent"
      - quote: "the State also violates its obligation"
        source: rep
        locator: p. 2
      - claim: The web says so [@web].
recommendations:
  - to: X
    actions:
      - Stop returns [@rep, p. 2].
sources:
  - id: rep
    type: report
    title: "Report on Returns: Findings"
    author: UN Human Rights Council
    DOI: 10.1000/rep
    file: sources/rep.txt
  - id: web
    type: webpage
    title: A Web Page
    URL: https://example.org/page
"""
COPY = ("Front matter.\f"
        "In forcibly returning them, the State also violates its obligation to respect "
        "non-refoulement.\f"
        "Women account for more than seventy per cent of those who reached the South.")


@pytest.fixture
def ledger_brief(workdir) -> Path:
    (workdir / "sources").mkdir()
    (workdir / "sources" / "rep.txt").write_text(COPY, "utf-8")
    brief = workdir / "brief.yaml"
    brief.write_text(BRIEF, "utf-8")
    return brief


def test_ledger_as_a_markdown_table(ledger_brief, run):
    code, output = run("ledger", "brief.yaml")
    assert code == 0
    assert output == textwrap.dedent("""\
        # Evidence ledger: Ledger test

        brief.yaml: 8 citations; 2 verified, 6 no excerpt.

        | Line | Kind | Text | Source | Pinpoint | Evidence | Passage in the source |
        |---:|---|---|---|---|---|---|
        | 6 | summary sentence | Returns are unlawful. | rep | p. 2 | no excerpt |  |
        | 6 | summary sentence | Women are most of those who leave. | rep | p. 3 | no excerpt |  |
        | 6 | summary sentence | Women are most of those who leave. | web |  | no excerpt |  |
        | 8 | key message | Returns violate the law. | rep | p. 2 | no excerpt |  |
        | 14 | claim | Most who reach the South are women. | rep | p. 3 | verified p. 3 | \u201cWomen account for more than seventy per cent\u201d |
        | 17 | quotation | the State also violates its obligation | rep | p. 2 | verified p. 2 | \u201cthe State also violates its obligation\u201d |
        | 20 | claim | The web says so. | web |  | no excerpt |  |
        | 24 | recommendation | Stop returns. | rep | p. 2 | no excerpt |  |
        """)


def test_ledger_as_csv_to_a_file(ledger_brief, run, workdir):
    code, output = run("ledger", "brief.yaml", "--format", "csv", "-o", "ledger.csv")
    assert (code, output) == (0, "wrote ledger.csv\n")
    rows = list(csv.DictReader(io.StringIO((workdir / "ledger.csv").read_text("utf-8"))))
    assert rows[4] == {
        "file": "brief.yaml", "line": "14", "column": "16", "kind": "claim",
        "text": "Most who reach the South are women.", "source": "rep", "pinpoint": "p. 3",
        "status": "verified", "page": "3", "copy": "sources/rep.txt",
        "excerpt": "Women account for more than seventy per cent",
        "passage": "Women account for more than seventy per cent"}


def test_ledger_as_a_web_annotation_collection(ledger_brief, run):
    code, output = run("ledger", "brief.yaml", "--format", "json")
    assert code == 0
    collection = json.loads(output)
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 8
    annotations = collection["first"]["items"]
    assert annotations[5] == {
        "id": "https://example.org/briefs/ledger/evidence-ledger.json#6",
        "type": "Annotation",
        "motivation": "assessing",
        "body": [
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
             "language": "en", "value": "the State also violates its obligation"},
            {"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
             "language": "en", "value": "verified p. 2"}],
        "target": {
            "source": "https://doi.org/10.1000/rep",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "the State also violates its obligation",
                 "prefix": "er. In forcibly returning them, ",
                 "suffix": " to respect non-refoulement. Wom"},
                {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                 "value": "page=2"}]},
        "brief": {"kind": "quotation", "file": "brief.yaml", "line": 17, "column": 16,
                  "source": "rep", "pinpoint": "p. 2", "status": "verified", "page": "2",
                  "copy": "sources/rep.txt"},
    }
    assert annotations[6]["target"] == {"source": "https://example.org/page"}


def test_build_with_ledger_appends_the_appendix_and_attaches_the_json(ledger_brief, run,
                                                                      workdir):
    code, output = run("build", "brief.yaml", "--ledger")
    assert (code, output) == (0, "wrote brief.pdf\n")
    pdf = workdir / "brief.pdf"
    pages = pdf_text(pdf)
    appendix = " ".join(pages[-1].split())
    assert appendix.startswith("Evidence Every passage of this brief that cites a source")
    assert "(evidence-ledger.json, W3C Web Annotation)" in appendix
    assert ("14 CLAIM Most who reach the South are women. UN Human Rights Council, Report on "
            "Returns, p. 3 ✓ verified p. 3 “Women account for more than seventy per "
            "cent”") in appendix
    reader = PdfReader(pdf)
    attached = reader.attachments["evidence-ledger.json"][0]
    assert json.loads(attached)["total"] == 8
    root = reader.trailer["/Root"]
    files = [spec.get_object() for spec in root["/AF"]]
    assert [(spec["/F"], spec["/AFRelationship"]) for spec in files] == [
        ("evidence-ledger.json", "/Supplement")]
    embedded = files[0]["/EF"]["/F"].get_object()
    assert "/CreationDate" not in embedded["/Params"]  # no date without SOURCE_DATE_EPOCH
    # Without --ledger, neither.
    assert run("build", "brief.yaml", "-o", "plain.pdf")[0] == 0
    assert "Evidence" not in pdf_text(workdir / "plain.pdf")[-1]
    assert PdfReader(workdir / "plain.pdf").attachments == {}


def test_ledger_is_refused_where_it_cannot_go(ledger_brief, run):
    assert run("build", "brief.yaml", "--ledger", "--layout", "handout") == (1, (
        "brief.yaml:1:1: error: a handout has no room for the Evidence appendix\n"
        "  hint: build the full brief with --ledger, or the handout without it\n"))
    assert run("build", "brief.yaml", "--ledger", "--pdf-variant", "pdf/a-2b") == (1, (
        "brief.yaml:1:1: error: PDF/A-2B cannot carry the JSON ledger as an attached file\n"
        "  hint: use --pdf-variant pdf/a-3u, which allows associated files, or build without "
        "--ledger\n"))


def test_pdf_a_3_carries_the_ledger(ledger_brief, run, workdir):
    assert run("build", "brief.yaml", "--ledger", "--pdf-variant", "pdf/a-3u")[0] == 0
    reader = PdfReader(workdir / "brief.pdf")
    assert list(reader.attachments) == ["evidence-ledger.json"]
    assert len(reader.trailer["/Root"]["/AF"]) == 1


def test_a_changed_copy_makes_the_pdf_out_of_date(ledger_brief, run, workdir):
    assert run("build", "brief.yaml")[1] == "wrote brief.pdf\n"
    assert run("build", "brief.yaml")[1] == "up to date brief.pdf\n"
    copy = workdir / "sources" / "rep.txt"
    copy.write_text(COPY.replace("violates", "breaches"), "utf-8")
    code, output = run("build", "brief.yaml")
    assert code == 1 and "quotation not found in sources/rep.txt" in output


# --- the example ---------------------------------------------------------------------------------

def test_the_example_quotation_and_excerpts_are_verified(run):
    code, output = run("verify", str(EXAMPLE))
    assert (code, output) == (0, "briefs/north-korea-refugees.yaml: 4 verified, 31 no excerpt\n")


def test_the_example_ledger_sample_in_docs_is_current(run, update_golden):
    sample = ROOT / "docs" / "ledger-sample.md"
    code, output = run("ledger", str(EXAMPLE.relative_to(ROOT)), cwd=ROOT)
    assert code == 0
    if update_golden:
        sample.write_text(output, "utf-8")
    assert sample.read_text("utf-8") == output


def test_the_example_stand_in_is_marked_and_quotes_only_the_brief(tmp_path):
    """The stand-in's only words from the real report are those the brief quotes."""
    import pypdfium2

    from brief.evidence import fold_for_display

    document = pypdfium2.PdfDocument(ROOT / "briefs" / "sources" / "coi2014-stand-in.pdf")
    first = document[0].get_textpage().get_text_range()
    assert "STAND-IN DOCUMENT" in fold_for_display(first)


def test_bibtex_file_fields_are_kept(run, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(textwrap.dedent("""\
        @report{coi2014,
          title = {Report of the Commission of Inquiry},
          author = {{UN Human Rights Council}},
          year = {2014},
          file = {Full Text PDF:sources/coi.pdf:application/pdf;Snapshot:sources/coi.html:text/html}
        }
        @article{song2015,
          title = {Twenty Years},
          author = {Song, Jiyoung},
          year = {2015},
          file = {:C\\:\\\\Users\\\\me\\\\song.pdf:PDF}
        }
        """), "utf-8")
    code, output = run("sources", "import", str(bib))
    assert code == 0
    assert "  file: sources/coi.pdf\n" in output
    assert "  file: C:\\Users\\me\\song.pdf\n" in output


def test_sources_import_into_makes_paths_in_the_folder_relative(run, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(EXAMPLE.parent, folder, ignore=shutil.ignore_patterns("*.pdf", "*.html"))
    (folder / "north-korea-refugees.yaml").write_text(
        EXAMPLE.read_text("utf-8").replace("    file: sources/coi2014-stand-in.pdf\n", ""))
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{hrw2019, title = {North Korea}, year = {2019}, "
                   f"file = {{Snapshot:{folder}/sources/hrw.html:text/html}}}}\n", "utf-8")
    assert run("sources", "import", str(bib), "--into",
               str(folder / "north-korea-refugees.yaml"))[0] == 0
    assert "    file: sources/hrw.html\n" in (folder / "north-korea-refugees.yaml").read_text()


def test_a_brief_reads_file_from_its_bib_sources(run, workdir):
    (workdir / "sources").mkdir()
    (workdir / "sources" / "rep.txt").write_text(COPY, "utf-8")
    (workdir / "refs.bib").write_text(
        "@report{rep, title = {Report}, year = {2014}, file = {:sources/rep.txt:text/plain}}\n")
    (workdir / "brief.yaml").write_text(BRIEF.split("sources:\n")[0].replace(
        "violates its", "breaches its") + "sources: [refs.bib, {id: web, type: webpage, "
        "title: W}]\n", "utf-8")
    code, output = run("verify", "brief.yaml")
    assert code == 1 and "quotation not found in sources/rep.txt" in output


@pytest.mark.parametrize("value, message", [
    ("evidence: words", "brief.yaml:15:19: error: `evidence` should be a mapping of keys, not "
                        "text"),
    ("evidence: {'@rep': words}", "brief.yaml:15:19: error: `@rep` is not a source id"),
])
def test_malformed_evidence(run, workdir, value, message):
    text = BRIEF.replace('evidence:\n          rep: "Women account for more than seventy per '
                         'cent"', value)
    (workdir / "brief.yaml").write_text(text, "utf-8")
    code, output = run("check", "brief.yaml")
    assert code == 1 and message in output.splitlines()


# --- hostile text: data in every format -------------------------------------------------------

PASSAGE = ('=HYPERLINK("http://x","click") <img src=x onerror=alert(1)> [x](javascript:alert(1)) '
           "![i](javascript:alert(2)) <javascript:alert(3)> a | b, $5 and $10")
HOSTILE_COPY = (f"Front matter.\f{PASSAGE}; the State also violates its obligation.\f"
                "+SUM(1+1): -2+3 returns.")
HOSTILE_BRIEF = BRIEF.replace(
    "title: Ledger test", "title: \"Ledger <img src=x onerror=alert(0)> [t](javascript:t)\""
).replace(
    '      - claim: Most who reach the South are women [@rep, p. 3].\n'
    '        evidence:\n'
    '          rep: "Women account for more than seventy per cent"',
    '      - claim: \'=HYPERLINK("http://x","click") says so [@rep, p. 2].\'\n'
    '        evidence:\n'
    '          rep: \'=HYPERLINK("http://x","click") <img src=x onerror=alert(1)> '
    '\\[x\\](javascript:alert(1)) !\\[i\\](javascript:alert(2)) <javascript:alert(3)> a | b, '
    '$5 and $10\'\n'
    '      - claim: \'+SUM(1+1) adds up [@rep, p. 3].\'\n'
    '        evidence:\n'
    '          rep: "-2+3 returns"')


@pytest.fixture
def hostile_ledger_brief(workdir) -> Path:
    (workdir / "sources").mkdir()
    (workdir / "sources" / "rep.txt").write_text(HOSTILE_COPY, "utf-8")
    (workdir / "brief.yaml").write_text(HOSTILE_BRIEF, "utf-8")
    return workdir / "brief.yaml"


def test_csv_cells_that_would_be_formulas_are_text(hostile_ledger_brief, run, workdir):
    assert run("ledger", "brief.yaml", "--format", "csv", "-o", "ledger.csv") == (
        0, "wrote ledger.csv\n")
    written = (workdir / "ledger.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(written)))
    assert rows[5][:5] == ["brief.yaml", "14", "17", "claim",
                           "'=HYPERLINK(“http://x”,“click”) says so."]
    assert rows[5][11] == f"'{PASSAGE}"
    assert rows[6][4:11] == ["'+SUM(1+1) adds up.", "rep", "p. 3", "verified", "3",
                             "sources/rep.txt", "'-2+3 returns"]
    # Numbers are numbers: written bare, as a spreadsheet reads them.
    assert "\nbrief.yaml,14,17,claim," in written
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in rows for cell in row)


def _rendered(markdown: str) -> tuple[list[tuple[str, dict]], str]:
    """The elements (with attributes) and the text that pandoc's HTML of `markdown` holds."""
    from html.parser import HTMLParser

    import pypandoc

    html = pypandoc.convert_text(markdown, "html", format="markdown")
    elements, text = [], []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            elements.append((tag, dict(attrs)))

        def handle_data(self, data):
            text.append(data)

    Reader(convert_charrefs=True).feed(html)
    return elements, "".join(text)


def test_markdown_ledger_renders_what_it_quotes_as_text(hostile_ledger_brief, run):
    code, output = run("ledger", "brief.yaml")
    assert code == 0
    elements, text = _rendered(output)
    assert {tag for tag, _ in elements} == {"h1", "p", "table", "colgroup", "col", "thead",
                                           "tr", "th", "tbody", "td"}
    assert [attributes for _, attributes in elements
            if set(attributes) - {"id", "style", "class"}] == []
    # As typed, but for pandoc's curly quotation marks and its line breaks.
    text = " ".join(text.replace("“", '"').replace("”", '"').split())
    assert "Ledger <img src=x onerror=alert(0)> [t](javascript:t)" in text
    assert f'"{PASSAGE}"' in text


def test_the_json_ledger_names_the_brief_by_its_name_alone(ledger_brief, run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, output = run("ledger", str(ledger_brief), "--format", "json", cwd=elsewhere)
    assert code == 0
    assert str(tmp_path) not in output
    assert {item["brief"]["file"] for item in json.loads(output)["first"]["items"]} == {
        "brief.yaml"}
    pdf = elsewhere / "b.pdf"
    assert run("build", str(ledger_brief), "--ledger", "-o", str(pdf))[0] == 0
    attached = PdfReader(pdf).attachments["evidence-ledger.json"][0].decode("utf-8")
    assert str(tmp_path) not in attached
    assert json.loads(attached)["first"]["items"][0]["brief"]["file"] == "brief.yaml"
