"""Inline markdown and the citations found in it."""

from __future__ import annotations

from brief.markup import find_citations, plain_text, render_inline


def keys(text: str) -> list[list[str]]:
    return [[item.key for item in cluster.items] for cluster in find_citations(text)]


def test_pandoc_citation_forms():
    text = ("A [@song2015]. B [@song2015, p. 401]. C [@song2015, pp. 401–403; @davis2006, "
            "p. 134]. D [see @hrw2018, ch. 2]. E [-@coi2014]. F @davis2006 [p. 133] says.")
    assert keys(text) == [["song2015"], ["song2015"], ["song2015", "davis2006"], ["hrw2018"],
                          ["coi2014"], ["davis2006"]]
    labels = [item.locator_label for cluster in find_citations(text) for item in cluster.items]
    assert labels == [None, "p.", "pp.", "p.", "ch.", None, "p."]


def test_not_citations():
    text = "Write to policy@example.org, see [the report](https://x.org), `[@code]`, \\@esc."
    assert keys(text) == []


def test_markdown_is_escaped_and_raw_html_never_passes():
    html = render_inline('<script>alert(1)</script> *fine* <img src="file:///etc/passwd">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<em>fine</em>" in html


def test_unsafe_links_and_images_are_not_rendered():
    html = render_inline("[x](javascript:alert(1)) [y](file:///etc/passwd) ![z](secret.png) "
                         "[ok](https://example.org)")
    assert 'href="javascript' not in html and 'href="file' not in html
    assert "<img" not in html
    assert '<a href="https://example.org">ok</a>' in html


def test_typography_follows_the_language():
    assert render_inline('"quoted" -- it\'s') == "“quoted” – it’s"
    assert render_inline('"zitiert"', "de") == "„zitiert“"


def test_note_calls_follow_punctuation():
    html = render_inline("A claim [@a]. Another [@b], and narrative @c [p. 2].",
                         citation_html=lambda i, c: f"<sup>{i}</sup>", notes=True,
                         move_punctuation=True)
    assert html == ('A claim<span class="cite-anchor">.<sup>0</sup></span> Another'
                    '<span class="cite-anchor">,<sup>1</sup></span> and narrative <sup>2</sup>.')


def test_french_and_spanish_note_calls_stand_before_the_punctuation():
    html = render_inline("Un motif d'asile [@a]. Autre chose [@b], voilà.", "fr",
                         citation_html=lambda i, c: f"<sup>{i}</sup>", notes=True)
    assert html == ('Un motif <span class="cite-anchor">d’asile<sup>0</sup></span>. Autre '
                    '<span class="cite-anchor">chose<sup>1</sup></span>, voilà.')


def test_in_text_citations_stay_in_place():
    html = render_inline("A claim [@a].", citation_html=lambda i, c: "(A 2020)")
    assert html == "A claim (A 2020)."


def test_plain_text_drops_markup_and_citations():
    assert plain_text("A *strong* claim [@a, p. 1] & more.") == "A strong claim & more."


def test_locator_labels_with_spaces_and_dots():
    labels = [item.locator_label for text in ("[@a, s.v. migration]", "[@a, sub verbo x]",
                                              "[@a, § 4]", "[@a, para 12]")
              for cluster in find_citations(text) for item in cluster.items]
    assert labels == ["s.v.", "sub verbo", "§", "para"]


def test_code_spans_are_found_as_commonmark_reads_them():
    from brief.markup import code_spans

    text = "a `x` b ``y ` z`` c ``` no close `w`"
    assert [text[start:end] for start, end in code_spans(text)] == [
        "`x`", "``y ` z``", "`w`"]
    assert [c.source for c in find_citations("`[@a]` and [@b] ``[@c]`` [x ` @d]")] == [
        "[@b]", "[x ` @d]"]
