"""A French brief written from the documentation alone (tests/data/french), read as a French
reader reads it: the notes and bibliography, the handout's foot, the running footer and the web
edition."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from brief.build import BuildOptions, build
from brief.render import breakable_urls, running_footer
from brief.typography import NBSP, NNBSP, typeset_html, typeset_text
from tests.page_geometry import read_pages

FRENCH = Path(__file__).parent / "data" / "french" / "erythree.yaml"
SPACES = str.maketrans({NBSP: " ", NNBSP: " "})


@pytest.fixture(scope="module")
def french(built) -> dict[str, Path]:
    """The brief as a PDF, a handout and a web page."""
    return {"pdf": built(FRENCH), "handout": built(FRENCH, layout="handout"),
            "html": built(FRENCH, format="html")}


def lines_of(path: Path, footer: bool = False) -> list[str]:
    pages = read_pages(path)
    return [line.text for page in pages for line in (page.footer if footer else page.lines)]


def test_an_english_title_keeps_english_typography_in_french_notes(french):
    text = "\n".join(lines_of(french["pdf"])).translate(SPACES)
    # the English source's titles: no French space before their colons
    assert "« Eritrea: Events of 2022 »" in text
    assert "World Report 2023: Events of 2022" in text
    # the French ones, and the note around the English title, are French
    assert "Situation des droits de l’homme en Érythrée : rapport" in text
    html = french["html"].read_text("utf-8")
    assert '<span lang="en">Eritrea: Events of 2022</span>' in html
    assert 'lang="en">eritrea' not in html  # never inside an address


def test_ranges_are_set_alike_in_french(french):
    text = "\n".join(lines_of(french["pdf"])).translate(SPACES)
    assert "paragr. 9\u201112" in text and "5\u20116" in text  # as the locale sets pages
    assert "9–12" not in text


def test_cite_as_never_joins_title_and_subtitle_with_a_second_colon(french):
    text = " ".join(" ".join(lines_of(french["pdf"])).split()).translate(SPACES)
    assert ("Citer cette note : Dubois-Mercier, Claire. Renvois forcés vers l’Érythrée : la "
            "Suisse face au principe de non-refoulement. Les demandeurs d’asile") in text


def test_handout_foot_breaks_addresses_and_lists_as_a_reader_expects(french):
    lines = [line.strip() for line in lines_of(french["handout"])]
    assert not [line for line in lines if line.startswith("·")]
    assert "pdf" not in lines  # not "…/07-erythree." then "pdf"
    assert not [line for line in lines if re.search(r"https?://\S*-$", line)]


def test_a_closing_guillemet_typed_before_a_citation_is_bound(french):
    html = french["html"].read_text("utf-8")
    assert "menacée <span" not in html and f"menacée<span class=\"cite-anchor\">{NNBSP}»" in html


def test_running_footer_is_cut_after_a_whole_word(tmp_path):
    text = FRENCH.read_text("utf-8").replace(
        "title: \"Renvois forcés vers l'Érythrée : la Suisse face au principe de non-refoulement\"",
        "title: \"Renvois forcés vers l'Érythrée et la Suisse face au principe de non-refoulement "
        "des réfugiés déboutés\"")
    (tmp_path / "long.yaml").write_text(text, "utf-8")
    assert build(tmp_path / "long.yaml", BuildOptions(output=tmp_path / "long.pdf")).ok
    pages = read_pages(tmp_path / "long.pdf")
    footer = pages[1].footer[0]  # a left-hand page
    left = footer.text.split("Page")[0].strip()
    # all of it inside its box (80 % of the line between 24 mm margins): none hidden under
    # an ellipsis of the layout's own
    box_right = (24 + 0.8 * (pages[1].width / 72 * 25.4 - 48)) / 25.4 * 72
    assert max(c["x1"] for c in footer.chars if c["text"] != " " and c["x0"] < box_right) \
        <= box_right
    assert not [c for c in footer.chars if box_right - 20 < c["x0"] < box_right + 5]
    assert left.endswith("…") and left.count("…") == 2
    words = set(re.findall(r"[\w'-]+", FRENCH.read_text("utf-8")))
    words |= {"réfugiés", "déboutés"}
    for kept in re.findall(r"([\w'-]+)…", left.replace("’", "'")):
        assert kept in words, left  # never "ver…"


def test_running_footer_widths():
    org = "Observatoire genevois des droits des personnes réfugiées, migrantes et apatrides"
    assert running_footer("Org", "Titre : sous-titre") == ("Org", "Titre")
    name, title = running_footer(org, "Renvois forcés vers l’Érythrée et la Suisse face au "
                                      "principe de non-refoulement des réfugiés")
    assert name == "Observatoire genevois des droits des personnes…"
    assert title == "Renvois forcés vers l’Érythrée et la Suisse face…"
    assert running_footer("Org", "Renvois forcés vers l’Érythrée et la " + "x" * 70)[1] == (
        "Renvois forcés vers l’Érythrée…")  # not "… et la…"
    long = running_footer("Org", "Renvois forcés vers l’Érythrée et la " + "Suisse " * 20)[1]
    assert long.endswith(" Suisse…") and 90 < len("Org · " + long) <= 100
    assert running_footer(org, "Renvois") == (org, "Renvois")
    assert len(running_footer("Org", "x" * 100_000)[1]) < 110


def test_typography_reads_the_text_before_an_element_and_each_elements_language():
    assert typeset_html("<p>menacée <span>» ; a <span>; b</span></span></p>", "fr") == (
        f"<p>menacée<span>{NNBSP}»{NNBSP}; a<span>{NNBSP}; b</span></span></p>")
    assert typeset_html('<p>Titre <span lang="en">A: "b" <i>c: d</i></span>: e</p>', "fr") == (
        f'<p>Titre <span lang="en">A: “b” <i>c: d</i></span>{NBSP}: e</p>')
    assert typeset_text("paragr. 9–12 et 1914–1918", "fr") == (
        f"paragr.{NBSP}9\u201112 et 1914\u20111918")


def test_addresses_break_where_a_reader_expects_them():
    html = breakable_urls("<body><p>https://x.org/07-erythree.pdf, "
                          "https://x.org/0123456789abcdef0123456789abcdef01234567 "
                          "policy@bzmf-berlin.example.org</p>")
    # never after a hyphen of its own, nor after https://, but after a slash
    assert ('https<span class="nobr">://x</span>.org/<wbr>07<span class="nobr">-e</span>'
            'rythree.pdf</span>,') in html
    # a part too long for a narrow column breaks every 16 characters
    assert "0123456789abcdef<wbr>0123456789abcdef<wbr>01234567" in html
    # an e-mail address is an address too
    assert 'policy<wbr>@bzmf<span class="nobr">-b</span>erlin.example.org' in html


def test_the_ledger_is_set_in_french(run, tmp_path):
    shutil.copy(FRENCH, tmp_path / FRENCH.name)
    code, output = run("ledger", str(tmp_path / FRENCH.name))
    assert code == 0, output
    output = output.translate(SPACES)
    assert "# Registre des preuves : Renvois forcés vers l’Érythrée : la Suisse" in output
    assert "le « service national » n’y est plus" in output and "travail forcé ; près" in output
    assert "| p. 5–6 |" in output and "“" not in output  # the pinpoint as typed, for search
    code, output = run("ledger", "--format", "json", str(tmp_path / FRENCH.name))
    assert '"label": "Registre des preuves' in output and "« service national »" in output.translate(SPACES)


def test_a_quotations_note_is_called_before_its_final_stop(french):
    text = " ".join(lines_of(french["pdf"])).translate(SPACES)
    assert re.search(r"pour une durée indéterminée\d+\.", text)
    assert not re.search(r"indéterminée\.\d", text)
