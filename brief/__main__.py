"""The `brief` command's entry point: answers no-op rebuilds before loading the full CLI."""

from __future__ import annotations

import sys
from pathlib import Path


def _nothing_to_build(arguments: list[str]) -> bool:
    """`brief build PATH...` with every output up to date: say so without loading Typer.

    An incremental rebuild is the command users repeat most; Typer and Pydantic alone take
    longer to import than the whole up-to-date check. Anything else, or any brief that needs
    building, goes through the full command line below, which checks again.
    """
    if len(arguments) < 2 or arguments[0] != "build" or any(
            argument.startswith("-") for argument in arguments[1:]):
        return False
    from brief.build import BuildOptions, find_briefs, up_to_date

    paths = [Path(argument) for argument in arguments[1:]]
    if not all(path.exists() for path in paths):
        return False
    briefs = find_briefs(paths)
    results = [up_to_date(path, BuildOptions()) for path in briefs]
    if not briefs or not all(results):
        return False
    for result in results:
        sys.stderr.write(f"up to date {result.output}\n")
    return True


def _say_interrupted() -> None:
    sys.stderr.write("interrupted; no output was changed\n")


def main() -> None:
    arguments = sys.argv[1:]
    from brief import engine

    try:
        if arguments[:1] == ["build"]:
            engine.start()  # before anything else is loaded: see brief.engine
        if _nothing_to_build(arguments):
            return
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
