"""Shared fixtures: the example brief, a CLI runner, and golden-file handling."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief.cli import app

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "briefs" / "north-korea-refugees.yaml"
DATA = Path(__file__).parent / "data"


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


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """The example brief copied into a temporary folder, so builds write nothing in the repo."""
    target = tmp_path / "briefs"
    def outputs(folder: str, names: list[str]) -> list[str]:
        # Built PDFs and HTML files beside the briefs stay behind; the sources' copies come.
        if Path(folder) != EXAMPLE.parent:
            return []
        return [name for name in names if name.endswith((".pdf", ".html"))]

    shutil.copytree(EXAMPLE.parent, target, ignore=outputs)
    return target / EXAMPLE.name


@pytest.fixture(scope="session")
def example_pdf(tmp_path_factory) -> Path:
    """The example built once per test session."""
    from brief.build import BuildOptions, build

    out = tmp_path_factory.mktemp("example") / "brief.pdf"
    result = build(EXAMPLE, BuildOptions(output=out))
    assert result.ok, [d.format() for d in result.diagnostics]
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (tests/browser.py); one for the session."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched
