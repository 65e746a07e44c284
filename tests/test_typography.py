"""Typography by language (brief/typography.py): the rules one by one, and a brief in each of
the eight label languages built as PDF and HTML, read back as a reader sees it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from brief.build import BuildOptions, build
from brief.typography import (LANGUAGES, NBSP, NNBSP, WORD_JOINER, markdown_quotes,
                              rules_for, typeset_data, typeset_html, typeset_text)
from tests.page_geometry import read_pages

WJ = WORD_JOINER


def test_french_spaces_quotes_and_apostrophes():
    assert typeset_text("Note d'orientation: \"traîtres\"; vraiment?! Oui!", "fr") == (
        f"Note d’orientation{NBSP}: «{NNBSP}traîtres{NNBSP}»{NNBSP}; vraiment{NNBSP}?! "
        f"Oui{NNBSP}!")
    # typed spaces are replaced, never doubled; typed guillemets get their narrow spaces
    assert typeset_text("« mot » ; a : b ?", "fr") == (
        f"«{NNBSP}mot{NNBSP}»{NNBSP}; a{NBSP}: b{NNBSP}?")
    assert typeset_text("«mot»", "fr") == f"«{NNBSP}mot{NNBSP}»"


def test_marks_that_are_not_punctuation_keep_their_place():
    for text in ("10:30", "a:b", "ratio 1:2", "(?)", "x!=y"):
        assert typeset_text(text, "fr") == text


def test_each_language_has_its_quotation_marks():
    expected = {"en": "“a” it’s", "fr": f"«{NNBSP}a{NNBSP}» it’s", "es": "«a» it’s",
                "de": "„a“ it’s", "ko": "“a” it’s", "zh": "“a” it’s", "ja": "「a」 it’s",
                "ar": "«a» it’s", "zh-Hant-TW": "「a」 it’s", "it": "“a” it’s"}
    for language, result in expected.items():
        assert typeset_text('"a" it\'s', language) == result, language
    assert typeset_text("the 'best' way", "en") == "the ‘best’ way"
    assert typeset_text("l'ONU et l'État", "fr") == "l’ONU et l’État"


def test_the_eight_label_languages_have_tables():
    for language in ("en", "fr", "es", "de", "ko", "zh", "ja", "ar"):
        assert rules_for(language) is LANGUAGES[language]
    assert markdown_quotes("fr") == [f"«{NNBSP}", f"{NNBSP}»", "“", "”"]


def test_numbers_keep_their_labels_and_units():
    assert typeset_text("p. 5, pp. 5–6, art. 33, para. 9, § 4, No. 7, 5 km, 30 USD", "en") == (
        f"p.{NBSP}5, pp.{NBSP}5–{WJ}6, art.{NBSP}33, para.{NBSP}9, §{NBSP}4, No.{NBSP}7, "
        f"5{NBSP}km, 30{NBSP}USD")
    assert typeset_text("N° 7, 10 000 km, 12%, paragr. 9", "fr") == (
        f"N°{NBSP}7, 10{NNBSP}000{NBSP}km, 12{NNBSP}%, paragr.{NBSP}9")
    assert typeset_text("S. 5, Nr. 7, 3 Mio.", "de") == f"S.{NBSP}5, Nr.{NBSP}7, 3{NBSP}Mio."
    # English keeps a percentage as typed
    assert typeset_text("12%", "en") == "12%"


def test_dates_and_legal_references_stay_on_one_line():
    assert typeset_text("am 4. November 1950 nach Art. 3 EMRK und § 60 Abs. 5 AufenthG", "de") \
        == (f"am 4.{NBSP}November{NBSP}1950 nach Art.{NBSP}3{NBSP}EMRK und "
            f"§{NBSP}60{NBSP}Abs.{NBSP}5{NBSP}AufenthG")
    assert typeset_text("le 1er mai 2023, art. 33 CEDH", "fr") == (
        f"le 1er{NBSP}mai{NBSP}2023, art.{NBSP}33{NBSP}CEDH")
    assert typeset_text("el 14 de marzo de 2025", "es") == (
        f"el 14{NBSP}de{NBSP}marzo{NBSP}de{NBSP}2025")
    assert typeset_text("on March 15, 2024, the march began", "en") == (
        f"on March{NBSP}15,{NBSP}2024, the march began")
    # a German writer's English label `art.` is the German noun
    assert typeset_text("EMRK, art. 3", "de") == f"EMRK, Art.{NBSP}3"


def test_licences_and_document_symbols_do_not_break():
    assert typeset_text("CC BY-NC-SA 4.0", "en") == f"CC{NBSP}BY-{WJ}NC-{WJ}SA{NBSP}4.0"
    assert typeset_text("A/HRC/32/47", "en") == f"A/{WJ}HRC/{WJ}32/{WJ}47"
    long = "E/CN.4/2005/NGO/123/Add.1/Corr.2"
    assert typeset_text(long, "en") == long.replace("/", "/" + WJ, 1)
    # nor in metadata, where an invisible character would end up in a search field
    assert typeset_text("A/HRC/32/47, CC BY 4.0", "en", joiners=False) == (
        f"A/HRC/32/47, CC{NBSP}BY{NBSP}4.0")


def test_addresses_and_code_are_left_alone():
    text = "https://example.org/l'a?b=c; voir www.example.org: \"https://x.org/\"!"
    assert typeset_text(text, "fr") == (
        f"https://example.org/l'a?b=c{NNBSP}; voir www.example.org{NBSP}: "
        f"«{NNBSP}https://x.org/{NNBSP}»{NNBSP}!")
    html = '<p>Il dit <em>"oui"</em>! <code>a: "b" \'c\'</code> <a href="x?a=1">l\'a</a></p>'
    assert typeset_html(html, "fr") == (
        f'<p>Il dit <em>«{NNBSP}oui{NNBSP}»</em>{NNBSP}! <code>a: "b" \'c\'</code> '
        '<a href="x?a=1">l’a</a></p>')


def test_html_stays_escaped_and_metadata_is_typeset():
    html = ('<title>L&#39;Érythrée: &lt;b&gt; &amp;</title>'
            '<meta name="d" content="l&#39;a &#34;b&#34;"><style>a:hover{}</style>')
    assert typeset_html(html, "fr") == (
        f"<title>L’Érythrée{NBSP}: &lt;b&gt; &amp;</title>"
        f'<meta name="d" content="l’a «{NNBSP}b{NNBSP}»"><style>a:hover{{}}</style>')


def test_a_mark_after_an_element_is_read_in_context():
    assert typeset_html("<em>«\u00a0Titre\u00a0»</em> (2019); <b>10</b> 000 km", "fr") == (
        f"<em>«{NNBSP}Titre{NNBSP}»</em> (2019){NNBSP}; <b>10</b>{NNBSP}000{NBSP}km")


def test_json_values_but_not_addresses():
    data = {"@type": "Report", "name": "l'Érythrée", "url": "https://x.org/l'a",
            "citation": [{"name": "Rapport: \"x\""}]}
    assert typeset_data(data, "fr", frozenset({"url"})) == {
        "@type": "Report", "name": "l’Érythrée", "url": "https://x.org/l'a",
        "citation": [{"name": f"Rapport{NBSP}: «{NNBSP}x{NNBSP}»"}]}


# One paragraph per language with typed straight quotes, apostrophes, : ; ! ?, numbers with
# units and a document symbol; repeated so that line ends fall in many places.
SENTENCES = {
    "en": "The UN's report A/HRC/32/47 says: \"returnees are traitors\"; is that so? "
          "No! About 5 km away, 12 % of 10,000 people wait.",
    "fr": "Le rapport A/HRC/32/47 de l'ONU dit: \"les renvoyés sont des traîtres\"; "
          "vraiment? Non! À 5 km, 12 % des 10 000 personnes attendent.",
    "es": "El informe A/HRC/32/47 de la ONU dice: \"los retornados son traidores\"; "
          "¿es así? ¡No! A 5 km, el 12 % de 10 000 personas espera.",
    "de": "Der Bericht A/HRC/32/47 der UN sagt: \"Rückkehrer sind Verräter\"; stimmt das? "
          "Nein! In 5 km Entfernung warten 12 % von 10 000 Menschen, so Art. 33.",
    "ko": "유엔 보고서 A/HRC/32/47은 말한다: \"송환자는 반역자다\"; 정말인가? 아니다! "
          "5 km 떨어진 곳에서 10,000명의 12 %가 기다린다. 'O'Neil'의 말이다.",
    "zh": "联合国报告A/HRC/32/47指出: \"被遣返者是叛徒\"; 真的吗? 不! 在5 km外, "
          "10,000人中的12 %在等待。O'Neil说。",
    "ja": "国連報告書A/HRC/32/47は言う: \"帰還者は裏切り者だ\"; 本当か? 違う! "
          "5 km先で10,000人の12 %が待つ。O'Neilの言葉。",
    "ar": "يقول تقرير الأمم المتحدة A/HRC/32/47: \"العائدون خونة\"; هل هذا صحيح? لا! "
          "على بعد 5 km ينتظر 12 % من 10,000 شخص. قال O'Neil ذلك.",
}
EXPECTED_MARKS = {"en": "“", "fr": f"«{NNBSP}", "es": "«", "de": "„", "ko": "“", "zh": "“",
                  "ja": "「", "ar": "«"}
CLOSING = ":;!?»”)؛؟」"
OPENING = "«“„(「"


def multilingual_brief(language: str) -> str:
    written = SENTENCES[language]
    sentence = written.replace('"', '\\"')  # inside a YAML string in double quotes
    paragraph = " ".join([sentence] * 5)
    head = written.split(":")[0]  # a title, a heading: the words before the colon
    return f"""\
title: "{head}"
series: "Brief No. 7"
date: 2024-05-01
language: {language}
licence: CC BY 4.0
organisation: {{name: "Org's desk"}}
summary: "{sentence} [@a, p. 5]"
sections:
  - heading: "{head}"
    body:
      - claim: "{paragraph} [@a, pp. 5–6]"
      - text: "{paragraph}"
recommendations:
  - to: "{head}"
    actions: ["{sentence}"]
sources:
  - id: a
    type: report
    author: [{{literal: "UN Human Rights Council"}}]
    title: "The UN's report"
    number: A/HRC/32/47
    issued: 2016
"""


class TextNodes(HTMLParser):
    """The text a reader of the page sees, outside code, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style", "code")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "code")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


@pytest.mark.parametrize("language", list(SENTENCES))
def test_a_brief_in_each_language_is_set_for_it(workdir, language):
    (workdir / "b.yaml").write_text(multilingual_brief(language), "utf-8")
    html_result = build(Path("b.yaml"), BuildOptions(format="html", output=workdir / "b.html"))
    assert html_result.ok, [d.format() for d in html_result.diagnostics]
    page = (workdir / "b.html").read_text("utf-8")
    reader = TextNodes()
    reader.feed("<body" + page.split("<body", 1)[1])
    text = "".join(reader.text)
    assert "'" not in text and '"' not in text
    assert EXPECTED_MARKS[language] in text
    # the symbol is kept whole by markup, not by an invisible character a search would miss
    assert "A/HRC/32/47" in text and WJ not in text
    assert 'A<span class="nobr">/H</span>RC' in page
    assert f"5{NBSP}km" in text
    assert f"CC{NBSP}BY{NBSP}4.0" in text
    if language == "fr":
        assert f"dit{NBSP}:" in text and f"{NNBSP};" in text and f"vraiment{NNBSP}?" in text
        assert f"Non{NNBSP}!" in text and f"10{NNBSP}000" in text
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert "'" not in title and "&#39;" not in title and "&#34;" not in title

    pdf_result = build(Path("b.yaml"), BuildOptions(output=workdir / "b.pdf"))
    assert pdf_result.ok, [d.format() for d in pdf_result.diagnostics]
    lines = [line.text.strip() for page in read_pages(workdir / "b.pdf") for line in page.lines]
    lines = [line for line in lines if line]
    if language == "ar":  # right to left: pdfplumber gives each line from its visual left
        starts, ends = [line[-1] for line in lines], [line[0] for line in lines]
        closing, opening = ":;!?؛؟", ""
    else:
        starts, ends = [line[0] for line in lines], [line[-1] for line in lines]
        closing, opening = CLOSING, OPENING
    assert not [line for line, start in zip(lines, starts) if start in closing]
    assert not [line for line, end in zip(lines, ends) if end in opening]
    assert not [line for line in lines if re.search(r"(?<![\w/])A/$", line)]


def test_a_korean_particle_after_a_closing_mark_keeps_the_quotation_marks():
    from brief.markup import plain_text

    # markdown's typographer took the mark before 으로 for an apostrophe, and left the
    # opening one straight, which then became another apostrophe: ’불법 경제 이주민’으로
    assert plain_text("탈북자를 '불법 경제 이주민'으로 보고", "ko") == \
        "탈북자를 ‘불법 경제 이주민’으로 보고"
    assert plain_text("Don't say 'tis so, it's 'fine'.", "en") == \
        "Don’t say ’tis so, it’s ‘fine’."
