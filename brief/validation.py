"""pydantic's validation errors as messages a writer can act on.

pydantic says in its own terms which value failed and why; each error becomes a diagnostic at
the line and column where the key or value was written, with a hint saying what to write
instead: the key meant by a typo, the CSL type meant by "journal", quotes around a text that
YAML read as a key and a value.
"""

from __future__ import annotations

from typing import Any

from brief.diagnostics import Diagnostic, Location, did_you_mean, error
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
from brief.yaml_positions import TYPOGRAPHIC_QUOTES, SourceMap

ALLOWED_KEYS: dict[type, tuple[str, ...]] = {
    model: tuple(name for name in model.model_fields)
    for model in (Brief, Organisation, Author, Claim, Quote, Text, ListBlock, Section,
                  Recommendation)
}


def data_path(loc: tuple, data: Any) -> NodePath:
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


def node(data: Any, path: NodePath) -> Any:
    for part in path:
        data = data[part]
    return data


def typos(items: list[dict], data: dict) -> dict[NodePath, NodePath]:
    """Unknown keys that are a required key misspelt: the typo's path -> the key's path."""
    import difflib

    paths = [data_path(item["loc"], data) for item in items]
    missing = [path for item, path in zip(items, paths) if item["type"] == "missing" and path]
    typos: dict[NodePath, NodePath] = {}
    for item, path in zip(items, paths):
        if item["type"] == "extra_forbidden" and path:
            wanted = [m[-1] for m in missing if m[:-1] == path[:-1] and m not in typos.values()]
            # The typo's closest key of all that are allowed there must be the missing one.
            allowed = (_block_keys(node(data, path[:-1])) if len(path) == 5
                       and path[2] == "body" else _parent_keys(path)) or wanted
            close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
            if close and close[0] in wanted:
                typos[path] = path[:-1] + (close[0],)
    return typos


def diagnostics(items: list[dict], data: dict, where: SourceMap,
                typos: dict[NodePath, NodePath]) -> list[Diagnostic]:
    """One diagnostic per mistake: a required key written with a typo is reported once, at
    the typo, not also as missing."""
    result = []
    for item in items:
        path = data_path(item["loc"], data)
        if path in typos:
            result.append(error(where.key(path), f"unknown key `{path[-1]}`",
                                f"did you mean `{typos[path][-1]}`? It is required"))
        elif path not in typos.values():
            result.append(validation_diagnostic(item, data, where))
    return result


def validation_diagnostic(item: dict, data: Any, where: SourceMap) -> Diagnostic:
    """One pydantic error as a diagnostic at the place in the file of the value it is about."""
    path = data_path(item["loc"], data)
    kind = item["type"]
    name = str(path[-1]) if path else "brief"
    if kind == "extra_forbidden":
        container = node(data, path[:-1])
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
                     _quote_source_hint(node(data, parent)) if name == "source"
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
