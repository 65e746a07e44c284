"""Model + citations -> one self-contained HTML document, through the Jinja2 layouts."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import mimetypes
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from brief import __version__, editions, typography, web_metadata
from brief.numbers import EPOCH_DIGITS, whole_number
from brief.check import is_web_address, resolve_picture
from brief.diagnostics import Location, display_path
from brief.brand import Brand, web_colours
from brief.cite import Citations
from brief.load import LoadedBrief
from brief.handout import most_cited
from brief.markup import Cluster, plain_text, render_inline
from brief.model import Claim, ListBlock, NodePath, Quote, Text
from brief.pictures import read_picture
from brief.resources import templates_folder

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
RIGHT_TO_LEFT = ("ar", "he", "fa", "ur")
# A brief with this many sections gets a table of contents on the web.
CONTENTS_FROM = 4


@functools.cache
def environment() -> Environment:
    # Compiled once per process: autoescape everything, and fail loudly on a missing name.
    env = Environment(
        loader=FileSystemLoader(templates_folder()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


@functools.cache
def all_labels() -> dict[str, dict[str, str]]:
    return json.loads((templates_folder() / "labels.json").read_text("utf-8"))


def labels_for(language: str) -> dict[str, str]:
    """Interface words in the brief's language, English for what a language lacks."""
    table = all_labels()
    base = language.split("-")[0].lower()
    return {**table["en"], **table.get(base, {}), **table.get(language.lower(), {})}


def css_string(value: str) -> Markup:
    """A value quoted for use inside CSS `content: "…"`.

    Everything but letters, digits and spaces is escaped, and each escape ends with a space:
    CSS reads one white-space character after an escape as its end, so without it "A, B"
    would print "A,B".
    """
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in str(value))
    return Markup(f'"{escaped}"')


def localised_date(date: dt.date, language: str) -> str:
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(date, format="long", locale=language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(date, format="long", locale="en")


def preload(language: str, layout: str) -> None:
    """Do render_html's once-per-process work ahead (compile the templates, set up the inline
    renderers, load the calendar's words), while pandoc cites: it runs in its own process."""
    env = environment()
    env.get_template("citation.html")
    env.get_template(f"{layout}/{layout}.html")
    render_inline("", language)
    render_inline("", language, image_source=str)
    localised_date(dt.date.today(), language)


FINAL_STOP_RE = re.compile(r"[.!?…]+$")


@dataclass(frozen=True)
class Rendered:
    """A block of the body as the template draws it."""

    kind: str
    html: Markup | None = None
    items: tuple[Markup, ...] = ()
    note: Markup | None = None
    speaker: Markup | None = None
    own_translation: bool = False  # a quotation translated by the edition's translators
    ending: Markup = Markup("")  # a quotation's final stop, set after its note's call
    id: str | None = None
    line: int | None = None  # of the brief, where the block is written
    item_lines: tuple[int, ...] = ()  # of a list's items


def render_html(loaded: LoadedBrief, citations: Citations, paper: str = "a4",
                layout: str = "brief", brand: Brand | None = None,
                for_print: bool = False, lede: bool = False,
                ledger: dict[str, Any] | None = None, allow_network: bool = False,
                source_lines: bool = False, screen: bool = False) -> str:
    """The brief as one HTML document with its CSS inlined, ready for WeasyPrint or a browser.

    `lede` puts the summary under the title of a handout that has key messages too; `ledger`
    (from evidence_appendix) adds the Evidence appendix. `source_lines` marks each block with
    the line of the brief it is written on (`data-line`), for a layout that reports where each
    line's block landed (a preview's clicks); a published page has no use for them. `screen`
    makes the page for a browser (the web edition). Pictures are embedded from the files the
    check resolved (check.resolve_picture); a picture that does not pass it stops the render
    with a located BriefError.
    """
    brief = loaded.brief
    env = environment()
    citation_template = env.get_template("citation.html")
    note_style = citations.style.note
    typesetting = typography.rules_for(brief.language)
    # A handout has no room for notes and no foot to put them at: citations keep only what
    # stands in the running text (nothing in note styles, "(Song 2015)" in author-date ones),
    # and the most-cited sources are listed instead; the full brief has every note.
    with_notes = layout != "handout"

    master_language = loaded.edition.master.brief.language if loaded.edition else None

    def as_written(path: NodePath, markup: Markup) -> Markup:
        """A text an edition has not translated is marked as the master's language, so that
        it is hyphenated, typeset and read aloud as that language."""
        if loaded.edition is None or path not in loaded.edition.untranslated:
            return markup
        return Markup(f'<span lang="{master_language}">') + markup + Markup("</span>")

    def typeset(text: str, path: NodePath = ()) -> Markup:
        """Plain fields get the same typography (quotes, dashes) as markdown ones."""
        return as_written(path, render_inline(text, brief.language))

    def html(path: NodePath, text: str) -> Markup:
        def citation(index: int, cluster: Cluster) -> str:
            rendered = citations.for_field(path, index)
            return citation_template.render(text=rendered.text,
                                            note=rendered.note if with_notes else None,
                                            number=rendered.number, label=labels["note"],
                                            line=data_line(source_line(*path)))

        def picture(written: str) -> str:
            return picture_url(loaded, written, loaded.where.value(path), "picture",
                               allow_network)
        return as_written(path, render_inline(
            text, brief.language, citation, notes=note_style,
            move_punctuation=not typesetting.note_call_before_punctuation,
            image_source=picture if path[-1] == "text" else None))

    labels = labels_for(brief.language)

    # An edition's blocks are mapped to the master's lines, which its preview shows.
    lines_of = loaded.edition.master.where if loaded.edition else loaded.where

    def source_line(*path) -> int:
        """The line of the brief a block is written on, kept in the HTML (`data-line`) so
        that a preview can map a laid-out box back to it."""
        return lines_of.value(path).line

    def data_line(number: int) -> Markup:
        return Markup(f' data-line="{number}"') if source_lines else Markup("")

    sections = []
    for s, section in enumerate(brief.sections):
        blocks = []
        for b, block in enumerate(section.body):
            here = ("sections", s, "body", b)
            line = source_line(*here)
            if isinstance(block, Claim):
                blocks.append(Rendered("claim", html(here + ("claim",), block.claim), id=block.id,
                                       line=line))
            elif isinstance(block, Quote):
                quoted, ending = html(here + ("quote",), block.quote), Markup("")
                if note_style and typesetting.note_call_before_punctuation:
                    # French and Spanish put the note's call before the final full stop, in a
                    # quotation as in the text ("forcé¹.").
                    found = FINAL_STOP_RE.search(quoted)
                    if found:
                        quoted, ending = Markup(quoted[:found.start()]), Markup(found.group(0))
                blocks.append(Rendered(
                    "quote", quoted, ending=ending,
                    note=html(here + ("source",), block.note_citation()),
                    speaker=typeset(block.speaker) if block.speaker else None, id=block.id,
                    own_translation=bool(loaded.edition)
                    and here in loaded.edition.own_translations, line=line))
            elif isinstance(block, Text):
                blocks.append(Rendered("text", html(here + ("text",), block.text), line=line))
            elif isinstance(block, ListBlock):
                blocks.append(Rendered("list", items=tuple(
                    html(here + ("list", i), item) for i, item in enumerate(block.list)),
                    line=line, item_lines=tuple(source_line(*here, "list", i)
                                                for i in range(len(block.list)))))
        sections.append({"heading": typeset(section.heading, ("sections", s, "heading")),
                         "id": section.id,
                         "blocks": blocks, "line": source_line("sections", s, "heading")})

    def plain(text: str) -> str:
        """Text that is not in the HTML's text (the footer's CSS strings): typeset alike."""
        return typography.typeset_text(text, brief.language, joiners=False)

    page = {
        "size": PAPER_SIZES[paper],
        "attribution_dash": typesetting.attribution_dash,
        **dict(zip(("footer_left", "footer_title"), map(plain, running_footer(
            brief.organisation.name, brief.title)))),
        "for_print": for_print,
    }
    bibliography = {reference.id: reference.html for reference in citations.bibliography}
    other_editions = editions.other_editions(loaded)
    # An edition whose `url` was left as the master's has no address of its own: its page
    # must not claim the master's.
    addressed = brief if loaded.edition is None or brief.url != \
        loaded.edition.master.brief.url else brief.model_copy(update={"url": None})
    context: dict[str, Any] = {
        "brief": brief,
        "labels": labels,
        "page": page,
        "version": __version__,
        # A date split over two lines (14 / mars 2024) reads as two things.
        "date": typography.unbreakable(localised_date(brief.date, brief.language)),
        "title": typeset(brief.title),
        "subtitle": typeset(brief.subtitle) if brief.subtitle else None,
        "summary": html(("summary",), brief.summary),
        "key_messages": [html(("key_messages", i), m) for i, m in enumerate(brief.key_messages)],
        "sections": sections,
        "recommendations": [
            {"to": typeset(rec.to, ("recommendations", r, "to")), "actions": [html(("recommendations", r, "actions", a), action)
                                       for a, action in enumerate(rec.actions)],
             "line": source_line("recommendations", r, "to"),
             "action_lines": [source_line("recommendations", r, "actions", a)
                              for a in range(len(rec.actions))]}
            for r, rec in enumerate(brief.recommendations)],
        "about": (html(("organisation", "about"), brief.organisation.about)
                  if brief.organisation.about else None),
        "bibliography": citations.bibliography,
        "numbered": citations.numbered,
        # Only web addresses become links; anything else (javascript:, file:) stays text.
        "web_link": (brief.organisation.url or "").lower().startswith(("http://", "https://")),
        "url_link": (brief.url or "").lower().startswith(("http://", "https://")),
        # A contact that is an e-mail address is a link too (a reader taps it; a screen
        # reader announces it as one).
        "contact_link": "mailto:" + brief.organisation.contact
        if EMAIL_RE.fullmatch(brief.organisation.contact or "") else None,
        "note_style": note_style,
        "cite_as": citations.cite_as,
        "logo": logo(loaded, brand, allow_network),
        "theme": brand or Brand(),
        "direction": "rtl" if brief.language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr",
        "key_sources": [(key, bibliography[key]) for key in most_cited(brief)
                        if key in bibliography],
        "qr_code": qr_code(brief.url, brand) if brief.url and layout == "handout" else None,
        "metadata": metadata(loaded),
        "web_meta": web_metadata.meta_tags(addressed),
        "json_ld": typography.typeset_data(
            web_metadata.json_ld(addressed, [ref.id for ref in citations.bibliography]),
            brief.language, JSON_LD_VERBATIM),
        "page_address": web_metadata.page_address(addressed),
        "other_editions": other_editions,
        "alternates": web_metadata.alternates(
            addressed, other_editions,
            loaded.edition.master.brief.language if loaded.edition else brief.language),
        "source_line": source_line,
        "data_line": data_line,
        "css": Markup(_stylesheet(layout)),
        "web_css": Markup((templates_folder() / "web.css").read_text("utf-8")),
        "web_colours": web_colours((brand or Brand()).colours),
        # The web edition lists the notes at the end too, for narrow screens and printing.
        "notes": citations.notes if with_notes else [],
        "contents": len(brief.sections) >= CONTENTS_FROM,
        "lede": lede,
        "ledger": ledger,  # the Evidence appendix: evidence_appendix()
    }
    # Typography runs once, on the whole page's text (user text, labels, what pandoc wrote,
    # the <title> that becomes the PDF's Title, the <meta> tags), before the addresses in it
    # are made breakable.
    document = breakable_urls(typography.typeset_html(
        env.get_template(f"{layout}/{layout}.html").render(context), brief.language))
    return typography.held_by_markup(document) if screen else document


EMAIL_RE = re.compile(r"[^\s@<>\"]+@[^\s@<>\"]+\.[A-Za-z]{2,}")


# JSON-LD values that are addresses, dates, codes or identifiers: never typeset.
JSON_LD_VERBATIM = frozenset({"url", "contentUrl", "datePublished", "inLanguage",
                              "encodingFormat", "propertyID", "value", "license"})


# The text of the page between tags (never a tag, an attribute, a script or a style), and a web
# or e-mail address in it, less the punctuation that ends the sentence around it.
TEXT_RE = re.compile(r"<(script|style)\b[\s\S]*?</\1\s*>|>([^<]+)(?=<)")
URL_RE = re.compile(r"(?:(?:https?://|www\.)[^\s\"]+?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
                    r"(?=[.,;:!?)\]]*(?:\s|$))")
# Where a reader expects an address to continue on the next line: after a slash (not the two of
# `https://`), before a question mark, `#`, `&`, `=` or `@`. `#` only where it is not part of a
# character reference (`&#39;`) of the escaped text.
URL_BREAK_RE = re.compile(r"(?<=[^/:]/)(?=[^/])|(?<=[^/])(?=[?&=@]|#(?!\d+;|x[0-9a-f]+;))")
# A part longer than this between those places may also break before a dot, a hyphen or an
# underscore, and a piece still longer every LONG_PART characters: a key or a hash must not run
# past the margin.
LONG_PART = 28
WITHIN_PART_RE = re.compile(r"(?<=.)(?=[.\-_])")


def breakable_urls(html: str) -> str:
    """Let web and e-mail addresses break only where addresses break, and never with a hyphen.

    Each address in the body's text becomes `<span class="url">` (no hyphenation) with a
    `<wbr>` break opportunity at each place a line may end; the characters are unchanged, so
    the address copied from the PDF or the page is the real one. A line never ends after one of
    the address's own hyphens (`07-` / `erythree`), where a reader would take it for a word
    broken in two, nor after the `//` of `https://`.
    """
    head, body_tag, body = html.partition("<body")

    def in_text(match: re.Match) -> str:
        if match.group(1):
            return match.group(0)
        return ">" + URL_RE.sub(lambda url: '<span class="url">' + "<wbr>".join(
            _address_part(part) for part in URL_BREAK_RE.split(url.group(0))) + "</span>",
            match.group(2))

    return head + body_tag + TEXT_RE.sub(in_text, body) if body_tag else html


def _address_part(part: str) -> str:
    """One part of an address between its usual break opportunities, as HTML: a long one
    broken before its dots and hyphens, and never after a hyphen."""
    pieces = WITHIN_PART_RE.split(part) if len(part) > LONG_PART else [part]
    out = []
    for piece in pieces:
        if len(piece) > LONG_PART and "&" not in piece:
            out += [piece[i:i + 16] for i in range(0, len(piece), 16)]
        else:
            out.append(piece)
    # The layout would break after any hyphen, and after the slashes of `https://`: each is
    # held to the character after it.
    return "<wbr>".join(HELD_RE.sub(r'<span class="nobr">\g<0></span>', piece)
                        for piece in out)


HELD_RE = re.compile(r"-[^-&<]|://[^/&<]")


def evidence_appendix(brief, rows: list, attached: bool) -> dict[str, Any]:
    """The ledger's rows as the Evidence appendix prints them (see brief.ledger); `attached`
    when the JSON ledger goes into the PDF too."""
    from brief.ledger import evidence_words, kind_words, pinpoint_words, summary

    labels = labels_for(brief.language)
    sources = {source.id: source for source in brief.sources}
    passages: list[dict[str, Any]] = []
    for row in rows:  # one entry for each passage, with each source it cites
        if not passages or passages[-1]["at"] != (row.location, row.text):
            passages.append({"at": (row.location, row.text), "line": row.location.line,
                             "kind": row.kind, "kind_words": kind_words(row.kind, labels),
                             "text": shortened(row.text, 24), "cites": []})
        passages[-1]["cites"].append({
            "source": source_label(sources.get(row.source), row.source),
            "pinpoint": pinpoint_words(row.pinpoint, brief.language, row.location),
            "status": row.status,
            "evidence": evidence_words(row, labels),
            "passage": shortened(row.check.passage, 18) if row.check and row.check.passage
            and row.status in ("verified", "other page") else None})
    return {"summary": summary(rows, labels), "attached": attached, "passages": passages}


def shortened(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def source_label(source, key: str) -> str:
    """Author and short title, as a fact-checker names a source: `Song, Twenty Years'…`."""
    if source is None:
        return key
    names = source.author or source.editor or []
    name = names[0].get("family") or names[0].get("literal") if names else None
    extra = source.model_extra or {}
    # The title before its colon, less the space French sets before the colon.
    title = extra.get("title-short") or str(extra.get("title") or key).split(":")[0].strip()
    return f"{name}, {title}" if name else str(title)


def _stylesheet(layout: str) -> str:
    # Inlined, so that the HTML output is one self-contained file.
    folder = templates_folder()
    return "\n".join((folder / name).read_text("utf-8")
                     for name in ("print.css", f"{layout}/{layout}.css"))


def picture_url(loaded: LoadedBrief, written: str, at: Location, what: str,
                allow_network: bool) -> str:
    """A web address (with --allow-network), or the file the check resolved as a data: URL."""
    resolved = resolve_picture(loaded.folder, written, at, what, allow_network)
    return resolved if isinstance(resolved, str) else data_url(resolved, at)


def logo(loaded: LoadedBrief, brand: Brand | None,
         allow_network: bool = False) -> dict[str, str] | None:
    """The brief's own logo (its alt text is the organisation), else the brand's."""
    if loaded.brief.organisation.logo:
        at = loaded.where.value(("organisation", "logo"))
        return {"src": picture_url(loaded, loaded.brief.organisation.logo, at, "logo",
                                   allow_network),
                "alt": loaded.brief.organisation.name}
    if brand and brand.logo:
        return {"src": data_url(brand.logo.path, Location(display_path(brand.path))),
                "alt": brand.logo.alt}
    return None


def qr_code(url: str, brand: Brand | None) -> str:
    """A vector QR code of `url` as an SVG data: URL, in the brand's primary colour.

    Error correction level M survives a crease or a coffee ring; the quiet zone is left to the
    layout's margins, which are wider than the four modules a scanner needs.
    """
    import segno

    dark = (brand.colours.get("primary") if brand else None) or "#1b365d"
    return segno.make(url, error="m", micro=False).svg_data_uri(dark=dark, border=0, scale=1)


# How much of a line the running footer's left part holds (80 % of an A4 or Letter line at
# 7.5 pt): characters of Latin text, a wide (Chinese, Japanese, Korean) character counting two.
FOOTER_WIDTH = 100
FOOTER_TITLE_WIDTH = 40  # the least of the title kept when the organisation's name is long


def running_footer(organisation: str, title: str) -> tuple[str, str]:
    """The organisation and the title as the running footer prints them, " · " between.

    The title is the part before its colon. Where the two do not fit the line, the title and
    then the name are cut after a whole word, with "…": the footer's own ellipsis (its CSS
    stays as a last resort) would cut in the middle of a word ("Renvois forcés ver…").
    """
    main, colon, _ = title.partition(":")
    title = main.strip() if colon and main.strip() else title
    least = min(_width(title), FOOTER_TITLE_WIDTH)
    organisation = _cut_at_word(organisation, FOOTER_WIDTH - 3 - least)
    return organisation, _cut_at_word(title, FOOTER_WIDTH - 3 - _width(organisation))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1
               for character in text)


def _cut_at_word(text: str, width: int) -> str:
    """`text` if it is at most `width` wide, else its words that fit and "…"."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for character in text:
        used += _width(character)
        if used > width - 1:
            break
        kept.append(character)
    cut = "".join(kept)
    if " " in cut.strip() and not text[len(cut):len(cut) + 1].isspace():
        cut = cut.rsplit(" ", 1)[0]  # the word the cut fell in goes whole
    words = cut.split()
    while len(words) > 1 and len(words[-1]) < 3:  # nor end on "et la", "of a"
        words.pop()
    return " ".join(words).rstrip(",;:·–—-") + "…" if words else cut + "…"


def data_url(path: Path, at: Location | None = None) -> str:
    """A picture resolved by the check, embedded; read again within the budget in case it
    changed (an error at `at`, else at the file, if it is gone or too large now)."""
    shown = display_path(path)
    data = read_picture(path, shown, at or Location(shown))
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def metadata(loaded: LoadedBrief) -> dict[str, str]:
    """What WeasyPrint turns into the PDF's document information."""
    brief = loaded.brief
    keywords = brief.keywords or [section.heading for section in brief.sections]
    fields = {
        "author": ", ".join(author.name for author in brief.authors)
        or brief.organisation.name,
        "description": plain_text(brief.subtitle or brief.summary, brief.language),
        "keywords": "; ".join(keywords),
        "generator": f"brief {__version__}",
    }
    epoch = whole_number(os.environ.get("SOURCE_DATE_EPOCH", ""), EPOCH_DIGITS)
    if epoch is not None:
        stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
        fields["dcterms.created"] = fields["dcterms.modified"] = stamp.strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return fields
