"""Glyph coverage: every character of a brief must be in some installed font.

WeasyPrint lays out text with Pango, which falls back through every font that fontconfig knows
before it draws an empty box. So a character is printable exactly when some font in
fontconfig's list covers it; fontconfig reports each font's coverage (its charset) in one call,
which is read once per process and kept as sorted code point ranges.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from brief.diagnostics import Diagnostic, error
from brief.load import LoadedBrief
from brief.model import NodePath

# Characters that never need a glyph: Pango draws nothing for them.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

# Debian's font packages by Unicode range, for the hint; checked in order, first match wins.
_PACKAGES = (
    ((0x1100, 0x11FF), "fonts-noto-cjk"),  # Hangul Jamo
    ((0x2E80, 0x2FDF), "fonts-noto-cjk"),  # CJK radicals
    ((0x3000, 0x9FFF), "fonts-noto-cjk"),  # CJK symbols, kana, Hangul compatibility, Han
    ((0xA960, 0xA97F), "fonts-noto-cjk"),
    ((0xAC00, 0xD7FF), "fonts-noto-cjk"),  # Hangul syllables
    ((0xF900, 0xFAFF), "fonts-noto-cjk"),
    ((0xFE30, 0xFE4F), "fonts-noto-cjk"),
    ((0xFF00, 0xFFEF), "fonts-noto-cjk"),  # full-width forms
    ((0x20000, 0x3FFFF), "fonts-noto-cjk-extra"),  # rare Han
    ((0x2600, 0x27BF), "fonts-noto-color-emoji"),
    ((0x1F000, 0x1FAFF), "fonts-noto-color-emoji"),
)


def _fc_list(*command: str) -> str:
    """fontconfig's answer, or nothing when it fails: then WeasyPrint reports missing fonts."""
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


@functools.cache
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Every code point some installed font covers, as merged (starts, ends) ranges."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return (), ()
    listing = _fc_list(fc_list, "--format", "%{charset}\n")
    ranges = []
    for part in listing.split():
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple(r[0] for r in merged), tuple(r[1] for r in merged)


def is_covered(character: str) -> bool:
    code = ord(character)
    if needs_no_glyph(character):
        return True
    starts, ends = installed_coverage()
    if not starts:  # no fontconfig at all: nothing can be said, WeasyPrint will complain
        return True
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def needs_no_glyph(character: str) -> bool:
    code = ord(character)
    return (character.isspace() or unicodedata.category(character) in _INVISIBLE_CATEGORIES
            or any(first <= code <= last for first, last in _VARIATION_SELECTORS))


def font_hint(character: str) -> str:
    """What to install (or change) so that `character` can be printed."""
    code = ord(character)
    category = unicodedata.category(character)
    if category == "Co":
        return "it is a private-use character, which no standard font has; replace it"
    if category == "Cn":
        return "it is not an assigned Unicode character; replace it"
    for (first, last), package in _PACKAGES:
        if first <= code <= last:
            return f"install {package}"
    block = unicodedata.name(character, "").split(" ")[0].lower()
    return ("install fonts-noto-core, or fonts-noto-extra for rarer scripts"
            + (f" (this character is {block.capitalize()})" if block else ""))


# Keys whose values never reach the page: ids, file names, settings, and CSL fields that no
# citation style prints. A character there needs no font.
NOT_PRINTED = frozenset({
    "id", "source", "style", "brand", "layout", "language", "logo", "keywords", "abstract",
    "note", "annote", "keyword", "citation-key", "custom",
})


def user_texts(value: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, str]]:
    """Every printed text of a brief (a model, or any value inside it), with its YAML path."""
    if path and path[-1] in NOT_PRINTED:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from user_texts(getattr(value, name), path + (field.alias or name,))
        for key, extra in (value.model_extra or {}).items():
            yield from user_texts(extra, path + (key,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from user_texts(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from user_texts(item, path + (index,))


def one_font_covers(characters: set[str]) -> bool:
    """Whether a single installed font has all these characters: one quick fontconfig query.

    It answers for almost every brief (a Latin font has the typographic quotes and dashes, a
    CJK font has Hangul and Latin), so the full coverage table is built only when it says no.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None or not characters:
        return True
    pattern = ":charset=" + " ".join(f"{ord(c):x}" for c in sorted(characters))
    return bool(_fc_list(fc_list, "--format", "%{family}\n", pattern).strip())


def missing_glyphs(loaded: LoadedBrief) -> list[Diagnostic]:
    """Each character of the brief that no installed font can print, at its place in the file."""
    texts = [(path, text) for path, text in user_texts(loaded.brief) if not text.isascii()]
    needed = {c for _, text in texts for c in text if not c.isascii() and not needs_no_glyph(c)}
    if one_font_covers(needed):
        return []
    problems = []
    for path, text in texts:
        reported: set[str] = set()
        for offset, character in enumerate(text):
            if character in reported or is_covered(character):
                continue
            reported.add(character)
            problems.append(error(
                loaded.where.within(path, text, offset),
                f"no installed font has '{character}' (U+{ord(character):04X})",
                font_hint(character)))
    return problems


@functools.cache
def installed_families() -> frozenset[str]:
    """The family names fontconfig knows, in lower case (a font may have several names)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    listing = _fc_list(fc_list, "--format", "%{family}\n")
    return frozenset(name.strip().lower() for line in listing.splitlines()
                     for name in line.split(",") if name.strip())
