"""Shared fixtures: the example brief, the CLI run in-process or as a background process,
golden-file handling, and (from tests.browser) a real browser."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief.cli import app
from tests.browser import browser_page  # noqa: F401 - a fixture shared by browser tests

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "briefs" / "north-korea-refugees.yaml"
DATA = Path(__file__).parent / "data"
WAIT = 180  # seconds: a loaded CI machine can take long over a first, cold build


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output")


@pytest.fixture(autouse=True)
def private_build_cache(tmp_path_factory, monkeypatch):
    """Up-to-date records go to a folder of the test session, never the user's cache."""
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def run(monkeypatch):
    """Run the CLI in-process, in a given folder; returns (exit code, stdout+stderr)."""

    def invoke(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    return invoke


@pytest.fixture
def command():
    """Run `python -m brief` as users run it (with its layout process); same result as `run`."""

    def invoke(*args: str, cwd: Path | None = None):
        done = subprocess.run([sys.executable, "-m", "brief", *args], cwd=cwd,
                              capture_output=True, text=True)
        return done.returncode, done.stdout + done.stderr

    return invoke


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """An empty working folder that tests write briefs into."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def copy_example(target: Path) -> Path:
    """The example's folder copied to `target` without the files built beside it: the brief."""
    def outputs(folder: str, names: list[str]) -> list[str]:
        # Built PDFs and HTML files beside the briefs stay behind; the sources' copies come.
        if Path(folder) != EXAMPLE.parent:
            return []
        return [name for name in names if name.endswith((".pdf", ".html"))]

    shutil.copytree(EXAMPLE.parent, target, ignore=outputs)
    return target / EXAMPLE.name


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """The example brief copied into a temporary folder, so builds write nothing in the repo."""
    return copy_example(tmp_path / "briefs")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """`built(brief, **options)`: the brief built with those BuildOptions, once per session,
    from a copy of its folder; tests that read the same PDF or page share it."""
    from brief.build import BuildOptions, build

    root = tmp_path_factory.mktemp("built")
    outputs: dict[tuple, Path] = {}

    def build_once(brief: Path, **options) -> Path:
        key = (brief, tuple(sorted(options.items())))
        if key not in outputs:
            folder = root / str(len(outputs))
            if brief.parent == EXAMPLE.parent:
                copy_example(folder)
            else:
                shutil.copytree(brief.parent, folder)
            out = folder / f"{brief.stem}.built.{options.get('format', 'pdf')}"
            result = build(folder / brief.name, BuildOptions(output=out, **options))
            assert result.ok, [d.format() for d in result.diagnostics]
            outputs[key] = out
        return outputs[key]

    return build_once


@pytest.fixture(scope="session")
def example_pdf(built) -> Path:
    """The example built once per test session."""
    return built(EXAMPLE)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (tests/browser.py); one for the session."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


class Running:
    """A `brief` command running in the background, read line by line as it prints."""

    def __init__(self, *args: str, cwd: Path):
        self.process = subprocess.Popen([sys.executable, "-m", "brief", *args], cwd=cwd,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, pattern: str, timeout: float = WAIT) -> list[str]:
        """The lines printed until one matches `pattern` (the whole line), that one last."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line like {pattern!r} after {seen}") from None
            if line is None:
                raise AssertionError(f"ended ({self.process.wait()}) after {seen}")
            seen.append(line)
            if re.fullmatch(pattern, line):
                return seen

    def quiet_for(self, seconds: float) -> list[str]:
        """What it printed in the next `seconds`."""
        time.sleep(seconds)
        printed = []
        while not self.lines.empty():
            printed.append(self.lines.get())
        return printed

    def interrupt(self) -> tuple[int, list[str]]:
        """Ctrl-C, as a terminal sends it to the whole process group; exit code and the rest
        of the output."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        rest = []
        while (line := self.lines.get(timeout=5)) is not None:
            rest.append(line)
        return code, rest

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def running():
    started: list[Running] = []

    def start(*args: str, cwd: Path) -> Running:
        started.append(Running(*args, cwd=cwd))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def save(path: Path, text: str) -> None:
    """Save as editors do: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)
