"""The sources files a brief names in `sources` (CSL-JSON, CSL-YAML, BibTeX), read as CSL items.

Each file's items take the place of its name in the list, with the line and column where each
was written, so that a mistake in a sources file is reported there and not in the brief. pandoc
converts BibTeX; entries that inherit from themselves are refused before it runs, as pandoc would
loop on them until the memory runs out. Here too is the check that a file a brief (or brand file)
names stays inside its folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    display_path,
    error,
    location_at,
    shorten,
)
from brief.markup import KEY as CITATION_KEY
from brief.yaml_positions import (
    CONTROL_RE,
    SourceMap,
    control_character_error,
    read_text,
    read_yaml,
)

SOURCE_FILE_SUFFIXES = (".json", ".yaml", ".yml", ".bib", ".bibtex")
CITATION_KEY_RE = re.compile(CITATION_KEY)


def expand_sources(value: Any, folder: Path, where: SourceMap,
                   problems: list[Diagnostic], source_files: list[Path]) -> Any:
    """Replace each path in `sources` by the items of that file, keeping their positions."""
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list):
        return value
    # The positions of `sources` are rebuilt from scratch, as the items' indexes change.
    old_values, old_keys = dict(where.values), dict(where.keys)
    for table in (where.values, where.keys):
        for path in [path for path in table if path[:1] == ("sources",) and len(path) > 1]:
            del table[path]
    items: list[Any] = []
    moved: dict[int, int] = {}  # index of an inline source as written -> in the expanded list
    for index, entry in enumerate(entries):
        here = ("sources",) if isinstance(value, str) else ("sources", index)
        at = old_values.get(here) or where.value(("sources",))
        if not isinstance(entry, str):
            moved[index] = len(items)
            items.append(entry)
            continue
        try:
            loaded = _read_source_file(entry, folder, at, where, len(items))
        except BriefError as failure:
            problems.extend(failure.diagnostics)
            continue
        source_files.append(folder / entry)
        items.extend(loaded)
    _move(old_values, old_keys, where, moved)
    return items


def _move(old_values: dict, old_keys: dict, where: SourceMap, moved: dict[int, int]) -> None:
    """Re-key positions of inline sources whose index changed when files were expanded
    (in one pass over the positions: a pass per source took minutes for 10,000 of them)."""
    for table, source in ((where.values, old_values), (where.keys, old_keys)):
        for path, location in source.items():
            if len(path) > 1 and path[0] == "sources" and path[1] in moved:
                table[("sources", moved[path[1]], *path[2:])] = location


# What Linux and macOS allow: longer names make every file call fail (ENAMETOOLONG).
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096


def resolve_inside(folder: Path, relative: str, at: Location, what: str,
                   whose: str = "brief") -> Path:
    """A path named in a brief (or brand file), refused unless it stays inside its folder and
    is a name the system can open."""
    shown = shorten(relative.replace("\x00", "\\0"))
    if "\x00" in relative:
        raise BriefError([error(at, f"{what} `{shown}` is not a file name",
                                "a file name cannot contain a NUL character (\\0 or %00)")])
    try:
        encoded = [os.fsencode(part) for part in Path(relative).parts]
    except UnicodeEncodeError:
        raise BriefError([error(at, f"{what} `{shown}` is not a file name",
                                "it contains a character that no file name can hold")]) \
            from None
    longest = max(encoded, key=len, default=b"")
    if len(longest) > MAX_NAME_BYTES or len(os.fsencode(folder.resolve())) + \
            sum(len(part) + 1 for part in encoded) > MAX_PATH_BYTES:
        raise BriefError([error(
            at, f"{what} `{shown}` has a name too long for a file",
            f"a file name has at most {MAX_NAME_BYTES} bytes, a path {MAX_PATH_BYTES}")])
    candidate = (folder / relative).resolve()
    if not candidate.is_relative_to(folder.resolve()):
        raise BriefError([error(
            at, f"{what} `{relative}` is outside the {whose}'s folder",
            f"a {whose} may only read files in its own folder and below it",
        )])
    return candidate


def _read_source_file(relative: str, folder: Path, at: Location, where: SourceMap,
                      first_index: int) -> list[Any]:
    path = resolve_inside(folder, relative, at, "source file")
    suffix = path.suffix.lower()
    if suffix not in SOURCE_FILE_SUFFIXES:
        raise BriefError([error(
            at, f"`{relative}` is not a sources file",
            "sources files end in .json (CSL-JSON), .yaml (CSL-YAML) or .bib (BibTeX)",
        )])
    if not path.exists():
        raise BriefError([error(at, f"sources file not found: {relative}",
                                "paths are relative to the folder of the brief")])
    shown = display_path(path)
    if suffix in (".bib", ".bibtex"):
        text = read_text(path, shown, at)
        items = bibtex_to_csl(text, shown)
        where.texts[shown] = text
        for offset, item in enumerate(items):
            entry, key = _bibtex_entry_location(text, shown, str(item.get("id", "")))
            where.values[("sources", first_index + offset)] = entry
            where.values[("sources", first_index + offset, "id")] = key
        return items
    local = SourceMap(shown)
    data = read_yaml(path, shown, local, (), at)
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        data, prefix = data["references"], ("references",)  # CSL-YAML as pandoc writes it
    else:
        prefix = ()
    if not isinstance(data, list):
        raise BriefError([error(Location(shown), "a sources file holds a list of CSL items")])
    where.texts.update(local.texts)
    for table, source in ((where.values, local.values), (where.keys, local.keys)):
        for path_in_file, location in source.items():
            if path_in_file[: len(prefix)] == prefix and len(path_in_file) > len(prefix):
                index, *rest = path_in_file[len(prefix):]
                if isinstance(index, int):
                    table[("sources", first_index + index, *rest)] = location
    for index, item in enumerate(data):
        key = item.get("citation-key") if isinstance(item, dict) else None
        if isinstance(key, str) and CITATION_KEY_RE.fullmatch(key.strip()):
            # Zotero 7 and Better BibTeX write the key to cite by; their `id` is an address.
            item["id"] = key.strip()
            here = ("sources", first_index + index)
            where.values[here + ("id",)] = where.value(here + ("citation-key",))
    return data


def bibtex_to_csl(text: str, shown: str) -> list[dict[str, Any]]:
    """Convert BibTeX/BibLaTeX with pandoc, the most faithful converter available."""
    from brief.pandoc import PandocFailed, run_pandoc

    if control := CONTROL_RE.search(text):
        raise BriefError([control_character_error(location_at(shown, text, control.start()),
                                                  control.group(0))])
    _refuse_bibtex_loops(text, shown)
    try:
        output = run_pandoc(["-f", "biblatex", "-t", "csljson"], _language_as_langid(text),
                            Location(shown))
    except PandocFailed as failure:
        raise BriefError([_bibtex_syntax_error(failure.report, text, shown)]) from None
    try:
        items = json.loads(output) if output.strip() else []
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list) or (not items and "@" in text):
        raise BriefError([error(
            Location(shown), "no BibTeX entries could be read from this file",
            "check that each entry looks like @article{key, title = {...}, ...}",
        )])
    copies = bibtex_files(text)
    for item in items:
        # pandoc sentence-cases the title of every entry it takes for English (no `langid`, or
        # an English one); CSL title-cases again only items it knows are English, so without
        # a language an English source cited in a French brief would keep "World report 2023".
        if not item.get("language"):
            item["language"] = "en"
        # pandoc maps @misc to an empty type; CSL's nearest is "document".
        if not item.get("type"):
            item["type"] = "document"
        # pandoc reads BibLaTeX's `institution` as the publisher; of a case or a law it is
        # the court or the legislature, CSL's `authority`, which the legal styles print.
        if item["type"] in AUTHORITY_TYPES and "publisher" in item and "authority" not in item:
            item["authority"] = item.pop("publisher")
        if item.get("id") in copies:  # pandoc drops `file`; brief keeps it as the local copy
            item["file"] = copies[item["id"]]
    return items


LANGUAGE_FIELD_RE = re.compile(r"([,{(]\s*)language(?=\s*=)", re.I)
LANGID_FIELD_RE = re.compile(r"[,{(]\s*langid\s*=", re.I)


def _language_as_langid(text: str) -> str:
    """BibTeX with each entry's `language` read as its `langid` where it has none.

    pandoc takes the language of an entry from `langid` only, and sentence-cases the title of
    an entry without one as English: `language = {german}` alone would give "Bericht über die
    lage". The field is renamed in place, padded to its length, so that pandoc's line and
    column numbers still point into the user's file.
    """
    starts = [match.start() for match in ENTRY_START_RE.finditer(text)] + [len(text)]
    entries = [text[:starts[0]]]
    for start, end in zip(starts, starts[1:]):
        entry = text[start:end]
        if not LANGID_FIELD_RE.search(entry):
            entry = LANGUAGE_FIELD_RE.sub(r"\1langid  ", entry)
        entries.append(entry)
    return "".join(entries)


AUTHORITY_TYPES = ("legal_case", "legislation", "bill", "regulation", "hearing", "treaty")


PANDOC_POSITION_RE = re.compile(r"line (\d+), column (\d+)\):\s*\n(.+)")
ENTRY_START_RE = re.compile(r"^[ \t]*@(\w+)\s*[{(]\s*([^\s,]*)", re.M)


def _bibtex_syntax_error(report: str, text: str, shown: str) -> Diagnostic:
    """pandoc's complaint, at its line and column, with the entry most likely at fault.

    pandoc notices a missing `}` or `,` only where the next entry (or the file) begins, so
    the hint names the entry before that place.
    """
    match = PANDOC_POSITION_RE.search(report)
    if not match:
        last = report.splitlines()[-1] if report else "unreadable"
        return error(Location(shown), f"BibTeX syntax: {last}",
                     "each entry looks like @article{key, title = {...}, date = {2015}}")
    line, column, reason = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    offset = sum(len(row) for row in text.splitlines(keepends=True)[: line - 1]) + column - 1
    if offset >= len(text):  # pandoc counts a line past the end of the file
        offset = len(text.rstrip())
    at = location_at(shown, text, offset)
    before = [entry for entry in ENTRY_START_RE.finditer(text) if entry.start() < offset]
    if not before or not before[-1].group(2):
        return error(at, f"BibTeX syntax: {reason}",
                     "each entry looks like @article{key, title = {...}, date = {2015}}")
    entry = before[-1]
    name, first = entry.group(2), text.count("\n", 0, entry.start()) + 1
    if reason in ("unexpected '@'", "unexpected end of input"):
        hint = (f"the entry `{name}` (line {first}) is not closed: check its braces {{ }} "
                "and the commas between its fields")
    else:
        hint = (f"in the entry `{name}` (line {first}), each field is `name = {{value}}`, "
                "with a comma before the next one")
    return error(at, f"BibTeX syntax: {reason}", hint)


def _bibtex_entry_location(text: str, shown: str, key: str) -> tuple[Location, Location]:
    """Where an entry starts (`@article{`) and where its key is written."""
    match = re.search(r"@\w+\s*[{(]\s*(" + re.escape(key) + r")\s*,", text)
    if not match:
        return Location(shown), Location(shown)
    return location_at(shown, text, match.start()), location_at(shown, text, match.start(1))


BIBTEX_ENTRY_RE = re.compile(r"@(\w+)\s*[{(]\s*([^,\s{}()]+)\s*,")
BIBTEX_PARENT_RE = re.compile(r"\b(crossref|xdata)\s*=\s*[{\"]?([^}\"]*)[}\"]?", re.I)


def _refuse_bibtex_loops(text: str, shown: str) -> None:
    """Entries that inherit from themselves through `crossref` or `xdata` make pandoc loop until
    it runs out of memory; they are found here, at the entry, before pandoc runs."""
    entries = list(BIBTEX_ENTRY_RE.finditer(text))
    parents: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    for entry, following in zip(entries, entries[1:] + [None]):
        body = text[entry.end():following.start() if following else len(text)]
        key = entry.group(2).lower()
        starts.setdefault(key, entry.start())
        parents.setdefault(key, []).extend(
            name.strip().lower() for match in BIBTEX_PARENT_RE.finditer(body)
            for name in match.group(2).split(",") if name.strip())
    if loop := find_loop(parents):
        raise BriefError([error(
            location_at(shown, text, starts[loop[0]]),
            f"entry `{loop[0]}` inherits from itself: {' → '.join(loop)}",
            "remove the `crossref` or `xdata` field that closes the loop")])


def find_loop(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of the graph (each node to the nodes it uses) as [a, b, …, a], or None."""
    finished: set[str] = set()
    for root in graph:
        path, stack = [], [(root, iter(graph[root]))]
        on_path = {root}
        path.append(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                finished.add(node)
            elif child in on_path:
                return path[path.index(child):] + [child]
            elif child in graph and child not in finished:
                stack.append((child, iter(graph[child])))
                path.append(child)
                on_path.add(child)
    return None

BIBTEX_ENTRY = re.compile(r"@\w+\s*[{(]\s*([^\s,]+)\s*,")
BIBTEX_FILE = re.compile(r"(?<![\w-])file\s*=\s*(?:\{((?:[^{}]|\{[^{}]*\})*)\}|\"([^\"]*)\")",
                         re.I)
COPY_SUFFIXES = (".pdf", ".html", ".htm", ".xhtml", ".txt", ".md")


def bibtex_files(text: str) -> dict[str, str]:
    """The `file = {…}` of each BibTeX entry, as Zotero and JabRef write it
    (`Description:path:type`, several joined by `;`): the first readable copy's path."""
    entries = list(BIBTEX_ENTRY.finditer(text))
    found = {}
    for index, entry in enumerate(entries):
        end = entries[index + 1].start() if index + 1 < len(entries) else len(text)
        field_match = BIBTEX_FILE.search(text, entry.end(), end)
        if not field_match:
            continue
        paths = []
        for written in re.split(r"(?<!\\);", field_match.group(1) or field_match.group(2) or ""):
            parts = re.split(r"(?<!\\):", written.strip())
            path = parts[1] if len(parts) >= 3 else written.strip()
            path = path.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\").strip()
            if path:
                paths.append(path)
        readable = [path for path in paths if path.lower().endswith(COPY_SUFFIXES)]
        if readable or paths:
            found[entry.group(1)] = (readable or paths)[0]
    return found
