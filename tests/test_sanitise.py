"""The one HTML sanitiser: hostile fragments come out as brief's own inline markup or as text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief.sanitise import CLASSES, SAFE_LINK, SAFE_PICTURE, TAGS, safe_html

HOSTILE = [
    # Script, in every spelling a parser still runs.
    ("<script>alert(1)</script>after", "after"),
    ("<SCRIPT SRC=//e.org/x.js></SCRIPT>after", "after"),
    ("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
    ("<svg><script>alert(1)</script><text>t</text></svg>", ""),
    ("<svg onload=alert(1)><image href='file:///etc/passwd'/></svg>x", "x"),
    ("<math><mtext><img src=x onerror=alert(1)></mtext></math>", ""),
    # Event handlers and styles on elements brief itself writes.
    ('<code onmouseover="alert(1)" style="position:fixed;inset:0">x</code>', "<code>x</code>"),
    ('<em onclick=alert(1) ONCLICK=alert(2)>x</em>', "<em>x</em>"),
    ('<span class="cite" style="background:url(https://e.org/t.png)">x</span>',
     '<span class="cite">x</span>'),
    ('<span class="note summary-box evil">x</span>', '<span class="note">x</span>'),
    ('<span class="evil" id="main" lang="en" dir="rtl" title="t">x</span>', "<span>x</span>"),
    ("<style>@import url(/etc/passwd); body{display:none}</style>x", "x"),
    ('<link rel="attachment" href="file:///etc/passwd">x', "x"),
    # Links: only the web, mail and the brief's own anchors.
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<a>x</a>"),
    ('<a href="file:///etc/passwd">x</a>', "<a>x</a>"),
    ('<a href="../secret.pdf">x</a>', "<a>x</a>"),
    ('<a href="https://e.org/" target="_top" rel="opener" title="t" id="x">x</a>',
     '<a href="https://e.org/">x</a>'),
    ('<a href="mailto:desk@e.org">m</a> <a href="#section-2">s</a>',
     '<a href="mailto:desk@e.org">m</a> <a href="#section-2">s</a>'),
    # Pictures: only the data: URLs brief embeds and (with --allow-network) web addresses.
    ('<img src="data:image/png;base64,AAAA" alt="a map" onerror="alert(1)">',
     '<img src="data:image/png;base64,AAAA" alt="a map">'),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=" alt="x">', '<img alt="x">'),
    ('<img src="file:///etc/passwd" alt="x">', '<img alt="x">'),
    ('<img src="/etc/passwd" alt="x">', '<img alt="x">'),
    ('<img srcset="https://e.org/a.png 2x" alt="x">', '<img alt="x">'),
    # Elements brief never writes lose their tags and keep their text.
    ("<iframe src=/etc/passwd></iframe><object data=x>o</object><embed src=x>e",
     "oe"),
    ("<form action=https://e.org><input name=x><button>b</button></form>", "b"),
    ("<div><p>one</p><table><tr><td>two</td></tr></table></div>", "onetwo"),
    ("<base href=https://e.org/><meta http-equiv=refresh content=0>x", "x"),
    # Entities and text stay text; quotes and brackets are escaped where they must be.
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Tom &amp; Jerry &quot;quoted&quot; 5\u00a0km",
     "Tom &amp; Jerry &quot;quoted&quot; 5\u00a0km"),
    ("<em>Tom &amp; Jerry &quot;quoted&quot; 5\u00a0km</em>",
     '<em>Tom &amp; Jerry "quoted" 5\u00a0km</em>'),
    ('<img src="data:image/png;base64,AA" alt="&quot; onerror=&quot;alert(1)">',
     '<img src="data:image/png;base64,AA" alt="&quot; onerror=&quot;alert(1)">'),
    ("<!-- a comment --><![CDATA[x]]>y", "y"),
    ("unclosed <em>emphasis", "unclosed <em>emphasis</em>"),
]


@pytest.mark.parametrize(("fragment", "expected"), HOSTILE)
def test_hostile_fragments_lose_everything_but_brief_s_own_markup(fragment, expected):
    assert safe_html(fragment) == expected


def test_what_brief_writes_passes_unchanged():
    written = ('A claim<span class="cite-anchor">.<span class="note">Jiyoung Song, '
               '“Twenty Years’ Evolution,” <em>Asia and the Pacific Policy Studies</em> 2, '
               'no.\u00a03 (2015): 401, <a href="https://doi.org/10.1002/app5.82">'
               'https://doi.org/10.1002/app5.82</a>; <span class="smallcaps">UN</span> '
               '<strong>A/HRC</strong><sup>2</sup><sub>x</sub><del>old</del><br>'
               '<code>x &lt; y</code>.</span></span>')
    assert safe_html(written) == written


PIECES = ["<", ">", "/", "=", '"', "'", " ", "&", "#", ";", "x", "a", "img", "span", "code",
          "svg", "script", "style", "math", "iframe", "href", "src", "class", "onclick",
          "onerror", "style=", "javascript:", "data:text/html,", "data:image/png;base64,",
          "vbscript:", "file:///etc/passwd", "https://e.org", "url(", "&#106;", "&colon;",
          "\t", "\n", "<!--", "-->", "<![CDATA[", "cite", "note", "evil", "expression("]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_no_attribute_or_scheme_outside_the_allow_list_survives(pieces):
    cleaned = safe_html("".join(pieces))
    found: list[tuple[str, str, str]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            assert tag in TAGS, tag
            found.extend((tag, name, value or "") for name, value in attrs)

    Collect(convert_charrefs=True).feed(cleaned)
    for tag, name, value in found:
        assert (tag, name) in {("a", "href"), ("img", "src"), ("img", "alt"),
                               ("span", "class")}, (tag, name)
        if name == "href":
            assert SAFE_LINK.match(value), value
        if name == "src":
            assert SAFE_PICTURE.match(value), value
        if name == "class":
            assert set(value.split()) <= CLASSES, value
    # Nothing a browser would run or fetch is left outside the attributes either.
    assert "<script" not in cleaned.lower() and "<style" not in cleaned.lower()
