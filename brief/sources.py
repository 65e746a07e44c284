"""Sources from reference managers: Zotero's CSL-JSON, BibTeX/BibLaTeX and RIS to CSL-YAML,
printed or appended to a brief; and where a brief cites each of its sources.

Appending edits the brief as text, after the last item of its `sources:` list, so that the
user's comments, order and formatting stay exactly as written.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from brief.diagnostics import BriefError, Location, display_path, error, location_at
from brief.limits import LIMITS, read_limited
from brief.load import LoadedBrief, load_brief
from brief.markup import KEY
from brief.numbers import whole_number
from brief.source_files import bibtex_to_csl
from brief.yaml_positions import SourceMap, read_yaml_file

IMPORT_SUFFIXES = (".json", ".bib", ".bibtex", ".ris")
KEY_RE = re.compile(rf"^{KEY}$")

# RIS reference types and the CSL types that say the same; anything else is a "document".
RIS_TYPES = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "MGZN": "article-magazine", "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book",
    "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter", "RPRT": "report",
    "GOVDOC": "report", "THES": "thesis", "CONF": "paper-conference",
    "CPAPER": "paper-conference", "ELEC": "webpage", "WEB": "webpage", "BLOG": "post-weblog",
    "HEAR": "hearing", "STAT": "legislation", "BILL": "bill", "CASE": "legal_case",
    "PAT": "patent", "MAP": "map", "DATA": "dataset", "COMP": "software",
    "ENCYC": "entry-encyclopedia", "DICT": "entry-dictionary", "PCOMM": "personal_communication",
    "INTV": "interview", "MPCT": "motion_picture", "VIDEO": "motion_picture", "SOUND": "song",
    "UNPB": "manuscript", "MANSCPT": "manuscript", "PAMP": "pamphlet", "STAND": "standard",
    "GEN": "document",
}
# Order of keys in the YAML written, as people read a reference; other keys follow.
KEY_ORDER = (
    "id", "type", "author", "editor", "title", "title-short", "container-title",
    "collection-title", "edition", "volume", "issue", "page", "number", "genre", "publisher",
    "publisher-place", "event-place", "issued", "accessed", "DOI", "ISBN", "ISSN", "URL",
    "file",
)
NAME_KEYS = ("author", "editor", "translator", "container-author", "collection-editor")
NUMBER_KEYS = ("volume", "issue", "edition")
DATE_KEYS = ("issued", "accessed", "event-date", "original-date", "submitted")


# --- reading ---------------------------------------------------------------------------------

def read_references(path: Path) -> list[dict[str, Any]]:
    """The CSL items of a reference manager's export, by the file's ending."""
    shown = display_path(path)
    at = Location(shown)
    suffix = path.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise BriefError([error(at, f"cannot import `{path.name}`",
                                "import .json (CSL-JSON, as Zotero exports it), .bib (BibTeX "
                                "or BibLaTeX) or .ris files")])
    data = read_limited(path, shown, at, "a file to import", LIMITS.file_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise BriefError([error(at, f"cannot read {shown}: {failure}")]) from None
    where = SourceMap(shown)
    if suffix == ".json":
        items, where = _csl_json(text, path, shown)
    elif suffix == ".ris":
        items = ris_to_csl(text, shown)
    else:
        items = bibtex_to_csl(text, shown)
    return checked_sources(with_citable_ids(items), where)


def _csl_json(text: str, path: Path, shown: str) -> tuple[list[dict[str, Any]], SourceMap]:
    """The items of a CSL-JSON file, and where each value stands in it."""
    try:
        json.loads(text)  # only to report a syntax error in JSON's own words
    except json.JSONDecodeError as failure:
        raise BriefError([error(Location(shown, failure.lineno, failure.colno),
                                f"not valid JSON: {failure.msg}")]) from None
    except (RecursionError, ValueError):
        pass  # nested too deep, or a number too long: the reader below says where
    # Read as a brief's own sources files are: the same limits, positions for every value.
    items, where = read_yaml_file(path)
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]
        where = SourceMap(shown, {node[1:]: at for node, at in where.values.items()
                                  if node[:1] == ("items",)},
                          {node[1:]: at for node, at in where.keys.items()
                           if node[:1] == ("items",)}, where.texts)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BriefError([error(Location(shown), "a CSL-JSON file holds a list of items",
                                "in Zotero: File → Export Library… → CSL JSON")])
    return items, where


def checked_sources(items: list[dict[str, Any]], where: SourceMap) -> list[dict[str, Any]]:
    """The items as a brief would read them (names and dates in the form pandoc reads), or
    every problem at its place in the file, so that what is imported also builds."""
    from pydantic import TypeAdapter, ValidationError

    from brief.validation import validation_diagnostic
    from brief.model import Source

    try:
        sources = TypeAdapter(list[Source]).validate_python(items)
    except ValidationError as failure:
        raise BriefError([validation_diagnostic(problem, items, where)
                          for problem in failure.errors()]) from None
    return [source.model_dump(by_alias=True, exclude_none=True) for source in sources]


def ris_to_csl(text: str, shown: str) -> list[dict[str, Any]]:
    """Map RIS records to CSL ourselves: pandoc's RIS reader loses dates and places."""
    import rispy

    try:
        records = rispy.loads(text)
    except Exception as failure:  # rispy raises bare IOError/ValueError for malformed files
        raise BriefError([error(Location(shown), f"not a readable RIS file: {failure}",
                                "each record starts with `TY  - ` and ends with `ER  - `")]) \
            from None
    if not records:
        raise BriefError([error(Location(shown), "no RIS records could be read from this file",
                                "each record starts with `TY  - ` and ends with `ER  - `")])
    return [_ris_item(record) for record in records]


def _ris_item(record: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"type": RIS_TYPES.get(record.get("type_of_reference", ""),
                                                  "document")}
    if record.get("id"):
        item["id"] = str(record["id"]).strip()
    unknown = record.get("unknown_tag") or {}
    names = {"author": (record.get("authors") or []) + (record.get("first_authors") or []),
             "editor": (record.get("secondary_authors") or []) + (unknown.get("ED") or [])}
    for key, value in names.items():
        if value:
            item[key] = [_ris_name(name) for name in value]
    title = record.get("title") or record.get("primary_title")
    if title:
        item["title"] = title
    if record.get("short_title"):
        item["title-short"] = record["short_title"]
    container = (record.get("secondary_title") or record.get("journal_name")
                 or record.get("alternate_title3") or record.get("alternate_title2"))
    if container:
        item["container-title"] = container
    for ris, csl in (("volume", "volume"), ("number", "issue"), ("edition", "edition"),
                     ("publisher", "publisher"), ("place_published", "publisher-place"),
                     ("doi", "DOI"), ("abstract", "abstract"), ("language", "language")):
        if record.get(ris):
            item[csl] = str(record[ris]).strip()
    if item["type"] in ("report", "bill", "legislation") and "issue" in item:
        item["number"] = item.pop("issue")  # a report's or a law's number, not an issue
    if record.get("issn"):
        item["ISBN" if item["type"] in ("book", "chapter") else "ISSN"] = record["issn"]
    pages = "-".join(str(record[k]).strip() for k in ("start_page", "end_page") if record.get(k))
    if pages:
        item["page"] = pages
    urls = record.get("urls") or []
    if urls:
        item["URL"] = urls[0]
    issued = _ris_date(record.get("date")) or _ris_date(record.get("year")) \
        or _ris_date(record.get("publication_year"))
    if issued:
        item["issued"] = issued
    accessed = _ris_date(record.get("access_date"))
    if accessed:
        item["accessed"] = accessed
    return item


def _ris_name(name: str) -> dict[str, str]:
    family, comma, given = name.partition(",")
    if comma:
        return {"family": family.strip(), "given": given.strip().rstrip(",")}
    return {"literal": name.strip()}


def _ris_date(value: Any) -> dict[str, Any] | None:
    """RIS writes `2015`, `2015/03/05/` or `2015/03//other`; CSL wants date-parts."""
    if not value:
        return None
    parts = re.split(r"[/\-]", str(value).strip())
    numbers = []
    for part in parts[:3]:
        number = whole_number(part)
        if number is None:
            break
        numbers.append(number)
    if not numbers or numbers[0] < 1000:
        return None
    return {"date-parts": [numbers]}


def with_citable_ids(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every item an id that pandoc can cite: its `citation-key` (Zotero 7 and Better
    BibTeX write one), its own id, or one made from author and year (`song2015`, `hrw2018`).

    Zotero's CSL-JSON ids are often item URLs, which no `[@…]` can reach.
    """
    items = [with_citation_key(item) for item in items]
    taken = {str(item["id"]) for item in items if KEY_RE.match(str(item.get("id", "")))}
    result = []
    for item in items:
        if not KEY_RE.match(str(item.get("id", ""))):
            base = made_id(item)
            candidate, suffix = base, ord("a")
            while candidate in taken:
                candidate, suffix = f"{base}{chr(suffix)}", suffix + 1
            taken.add(candidate)
            item = {**item, "id": candidate}
        result.append(item)
    return result


def with_citation_key(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its `citation-key` as its id, when it has a citable one."""
    key = item.get("citation-key")
    if isinstance(key, str) and KEY_RE.match(key.strip()):
        return {**{k: v for k, v in item.items() if k != "citation-key"}, "id": key.strip()}
    return item


# Words left out of an organisation's initials and never taken as its id.
MINOR_WORDS = {"a", "an", "and", "at", "de", "des", "du", "for", "in", "la", "le", "les", "of",
               "on", "the", "to", "und", "von", "y"}


def made_id(item: dict[str, Any]) -> str:
    """An id from the first author (or editor) and the year: `song2015`; an organisation
    gives its acronym (`hrw2018`, `ohchr2018`) or its one significant word (`amnesty2019`).
    Made before the items are checked: any value may be of any kind here."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    family, literal = first.get("family"), first.get("literal")
    if isinstance(family, int) and not isinstance(family, bool):
        family = str(family)  # imported as text, as pandoc wants it
    if isinstance(family, str) and family.strip():
        words = _ascii(family).split()
        word = words[0] if words else ""
    elif isinstance(literal, str) and literal.strip():
        word = _organisation_word(_ascii(literal))
    else:
        title = [w for w in re.findall(r"[A-Za-z]+", _ascii(str(item.get("title") or "")))
                 if w.lower() not in MINOR_WORDS]
        word = title[0] if title else ""
    word = re.sub(r"[^a-z0-9]", "", word.lower()) or "source"
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    year = parts[0][0] if isinstance(parts, list) and parts and isinstance(parts[0], list) \
        and parts[0] else None
    year = str(year) if isinstance(year, (int, str)) and not isinstance(year, bool) else ""
    return f"{word}{year}" if re.fullmatch(r"\d{1,4}", year) else word


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _organisation_word(name: str) -> str:
    """`Human Rights Watch` -> hrw; `UN Human Rights Council` -> unhrc; `Office of the High
    Commissioner for Human Rights (OHCHR)` -> ohchr; `Amnesty International` -> amnesty."""
    written = re.search(r"\(([A-Za-z]{2,})\)", name)
    if written:
        return written.group(1)
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in MINOR_WORDS]
    if len(words) >= 3:
        return "".join(w if w.isupper() and len(w) > 1 else w[0] for w in words)
    return words[0] if words else ""


# --- writing ---------------------------------------------------------------------------------

def csl_yaml(items: Iterable[dict[str, Any]]) -> str:
    """CSL items as the YAML list a brief's `sources:` holds, names and dates compact."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # [{literal: …}], not [literal: …]
    document = CommentedSeq(_yaml_item(item) for item in items)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _yaml_item(item: dict[str, Any]) -> CommentedMap:
    ordered = sorted(item, key=lambda k: (KEY_ORDER.index(k) if k in KEY_ORDER
                                          else len(KEY_ORDER), k))
    result = CommentedMap()
    for key in ordered:
        value = item[key]
        if value in (None, "", [], {}):
            continue
        if key in NAME_KEYS and isinstance(value, list):
            names = CommentedSeq(_flow(CommentedMap(name)) if isinstance(name, dict) else name
                                 for name in value)
            value = _flow(names) if len(value) <= 2 else names
        elif key in DATE_KEYS:
            value = _short_date(value)
        elif key in NUMBER_KEYS and whole_number(value) is not None \
                and str(whole_number(value)) == value:
            value = whole_number(value)  # `volume: 2`, as people write it
        result[key] = value
    return result


def _flow(node):
    node.fa.set_flow_style()
    return node


def _short_date(value: Any) -> Any:
    """`{date-parts: [[2015, 3, 5]]}` as 2015-03-05, which the brief format also accepts."""
    if isinstance(value, dict) and set(value) == {"date-parts"}:
        parts = value["date-parts"]
        if len(parts) == 1 and parts[0]:
            numbers = [whole_number(p) for p in parts[0]]
            if None in numbers:
                return value
            return numbers[0] if len(numbers) == 1 else "-".join(
                [f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:]])
        return _flow(CommentedMap({"date-parts": _flow(CommentedSeq(
            _flow(CommentedSeq(p)) for p in parts))}))
    return value


# --- appending to a brief ----------------------------------------------------------------------

def append_sources(brief_path: Path, items: list[dict[str, Any]], origin: str) -> str:
    """The brief's text with `items` added after the last item of its `sources:` list.

    Refuses ids the brief already has (in the file or in its sources files), and lists that
    are not written one item per line, which cannot be extended without rewriting them.
    """
    loaded = load_brief(brief_path)
    existing = {}
    for index, source in enumerate(loaded.brief.sources):
        existing.setdefault(source.id, loaded.where.value(("sources", index, "id")))
    clashes = [error(existing[item["id"]],
                     f"source `{item['id']}` from {origin} is already in the brief",
                     f"remove it from {origin} or give it another id, then import again")
               for item in items if item["id"] in existing]
    if clashes:
        raise BriefError(clashes)
    items = [_copy_beside(item, loaded.folder) for item in items]
    text = loaded.where.texts[loaded.where.brief_file]
    tree = YAML(typ="rt", pure=True).load(text)
    key_line, key_column = tree.lc.key("sources")
    value = tree["sources"]
    if not isinstance(value, CommentedSeq) or value.fa.flow_style() or not value:
        raise BriefError([error(
            Location(loaded.where.brief_file, key_line + 1, key_column + 1),
            "`sources` is not a list written one item per line",
            "write it as `sources:` followed by lines that start with `- `, then import again")])
    lines = text.splitlines(keepends=True)
    first_line, first_column = value.lc.item(0)
    dash = lines[first_line][:first_column].rstrip()
    indent = len(dash) - 1 if dash.endswith("-") else first_column
    later_keys = [tree.lc.key(k)[0] for k in tree if tree.lc.key(k)[0] > key_line]
    end = min(later_keys, default=len(lines))
    last = end
    while last > key_line + 1 and (not lines[last - 1].strip()
                                   or lines[last - 1].startswith("#")):
        last -= 1
    addition = "".join(" " * indent + line if line.strip() else line
                       for line in csl_yaml(items).splitlines(keepends=True))
    head = "".join(lines[:last])
    if head and not head.endswith("\n"):
        head += "\n"
    result = head + addition + "".join(lines[last:])
    if not _only_added(text, result, csl_yaml(items)):
        # Located by newlines, as editors count lines (YAML counts U+2028 as one too).
        key = re.search(r"^sources[ \t]*:", text, re.M)
        raise BriefError([error(
            location_at(loaded.where.brief_file, text, key.start()) if key
            else loaded.where.key(("sources",)),
            f"the sources from {origin} cannot be added to this brief without changing the "
            "rest of it; nothing was written",
            "this happens after a `...` or `---` line, or with unusual line breaks; run `brief "
            f"sources import {origin}` and paste what it prints under `sources:`")])
    return result


def _only_added(before: str, after: str, addition: str) -> bool:
    """Whether `after`, read back, is `before` with `addition` at the end of its sources and
    nothing else changed: what the text edit above meant, checked rather than trusted."""
    import yaml

    from brief.yaml_positions import YAML_LOADER

    try:
        old, new, added = (yaml.load(text, Loader=YAML_LOADER)
                           for text in (before, after, addition))
    except yaml.YAMLError:
        return False
    if not (isinstance(old, dict) and isinstance(new, dict) and isinstance(added, list)):
        return False
    return new.get("sources") == old["sources"] + added and \
        {k: v for k, v in new.items() if k != "sources"} == \
        {k: v for k, v in old.items() if k != "sources"}


def _copy_beside(item: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A reference manager's full path to a copy in the brief's folder, made relative to it,
    as the brief needs it; any other path is kept for `brief check` to report."""
    written = item.get("file")
    if not isinstance(written, str) or not Path(written).is_absolute():
        return item
    try:
        return {**item, "file": Path(written).resolve().relative_to(folder.resolve()).as_posix()}
    except ValueError:
        return item


# --- where sources are cited -------------------------------------------------------------------

@dataclass(frozen=True)
class SourceUse:
    id: str
    defined: Location
    cited_at: tuple[Location, ...]


def source_uses(loaded: LoadedBrief) -> list[SourceUse]:
    """Each source of the brief, in order, with where it is cited."""
    brief, where = loaded.brief, loaded.where
    cited: dict[str, list[Location]] = {}
    for path, text, _, cluster in brief.citations():
        for item in cluster.items:
            cited.setdefault(item.key, []).append(where.citation(path, text, item.offset))
    return [SourceUse(source.id, where.value(("sources", index, "id")),
                      tuple(cited.get(source.id, ())))
            for index, source in enumerate(brief.sources)]
