"""What a reader sees on the pages of a PDF, measured with pdfplumber: where the text stands,
empty bands, the parts of a box that a page break cut, footers, note calls and notes.

The layout's colours and sizes identify its parts: the summary box is the only box in the
tint colour, a quotation has a rule in the accent colour down its start edge, note calls are
small digits in the accent colour and note numbers are digits in the primary colour at the
start of a note's first line.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
TINT = (0.933, 0.949, 0.969)      # --tint, #eef2f7
ACCENT = (0.710, 0.271, 0.169)    # --accent, #b5452b
PRIMARY = (0.106, 0.212, 0.365)   # --primary, #1b365d
TOP_MARGIN, BOTTOM_MARGIN = 20 * MM, 24 * MM  # the brief layout's page margins


def _close(colour, target, tolerance=0.02) -> bool:
    if not colour or len(colour) != 3:
        return False
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target))


@dataclass
class Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    chars: list


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]          # text lines in the page's text area, top to bottom
    footer: list[Line]         # text lines below the text area
    rects: list[dict]
    images: list[dict]

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _lines(chars: list[dict]) -> list[Line]:
    """Characters grouped into lines by their vertical position."""
    lines: list[Line] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        if char["text"].isspace() and not lines:
            continue
        for line in reversed(lines[-3:]):
            overlap = min(line.bottom, char["bottom"]) - max(line.top, char["top"])
            if overlap > 0.5 * min(char["bottom"] - char["top"], line.bottom - line.top):
                line.chars.append(char)
                line.top, line.bottom = min(line.top, char["top"]), max(line.bottom, char["bottom"])
                break
        else:
            lines.append(Line(char["top"], char["bottom"], 0, 0, "", [char]))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
        line.x0 = min(c["x0"] for c in line.chars)
        line.x1 = max(c["x1"] for c in line.chars)
        line.text = "".join(c["text"] for c in line.chars)
    return sorted(lines, key=lambda line: line.top)


@functools.cache
def read_pages(path: Path, margins: tuple[float, float] = (TOP_MARGIN, BOTTOM_MARGIN)
               ) -> list[Page]:
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            lines = _lines(page.chars)
            area_bottom = page.height - margins[1]
            pages.append(Page(
                number, page.width, page.height,
                [line for line in lines if line.top < area_bottom],
                [line for line in lines if line.top >= area_bottom],
                list(page.rects), list(page.images)))
    return pages


def largest_empty_band(page: Page, top: float, bottom: float) -> float:
    """The tallest stretch of the area from `top` to `bottom` with no text or picture in it,
    as a fraction of the page's height. Tinted panels count as empty: they hold nothing."""
    spans = sorted([(line.top, line.bottom) for line in page.lines]
                   + [(image["top"], image["bottom"]) for image in page.images])
    largest, reached = 0.0, top
    for start, end in spans:
        largest = max(largest, start - reached)
        reached = max(reached, end)
    largest = max(largest, bottom - reached)
    return largest / page.height


def summary_fragments(pages: list[Page]) -> list[tuple[int, int]]:
    """(page, lines of text) of each piece of the summary box, in reading order."""
    fragments = []
    for page in pages:
        for rect in page.rects:
            if _close(rect.get("non_stroking_color"), TINT) and rect["width"] > 50 * MM:
                inside = [line for line in page.lines
                          if line.top >= rect["top"] - 1 and line.bottom <= rect["bottom"] + 1
                          and line.x0 >= rect["x0"] - 1]
                body = [line for line in inside if not line.text.isupper()]  # not "SUMMARY"
                fragments.append((page.number, len(body)))
    return fragments


def quote_fragments(pages: list[Page]) -> list[tuple[int, int, bool, bool]]:
    """(page, lines, starts at the top of the text area, ends at its foot) of each piece of
    each quotation, found by the accent rule down its start edge."""
    fragments = []
    for page in pages:
        for rect in page.rects:
            if _close(rect.get("non_stroking_color"), ACCENT) and rect["width"] < 3 \
                    and rect["height"] > 5:
                beside = [line for line in page.lines
                          if line.top >= rect["top"] - 1 and line.bottom <= rect["bottom"] + 1
                          and abs(line.x0 - rect["x1"]) < 15 * MM]
                fragments.append((page.number, len(beside),
                                  rect["top"] <= TOP_MARGIN + 2 * MM,
                                  rect["bottom"] >= max(line.bottom for line in page.lines) - 2))
    return fragments


SUPERSCRIPT = 0.8  # a note call is set at 0.7 of its line's size


def note_calls_and_numbers(pages: list[Page]) -> tuple[dict[int, int], dict[int, int]]:
    """Where each note is called ({number: page}) and where it is printed."""
    calls: dict[int, int] = {}
    printed: dict[int, int] = {}
    for page in pages:
        for line in page.lines:
            size = max(c["size"] for c in line.chars)
            digits = ""
            for char in line.chars + [None]:
                is_call = (char is not None and char["text"].isdigit()
                           and _close(char.get("non_stroking_color"), ACCENT)
                           and char["size"] < SUPERSCRIPT * size)
                if is_call:
                    digits += char["text"]
                elif digits:
                    calls.setdefault(int(digits), page.number)
                    digits = ""
            # A note's number starts its first line ("12."), at the right in right-to-left.
            visible = [c for c in line.chars if not c["text"].isspace()]
            for chars in (visible, visible[::-1]):
                marker = re.match(r"\d+\.", "".join(c["text"] for c in itertools.takewhile(
                    lambda c: c["text"] in "0123456789." and c["size"] < 8.5
                    and _close(c.get("non_stroking_color"), PRIMARY), chars)))
                if marker:
                    number = marker.group(0)[:-1]
                    printed.setdefault(int(number if chars is visible else number[::-1]),
                                       page.number)
                    break
    return calls, printed


def joined_text(pages: list[Page]) -> str:
    """All text as one string with line ends removed, as a reader retypes a broken URL."""
    return "".join(line.text for page in pages for line in page.lines).replace("\u200b", "")


HYPHENATED_FRAGMENT = re.compile(r"[^\W\d_]+\u2010")  # hyphenation adds U+2010; a URL keeps its own -


def stranded_lines(pages: list[Page]) -> list[tuple[int, str]]:
    """(page, text) of lines that a typesetter would not leave: a line holding only a
    hyphenated fragment (`commis-`), or a line of a paragraph shorter than a third of the
    measure that is not the paragraph's last, told by the next line of the same size and
    edge standing one line below it (a paragraph's last line is followed by a larger gap)."""
    found = []
    for page in pages:
        lines = page.lines
        sizes = [statistics.median(c["size"] for c in line.chars) for line in lines]
        for line in lines:
            if HYPHENATED_FRAGMENT.fullmatch(line.text.strip()):
                found.append((page.number, line.text.strip()))
        for index in range(len(lines) - 1):
            line, following = lines[index], lines[index + 1]
            size = sizes[index]
            if abs(sizes[index + 1] - size) > 0.1 or abs(following.x0 - line.x0) > 1.5:
                continue
            same_size = [other for other, other_size in zip(lines, sizes)
                         if abs(other_size - size) <= 0.1]
            measure = max(other.x1 for other in same_size) - min(other.x0 for other in same_size)
            step = following.top - line.top
            # One line below: the leading, at most 1.6 times the size (print.css sets 1.45).
            if 0 < step <= 1.6 * size and line.x1 - line.x0 < measure / 3 \
                    and following.x1 - following.x0 > measure / 2:
                found.append((page.number, line.text.strip()))
    return found
