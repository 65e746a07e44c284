"""Running the pandoc binary that the pypandoc-binary wheel carries."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
from pathlib import Path

from brief.diagnostics import BriefError, Location, error

PANDOC_TIMEOUT_SECONDS = 120


@functools.cache
def pandoc_binary() -> str:
    """The wheel's pandoc; never a system one, whose version and speed we do not know.

    Found where pypandoc-binary puts it (`pypandoc/files/pandoc`, where pypandoc itself looks
    first) without importing pypandoc: its import and version probes cost a tenth of a second.
    """
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec and spec.submodule_search_locations) or ():
        for name in ("pandoc", "pandoc.exe"):
            if (candidate := Path(folder) / "files" / name).is_file():
                return str(candidate)
    raise BriefError([error(
        Location("brief"), "pandoc is missing from this installation",
        "reinstall brief: `pip install --force-reinstall pypandoc-binary`",
    )])


class PandocFailed(BriefError):
    """pandoc ran and refused its input; `report` is what it said, for callers that can
    place it in the user's file."""

    def __init__(self, diagnostics, report: str):
        super().__init__(diagnostics)
        self.report = report


def run_pandoc(arguments: list[str], stdin: str, at: Location, cwd: Path | None = None) -> str:
    """Run pandoc sandboxed (it reads only the files named on its command line, no network)."""
    command = [pandoc_binary(), "--sandbox", *arguments]
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("PANDOC")}
    try:
        finished = subprocess.run(
            command, input=stdin.encode("utf-8"), capture_output=True, cwd=cwd,
            timeout=PANDOC_TIMEOUT_SECONDS, env=environment,
        )
    except FileNotFoundError:
        raise BriefError([error(at, "pandoc could not be started",
                                "reinstall brief's dependencies")]) from None
    except subprocess.TimeoutExpired:
        raise BriefError([error(at, f"pandoc took longer than {PANDOC_TIMEOUT_SECONDS} s")]) \
            from None
    if finished.returncode != 0:
        report = finished.stderr.decode("utf-8", "replace").strip()
        message = report.splitlines()
        raise PandocFailed([error(at, "pandoc failed: " + (message[-1] if message else
                                                            f"exit code {finished.returncode}"))],
                           report)
    return finished.stdout.decode("utf-8")
