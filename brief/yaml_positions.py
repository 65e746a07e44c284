"""Read a YAML file of the project (a brief, a brand file, a sources file) as plain data.

Every node's position is kept, so that validation failures and later checks can be reported at
the line and column where the user wrote the offending value. A file may come from a stranger,
so it is read within the limits of brief.limits: its size before it is read, its values and text
(counted with aliases expanded) before they are built, its nesting as it is built. YAML tags and
control characters are refused.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    display_path,
    error,
    location_at,
)
from brief.limits import LIMITS, read_limited, size_in_words
from brief.model import NodePath

MAX_DEPTH = LIMITS.yaml_depth
MAX_NODES = LIMITS.yaml_values
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


def read_yaml_file(path: Path, at: Location | None = None) -> tuple[Any, SourceMap]:
    """Any YAML file of the project (a brief, a brand file) as plain data with its positions."""
    shown = display_path(path)
    where = SourceMap(shown)
    return read_yaml(path, shown, where, (), at), where


def read_text(path: Path, shown: str, at: Location | None = None) -> str:
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


def read_yaml(path: Path, shown: str, where: SourceMap, root: NodePath,
              at: Location | None = None) -> Any:
    text = read_text(path, shown, at)
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
        raise BriefError([control_character_error(here, control.group(0))])
    return value


def control_character_error(at: Location, character: str) -> Diagnostic:
    return error(at, f"the text contains the control character U+{ord(character):04X}"
                 f"{CONTROL_NAMES.get(character, '')}, which prints as nothing or as a box",
                 "delete it (it is invisible in most editors), or the escape that wrote it, "
                 "such as \\a or \\x01")


# Characters no text shows: C0 and C1 controls but tab and line ends, and DEL. YAML lets them
# in through escapes ("\a", "\N", "\x01") only.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_NAMES = {"\x00": " (NUL)", "\x07": " (bell)", "\x08": " (backspace)", "\x1b": " (escape)",
                 "\x7f": " (delete)", "\x85": " (next line)"}
