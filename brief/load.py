"""Read a brief's YAML (and its CSL-JSON, CSL-YAML and BibTeX source files) into the model.

Every node's position is kept, so that validation failures and later checks can be reported at
the line and column where the user wrote the offending value.
"""

from __future__ import annotations

import bisect
import copy
import json
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
        patched = None if problems else _patched(data, failure, where, path, source_files)
        problems += [_diagnostic(item, data, where) for item in failure.errors()]
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
             source_files: list[Path]) -> LoadedBrief | None:
    """The brief with each part that failed validation replaced, or None if that fails too."""
    data = copy.deepcopy(data)
    stand_ins = set()
    for item in failure.errors():
        broken = _data_path(item["loc"], data)
        stand_ins.add(broken[:2])
        if not broken:
            continue
        if broken == ("sources",):
            return None  # every citation would look unknown
        if len(broken) == 1:
            if broken[0] in PLACEHOLDERS:
                data[broken[0]] = copy.deepcopy(PLACEHOLDERS[broken[0]])
            else:
                data.pop(broken[0], None)
        elif broken[0] == "sections" and len(broken) >= 4 and broken[2] == "body":
            data["sections"][broken[1]]["body"][broken[3]] = dict(PLACEHOLDER_BLOCK)
        elif broken[0] == "sources" and isinstance(broken[1], int):
            source = data["sources"][broken[1]]
            known_id = source.get("id") if isinstance(source, dict) else None
            data["sources"][broken[1]] = {"id": str(known_id or f"…{broken[1]}"),
                                          "type": "document"}
        elif isinstance(broken[1], int) and broken[0] in PLACEHOLDERS:
            data[broken[0]][broken[1]] = copy.deepcopy(PLACEHOLDERS[broken[0]][0])
        else:
            data[broken[0]] = copy.deepcopy(PLACEHOLDERS.get(broken[0], PLACEHOLDER_TEXT))
    try:
        return LoadedBrief(Brief.model_validate(data), where, path, source_files,
                           frozenset(stand_ins))
    except (ValidationError, TypeError, KeyError, IndexError, AttributeError):
        return None


# --- YAML ---------------------------------------------------------------------------------

def read_yaml_file(path: Path, at: Location | None = None) -> tuple[Any, SourceMap]:
    """Any YAML file of the project (a brief, a brand file) as plain data with its positions."""
    shown = display_path(path)
    where = SourceMap(shown)
    return _read_yaml(path, shown, where, (), at), where


def _read_text(path: Path, shown: str, at: Location | None = None) -> str:
    raw = read_limited(path, shown, at or Location(shown), "a brief, brand or sources file",
                       LIMITS.file_bytes)
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
            Location(shown, line, column), f"YAML syntax: {problem}", _yaml_hint(problem),
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


def _yaml_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a text containing `: ` must be quoted, or written as a block with `>`"
    if "found character '\\t'" in problem or "found a tab" in problem:
        return "YAML indents with spaces, not tabs"
    if "that cannot start any token" in problem:
        return "put text that starts with @, `, % or contains [@…] in quotes"
    if "could not find expected ':'" in problem:
        return "every line of a mapping is `key: value`; check the indentation"
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
    return _scalar(node)


# --- source files -------------------------------------------------------------------------

def _expand_sources(value: Any, folder: Path, where: SourceMap,
                    problems: list[Diagnostic], source_files: list[Path]) -> Any:
    """Replace each path in `sources` by the items of that file, keeping their positions."""
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list):
        return value
    old_values, old_keys = dict(where.values), dict(where.keys)
    items: list[Any] = []
    moved: dict[int, int] = {}  # index of an inline source as written -> in the expanded list
    for index, entry in enumerate(entries):
        here = ("sources",) if isinstance(value, str) else ("sources", index)
        at = where.value(here)
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
    if any(old != new for old, new in moved.items()):
        _move(old_values, old_keys, where, moved)
    return items


def _move(old_values: dict, old_keys: dict, where: SourceMap, moved: dict[int, int]) -> None:
    """Re-key positions of inline sources whose index changed when files were expanded
    (in one pass over the positions: a pass per source took minutes for 10,000 of them)."""
    for table, source in ((where.values, old_values), (where.keys, old_keys)):
        for path, location in source.items():
            if len(path) > 1 and path[0] == "sources" and path[1] in moved:
                table[("sources", moved[path[1]], *path[2:])] = location


def resolve_inside(folder: Path, relative: str, at: Location, what: str,
                   whose: str = "brief") -> Path:
    """A path named in a brief (or brand file), refused unless it stays inside its folder."""
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
        for offset, item in enumerate(items):
            where.values[("sources", first_index + offset)] = _bibtex_entry_location(
                text, shown, item.get("id", ""))
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
    return data


def bibtex_to_csl(text: str, shown: str) -> list[dict[str, Any]]:
    """Convert BibTeX/BibLaTeX with pandoc, the most faithful converter available."""
    from brief.pandoc import run_pandoc

    _refuse_bibtex_loops(text, shown)
    output = run_pandoc(["-f", "biblatex", "-t", "csljson"], text, Location(shown))
    try:
        items = json.loads(output) if output.strip() else []
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list) or (not items and "@" in text):
        raise BriefError([error(
            Location(shown), "no BibTeX entries could be read from this file",
            "check that each entry looks like @article{key, title = {...}, ...}",
        )])
    for item in items:
        # pandoc maps @misc to an empty type; CSL's nearest is "document".
        if not item.get("type"):
            item["type"] = "document"
    return items


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


def _bibtex_entry_location(text: str, shown: str, key: str) -> Location:
    match = re.search(r"@\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", text)
    return location_at(shown, text, match.start()) if match else Location(shown)


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


def _diagnostic(item: dict, data: dict, where: SourceMap) -> Diagnostic:
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
                     f"missing required key `{name}`", _missing_hint(name))
    at = where.value(path)
    if kind == "block_kind":
        return error(at, "a block needs one of the keys claim, quote, text or list",
                     did_you_mean_block(item.get("input")))
    if kind == "csl_type":
        return error(at, item["msg"], did_you_mean(str(item["input"]), CSL_TYPES)
                     or "common types: article-journal, report, book, chapter, "
                        "article-newspaper, webpage, legislation, treaty")
    if kind in ("csl_date", "brief_date", "csl_names"):
        return error(at, item["msg"])
    if kind == "string_type":
        return error(at, f"`{name}` should be text, not {describe(item.get('input'))}",
                     "quote the value if YAML reads it as something else")
    if kind == "list_type":
        return error(at, f"`{name}` should be a list", "start each item with `- `")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        # An item of a list has no name of its own: speak of the list it is in.
        what = (f"each item of `{path[-2]}`" if len(path) > 1 and isinstance(path[-1], int)
                else f"`{name}`")
        return error(at, f"{what} should be a mapping of keys, not "
                     f"{describe(item.get('input'))}")
    if kind in ("too_short", "string_too_short"):
        return error(at, f"`{name}` must not be empty")
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
        "sections": "sections: [{heading: …, body: [...]}]",
        "recommendations": "recommendations: [{to: …, actions: [...]}]",
        "name": "name: …",
        "heading": "heading: …",
        "body": "body: [- claim: …]",
        "to": "to: the addressee, e.g. The Government of China",
        "actions": "actions: [what they should do]",
        "source": "source: the id of a source",
        "id": "id: a short key such as song2015",
        "type": "type: report (a CSL type)",
    }
    if name == "sources":
        return "add `sources:` with one CSL item for each source you cite"
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
