"""Running the pandoc binary that the pypandoc-binary wheel carries."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
from pathlib import Path

from brief.diagnostics import BriefError, Location, error
from brief.limits import LIMITS, Limits


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


def run_pandoc(arguments: list[str], stdin: str, at: Location, cwd: Path | None = None,
               limits: Limits = LIMITS) -> str:
    """Run pandoc sandboxed (it reads only the files named on its command line, no network),
    within the budget's memory and time, as pandoc's manual advises for untrusted input: a
    tiny BibTeX file or CSL style can otherwise make it take gigabytes."""
    command = [pandoc_binary(), "+RTS", f"-M{limits.pandoc_memory_mib}m", "-RTS", "--sandbox",
               *arguments]
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("PANDOC")}
    try:
        finished = _run(command, stdin.encode("utf-8"), cwd, environment, limits.pandoc_seconds)
    except FileNotFoundError:
        raise BriefError([error(at, "pandoc could not be started",
                                "reinstall brief's dependencies")]) from None
    except subprocess.TimeoutExpired:
        raise BriefError([error(
            at, f"formatting the sources took longer than {limits.pandoc_seconds} s and was "
            "stopped", LOOP_HINT)]) from None
    if finished.returncode != 0:
        message = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("Heap exhausted" in line for line in message):
            raise BriefError([error(
                at, f"formatting the sources needed more than {limits.pandoc_memory_mib} MiB "
                "of memory and was stopped", LOOP_HINT)])
        raise BriefError([error(at, "pandoc failed: " + (message[-1][:300] if message else
                                                          f"exit code {finished.returncode}"))])
    return finished.stdout.decode("utf-8")


_running: set[subprocess.Popen] = set()


def _run(command: list[str], data: bytes, cwd: Path | None, environment: dict[str, str],
         timeout: float) -> subprocess.CompletedProcess:
    """subprocess.run, with the process known to stop_all() while it runs."""
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=cwd, env=environment) as process:
        _running.add(process)
        try:
            output, errors = process.communicate(data, timeout=timeout)
        except BaseException:  # the time limit, or a signal: pandoc goes too
            process.kill()
            process.wait()
            raise
        finally:
            _running.discard(process)
    return subprocess.CompletedProcess(command, process.returncode, output, errors)


def stop_all() -> None:
    """End every pandoc still running (from a thread that an interrupted command left)."""
    for process in list(_running):
        try:
            process.kill()
        except OSError:
            pass


LOOP_HINT = ("look for entries that refer to each other (crossref, xdata), @string macros "
             "that repeat each other, or style macros that call each other")
