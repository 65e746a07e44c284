"""What `brief check` and `brief build` print as they go, and their exit codes.

Kept apart from the Typer command line (brief.cli), so that the plain forms of these commands
can run without loading it (brief.__main__).
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

from brief.build import BuildOptions, BuildResult, Ignored, build_many, check, find_briefs
from brief.terminal import for_terminal, say


MAX_SHOWN = 200  # problems printed per brief: thousands would take longer than the check


def print_diagnostics(result) -> None:
    """A result's (or a BriefError's) problems, coloured on a terminal; the one way
    diagnostics are printed (check, build, watch and preview all come here)."""
    if not result.diagnostics:
        return
    from rich.console import Console
    from rich.text import Text

    # Text objects, never markup: a `[bold]` in a message is printed as typed.
    console = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
    shown = result.diagnostics[:MAX_SHOWN]
    for diagnostic in shown:
        colour = "red" if diagnostic.is_error else "yellow"
        head, _, hint = for_terminal(diagnostic.format()).partition("\n")
        where, _, message = head.partition(f" {diagnostic.severity}: ")
        line = Text.assemble((where + " ", "bold"), (f"{diagnostic.severity}:", f"bold {colour}"),
                             " " + message)
        console.print(line)
        if hint:
            console.print(Text(hint, style="cyan"))
    if len(result.diagnostics) > len(shown):
        rest = result.diagnostics[len(shown):]
        errors = sum(d.is_error for d in rest)
        console.print(Text(for_terminal(f"{rest[0].location.path}: … and {len(rest):,} more "
                                        f"problems ({errors:,} errors); fix these first"),
                           style="bold"))


def print_ignored(ignored: list[Ignored], skipped: list | None = None) -> None:
    """The YAML files in the folders given that were not taken for briefs, and why; and the
    files that could not be (links out of the folder, named pipes) as warnings."""
    for item in ignored:
        say(item.format())
    if skipped:
        from brief.diagnostics import BriefError

        print_diagnostics(BriefError(skipped))


def check_all(paths: list[Path], language: str | None = None, **options) -> int:
    """Check each brief (folders: the briefs in them) or its editions, print its problems and
    what was checked; exit code 1 if any has errors."""
    from brief.build import editions_of

    ignored: list[Ignored] = []
    skipped: list = []
    briefs = find_briefs(paths, skipped, ignored)
    print_ignored(ignored, skipped)
    if not briefs:  # a usage error, as `brief build` answers it
        say(f"error: no briefs found in {', '.join(map(str, paths))}")
        return 2
    failed = checked = 0
    for path in briefs:
        for edition in editions_of(path, language):
            result = check(path, language=edition, **options)
            print_diagnostics(result)
            failed += not result.ok
            checked += 1
            if result.ok:
                warnings = len(result.diagnostics)
                say(f"checked {edition_name(result)}: {result.contents}; "
                    + (f"{warnings} warning{'s' * (warnings != 1)}" if warnings
                       else "no problems"))
    if checked > 1:
        say(f"checked {checked} {'briefs' if checked == len(briefs) else 'editions'}: "
            + (f"{failed} with errors" if failed else "no errors"))
    return 1 if failed else 0


def verify_all(paths: list[Path], require_evidence: bool = False,
               strict: bool = False, language: str | None = None) -> int:
    """Check each brief's (or edition's) quotations against its copies; say how many were
    verified."""
    from brief.build import editions_of, verify
    from brief.diagnostics import display_path
    from brief.ledger import summary

    failed = False
    for path in paths:
        for edition in editions_of(path, language):
            result, _, rows = verify(path, require_evidence=require_evidence, strict=strict,
                                     language=edition)
            print_diagnostics(result)
            failed |= not result.ok
            if rows is not None:
                shown = display_path(path) + (f" ({edition})" if edition else "")
                say(f"{shown}: {summary(rows) or 'nothing cites'}")
    return 1 if failed else 0


def write_ledger(path: Path, format: str, output: Path | None,
                 language: str | None = None) -> int:
    """Print (or write) a brief's evidence ledger; exit code 1 if the brief cannot be read or
    the ledger cannot be written there."""
    from brief.build import files_read, verify
    from brief.diagnostics import BriefError, display_path
    from brief.ledger import FORMATS
    from brief.output import refuse_overwriting_an_input, write_output

    result, loaded, rows = verify(path, language=language)
    print_diagnostics(result)
    if rows is None:
        return 1
    text = FORMATS[format](loaded, rows)
    if output is None:
        sys.stdout.write(for_terminal(text))
        return 0
    try:
        refuse_overwriting_an_input(output, files_read(loaded), loaded, "writing the ledger",
                                    loaded.path.with_suffix(f".{format}").name)
        write_output(text.encode("utf-8"), output, display_path(output))
    except BriefError as failure:
        print_diagnostics(failure)
        return 1
    say(f"wrote {display_path(output)}")
    return 0


def build_all(builds: list[tuple[Path, BuildOptions]], jobs: int = 1) -> int:
    """Build the briefs (and editions), say what became of each; exit code 1 if any
    failed."""
    failed = False
    with _progress(len(builds)) as advance:
        for result in build_many(builds, jobs):
            print_diagnostics(result)
            failed |= not result.ok
            advance(result)
    return 1 if failed else 0


@contextlib.contextmanager
def _progress(total: int):
    """A progress bar on a terminal; one plain line per brief elsewhere (logs, CI)."""
    def line(result: BuildResult) -> str | None:
        if result.skipped:
            return f"up to date {result.output}"
        if result.ok:
            return f"wrote {result.output}" + (f": {result.press}" if result.press else "")
        # One brief's diagnostics speak for themselves; in a batch, say which brief failed.
        return f"failed {edition_name(result)}" if total > 1 else None

    if total < 2 or not sys.stderr.isatty():
        def echo(result: BuildResult) -> None:
            if text := line(result):
                say(text)
        yield echo
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}", markup=False), transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(result: BuildResult) -> None:
            progress.console.print(for_terminal(line(result)), highlight=False,
                                   markup=False, emoji=False, soft_wrap=True)
            progress.update(task, advance=1, description=for_terminal(edition_name(result)))

        yield advance


def watch_all(builds: list[tuple[Path, BuildOptions]]) -> int:
    """Build the briefs and rebuild each on every save, one line per build, until Ctrl-C."""
    from brief.watch import watch

    names = ", ".join(dict.fromkeys(str(path) for path, _ in builds))
    languages = sorted({options.language for _, options in builds if options.language})
    editions = f" (and its {', '.join(languages)} editions)" if languages else ""
    they = "they read" if len(builds) > 1 else "it reads"
    say(f"watching {names}{editions} and the files {they}; Ctrl-C to stop")
    try:
        watch(builds, RebuildReport())
    except KeyboardInterrupt as interrupt:
        if type(interrupt) is not KeyboardInterrupt:
            raise  # SIGTERM or SIGHUP (brief.__main__): the command's own exit code
        say("stopped watching")  # Ctrl-C, the way to end a watch
    return 0


class RebuildReport:
    """What `brief watch` and `brief preview` print for each build: its errors, the warnings
    not printed before, then one line: when, what, how long, how it went.

    A warning that stands build after build is printed once, or the terminal would fill with
    it at every save; one that went away and comes back is printed again. A warning is the
    same if only its line moved (a line added above it).
    """

    def __init__(self) -> None:
        self.printed: dict[tuple, Counter] = {}  # per edition: the warnings standing, printed

    def __call__(self, _watched, rebuild) -> None:
        import dataclasses
        import time

        result = rebuild.result
        warnings = [d for d in result.diagnostics if not d.is_error]
        printed = self.printed.get((result.source, result.language), Counter())
        standing = Counter(map(_same_warning, warnings))
        unprinted = standing - printed
        shown = []
        for diagnostic in result.diagnostics:
            if not diagnostic.is_error:
                if not unprinted[_same_warning(diagnostic)]:
                    continue
                unprinted[_same_warning(diagnostic)] -= 1
            shown.append(diagnostic)
        print_diagnostics(dataclasses.replace(result, diagnostics=shown))
        # A failed build stops its checks at the errors: the warnings it did not reach stand.
        self.printed[(result.source, result.language)] = \
            standing if result.ok else printed | standing

        at = time.strftime("%H:%M:%S", time.localtime(rebuild.finished_at))
        earlier = len(warnings) - sum(not d.is_error for d in shown)
        warned = _count(len(warnings), "warning") + (f" ({earlier} printed earlier)"
                                                      if earlier else "")
        if result.ok:
            pages = f"{_count(len(result.page_sizes), 'page')}, " if result.page_sizes else ""
            say(f"{at} wrote {result.output} in {rebuild.seconds:.2f} s: {pages}{warned}")
        else:
            errors = sum(d.is_error for d in result.diagnostics)
            kept = (f"{rebuild.kept} kept as it was" if rebuild.kept
                    else "nothing written")
            say(f"{at} failed {edition_name(result)}: {_count(errors, 'error')}, {warned}; {kept}")
        sys.stderr.flush()


def edition_name(result: BuildResult) -> str:
    """A brief as messages name it: `b.yaml`, or `b.yaml (fr)` for its French edition."""
    return f"{result.source} ({result.language})" if result.language else str(result.source)


def _same_warning(diagnostic) -> tuple:
    return diagnostic.location.path, diagnostic.message, diagnostic.hint


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
