"""Read a brief's YAML (and its CSL-JSON, CSL-YAML and BibTeX source files) into the model.

Every node's position is kept, so that validation failures and later checks can be reported at
the line and column where the user wrote the offending value.
"""

from __future__ import annotations

import bisect
import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
import yaml

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    did_you_mean,
    error,
    location_at,
)
from brief.limits import LIMITS, read_limited, size_in_words
from brief.markup import KEY as CITATION_KEY
from brief.markup import find_citations
from brief.model import (
    BLOCK_KINDS,
    CSL_TYPES,
    Brief,
    NodePath,
    Organisation,
    Author,
    Claim,
    Quote,
    Text,
    ListBlock,
    Section,
    Recommendation,
)

MAX_DEPTH = LIMITS.yaml_depth
MAX_NODES = LIMITS.yaml_values
SOURCE_FILE_SUFFIXES = (".json", ".yaml", ".yml", ".bib", ".bibtex")
CITATION_KEY_RE = re.compile(CITATION_KEY)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 30x faster


WORD_RE = re.compile(r"-?@?[^\s,;\]]*")


@dataclass
class _Lines:
    starts: list[int]  # where each line starts, as the YAML parser counts lines
    newlines: list[int]  # where each "\n" is, as location_at counts lines


@dataclass
class SourceMap:
    """Where each node of a brief was written: path in the tree -> location in a file."""

    brief_file: str
    values: dict[NodePath, Location] = field(default_factory=dict)
    keys: dict[NodePath, Location] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # file as shown -> its text
    # What within() found, kept so that locating each citation of a long text stays linear.
    found: dict[tuple, list[int]] = field(default_factory=dict, repr=False)
    lines: dict[str, _Lines] = field(default_factory=dict, repr=False)

    def value(self, path: NodePath) -> Location:
        """The location of the value at `path`, or of its nearest located ancestor."""
        return self._nearest(self.values, path)

    def key(self, path: NodePath) -> Location:
        """The location of the key that names `path` (falls back to its value)."""
        return self.keys.get(tuple(path)) or self.value(path)

    def within(self, path: NodePath, text: str, offset: int) -> Location:
        """The location of character `offset` of the text value at `path`.

        Works for plain, quoted and block scalars alike: the n-th occurrence of the word at
        `offset` in the value is looked up in the file, from where the value starts.
        """
        start = self.value(path)
        source = self.texts.get(start.path)
        word = WORD_RE.match(text, offset).group(0)
        if source is None or not word:
            return start
        in_text = self.found.get(("text", tuple(path), len(text), word))
        if in_text is None:
            in_text = self.found[("text", tuple(path), len(text), word)] = []
            found = text.find(word)
            while found >= 0:
                in_text.append(found)
                found = text.find(word, found + len(word))
        # As text.count(word, 0, offset): the occurrences that end before `offset`.
        occurrence = bisect.bisect_right(in_text, offset - len(word))
        lines = self._breaks(start.path, source)
        position = lines.starts[start.line - 1] + start.column - 1
        in_file = self.found.setdefault(("file", start.path, position, word), [])
        while len(in_file) <= occurrence and (not in_file or in_file[-1] >= 0):
            in_file.append(source.find(word, in_file[-1] + 1 if in_file else position))
        found = in_file[occurrence] if occurrence < len(in_file) else -1
        if found < 0:
            return start
        line = bisect.bisect_left(lines.newlines, found)  # newlines before it
        line_start = lines.newlines[line - 1] + 1 if line else 0
        return Location(start.path, line + 1, found - line_start + 1)

    def _breaks(self, shown: str, source: str) -> _Lines:
        """Where each line of a file starts, and where its newlines are, found once."""
        if shown not in self.lines:
            starts = [0]
            for line in source.splitlines(keepends=True):
                starts.append(starts[-1] + len(line))
            self.lines[shown] = _Lines(starts, [m.start() for m in re.finditer("\n", source)])
        return self.lines[shown]

    def citation(self, path: NodePath, text: str, offset: int) -> Location:
        """Where the citation at `offset` of a field stands; a quotation's own note is written
        as its `source` key, so it is located there."""
        return self.value(path) if path[-1] == "source" else self.within(path, text, offset)

    def _nearest(self, table: dict[NodePath, Location], path: NodePath) -> Location:
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            path = path[:-1]
        return table.get((), Location(self.brief_file))


@dataclass
class LoadedBrief:
    """A validated brief with the map back to its source text."""

    brief: Brief
    where: SourceMap
    path: Path
    source_files: list[Path] = field(default_factory=list)  # sources files it merged in
    stand_ins: frozenset[NodePath] = frozenset()  # broken parts replaced to check the rest

    @property
    def folder(self) -> Path:
        return self.path.parent


def shorten(text: str, limit: int = 60) -> str:
    """A value as a message quotes it: cut in the middle when it is long."""
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-(limit // 2):]}"


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_brief(path: Path) -> LoadedBrief:
    """Read and validate a brief; raise BriefError with every problem found."""
    shown = display_path(path)
    where = SourceMap(shown)
    data = _read_yaml(path, shown, where, ())
    if not isinstance(data, dict):
        raise BriefError([error(
            Location(shown), "a brief is a YAML mapping of keys such as `title` and `summary`",
            "start from `brief new FILE.yaml`, which writes a brief to fill in",
        )])
    problems: list[Diagnostic] = []
    source_files: list[Path] = []
    if "sources" in data:
        data["sources"] = _expand_sources(data["sources"], path.parent, where, problems,
                                          source_files)
    try:
        brief = Brief.model_validate(data)
    except ValidationError as failure:
        # Without all its sources, checking the rest would only report their ids as unknown.
        typos = _typos(failure.errors(), data)
        patched = None if problems else _patched(data, failure, where, path, source_files,
                                                 typos)
        problems += _diagnostics(failure.errors(), data, where, typos)
        raise BriefError(problems, patched) from None
    if problems:
        raise BriefError(problems)
    return LoadedBrief(brief, where, path, source_files)


# Neutral stand-ins for broken parts: valid, citation-free, and keeping list positions, so
# that the checks can still run over the rest of a brief whose shape has errors.
PLACEHOLDER_TEXT = "…"
PLACEHOLDER_BLOCK = {"text": PLACEHOLDER_TEXT}
PLACEHOLDERS: dict[str, Any] = {
    "title": PLACEHOLDER_TEXT, "summary": PLACEHOLDER_TEXT, "date": "2000-01-01",
    "organisation": {"name": PLACEHOLDER_TEXT}, "sources": [],
    "sections": [{"heading": PLACEHOLDER_TEXT, "body": [PLACEHOLDER_BLOCK]}],
    "recommendations": [{"to": PLACEHOLDER_TEXT, "actions": [PLACEHOLDER_TEXT]}],
}


def _patched(data: dict, failure: ValidationError, where: SourceMap, path: Path,
             source_files: list[Path], typos: dict[NodePath, NodePath]) -> LoadedBrief | None:
    """The brief with misspelt keys read as meant and each part that failed validation
    replaced, or None if that fails too."""
    data = copy.deepcopy(data)
    for typo, meant in typos.items():
        container = _node(data, typo[:-1])
        container[meant[-1]] = container.pop(typo[-1])
        for table in (where.values, where.keys):  # positions follow the key read as meant
            for place, location in list(table.items()):
                if place[: len(typo)] == typo:
                    table[meant + place[len(typo):]] = location
    errors = [item for item in failure.errors()
              if _data_path(item["loc"], data) not in {*typos, *typos.values()}]
    stand_ins: set[NodePath] = set()
    # A key read as meant may hold mistakes of its own, found by validating again; they are
    # reported once its name is right.
    for _ in range(3):
        if not _stand_in(data, errors, stand_ins):
            return None
        try:
            return LoadedBrief(Brief.model_validate(data), where, path, source_files,
                               frozenset(stand_ins))
        except ValidationError as again:
            errors = again.errors()
        except (TypeError, KeyError, IndexError, AttributeError):
            return None
    return None


def _stand_in(data: dict, errors: list[dict], stand_ins: set[NodePath]) -> bool:
    """Replace each broken part of `data` in place; False if the brief cannot be patched."""
    for item in errors:
        broken = _data_path(item["loc"], data)
        stand_ins.add(broken[:2])
        if not broken:
            continue
        if broken == ("sources",):
            return False  # every citation would look unknown
        if len(broken) == 1:
            if broken[0] in PLACEHOLDERS:
                data[broken[0]] = copy.deepcopy(PLACEHOLDERS[broken[0]])
            else:
                data.pop(broken[0], None)
        elif broken[0] == "sections" and len(broken) >= 4 and broken[2] == "body":
            body = data["sections"][broken[1]]["body"]
            body[broken[3]] = _stand_in_block(body[broken[3]])
        elif broken[0] == "sources" and isinstance(broken[1], int):
            source = data["sources"][broken[1]]
            known_id = source.get("id") if isinstance(source, dict) else None
            data["sources"][broken[1]] = {"id": str(known_id or f"…{broken[1]}"),
                                          "type": "document"}
        elif isinstance(broken[1], int) and broken[0] in PLACEHOLDERS:
            data[broken[0]][broken[1]] = copy.deepcopy(PLACEHOLDERS[broken[0]][0])
        else:
            data[broken[0]] = copy.deepcopy(PLACEHOLDERS.get(broken[0], PLACEHOLDER_TEXT))
    return True


def _stand_in_block(block: Any) -> dict:
    """A broken block as a text block of its own words, so that its citations still count
    (and are still checked); a neutral text when it has no words."""
    if isinstance(block, dict):
        for kind in ("claim", "quote", "text"):
            if isinstance(block.get(kind), str) and block[kind].strip():
                return {"text": block[kind]}
    return dict(PLACEHOLDER_BLOCK)


# --- YAML ---------------------------------------------------------------------------------

def read_yaml_file(path: Path, at: Location | None = None) -> tuple[Any, SourceMap]:
    """Any YAML file of the project (a brief, a brand file) as plain data with its positions."""
    shown = display_path(path)
    where = SourceMap(shown)
    return _read_yaml(path, shown, where, (), at), where


def _read_text(path: Path, shown: str, at: Location | None = None) -> str:
    raw = read_limited(path, shown, at or Location(shown), "a brief, brand or sources file",
                       LIMITS.file_bytes)
    if raw.startswith(b"%PDF-"):  # the brief's own output, given by mistake for the brief
        raise BriefError([error(
            Location(shown, 1, 1), "this is a PDF file, not a brief",
            f"give the brief's YAML file instead (e.g. {Path(shown).with_suffix('.yaml').name}); "
            "the PDF is what a build writes")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise BriefError([error(
            location_at(shown, raw, failure.start), "the file is not valid UTF-8 text",
            "save the file as UTF-8 in your editor",
        )]) from None
    if "\x00" in text:
        raise BriefError([error(
            location_at(shown, text, text.index("\x00")), "the file contains a NUL character",
            "this is not a text file, or it is damaged",
        )])
    return text


def _read_yaml(path: Path, shown: str, where: SourceMap, root: NodePath,
               at: Location | None = None) -> Any:
    text = _read_text(path, shown, at)
    if path.suffix.lower() == ".json":
        text = _joined_surrogates(text)
    where.texts[shown] = text
    try:
        # Composing only (libyaml, in C) gives nodes with positions and constructs nothing:
        # no tags run code and aliases are not expanded until _plain counts them.
        tree = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark or failure.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (failure.problem or failure.context or "invalid YAML").strip()
        raise BriefError([error(
            Location(shown, line, column), f"YAML syntax: {problem}",
            _yaml_hint(problem, text, line, column),
        )]) from None
    except yaml.YAMLError as failure:
        raise BriefError([error(Location(shown), f"YAML syntax: {failure}")]) from None
    if tree is None:
        return None
    where.values.setdefault(root, _location(shown, tree))
    values, characters = _expanded_size(tree, {}, 0)
    if values > MAX_NODES:
        raise BriefError([error(
            _location(shown, tree), f"the brief has more than {MAX_NODES:,} values once its "
            "aliases (*name) are expanded",
            "a brief this large is almost certainly a mistake or a hostile file")])
    if characters > LIMITS.yaml_characters:
        raise BriefError([error(
            _location(shown, tree), f"the brief holds {size_in_words(characters)} of text once "
            f"its aliases (*name) are expanded; at most {size_in_words(LIMITS.yaml_characters)}",
            "write the text once instead of repeating it with aliases")])
    return _plain(tree, shown, where, root, 0, [0])


# JSON writes a character beyond U+FFFF as two escapes (`\ud83d\ude00`, as Python's json does);
# YAML reads each half alone and refuses it. The pair becomes the character it stands for.
SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})",
                            re.I)


def _joined_surrogates(text: str) -> str:
    if "\\u" not in text:
        return text
    return SURROGATE_PAIR.sub(lambda m: m.group(1) + chr(
        0x10000 + (int(m.group(2), 16) - 0xD800) * 0x400 + int(m.group(3), 16) - 0xDC00), text)


def _expanded_size(node: yaml.Node, sizes: dict[int, tuple[int, int]],
                   depth: int) -> tuple[int, int]:
    """How many values, and characters of text, the tree holds with aliases expanded, counted
    without expanding them (each node once, however often it is used)."""
    if id(node) in sizes or depth > MAX_DEPTH:
        return sizes.get(id(node), (1, 0))
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        sizes[id(node)] = (1, len(node.value))
        return sizes[id(node)]
    counted = [_expanded_size(child, sizes, depth + 1) for child in children]
    sizes[id(node)] = (1 + sum(v for v, _ in counted), sum(c for _, c in counted))
    return sizes[id(node)]


TYPOGRAPHIC_QUOTES = "“”„‟‘’‚‛«»"


def _yaml_hint(problem: str, text: str, line: int, column: int) -> str | None:
    """What to do about a YAML syntax error, judged by what stands where it was found."""
    rows = text.splitlines()
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    here = row[column - 1:column]
    if here == "\t" or "found character '\\t'" in problem or "found a tab" in problem:
        return "YAML indents with spaces, not tabs: replace the tab on this line with spaces"
    curly = next((mark for mark in TYPOGRAPHIC_QUOTES if mark in row), None)
    if curly and "mapping values are not allowed" in problem:
        return (f"`{curly}` is a typographic quote, not a YAML one: put the whole text in "
                "straight quotes, \"…\"")
    if "mapping values are not allowed" in problem:
        return "a text containing `: ` must be quoted, or written as a block with `>`"
    if "that cannot start any token" in problem:
        return "put text that starts with @, `, % or contains [@…] in quotes"
    if "could not find expected ':'" in problem:
        return "every line of a mapping is `key: value`; check the indentation"
    if "maximum nesting depth" in problem:
        return "no brief or sources file nests lists and mappings this deep"
    if "did not find expected" in problem:
        return "check the indentation and the brackets or quotes of this line and the one before"
    return None


def _location(shown: str, node: yaml.Node) -> Location:
    return Location(shown, node.start_mark.line + 1, node.start_mark.column + 1)


# YAML 1.2's core schema for plain scalars: `no`, `on` and `2015-03-05` stay text.
NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
BOOL_VALUES = {"true": True, "True": True, "TRUE": True,
               "false": False, "False": False, "FALSE": False}
INT_RE = re.compile(r"^[-+]?[0-9]+$")
FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
STANDARD_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                 ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style:
        return text  # quoted or block scalars are always text
    if NULL_RE.match(text):
        return None
    if text in BOOL_VALUES:
        return BOOL_VALUES[text]
    if INT_RE.match(text):
        return int(text)
    if FLOAT_RE.match(text) and any(c.isdigit() for c in text):
        return float(text)
    return text


def _plain(node: yaml.Node, shown: str, where: SourceMap, path: NodePath, depth: int,
           counter: list[int]) -> Any:
    """Turn composed YAML nodes into plain dicts, lists and scalars, recording positions."""
    counter[0] += 1
    here = _location(shown, node)
    if depth > MAX_DEPTH or counter[0] > MAX_NODES:
        reason = (f"nested more than {MAX_DEPTH} levels deep" if depth > MAX_DEPTH
                  else f"more than {MAX_NODES:,} values")
        raise BriefError([error(
            here, f"the brief is {reason}",
            "a brief this large is almost certainly a mistake or a hostile file",
        )])
    if node.tag not in STANDARD_TAGS:
        raise BriefError([error(
            here, f"YAML tag `{node.tag}` is not allowed",
            "use plain text, numbers, lists and mappings; YAML tags are not supported",
        )])
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise BriefError([error(_location(shown, key_node),
                                        "a key must be a plain word, not a list or mapping")])
            name = key_node.value
            child = path + (name,)
            if name in result:
                first = where.keys[child]
                raise BriefError([error(
                    _location(shown, key_node), f"duplicate key `{name}`",
                    f"it is already set at line {first.line}; each key may appear once")])
            where.keys[child] = _location(shown, key_node)
            where.values[child] = _location(shown, value_node)
            result[name] = _plain(value_node, shown, where, child, depth + 1, counter)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = path + (index,)
            where.values[child] = _location(shown, item)
            items.append(_plain(item, shown, where, child, depth + 1, counter))
        return items
    try:
        value = _scalar(node)
    except ValueError:  # Python converts at most 4,300 digits: the limit keeps that quick
        raise BriefError([error(here, f"a number of {len(node.value):,} digits is too long",
                                "quote it if it is text; no value in a brief needs a number "
                                "this long")]) from None
    if isinstance(value, str) and (control := CONTROL_RE.search(value)):
        raise BriefError([_control_character_error(here, control.group(0))])
    return value


def _control_character_error(at: Location, character: str) -> Diagnostic:
    return error(at, f"the text contains the control character U+{ord(character):04X}"
                 f"{CONTROL_NAMES.get(character, '')}, which prints as nothing or as a box",
                 "delete it (it is invisible in most editors), or the escape that wrote it, "
                 "such as \\a or \\x01")


# Characters no text shows: C0 and C1 controls but tab and line ends, and DEL. YAML lets them
# in through escapes ("\a", "\N", "\x01") only.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_NAMES = {"\x00": " (NUL)", "\x07": " (bell)", "\x08": " (backspace)", "\x1b": " (escape)",
                 "\x7f": " (delete)", "\x85": " (next line)"}


# --- source files -------------------------------------------------------------------------

def _expand_sources(value: Any, folder: Path, where: SourceMap,
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
        text = _read_text(path, shown, at)
        items = bibtex_to_csl(text, shown)
        where.texts[shown] = text
        for offset, item in enumerate(items):
            entry, key = _bibtex_entry_location(text, shown, str(item.get("id", "")))
            where.values[("sources", first_index + offset)] = entry
            where.values[("sources", first_index + offset, "id")] = key
        return items
    local = SourceMap(shown)
    data = _read_yaml(path, shown, local, (), at)
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
        raise BriefError([_control_character_error(location_at(shown, text, control.start()),
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


# --- validation errors ----------------------------------------------------------------------

ALLOWED_KEYS: dict[type, tuple[str, ...]] = {
    model: tuple(name for name in model.model_fields)
    for model in (Brief, Organisation, Author, Claim, Quote, Text, ListBlock, Section,
                  Recommendation)
}


def _data_path(loc: tuple, data: Any) -> NodePath:
    """Map pydantic's error location onto the YAML tree, dropping the block tag it adds."""
    parts = list(loc)
    if len(parts) > 4 and parts[0] == "sections" and parts[2] == "body" \
            and parts[4] in BLOCK_KINDS:
        del parts[4]  # ("sections", 0, "body", 2, <tag>, "id"): the tag is not in the YAML
    path: list[str | int] = []
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict):
            path.append(part)  # a missing or unknown key: keep it for the message
            break
        else:
            break
        path.append(part)
    return tuple(path)


# Which model a mapping is, by its place in the tree ("#" stands for any list index).
MODEL_AT = {(): Brief, ("organisation",): Organisation, ("authors", "#"): Author,
            ("sections", "#"): Section, ("recommendations", "#"): Recommendation}


def _parent_keys(path: NodePath) -> tuple[str, ...]:
    """The keys allowed in the mapping that holds the last element of `path`."""
    shape = tuple("#" if isinstance(part, int) else part for part in path[:-1])
    model = MODEL_AT.get(shape)
    return ALLOWED_KEYS[model] if model else ()


def _block_keys(block: Any) -> tuple[str, ...]:
    kind = next((k for k in BLOCK_KINDS if isinstance(block, dict) and k in block), None)
    model = {"claim": Claim, "quote": Quote, "text": Text, "list": ListBlock}.get(kind or "")
    return ALLOWED_KEYS[model] if model else BLOCK_KINDS


def _node(data: Any, path: NodePath) -> Any:
    for part in path:
        data = data[part]
    return data


def _typos(items: list[dict], data: dict) -> dict[NodePath, NodePath]:
    """Unknown keys that are a required key misspelt: the typo's path -> the key's path."""
    import difflib

    paths = [_data_path(item["loc"], data) for item in items]
    missing = [path for item, path in zip(items, paths) if item["type"] == "missing" and path]
    typos: dict[NodePath, NodePath] = {}
    for item, path in zip(items, paths):
        if item["type"] == "extra_forbidden" and path:
            wanted = [m[-1] for m in missing if m[:-1] == path[:-1] and m not in typos.values()]
            # The typo's closest key of all that are allowed there must be the missing one.
            allowed = (_block_keys(_node(data, path[:-1])) if len(path) == 5
                       and path[2] == "body" else _parent_keys(path)) or wanted
            close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
            if close and close[0] in wanted:
                typos[path] = path[:-1] + (close[0],)
    return typos


def _diagnostics(items: list[dict], data: dict, where: SourceMap,
                 typos: dict[NodePath, NodePath]) -> list[Diagnostic]:
    """One diagnostic per mistake: a required key written with a typo is reported once, at
    the typo, not also as missing."""
    result = []
    for item in items:
        path = _data_path(item["loc"], data)
        if path in typos:
            result.append(error(where.key(path), f"unknown key `{path[-1]}`",
                                f"did you mean `{typos[path][-1]}`? It is required"))
        elif path not in typos.values():
            result.append(validation_diagnostic(item, data, where))
    return result


def validation_diagnostic(item: dict, data: Any, where: SourceMap) -> Diagnostic:
    """One pydantic error as a diagnostic at the place in the file of the value it is about."""
    path = _data_path(item["loc"], data)
    kind = item["type"]
    name = str(path[-1]) if path else "brief"
    if kind == "extra_forbidden":
        container = _node(data, path[:-1])
        if len(path) == 5 and path[2] == "body":
            allowed = _block_keys(container)
        else:
            allowed = _parent_keys(path)
        if name in BLOCK_KINDS and len(path) == 5 and path[2] == "body":
            return error(
                where.key(path), f"a block has exactly one of claim, quote, text or list; "
                f"this one also has `{name}`", "split it into two blocks",
            )
        hint = did_you_mean(name, allowed) or (
            f"allowed here: {', '.join(allowed)}" if allowed else None)
        return error(where.key(path), f"unknown key `{name}`", hint)
    if kind == "missing":
        parent = path[:-1]
        return error(where.value(parent) if parent else Location(where.brief_file),
                     f"missing required key `{name}`",
                     _quote_source_hint(_node(data, parent)) if name == "source"
                     else _missing_hint(name))
    at = where.value(path)
    if kind == "block_kind":
        return error(at, "a block needs one of the keys claim, quote, text or list",
                     did_you_mean_block(item.get("input")))
    if kind == "csl_type":
        written = str(item["input"])
        meant = TYPE_WORDS.get(written.lower().strip())
        return error(at, item["msg"], (f"a {written.lower()} is `type: {meant}` in CSL"
                                       if meant else did_you_mean(written, CSL_TYPES))
                     or "common types: article-journal, report, book, chapter, "
                        "article-newspaper, webpage, legislation, treaty")
    if kind in ("csl_date", "brief_date", "csl_names"):
        return error(at, item["msg"])
    if kind == "string_type":
        what = (f"each item of `{path[-2]}`" if len(path) > 1 and isinstance(path[-1], int)
                else f"`{name}`")
        value = item.get("input")
        return error(at, f"{what} should be text, not {describe(value)}", _text_hint(value))
    if kind == "list_type":
        return error(at, f"`{name}` should be a list", "start each item with `- `")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        # An item of a list has no name of its own: speak of the list it is in.
        what = (f"each item of `{path[-2]}`" if len(path) > 1 and isinstance(path[-1], int)
                else f"`{name}`")
        return error(at, f"{what} should be a mapping of keys, not "
                     f"{describe(item.get('input'))}")
    if kind in ("too_short", "string_too_short"):
        return error(at, f"`{name}` must not be empty", EMPTY_HINTS.get(name))
    if kind == "string_pattern_mismatch" and name == "language":
        return error(at, f"`{item.get('input')}` is not a language tag",
                     "use a BCP 47 tag such as en, fr, ko or pt-BR")
    if kind == "source_id":
        return error(at, item["msg"], "give the id of one source, as in `source: coi2014`")
    if kind == "string_pattern_mismatch" and name == "locator":
        return error(at, "a locator cannot contain [, ], ; or @",
                     "give the place in the source only, as in `locator: p. 10f`")
    if kind == "literal_error":
        return error(at, f"`{name}` cannot be `{item.get('input')}`",
                     f"expected {item['ctx']['expected']}")
    return error(at, f"`{name}`: {item['msg']}")


BLOCKS_BELOW = ("one per line below it: `- claim: …`, `- quote: …`, `- text: …` or "
                "`- list: …`")
EMPTY_HINTS = {
    "body": f"give it at least one block, {BLOCKS_BELOW}",
    "sections": "give it at least one section, with `- heading: …` and its `body:`",
    "recommendations": "give it at least one, with `- to: …` and its `actions:`",
    "actions": "give it at least one action, one per line below it: `- …`",
    "list": "give it at least one item, one per line below it: `- …`",
}


MISSING_HINTS = {
    "sources": "add `sources:` with one CSL item for each source you cite",
    "body": f"add `body:` with its blocks, {BLOCKS_BELOW}",
    "sections": "add `sections:` with items `- heading: …` and their `body:`",
    "recommendations": "add `recommendations:` with items `- to: …` and their `actions:`",
    "actions": "add `actions:` with one action per line below it: `- …`",
}


def _quote_source_hint(block: Any) -> str:
    """A quotation names its source in `source:`, not with a citation in its text."""
    text = block.get("quote") if isinstance(block, dict) else None
    clusters = find_citations(text) if isinstance(text, str) else []
    if len(clusters) == 1 and len(clusters[0].items) == 1:
        cluster, item = clusters[0], clusters[0].items[0]
        written = cluster.source
        locator = written[written.index(item.key) + len(item.key):].strip(" ,[]")
        fields = f"`source: {item.key}`" + (f" and `locator: {locator}`" if locator else "")
        return (f"a quotation names its source in `source:`, not in its text: replace "
                f"`{written}` with {fields}")
    return "add `source: the id of a source`, and `locator: p. 10` for where the words stand"


def _text_hint(value: Any) -> str:
    """Why YAML read a text as something else, and how to keep it text."""
    rest = next(iter(value.values())) if isinstance(value, dict) and len(value) == 1 else []
    if rest is None:
        return (f"YAML read `{next(iter(value))}:` as a key, because it ends in `:`; put the "
                "whole text in quotes, \"…\"")
    if isinstance(rest, (str, int, float)):
        key = next(iter(value))
        written = f"{key}: {rest}"
        curly = next((mark for mark in TYPOGRAPHIC_QUOTES if mark in written), None)
        if curly:
            return (f"YAML read `{written}` as a key and a value, because of its `: `; "
                    f"`{curly}` is a typographic quote, not a YAML one: put the whole text in "
                    "straight quotes, \"…\"")
        return (f"YAML read `{written}` as a key and a value, because of its `: `; put the "
                "whole text in quotes, \"…\"")
    return "quote the value if YAML reads it as something else"


# What people call a kind of source, and the CSL type that is meant (BibTeX's names too).
TYPE_WORDS = {
    **dict.fromkeys(("convention", "covenant", "charter", "protocol", "agreement",
                     "international agreement"), "treaty"),
    **dict.fromkeys(("case", "judgment", "judgement", "decision", "jurisdiction", "ruling",
                     "court case"), "legal_case"),
    **dict.fromkeys(("statute", "act", "law", "code", "constitution"), "legislation"),
    **dict.fromkeys(("journal", "journal article", "paper"), "article-journal"),
    **dict.fromkeys(("newspaper", "news", "newspaper article"), "article-newspaper"),
    **dict.fromkeys(("website", "web", "web page", "online", "url", "site"), "webpage"),
    **dict.fromkeys(("blog", "blog post"), "post-weblog"),
    **dict.fromkeys(("misc", "other", "unpublished"), "document"),
    **dict.fromkeys(("inproceedings", "conference", "proceedings"), "paper-conference"),
    **dict.fromkeys(("phdthesis", "mastersthesis", "dissertation"), "thesis"),
    **dict.fromkeys(("techreport", "resolution", "working paper"), "report"),
    **dict.fromkeys(("incollection", "inbook", "book chapter"), "chapter"),
}


def did_you_mean_block(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in value:
            hint = did_you_mean(str(key), BLOCK_KINDS)
            if hint:
                return hint
    return "write `- claim: …`, `- quote: …`, `- text: …` or `- list: [...]`"


def _missing_hint(name: str) -> str | None:
    examples = {
        "title": "title: Fleeing North Korea",
        "date": "date: 2018-02-26",
        "summary": "summary: One paragraph that a minister reads first.",
        "organisation": "organisation: {name: Your organisation}",

        "name": "name: …",
        "heading": "heading: …",

        "to": "to: the addressee, e.g. The Government of China",

        "source": "source: the id of a source",
        "id": "id: a short key such as song2015",
        "type": "type: report (a CSL type)",
    }
    if name in MISSING_HINTS:
        return MISSING_HINTS[name]
    return f"add `{examples[name]}`" if name in examples else None


def describe(value: Any) -> str:
    """What kind of YAML value this is, in words."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"
