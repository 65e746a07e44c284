"""Citations formatted by pandoc's citeproc: full, short, Ibid., several sources, prefixes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from brief.cite import format_citations, resolve_style, with_short_title
from brief.diagnostics import BriefError, Location
from brief.load import load_brief

BRIEF = """\
title: Citation Test
date: 2024-05-01
organisation: {{name: Org}}
summary: First [@song2015, p. 401].
style: {style}
sections:
  - heading: One
    body:
      - claim: Second [@song2015, p. 403].
      - claim: Third, straight after [@song2015, p. 403].
      - claim: Two at once [@song2015, pp. 401–403; @coi2014, para. 5].
      - claim: With a prefix [see @coi2014, p. 10].
      - quote: Verbatim words.
        source: coi2014
        locator: p. 10f
recommendations:
  - to: China
    actions: [Act.]
sources:
  - id: song2015
    type: article-journal
    author: [{{family: Song, given: Jiyoung}}]
    title: "Twenty Years' Evolution of North Korean Migration, 1994–2014: A Human Security Perspective"
    container-title: Asia and the Pacific Policy Studies
    volume: 2
    page: 399-415
    issued: 2015
    DOI: 10.1002/app5.82
  - id: coi2014
    type: report
    author: [{{literal: UN Human Rights Council}}]
    title: Report of the Commission of Inquiry on Human Rights in the Democratic People's Republic of Korea
    title-short: Report of the Commission of Inquiry
    number: A/HRC/25/63
    issued: 2014-02-07
"""


def notes(workdir: Path, style: str) -> list[str]:
    (workdir / "b.yaml").write_text(BRIEF.format(style=style), "utf-8")
    citations = format_citations(load_brief(Path("b.yaml")))
    return [c.note or c.text for c in citations.rendered.values()], citations


def test_chicago_full_then_short_then_no_ibid(workdir):
    found, citations = notes(workdir, "chicago-note")
    assert citations.style.note
    assert found == [
        'Jiyoung Song, <span>“Twenty Years’ Evolution of North Korean Migration, 1994–2014: A '
        'Human Security Perspective,”</span> <em>Asia and the Pacific Policy Studies</em> 2 '
        '(2015): 401, <a href="https://doi.org/10.1002/app5.82">https://doi.org/10.1002/app5.82'
        '</a>.',
        "Song, <span>“Twenty Years’ Evolution of North Korean Migration, 1994–2014,”</span> 403.",
        "Song, <span>“Twenty Years’ Evolution of North Korean Migration, 1994–2014,”</span> 403.",
        "Song, <span>“Twenty Years’ Evolution of North Korean Migration, 1994–2014,”</span> 401–3; UN "
        "Human Rights Council, <em>Report of the Commission of Inquiry on Human Rights in the "
        "Democratic People’s Republic of Korea</em>, A/HRC/25/63 (2014), para. 5.",
        "See UN Human Rights Council, <em>Report of the Commission of Inquiry</em>, 10.",
        "UN Human Rights Council, <em>Report of the Commission of Inquiry</em>, 10f.",
    ]


def test_ibid_variant_repeats_as_ibid(workdir):
    found, _ = notes(workdir, "chicago-notes-bibliography-subsequent-ibid")
    assert found[2] == "Ibid."
    assert found[5] == "Ibid., 10f."


def test_author_date_style_is_in_text(workdir):
    found, citations = notes(workdir, "apa")
    assert not citations.style.note
    assert found[:2] == ["(Song, 2015, p. 401)", "(Song, 2015, p. 403)"]
    assert found[4] == "(see UN Human Rights Council, 2014, p. 10)"


def test_bibliography_and_cite_as(workdir):
    _, citations = notes(workdir, "chicago-note")
    assert [reference.id for reference in citations.bibliography] == ["song2015", "coi2014"]
    assert not citations.numbered
    assert citations.cite_as == "Org. <em>Citation Test</em>. Org, 2024."


def test_numeric_style_numbers_citations_and_the_list(workdir):
    found, citations = notes(workdir, "ieee")
    assert not citations.style.note
    assert found[:4] == ["[1, p. 401]", "[1, p. 403]", "[1, p. 403]", "[1, pp. 401–403], [2, Para. 5]"]  # IEEE capitalises labels
    assert [(r.id, r.label) for r in citations.bibliography] == [
        ("song2015", "[1]"), ("coi2014", "[2]")]
    assert citations.bibliography[1].html == (
        "UN Human Rights Council, <span>“Report of the Commission of Inquiry on Human Rights in "
        "the Democratic People’s Republic of Korea,”</span> A/HRC/25/63, Feb. 2014.")
    assert citations.cite_as.startswith("Org, <span>“Citation Test,”</span>")


def test_old_chicago_ids_are_aliases(tmp_path):
    at = Location("b.yaml", 5, 8)
    assert resolve_style("chicago-fullnote-bibliography", tmp_path, at).path.stem == \
        "chicago-notes-bibliography"
    assert resolve_style("modern-humanities-research-association", tmp_path, at).path.stem == \
        "mhra-notes"


def test_unknown_style_names_a_close_match(tmp_path):
    with pytest.raises(BriefError) as failure:
        resolve_style("oscolla", tmp_path, Location("b.yaml", 5, 8))
    assert failure.value.diagnostics[0].format() == (
        "b.yaml:5:8: error: unknown citation style `oscolla`\n  hint: did you mean `oscola`?")


def test_dependent_style_resolves_to_its_parent(tmp_path):
    dependent = tmp_path / "journal.csl"
    dependent.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="utf-8"?>
        <style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-US">
          <info><title>A Journal</title><id>x</id>
            <link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>
          </info>
        </style>"""), "utf-8")
    style = resolve_style("journal.csl", tmp_path, Location("b.yaml"))
    assert style.path.name == "apa.csl" and not style.note


def test_short_title_is_derived_from_a_subtitle():
    assert with_short_title({"title": "Main: Sub"})["title-short"] == "Main"
    assert "title-short" not in with_short_title({"title": "No subtitle"})
    assert with_short_title({"title": "A: B", "title-short": "Kept"})["title-short"] == "Kept"


def test_oscola_keeps_ibid_lower_case(workdir):
    found, citations = notes(workdir, "oscola")
    assert citations.style.lowercase_ibid
    assert found[1:] == [
        "ibid 403.", "ibid.",
        "ibid 401–403; UN Human Rights Council, <span>‘Report of the Commission of Inquiry on "
        "Human Rights in the Democratic People’s Republic of Korea’</span> (2014) A/HRC/25/63 "
        "para 5.",
        "See UN Human Rights Council (n 4) 10.",  # n 4: the brief's own entry takes no number
        "ibid 10f."]


def test_chicago_ibid_stays_capitalised(workdir):
    found, citations = notes(workdir, "chicago-ibid")
    assert not citations.style.lowercase_ibid
    assert found[2] == "Ibid."


@pytest.mark.parametrize(("language", "style", "locale"), [
    ("en", "oscola", "en-GB"), ("en-US", "oscola", "en-US"), ("fr", "oscola", "fr"),
    ("en", "chicago-note", "en"), ("fr", "apa", "fr")])
def test_the_brief_language_chooses_the_locale(tmp_path, language, style, locale):
    assert resolve_style(style, tmp_path, Location("b.yaml")).locale(language) == locale


def french_notes(workdir: Path, style: str) -> list[str]:
    french = (BRIEF.replace("summary: First [@song2015, p. 401].",
                            "summary: First [@song2015, p. 401].\nlanguage: fr")
              + "    URL: https://www.ohchr.org/\n    accessed: 2018-02-24\n"
              ).replace("type: report", "type: webpage")
    (workdir / "b.yaml").write_text(french.format(style=style), "utf-8")
    return [str(c.note) for c in format_citations(load_brief(Path("b.yaml"))).rendered.values()]


def test_a_french_brief_cites_in_french(workdir):
    found = french_notes(workdir, "chicago-ibid")
    assert found[1:3] == ["Ibid., 403.", "Ibid."]
    # "pp. 401–403" is read as pages in French too: the same source again is "Ibid.", and
    # the French locale joins the range with a non-breaking hyphen.
    assert found[3].startswith("Ibid., 401\u20113; UN Human Rights Council, ")
    assert ", A/HRC/25/63, 7 février 2014, paragr. 5, " in found[3]


def test_a_french_brief_in_oscola_says_consulte_le_and_ibid(workdir):
    found = french_notes(workdir, "oscola")  # OSCOLA is British, but the brief is French
    assert found[1:3] == ["ibid 403.", "ibid."]
    # The pinpoint is a paragraph, which OSCOLA puts before the address, in French words.
    assert found[3].endswith(
        '(7 février 2014) paragr 5 &lt;<a href="https://www.ohchr.org/">https://www.ohchr.org/'
        '</a>&gt; consulté le 24 février 2018.')


def test_the_court_of_a_biblatex_case_is_in_its_note(workdir):
    (workdir / "cases.bib").write_text(textwrap.dedent("""\
        @jurisdiction{finogenov2011,
          title = {Finogenov v. {Russia}},
          institution = {European Court of Human Rights},
          number = {18299/03},
          date = {2011-12-20},
        }
        """), "utf-8")
    (workdir / "b.yaml").write_text(textwrap.dedent("""\
        title: Cases
        date: 2024-05-01
        organisation: {name: Org}
        summary: A judgment [@finogenov2011, para. 3].
        sections: [{heading: One, body: [{text: Words.}]}]
        recommendations: [{to: Someone, actions: [Act.]}]
        sources: [cases.bib]
        """), "utf-8")
    loaded = load_brief(Path("b.yaml"))
    assert loaded.brief.sources[0].model_extra["authority"] == "European Court of Human Rights"
    [note] = [str(c.note) for c in format_citations(loaded).rendered.values()]
    assert note == ("Finogenov v. Russia, 18299/03 (European Court of Human Rights "
                    "December 20, 2011), ¶ 3.")


def test_pandoc_runs_again_only_when_what_it_cites_changed(workdir, monkeypatch):
    """A rebuild after editing words (brief watch) reuses the citations; a new locator, source
    or style does not."""
    from brief import cite

    runs = []
    real = cite.run_pandoc
    monkeypatch.setattr(cite, "run_pandoc", lambda *args: runs.append(1) or real(*args))
    monkeypatch.setattr(cite, "_answers", {})
    brief = workdir / "b.yaml"

    def cite_with(text: str) -> list[str]:
        brief.write_text(text, "utf-8")
        citations = format_citations(load_brief(Path("b.yaml")))
        return [c.note or c.text for c in citations.rendered.values()]

    original = BRIEF.format(style="chicago-note")
    first = cite_with(original)
    assert cite_with(original.replace("Second", "The second")) == first
    assert len(runs) == 1
    assert cite_with(original.replace("p. 403].\n      - claim: Third",
                                      "p. 404].\n      - claim: Third"))[1].endswith(" 404.")
    assert cite_with(original.replace("issued: 2015", "issued: 2016"))[0] != first[0]
    assert cite_with(original.replace("style: chicago-note", "style: apa"))[0] != first[0]
    assert len(runs) == 4
    assert cite_with(original) == first
    assert len(runs) == 4  # the first answer is still kept


FRENCH = """\
title: Note
date: 2024-05-01
language: fr
organisation: {name: Coalition}
summary: Premier [@song2015, pp. 5-6].
sections:
  - heading: Un
    body:
      - claim: Deux [@coi2016, para. 9].
      - claim: Trois [@coi2016, paras. 9-10; @hrw2023, ch. 2].
      - claim: Quatre [@de2023; @fr2023].
recommendations:
  - to: Chine
    actions: [Agir.]
sources:
  - id: song2015
    type: book
    author: [{family: Song, given: Jiyoung}, {family: Kim, given: Ann}]
    title: Twenty Years of North Korean Migration
    issued: 2015
  - id: coi2016
    type: report
    author: [{literal: UN Human Rights Council}]
    title: Report of the Commission of Inquiry on Human Rights in Eritrea
    number: A/HRC/32/47
    issued: 2016
  - refs.bib
"""
BIBTEX = """\
@report{hrw2023, author = {{Human Rights Watch}}, title = {World Report 2023: Events of 2022},
  year = 2023}
@report{de2023, author = {{Pro Asyl}}, title = {Bericht Über Die Lage}, year = 2023,
  language = {german}}
@report{fr2023, author = {{Amnesty}}, title = {Rapport Sur L'Érythrée}, year = 2023,
  langid = {french}}
"""


def test_a_french_brief_cites_with_french_terms_and_keeps_each_source_s_capitals(workdir):
    (workdir / "b.yaml").write_text(FRENCH, "utf-8")
    (workdir / "refs.bib").write_text(BIBTEX, "utf-8")
    for style, expected in (("chicago-note", [
            # Chicago prints no label for pages; the French locale joins a range with a
            # non-breaking hyphen. A title in another language than the brief's says so.
            "Jiyoung Song et Ann Kim, <em>Twenty Years of North Korean Migration</em> (2015), "
            "5\u20116.",
            "UN Human Rights Council, <em>Report of the Commission of Inquiry on Human Rights "
            "in Eritrea</em>, A/HRC/32/47 (2016), paragr. 9.",
            "UN Human Rights Council, <em>Report of the Commission of Inquiry on Human Rights "
            "in Eritrea</em>, paragr. 9–10; Human Rights Watch, <em><span lang=\"en\">World Report "
            "2023: Events of 2022</span></em> (2023), chap. 2.",
            "Pro Asyl, <em><span lang=\"de-DE\">Bericht Über Die Lage</span></em> (2023); "
            "Amnesty, <em>Rapport Sur "
            "L’Érythrée</em> (2023)."]),
            ("apa", ["(Song &amp; Kim, 2015, p. 5\u20116)"])):  # APA: "&" in parentheses
        found = [c.note or c.text for c in
                 format_citations(load_brief(Path("b.yaml")), style).rendered.values()]
        assert found[:len(expected)] == expected
        assert not any(english in note for note in found
                       for english in ("pp.", "para.", "ch.", " and "))


def test_locator_labels_reach_pandoc_in_the_locale_s_terms():
    from brief.cite import locator_spelling

    at = Location("b.yaml")
    assert locator_spelling("en-US", at) == {"ch.": "chap.", "chs.": "chaps.",
                                             "number": "no.", "numbers": "nos."}
    french = locator_spelling("fr-FR", at)
    assert (french["pp."], french["para."], french["paras."], french["ch."]) == (
        "p.", "paragr.", "paragr.", "chap.")
    assert "p." not in french and "vol." not in french  # the same word in French
    assert (locator_spelling("de-DE", at)["p."], locator_spelling("es-ES", at)["para."]) == (
        "S.", "párr.")
