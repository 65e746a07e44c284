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
                                  attack.citation_backtracking, attack.unclosed_bracket,
                                  attack.backticks])
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


PICTURE_HINT = ("  hint: make the picture smaller (fewer pixels, or a simpler drawing) and save it "
                "again\n")


@pytest.mark.parametrize("name, content, message", [
    ("map.svg", attack.svg_use_bomb(levels=5), "map.svg draws 222,224 shapes once its "
     "references (<use>) are followed; a picture may draw at most 20,000\n  hint: simplify "
     "the drawing, or save a detailed one (a map, say) as a PNG"),
    ("map.svg", '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#b"/></g>'
     '<g id="b"><use href="#a"/></g></svg>',
     "map.svg never ends: its references (<use>, url(#…)) form a loop"),
    ("map.png", attack.png_bomb(7_500), "map.png has 56 megapixels; a picture may have at most 50"),
    ("map.svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,'
     + __import__("base64").b64encode(attack.png_bomb(7_500)).decode() + '"/></svg>',
     "a picture inside map.svg has 56 megapixels; a picture may have at most 50"),
])
def test_pictures_that_would_take_minutes_or_gigabytes(workdir, run, name, content, message):
    attack.picture_attack(workdir, name, content)
    hint = "" if "hint:" in message else "\n" + PICTURE_HINT.rstrip("\n")
    expected = (1, f"b.yaml:9:16: error: {message}{hint}\n")
    assert run("check", "b.yaml") == expected
    assert run("build", "b.yaml") == expected
    assert not (workdir / "b.pdf").exists()


def test_pictures_are_measured_before_they_are_read(workdir, run):
    attack.sparse_picture(workdir, size=6 * 1024 ** 3)
    assert run("build", "b.yaml") == (1, (
        "b.yaml:9:16: error: map.png is 6,144 MiB; a picture may be at most 20 MiB\n"
        "  hint: a file this large is almost certainly a mistake or a hostile file\n"))


def test_a_picture_that_grows_after_the_check_is_still_refused(workdir):
    from brief.render import data_url

    attack.sparse_picture(workdir, size=21 * 1024 ** 2)
    with pytest.raises(BriefError) as failure:
        data_url(workdir / "map.png")
    assert failure.value.diagnostics[0].format().startswith(
        "map.png:1:1: error: map.png is 21 MiB; a picture may be at most 20 MiB")


def test_layout_warnings_name_embedded_pictures_instead_of_printing_them():
    from brief.pdf import shortened

    message = "Failed to load image at 'data:image/png;base64," + "QUJD" * 300_000 + "': bad"
    assert shortened(message) == "Failed to load image at '<embedded image/png of 878 KiB>': bad"
    assert shortened("x" * 2000) == "x" * 500 + "…"


def test_the_layout_is_stopped_at_its_time_and_page_limits(tmp_path):
    from brief.pdf import render_pdf

    html = "<p>" + "A paragraph of text. " * 40 + "</p>"
    arguments = dict(base_folder=tmp_path, allowed_folders=[tmp_path], brief_file="b.yaml")
    with pytest.raises(BriefError) as failure:
        render_pdf(html * 2000, **arguments, limits=Limits(layout_seconds=0.2))
    assert [d.format() for d in failure.value.diagnostics] == [
        "b.yaml:1:1: error: laying out the PDF took longer than 0.2 s and was stopped\n"
        "  hint: shorten the brief, or simplify its pictures"]
    with pytest.raises(BriefError) as failure:
        render_pdf(html * 20, **arguments, limits=Limits(pages=2))
    assert [d.format() for d in failure.value.diagnostics] == [
        "b.yaml:1:1: error: the brief takes 5 pages; a brief may take at most 2\n"
        "  hint: split it into several briefs"]


def test_a_lost_alarm_rings_again():
    """The layout's time limit once went unheard when its alarm rang inside a garbage
    collector's callback, where Python ignores exceptions: the layout then ran to its end."""
    import time

    from brief.pdf import LayoutTimeout, _time_limit

    swallowed = 0
    with pytest.raises(LayoutTimeout):
        with _time_limit(0.1):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    while time.monotonic() < deadline:
                        pass
                except LayoutTimeout:
                    if swallowed:
                        raise
                    swallowed += 1  # as a callback that ignores it would
    assert swallowed == 1


def test_long_titles_are_refused_and_cut_in_the_footer(workdir, run):
    attack.long_title(workdir, 100_000)
    assert run("check", "b.yaml") == (1, (
        "b.yaml:1:8: error: `title` is 99,995 characters long; it may be at most 500\n"
        "  hint: put what does not fit in a title into the summary\n"))
    from brief.render import running_footer

    organisation, title = running_footer("Org " * 25_000, "Title " * 100)
    assert organisation.endswith("Org…") and title.endswith("Title…")
    assert len(organisation) + len(title) < 100
    assert running_footer("O", "Fleeing North Korea: the refugees") == ("O", "Fleeing North Korea")


def test_citations_and_sources_within_the_budget(workdir, run):
    from brief.build import check

    attack.many_citations(workdir, 5_001)
    column = (workdir / "b.yaml").read_text("utf-8").splitlines()[8].index("[@a, p. 4998]") + 1
    assert run("check", "b.yaml") == (1, (
        f"b.yaml:9:{column + 1}: error: the brief has 5,003 citations; a brief may have at most "
        "5,000 (this is number 5,001)\n  hint: split it into several briefs\n"))
    sources = "".join(f"  - {{id: s{n}, type: report, title: R, issued: 2020}}\n"
                      for n in range(5_001))
    attack.write_brief(workdir, attack.brief_text(sources=attack.SOURCE_A + sources))
    assert [d.format() for d in check(Path("b.yaml")).diagnostics if "at most" in d.message] == [
        "b.yaml:5016:5: error: the brief has 5,002 sources; a brief may have at most 5,000\n"
        "  hint: split it into several briefs"]


def test_thousands_of_problems_are_summed_up_after_the_first_two_hundred(workdir, run):
    attack.citation_backtracking(workdir, 300)
    code, output = run("check", "b.yaml")
    assert code == 1 and output.count("error: unknown source `b`") == 200
    assert output.endswith("b.yaml: … and 100 more problems (100 errors); fix these first\n")


def test_imports_and_styles_are_measured_before_they_are_read(workdir, run):
    attack.sparse_file(workdir / "refs.json", 6 * 1024 ** 3)
    attack.sparse_file(workdir / "big.csl", 6 * 1024 ** 3)
    hint = "  hint: a file this large is almost certainly a mistake or a hostile file\n"
    assert run("sources", "import", "refs.json") == (1, (
        "refs.json:1:1: error: refs.json is 6,144 MiB; a file to import may be at most 5.0 MiB\n"
        + hint))
    attack.write_brief(workdir, attack.brief_text().replace("summary:", "style: big.csl\nsummary:"))
    assert run("check", "b.yaml") == (1, (
        "b.yaml:4:8: error: big.csl is 6,144 MiB; a style file may be at most 5.0 MiB\n" + hint))
