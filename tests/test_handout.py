"""The one-page handout, end to end: one page, the parts a reader keeps, and overflow errors."""

from __future__ import annotations

import pypdf
import pytest

from brief.handout import most_cited
from brief.load import load_brief
from tests.conftest import EXAMPLE



def pdf_text(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


@pytest.mark.parametrize("language, expected", [
    (None, ["Fleeing North Korea", "KEY MESSAGES", "Nearly every escape route",
               "RECOMMENDATIONS", "Stop forcibly returning North Koreans", "KEY SOURCES",
               "Read the full brief"]),
    ("ko", ["북한 탈출", "핵심 메시지", "북한을 빠져나가는 길은", "권고 사항", "주요 출처",
              "보고서 전문 보기"]),
])
def test_handout_is_one_page_with_what_a_reader_keeps(language, expected, run, tmp_path):
    out = tmp_path / "handout.pdf"
    code, output = run("build", "--strict", "--layout", "handout", str(EXAMPLE), "-o", str(out),
                       *(["--language", language] if language else []))
    assert code == 0, output
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    links = [annotation.get_object()["/A"]["/URI"]
             for annotation in reader.pages[0].get("/Annots", [])
             if "/URI" in annotation.get_object().get("/A", {})]
    assert load_brief(EXAMPLE, language).brief.url in links  # the QR code's target, as a link too
    for words in expected:
        assert words in text
    assert "¹" not in text and "Ibid" not in text  # no footnotes on a handout


def test_handout_has_a_vector_qr_code_of_the_url(run, tmp_path):
    out = tmp_path / "handout.html"
    assert run("build", "--layout", "handout", "--format", "html", str(EXAMPLE), "-o",
               str(out))[0] == 0
    html = out.read_text("utf-8")
    assert 'class="qr" src="data:image/svg+xml' in html
    assert 'alt="QR code linking to the full brief: https://example.org/briefs/' in html
    assert 'class="note"' not in html


def test_most_cited_sources_come_first():
    assert most_cited(load_brief(EXAMPLE).brief) == ["coi2014", "song2015", "davis2006", "hrw2018"]


@pytest.mark.parametrize("runner", ["run", "command"])  # in-process, and via the layout process
def test_a_handout_that_does_not_fit_is_an_error_and_writes_nothing(example_copy, runner,
                                                                    request):
    run = request.getfixturevalue(runner)
    text = example_copy.read_text("utf-8")
    long_action = ("        Stop forcibly returning North Koreans and respect the principle of "
                   "non-refoulement. " * 12).rstrip()
    example_copy.write_text(text.replace(
        "      - >-\n        Do not return North Koreans to China or North Korea,",
        f"      - >-\n{long_action}\n      - >-\n        Do not return North Koreans to China "
        "or North Korea,", 1), "utf-8")
    code, output = run("build", "--layout", "handout", example_copy.name,
                       cwd=example_copy.parent)
    assert code == 1
    head, hint = output.splitlines()[:2]
    assert head.startswith("north-korea-refugees.yaml:202:9: error: the handout does not fit "
                           "on one page: it needs 2 pages, about ")
    assert hint.startswith("  hint: shorten the longest texts on it: recommendation 3, "
                           "action 1 (line 202, 1095 characters); ")
    assert not example_copy.with_suffix(".pdf").exists()
