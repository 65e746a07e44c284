"""HTML -> PDF with WeasyPrint: restricted file access, metadata, deterministic bytes (written
by brief.output)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import math
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, TypedDict
from urllib.parse import unquote, urlsplit

from brief.diagnostics import BriefError, Diagnostic, Location, error, warning
from brief.limits import LIMITS, Limits
from brief.pdf_tags import finish_tags, one_annotation_per_link, tagging
from brief.press import PictureUse, Press, for_press
from brief.numbers import EPOCH_DIGITS, whole_number


def restricted_fetcher(allowed_folders: list[Path], refused: list[str],
                       allow_network: bool = False):
    """A URL fetcher that serves `data:` URLs and files inside `allowed_folders`, nothing else
    (and web addresses only when the user allowed the network).

    WeasyPrint's default fetcher reads any local file and any URL on the network; a brief from
    a stranger must not be able to do either. Refused URLs are collected for the report.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [folder.resolve() for folder in allowed_folders]

    class RestrictedFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data" or allow_network and parts.scheme in ("http", "https"):
                return super().fetch(url, headers)
            if parts.scheme == "file":
                try:
                    path = Path(unquote(parts.path)).resolve()
                    inside = any(path.is_relative_to(root) for root in roots) and path.is_file()
                except (ValueError, OSError):  # a NUL (%00) or a name too long
                    inside = False
                if inside:
                    return super().fetch(url, headers)
            refused.append(url)
            raise FatalURLFetchingError(f"brief does not fetch {url}")

    protocols = ["data", "file"] + (["http", "https"] if allow_network else [])
    return RestrictedFetcher(allowed_protocols=protocols, allow_redirects=False)


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings, which it otherwise only logs, for the user to see."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


ACCESSIBLE_VARIANT = "pdf/ua-1"


def archival_variants() -> tuple[str, ...]:
    """The PDF/A variants the installed WeasyPrint can write, e.g. `pdf/a-3u`."""
    from weasyprint.pdf.pdfa import VARIANTS

    return tuple(VARIANTS)


class TooManyPages(Exception):
    """The layout needs more pages than allowed; the stage that knows the brief explains."""

    def __init__(self, pages: int, overflow_mm: float):
        super().__init__(f"{pages} pages")
        self.pages = pages
        self.overflow_mm = overflow_mm

    def __reduce__(self):  # sent back from the layout process (brief.engine)
        return TooManyPages, (self.pages, self.overflow_mm)


class LayoutJob(TypedDict):
    """render_pdf's arguments, as a build hands them to a layout process (brief.engine)."""

    html: str
    base_folder: Path
    allowed_folders: list[Path]
    brief_file: str
    allow_network: bool
    variant: str | None
    max_pages: int | None
    shorter_html: str | None
    fill_page: bool
    summary_at: Location | None
    attachments: list[tuple[str, bytes, str]]  # (file name, content, description)
    press: Press | None  # a print build: PDF/X-4 for this printing condition
    created: dt.datetime | None  # when a print build says it was made


class SourceBox(NamedTuple):
    """Where a block written at `line` of the brief was laid out: its border box on page
    `page` (from 0), in CSS pixels from the page's top left corner."""

    page: int
    x: float
    y: float
    width: float
    height: float
    line: int


class LaidOut(NamedTuple):
    """render_pdf's answer."""

    pdf: bytes
    warnings: list[Diagnostic]
    page_sizes: list[tuple[float, float]]  # width and height of each page, in CSS pixels
    source_boxes: list[SourceBox]
    pictures: list[PictureUse] = []  # a print build's raster pictures, as printed


def document_language(html: str) -> str:
    """The language the HTML document says it is in (`<html lang>`)."""
    found = re.search(r"<html\b[^>]*?\slang=\"([^\"]*)\"", html[:2000], re.I)
    return found.group(1) if found else ""


def render_pdf(html: str, base_folder: Path, allowed_folders: list[Path],
               brief_file: str, allow_network: bool = False, variant: str | None = None,
               max_pages: int | None = None, shorter_html: str | None = None,
               fill_page: bool = False, summary_at: Location | None = None,
               limits: Limits = LIMITS,
               attachments: list[tuple[str, bytes, str]] | None = None,
               press: Press | None = None, created: dt.datetime | None = None) -> LaidOut:
    """Lay out the HTML and return the PDF's bytes, with WeasyPrint's warnings as diagnostics,
    and where each block of the brief (a `data-line` element) was laid out.

    The PDF is tagged (structure tree, language, title shown in the window) and declared
    PDF/UA-1 unless a PDF/A `variant` is asked for; PDF/A files stay tagged all the same.
    When the layout needs more than `max_pages`, `shorter_html` (the same document with less
    in it) is laid out instead; if that needs more too, TooManyPages is raised and nothing is
    written. `fill_page` lays a one-page document out again with the CSS property `--fill`
    set to the height its page has left over, for the layout to share out. With `summary_at`,
    key messages pushed off page 1 are a warning there, saying how many lines too long the
    summary is. The budget's time and page limits are located errors. `attachments` are
    embedded as the PDF's associated files (as PDF/A-3 allows). With `press`, the PDF is
    made PDF/X-4 for that printing condition (brief.press), dated `created`.
    """
    at = Location(brief_file)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as failure:  # OSError: a system library is missing
        raise BriefError([error(at, f"WeasyPrint cannot be loaded: {failure}",
                                "install the libraries it needs; on Debian: apt-get install "
                                "libpango-1.0-0 libpangoft2-1.0-0")]) from None
    from brief.line_breaking import hang_trailing_spaces

    hang_trailing_spaces()
    refused: list[str] = []
    options = {
        # The same HTML always gives the same identifier, hence the same bytes.
        "pdf_identifier": hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode(),
        "pdf_tags": True,
        "pdf_variant": variant or ACCESSIBLE_VARIANT,
    }
    from weasyprint.urls import FatalURLFetchingError

    with _weasyprint_warnings() as messages, _pixel_limit(limits.picture_pixels):
        try:
            def lay_out(html: str):
                return HTML(string=html, base_url=base_folder.resolve().as_uri() + "/",
                            url_fetcher=restricted_fetcher(allowed_folders, refused,
                                                           allow_network)).render(**options)

            with _time_limit(limits.layout_seconds):
                document = lay_out(html)
                if max_pages and len(document.pages) > max_pages and shorter_html:
                    html, document = shorter_html, lay_out(shorter_html)
                if len(document.pages) > limits.pages:
                    raise BriefError([error(
                        at, f"the brief takes {len(document.pages):,} pages; a brief may take "
                        f"at most {limits.pages:,}", "split it into several briefs")])
                if fill_page and len(document.pages) == 1 \
                        and (left := space_left(document)) > 0:
                    filled = lay_out(html.replace("</head>", f"<style>:root {{ --fill: "
                                                  f"{left:.2f}px; }}</style></head>", 1))
                    document = filled if len(filled.pages) == 1 else document
                misplaced = misplaced_notes(document)
                boxes = source_boxes(document)
                pushed_lines = key_messages_pushed(document) if summary_at else 0
                if max_pages is not None and len(document.pages) > max_pages:
                    overflow = overflow_mm(document, max_pages)
                else:
                    overflow = None
                    one_annotation_per_link(document)
                    with tagging(document_language(html)):
                        pdf = finish_tags(document.write_pdf(
                            finisher=_associate_files if attachments else None,
                            attachments=[_attachment(*item) for item in attachments or ()],
                            **options))
                    if press is not None:
                        pdf, pictures = for_press(pdf, press, created or dt.datetime.now(
                            dt.timezone.utc))
        except LayoutTimeout:
            raise BriefError([error(
                at, f"laying out the PDF took longer than {limits.layout_seconds} s and was "
                "stopped", "shorten the brief, or simplify its pictures")]) from None
        except MemoryError:
            raise BriefError([error(
                at, f"laying out the PDF needed more than {limits.layout_memory_mib:,} MiB of "
                "memory and was stopped", "shorten the brief, or simplify its pictures")]) \
                from None
        except BriefError:
            raise
        # WeasyPrint raises many kinds, and the fetcher's refusal is a BaseException (it must
        # stop the layout, not become a warning); none may reach the user raw.
        except (Exception, FatalURLFetchingError) as failure:
            if refused:
                raise RefusedFetches(refused, at, allow_network) from None
            raise BriefError([error(at, f"the PDF could not be laid out: {failure}",
                                    "this is a bug in brief if the brief checks cleanly; "
                                    "please report it with the brief")]) from None
    if refused:
        raise RefusedFetches(refused, at, allow_network)
    if overflow is not None:
        raise TooManyPages(len(document.pages), overflow)
    diagnostics = [warning(at, f"layout: {shortened(message)}")
                   for message in dict.fromkeys(messages)]
    diagnostics += [warning(at, f"note {number} is called on page {called} but printed on page "
                            f"{printed}", "shorten the notes or the text around them")
                    for number, called, printed in misplaced]
    if pushed_lines:
        diagnostics.append(warning(
            summary_at, f"the summary is too long for the key messages to fit under it on "
            f"page 1: {pushed_lines} line{'s' if pushed_lines > 1 else ''} too long",
            "shorten the summary (or the key messages); page 1 is what a busy reader sees"))
    sizes = [(page.width, page.height) for page in document.pages]
    return LaidOut(pdf, diagnostics, sizes, boxes, pictures if press is not None else [])


def source_boxes(document) -> list[SourceBox]:
    """The laid-out boxes of the elements that carry the brief line they come from.

    A block split over two pages has a box on each; the boxes WeasyPrint makes inside a block
    (lines, inline text) belong to the same element and are left out. A note's box is the
    note at the foot of the page, not its call in the text (a box of the same element).
    """
    found = []
    for number, page in enumerate(document.pages):
        seen = set()
        for box in _descendants(page._page_box):
            if (box.element_tag or "").endswith("::footnote-call"):
                continue
            element = getattr(box, "element", None)
            line = element.get("data-line") if element is not None else None
            if whole_number(line) is not None and element not in seen:
                seen.add(element)
                found.append(SourceBox(number, box.border_box_x(), box.border_box_y(),
                                       box.border_width(), box.border_height(), whole_number(line)))
    return found


class RefusedFetches(BriefError):
    """The layout asked for addresses brief does not fetch; the build, which knows which
    picture holds them, may say where (brief.build). Reported at the brief's start otherwise."""

    def __init__(self, urls: list[str], at: Location, allow_network: bool = False):
        self.urls = list(dict.fromkeys(urls))
        self.at = at
        self.allow_network = allow_network
        super().__init__([refusal(url, at, allow_network) for url in self.urls])

    def __reduce__(self):  # sent back from the layout process (brief.engine)
        return RefusedFetches, (self.urls, self.at, self.allow_network)


def refusal(url: str, at: Location, allow_network: bool = False, what: str = "the brief"
            ) -> Diagnostic:
    """The error for one address the fetcher refused, said at `at` of `what` refers to it."""
    scheme, url = urlsplit(url).scheme, shortened(url)
    if scheme in ("http", "https") and not allow_network:
        return error(at, f"{what} fetches `{url}` from the web, and brief does not go online "
                     "by itself", "remove the reference (an SVG's font or image, say), or "
                     "build with --allow-network if you trust the brief")
    return error(at, f"{what} refers to `{url}`, outside its folder",
                 "a brief may only use files in its own folder")


DATA_URL_RE = re.compile(r"data:([\w.+-]+/[\w.+-]+)?[^\s'\")]{60,}")


def shortened(message: str) -> str:
    """A WeasyPrint message fit to print: an embedded picture (a `data:` URL of megabytes)
    is named by its type and size, and nothing else runs past a few lines."""
    message = DATA_URL_RE.sub(lambda match: f"<embedded {match.group(1) or 'data'} of "
                              f"{len(match.group(0)) * 3 // 4 // 1024:,} KiB>", message)
    return message if len(message) <= 500 else message[:500] + "…"


class LayoutTimeout(BaseException):
    """Raised into the layout when its time is up; a BaseException, so that no `except
    Exception` of WeasyPrint's (which turns failed pictures into warnings) swallows it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with LayoutTimeout after `seconds` (where signals can be used:
    the main thread of a process, as in a layout process)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    expired = []

    def time_is_up(signum, frame):
        # An exception raised where Python ignores it (a garbage collector's callback, a C
        # library's callback) would be lost: the alarm rings again until one gets through.
        expired.append(True)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise LayoutTimeout

    previous = signal.signal(signal.SIGALRM, time_is_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise LayoutTimeout  # every ring was lost, and the block ended all the same


@contextlib.contextmanager
def _pixel_limit(pixels: int) -> Iterator[None]:
    """Pictures WeasyPrint decodes itself (inside an SVG, say) within the budget too: Pillow's
    warning about one over the limit becomes the error that WeasyPrint reports."""
    from PIL import Image

    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def limit_memory(limits: Limits = LIMITS) -> None:
    """Cap this process's memory (a layout process's, never the caller's): a layout that
    would take more fails with MemoryError, which its caller reports, instead of the
    machine swapping."""
    try:
        import resource

        cap = limits.layout_memory_mib * 1024 * 1024
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        resource.setrlimit(resource.RLIMIT_DATA,
                           (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this system: the time and page limits still hold


def _attachment(name: str, content: bytes, description: str):
    """A file to embed, dated by SOURCE_DATE_EPOCH (or not at all), so builds stay identical."""
    import datetime as dt

    from weasyprint import Attachment

    epoch = whole_number(os.environ.get("SOURCE_DATE_EPOCH", ""), EPOCH_DIGITS)
    stamp = dt.datetime.fromtimestamp(epoch or 0, dt.timezone.utc)
    return Attachment(string=content, name=name, description=description, created=stamp,
                      modified=stamp, relationship="Supplement")


def _associate_files(document, pdf) -> None:
    """Make every embedded file an associated file of the document (ISO 32000-2, 14.13), as
    WeasyPrint does itself only for PDF/A-3."""
    import pydyf

    if whole_number(os.environ.get("SOURCE_DATE_EPOCH", ""), EPOCH_DIGITS) is None:
        # Without SOURCE_DATE_EPOCH a build carries no date (README): nor do its files.
        for item in pdf.objects:
            extra = getattr(item, "extra", None)
            if isinstance(extra, dict) and extra.get("Type") == "/EmbeddedFile":
                extra.get("Params", {}).pop("CreationDate", None)
                extra.get("Params", {}).pop("ModDate", None)
    if "AF" in pdf.catalog:  # PDF/A-3: WeasyPrint lists each file twice
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
        return
    files = [item for item in pdf.objects
             if isinstance(item, dict) and item.get("Type") == "/Filespec"]
    for item in files:
        item.setdefault("AFRelationship", "/Supplement")
    if files:
        pdf.catalog["AF"] = pydyf.Array(item.reference for item in files)


def _descendants(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _descendants(child)


def key_messages_pushed(document) -> int:
    """How many lines of the summary's size the key messages run past page 1 (0 when they
    are all on it, or when the brief has none)."""
    from weasyprint.formatting_structure.boxes import LineBox

    def with_id(page, name):
        return [box for box in _descendants(page._page_box)
                if getattr(box, "element", None) is not None and box.element_tag == "section"
                and box.element.get("id") == name]

    pushed = sum(box.margin_height() for page in document.pages[1:]
                 for box in with_id(page, "key-messages"))
    summary = with_id(document.pages[0], "summary")
    lines = [box for box in _descendants(summary[0]) if isinstance(box, LineBox)] \
        if summary else []
    return math.ceil(pushed / lines[-1].height) if pushed and lines else 0


SAFETY_PX = 4  # about 1 mm, for the rounding of a second layout


def space_left(document) -> float:
    """The height, in CSS pixels, between the foot of a one-page document's content and the
    foot of its page area, less a millimetre to spare."""
    page = document.pages[0]._page_box
    root = page.children[0]
    content_bottom = root.position_y + root.margin_height()
    return page.content_box_y() + page.height - content_bottom - SAFETY_PX


def overflow_mm(document, max_pages: int) -> float:
    """How much taller than `max_pages` pages the content is, in millimetres."""
    pixels = sum(page._page_box.children[0].margin_height()
                 for page in document.pages[max_pages:])
    return pixels * 25.4 / 96


def misplaced_notes(document) -> list[tuple[int, int, int]]:
    """Footnotes printed on another page than their call, as (number, called, printed).

    WeasyPrint may move a note to a later page to fit one more line of text; readers of a
    brief must find each note under the line that calls it, so this is checked, not assumed.
    """
    called: list[tuple[object, int]] = []
    printed: dict[object, int] = {}
    for number, page in enumerate(document.pages, 1):
        body, *rest = page._page_box.children
        footnotes = rest[0].children if rest else ()  # a layout without notes has no area
        called += [(box.footnote.element, number) for box in _descendants(body)
                   if getattr(box, "footnote", None) is not None]
        printed.update((box.element, number) for box in footnotes
                       if getattr(box, "element", None) is not None)
    return [(index, page, printed.get(element, 0))
            for index, (element, page) in enumerate(called, 1)
            if printed.get(element) != page]
