"""`brief watch`, run as users run it: rebuilt on every save of the brief or a file it reads,
one line per build, the last good PDF kept through a broken save, Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import re
import signal
import time
import shutil
from pathlib import Path

import pypdf

from tests.conftest import DATA, ROOT, save

WROTE = r"\d\d:\d\d:\d\d wrote {name} in \d+\.\d\d s: {pages} pages?, {warnings} warnings?"


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_watch_rebuilds_on_save_keeps_the_last_good_pdf_and_stops_on_ctrl_c(
        example_copy, running):
    folder, name = example_copy.parent, example_copy.name
    pdf = example_copy.with_suffix(".pdf")
    watch = running("watch", name, cwd=folder)
    wrote = WROTE.format(name=re.escape(pdf.name), pages=r"(\d+)", warnings=0)
    printed = watch.expect(wrote)
    assert printed[:-1] == [f"watching {name} and the files it reads; Ctrl-C to stop"]
    assert re.fullmatch(wrote, printed[-1]).group(1) == str(len(pypdf.PdfReader(pdf).pages))

    text = example_copy.read_text("utf-8")
    save(example_copy, text.replace('title: "Fleeing North', 'title: "Leaving North'))
    watch.expect(wrote)
    assert "Leaving North Korea" in pdf_text(pdf)
    good = pdf.read_bytes()

    broken = text.replace("sections:\n", "sections:\n  - heading: [unclosed\n", 1)
    save(example_copy, broken)
    line = broken.splitlines().index("  - heading: [unclosed") + 2
    printed = watch.expect(r".* failed .*")
    assert printed[:-1] == [
        f"{name}:{line}:12: error: YAML syntax: did not find expected ',' or ']'",
        "  hint: check the indentation and the brackets or quotes of this line and the one "
        "before"]
    assert re.fullmatch(rf"\d\d:\d\d:\d\d failed {re.escape(name)}: 1 error, 0 warnings; "
                        rf"{re.escape(pdf.name)} kept as it was", printed[-1])
    assert pdf.read_bytes() == good  # the last good PDF, untouched

    save(example_copy, text)
    watch.expect(wrote)
    assert "Fleeing North Korea" in pdf_text(pdf)

    code, rest = watch.interrupt()
    assert (code, rest) == (0, ["stopped watching"])
    assert not list(folder.glob(".*.part"))  # no half-written output left behind


def test_watch_rebuilds_when_a_sources_file_changes_and_not_for_other_files(tmp_path, running):
    folder = tmp_path / "multi"
    shutil.copytree(DATA / "multi-sources", folder)
    (folder / "notes.txt").write_text("not read by the brief", "utf-8")
    watch = running("watch", "brief.yaml", cwd=folder)
    wrote = WROTE.format(name="brief.pdf", pages=r"\d+", warnings=r"\d+")
    watch.expect(wrote)

    (folder / "notes.txt").write_text("still not read by the brief", "utf-8")
    (folder / "brief.pdf").with_name("other.yaml").write_text("title: x\n", "utf-8")
    assert watch.quiet_for(3) == []

    refs = folder / "refs.yaml"
    save(refs, refs.read_text("utf-8").replace("Report on Indentation", "Report on Tabs"))
    watch.expect(wrote)
    assert "Report on Tabs" in pdf_text(folder / "brief.pdf")
    assert watch.interrupt() == (0, ["stopped watching"])


def test_watch_of_a_missing_brief_is_a_usage_error(command, tmp_path):
    code, output = command("watch", "missing.yaml", cwd=tmp_path)
    assert code == 2
    assert output.splitlines()[-1] == ("Error: Invalid value for 'BRIEF.yaml|FOLDER...': path "
                                       "'missing.yaml' does not exist.")


def test_a_brief_broken_from_the_start_is_built_once_fixed(tmp_path, running):
    folder = tmp_path / "multi"
    shutil.copytree(DATA / "multi-sources", folder)
    brief = folder / "brief.yaml"
    text = brief.read_text("utf-8")
    brief.write_text(text.replace("summary:", "summary: [", 1), "utf-8")
    watch = running("watch", "brief.yaml", cwd=folder)
    printed = watch.expect(r".* failed brief\.yaml: 1 error, 0 warnings; nothing written")
    assert printed[1].startswith("brief.yaml:")
    assert not (folder / "brief.pdf").exists()

    save(brief, text)
    wrote = WROTE.format(name="brief.pdf", pages=r"\d+", warnings=r"\d+")
    watch.expect(wrote)
    refs = folder / "refs.yaml"  # read only now that the brief loads: watched from now on
    save(refs, refs.read_text("utf-8").replace("Report on Indentation", "Report on Tabs"))
    watch.expect(wrote)
    assert "Report on Tabs" in pdf_text(folder / "brief.pdf")
    assert watch.interrupt() == (0, ["stopped watching"])


def layout_processes(pid: int) -> set[int]:
    """The processes a command forked (its layout process), as Linux lists them."""
    return {int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()}


def test_a_layout_process_that_died_is_started_again_for_the_next_build(example_copy, running):
    folder, name = example_copy.parent, example_copy.name
    watch = running("watch", name, cwd=folder)
    watch.expect(r".* wrote .*")
    first, = layout_processes(watch.process.pid)
    os.kill(first, signal.SIGKILL)  # as the kernel does to a process out of memory

    text = example_copy.read_text("utf-8")
    save(example_copy, text.replace("contact: policy@example.org", "contact: desk@example.org"))
    assert watch.expect(r".* (wrote|failed) .*")[-1].split()[1] == "wrote"
    # Laid out in a new layout process, under its limits, not in the command itself.
    assert layout_processes(watch.process.pid) - {first}


def test_a_sources_file_saved_during_the_first_build_brings_another(tmp_path, running):
    folder = tmp_path / "multi"
    shutil.copytree(DATA / "multi-sources", folder)
    watch = running("watch", "brief.yaml", cwd=folder)
    watch.expect(r"watching .*")
    # The first build has read the sources by now and is still laying out (it waits for
    # WeasyPrint to load); on a faster machine it is over, and the save is an ordinary one.
    time.sleep(1.2)
    refs = folder / "refs.yaml"
    save(refs, refs.read_text("utf-8").replace("Report on Indentation", "Report on Tabs"))
    wrote = WROTE.format(name="brief.pdf", pages=r"\d+", warnings=r"\d+")
    watch.expect(wrote)
    watch.expect(wrote)  # the save is not missed
    assert "Report on Tabs" in pdf_text(folder / "brief.pdf")
    assert watch.interrupt() == (0, ["stopped watching"])


def test_watch_follows_no_file_outside_the_briefs_folder_but_the_brand_it_was_given(
        tmp_path, running):
    """A source's copy in `../` is refused by the build: a save there brings no build. The
    brand named with --brand is outside the folder too, but the user chose it."""
    folder = tmp_path / "brief"
    shutil.copytree(DATA / "multi-sources", folder)
    shutil.copytree(ROOT / "briefs" / "brands" / "harbour", tmp_path / "brand")
    outside = tmp_path / "outside" / "copy.txt"
    outside.parent.mkdir()
    outside.write_text("A copy of the report.", "utf-8")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text("utf-8").replace(
        "    issued: 2020-06-15\n", "    issued: 2020-06-15\n    file: ../outside/copy.txt\n", 1),
        "utf-8")
    watch = running("watch", "--brand", "../brand/_brand.yml", "brief.yaml", cwd=folder)
    failed = r".* failed brief\.yaml: 1 error, 0 warnings; nothing written"
    assert watch.expect(failed)[1:3] == [
        "brief.yaml:28:11: error: copy `../outside/copy.txt` is outside the brief's folder",
        "  hint: a brief may only read files in its own folder and below it"]

    save(outside, "A copy of the report, changed.")
    assert watch.quiet_for(2.5) == []
    brand = tmp_path / "brand" / "_brand.yml"
    save(brand, brand.read_text("utf-8") + "\n")
    watch.expect(failed)
    assert watch.interrupt() == (0, ["stopped watching"])


def test_a_warning_is_printed_once_and_counted_after(tmp_path, running):
    """Build after build, only the warnings that are new are printed; the line of each build
    says how many earlier ones still stand. Errors are printed every time."""
    folder = tmp_path / "multi"
    shutil.copytree(DATA / "multi-sources", folder)
    brief = folder / "brief.yaml"
    spare = "  - {id: spare%d, type: report, title: Spare %d}\n"
    text = brief.read_text("utf-8").replace("  - refs.json\n", spare % (1, 1) + "  - refs.json\n")
    brief.write_text(text, "utf-8")
    line = text.splitlines().index(spare.strip("\n") % (1, 1)) + 1
    never_cited = "brief.yaml:{}:10: warning: source `spare{}` is never cited"
    hint = "  hint: cite it, or remove it from `sources`"
    watch = running("watch", "brief.yaml", cwd=folder)
    wrote = r"\d\d:\d\d:\d\d wrote brief\.pdf in \d+\.\d\d s: \d+ pages?, "
    assert watch.expect(wrote + "1 warning")[1:-1] == [never_cited.format(line, 1), hint]

    # A line added above the first warning moves it, and a second one appears: only the
    # second is printed.
    text = "# sources below\n" + text.replace("  - refs.json\n",
                                               spare % (2, 2) + "  - refs.json\n")
    save(brief, text)
    assert watch.expect(wrote + r"2 warnings \(1 printed earlier\)")[:-1] == [
        never_cited.format(line + 2, 2), hint]

    broken = text.replace("sections:\n", "sections:\n  - heading: [unclosed\n", 1)
    failed = (r"\d\d:\d\d:\d\d failed brief\.yaml: 1 error, 0 warnings; brief\.pdf kept as it "
              r"was")
    for blank in ("", "\n"):  # the error, every time
        save(brief, broken + blank)
        printed = watch.expect(failed)
        assert [printed[0].split(": ")[1], len(printed)] == ["error", 3]

    # Fixed: the two warnings the failed builds did not reach are not news.
    save(brief, text)
    assert len(watch.expect(wrote + r"2 warnings \(2 printed earlier\)")) == 1
    assert watch.interrupt() == (0, ["stopped watching"])
