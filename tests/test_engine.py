"""The layout process of `brief build`: same PDF as without it, failures reported, nothing left
running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brief import engine, pdf
from brief.build import BuildOptions, build, build_many
from tests.conftest import DATA

COMMAND_THEN_SAY_IF_WEASYPRINT_WAS_LOADED = """
import sys
from brief import __main__ as command
leave = command._leave
command._leave = lambda code: (print("weasyprint" in sys.modules), leave(code))
sys.argv = ["brief", *sys.argv[1:]]
command.main()
"""


def test_the_command_lays_out_in_the_engine_with_the_same_bytes(example_copy, tmp_path):
    here = build(example_copy, BuildOptions(output=tmp_path / "in-process.pdf"))
    assert here.ok
    done = subprocess.run([sys.executable, "-c", COMMAND_THEN_SAY_IF_WEASYPRINT_WAS_LOADED,
                           "build", example_copy.name], cwd=example_copy.parent,
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "wrote north-korea-refugees.pdf\n")
    assert done.stdout == "False\n"  # the command itself never loaded WeasyPrint
    assert (example_copy.with_suffix(".pdf").read_bytes()
            == (tmp_path / "in-process.pdf").read_bytes())


def _dies_on(brief_name: str):
    """A pdf.render_pdf that ends its process abruptly (as the kernel does one out of memory)
    on the job of `brief_name`; started after this, layout processes inherit it."""
    lay_out = pdf.render_pdf
    return lambda **job: os._exit(9) if brief_name in job["brief_file"] else lay_out(**job)


def test_a_layout_process_that_dies_on_a_job_is_reported_and_nothing_is_written(
        example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    monkeypatch.setattr(pdf, "render_pdf", _dies_on("north-korea"))
    engine.start()
    try:
        result = build(Path(example_copy.name), BuildOptions())
    finally:
        engine.stop()
    assert [d.format() for d in result.diagnostics] == [
        "north-korea-refugees.yaml:1:1: error: the PDF could not be laid out: the layout "
        "process stopped unexpectedly\n  hint: it may have run out of memory; if this happens "
        "again, please report it with the brief"]
    assert not example_copy.with_suffix(".pdf").exists()


def test_a_job_no_layout_process_can_take_is_laid_out_here(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    engine.start()
    try:
        os.kill(engine._first_pid, signal.SIGKILL)
        result = build(Path(example_copy.name), BuildOptions())
    finally:
        engine.stop()
    assert result.ok and example_copy.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_a_batch_goes_on_when_a_layout_process_dies(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two", "three", "four"):
        shutil.copy(DATA / "bad" / "unused-source.yaml", f"{name}.yaml")
    monkeypatch.setattr(pdf, "render_pdf", _dies_on("two"))
    results = list(build_many([(Path(f"{name}.yaml"), BuildOptions())
                               for name in ("one", "two", "three", "four")], jobs=2))
    failed = {str(result.source): [d.message for d in result.diagnostics if d.is_error]
              for result in results if not result.ok}
    assert failed == {"two.yaml": [
        "the PDF could not be laid out: the layout process stopped unexpectedly"]}
    assert sorted(p.name for p in Path().glob("*.pdf")) == ["four.pdf", "one.pdf", "three.pdf"]


def test_a_batch_through_the_command_gives_the_bytes_of_single_builds(tmp_path, command):
    for name in ("one", "two", "three"):
        shutil.copy(DATA / "bad" / "unused-source.yaml", tmp_path / f"{name}.yaml")
    code, output = command("build", "-j", "2", ".", cwd=tmp_path)
    assert code == 0 and output.count("warning: source `spare` is never cited") == 3
    for name in ("one", "two", "three"):
        alone = build(tmp_path / f"{name}.yaml", BuildOptions(output=tmp_path / "alone.pdf"))
        assert alone.ok
        assert (tmp_path / f"{name}.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()


def _processes_in_session(session: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_ctrl_c_keeps_the_earlier_pdf_and_leaves_nothing_running(example_copy):
    pdf = example_copy.with_suffix(".pdf")
    pdf.write_bytes(b"the earlier PDF")
    command = subprocess.Popen([sys.executable, "-m", "brief", "build", "--force",
                                example_copy.name], cwd=example_copy.parent,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(0.5)  # inside the build, with the layout process running
    os.killpg(command.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to every process
    _, errors = command.communicate(timeout=60)
    assert (command.returncode, errors) == (130, "interrupted; no output was left half-written\n")
    assert pdf.read_bytes() == b"the earlier PDF"
    assert [p.name for p in example_copy.parent.iterdir() if p.name.endswith(".part")] == []
    deadline = time.monotonic() + 5  # a killed pandoc may take a moment to go
    while _processes_in_session(command.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_in_session(command.pid) == []


def test_weasyprint_that_cannot_load_is_a_located_error(example_copy, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when libpango is missing
    result = build(example_copy, BuildOptions())
    assert [(d.message.split(":")[0], d.hint) for d in result.diagnostics] == [
        ("WeasyPrint cannot be loaded", "install the libraries it needs; on Debian: apt-get "
         "install libpango-1.0-0 libpangoft2-1.0-0")]
    assert not example_copy.with_suffix(".pdf").exists()
