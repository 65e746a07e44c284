"""Quotations and evidence excerpts checked against the local copies of their sources.

Each source's copy (`file:`) is read once: its text per printed page, extracted with PDFium for
PDFs, an HTML parser for web pages, as is for text files, and cached by the copy's content hash
in the user's cache folder. Every quotation and every claim's `evidence:` excerpt from that
source is then looked for in it under the matching rules of docs/format.md ("Evidence"): what
typesetting changes is folded away, editorial marks are understood, and every word must match.
The result is a list of diagnostics and one Check per quotation or excerpt, which the ledger
lists and the appendix prints.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import difflib
import hashlib
import os
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from brief.diagnostics import BriefError, Diagnostic, Location, error, warning
from brief.cache import read_entry, write_entry
from brief.limits import LIMITS, Limits, read_limited
from brief.load import LoadedBrief
from brief.markup import ITEM_RE, NARRATIVE_RE, find_citations, plain_text
from brief.model import Claim, NodePath, Quote
from brief.numbers import DIGITS, whole_number
from brief.source_files import resolve_inside

GRACE_SECONDS = 5.0  # past its time, before the process that reads a copy is stopped
# Parts of a quotation split by an ellipsis must stand this close together in the source.
ELLIPSIS_GAP = 2000
# A bracketed insertion stands for at most this many words of the source.
INSERTION_WORDS = 8
# Words of context either side of a passage, for the ledger's TextQuoteSelector.
CONTEXT_CHARS = 32
EXTRACTOR_VERSION = "5"  # bump when extraction or folding changes: the cache is keyed by it

PDF_SUFFIXES = (".pdf",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HOSTILE = "the file may be damaged or hostile; use another copy"

Status = Literal["verified", "other page", "not found", "no copy"]


class Budget:
    """The time a brief's evidence may take, reading every copy and matching every excerpt
    together (docs/security.md): three slow copies cost one budget, not three."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.evidence_seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def spent_message(self) -> str:
        return (f"the evidence check of this brief took more than "
                f"{self.limits.evidence_seconds:.0f} seconds")


class OutOfTime(Exception):
    """The budget ran out while an excerpt was looked for."""


# --- reading copies ------------------------------------------------------------------------

@dataclass(frozen=True)
class Copy:
    """A source's local copy as text: one folded text per page, with the page labels the file
    itself gives (PDF page labels), or None where it gives none."""

    path: Path
    shown: str  # the path as the brief writes it
    pages: tuple[str, ...]
    file_labels: tuple[str | None, ...]
    paged: bool  # False for an HTML page or a text file without form feeds


def read_copy(path: Path, shown: str, at: Location, budget: Budget) -> Copy:
    """The copy's text per page, from the cache when this content was read before.

    The file is read like every other file a brief names (a regular file, within its size
    limit); its text is extracted and capped in a process of its own, under the copy's
    memory limit and the time the brief's budget has left. What a copy could not give (too
    much text, no text layer, damaged, hanging) is remembered too, so that a watch does not
    pay for it again on every save.
    """
    limits = budget.limits
    data = read_limited(path, shown, at, "a copy", limits.copy_bytes)
    kind = _kind(path, data, shown, at)
    digest = hashlib.sha256(data)  # not of `data + …`: that would copy a 200 MiB file
    digest.update(repr((kind, EXTRACTOR_VERSION, limits.copy_pages, limits.copy_characters,
                        limits.copy_page_characters)).encode())
    key = digest.hexdigest()
    record = read_entry("evidence", key + ".json")
    with contextlib.suppress(TypeError, KeyError, ValueError):
        if "failure" in record:
            message, hint = record["failure"]
            raise BriefError([error(at, message.replace(COPY_NAME, shown),
                                    hint and hint.replace(COPY_NAME, shown))])
        return Copy(path, shown, tuple(record["pages"]), tuple(record["labels"]),
                    record["paged"])
    allowed = budget.left()
    if allowed <= 0:
        raise BriefError([error(at, f"{shown} was not read: {budget.spent_message()}",
                                "check the copies that take long on their own")])
    try:
        pages, labels, paged = _in_own_process(_extract, data, kind, shown, at, limits, allowed)
    except BriefError as failure:
        # A copy that failed on its own is remembered; one that ran out of the time other
        # copies left it may read well next time. No real copy needs half the budget.
        timed_out = failure.diagnostics[0].message.startswith(f"reading {shown} took more")
        if not timed_out or allowed >= limits.evidence_seconds / 2:
            first = failure.diagnostics[0]
            write_entry("evidence", key + ".json", {"failure": [
                first.message.replace(shown, COPY_NAME),
                first.hint and first.hint.replace(shown, COPY_NAME)]}, limits.cache_bytes)
        raise
    write_entry("evidence", key + ".json", {"pages": pages, "labels": labels, "paged": paged},
                limits.cache_bytes)
    return Copy(path, shown, tuple(pages), tuple(labels), paged)


COPY_NAME = "\0copy\0"  # stands for the copy's name in a remembered failure


def _kind(path: Path, data: bytes, shown: str, at: Location) -> str:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        if b"%PDF-" not in data[:1024]:
            raise BriefError([error(at, f"{shown} is not a PDF file",
                                    "save the source as PDF, HTML or text, and name it so")])
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise BriefError([error(at, f"`{shown}` is not a PDF, HTML or text file",
                            "a copy ends in .pdf (with a text layer), .html or .txt/.md")])


def _extract(data: bytes, kind: str, shown: str, at: Location, limits: Limits,
             seconds: float) -> tuple[list[str], list[str | None], bool]:
    """The folded text of each page, the file's page labels, and whether it has pages; in the
    reading process, so that only text within the limits ever reaches brief."""
    if kind == "pdf":
        pages, labels = _pdf_pages(data, shown, at, limits, seconds)
        paged = True
    else:
        if len(data) > 4 * limits.copy_characters:  # UTF-8 takes at most 4 bytes a character
            raise _too_much_text(shown, at, limits)
        text = _decode(data, shown, at)
        del data
        pages = [_html_text(text)] if kind == "html" else text.split("\f")
        labels, paged = [None] * len(pages), kind == "text" and len(pages) > 1
        if paged:  # pages as pdftotext writes them, folios and running heads included
            pages = without_page_furniture(pages)
    folded, total = [], 0
    for page in pages:
        folded.append(fold_for_display(page[:limits.copy_page_characters]))
        total += len(folded[-1])
        if total > limits.copy_characters:
            raise _too_much_text(shown, at, limits)
    return folded, labels, paged


def _too_much_text(shown: str, at: Location, limits: Limits) -> BriefError:
    return BriefError([error(at, f"{shown} holds more than {limits.copy_characters:,} "
                             "characters of text; a copy may hold at most that",
                             "keep the part of the source you cite")])


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(data: bytes, shown: str, at: Location) -> str:
    """Text by its byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8, else Windows-1252."""
    encodings = [name for mark, name in BOMS if data.startswith(mark)][:1] or ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BriefError([error(at, f"{shown} is not readable text", "save it as UTF-8")])


def _in_own_process(read, data: bytes, kind: str, shown: str, at: Location, limits: Limits,
                    seconds: float):
    """`read(data, kind, shown, at, limits, seconds)` in a forked process with a memory
    limit, stopped when it runs past its time: a hostile copy can hang or bloat a parser,
    and a limit checked between pages would not stop that. Where processes cannot be
    forked, read here."""
    import pickle
    import select
    import signal

    if not hasattr(os, "fork"):
        return read(data, kind, shown, at, limits, seconds)
    memory = limits.copy_memory_mib * 1024 * 1024
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the reading process: answer through the pipe, then leave at once
        code = 0
        try:
            os.close(reader)
            with contextlib.suppress(ImportError, ValueError, OSError):
                import resource

                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            try:
                answer = (True, read(data, kind, shown, at, limits, seconds))
            except BriefError as failure:
                answer = (False, failure.diagnostics)
            except MemoryError:
                answer = (False, [error(at, f"reading {shown} needed more than "
                                        f"{limits.copy_memory_mib:,} MiB of memory", HOSTILE)])
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(answer, pipe)
        except BaseException:  # noqa: BLE001 - nothing may escape into the caller's code
            code = 1
        finally:
            os._exit(code)
    os.close(writer)
    chunks, deadline = [], time.monotonic() + seconds + GRACE_SECONDS
    with os.fdopen(reader, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise BriefError([error(at, f"reading {shown} took more than "
                                        f"{seconds:.0f} seconds", HOSTILE)])
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(pid, 0)
    try:
        succeeded, answer = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - the process died without an answer
        raise BriefError([error(at, f"{shown} could not be read: the process reading it "
                                "stopped", HOSTILE)]) from None
    if not succeeded:
        raise BriefError(answer)
    return answer


def _pdf_pages(data: bytes, shown: str, at: Location, limits: Limits,
               seconds: float) -> tuple[list[str], list[str | None]]:
    import pypdfium2 as pdfium

    deadline = time.monotonic() + seconds
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as failure:
        reason = str(failure).split(":")[-1].strip(" .()").lower() or "damaged"
        hint = ("give brief a copy without a password" if "password" in reason
                else "open it in a PDF reader and save it again, or use another copy")
        raise BriefError([error(at, f"{shown} cannot be read as a PDF ({reason})", hint)]) \
            from None
    try:
        count = len(document)
        if count > limits.copy_pages:
            raise BriefError([error(at, f"{shown} has {count:,} pages; a copy may have at most "
                                    f"{limits.copy_pages:,}",
                                    "keep the part of the source you cite")])
        pages, labels, total = [], [], 0
        for index in range(count):
            if time.monotonic() > deadline:
                raise BriefError([error(
                    at, f"reading {shown} took more than {seconds:.0f} seconds; stopped at "
                    f"page {index + 1} of {count}", HOSTILE)])
            page = document[index]
            try:
                textpage = page.get_textpage()
                # Only as much text as a page may give is taken out of PDFium.
                pages.append(textpage.get_text_range(
                    count=min(textpage.count_chars(), limits.copy_page_characters)))
                textpage.close()
            except pdfium.PdfiumError:
                pages.append("")
            finally:
                page.close()
            total += len(pages[-1])
            if total > limits.copy_characters:
                raise _too_much_text(shown, at, limits)
            labels.append(document.get_page_label(index) or None)
    finally:
        document.close()
    pages = without_page_furniture(pages)
    if not any(page.strip() for page in pages):
        raise BriefError([error(at, f"{shown} has no text layer, so quotations cannot be "
                                "checked against it",
                                "it is probably a scan: add a text layer with OCR "
                                "(e.g. `ocrmypdf`), or use the publisher's PDF")])
    return pages, labels


FOLIO = re.compile(r"^\s*(?:page\s+|p\.\s*|-\s*)?[0-9ivxlcdmIVXLCDM]{1,6}"
                   r"(?:\s*(?:of|/)\s*\d+)?(?:\s*-)?\s*$", re.I)
# PDFium puts no line break after a hyphen it takes for a line end, so a folio at the foot
# of the page can come glued to the last word's first half: `protec\ufffe3`.
GLUED_FOLIO = re.compile(r"(?<=[\ufffe\x02])\s*(?:[0-9]{1,4}|[ivxlcdm]{1,6})\s*$", re.I)


def without_page_furniture(pages: list[str]) -> list[str]:
    """The pages without their folios and running heads and feet, which would otherwise stand
    in the middle of a quotation that runs on to the next page.

    A first or last line that is a page number (`10`, `Page 10 of 36`, `xii`) goes; so does
    one that, digits aside, stands at the top (or foot) of at least half of three or more
    pages: a running head (`A/HRC/25/63  10`) or foot. Blank lines around them go too (a
    text copy from `pdftotext -layout` has them).
    """
    split = []
    for page in pages:
        lines = page.splitlines()
        while lines and not lines[0].strip():
            lines = lines[1:]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        if lines:
            lines[-1] = GLUED_FOLIO.sub("", lines[-1])
        split.append(lines)

    def shape(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    def common(position: int) -> set[str]:
        counts: dict[str, int] = {}
        for lines in split:
            if len(lines) > 1:
                key = shape(lines[position])
                counts[key] = counts.get(key, 0) + 1
        return {key for key, count in counts.items()
                if key and len(split) >= 3 and count * 2 >= len(split)}

    heads, feet = common(0), common(-1)
    cleaned = []
    for lines in split:
        for _ in range(2):  # a running head and a folio may both stand there
            if lines and (FOLIO.match(lines[0]) or shape(lines[0]) in heads):
                lines = lines[1:]
            if lines and (FOLIO.match(lines[-1]) or shape(lines[-1]) in feet):
                lines = lines[:-1]
        cleaned.append("\n".join(lines))
    return cleaned


# An HTML copy is parsed as a browser would (html5ever, through the sanitiser's nh3): linear in
# its length whatever it holds, where the standard library's parser took quadratic time over
# unclosed comments and failed an assertion on `<![[`. Only block elements are kept, with no
# attribute, so that their ends can become line breaks; what is inside SKIPPED goes whole.
HTML_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
               "blockquote", "section", "article", "header", "footer", "figcaption", "dd", "dt",
               "pre", "hr", "table", "ul", "ol", "main", "aside", "nav"}
HTML_SKIPPED = {"script", "style", "title", "template", "noscript", "svg", "math", "textarea",
                "select", "iframe", "object"}
HTML_TAG = re.compile(r"<[^>]*>")


def _html_text(markup: str) -> str:
    """The readable text of an HTML page: no scripts, styles or head; blocks on new lines."""
    import html

    import nh3

    kept = nh3.clean(markup, tags=HTML_BLOCKS, clean_content_tags=HTML_SKIPPED, attributes={},
                     strip_comments=True, link_rel=None)
    # What nh3 gives back is serialised HTML: every `<` left is a tag, text's are `&lt;`.
    return html.unescape(HTML_TAG.sub("\n", kept))


# --- folding -------------------------------------------------------------------------------

INVISIBLE = {**dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\x02"), None),
             0xFFFE: "-"}
# PDFium gives a hyphen it takes for a line-end break as U+FFFE (or U+0002).
LINE_END_HYPHEN = re.compile(
    r"(?<=[^\W\d_])[-\u2010\u2011\u00ad\x02\ufffe][ \t]*\r?\n\s*(?=[^\W\d_])")
QUOTES = "'\"\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033`\u00b4"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# One character for one: offsets in the matching text are offsets in the display text.
FOR_MATCHING = str.maketrans({**dict.fromkeys(QUOTES, '"'), **dict.fromkeys(DASHES, "-")})


def fold_for_display(text: str) -> str:
    """What typesetting changes, undone, in a form still fit to show: ligatures and widths
    (NFKC), soft hyphens, words hyphenated at a line end, and whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = LINE_END_HYPHEN.sub("", text).translate(INVISIBLE)
    return " ".join(text.split())


def fold_for_matching(text: str) -> str:
    """The display fold, with every kind of quotation mark and dash made one."""
    return fold_for_display(text).translate(FOR_MATCHING)


@dataclass(frozen=True)
class Document:
    """A copy ready for matching: its whole text, where each page starts, and page numbers
    as printed on the pages."""

    copy: Copy
    text: str  # display fold of all pages, joined by one space
    matching: str  # the same, quotation marks and dashes made one: same length
    starts: tuple[int, ...]
    printed: tuple[str | None, ...]

    def page_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1


def prepare(copy: Copy, source) -> Document:
    """Join the pages (mending a word hyphenated across a page end) and number them."""
    text, starts = "", []
    for page in copy.pages:
        if text and page:
            if (len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalpha()
                    and page[0].isalpha() and page[0].islower()):
                text = text[:-1]
            else:
                text += " "
        starts.append(len(text))
        text += page
    return Document(copy, text, text.translate(FOR_MATCHING), tuple(starts),
                    printed_pages(copy, source))


def printed_pages(copy: Copy, source) -> tuple[str | None, ...]:
    """The number printed on each page: the PDF's page labels; else `first-page`; else the
    first of the source's `page` range when it spans as many pages as the file has; else the
    file's own page numbers. An unpaged copy (a web page) has none."""
    count = len(copy.pages)
    if not copy.paged:
        return (None,) * count
    if any(copy.file_labels):
        return tuple(label or str(index + 1) for index, label in enumerate(copy.file_labels))
    extra = source.model_extra or {}
    first = getattr(source, "first_page", None)
    if first is None:
        span = re.fullmatch(rf"\s*({DIGITS})\s*[-\u2013\u2014]\s*({DIGITS})\s*",
                            str(extra.get("page", "")))
        if span and whole_number(span.group(2)) - whole_number(span.group(1)) + 1 == count:
            first = whole_number(span.group(1))
    first = first if first is not None else 1
    return tuple(str(first + index) for index in range(count))


# --- locators ------------------------------------------------------------------------------

PAGE_LABEL = re.compile(r"^(?:pp?|pages?|pgs?)\.?$", re.I)
LEADING_LABEL = re.compile(r"^([^\W\d]+\.?|\u00a7+|\u00b6+)\s*")
ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class Pages:
    """The pages a locator names: numbered spans (open-ended for `ff.`), roman ones apart."""

    spans: tuple[tuple[int, float, bool], ...]  # (first, last, roman)
    written: str

    def __contains__(self, label: str | None) -> bool:
        if label is None:
            return False
        number, roman = _page_number(label)
        return number is not None and any(
            first <= number <= last and is_roman == roman for first, last, is_roman in self.spans)


def _page_number(label: str) -> tuple[int | None, bool]:
    label = label.strip()
    if (number := whole_number(label)) is not None:
        return number, False
    if ROMAN.match(label.lower()):
        values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
        total, previous = 0, 0
        for char in reversed(label.lower()):
            value = values[char]
            total += -value if value < previous else value
            previous = max(previous, value)
        return total, True
    return None, False


def locator_pages(locator: str | None) -> Pages | None:
    """The pages of a locator such as `p. 401`, `pp. 10–11`, `p. 10f`, `401–3`, `xii`; None
    when it names no page (`para. 41`, `ch. 2`, `art. 33`) or there is no locator."""
    text = (locator or "").strip()
    label = LEADING_LABEL.match(text)
    if label and not ROMAN.match(label.group(1).lower()):
        if not PAGE_LABEL.match(label.group(1)):
            return None
        text = text[label.end():]
    spans = []
    for item in re.split(r",|&|\band\b", text):
        span = _span(item.strip().rstrip("."))
        if span is None:
            break  # words after the pages: `p. 401, emphasis added`
        spans.append(span)
    return Pages(tuple(spans), (locator or "").strip()) if spans else None


def _span(item: str) -> tuple[int, float, bool] | None:
    if found := re.fullmatch(r"(\w+?)\s*(ff?)", item):
        number, roman = _page_number(found.group(1))
        if number is None:
            return None
        return number, float("inf") if found.group(2) == "ff" else number + 1, roman
    if found := re.fullmatch(r"(\w+)\s*[-\u2010\u2013\u2014]\s*(\w+)", item):
        first_text, last_text = found.groups()
        first, roman = _page_number(first_text)
        if whole_number(first_text) is not None and whole_number(last_text) is not None \
                and len(last_text) < len(first_text):
            last_text = first_text[:-len(last_text)] + last_text  # 401–3 is 401–403
        last, _ = _page_number(last_text)
        return None if first is None or last is None else (first, last, roman)
    number, roman = _page_number(item)
    return None if number is None else (number, number, roman)


def pinpoint(text: str, key: str) -> tuple[str | None, int | None]:
    """The locator a field's first citation of `key` gives, and where it starts in the text."""
    for cluster in find_citations(text):
        if cluster.narrative:
            match = NARRATIVE_RE.match(cluster.source)
            if match and match.group("key") == key:
                suffix = match.group("suffix")
                return (suffix.strip() or None,
                        cluster.start + match.start("suffix")) if suffix else (None, None)
            continue
        position = cluster.start + 1
        for part in cluster.source[1:-1].split(";"):
            match = ITEM_RE.match(part)
            if match and match.group("key") == key:
                suffix = match.group("suffix")
                locator = suffix.lstrip(",").strip() if suffix.startswith(",") else None
                start = position + match.start("suffix") + (len(suffix) - len(suffix.lstrip(", ")))
                return locator or None, start if locator else None
            position += len(part) + 1
    return None, None


# --- matching ------------------------------------------------------------------------------

ELLIPSIS = re.compile(r"\[\s*(?:\.\s?\.\s?\.|\u2026)\s*\]|\u2026|\.\s?\.\s?\.")
IGNORED_MARKS = re.compile(
    r"\s*[\[(](?:sic|emphasis (?:added|in original|mine|omitted)|footnotes? omitted|"
    r"citations? omitted|internal citations omitted)[\])]", re.I)
BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def quotation_parts(quotation: str, for_matching: bool = True) -> list[str]:
    """The quotation as plain text in the parts its ellipses separate, editorial marks that
    change nothing ([sic], (emphasis added)) taken out; folded for matching, or for display
    (the same characters but quotation marks and dashes)."""
    text = IGNORED_MARKS.sub("", plain_text(quotation))
    text = fold_for_matching(text) if for_matching else fold_for_display(text)
    parts = [part.strip() for part in ELLIPSIS.split(text)]
    parts = [part for part in parts if part.strip(" ,;:.")]
    if parts:
        # A quotation may close with its own full stop where the source's sentence goes on.
        parts[-1] = re.sub(r"(?<=\w)[.,;:]$", "", parts[-1])
    return parts


def _part_pattern(part: str) -> str:
    pieces, position = [], 0
    for match in BRACKETS.finditer(part):
        inserted = match.group(1).strip()
        attached = (part[match.end():match.end() + 1].isalnum()
                    or part[match.start() - 1:match.start()].isalnum())
        if attached and inserted and " " not in inserted:
            # [T]he, refugee[s]: a letter or two of the word changed
            pieces += [_literal(part[position:match.start()]), rf"\w{{0,{len(inserted) + 2}}}"]
            position = match.end()
            continue
        # [China], [the Government]: a few other words of the source, or none. Each word
        # inserted begins at a space, so a word of the source is taken whole or not at all:
        # with the space optional, a long word could be split every way (exponential time).
        before = part[position:match.start()].rstrip(" ")
        glued = part[match.start() - 1:match.start()] not in ("", " ")  # `![i]`, `"[x]`
        position = match.end()
        while part[position:position + 1] == " ":
            position += 1
        after = part[position:position + 1]
        # A word glued to what comes before the brackets may begin without a space: one
        # stretch of its own, which no other can split.
        words = (r"\S*?" if glued else "") + rf"(?: \S+){{0,{INSERTION_WORDS}}}?"
        if not before or not after:  # at the start or end of a part: nothing to stand for
            words = ""
        elif after.isalnum():
            words += " "  # the next word is a word of its own
        else:
            words += " ?"  # `[…] said [it], then`: punctuation may follow at once
        pieces += [_literal(before), words]
    pieces.append(_literal(part[position:]))
    return "".join(pieces)


SPACED_MARKS = ';:!?'  # French sets a (narrow) space before them, English none


def _literal(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        before, after = text[index - 1:index], text[index + 1:index + 2]
        if char == '"':
            # Quotation marks (all one after folding), with the spaces French sets inside
            # guillemets or without: `« esclavage »` and `«esclavage»` are the same words.
            out.append((" ?" if before else "") + '"' + (" ?" if after else ""))
        elif char in SPACED_MARKS and before:
            out.append(" ?" + re.escape(char))
        elif char == " " and (after in SPACED_MARKS or '"' in (before, after)):
            continue  # the mark's own pattern allows it
        elif char == "-":
            # Dashes spaced or not, as the house style has them; between letters, a hyphen
            # the end of a line may have taken away. At either end of a part, no space: a
            # passage begins and ends with its words.
            if before.isalpha() and after.isalpha():
                out.append(" ?-? ?")
            else:
                out.append((" ?" if before else "") + "-" + (" ?" if after else ""))
        elif char == " " and "-" in (before, after):
            continue  # the dash's own pattern allows it
        else:
            out.append(re.escape(char))
    return "".join(out)


@dataclass(frozen=True)
class Match:
    start: int
    end: int


def find_matches(parts: list[str], document: Document, start: int = 0,
                 end: int | None = None, deadline: float = float("inf")) -> list[Match]:
    """Every place the quotation begins between `start` and `end` of the document's text (all
    of it by default), all its parts in order; OutOfTime past the deadline (time.monotonic)."""
    if not parts:
        return []
    patterns = [re.compile(_part_pattern(part)) for part in parts]
    text, found = document.matching, []
    # A quotation that starts before `end` may run on past it, not by more than this.
    limit = len(text) if end is None else min(len(text), end + 4 * sum(map(len, parts)) + 100)
    end = len(text) if end is None else end
    position = start
    while (first := patterns[0].search(text, position, limit)) and first.start() < end:
        if time.monotonic() > deadline:
            raise OutOfTime
        position = first.start() + 1
        match_end = first.end()
        for pattern in patterns[1:]:
            following = pattern.search(text, match_end, match_end + ELLIPSIS_GAP)
            if not following:
                break
            match_end = following.end()
        else:
            found.append(Match(first.start(), match_end))
            position = match_end
    return found


def _pages_region(document: Document, pages: Pages) -> tuple[int, int] | None:
    """The stretch of text from the first page the locator names to the end of the page
    after its last, where a quotation starting on them stands; None if it names none."""
    inside = [index for index, label in enumerate(document.printed) if label in pages]
    if not inside:
        return None
    after = inside[-1] + 2
    return (document.starts[inside[0]],
            document.starts[after] if after < len(document.starts) else len(document.text))


ANCHOR_CHARS = 150  # rapidfuzz's time grows with the square of what it aligns: align pieces


def closest_passage(parts: list[str], document: Document) -> tuple[int, int]:
    """Where the source comes closest to the quotation: its start and end in the text.

    Aligning a long quotation with a long copy at once takes minutes (20 KB against 300 KB:
    two), so a few short pieces of it (its start, middle and end) are aligned with the whole
    copy, and the quotation only with the stretch the best of them points to.
    """
    from rapidfuzz import fuzz

    needle, text = " ".join(parts), document.matching
    if not text or not needle:
        return 0, 0
    best = None
    for offset in sorted({0, max(0, len(needle) // 2 - ANCHOR_CHARS // 2),
                          max(0, len(needle) - ANCHOR_CHARS)}):
        anchor = needle[offset:offset + ANCHOR_CHARS]
        found = fuzz.partial_ratio_alignment(anchor, text)
        if best is None or found.score > best[0]:
            best = (found.score, max(0, found.dest_start - offset))
    start = max(0, best[1] - len(needle) // 4)
    stretch = text[start:best[1] + len(needle) + len(needle) // 4]
    if len(needle) <= 4 * ANCHOR_CHARS:
        found = fuzz.partial_ratio_alignment(needle, stretch)
        start, end = start + found.dest_start, start + found.dest_end
    else:
        start, end = best[1], min(len(text), best[1] + len(needle))
    # An alignment as long as the quotation falls short of its ends where the source has a
    # word more: reach the quotation's first and last words if they stand close by, so that
    # the hint does not blame words the source has.
    words = needle.split()
    zone = max(20, len(needle) // 4)
    before = text.rfind(words[0], max(0, start - zone), start + len(words[0]))
    start = before if before != -1 else start
    after = text.find(words[-1], max(start, end - len(words[-1])), end + zone)
    end = after + len(words[-1]) if after != -1 else end
    # Widen to whole words.
    while start > 0 and not document.text[start - 1].isspace():
        start -= 1
    while end < len(document.text) and not document.text[end].isspace():
        end += 1
    return start, end


def marked_differences(parts: list[str], passage: str, passage_matching: str,
                       shown_parts: list[str] | None = None) -> tuple[str, str]:
    """The passage with the words that differ from the quotation ⟦marked⟧ (not «», which a
    French source has for quotation marks), and the
    quotation's words in their place, as the brief writes them (`shown_parts`, folded for
    display). Bracketed insertions count as the words they stand for; words the passage has
    beyond either end of the quotation are left out."""
    quoted = [_comparable(word) for word in " ".join(
        BRACKETS.sub(lambda m: m.group(1) if len(m.group(1)) <= 2 else " ", part)
        for part in parts).split()]
    shown, compared = passage.split(), [_comparable(w) for w in passage_matching.split()]
    opcodes = difflib.SequenceMatcher(a=compared, b=quoted, autojunk=False).get_opcodes()
    while opcodes and opcodes[0][0] == "delete":
        opcodes = opcodes[1:]
    while opcodes and opcodes[-1][0] == "delete":
        opcodes = opcodes[:-1]
    quoted_words = " ".join(BRACKETS.sub(r"\1", part) for part in shown_parts or parts).split()
    marked, instead = [], []
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            marked += shown[a1:a2]
            continue
        if a2 > a1:
            marked.append("\u27e6" + " ".join(shown[a1:a2]) + "\u27e7")
        if b2 > b1 and len(quoted_words) == len(quoted):
            instead.append(" ".join(quoted_words[b1:b2]))
        elif b2 > b1:
            instead.append(" ".join(quoted[b1:b2]))
    return " ".join(marked), "; ".join(f'"{words}"' for words in instead)


def _comparable(word: str) -> str:
    return word.strip(".,;:!?\"()").lower()


# --- checking a brief ----------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """The outcome for one quotation or excerpt from one source."""

    path: NodePath  # the quotation's `quote`, or the claim's `evidence/<source>`
    source: str
    excerpt: str
    locator: str | None
    status: Status
    copy: str | None = None  # the copy as written in `file:`
    page: str | None = None  # printed page where the words were found (or come closest)
    last_page: str | None = None  # the page they end on, when they run on to another
    page_index: int | None = None  # 1-based page of the file, for PDF fragment links
    passage: str | None = None  # the words as the copy has them
    prefix: str = ""
    suffix: str = ""


@dataclass
class Evidence:
    diagnostics: list[Diagnostic]
    checks: list[Check]

    def for_path(self, path: NodePath, source: str) -> Check | None:
        return next((c for c in self.checks if c.path == path and c.source == source), None)


def excerpts(loaded: LoadedBrief) -> list[tuple[NodePath, str, str, str | None,
                                                Location, Location]]:
    """Every quotation and evidence excerpt: (path, source, words, locator, where the words
    stand, where the locator stands)."""
    where, found = loaded.where, []
    for s, section in enumerate(loaded.brief.sections):
        for b, block in enumerate(section.body):
            here = ("sections", s, "body", b)
            if isinstance(block, Quote):
                at = where.value(here + ("quote",))
                found.append((here + ("quote",), block.source, block.quote, block.locator, at,
                              where.value(here + ("locator",)) if block.locator else at))
            elif isinstance(block, Claim) and block.evidence:
                for key, words in block.evidence.items():
                    path = here + ("evidence", key)
                    locator, offset = pinpoint(block.claim, key)
                    at = where.value(path)
                    found.append((path, key, words, locator, at,
                                  where.within(here + ("claim",), block.claim, offset)
                                  if offset is not None else at))
    return found


def check_evidence(loaded: LoadedBrief, require: bool = False,
                   limits: Limits | None = None) -> Evidence:
    """Look for each quotation and excerpt in its source's copy; read each copy once; all of
    it within one time budget.

    In an edition, the originals are checked against the master's copies: its evidence
    excerpts, its untranslated quotations, and the originals of the quotations we translated.
    A translated quotation is checked itself only against its source's version in the
    edition's language, where that version has a copy of its own.
    """
    limits = limits or LIMITS
    budget = Budget(limits)
    edition = loaded.edition
    if edition is None:
        return _check_evidence(loaded, require, limits, budget)
    versioned = {block + ("quote",) for block in edition.versioned_quotations}
    originals = _check_evidence(edition.master, require, limits, budget,
                                lambda path: path not in versioned)
    translated = _check_evidence(loaded, require, limits, budget, versioned.__contains__)
    return Evidence(originals.diagnostics + translated.diagnostics,
                    originals.checks + translated.checks)


def _check_evidence(loaded: LoadedBrief, require: bool, limits: Limits, budget: Budget,
                    wanted: Callable[[NodePath], bool] | None = None) -> Evidence:
    """Check the excerpts `wanted` (all by default); copies that none of them needs are read
    only when all are wanted, so that a copy's own problems are reported once."""
    sources = {source.id: (index, source) for index, source in enumerate(loaded.brief.sources)}
    diagnostics: list[Diagnostic] = []
    documents: dict[str, Document | None] = {}
    checks = []
    found = [excerpt for excerpt in excerpts(loaded) if wanted is None or wanted(excerpt[0])]
    needed = {excerpt[1] for excerpt in found} if wanted else set(sources)
    for index, source in ((i, s) for i, s in sources.values() if s.file and s.id in needed):
        at = loaded.where.value(("sources", index, "file"))
        try:
            path = resolve_inside(loaded.folder, source.file, at, "copy")
            documents[source.id] = prepare(read_copy(path, source.file, at, budget), source)
        except BriefError as failure:
            diagnostics += failure.diagnostics
            documents[source.id] = None
    for path, key, words, locator, at, locator_at in found:
        what = "quotation" if path[-1] == "quote" else "evidence"
        if key not in sources:
            if what == "evidence":
                diagnostics.append(error(loaded.where.key(path), f"unknown source `{key}`",
                                         "name a source the claim cites"))
            continue  # an unknown quotation source is reported by check
        if what == "evidence" and not _cites(loaded, path, key):
            diagnostics.append(error(loaded.where.key(path),
                                     f"evidence from `{key}`, which the claim does not cite",
                                     "cite it in the claim, with the page of these "
                                     f"words: [@{key}, p. …]"))
        document = documents.get(key, False)
        if document is False:
            checks.append(Check(path, key, words, locator, "no copy"))
            if require:
                diagnostics.append(error(
                    at, f"{what} from `{key}` cannot be checked: the source has no local copy",
                    f"add `file: sources/…` to source `{key}`, with a copy of it in the "
                    "brief's folder"))
            continue
        if document is None:
            continue  # the copy could not be read: reported at its `file`
        if len(words) > limits.excerpt_characters:
            diagnostics.append(error(at, f"the {what} is {len(words):,} characters long; one "
                                     f"checked against its copy may be at most "
                                     f"{limits.excerpt_characters:,}",
                                     "quote the words the brief relies on, and leave out the "
                                     "rest with […]"))
            continue
        try:
            check, problems = _check_one(path, key, words, locator, document, at, locator_at,
                                         what, budget)
        except OutOfTime:
            diagnostics.append(error(at, f"the {what} was not looked for in "
                                     f"{document.copy.shown}: {budget.spent_message()}",
                                     "a quotation with many […] parts of common words takes "
                                     "long to place; quote fewer, longer parts"))
            continue
        checks.append(check)
        diagnostics += problems
    return Evidence(diagnostics, checks)


def _cites(loaded: LoadedBrief, path: NodePath, key: str) -> bool:
    claim = loaded.brief.sections[path[1]].body[path[3]].claim
    return any(item.key == key for cluster in find_citations(claim) for item in cluster.items)


def _check_one(path, key, words, locator, document: Document, at: Location,
               locator_at: Location, what: str, budget: Budget) -> tuple[Check, list[Diagnostic]]:
    shown = document.copy.shown
    parts = quotation_parts(words)
    pages = locator_pages(locator)
    deadline = budget.deadline
    # Where the locator says first: most quotations are there, and the pages are short.
    region = _pages_region(document, pages) if pages and document.copy.paged else None
    matches = find_matches(parts, document, *region, deadline=deadline) if region else []
    if not matches:
        matches = find_matches(parts, document, deadline=deadline)
    base = dict(path=path, source=key, excerpt=words, locator=locator, copy=shown)
    if not matches:
        if budget.left() <= 0:
            raise OutOfTime
        start, end = closest_passage(parts, document)
        passage = document.text[start:end]
        page = document.printed[document.page_at(start)] if passage else None
        last = document.printed[document.page_at(max(start, end - 1))] if passage else None
        marked, instead = marked_differences(parts, passage, document.matching[start:end],
                                             quotation_parts(words, for_matching=False))
        # A passage that runs on to the next page says so: the page's foot and the next one's
        # head are one passage only in the copy's text.
        where_text = (f"pp. {page}\u2013{last} of {shown}" if page and last != page
                      else f"p. {page} of {shown}" if page else shown)
        hint = (f'closest passage, {where_text}: "{_shortened(marked)}"'
                + (f" (the {what} has {_shortened(instead)})" if instead else "")
                ) if passage else None
        return (Check(**base, status="not found", page=page, passage=passage or None),
                [error(at, f"{what} not found in {shown}", hint)])

    def on_pages(match: Match) -> tuple[int, int]:
        return document.page_at(match.start), document.page_at(max(match.start, match.end - 1))

    chosen = matches[0]
    if pages is not None and document.copy.paged:
        inside = [m for m in matches if document.printed[on_pages(m)[0]] in pages]
        chosen = inside[0] if inside else matches[0]
    first, last = on_pages(chosen)
    page_label = document.printed[first]
    check = Check(**base, status="verified", page=page_label,
                  page_index=first + 1 if document.copy.paged else None,
                  last_page=document.printed[last] if last != first else None,
                  passage=document.text[chosen.start:chosen.end],
                  prefix=document.text[max(0, chosen.start - CONTEXT_CHARS):chosen.start],
                  suffix=document.text[chosen.end:chosen.end + CONTEXT_CHARS])
    if not document.copy.paged or page_label is None:
        return check, []
    span = _page_span(document, first, last)
    if pages is None:
        # `art. 33(1)`, `para. 9`: nothing to compare with the copy's pages, and nothing for
        # the writer to fix; the ledger says on which page the words stand.
        return check, []
    if page_label not in pages:
        return (Check(**{**check.__dict__, "status": "other page"}),
                [error(locator_at, f"{what} is not on {locator}: found on {span} of {shown}",
                       f"correct the locator to {span}, or check that the copy is the edition "
                       "you cite")])
    if last != first and document.printed[last] not in pages:
        return check, [warning(locator_at, f"{what} runs on to p. {document.printed[last]} of "
                               f"{shown}; the locator says {locator}", f"write {span}")]
    return check, []


def _shortened(text: str, words: int = 60) -> str:
    """A hint stays readable: a long passage is cut after `words` words."""
    split = text.split(" ")
    return text if len(split) <= words else " ".join(split[:words]) + " …"


def _page_span(document: Document, first: int, last: int) -> str:
    if first == last:
        return f"p. {document.printed[first]}"
    return f"pp. {document.printed[first]}\u2013{document.printed[last]}"


def copy_files(loaded: LoadedBrief) -> list[Path]:
    """The copies a brief names (an edition: its versions' and the master's), for the
    up-to-date check of its outputs."""
    briefs = [loaded, *([loaded.edition.master] if loaded.edition else [])]
    return list(dict.fromkeys(brief.folder / source.file for brief in briefs
                              for source in brief.brief.sources if source.file))

