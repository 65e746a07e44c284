"""Translation catalogs of a brief: gettext PO (`STEM.fr.po`) and XLIFF 1.2 (`STEM.fr.xlf`),
read with the position of every translation, written, and merged as gettext's msgmerge merges.

A catalog may come from a stranger (an agency, a volunteer), so it is read like every other
file a brief names: by the one limited reader, within the size limit, and an XLIFF file may
declare no DOCTYPE or entities (the way in for entity expansion). Anything malformed is an
error at its line and column.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from brief.diagnostics import BriefError, Location, error, location_at
from brief.limits import LIMITS, read_limited

FORMATS = {"po": ".po", "xliff": ".xlf"}
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
LINE_RE = re.compile(r"\(line (\d+)\)")
XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
# XLIFF states that ask a translator to look again: a translation to review ("fuzzy").
TO_REVIEW = {"needs-review-translation", "needs-adaptation", "needs-l10n",
             "needs-review-l10n", "needs-review-adaptation"}
SIMILAR_ENOUGH = 80  # rapidfuzz ratio above which an old translation is offered for review
EDITOR_HINT = "open it in a catalog editor (Poedit, Weblate), which shows and repairs mistakes"


@dataclass
class Entry:
    """One text of the master and its translation."""

    key: str  # msgctxt: stable while the brief's ids are ("border-protocol.claim")
    text: str  # msgid: the master's text, markdown and citations as written
    translation: str = ""  # msgstr; empty: not translated
    comment: str = ""  # for the translator: what the text is
    reference: str = ""  # where the master's text is: "briefs/b.yaml:12"
    fuzzy: bool = False  # to review: the master's text changed since it was translated
    previous: str | None = None  # the master's text the translation was made for
    translator_comment: str = ""  # the translator's own notes: always kept
    at: Location | None = None  # read from a file: where the translation starts


@dataclass
class Catalog:
    language: str
    entries: list[Entry]
    obsolete: list[Entry] = field(default_factory=list)
    source_language: str = "en"
    header: dict[str, str] = field(default_factory=dict)  # what a PO editor added is kept
    shown: str = ""  # the file as messages name it
    text: str = ""  # the file's text, to locate words inside a translation
    at: Location | None = None  # where the file says its language


@dataclass
class Counts:
    new: int = 0
    kept: int = 0
    fuzzy: int = 0
    obsolete: int = 0

    def describe(self) -> str:
        parts = [f"{self.new} new", f"{self.kept} kept"]
        if self.fuzzy:
            parts.append(f"{self.fuzzy} to review (fuzzy)")
        if self.obsolete:
            parts.append(f"{self.obsolete} obsolete")
        return ", ".join(parts)


def catalog_path(brief: Path, language: str, format: str | None = None) -> Path:
    """`STEM.LANG.po` (or `.xlf`) beside the brief; without a format, the one that exists."""
    if format is not None:
        return brief.with_name(f"{brief.stem}.{language}{FORMATS[format]}")
    found = catalogs_beside(brief)
    same = next((path for tag, path in found.items() if tag.lower() == language.lower()), None)
    return same or brief.with_name(f"{brief.stem}.{language}.po")


def catalogs_beside(brief: Path) -> dict[str, Path]:
    """Every catalog beside a master brief, by language; a PO catalog before an XLIFF one."""
    found: dict[str, Path] = {}
    for suffix in (".po", ".xlf"):
        for path in sorted(brief.parent.glob(f"{_glob_escaped(brief.stem)}.*{suffix}")):
            language = path.name[len(brief.stem) + 1:-len(suffix)]
            if LANGUAGE_RE.fullmatch(language) and path.is_file():
                found.setdefault(language, path)
    return dict(sorted(found.items()))


def _glob_escaped(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# -- reading


def read_catalog(path: Path, shown: str) -> Catalog:
    """The catalog at `path`, each translation with its position; BriefError if malformed."""
    raw = read_limited(path, shown, Location(shown), "a translation catalog", LIMITS.file_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise BriefError([error(location_at(shown, raw, failure.start),
                                "the catalog is not UTF-8 text",
                                "save it as UTF-8 (Poedit and Weblate do so by default)")]) from None
    if "\x00" in text:
        raise BriefError([error(location_at(shown, text, text.index("\x00")),
                                "the catalog contains a NUL character",
                                "this is not a text file, or it is damaged")])
    named = path.name[:-len(path.suffix)].rsplit(".", 1)[-1]
    catalog = _read_xliff(text, shown) if path.suffix == ".xlf" else _read_po(text, shown)
    catalog.shown, catalog.text = shown, text
    if not catalog.language:
        catalog.language = named
    elif catalog.language.replace("_", "-").lower() != named.replace("_", "-").lower() \
            and LANGUAGE_RE.fullmatch(named):
        raise BriefError([error(catalog.at or Location(shown), f"the catalog says its "
                                f"language is {catalog.language}, but its name says {named}",
                                f"rename the file, or correct its language")])
    catalog.language = catalog.language.replace("_", "-")
    return catalog


# A line of a PO file that is not a comment: a keyword and a quoted string, or a string
# that continues the one above; each string closed on its own line, as gettext requires.
PO_LINE_RE = re.compile(r'\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?'
                        r'"(?:[^"\\]|\\.)*"\s*')


def _check_po_lines(text: str, shown: str) -> None:
    """gettext's syntax, line by line: polib lets an unclosed string pass as if closed."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or PO_LINE_RE.fullmatch(line):
            continue
        unclosed = '"' in line and not line.rstrip().endswith('"')
        problem = ("a string is not closed: it needs a `\"` at the end of the line" if unclosed
                   else "a `\"` inside the text must be written `\\\"`" if line.count('"') > 2
                   else "this line is neither a comment, a keyword with its text, nor text "
                   "continuing the line above")
        raise BriefError([error(Location(shown, number, len(line.rstrip()) + 1 if unclosed
                                         else len(line) - len(line.lstrip()) + 1),
                                f"the catalog is not a valid PO file: {problem}",
                                EDITOR_HINT)])


def _read_po(text: str, shown: str) -> Catalog:
    import polib

    _check_po_lines(text, shown)
    try:
        po = polib.pofile(text, wrapwidth=79)
    except Exception as failure:  # noqa: BLE001 - polib says syntax errors in many ways
        found = LINE_RE.search(str(failure))
        line = int(found.group(1)) if found else 1
        detail = str(failure).split("): ", 1)[1] if "): " in str(failure) else ""
        raise BriefError([error(Location(shown, line, 1), "the catalog is not a valid PO file"
                                + (f": {detail}" if detail else ""), EDITOR_HINT)]) from None
    lines = text.splitlines()
    said = next(((number, line.find("Language:") + 1) for number, line in enumerate(lines, 1)
                 if '"Language:' in line or line.startswith("msgstr") and "Language:" in line),
                (1, 1))
    catalog = Catalog(po.metadata.get("Language", "").strip(), [],
                      source_language=po.metadata.get("X-Source-Language", "en"),
                      header=dict(po.metadata), at=Location(shown, *said))
    charset = re.search(r"charset=([\w-]+)", po.metadata.get("Content-Type", ""))
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "charset"):
        raise BriefError([error(catalog.at, f"the catalog declares the {charset.group(1)} "
                                "character set; brief reads UTF-8 catalogs",
                                "save it as UTF-8 and set `charset=UTF-8` in its header")])
    seen: dict[tuple, int] = {}
    for entry in (entry for entry in po if not entry.obsolete):
        at = _msgstr_position(lines, entry.linenum, shown)
        if entry.msgid_plural:
            raise BriefError([error(at, "a brief's catalog has no plural forms",
                                    "write this entry with one msgstr, as brief wrote it")])
        identity = (entry.msgctxt, entry.msgid)
        if identity in seen:
            raise BriefError([error(at, f"the entry `{entry.msgctxt}` is in the catalog twice "
                                    f"(first at line {seen[identity]})",
                                    "keep one of them")])
        seen[identity] = at.line
        catalog.entries.append(_from_po(entry, at))
    catalog.obsolete = [_from_po(entry, None) for entry in po.obsolete_entries()]
    return catalog


def _from_po(entry, at: Location | None) -> Entry:
    return Entry(entry.msgctxt or "", entry.msgid, entry.msgstr, comment=entry.comment or "",
                 reference=" ".join(f"{file}:{line}" if line else file
                                    for file, line in entry.occurrences),
                 fuzzy="fuzzy" in entry.flags, previous=entry.previous_msgid,
                 translator_comment=entry.tcomment or "", at=at)


def _msgstr_position(lines: list[str], start: int | None, shown: str) -> Location:
    """Where an entry's translation starts: the first character inside the quotes of its
    msgstr, or of the first line continuing an empty `msgstr ""`."""
    number = max((start or 1) - 1, 0)
    while number < len(lines) and not lines[number].startswith("msgstr"):
        number += 1
    if number >= len(lines):
        return Location(shown, start or 1, 1)
    line = lines[number]
    opening = line.find('"')
    if line[opening:].strip() == '""' and number + 1 < len(lines) \
            and lines[number + 1].lstrip().startswith('"'):
        following = lines[number + 1]
        return Location(shown, number + 2, following.find('"') + 2)
    if line[opening:].strip() == '""':
        return Location(shown, number + 1, 1)
    return Location(shown, number + 1, opening + 2)


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _read_xliff(text: str, shown: str) -> Catalog:
    """An XLIFF 1.2 file, read with expat for positions; no DOCTYPE, no entities."""
    parser = expat.ParserCreate(namespace_separator=" ")
    catalog = Catalog("", [])
    state: dict = {"unit": None, "part": None, "text": [], "depth": 0, "obsolete": False,
                   "context": None, "alt": False, "note_from": None}

    def position() -> Location:
        return Location(shown, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def refuse_declarations(*_args) -> None:
        raise _Refused("a catalog may not declare a DOCTYPE or entities")

    def start(name: str, attributes: dict) -> None:
        state["depth"] += 1
        if state["depth"] > 20:
            raise _Refused("the catalog's elements are nested too deeply")
        local = name.rsplit(" ", 1)[-1]
        if local == "file":
            catalog.language = attributes.get("target-language", "")
            catalog.source_language = attributes.get("source-language", "en")
            catalog.at = position()
        elif local == "group" and attributes.get("id") == "obsolete":
            state["obsolete"] = True
        elif local == "trans-unit":
            state["unit"] = Entry(attributes.get("id", ""), "", at=position())
        elif local == "xliff" and attributes.get("version", "1.2") != "1.2":
            raise _Refused(f"this is an XLIFF {attributes.get('version')} catalog; brief reads "
                           "and writes XLIFF 1.2")
        elif local == "alt-trans":
            state["alt"] = True
        elif state["unit"] is not None and local in ("source", "target", "note", "context"):
            state["part"], state["text"] = local, []
            if local == "target":
                unit = state["unit"]
                if not state["alt"]:
                    # A target typed but left `new` is a translation not confirmed: to review.
                    unit.fuzzy = attributes.get("state") in TO_REVIEW | {"new"}
                    # The translation starts where the start tag ends: expat reports the next
                    # character data's position, so the tag's end is found in the text.
                    state["target_at"] = position()
            elif local == "note":
                state["note_from"] = attributes.get("from", "developer")
            elif local == "context":
                state["context"] = attributes.get("context-type")

    def characters(data: str) -> None:
        if state["part"] is not None:
            state["text"].append(data)

    def end(name: str) -> None:
        state["depth"] -= 1
        local = name.rsplit(" ", 1)[-1]
        unit: Entry | None = state["unit"]
        words = "".join(state["text"])
        if local == "group" and state["obsolete"]:
            state["obsolete"] = False
        elif local == "alt-trans":
            state["alt"] = False
        elif unit is not None and local == state["part"]:
            state["part"] = None
            if local == "source":
                if state["alt"]:
                    unit.previous = words
                else:
                    unit.text = words
            elif local == "target" and not state["alt"]:
                unit.translation = words
                unit.at = _after_start_tag(text, state["target_at"], shown)
            elif local == "note":
                if state["note_from"] == "translator":
                    unit.translator_comment = words
                else:
                    unit.comment = words
            elif local == "context":
                if state["context"] == "sourcefile":
                    unit.reference = words
                elif state["context"] == "linenumber" and unit.reference:
                    unit.reference += f":{words}"
        elif local == "trans-unit" and unit is not None:
            (catalog.obsolete if state["obsolete"] else catalog.entries).append(unit)
            state["unit"] = None

    parser.StartDoctypeDeclHandler = refuse_declarations
    parser.EntityDeclHandler = refuse_declarations
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.buffer_text = True
    try:
        parser.Parse(text, True)
    except _Refused as refused:
        raise BriefError([error(position(), refused.message,
                                "export the catalog as XLIFF 1.2 from your translation tool, "
                                "or let `brief translate --format xliff` write it")]) from None
    except expat.ExpatError as failure:
        raise BriefError([error(Location(shown, failure.lineno, failure.offset + 1),
                                f"the catalog is not well-formed XML: "
                                f"{expat.ErrorString(failure.code)}",
                                "in the text, write & as &amp; and < as &lt;; every <target> "
                                "needs its </target> (the mistake may be on a line above)"
                                )]) from None
    if catalog.at is None:
        raise BriefError([error(Location(shown), "this is not an XLIFF catalog: it has no "
                                "<file> element", "give the .xlf file brief translate wrote")])
    return catalog


def _after_start_tag(text: str, tag_at: Location, shown: str) -> Location:
    """The position just after the start tag found at `tag_at` (its `>`)."""
    lines = text.split("\n")
    line, column = tag_at.line - 1, tag_at.column - 1
    while line < len(lines):
        found = lines[line].find(">", column)
        if found >= 0:
            return Location(shown, line + 1, found + 2)
        line, column = line + 1, 0
    return tag_at


# -- writing


def catalog_bytes(catalog: Catalog, format: str, project: str) -> bytes:
    """The catalog as a PO or XLIFF 1.2 file; `project` names the master brief."""
    return (_po_text(catalog, project) if format == "po"
            else _xliff_text(catalog, project)).encode("utf-8")


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
              else dt.datetime.now(dt.timezone.utc))
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _po_text(catalog: Catalog, project: str) -> str:
    import polib

    po = polib.POFile(wrapwidth=79)
    po.header = (f"Translation of {project} into {catalog.language}, written by `brief "
                 "translate`.\nEdit it in a PO editor (Poedit, Weblate, Lokalise); run `brief "
                 "translate` again after the brief changes.")
    po.metadata = {
        "Project-Id-Version": project,
        "POT-Creation-Date": _now(),
        "PO-Revision-Date": _now(),
        **catalog.header,  # what the translator's editor wrote stays
        "Language": catalog.language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": "brief",
        "X-Source-Language": catalog.source_language,
    }
    for entry in catalog.entries:
        po.append(_to_po(entry, obsolete=False))
    for entry in catalog.obsolete:
        po.append(_to_po(entry, obsolete=True))
    return str(po) + "\n"


def _to_po(entry: Entry, obsolete: bool):
    import polib

    file, _, line = entry.reference.rpartition(":")
    return polib.POEntry(
        msgctxt=entry.key, msgid=entry.text, msgstr=entry.translation,
        comment=entry.comment or None, tcomment=entry.translator_comment or None,
        occurrences=[(file, line)] if entry.reference and not obsolete else [],
        flags=["fuzzy"] if entry.fuzzy and not obsolete else [],
        previous_msgid=entry.previous if entry.fuzzy and not obsolete else None,
        obsolete=obsolete)


def _xliff_text(catalog: Catalog, project: str) -> str:
    ElementTree.register_namespace("", XLIFF)
    root = ElementTree.Element(f"{{{XLIFF}}}xliff", version="1.2")
    file = ElementTree.SubElement(root, f"{{{XLIFF}}}file", {
        "original": project, "source-language": catalog.source_language,
        "target-language": catalog.language, "datatype": "plaintext"})
    body = ElementTree.SubElement(file, f"{{{XLIFF}}}body")
    for entry in catalog.entries:
        _xliff_unit(body, entry)
    if catalog.obsolete:
        group = ElementTree.SubElement(body, f"{{{XLIFF}}}group",
                                       {"id": "obsolete", "translate": "no"})
        for entry in catalog.obsolete:
            _xliff_unit(group, entry)
    # Only elements with children are indented: the whitespace of source, target and note,
    # which have none, is content and stays as it is.
    ElementTree.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ElementTree.tostring(root, encoding="unicode") + "\n")


def _xliff_unit(parent, entry: Entry) -> None:
    def child(into, tag: str, text: str | None = None, **attributes):
        element = ElementTree.SubElement(into, f"{{{XLIFF}}}{tag}", attributes)
        element.text = text
        return element

    unit = child(parent, "trans-unit", id=entry.key,
                 **{"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    child(unit, "source", entry.text)
    state = ("new" if not entry.translation else
             "needs-review-translation" if entry.fuzzy else "translated")
    child(unit, "target", entry.translation or None, state=state)
    if entry.fuzzy and entry.previous is not None:
        alternative = child(unit, "alt-trans")
        child(alternative, "source", entry.previous)
    if entry.comment:
        child(unit, "note", entry.comment, **{"from": "developer"})
    if entry.translator_comment:
        child(unit, "note", entry.translator_comment, **{"from": "translator"})
    if entry.reference:
        file, _, line = entry.reference.rpartition(":")
        group = child(unit, "context-group", purpose="location")
        child(group, "context", file or entry.reference, **{"context-type": "sourcefile"})
        if file:
            child(group, "context", line, **{"context-type": "linenumber"})


# -- merging


def merge(master: list[Entry], old: Catalog | None, language: str) -> tuple[Catalog, Counts]:
    """The master's entries with every translation the old catalog has for them, as msgmerge
    merges: the same text keeps its translation (also under another key); a changed text keeps
    its old translation marked fuzzy, with the text it was made for; a new text is empty; a
    translation no text uses any more is kept as obsolete. Nothing a translator wrote is lost.
    """
    from rapidfuzz import fuzz

    counts = Counts()
    if old is None:
        old = Catalog(language, [])
    candidates = [*old.entries, *old.obsolete]
    used: set[int] = set()
    by_identity = {(entry.key, entry.text): index for index, entry in enumerate(candidates)}
    by_text: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for index, entry in enumerate(candidates):
        by_text.setdefault(entry.text, []).append(index)
        by_key.setdefault(entry.key, []).append(index)

    def unused(indexes: list[int]) -> int | None:
        return next((index for index in indexes if index not in used), None)

    # First every text found as it was (under its key, or moved), then the changed ones:
    # a text that moved is never taken as the changed version of another.
    merged = [Entry(entry.key, entry.text, comment=entry.comment, reference=entry.reference)
              for entry in master]
    changed = []
    for new in merged:
        found = by_identity.get((new.key, new.text))
        same = found if found is not None and found not in used else unused(
            by_text.get(new.text, []))
        if same is None:
            changed.append(new)
            continue
        used.add(same)
        before = candidates[same]
        new.translation, new.fuzzy = before.translation, before.fuzzy
        new.previous, new.translator_comment = before.previous, before.translator_comment
        counts.kept += 1
    for new in changed:
        earlier = unused([i for i in by_key.get(new.key, []) if candidates[i].translation])
        if earlier is None:
            earlier = _most_similar(new.text, candidates, used, fuzz.ratio)
        if earlier is None:
            counts.new += 1
            continue
        used.add(earlier)
        before = candidates[earlier]
        new.translation, new.fuzzy = before.translation, True
        # What the translator last saw: the text of an entry that was already to review.
        new.previous = before.previous if before.fuzzy and before.previous else before.text
        new.translator_comment = before.translator_comment
        counts.fuzzy += 1
    obsolete = [entry for index, entry in enumerate(candidates)
                if index not in used and entry.translation]
    counts.obsolete = sum(1 for index, entry in enumerate(old.entries)
                          if index not in used and entry.translation)
    return Catalog(language, merged, obsolete, old.source_language, dict(old.header)), counts


def _most_similar(text: str, candidates: list[Entry], used: set[int], ratio) -> int | None:
    best, chosen = SIMILAR_ENOUGH, None
    for index, entry in enumerate(candidates):
        if index in used or not entry.translation:
            continue
        score = ratio(text, entry.text)
        if score >= best:
            best, chosen = score, index
    return chosen
