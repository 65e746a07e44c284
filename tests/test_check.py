"""Lint rules: claims need citations, ids must exist, labels must be CSL terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.check import check_brief
from brief.diagnostics import BriefError
from brief.load import load_brief
from tests.test_load import VALID


def report(workdir: Path, text: str) -> list[str]:
    (workdir / "b.yaml").write_text(text, "utf-8")
    return [d.format() for d in check_brief(load_brief(Path("b.yaml")))]


def test_clean_brief_has_no_diagnostics(workdir):
    assert report(workdir, VALID) == []


def test_claim_without_citation(workdir):
    text = VALID.replace("A claim [@a, p. 1].", "A claim.")
    assert report(workdir, text) == [
        "b.yaml:8:16: error: claim has no citation\n"
        "  hint: cite its source, e.g. [@song2015, p. 401], or make it a `text` block"]


def test_unknown_id_names_the_nearest(workdir):
    text = VALID.replace("A claim [@a, p. 1].", "A claim [@song2015; @b].").replace(
        "  - id: a\n", "  - id: song2015x\n").replace("[@a]", "[@song2015x]")
    assert report(workdir, text) == [
        "b.yaml:8:25: error: unknown source `song2015`\n  hint: did you mean `song2015x`?",
        "b.yaml:8:36: error: unknown source `b`\n"
        "  hint: add it to `sources`, or write \\@ for a literal @",
    ]


def test_citation_in_a_folded_block_is_located(workdir):
    text = VALID.replace("      - claim: A claim [@a, p. 1].",
                         "      - claim: >\n          A claim that runs\n          on [@zz].")
    assert report(workdir, text)[0].startswith("b.yaml:10:15: error: unknown source `zz`")


def test_locator_label_must_be_a_csl_term(workdir):
    text = VALID.replace("[@a, p. 1]", "[@a, pg. 1]")
    assert report(workdir, text) == [
        "b.yaml:8:25: error: `pg.` is not a locator label\n  hint: did you mean `p.`?"]
    text = VALID.replace("[@a, p. 1]", "[@a, xyz 1]")
    assert report(workdir, text) == [
        "b.yaml:8:25: error: `xyz` is not a locator label\n"
        "  hint: use one of p., pp., para., paras., ch., sec., §, n., art., vol., fig., l., no., "
        "pt. (or the word in full: page, paragraph, chapter, section, article …)"]


@pytest.mark.parametrize("written, english", [("pág.", "p."), ("Rn.", "para."), ("S.", "p."),
                                              ("apdo.", "sec."), ("párr.", "para.")])
def test_a_label_of_another_language_is_refused_with_its_english_label(workdir, written,
                                                                       english):
    # "pág. 42" was taken for a suffix and printed as typed, after the source's address
    text = VALID.replace("[@a, p. 1]", f"[@a, {written} 1]")
    assert report(workdir, text) == [
        f"b.yaml:8:25: error: `{written}` is not a locator label\n  hint: type `{english}`: "
        "labels are typed in English, and printed as the brief's language prints them"]


def test_quote_source_and_locator(workdir):
    text = VALID.replace("      - claim: A claim [@a, p. 1].",
                         "      - claim: A claim [@a, p. 1].\n      - quote: Words.\n"
                         "        source: nope\n      - quote: More words.\n        source: a")
    assert report(workdir, text) == [
        "b.yaml:10:17: error: unknown source `nope`\n  hint: add it to `sources`"]
    paged = text.replace("    issued: 2020\n", "    issued: 2020\n    page: 1-40\n")
    assert report(workdir, paged) == [
        "b.yaml:10:17: error: unknown source `nope`\n  hint: add it to `sources`",
        "b.yaml:11:16: error: quotation has no locator, and `a` has pages\n"
        "  hint: add `locator: p. 10` so that readers can find the passage"]


def test_quote_source_and_locator_cannot_carry_other_citations(workdir):
    from tests.test_load import problems

    text = VALID.replace("      - claim: A claim [@a, p. 1].",
                         "      - claim: A claim [@a, p. 1].\n      - quote: Words.\n"
                         "        source: a and more\n        locator: \"p. 1]; [@zz\"")
    assert problems(workdir, text) == [
        "b.yaml:10:17: error: `a and more` is not a source id\n"
        "  hint: give the id of one source, as in `source: coi2014`",
        "b.yaml:11:18: error: a locator cannot contain [, ], ; or @\n"
        "  hint: give the place in the source only, as in `locator: p. 10f`"]


def test_source_fields_must_be_text(workdir):
    text = VALID + "    container-title: {x: 1}\n"
    assert report(workdir, text) == [
        "b.yaml:17:22: error: `container-title` should be text, not a mapping\n"
        "  hint: quote the value if YAML reads it as something else"]


def test_unused_and_duplicate_sources(workdir):
    text = VALID + "  - id: a\n    type: book\n  - id: spare\n    type: book\n    titel: X\n"
    assert report(workdir, text) == [
        "b.yaml:17:9: error: duplicate source id `a`\n  hint: it is already used at b.yaml:13:9",
        "b.yaml:19:9: warning: source `spare` is never cited\n"
        "  hint: cite it, or remove it from `sources`",
        "b.yaml:21:5: warning: `titel` is not a CSL variable; it is ignored\n"
        "  hint: did you mean `title`?",
    ]


def test_logo_must_be_inside_the_folder(workdir):
    text = VALID.replace("organisation: {name: Org}", "organisation: {name: Org, logo: /etc/hostname}")
    assert report(workdir, text) == [
        "b.yaml:3:33: error: logo `/etc/hostname` is outside the brief's folder\n"
        "  hint: a brief may only read files in its own folder and below it"]


@given(first=st.integers(1, 900), length=st.integers(0, 90), cited=st.integers(1, 1100),
       to=st.integers(0, 30), label=st.sampled_from(["p. ", "pp. ", "page ", "", "para. "]),
       dash=st.sampled_from(["-", "–", "--"]))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_page_outside_the_source_is_found_whatever_the_numbers(
        workdir, first, length, cited, to, label, dash):
    last = first + length
    locator = f"{label}{cited}" + (f"{dash}{cited + to}" if to and label != "p. " else "")
    text = VALID.replace("A claim [@a, p. 1].", f"A claim [@a, {locator}].").replace(
        "    issued: 2020\n", f"    issued: 2020\n    page: {first}{dash}{last}\n")
    pages = (cited, cited + to) if to and label != "p. " else (cited,)
    outside = [page for page in pages if not first <= page <= last]
    expected = [] if label == "para. " or not outside else [
        f"b.yaml:8:25: warning: page {outside[0]} is outside the pages of `a` "
        f"({first}–{last})\n  hint: check the page number, or the `page` of `a`"]
    assert report(workdir, text) == expected


@given(key=st.sampled_from(["title", "summary", "sections", "recommendations", "organisation",
                            "date"]),
       edit=st.sampled_from(["drop", "double", "swap"]), where=st.integers(1, 3))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_misspelt_required_key_is_one_error_at_the_typo(workdir, key, edit, where):
    typo = {"drop": key[:where] + key[where + 1:], "double": key[:where] + key[where] * 2
            + key[where + 1:], "swap": key[:where - 1] + key[where] + key[where - 1]
            + key[where + 1:]}[edit]
    if typo == key:
        return
    text = VALID.replace(f"\n{key}:", f"\n{typo}:") if key != "title" else \
        VALID.replace("title:", f"{typo}:", 1)
    line = next(number for number, row in enumerate(text.splitlines(), 1)
                if row.startswith(f"{typo}:"))
    (workdir / "b.yaml").write_text(text, "utf-8")
    with pytest.raises(BriefError) as failure:
        load_brief(Path("b.yaml"))
    assert [d.format() for d in failure.value.diagnostics] == [
        f"b.yaml:{line}:1: error: unknown key `{typo}`\n"
        f"  hint: did you mean `{key}`? It is required"]
    # The rest of the brief is checked as if the key were spelt right: nothing else to say.
    assert check_brief(failure.value.partial) == []


def test_ids_the_layout_gives_its_own_parts_are_taken(workdir):
    text = VALID.replace("  - heading: One\n", "  - heading: One\n    id: note-3\n").replace(
        "      - claim: A claim [@a, p. 1].\n",
        "      - claim: A claim [@a, p. 1].\n        id: summary\n"
        "      - claim: Another [@a].\n        id: notes-on-law\n")
    message = ("  hint: choose another id; summary, key-messages, recommendations, "
               "notes, sources, evidence, key-sources and ids such as note-3, section-2 or "
               "ref-song2015 are taken")
    assert report(workdir, text) == [
        "b.yaml:7:9: error: the id `note-3` is one the layout gives its own parts\n" + message,
        "b.yaml:10:13: error: the id `summary` is one the layout gives its own parts\n" + message]
    evidence = VALID.replace("  - heading: One\n", "  - heading: One\n    id: evidence\n")
    assert report(workdir, evidence) == [
        "b.yaml:7:9: error: the id `evidence` is one the layout gives its own parts\n" + message]


def test_every_id_the_layouts_write_is_taken():
    """An id added to a template must be added to LAYOUT_IDS, or a section could take it."""
    from brief.check import LAYOUT_IDS
    from brief.resources import templates_folder

    written = {match for template in templates_folder().rglob("*.html")
               for match in re.findall(r'\bid="([^"]*)"', template.read_text("utf-8"))}
    users = {"{{ section.id or 'section-%d' % loop.index }}", "{{ block.id }}"}
    assert "evidence" in written and users <= written
    for id_ in written - users:
        example = re.sub(r"\{\{[^}]*(number|index)[^}]*\}\}", "3", id_)
        example = re.sub(r"\{\{[^}]*\}\}", "song2015", example)
        assert LAYOUT_IDS.fullmatch(example), id_
