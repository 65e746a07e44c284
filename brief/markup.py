"""Inline markdown to safe HTML, and pandoc-style citations found in it.

Citations are cut out of the text before markdown sees it and put back as already formatted
HTML afterwards, so markdown never mistakes `[@song2015, p. 401]` for a link.
"""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import unquote
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from brief.sanitise import safe_html
from brief.typography import markdown_quotes, typeset_text

# Pandoc's citation key: starts with a letter, digit or _, may hold internal punctuation.
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
ITEM_RE = re.compile(rf"^(?P<prefix>.*?)(?P<suppress>-?)@(?P<key>{KEY})(?P<suffix>.*)$", re.S)
# A bracketed cluster: brackets holding no brackets, with an @ at the start of the text or of
# a word. Found in two linear steps (the brackets, then the @), as one pattern backtracked
# quadratically on `[a @b a @b …` with no closing bracket.
BRACKETS_RE = re.compile(r"(?<![\\!\]])\[(?P<body>[^\[\]]*)\](?![(\[])")
CITES_RE = re.compile(r"(?:^|[\s;])-?@")
NARRATIVE_RE = re.compile(rf"(?<![\w@\\\[])@(?P<key>{KEY})(?:\s?\[(?P<suffix>[^\[\]@]*)\])?")
BACKTICKS_RE = re.compile(r"`+")

# The locator labels pandoc's citeproc turns into the style's own terms (checked against
# pandoc 3.9), plus "art." for treaties and statutes, which CSL lacks and which prints as typed.
LOCATOR_LABELS = {
    "book", "books", "bk.", "bks.", "chapter", "chapters", "ch.", "chs.", "chap.", "chaps.",
    "column", "columns", "col.", "cols.", "figure", "figures", "fig.", "figs.", "folio",
    "folios", "fol.", "fols.", "number", "numbers", "no.", "nos.", "issue", "issues", "line",
    "lines", "l.", "ll.", "note", "notes", "n.", "nn.", "opus", "opera", "op.", "opp.", "page",
    "pages", "p.", "pp.", "paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶", "part",
    "parts", "pt.", "pts.", "section", "sections", "sec.", "secs.", "§", "§§", "sub verbo",
    "s.v.", "s.vv.", "verse", "verses", "v.", "vv.", "volume", "volumes", "vol.", "vols.",
    "art.", "arts.", "article", "articles",
}
# Labels CSL knows but pandoc's parser does not read: sent to pandoc in a spelling it does.
PANDOC_SPELLING = {"ch.": "chap.", "chs.": "chaps.", "number": "no.", "numbers": "nos."}
# Dictionary entries are located by a headword, not a number; pandoc needs it in braces.
HEADWORD_LABELS = {"s.v.", "s.vv.", "sub verbo"}
SHORT_LABELS = "p., pp., para., paras., ch., sec., §, n., art., vol., fig., l., no., pt."
# Labels of other languages that writers type, and the English label that prints them so.
FOREIGN_LABELS = {
    "s.": "p.", "seite": "p.", "rn.": "para.", "abs.": "para.", "ziff.": "para.",
    "nr.": "no.", "kap.": "ch.", "bd.": "vol.", "paragr.": "para.", "al.": "para.",
    "t.": "vol.", "pág.": "p.", "págs.": "pp.", "párr.": "para.", "apdo.": "sec.",
    "núm.": "no.", "cap.": "ch.", "ap.": "sec.", "ss.": "pp.", "página": "p.",
    "páginas": "pp.", "párrafo": "para.", "párrafos": "paras.", "absatz": "para.",
}
LABEL_RE = re.compile(
    r"^\s*(sub verbo|s\.vv?\.|[^\W\d_]+\.?|¶¶?|§§?)\s*(?=[\dIVXLCDMivxlcdm]|(?<=s\.v\.)|"
    r"(?<=s\.vv\.)|(?<=sub verbo))")


@dataclass(frozen=True)
class CiteItem:
    key: str
    offset: int  # where `@key` starts in the field's text
    locator_label: str | None


@dataclass(frozen=True)
class Cluster:
    """One citation as written: `[see @a, p. 1; @b]` or a narrative `@a [p. 1]`."""

    source: str  # the text exactly as written, handed to pandoc
    start: int
    end: int
    items: tuple[CiteItem, ...]
    narrative: bool = False


def find_citations(text: str) -> list[Cluster]:
    """All citation clusters in a markdown text, in order; code spans, pictures and link
    addresses are skipped."""
    masked = list(text)
    for start, end in code_spans(text) + _pictures_and_addresses(text):
        masked[start:end] = " " * (end - start)
    masked = "".join(masked)
    clusters = []
    for match in BRACKETS_RE.finditer(masked):
        if not CITES_RE.search(match.group("body")):
            continue
        items = _items(match.group("body"), match.start("body"))
        if items:
            clusters.append(Cluster(text[match.start():match.end()], match.start(),
                                    match.end(), tuple(items)))
    taken = [(c.start, c.end) for c in clusters]
    blanked = list(masked)
    for start, end in taken:
        blanked[start:end] = " " * (end - start)
    for match in NARRATIVE_RE.finditer("".join(blanked)):
        suffix = match.group("suffix")
        label = _locator_label(", " + suffix) if suffix else None
        clusters.append(Cluster(text[match.start():match.end()], match.start(), match.end(),
                                (CiteItem(match.group("key"), match.start(), label),),
                                narrative=True))
    return sorted(clusters, key=lambda c: c.start)


# A field with more links and pictures than this, or a link longer than this, is not looked
# into: each costs markdown-it a parse, and check and render resolve pictures the same way in
# any case (a citation cut out of a picture's name gives a name that is checked again).
MAX_LINKS = 1000
MAX_LINK_CHARACTERS = 2000
ESCAPE_OR_BRACKET_RE = re.compile(r"\\.|[\[\]]", re.S)


def _pictures_and_addresses(text: str) -> list[tuple[int, int]]:
    """Where markdown reads a picture (`![alt](file)`, whole) or a link's address (`](…)`).

    No citation is looked for there: one cut out of `![map](<[@a]x.png>)` would leave the
    picture's file name different from the name that was checked. Found with markdown-it's own
    link and image rules, tried only at each `[` whose `]` is followed by `(` (matched in one
    pass), so that these spans are the ones it renders.
    """
    if "](" not in text:
        return []  # the common case, answered without loading the markdown parser
    from markdown_it.rules_inline import image, link
    from markdown_it.rules_inline.state_inline import StateInline

    openers, labelled = [], []
    for match in ESCAPE_OR_BRACKET_RE.finditer(text):
        if match.group(0) == "[":
            openers.append(match.start())
        elif match.group(0) == "]" and openers:
            opener = openers.pop()
            if text.startswith("(", match.end()):
                labelled.append(opener)
    md = _md("en", images=True)
    state = StateInline(text, md, {}, [])
    spans: list[tuple[int, int]] = []
    for position in sorted(labelled)[:MAX_LINKS]:
        if spans and position < spans[-1][1]:
            continue  # inside the picture or address before
        picture = position > 0 and text[position - 1] == "!" and _unescaped(text, position - 1)
        state.pos = position - 1 if picture else position
        state.posMax = min(len(text), position + MAX_LINK_CHARACTERS)
        if (image if picture else link)(state, True):
            start = (position - 1 if picture
                     else md.helpers.parseLinkLabel(state, position, True) + 1)
            spans.append((start, state.pos))
    return spans


def _unescaped(text: str, position: int) -> bool:
    """Whether the character at `position` follows an even number of backslashes."""
    backslashes = 0
    while position - backslashes > 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 0


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans of a text are: from a run of backticks to the next run of as many,
    as CommonMark reads them, in one pass (a pattern took minutes on a row of backticks)."""
    runs = [(match.start(), match.end()) for match in BACKTICKS_RE.finditer(text)]
    same_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        same_length.setdefault(end - start, []).append(index)
    next_of: dict[int, int] = dict.fromkeys(same_length, 0)  # only ever moves forward
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        candidates = same_length[end - start]
        position = next_of[end - start]
        while position < len(candidates) and candidates[position] <= index:
            position += 1
        next_of[end - start] = position
        if position < len(candidates):
            closing = candidates[position]
            spans.append((start, runs[closing][1]))
            index = closing + 1
        else:
            index += 1  # no closing run: these backticks are text
    return spans


def _items(body: str, offset: int) -> list[CiteItem]:
    items = []
    position = offset
    for part in body.split(";"):
        match = ITEM_RE.match(part)
        if match and (not match.group("prefix") or match.group("prefix")[-1].isspace()):
            items.append(CiteItem(match.group("key"), position + match.start("suppress"),
                                  _locator_label(match.group("suffix"))))
        position += len(part) + 1
    return items


def _locator_label(suffix: str) -> str | None:
    """The label word of a locator (`p.` in `, p. 401`), if the suffix has one."""
    if not suffix.startswith(","):
        return None
    match = LABEL_RE.match(suffix[1:])
    return match.group(1) if match else None


def pandoc_source(cluster: Cluster, spelling: dict[str, str] = PANDOC_SPELLING) -> str:
    """The citation as pandoc should read it: every known locator label in a form it parses.

    `spelling` maps labels as typed to the ones pandoc reads in the brief's locale (pandoc
    knows only the locale's own terms: "paragr.", not "para.", in French).
    """
    if cluster.narrative:
        match = NARRATIVE_RE.match(cluster.source)
        if not match or match.group("suffix") is None:
            return cluster.source
        suffix = _respell(", " + match.group("suffix"), spelling)[2:]
        return cluster.source[:match.start("suffix")] + suffix + cluster.source[match.end("suffix"):]
    parts = []
    for part in cluster.source[1:-1].split(";"):
        match = ITEM_RE.match(part)
        if match:
            part = part[:match.start("suffix")] + _respell(match.group("suffix"), spelling)
        parts.append(part)
    return "[" + ";".join(parts) + "]"


def _respell(suffix: str, spelling: dict[str, str]) -> str:
    if not suffix.startswith(","):
        return suffix
    match = LABEL_RE.match(suffix[1:])
    if not match:
        return suffix
    label = match.group(1)
    lead, after = suffix[:1 + match.start(1)], suffix[1 + match.end(1):]
    if label.lower() in HEADWORD_LABELS and not after.lstrip().startswith("{"):
        headword, comma, rest = after.partition(",")
        return f"{lead}{{{label} {headword.strip()}}}{comma}{rest}"
    if label.lower() in spelling:
        return lead + spelling[label.lower()] + after
    return suffix


def is_known_label(label: str) -> bool:
    return label.lower() in LOCATOR_LABELS


def _markdown(language: str, images: bool = False):
    from markdown_it import MarkdownIt  # deferred: `brief check` only needs the citations

    # The language's marks come from brief.typography's tables, as for the rest of the page.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True,
                                   "quotes": markdown_quotes(language),
                                   "linkify": False})
    md.enable(["replacements", "smartquotes"])
    if images:
        md.add_render_rule("image", _render_image)
    else:
        md.disable(["image"])  # only `text` blocks may show pictures
    md.validateLink = _safe_link
    md.add_render_rule("link_open", _render_link_open)
    if language.split("-")[0].lower() == "ko":
        md.core.ruler.push("keep_korean_words", _keep_korean_words)
    return md


def _render_link_open(renderer, tokens, index, options, env) -> str:
    # A relative path is fine for a picture but is no place for a reader to go: no link.
    token = tokens[index]
    if not (token.attrGet("href") or "").lower().startswith(SAFE_SCHEMES):
        token.attrs.pop("href", None)
    return renderer.renderToken(tokens, index, options, env)


def _render_image(renderer, tokens, index, options, env) -> str:
    """A picture whose file the caller has checked and turned into a data: URL."""
    from markdown_it.common.utils import escapeHtml

    token = tokens[index]
    alt = renderer.renderInlineAsText(token.children, options, env)
    source = env["image_source"](unquote(token.attrGet("src") or ""))
    return f'<img src="{escapeHtml(source)}" alt="{escapeHtml(alt)}">'


@dataclass(frozen=True)
class Image:
    source: str
    alt: str
    offset: int  # where `![` starts in the text


def find_images(text: str) -> list[Image]:
    """The markdown images (`![alt](file.png)`) in a text, for checking before rendering."""
    if "![" not in text:
        return []  # the common case, answered without loading the markdown parser
    md = _md("en", images=True)
    found = []
    search_from = 0
    # Read as render_inline reads it, brief's own markers taken out, so that the file checked
    # is the file embedded.
    for block in md.parseInline(text.translate(PLACEHOLDER_MARKS)):
        for token in block.children or ():
            if token.type == "image":
                alt = "".join(child.content for child in token.children or ())
                offset = max(text.find("![", search_from), 0)
                search_from = offset + 2
                # markdown-it percent-encodes addresses; the file is named as the user wrote it.
                found.append(Image(unquote(token.attrGet("src") or ""), alt.strip(), offset))
    return found


HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
BETWEEN_HANGUL = re.compile(f"(?<=[{HANGUL}])(?=[{HANGUL}])")
WORD_JOINER = "\u2060"
CJK_CHARACTER = re.compile(f"[{HANGUL}\u2e80-\u9fff\uf900-\ufaff]")


def _keep_korean_words(state) -> None:
    """Korean breaks lines between words, never inside one (CSS `word-break: keep-all`).

    The PDF engine breaks between any two Hangul syllables and knows no keep-all, so an
    invisible WORD JOINER goes between the syllables of each word, in text only (never in a
    link's address). brief.typography sets each joined word in a span that does not wrap and
    takes the joiners out.
    """
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = BETWEEN_HANGUL.sub(WORD_JOINER, child.content)


SAFE_SCHEMES = ("http:", "https:", "mailto:", "#")


def _safe_link(url: str) -> bool:
    """Web and mail links, and scheme-less relative paths (checked again before use)."""
    url = url.strip().lower()
    return url.startswith(SAFE_SCHEMES) or not re.match(r"^[a-z][a-z0-9+.\-]*:|^//", url)


_renderers: dict = {}


def _md(language: str, images: bool = False):
    key = (language, images)
    return _renderers.get(key) or _renderers.setdefault(key, _markdown(language, images))


def render_inline(text: str, language: str = "en",
                  citation_html: Callable[[int, Cluster], str] | None = None,
                  notes: bool = False, move_punctuation: bool = False,
                  image_source: Callable[[str], str] | None = None) -> Markup:
    """Inline markdown as safe HTML; each citation is replaced by `citation_html(i, cluster)`.

    With `notes` (note styles) the space before a citation goes, as pandoc does; with
    `move_punctuation` too, a full stop or comma that follows a citation moves before the note
    call (English "asylum.¹"; French keeps "asile¹."). Images are shown only when
    `image_source` is given: it maps the path written to the URL to embed.
    """
    md = _md(language, images=image_source is not None)
    text = text.translate(PLACEHOLDER_MARKS)  # only brief may write its own markers
    clusters = find_citations(text) if citation_html else []
    pieces: list[str] = []
    last = 0
    for index, cluster in enumerate(clusters):
        pieces.append(text[last:cluster.start])
        pieces.append(_placeholder(index, cluster.narrative))
        last = cluster.end
    pieces.append(text[last:])
    marked = "".join(pieces)
    if notes and clusters:
        if move_punctuation:
            marked = re.sub(r"\s*(\ue000\d+\ue001)([.,;:!?]+)", r"\2\1", marked)
        marked = re.sub(r"\s+(\ue000\d+\ue001)", r"\1", marked)
    # The user's markup is made safe before the citations go in: those are pandoc's output,
    # made safe in brief.cite, inside brief's own template (a note's button and popover).
    html = str(safe_html(md.renderInline(marked, {"image_source": image_source})))
    if clusters:
        # The punctuation (or else the word) before a citation travels with it, so that a note
        # call never starts a line.
        html = re.sub(r"([^\s<>\ue000\ue001\ue002]*)([\ue000\ue002])(\d+)\ue001",
                      lambda m: _anchor(m.group(1), citation_html(int(m.group(3)),
                                                                  clusters[int(m.group(3))])),
                      html)
    return Markup(html)


def _anchor(word: str, citation: str) -> str:
    """The note call bound to what precedes it, so that a call never starts a line.

    Only trailing punctuation is bound when there is some, so that the word can still
    hyphenate. Chinese and Japanese have no spaces, so their "word" is a whole clause: only
    its last character is bound. After Hangul or Han the last character goes in with the
    punctuation too: in a justified line the PDF engine opens a gap where the CJK text of one
    inline box meets the Latin full stop of the next.
    """
    punctuation = re.search(r"[^\w&;]*$", word).group(0) if word else ""
    word, bound = (word[: -len(punctuation)], punctuation) if punctuation else (word, "")
    if word and CJK_CHARACTER.match(word[-1]):
        # The last character, with the Korean syllables joined to it (_keep_korean_words).
        last = re.search(f"(?:.{WORD_JOINER})*.$", word).group(0)
        word, bound = word[: -len(last)], last + bound
    elif not punctuation:
        word, bound = "", word
    return f'{word}<span class="cite-anchor">{bound}{citation}</span>' if bound else citation


PLACEHOLDER_MARKS = dict.fromkeys((0xE000, 0xE001, 0xE002))


def _placeholder(index: int, narrative: bool) -> str:
    # Private-use characters: markdown passes them through and users never type them.
    # Narrative citations get another opening mark so that punctuation never moves for them.
    opening = "\ue002" if narrative else "\ue000"
    return f"{opening}{index}\ue001"


def plain_text(text: str, language: str | None = None) -> str:
    """Markdown without its markup and without citations, for PDF metadata and the like; set
    as `language` sets its text when one is given (for a reader), else with the quotation
    marks of English (for matching)."""
    md = _md(language or "en")
    stripped = text
    for cluster in reversed(find_citations(text)):
        stripped = stripped[:cluster.start].rstrip() + stripped[cluster.end:]
    html = md.renderInline(stripped)
    plain = html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip()
    if language is None:
        return plain
    return typeset_text(plain.replace(WORD_JOINER, ""), language, joiners=False)
