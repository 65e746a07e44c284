"""The rendered HTML: escaped user text, the document's structure, and golden files."""

from __future__ import annotations

from pathlib import Path

from brief.cite import format_citations
from brief.load import load_brief
from brief.render import render_html
from tests.conftest import EXAMPLE
from tests.test_load import VALID

GOLDEN = Path(__file__).parent / "golden"


def html_of(path: Path, **options) -> str:
    loaded = load_brief(path)
    return render_html(loaded, format_citations(loaded), **options)


def test_example_matches_golden_html(update_golden):
    """Rewrite with `pytest --update-golden` after an intended change, and review the diff."""
    html = html_of(EXAMPLE)
    golden = GOLDEN / "north-korea-refugees.html"
    if update_golden:
        golden.write_text(html, "utf-8")
    assert html == golden.read_text("utf-8")


def test_user_text_is_escaped_and_never_a_template(workdir):
    hostile = (VALID.replace("title: A Title", "title: \"{{ 7*7 }} <b>bold</b>\"")
               .replace("A summary [@a].", "\"<script>x</script> {% if true %}T{% endif %} [@a].\"")
               .replace("organisation: {name: Org}",
                        "organisation: {name: 'Org\"); } body { display: none', "
                        "url: 'javascript:alert(1)'}"))
    (workdir / "b.yaml").write_text(hostile, "utf-8")
    html = html_of(Path("b.yaml"))
    assert "{{ 7*7 }} &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;x&lt;/script&gt; {% if true %}T{% endif %}" in html
    assert "<script>" not in html and 'href="javascript' not in html
    css = html.split("<style>")[1].split("</style>")[0]
    # The organisation's `"` is a typographic mark now (brief.typography), escaped all the same.
    assert "body { display: none" not in css and "\\00201d" in css


def test_structure_of_the_brief(workdir):
    (workdir / "b.yaml").write_text(VALID + "series: No. 9\n", "utf-8")  # language defaults
    html = html_of(Path("b.yaml"), paper="letter")
    assert '<html lang="en" dir="ltr">' in html
    assert "size: letter;" in html
    assert '<span class="series">No.\u00a09</span>' in html
    assert '<time datetime="2024-05-01">May\u00a01,\u00a02024</time>' in html
    assert '<span class="note" id="note-1"' in html  # chicago-note: citations are footnotes


def test_labels_and_dates_follow_the_language(workdir):
    (workdir / "b.yaml").write_text(VALID + "language: fr\n", "utf-8")
    html = html_of(Path("b.yaml"))
    assert '<html lang="fr"' in html
    assert "<h2>Résumé</h2>" in html and "<h2>Recommandations</h2>" in html
    assert "1\u00a0mai\u00a02024" in html  # a date is never split over two lines
