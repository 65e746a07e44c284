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
from pathlib import Path


def _plain_command(arguments: list[str]) -> int | None:
    """The exit code of a plain `check` or `build`; None if the full command line is needed."""
    if len(arguments) < 2 or any(argument.startswith("-") for argument in arguments[1:]):
        return None
    command, paths = arguments[0], [Path(argument) for argument in arguments[1:]]
    if command == "check" and all(path.is_file() and os.access(path, os.R_OK)
                                  for path in paths):
        from brief.console import check_all

        return check_all(paths)
    if command == "build" and all(path.exists() and os.access(path, os.R_OK)
                                  for path in paths):
        from brief.build import BuildOptions, clashing_outputs, find_briefs
        from brief.console import build_all

        briefs = find_briefs(paths)
        if briefs and not clashing_outputs(briefs, lambda _: BuildOptions()):
            return build_all(briefs, lambda _: BuildOptions())
    return None


def _jobs(arguments: list[str]) -> int:
    """The `-j N` of a build, read ahead of the command line to start as many layout processes
    (brief.engine); the command line checks it properly later."""
    for index, argument in enumerate(arguments):
        if argument in ("-j", "--jobs"):
            value = arguments[index + 1] if index + 1 < len(arguments) else ""
        elif argument.startswith("--jobs="):
            value = argument.removeprefix("--jobs=")
        elif argument.startswith("-j"):
            value = argument.removeprefix("-j")
        else:
            continue
        return int(value) if value.isdigit() and int(value) > 0 else 1
    return 1


def _say_interrupted() -> None:
    sys.stderr.write("interrupted; no output was changed\n")


def main() -> None:
    arguments = sys.argv[1:]
    from brief import engine

    try:
        if arguments[:1] == ["build"]:
            engine.start(_jobs(arguments))  # before anything else loads: see brief.engine
        if (code := _plain_command(arguments)) is not None:
            sys.exit(code)
        from brief.cli import app

        app()
    except KeyboardInterrupt:
        _say_interrupted()
        sys.exit(130)
    except SystemExit as leaving:
        if leaving.code == 130:  # Typer's answer to Ctrl-C, which it gives without a word
            _say_interrupted()
        raise
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
