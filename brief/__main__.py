"""The `brief` command's entry point: plain `check` and `build` run without loading Typer.

`brief check FILE...` (which editors run on every save) and `brief build PATH...` are the
commands users repeat most, and Typer with the Pydantic it coerces options with takes longer to
load than an up-to-date check or a whole `brief check`. With no options there is nothing to
parse, so these run directly; anything else, or anything the full command line would refuse
(a missing file, two briefs written to one PDF), goes through it (brief.cli).
"""

from __future__ import annotations

import os
import sys


def _plain_command(arguments: list[str]) -> int | None:
    """The exit code of a plain `check` or `build`; None if the full command line is needed."""
    if len(arguments) < 2 or any(argument.startswith("-") for argument in arguments[1:]):
        return None
    from pathlib import Path  # after the layout process is forked: see brief.engine

    command, paths = arguments[0], [Path(argument) for argument in arguments[1:]]
    if command == "check" and all(path.exists() and os.access(path, os.R_OK)
                                  for path in paths):
        from brief.console import check_all

        return check_all(paths)
    if command == "build" and all(path.exists() and os.access(path, os.R_OK)
                                  for path in paths):
        from brief.build import BuildOptions, clashing_outputs, find_briefs
        from brief.console import build_all, print_ignored

        ignored: list = []
        skipped: list = []
        builds = [(brief, BuildOptions()) for brief in find_briefs(paths, skipped, ignored)]
        if builds and not clashing_outputs(builds):
            print_ignored(ignored, skipped)
            return build_all(builds)
    return None


def _jobs(arguments: list[str]) -> int:
    """The `-j N` of a build (the last one, as the command line reads it), read ahead of the
    command line to start as many layout processes (brief.engine); it checks it properly."""
    jobs = "1"
    for index, argument in enumerate(arguments):
        if argument in ("-j", "--jobs"):
            jobs = arguments[index + 1] if index + 1 < len(arguments) else ""
        elif argument.startswith("--jobs="):
            jobs = argument.removeprefix("--jobs=")
        elif argument.startswith("-j"):
            jobs = argument.removeprefix("-j")
    from brief.numbers import whole_number

    return whole_number(jobs) or 1


def _run(arguments: list[str]) -> int:
    """Run the command; its exit code."""
    from brief import engine

    code = 0
    try:
        if arguments[:1] == ["build"]:
            engine.start(_jobs(arguments))  # before anything else loads: see brief.engine
        elif arguments[:1] in (["watch"], ["preview"]):
            engine.start()  # kept, with WeasyPrint loaded, for every rebuild
        _stop_on_signals()
        if (plain := _plain_command(arguments)) is not None:
            return plain
        from brief.cli import app

        app()  # always ends in SystemExit
    except KeyboardInterrupt:
        code = 130
    except SystemExit as leaving:  # how Typer ends every command
        if leaving.code is None or isinstance(leaving.code, int):
            code = leaving.code or 0
        else:
            from brief.terminal import say

            say(str(leaving.code))
            code = 1
    finally:
        engine.stop()
        if "brief.pandoc" in sys.modules:  # a pandoc run by a thread the signal did not stop
            sys.modules["brief.pandoc"].stop_all()
    if _signalled:  # through Typer, which answers every interruption with 130
        code = 128 + _signalled
    if code in (130, 128 + _signalled):  # Ctrl-C (which Typer ends without a word), or a kill
        sys.stderr.write("interrupted; no output was left half-written\n")
    return code


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: the command stops as on Ctrl-C, cleaning up as it goes (temporary
    files removed, layout processes and pandoc ended), instead of dying on the spot."""


_signalled = 0  # the signal that stopped the command, for its exit code (128 + number)


def _stop_on_signals() -> None:
    import signal

    def terminate(signum, frame):
        global _signalled
        _signalled = signum
        raise Terminated

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), terminate)


def _leave(code: int) -> None:
    """Exit without tearing down the interpreter.

    Every output is written, synced and closed by now; freeing the few hundred modules a build
    loads, object by object, would only add a tenth of a second to every command.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away (`brief schema | head`) misses nothing it wanted
    os._exit(code)


def main() -> None:
    _leave(_run(sys.argv[1:]))


if __name__ == "__main__":
    main()
