"""The resource budget of a build: every limit on what a brief may make brief spend, in one place.

A brief may come from a stranger, so every stage that parses a user's file or runs a
subprocess on it takes its limits from one `Limits` value, and docs/security.md lists them.
Each limit is far above what a real brief needs and far below what hurts the machine: an
attack ends within seconds, under 1 GiB, with a located error.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from brief.diagnostics import BriefError, Location, error

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # YAML briefs, brand files and sources files (checked before they are read)
    file_bytes: int = 5 * MIB
    yaml_depth: int = 40
    yaml_values: int = 200_000  # counted with aliases (*name) expanded
    yaml_characters: int = 5 * MIB  # of text, with aliases expanded
    title_characters: int = 500
    # citations, formatted by pandoc at a few milliseconds each: a minute at most
    sources: int = 5_000
    citations: int = 5_000
    # pictures and logos (checked before they are read or laid out)
    picture_bytes: int = 20 * MIB
    picture_pixels: int = 50_000_000  # 7,000 x 7,000
    svg_elements: int = 20_000  # drawn, with each <use> expanded
    # pandoc, which converts BibTeX and formats citations
    pandoc_memory_mib: int = 512
    pandoc_seconds: float = 60
    # WeasyPrint's layout
    layout_seconds: float = 120
    layout_memory_mib: int = 2048
    pages: int = 400
    # local copies of sources (`file:`), read in a process of their own, and the quotations
    # and excerpts looked for in them: one time budget for all the evidence of a brief
    copy_bytes: int = 200 * MIB  # a PDF with pictures may be large; its text is capped below
    copy_pages: int = 3000
    copy_page_characters: int = 200_000  # the rest of a page is ignored
    copy_characters: int = 10_000_000  # of text in one copy: a 4,000-page report
    copy_memory_mib: int = 1024  # of the process that reads a copy
    evidence_seconds: float = 60  # reading every copy and matching every excerpt, together
    excerpt_characters: int = 10_000  # of one quotation or evidence excerpt
    # the user's cache folder, per kind of entry (extracted text, build records)
    cache_bytes: int = 512 * MIB


LIMITS = Limits()


def size_in_words(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:,.0f} MiB" if size >= 10 * MIB else f"{size / MIB:,.1f} MiB"
    return f"{size / 1024:,.0f} KiB"


def read_limited(path: Path, shown: str, at: Location, what: str, limit: int) -> bytes:
    """The bytes of a regular file no larger than `limit`, checked before reading them.

    A named pipe or a device is refused before it is opened (opening a pipe waits for a
    writer forever), and the size is that of the open file, so a file that grows between the
    check and the read is cut at the limit and refused, never read whole.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise BriefError([error(at, f"file not found: {shown}",
                                "paths are relative to the brief's folder")]) from None
    except OSError as failure:
        raise BriefError([error(at, f"cannot read {shown}: {failure.strerror}")]) from None
    if stat.S_ISDIR(mode):
        raise BriefError([error(at, f"{shown} is a folder, not a file")])
    if not stat.S_ISREG(mode):
        raise BriefError([error(at, f"{shown} is not a regular file (a named pipe or a "
                                "device?)", "give a file saved on the disk")])
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else handle.read(limit + 1)
    except OSError as failure:
        raise BriefError([error(at, f"cannot read {shown}: {failure.strerror}")]) from None
    if size > limit or len(data) > limit:
        raise BriefError([error(
            at, f"{shown} is {size_in_words(max(size, len(data)))}; {what} may be at most "
            f"{size_in_words(limit)}", "a file this large is almost certainly a mistake or a "
            "hostile file")])
    return data
