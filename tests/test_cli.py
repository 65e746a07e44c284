"""The command line end to end: what a user types, sees, and gets on disk."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pypdf

from brief import __version__
from tests.conftest import DATA, EXAMPLE

BAD = DATA / "bad"


SEEN_AS_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2060": None})


def pdf_text(path: Path) -> list[str]:
    """Each page's text as a reader sees it: no-break spaces are spaces."""
    return [page.extract_text().translate(SEEN_AS_SPACES) for page in pypdf.PdfReader(path).pages]


def test_version(run):
    assert run("--version") == (0, f"brief {__version__}\n")


def test_help_lists_commands_and_options(run):
    code, output = run("build", "--help")
    assert code == 0
    for option in ("--output", "--format", "--layout", "--paper", "--style", "--strict"):
        assert option in output


def test_example_pdf_text_pages_and_metadata(example_pdf):
    reader = pypdf.PdfReader(example_pdf)
    pages = pdf_text(example_pdf)
    assert 3 <= len(pages) <= 8
    assert "Fleeing North Korea" in pages[0] and "SUMMARY" in pages[0]
    assert "KEY MESSAGES" in pages[0]
    whole = "\n".join(pages)
    assert "Recommendations" in whole and "Sources" in whole and "Cite this brief as" in whole
    assert "nationals of the Democratic People" in whole  # the COI quotation, verbatim
    assert re.search(r"Page 1 of \d", pages[0])
    meta = reader.metadata
    assert meta.title == "Fleeing North Korea: No Safe Passage Through China"
    assert meta.author == "Jasmin Tarakei"
    assert meta.subject and meta.creator == f"brief {__version__}"
    assert "Every road out leads through China" in reader.metadata["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == [
        "Summary", "Key messages"]


def test_first_note_is_printed_on_the_page_that_cites_it(example_pdf):
    pages = pdf_text(example_pdf)
    first_note = re.search(r"^1\. (.+)$", pages[0], re.M)
    assert first_note, "note 1 is not at the foot of page 1"
    # A full first note: author, quoted title and journal.
    assert "“Twenty Years’ Evolution of North Korean Migration" in first_note.group(1)
    numbers = [int(n) for page in pages for n in re.findall(r"^(\d+)\. ", page, re.M)]
    assert numbers == sorted(numbers) and numbers[0] == 1


def test_notes_run_on_without_gaps_across_pages(example_pdf):
    """Every note is printed exactly once, in order, none lost or pushed off the end."""
    notes = [int(n) for text in pdf_text(example_pdf)
             for n in re.findall(r"^(\d{1,3})\. \S", text, re.M)]
    assert notes == list(range(1, len(notes) + 1)) and len(notes) >= 20


def test_build_writes_beside_the_brief(example_copy, run):
    # --strict: not even a layout warning (such as a note pushed off its page) is tolerated.
    code, output = run("build", "--strict", str(example_copy))
    assert code == 0, output
    assert example_copy.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def test_builds_are_byte_identical(example_copy, run, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1519603200")
    assert run("build", str(example_copy), "-o", str(tmp_path / "one.pdf"))[0] == 0
    assert run("build", str(example_copy), "-o", str(tmp_path / "two.pdf"))[0] == 0
    one, two = (tmp_path / "one.pdf").read_bytes(), (tmp_path / "two.pdf").read_bytes()
    assert one == two
    assert pypdf.PdfReader(tmp_path / "one.pdf").metadata["/CreationDate"] == "D:20180226000000Z"


def test_html_output_is_one_self_contained_file(example_copy, run):
    code, _ = run("build", str(example_copy), "--format", "html")
    assert code == 0
    html = example_copy.with_suffix(".html").read_text("utf-8")
    assert "<style>" in html and "<script src" not in html
    # Nothing to fetch: the links name the page's published address and its Korean edition's.
    assert re.findall(r"<link [^>]*>", html) == [
        '<link rel="canonical" href="https://example.org/briefs/north-korea-refugees">',
        '<link rel="alternate" hreflang="en" '
        'href="https://example.org/briefs/north-korea-refugees">',
        '<link rel="alternate" hreflang="ko" '
        'href="https://example.org/briefs/north-korea-refugees-ko">',
        '<link rel="alternate" hreflang="x-default" '
        'href="https://example.org/briefs/north-korea-refugees">']
    assert "Fleeing North Korea" in html


def test_letter_paper(example_copy, run, tmp_path):
    out = tmp_path / "letter.pdf"
    assert run("build", str(example_copy), "--paper", "letter", "-o", str(out))[0] == 0
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_style_option_switches_to_in_text_citations(example_copy, run, tmp_path):
    out = tmp_path / "apa.pdf"
    assert run("build", str(example_copy), "--style", "apa", "-o", str(out))[0] == 0
    whole = "\n".join(pdf_text(out))
    assert "(Song, 2015, p. 401)" in whole and "References" in whole


def test_errors_are_located_and_nothing_is_written(run, tmp_path):
    brief = tmp_path / "no-citation.yaml"
    shutil.copy(BAD / "no-citation.yaml", brief)
    code, output = run("build", "no-citation.yaml", cwd=tmp_path)
    assert code == 1
    assert output == (
        "no-citation.yaml:8:16: error: claim has no citation\n"
        "  hint: cite its source, e.g. [@song2015, p. 401], or make it a `text` block\n"
        "no-citation.yaml:9:49: error: unknown source `knwn`\n"
        "  hint: did you mean `known`?\n")
    assert not brief.with_suffix(".pdf").exists()


def test_a_pdf_given_for_the_brief_is_named_for_what_it_is(example_pdf, run, tmp_path):
    given = tmp_path / "sahel.pdf"
    given.write_bytes(example_pdf.read_bytes())
    for command in ("build", "check"):
        code, output = run(command, str(given))
        assert code == 1
        assert output.splitlines()[:2] == [
            f"{given}:1:1: error: this is a PDF file, not a brief",
            "  hint: give the brief's YAML file instead (e.g. sahel.yaml); the PDF is what a "
            "build writes"]
    assert given.read_bytes() == example_pdf.read_bytes()


def test_failed_build_keeps_the_previous_pdf(example_copy, run):
    assert run("build", str(example_copy))[0] == 0
    pdf = example_copy.with_suffix(".pdf")
    before = pdf.read_bytes()
    example_copy.write_text(example_copy.read_text("utf-8").replace(
        "type: article-journal", "type: journal-article", 1), "utf-8")
    code, output = run("build", str(example_copy))
    assert code == 1 and "is not a CSL type" in output
    assert pdf.read_bytes() == before
    assert [p.name for p in pdf.parent.iterdir() if p.name.endswith(".part")] == []


def test_yaml_syntax_error(run):
    code, output = run("check", str(BAD / "syntax.yaml"), cwd=BAD)
    assert code == 1
    assert output.startswith("syntax.yaml:2:16: error: YAML syntax: mapping values are not "
                             "allowed in this context\n")


def test_warnings_pass_unless_strict(run):
    code, output = run("check", "unused-source.yaml", cwd=BAD)
    assert code == 0
    assert output == ("unused-source.yaml:17:9: warning: source `spare` is never cited\n"
                      "  hint: cite it, or remove it from `sources`\n"
                      "checked unused-source.yaml: 1 section, 1 claim, 2 citations, "
                      "2 sources; 1 warning\n")
    code, output = run("check", "--strict", "unused-source.yaml", cwd=BAD)
    assert code == 1 and output.startswith("unused-source.yaml:17:9: error:")


def test_usage_errors_exit_2(run, tmp_path):
    assert run("build", str(tmp_path / "missing.yaml"))[0] == 2
    code, output = run("check", "--style", "oscolla", str(EXAMPLE))
    assert code == 2 and "unknown citation style `oscolla`; did you mean `oscola`?" in output
    assert run("build", str(EXAMPLE), "--paper", "a5")[0] == 2
    assert run("frobnicate")[0] == 2


def test_check_the_example_is_clean(run):
    assert run("check", str(EXAMPLE)) == (0, (
        f"checked {EXAMPLE}: 4 sections, 20 claims, 1 quotation, 35 citations, 13 sources; "
        "no problems\n"))


def test_installed_command_never_shows_a_traceback(tmp_path, command):
    (tmp_path / "b.yaml").write_text("title: [unclosed\n", "utf-8")
    code, output = command("build", "b.yaml", cwd=tmp_path)
    assert code == 1
    assert "Traceback" not in output
    assert output.startswith("b.yaml:2:1: error: YAML syntax:")


def test_schema_describes_the_format(run):
    import json

    code, output = run("schema")
    schema = json.loads(output)
    assert code == 0
    assert set(schema["required"]) == {"title", "date", "organisation", "summary", "sections",
                                       "recommendations", "sources"}
    assert schema["properties"]["style"]["default"] == "chicago-note"
    assert "report" in schema["$defs"]["Source"]["properties"]["type"]["enum"]
    assert schema["$defs"]["Section"]["additionalProperties"] is False
    for field in ("title", "URL", "container-title", "page", "DOI", "citation-key"):
        assert field in schema["$defs"]["Source"]["properties"], field


def test_schema_accepts_the_briefs_and_catches_mistakes(run, tmp_path):
    import json

    import jsonschema

    from brief.yaml_positions import read_yaml_file

    schema = json.loads(run("schema")[1])
    validator = jsonschema.Draft202012Validator(schema)
    for brief in sorted(EXAMPLE.parent.glob("*.yaml")):
        data, _ = read_yaml_file(brief)
        assert list(validator.iter_errors(data)) == [], brief
    source = jsonschema.Draft202012Validator({"$ref": "#/$defs/Source",
                                              "$defs": schema["$defs"]})
    data, _ = read_yaml_file(EXAMPLE)
    item = {**data["sources"][0], "page": [399, 415], "type": "convention"}
    assert sorted(error.message for error in source.iter_errors(item)) == [
        "'convention' is not one of " + repr(schema["$defs"]["Source"]["properties"]["type"]
                                             ["enum"]),
        "[399, 415] is not of type 'string', 'number'"]


def test_new_writes_a_brief_that_builds_and_never_overwrites(run, tmp_path):
    assert run("new", "mine.yaml", cwd=tmp_path) == (0, (
        "wrote mine.yaml and brief.schema.json (which editors check it with); fill it in, "
        "then run: brief build mine.yaml\n"))
    assert (tmp_path / "mine.yaml").read_text("utf-8").startswith(
        "# yaml-language-server: $schema=brief.schema.json\n")
    assert json.loads((tmp_path / "brief.schema.json").read_text("utf-8")) == json.loads(
        run("schema")[1])
    assert run("new", "other.yaml", cwd=tmp_path) == (
        0, "wrote other.yaml; fill it in, then run: brief build other.yaml\n")
    assert run("build", "--strict", "mine.yaml", cwd=tmp_path) == (0, "wrote mine.pdf\n")
    before = (tmp_path / "mine.yaml").read_bytes()
    code, output = run("new", "mine.yaml", cwd=tmp_path)
    assert code == 2 and "already exists" in output
    assert (tmp_path / "mine.yaml").read_bytes() == before


def test_styles_lists_short_names_and_the_collection(run):
    code, output = run("styles", "oscola")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].split() == ["oscola", "=", "oscola"]
    assert any(line.startswith("oscola-no-ibid ") for line in lines)


def test_batch_builds_a_folder_in_parallel_and_skips_what_is_up_to_date(run, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("one", "two", "three"):
        shutil.copy(DATA / "bad" / "unused-source.yaml", folder / f"{name}.yaml")
    (folder / "refs.yaml").write_text("- id: x\n  type: book\n", "utf-8")  # not a brief
    code, output = run("build", "-j", "2", str(folder))
    assert code == 0
    assert sorted(line.split()[-1] for line in output.splitlines() if line.startswith("wrote")) \
        == sorted(str(folder / f"{name}.pdf") for name in ("one", "two", "three"))
    assert not (folder / "refs.pdf").exists()
    before = {name: (folder / f"{name}.pdf").stat().st_mtime_ns for name in ("one", "two")}

    (folder / "two.yaml").write_text((folder / "two.yaml").read_text("utf-8").replace(
        "A claim", "A changed claim"), "utf-8")
    code, output = run("build", "-j", "2", str(folder))
    assert code == 0
    assert f"up to date {folder / 'one.pdf'}" in output
    assert f"wrote {folder / 'two.pdf'}" in output
    assert (folder / "one.pdf").stat().st_mtime_ns == before["one"]
    assert (folder / "two.pdf").stat().st_mtime_ns != before["two"]

    code, output = run("build", "--force", str(folder / "one.yaml"))
    assert code == 0 and output.endswith(f"\nwrote {folder / 'one.pdf'}\n")


def test_a_changed_sources_file_or_option_triggers_a_rebuild(run, tmp_path):
    shutil.copytree(DATA / "multi-sources", tmp_path / "m")
    brief = tmp_path / "m" / "brief.yaml"
    assert run("build", str(brief))[0] == 0
    assert run("build", str(brief))[1] == f"up to date {brief.with_suffix('.pdf')}\n"
    assert run("build", "--paper", "letter", str(brief))[1].startswith("wrote")
    bib = tmp_path / "m" / "refs.bib"
    bib.write_text(bib.read_text("utf-8").replace("year = {2018}", "year = {2019}"), "utf-8")
    assert run("build", "--paper", "letter", str(brief))[1].startswith("wrote")
    brief.with_suffix(".pdf").write_bytes(b"damaged")
    assert run("build", "--paper", "letter", str(brief))[1].startswith("wrote")


def test_plain_commands_say_what_the_full_command_line_says(tmp_path, run, command):
    """Without options, check and build run without Typer (brief.__main__): same words, same
    exit codes, same refusals."""
    shutil.copy(DATA / "bad" / "unused-source.yaml", tmp_path / "warns.yaml")
    shutil.copy(DATA / "bad" / "no-citation.yaml", tmp_path / "fails.yaml")

    def remove_outputs():
        for pdf in tmp_path.glob("*.pdf"):
            pdf.unlink()

    for arguments in [("check", "warns.yaml", "fails.yaml"), ("build", "fails.yaml"),
                      ("build", "warns.yaml"), ("build", ".")]:
        remove_outputs()
        plain = command(*arguments, cwd=tmp_path)
        remove_outputs()
        assert plain == run(*arguments, cwd=tmp_path), arguments
    # Up to date, and the warning that stands is said again.
    assert command("build", "warns.yaml", cwd=tmp_path) == run("build", "warns.yaml") == (
        0, "warns.yaml:17:9: warning: source `spare` is never cited\n"
        "  hint: cite it, or remove it from `sources`\nup to date warns.pdf\n")
    assert command("check", "missing.yaml", cwd=tmp_path)[0] == 2
    assert command("build", "missing.yaml", cwd=tmp_path)[0] == 2
    code, output = command("build", "-j", "²", "warns.yaml", cwd=tmp_path)
    assert code == 2 and "Traceback" not in output
    shutil.copy(tmp_path / "warns.yaml", tmp_path / "warns.yml")  # both would be warns.pdf
    assert command("build", "warns.yaml", "warns.yml", cwd=tmp_path)[0] == 2


def test_shape_errors_and_content_errors_in_one_run(run, tmp_path):
    text = (BAD / "no-citation.yaml").read_text("utf-8").replace(
        "summary:", "sumary: typo\nsummary:").replace(
        "      - claim: This claim has no source.",
        "      - claim: This claim has no source.\n      - qoute: broken")
    (tmp_path / "b.yaml").write_text(text, "utf-8")
    code, output = run("check", "b.yaml", cwd=tmp_path)
    assert code == 1
    assert output == (
        "b.yaml:4:1: error: unknown key `sumary`\n  hint: did you mean `summary`?\n"
        "b.yaml:9:16: error: claim has no citation\n"
        "  hint: cite its source, e.g. [@song2015, p. 401], or make it a `text` block\n"
        "b.yaml:10:9: error: a block needs one of the keys claim, quote, text or list\n"
        "  hint: did you mean `quote`?\n"
        "b.yaml:11:49: error: unknown source `knwn`\n  hint: did you mean `known`?\n")


def test_default_pdf_is_tagged_and_shows_its_title(example_pdf):
    root = pypdf.PdfReader(example_pdf).trailer["/Root"]
    yes = pypdf.generic.BooleanObject(True)
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] == yes
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == yes
    assert b"pdfuaid:part=\"1\"" in root["/Metadata"].get_object().get_data()


def test_pdf_variant_passes_pdf_a_through(example_copy, run, tmp_path):
    out = tmp_path / "archive.pdf"
    assert run("build", str(example_copy), "--pdf-variant", "pdf/a-3u", "-o", str(out))[0] == 0
    root = pypdf.PdfReader(out).trailer["/Root"]
    assert b"pdfaid:part=\"3\"" in root["/Metadata"].get_object().get_data()
    assert "/StructTreeRoot" in root  # still tagged
    code, output = run("build", str(example_copy), "--pdf-variant", "pdf/b-1")
    assert code == 2 and "is not a variant brief writes" in output


def test_korean_edition_has_korean_labels_and_a_cjk_font(run, tmp_path):
    out = tmp_path / "ko.pdf"
    code, output = run("build", "--strict", str(EXAMPLE), "--language", "ko", "-o", str(out))
    assert code == 0, output
    reader = pypdf.PdfReader(out)
    first = reader.pages[0].extract_text().translate(SEEN_AS_SPACES)
    assert "요약" in first and "핵심 메시지" in first and "북한 탈출" in first
    assert "페이지 1 / " in first and "2018년 2월 26일" in first
    assert reader.trailer["/Root"]["/Lang"] == "ko"
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("CJK-KR" in name for name in fonts)


def test_two_briefs_of_the_same_name_cannot_share_an_output(run, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(BAD / "unused-source.yaml", tmp_path / folder / "x.yaml")
    (tmp_path / "out").mkdir()
    code, output = run("build", "-o", "out", "a/x.yaml", "b/x.yaml", cwd=tmp_path)
    assert code == 2 and "several briefs would be written to out/x.pdf" in output
    assert list((tmp_path / "out").iterdir()) == []


def test_a_new_source_date_epoch_is_a_change(run, tmp_path, monkeypatch):
    shutil.copy(BAD / "unused-source.yaml", tmp_path / "b.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1519603200")
    assert run("build", "b.yaml", cwd=tmp_path)[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1519689600")
    assert run("build", "b.yaml", cwd=tmp_path)[1].endswith("wrote b.pdf\n")
    assert pypdf.PdfReader(tmp_path / "b.pdf").metadata["/CreationDate"] == "D:20180227000000Z"


def test_long_urls_language_subtags_and_unprinted_fields(run, tmp_path):
    text = (BAD / "unused-source.yaml").read_text("utf-8")
    (tmp_path / "b.yaml").write_text(
        text.replace("date: 2024-05-01", "date: 2024-05-01\nlanguage: en-GB-x-house\n"
                     "url: https://example.org/" + "x" * 2100)
        + "    abstract: 'not printed: \U0001F97A'\n", "utf-8")
    code, output = run("check", "b.yaml", cwd=tmp_path)
    assert code == 1
    assert output.startswith(
        "b.yaml:4:6: error: `url` is 2120 characters, too long for the handout's QR code\n"
        "  hint: use a shorter address (at most 2000 characters)\n")
    assert "U+1F97A" not in output and "language" not in output


def test_output_paths_follow_the_format(run, tmp_path):
    shutil.copy(BAD.parent.parent / "mistakes" / "output-paths" / "brief.yaml", tmp_path / "b.yaml")
    assert run("build", "b.yaml", "--format", "html", "-o", "r.pdf", cwd=tmp_path)[0] == 2
    assert not (tmp_path / "r.pdf").exists()
    assert run("build", "b.yaml", "-o", "r.html", cwd=tmp_path) == (0, "wrote r.html\n")
    assert (tmp_path / "r.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert run("build", "b.yaml", "--format", "html", "-o", "new/deeper/", cwd=tmp_path) == (
        0, "wrote new/deeper/b.html\n")
    assert (tmp_path / "new" / "deeper" / "b.html").is_file()


def test_plain_check_and_build_of_a_folder_answer_as_the_full_command_line(command, run,
                                                                           tmp_path):
    """`brief check FOLDER` and `brief build FOLDER` (no options) skip Typer: same answer."""
    case = Path(__file__).parent / "mistakes" / "folder-with-broken-brief" / "briefs"
    for name in ("plain", "full"):
        shutil.copytree(case, tmp_path / name / "briefs")
    for arguments in (("check", "briefs"), ("build", "briefs")):
        plain = command(*arguments, cwd=tmp_path / "plain")
        assert plain == run(*arguments, cwd=tmp_path / "full")
        assert plain[0] == 1 and "briefs/brand.yml: ignored: a brand file, not a brief" in plain[1]
    assert (tmp_path / "plain" / "briefs" / "good.pdf").is_file()
