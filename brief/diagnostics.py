"""The one error type users ever see, and how it is printed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based line and column, as editors count them."""

    path: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Diagnostic:
    """A problem with a brief, located at the YAML node that causes it."""

    location: Location
    severity: Severity
    message: str
    hint: str | None = None

    def format(self) -> str:
        where = self.location
        text = f"{where.path}:{where.line}:{where.column}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class BriefError(Exception):
    """Raised by a stage that cannot go on; carries every problem it found.

    `partial` may hold what could still be made of the input (a brief with its broken parts
    replaced), so that later checks can report their problems in the same run.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], partial: object = None):
        self.diagnostics = sort_diagnostics(diagnostics)
        self.partial = partial
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):
        # Sent back from the layout process (brief.engine); `partial` stays behind.
        return BriefError, (self.diagnostics,)


def location_at(path: str, text: str | bytes, offset: int) -> Location:
    """The line and column of character (or byte) `offset` of a file's text."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    line_start = text.rfind(newline, 0, offset) + 1
    return Location(path, text.count(newline, 0, offset) + 1, offset - line_start + 1)


def error(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, "error", message, hint)


def warning(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, "warning", message, hint)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, then line and column; drop exact repeats."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=lambda d: (d.location, d.severity != "error", d.message))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice, or None when nothing is close."""
    if len(word) > 100:  # no name is that long, and comparing it with each choice costs
        return None
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def shorten(text: str, limit: int = 60) -> str:
    """A value as a message quotes it: cut in the middle when it is long."""
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-(limit // 2):]}"


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
