"""A German and a Spanish brief written from the documentation alone (tests/data/german,
tests/data/spanish), read as a German and a Spanish reader read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief.typography import NBSP, NNBSP
from tests.conftest import DATA
from tests.page_geometry import read_pages

GERMAN = DATA / "german" / "afghanistan.yaml"
SPANISH = DATA / "spanish" / "devoluciones-ceuta-melilla.yaml"
SPACES = str.maketrans({NBSP: " ", NNBSP: " "})


@pytest.fixture(scope="module")
def editions(built) -> dict[tuple[str, str], Path]:
    """Each brief as a PDF and a handout, and the German one as a web page."""
    found = {(name, kind): built(source, **options)
             for name, source in (("de", GERMAN), ("es", SPANISH))
             for kind, options in (("pdf", {}), ("handout", {"layout": "handout"}))}
    found[("de", "html")] = built(GERMAN, format="html")
    return found


def lines(path: Path) -> list[str]:
    return [line.text.strip() for page in read_pages(path, margins=(0, 0))
            for line in page.lines]


def test_a_german_legal_reference_and_a_date_stay_on_one_line(editions):
    html = editions[("de", "html")].read_text("utf-8")
    assert f"Art.{NBSP}3{NBSP}EMRK" in html
    assert f"§{NBSP}60{NBSP}Abs.{NBSP}5{NBSP}AufenthG" in html
    assert f"4.{NBSP}November{NBSP}1950" in html
    # the English label `art.` is a German noun before its number
    assert "art.\u00a03" not in html and f"EMRK, Art.{NBSP}3" in html
    for line in lines(editions[("de", "pdf")]):
        assert not line.endswith(("Art.", "Art. 3", "§", "§ 60", "November")), line


def test_german_attribution_dash_and_locale(editions):
    html = editions[("de", "html")].read_text("utf-8")
    assert f"<figcaption>–{NBSP}Richard Bennett" in html
    assert '<meta property="og:locale" content="de_DE">' in html


def test_spanish_note_calls_stand_before_the_punctuation(editions):
    text = " ".join(lines(editions[("es", "pdf")])).translate(SPACES)
    assert "intenta cruzarla1. ¿Puede" in text and "un caso concreto2, pero" in text
    assert "párr. 34\u201136" in text  # ranges as the Spanish locale sets pages


def test_e_mail_addresses_never_break_at_their_hyphens(editions):
    for name in ("de", "es"):
        for line in lines(editions[(name, "handout")]):
            assert not (line.endswith("-") and "@" in line), line


def test_the_ledger_keeps_sentences_whole(run):
    code, output = run("ledger", str(GERMAN))
    assert code == 0, output
    assert "| Die „Rückführungsoffensive“ der Bundesregierung ist mit Art. 3 EMRK nicht " \
           "vereinbar. |" in output.translate(SPACES)
    code, output = run("ledger", str(SPANISH))
    assert code == 0, output
    rows = [row for row in output.splitlines() if row.startswith("| 2")]
    assert rows and not [row for row in rows if "¿Puede" in row or "¡Diez" in row]
