"""`brief sources import` and `brief sources list`: reference managers in, citations out."""

from __future__ import annotations

import shutil
from pathlib import Path

from ruamel.yaml import YAML

from brief.load import load_brief
from brief.sources import with_citable_ids
from tests.conftest import DATA

IMPORT = DATA / "import"
BRIEF = """\
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
  # kept as written
  - id: a
    type: report
    title: A Report
    issued: 2020

# the style comes last
style: apa
"""


def imported(run, name: str) -> list[dict]:
    code, output = run("sources", "import", str(IMPORT / name))
    assert code == 0, output
    return YAML(typ="safe").load(output)


def test_zotero_csl_json_becomes_csl_yaml(run):
    code, output = run("sources", "import", str(IMPORT / "zotero.json"))
    assert (code, output) == (0, """\
- id: song2015
  type: article-journal
  author: [{family: Song, given: Jiyoung}]
  title: "Twenty Years' Evolution of North Korean Migration, 1994–2014: A Human Security Perspective"
  container-title: Asia and the Pacific Policy Studies
  volume: 2
  issue: 3
  page: 399-415
  issued: 2015
  DOI: 10.1002/app5.82
- id: coi2014
  type: report
  author: [{literal: UN Human Rights Council}]
  title: Report of the Commission of Inquiry on Human Rights in the Democratic People's Republic of Korea
  number: A/HRC/25/63
  issued: '2014-02-07'
""")


def test_ris_dates_places_and_names_are_kept(run):
    items = imported(run, "refs.ris")
    assert [item["id"] for item in items] == ["kim2009", "chrnk2009", "cohen2012"]
    assert items[0]["author"][3] == {"family": "Williams", "given": "Hue"}
    assert (items[0]["volume"], items[0]["issue"], items[0]["page"]) == (37, 4, "154-169")
    assert items[0]["container-title"] == "International Journal of Law, Crime and Justice"
    assert items[1] == {
        "id": "chrnk2009", "type": "report",
        "author": [{"literal": "Committee for Human Rights in North Korea"}],
        "title": "Lives for Sale: Personal Accounts of Women Fleeing North Korea to China",
        "publisher": "Committee for Human Rights in North Korea",
        "publisher-place": "Washington, DC", "issued": 2009}
    assert (items[2]["type"], items[2]["issued"], items[2]["accessed"]) == (
        "webpage", "2012-03-05", "2018-02-24")


def test_bibtex_misc_becomes_a_document(run):
    items = imported(run, "refs.bib")
    assert items[0] == {
        "id": "unhcr1951", "type": "document", "author": [{"literal": "UNHCR"}],
        "title": "The 1951 Refugee Convention", "accessed": "2018-02-24",
        "URL": "https://www.unhcr.org/1951-refugee-convention.html",
        "language": "en"}  # no langid: English, whose capitals styles may set again
    assert (items[1]["type"], items[1]["container-title"], items[1]["publisher-place"]) == (
        "chapter", "World Report 2018", "New York")


def test_ids_that_cannot_be_cited_are_made_from_author_and_year():
    items = with_citable_ids([
        {"id": "http://zotero.org/users/1/items/A", "author": [{"family": "Müller"}],
         "issued": {"date-parts": [[2019]]}},
        {"author": [{"family": "Müller"}], "issued": {"date-parts": [[2019]]}},
        {"id": "keep:me", "title": "Untitled"}])
    assert [item["id"] for item in items] == ["muller2019", "muller2019a", "keep:me"]


def test_unsupported_file_is_a_located_error(run, workdir):
    (workdir / "refs.txt").write_text("x", "utf-8")
    assert run("sources", "import", "refs.txt") == (1, (
        "refs.txt:1:1: error: cannot import `refs.txt`\n"
        "  hint: import .json (CSL-JSON, as Zotero exports it), .bib (BibTeX or BibLaTeX) or "
        ".ris files\n"))


def test_broken_json_is_reported_at_its_line(run, workdir):
    (workdir / "refs.json").write_text('[\n  {"id": "a",}\n]\n', "utf-8")
    assert run("sources", "import", "refs.json") == (
        1, "refs.json:2:14: error: not valid JSON: Expecting property name enclosed in double "
        "quotes\n")


def test_import_into_appends_and_keeps_the_text(run, workdir):
    (workdir / "b.yaml").write_text(BRIEF, "utf-8")
    shutil.copy(IMPORT / "refs.ris", workdir / "refs.ris")
    assert run("sources", "import", "refs.ris", "--into", "b.yaml") == (
        0, "added 3 sources to b.yaml\n")
    text = (workdir / "b.yaml").read_text("utf-8")
    head, tail = BRIEF.split("\n\n# the style comes last\n")
    assert text.startswith(head + "\n  - id: kim2009\n    type: article-journal\n    author:\n"
                           "    - {family: Kim, given: Eunyoung}\n")
    assert text.endswith("    accessed: '2018-02-24'\n\n# the style comes last\nstyle: apa\n")
    loaded = load_brief(Path("b.yaml"))
    assert loaded.brief.source_ids() == ["a", "kim2009", "chrnk2009", "cohen2012"]
    assert loaded.brief.style == "apa"


def test_import_refuses_ids_the_brief_has(run, workdir):
    (workdir / "b.yaml").write_text(BRIEF.replace("id: a\n", "id: cohen2012\n")
                                    .replace("@a", "@cohen2012"), "utf-8")
    shutil.copy(IMPORT / "refs.ris", workdir / "refs.ris")
    before = (workdir / "b.yaml").read_text("utf-8")
    assert run("sources", "import", "refs.ris", "--into", "b.yaml") == (1, (
        "b.yaml:14:9: error: source `cohen2012` from refs.ris is already in the brief\n"
        "  hint: remove it from refs.ris or give it another id, then import again\n"))
    assert (workdir / "b.yaml").read_text("utf-8") == before


def test_import_into_a_one_line_list_is_refused(run, workdir):
    (workdir / "b.yaml").write_text(BRIEF.split("sources:")[0]
                                    + "sources: [{id: a, type: report, title: R}]\n", "utf-8")
    assert run("sources", "import", str(IMPORT / "refs.ris"), "--into", "b.yaml") == (1, (
        "b.yaml:12:1: error: `sources` is not a list written one item per line\n"
        "  hint: write it as `sources:` followed by lines that start with `- `, then import "
        "again\n"))


def test_list_shows_counts_places_and_unused_sources(run, workdir):
    shutil.copytree(DATA / "multi-sources", workdir / "m")
    code, output = run("sources", "list", "m/brief.yaml")
    assert (code, output) == (0, """\
inline2020      3  m/brief.yaml:5:46, m/brief.yaml:16:40, m/brief.yaml:17:35
fromjson2019    2  m/brief.yaml:7:16, m/brief.yaml:13:35
fromyaml2017    2  m/brief.yaml:14:35, m/brief.yaml:21:27
frombib2018     2  m/brief.yaml:9:19, m/brief.yaml:15:37
""")
    (workdir / "b.yaml").write_text(BRIEF.replace(
        "\n# the style", "  - {id: spare, type: book, title: S}\n\n# the style"), "utf-8")
    assert run("sources", "list", "b.yaml") == (
        0, "a        2  b.yaml:4:21, b.yaml:8:25\nspare    0  unused\n")


def test_duplicate_ids_across_files_point_at_each_file(run, workdir):
    shutil.copytree(DATA / "multi-sources", workdir / "m")
    with (workdir / "m" / "refs.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - {id: fromjson2019, type: report, title: Again, issued: 2019}\n")
    with (workdir / "m" / "refs.bib").open("a", encoding="utf-8") as handle:
        handle.write("\n@report{inline2020,\n  title = {Again},\n  year = {2020}\n}\n")
    assert run("check", "m/brief.yaml") == (1, (
        "m/refs.bib:9:9: error: duplicate source id `inline2020`\n"
        "  hint: it is already used at m/brief.yaml:23:9\n"
        "m/refs.yaml:8:10: error: duplicate source id `fromjson2019`\n"
        "  hint: it is already used at m/refs.json:3:11\n"))
