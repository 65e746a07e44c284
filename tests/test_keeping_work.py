"""Nothing of the user's is lost or mixed up: up-to-date records name their brief, outputs never
overwrite inputs, `sources import --into` never leaves a brief it cannot read, signals end every
process and leave no temporary file, folders build only their own regular files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests import hostile_inputs as attack


def test_an_output_built_from_another_brief_is_not_up_to_date(workdir, run):
    attack.write_brief(workdir, attack.brief_text(title="Version one"), "v1.yaml")
    attack.write_brief(workdir, attack.brief_text(title="Version two"), "v2.yaml")
    assert run("build", "--format", "html", "v1.yaml", "-o", "brief.html") == (
        0, "wrote brief.html\n")
    assert run("build", "--format", "html", "v2.yaml", "-o", "brief.html") == (
        0, "wrote brief.html\n")
    assert "Version two" in (workdir / "brief.html").read_text("utf-8")
    assert run("build", "--format", "html", "v2.yaml", "-o", "brief.html") == (
        0, "up to date brief.html\n")


def test_an_output_that_is_an_input_is_refused(workdir, run):
    (workdir / "refs.json").write_text(
        '[{"id": "a", "type": "report", "title": "A Report", "issued": {"date-parts": [[2020]]}}]',
        "utf-8")
    brief = attack.write_brief(workdir, attack.brief_text(sources="  - refs.json\n"))
    before = {path.name: path.read_bytes() for path in workdir.iterdir()}
    code, output = run("build", "b.yaml", "-o", "b.yaml")
    assert code == 2 and "Invalid value for -o: b.yaml is the brief itself; the PDF would " \
        "overwrite it" in output
    # A name whose ending is not the format's is refused as it is typed, before any build.
    code, output = run("build", "--format", "html", "b.yaml", "-o", "refs.json")
    assert code == 2 and "`refs.json` ends in .json, but the output is HTML" in output
    from brief.build import BuildOptions, build  # the build itself refuses it too
    assert [d.format() for d in build(brief, BuildOptions(
        format="html", output=workdir / "refs.json")).diagnostics] == [
        "b.yaml:1:1: error: the output " + str(workdir / "refs.json") + " is a file the brief "
        "reads (refs.json); building would overwrite it\n"
        "  hint: choose another output with -o, e.g. -o b.pdf"]
    os.symlink(brief.name, workdir / "link.yaml")  # the brief under another name
    code, output = run("build", "link.yaml", "-o", "b.yaml")
    assert code == 2 and "b.yaml is the brief itself" in output
    assert {path.name: path.read_bytes() for path in workdir.iterdir()
            if path.name != "link.yaml"} == before


def test_sources_import_refuses_what_it_cannot_place(workdir, run):
    (workdir / "new.bib").write_text("@book{new2020, title={New}, year=2020}\n", "utf-8")
    ended = attack.brief_text() + "...\n"
    odd_break = attack.brief_text().replace(
        "recommendations:", 'key_messages: ["one\u2028two"]\nrecommendations:')
    for text, line in ((ended, 12), (odd_break, 13)):
        brief = attack.write_brief(workdir, text)
        assert run("sources", "import", "new.bib", "--into", "b.yaml") == (1, (
            f"b.yaml:{line}:1: error: the sources from new.bib cannot be added to this brief "
            "without changing the rest of it; nothing was written\n"
            "  hint: this happens after a `...` or `---` line, or with unusual line breaks; run "
            "`brief sources import new.bib` and paste what it prints under `sources:`\n"))
        assert brief.read_text("utf-8") == text


def test_sources_import_into_a_link_updates_the_brief(workdir, run):
    (workdir / "new.bib").write_text("@book{new2020, title={New}, year=2020}\n", "utf-8")
    brief = attack.write_brief(workdir, attack.brief_text())
    os.symlink("b.yaml", workdir / "link.yaml")
    assert run("sources", "import", "new.bib", "--into", "link.yaml") == (
        0, "added 1 source to b.yaml\n")
    assert (workdir / "link.yaml").is_symlink()
    # A BibTeX entry without `langid` is English: its title keeps title case in any brief.
    assert brief.read_text("utf-8").endswith("  - id: new2020\n    type: book\n    title: New\n"
                                             "    issued: 2020\n    language: en\n")


def test_a_folder_builds_only_its_own_regular_files(workdir, run):
    (workdir / "received").mkdir()
    (workdir / "private").mkdir()
    attack.write_brief(workdir / "received", attack.brief_text(), "a.yaml")
    attack.write_brief(workdir / "private", attack.brief_text(title="Private"), "draft.yaml")
    os.symlink("../private/draft.yaml", workdir / "received" / "zz.yaml")
    os.mkfifo(workdir / "received" / "x.yaml")
    draft = (workdir / "private" / "draft.yaml").resolve()
    assert run("build", "--format", "html", "received") == (0, (
        "received/x.yaml:1:1: warning: not built: it is not a regular file (a named pipe or a "
        "device?)\n"
        f"received/zz.yaml:1:1: warning: not built: it is a link to {draft}, outside the "
        "folder\n  hint: name it on the command line to build it all the same\n"
        "wrote received/a.html\n"))
    assert sorted(path.name for path in (workdir / "received").iterdir()) == [
        "a.html", "a.yaml", "x.yaml", "zz.yaml"]
    assert run("check", "received/x.yaml") == (1, (
        "received/x.yaml:1:1: error: received/x.yaml is not a regular file (a named pipe or a "
        "device?)\n  hint: give a file saved on the disk\n"))


def test_an_output_that_is_a_named_pipe_is_replaced(workdir, run):
    attack.write_brief(workdir, attack.brief_text())
    os.mkfifo(workdir / "b.html")
    assert run("build", "--format", "html", "b.yaml") == (0, "wrote b.html\n")
    os.unlink(workdir / "b.html")
    os.mkfifo(workdir / "b.html")  # where an up-to-date output was: not read, replaced
    assert run("build", "--format", "html", "b.yaml") == (0, "wrote b.html\n")
    assert (workdir / "b.html").is_file()


def _session(pid: int) -> list[str]:
    """The live processes of a session (the command's layout processes have a group of
    their own, but not a session)."""
    listed = subprocess.run(["ps", "-o", "pid=,stat=", "-s", str(pid)], capture_output=True,
                            text=True).stdout.splitlines()
    return [line for line in listed if "Z" not in line.split()[-1]]


def test_signals_end_every_process_and_leave_no_temporary_file(workdir):
    attack.many_inline_sources(workdir, 300)
    (workdir / "b.pdf").write_bytes(b"the previous PDF")
    for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        command = subprocess.Popen(
            [sys.executable, "-m", "brief", "build", "--force", "-j", "2", "b.yaml"],
            cwd=workdir, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(3)  # loading, citing or laying out: whichever, the outcome is the same
        os.kill(command.pid, stop)
        try:
            command.wait(timeout=60)
            deadline = time.monotonic() + 30
            while _session(command.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _session(command.pid) == []
        finally:
            for left in _session(command.pid):
                os.kill(int(left.split()[0]), signal.SIGKILL)
        assert (command.returncode, command.stderr.read().decode()[-45:]) == (
            128 + stop, "interrupted; no output was left half-written\n")
        assert sorted(path.name for path in workdir.iterdir()) == ["b.pdf", "b.yaml"]
        assert (workdir / "b.pdf").read_bytes() == b"the previous PDF"


def test_a_ledger_written_over_an_input_is_refused(workdir, run):
    (workdir / "refs.json").write_text(
        '[{"id": "a", "type": "report", "title": "A Report", "issued": {"date-parts": [[2020]]}}]',
        "utf-8")
    attack.write_brief(workdir, attack.brief_text(sources="  - refs.json\n"))
    before = {path.name: path.read_bytes() for path in workdir.iterdir()}
    assert run("ledger", "b.yaml", "-o", "b.yaml") == (1, (
        "b.yaml:1:1: error: the output b.yaml is the brief itself; writing the ledger would "
        "overwrite it\n  hint: choose another output with -o, e.g. -o b.md\n"))
    assert run("ledger", "b.yaml", "--format", "json", "-o", "refs.json") == (1, (
        "b.yaml:1:1: error: the output refs.json is a file the brief reads (refs.json); writing "
        "the ledger would overwrite it\n  hint: choose another output with -o, e.g. -o b.json\n"))
    os.symlink("b.yaml", workdir / "link.yaml")  # the brief by another name: a link replaced
    assert run("ledger", "link.yaml", "-o", "b.yaml")[0] == 1
    assert {path.name: path.read_bytes() for path in workdir.iterdir()
            if path.name != "link.yaml"} == before


def test_a_ledger_written_to_a_link_replaces_the_link(workdir, run, tmp_path):
    attack.write_brief(workdir, attack.brief_text())
    precious = tmp_path.parent / f"{tmp_path.name}-precious.txt"
    precious.write_text("keep me", "utf-8")
    os.symlink(precious, workdir / "ledger.md")
    assert run("ledger", "b.yaml", "-o", "ledger.md") == (0, "wrote ledger.md\n")
    assert precious.read_text("utf-8") == "keep me"
    assert not (workdir / "ledger.md").is_symlink()


def test_new_never_writes_through_a_link(workdir, run, tmp_path):
    target = tmp_path.parent / f"{tmp_path.name}-target"
    os.symlink(target, workdir / "brief.schema.json")  # to nothing, as planted in a folder
    assert run("new", "mine.yaml") == (0, (
        "wrote mine.yaml and brief.schema.json (which editors check it with); fill it in, "
        "then run: brief build mine.yaml\n"))
    assert not os.path.lexists(target)
    assert not (workdir / "brief.schema.json").is_symlink()
    assert (workdir / "brief.schema.json").read_text("utf-8").startswith("{")
    os.symlink(target, workdir / "other.yaml")
    code, output = run("new", "other.yaml")
    assert code == 2 and "other.yaml already exists; choose another name" in output
    assert not os.path.lexists(target)
    code, output = run("new", "mine.yaml")  # a file, as before
    assert code == 2 and "mine.yaml already exists; choose another name" in output
