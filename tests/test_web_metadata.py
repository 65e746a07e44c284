"""The web edition's metadata and colours, without a browser: values, escaping, contrast."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from brief.brand import DEFAULT_COLOURS, contrast, parse_colour, web_colours
from brief.resources import templates_folder
from tests.test_load import VALID
from tests.test_render import html_of


def head_of(html: str) -> tuple[list[tuple[str, str, str]], dict]:
    head = html.split("</head>", 1)[0]
    tags = re.findall(r'<meta (name|property)="([^"]+)" content="([^"]*)">', head)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    return tags, json.loads(script.group(1))


def test_reference_managers_and_link_previews_find_the_brief(workdir):
    brief = VALID.replace("title: A Title", "title: A Title\nseries: Brief No. 2\n"
                          "url: https://example.org/b/brief.pdf\nkeywords: [refugees, law]"
                          "\nsubtitle: The subtitle\nauthors: [{name: Ana Ruiz}, {name: Li Wei}]")
    brief = brief.replace("    title: A Report\n", "    title: A Report\n    DOI: 10.1/x\n"
                          "    author: [{family: 김, given: 민준}]\n")
    (workdir / "b.yaml").write_text(brief, "utf-8")
    tags, report = head_of(html_of(Path("b.yaml")))
    assert [(kind, name, value) for kind, name, value in tags
            if name.startswith("citation_")] == [
        ("name", "citation_title", "A Title"),
        ("name", "citation_author", "Ana Ruiz"),
        ("name", "citation_author", "Li Wei"),
        ("name", "citation_publication_date", "2024/05/01"),
        ("name", "citation_publisher", "Org"),
        ("name", "citation_technical_report_institution", "Org"),
        ("name", "citation_language", "en"),
        ("name", "citation_series_title", "Brief No.\u00a02"),  # bound: brief.typography
        ("name", "citation_keywords", "refugees; law"),
        ("name", "citation_pdf_url", "https://example.org/b/brief.pdf"),
    ]
    values = {name: value for _, name, value in tags}
    assert values["og:title"] == values["twitter:title"] == "A Title"
    assert values["og:description"] == values["twitter:description"] == "The subtitle"
    # The page's own address is unknown: a link preview is never sent to the PDF instead.
    assert "og:url" not in values
    assert report["@type"] == "Report" and report["datePublished"] == "2024-05-01"
    assert report["author"] == [{"@type": "Person", "name": "Ana Ruiz"},
                                {"@type": "Person", "name": "Li Wei"}]
    assert report["encoding"]["contentUrl"] == "https://example.org/b/brief.pdf"
    assert "url" not in report  # the address is the PDF's, not the page's
    assert report["citation"] == [{
        "@type": "Report", "name": "A Report", "datePublished": "2020",
        "author": [{"@type": "Person", "name": "김민준", "givenName": "민준",
                    "familyName": "김"}],
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1/x"},
        "url": "https://doi.org/10.1/x"}]


def test_a_page_address_is_canonical_and_no_pdf_is_claimed(workdir):
    (workdir / "b.yaml").write_text(VALID + "url: https://example.org/b\n", "utf-8")
    html = html_of(Path("b.yaml"))
    tags, report = head_of(html)
    assert '<link rel="canonical" href="https://example.org/b">' in html
    assert "citation_pdf_url" not in {name for _, name, _ in tags}
    assert report["url"] == "https://example.org/b"
    # Without authors, the organisation is the author.
    assert ("name", "citation_author", "Org") in tags
    assert report["author"] == [{"@type": "Organization", "name": "Org"}]


def test_hostile_text_stays_text_in_meta_tags_and_json_ld(workdir):
    title = "</script><script>alert(1)</script>\\\" & 'x'"
    hostile = VALID.replace("title: A Title", f"title: {json.dumps(title)}").replace(
        "organisation: {name: Org}", "organisation: {name: Org, url: 'javascript:alert(1)'}")
    (workdir / "b.yaml").write_text(hostile + "url: 'javascript:alert(2)'\n", "utf-8")
    html = html_of(Path("b.yaml"))
    head = html.split("</head>", 1)[0]
    assert head.count("<script") == 1 and "alert(1)</script>" not in head
    tags, report = head_of(html)
    # The JSON is escaped for HTML, and reads back as written but for its typography.
    assert report["name"] == "</script><script>alert(1)</script>\\” & ‘x’"
    assert "url" not in report and "url" not in report["publisher"]
    assert "javascript:" not in "".join(value for _, _, value in tags)
    assert 'href="javascript' not in html


def test_default_colours_are_those_of_the_print_stylesheet():
    css = (templates_folder() / "print.css").read_text("utf-8")
    for name in ("primary", "accent", "tint", "warm-tint", "paper"):
        assert f"--{name}: {DEFAULT_COLOURS[name]};" in css


@pytest.mark.parametrize("colours", [
    {}, {"primary": "#2f6b3a", "accent": "#c77d1a"},  # meadow: an amber too pale for text
    {"primary": "#ffd400", "accent": "#00ffff", "paper": "#fffbe6", "tint": "#f0f0d0",
     "warm-tint": "#fff0f0"},  # a brand with no dark colour at all
    {"primary": "#000000", "accent": "#111111"},  # a brand with no light one
])
def test_brand_colours_on_screen_keep_the_contrast_of_text(colours):
    made = {name: parse_colour(value) for name, value in web_colours(colours).items()}
    light = [parse_colour(colours.get(name, DEFAULT_COLOURS[name]))
             for name in ("paper", "tint", "warm-tint")]
    dark = [made["paper-dark"], made["tint-dark"], made["warm-tint-dark"]]
    for background in light:
        assert contrast(made["primary-text"], background) >= 4.5
        assert contrast(made["accent-text"], background) >= 4.5
    for background in dark:
        assert contrast(made["primary-dark"], background) >= 4.5
        assert contrast(made["accent-dark"], background) >= 4.5
    if not colours:  # the default design's colours already read well: kept as they are
        assert web_colours({})["accent-text"] == DEFAULT_COLOURS["accent"]
