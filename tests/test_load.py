"""Loading: every bad input is reported at its line and column, in plain words."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from brief.diagnostics import BriefError
from brief.load import load_brief

VALID = """\
title: A Title
date: 2024-05-01
organisation: {name: Org}
summary: A summary [@a].
sections:
  - heading: One
    body:
      - claim: A claim [@a, p. 1].
recommendations:
  - to: Someone
    actions: [Act.]
sources:
  - id: a
    type: report
    title: A Report
    issued: 2020
"""


def problems(workdir: Path, text: str, name: str = "b.yaml") -> list[str]:
    (workdir / name).write_text(textwrap.dedent(text), "utf-8")
    with pytest.raises(BriefError) as failure:
        load_brief(Path(name))
    return [d.format() for d in failure.value.diagnostics]


def test_valid_brief_loads_with_defaults(workdir):
    (workdir / "b.yaml").write_text(VALID, "utf-8")
    loaded = load_brief(Path("b.yaml"))
    assert loaded.brief.style == "chicago-note"
    assert loaded.brief.language == "en"
    assert loaded.brief.sources[0].csl_json()["issued"] == {"date-parts": [[2020]]}
    assert loaded.where.value(("sections", 0, "body", 0, "claim")).line == 8


def test_yaml_syntax_error_is_located(workdir):
    assert problems(workdir, "title: x\nsummary: a: b\n") == [
        "b.yaml:2:11: error: YAML syntax: mapping values are not allowed in this context\n"
        "  hint: a text containing `: ` must be quoted, or written as a block with `>`"]


def test_tabs_are_explained(workdir):
    assert problems(workdir, "title: x\n\tdate: 2020-01-01\n")[0].startswith("b.yaml:2:1: error:")


def test_unknown_key_names_the_closest_one(workdir):
    text = VALID.replace("summary:", "sumary:")
    assert problems(workdir, text) == [
        "b.yaml:4:1: error: unknown key `sumary`\n  hint: did you mean `summary`? It is required",
    ]


def test_unknown_key_in_a_block(workdir):
    text = VALID.replace("      - claim: A claim [@a, p. 1].",
                         "      - claim: A claim [@a, p. 1].\n        locater: p. 4")
    assert problems(workdir, text) == [
        "b.yaml:9:9: error: unknown key `locater`\n  hint: allowed here: claim, id, evidence"]


def test_block_with_two_kinds(workdir):
    text = VALID.replace("      - claim: A claim [@a, p. 1].",
                         "      - claim: A claim [@a, p. 1].\n        text: more")
    assert problems(workdir, text) == [
        "b.yaml:9:9: error: a block has exactly one of claim, quote, text or list; this one "
        "also has `text`\n  hint: split it into two blocks"]


def test_block_without_kind(workdir):
    text = VALID.replace("      - claim: A claim [@a, p. 1].", "      - clam: A claim")
    assert problems(workdir, text) == [
        "b.yaml:8:9: error: a block needs one of the keys claim, quote, text or list\n"
        "  hint: did you mean `claim`?"]


@pytest.mark.parametrize("value, message", [
    ("2024-02-30", "`2024-02-30` is not a calendar date"),
    ("2024", "`date` is written YYYY-MM-DD, e.g. 2018-02-26"),
    ("May 2024", "`date` is written YYYY-MM-DD, e.g. 2018-02-26"),
])
def test_bad_brief_dates(workdir, value, message):
    text = VALID.replace("date: 2024-05-01", f"date: {value}")
    assert problems(workdir, text) == [f"b.yaml:2:7: error: {message}"]


def test_bad_source_date_and_type(workdir):
    text = VALID.replace("type: report", "type: reprot").replace("issued: 2020",
                                                                 "issued: 2020-13-01")
    assert problems(workdir, text) == [
        "b.yaml:14:11: error: `reprot` is not a CSL type\n  hint: did you mean `report`?",
        "b.yaml:16:13: error: `2020-13-01` is not a calendar date",
    ]


def test_issued_accepts_every_documented_form(workdir):
    text = VALID.replace("issued: 2020", "issued: {date-parts: [[2015, 3]]}\n    accessed: "
                         "2018-02-24\n    original-date: 1951")
    (workdir / "b.yaml").write_text(text, "utf-8")
    item = load_brief(Path("b.yaml")).brief.sources[0].csl_json()
    assert item["issued"] == {"date-parts": [[2015, 3]]}
    assert item["accessed"] == {"date-parts": [[2018, 2, 24]]}
    assert item["original-date"] == {"date-parts": [[1951]]}


def test_wrong_types_are_described(workdir):
    text = VALID.replace("title: A Title", "title: [a, b]").replace(
        "    actions: [Act.]", "    actions: Act.")
    assert problems(workdir, text) == [
        "b.yaml:1:8: error: `title` should be text, not a list\n"
        "  hint: quote the value if YAML reads it as something else",
        "b.yaml:11:14: error: `actions` should be a list\n  hint: start each item with `- `",
    ]


def test_missing_source_file(workdir):
    text = VALID + "  - more.bib\n"
    assert problems(workdir, text) == [
        "b.yaml:17:5: error: sources file not found: more.bib\n"
        "  hint: paths are relative to the folder of the brief"]


def test_source_file_outside_the_folder_is_refused(workdir):
    (workdir / "inner").mkdir()
    (workdir / "outside.json").write_text("[]", "utf-8")
    text = VALID + "  - ../outside.json\n"
    assert problems(workdir, text, "inner/b.yaml") == [
        "inner/b.yaml:17:5: error: source file `../outside.json` is outside the brief's folder\n"
        "  hint: a brief may only read files in its own folder and below it"]


def test_unparsable_bibtex(workdir):
    (workdir / "refs.bib").write_text("@book{broken, title = {Unclosed\n", "utf-8")
    text = VALID + "  - refs.bib\n"
    assert problems(workdir, text) == [
        "refs.bib:1:32: error: BibTeX syntax: unexpected end of input\n"
        "  hint: the entry `broken` (line 1) is not closed: check its braces { } and the "
        "commas between its fields"]


def test_json_source_errors_point_into_the_json_file(workdir):
    (workdir / "refs.json").write_text(
        '[\n  {"id": "b", "type": "book",\n   "issued": "someday"}\n]\n', "utf-8")
    text = VALID + "  - refs.json\n"
    assert problems(workdir, text) == [
        "refs.json:3:14: error: `someday` is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD"]


def test_sources_from_json_yaml_and_bibtex(run):
    from tests.conftest import DATA

    loaded = load_brief(DATA / "multi-sources" / "brief.yaml")
    ids = [source.id for source in loaded.brief.sources]
    assert ids == ["inline2020", "fromjson2019", "fromyaml2017", "frombib2018"]
    assert loaded.brief.sources[3].csl_json()["type"] == "book"


def test_not_utf8(workdir):
    (workdir / "b.yaml").write_bytes(b"title: caf\xe9\n")
    with pytest.raises(BriefError) as failure:
        load_brief(Path("b.yaml"))
    assert [d.format() for d in failure.value.diagnostics] == [
        "b.yaml:1:11: error: the file is not valid UTF-8 text\n"
        "  hint: save the file as UTF-8 in your editor"]


def test_yaml_tags_are_refused(workdir):
    text = VALID.replace("title: A Title", "title: !!python/object:os.system echo")
    assert problems(workdir, text)[0].startswith("b.yaml:1:8: error:")


def test_duplicate_keys(workdir):
    text = VALID + "title: Again\n"
    assert problems(workdir, text) == [
        "b.yaml:17:1: error: duplicate key `title`\n"
        "  hint: it is already set at line 1; each key may appear once"]
