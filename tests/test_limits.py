"""The resource budget (brief.limits): each attack that once took minutes or gigabytes ends at
once with a located error. The inputs come from tests/hostile_inputs.py, built small here;
benchmarks/hostile.py runs them at full size and measures time and memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief.diagnostics import BriefError, Location
from brief.limits import Limits
from brief.pandoc import run_pandoc
from tests import hostile_inputs as attack
from tests.test_load import problems

LOOP_HINT = ("  hint: look for entries that refer to each other (crossref, xdata), @string macros "
             "that repeat each other, or style macros that call each other")


def test_pandoc_is_stopped_at_its_memory_limit():
    with pytest.raises(BriefError) as failure:
        run_pandoc(["-f", "biblatex", "-t", "csljson"], attack.bibtex_string_doubling(),
                   Location("refs.bib"), limits=Limits(pandoc_memory_mib=64))
    assert [d.format() for d in failure.value.diagnostics] == [
        "refs.bib:1:1: error: formatting the sources needed more than 64 MiB of memory and "
        "was stopped\n" + LOOP_HINT]


def test_pandoc_is_stopped_at_its_time_limit():
    with pytest.raises(BriefError) as failure:
        run_pandoc(["-f", "biblatex", "-t", "csljson"], attack.bibtex_string_doubling(),
                   Location("refs.bib"), limits=Limits(pandoc_seconds=1, pandoc_memory_mib=4000))
    assert [d.format() for d in failure.value.diagnostics] == [
        "refs.bib:1:1: error: formatting the sources took longer than 1 s and was stopped\n"
        + LOOP_HINT]


@pytest.mark.parametrize("bibtex, message", [
    (attack.bibtex_crossref_loop(), "refs.bib:1:1: error: entry `a` inherits from itself: "
                                    "a → b → a"),
    (attack.bibtex_xdata_loop(), "refs.bib:1:1: error: entry `x` inherits from itself: "
                                 "x → y → x"),
    ("@book{c, title={C}}\n@xdata{x, xdata={c,y}}\n@xdata{y, publisher={P}, xdata = {x}}\n"
     "@book{a, xdata={x}, title={A}}\n", "refs.bib:2:1: error: entry `x` inherits from itself: "
                                         "x → y → x"),
])
def test_bibtex_entries_that_inherit_from_themselves(workdir, run, bibtex, message):
    arguments = attack.bibtex_attack(workdir, bibtex)
    hint = "\n  hint: remove the `crossref` or `xdata` field that closes the loop\n"
    assert run(*arguments) == (1, message + hint)
    assert run("sources", "import", "refs.bib") == (1, message + hint)


def test_bibtex_entries_that_share_a_parent_are_no_loop(workdir, run):
    (workdir / "refs.bib").write_text(
        "@book{p, title={Parent}, year=2020}\n@inbook{a, crossref={p}, title={A}}\n"
        "@inbook{b, crossref={p}, title={B}}\n", "utf-8")
    code, output = run("sources", "import", "refs.bib")
    assert code == 0 and "id: b" in output


def test_a_style_whose_macros_call_each_other(workdir, run):
    arguments = attack.csl_macro_loop(workdir)
    message = ("b.yaml:4:8: error: style `loop.csl` cannot be used: its macro `a` calls itself "
               "(a → b → a)\n  hint: fix the style, or choose another one\n")
    assert run(*arguments) == (1, message)
    assert run("check", "b.yaml") == (1, message)


def test_aliases_count_the_text_they_repeat(workdir, run):
    attack.alias_expansion(workdir, characters=200_000, uses=30)
    assert run("check", "b.yaml") == (1, (
        "b.yaml:1:1: error: the brief holds 5.9 MiB of text once its aliases (*name) are "
        "expanded; at most 5.0 MiB\n"
        "  hint: write the text once instead of repeating it with aliases\n"))


def test_a_few_aliases_are_still_fine(workdir, run):
    attack.alias_expansion(workdir, characters=2_000, uses=5)
    assert run("check", "b.yaml")[0] == 0


def test_sources_files_are_measured_before_they_are_read(workdir, run):
    attack.sparse_sources(workdir, size=6 * 1024 ** 3)
    assert run("check", "b.yaml") == (1, (
        "b.yaml:13:5: error: refs.json is 6,144 MiB; a brief, brand or sources file may be at most 5.0 MiB\n"
        "  hint: a file this large is almost certainly a mistake or a hostile file\n"))


def test_a_named_pipe_is_not_read(workdir, run):
    import os

    os.mkfifo(workdir / "refs.json")
    attack.write_brief(workdir, attack.brief_text(sources="  - refs.json\n"))
    assert run("check", "b.yaml") == (1, (
        "b.yaml:13:5: error: refs.json is not a regular file (a named pipe or a device?)\n"
        "  hint: give a file saved on the disk\n"))


@pytest.mark.parametrize("make", [attack.many_inline_sources, attack.many_citations,
                                  attack.citation_backtracking])
def test_many_citations_are_located_in_linear_time(workdir, run, make):
    """At 2,000 the quadratic versions took seconds; benchmarks/hostile.py runs 10x more."""
    make(workdir, 2_000)
    code, output = run("check", "b.yaml")
    assert code in (0, 1) and "Traceback" not in output


def test_each_citation_of_a_long_text_is_located_exactly(workdir):
    from brief.load import load_brief

    attack.many_citations(workdir, 500)
    loaded = load_brief(Path("b.yaml"))
    path = ("sections", 0, "body", 1, "text")
    text = loaded.brief.sections[0].body[1].text
    line = (workdir / "b.yaml").read_text("utf-8").splitlines()[8]
    for offset in (text.index("[@a, p. 1]") + 1, text.index("[@a, p. 499]") + 1):
        at = loaded.where.within(path, text, offset)
        assert at.line == 9 and line[at.column - 1:].startswith(text[offset:offset + 8])
    # the 300th "@a" of the text is the 300th of the line
    offset = [i for i in range(len(text)) if text.startswith("@a", i)][299]
    at = loaded.where.within(path, text, offset)
    assert line[:at.column - 1].count("@a") == 299
