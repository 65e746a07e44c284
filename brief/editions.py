"""Editions of one brief in other languages: the texts a translator translates, and an edition
made from the master brief and its language's catalog.

An organisation keeps one master brief and one catalog per language beside it
(`STEM.fr.po`, `STEM.ko.xlf`). An edition is the master's data with the catalog's translations in
place of its texts, its sources' versions in that language merged in, and the positions of the
translated texts moved to the catalog, so that every later check reports a mistake in a
translation at its line in the catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief.catalog import (Catalog, Counts, Entry, catalog_path, catalogs_beside,
                           read_catalog)
from brief.diagnostics import BriefError, Diagnostic, Location, display_path, error, warning
from brief.markup import find_citations
from brief.model import NodePath
from brief.yaml_positions import SourceMap


@dataclass
class Translatable:
    """One text a reader sees, as the catalog names it."""

    path: NodePath  # where it stands in the master's data
    key: str  # the catalog's msgctxt: stable while the brief's ids are
    kind: str  # what it is, in messages: "claim", "quotation"
    note: str = ""  # more for the translator: "from coi2014, p. 10 …"
    optional: bool = False  # left untranslated, the master's stands without a warning

    @property
    def comment(self) -> str:
        return f"{self.kind}: {self.note}" if self.note else self.kind


@dataclass
class Edition:
    """What an edition changed in the master: for the checks and the layout."""

    master: Any  # the master brief, loaded (brief.load.LoadedBrief): its copies check originals
    own_translations: set[NodePath] = field(default_factory=set)  # quotations we translated
    versioned_quotations: set[NodePath] = field(default_factory=set)  # checked against a version
    untranslated: set[NodePath] = field(default_factory=set)  # the master's text stands there


def translatables(data: Any) -> list[Translatable]:
    """Every text of a brief's data that a reader sees, in reading order."""
    return list(_translatables(data)) if isinstance(data, dict) else []


def _translatables(data: dict) -> Iterator[Translatable]:
    def text(path: NodePath, key: str, kind: str, note: str = "",
             optional: bool = False) -> Iterator[Translatable]:
        value: Any = data
        for step in path:
            if isinstance(value, dict) and isinstance(step, str):
                value = value.get(step)
            elif isinstance(value, list) and isinstance(step, int) and step < len(value):
                value = value[step]
            else:
                return
        if isinstance(value, str) and value.strip():
            yield Translatable(path, key, kind, note, optional)

    yield from text(("title",), "title", "title")
    yield from text(("subtitle",), "subtitle", "subtitle")
    yield from text(("series",), "series", "series", "e.g. Policy Brief No. 1")
    yield from text(("summary",), "summary", "summary")
    yield from _numbered(data, "key_messages", lambda i: text(
        ("key_messages", i), f"key_messages.{i}", "key message"))
    for s, section in _items(data.get("sections")):
        place = str(section.get("id") or f"sections.{s}")
        yield from text(("sections", s, "heading"), f"{place}.heading", "section heading")
        for b, block in _items(section.get("body")):
            here = ("sections", s, "body", b)
            base = str(block.get("id") or f"{place}.body.{b}")
            yield from text(here + ("claim",), f"{base}.claim", "claim")
            yield from text(here + ("text",), f"{base}.text", "text")
            if isinstance(block.get("list"), list):
                for i in range(len(block["list"])):
                    yield from text(here + ("list", i), f"{base}.list.{i}", "list item")
            source = f"from {block.get('source')}" + (
                f", {block['locator']}" if block.get("locator") else "")
            yield from text(here + ("quote",), f"{base}.quote", "quotation", (
                f"{source}. Where the source is published in your language, copy its words "
                "from that edition; otherwise translate it, and it is marked as our "
                "translation"))
            yield from text(here + ("locator",), f"{base}.locator", "quotation's page",
                            "where the quoted words stand in your language's edition of the "
                            "source, when its pages differ (as the master writes it: p. 12); "
                            "leave it empty otherwise", optional=True)
            yield from text(here + ("speaker",), f"{base}.speaker", "speaker",
                            f"who said the quotation {source}")
    for r, recommendation in _items(data.get("recommendations")):
        yield from text(("recommendations", r, "to"), f"recommendations.{r}.to",
                        "addressee", "whom the recommendations below are for")
        yield from _numbered(recommendation, "actions", lambda a: text(
            ("recommendations", r, "actions", a), f"recommendations.{r}.actions.{a}",
            "recommended action"))
    yield from text(("organisation", "name"), "organisation.name", "organisation's name")
    yield from text(("organisation", "about"), "organisation.about",
                    "text about the organisation")
    for a, _author in _items(data.get("authors")):
        yield from text(("authors", a, "name"), f"authors.{a}.name", "author's name",
                        "as readers of your language write it; copy it if it is the same")
        yield from text(("authors", a, "role"), f"authors.{a}.role", "author's role")
    yield from _numbered(data, "keywords", lambda i: text(
        ("keywords", i), f"keywords.{i}", "keyword", "for search and the PDF's properties"))
    yield from text(("licence",), "licence", "licence line")
    yield from text(("url",), "url", "address", (
        "of this edition on the web; where it has none of its own, copy the address as it is"))


def _items(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


def _numbered(container: Any, name: str, each) -> Iterator[Translatable]:
    if isinstance(container, dict) and isinstance(container.get(name), list):
        for i in range(len(container[name])):
            yield from each(i)


def value_at(data: Any, path: NodePath) -> Any:
    for step in path:
        data = data[step]
    return data


def master_entries(data: Any, where: SourceMap) -> list[Entry]:
    """The master's texts as catalog entries, each with what it is and where it stands."""
    entries = []
    for item in translatables(data):
        words = value_at(data, item.path)
        at = where.value(item.path)
        comment = item.comment
        if any(True for _ in find_citations(words)):
            comment += ("\nKeep each citation such as [@id, p. 4] as it is: brief prints "
                        "it in your language's citation style.")
        entries.append(Entry(item.key, words, comment=comment,
                             reference=f"{Path(at.path).name}:{at.line}"))
    return entries


def translate_into(data: dict, where: SourceMap, catalog: Catalog,
                   problems: list[Diagnostic]) -> dict[NodePath, str]:
    """Put the catalog's translations in place of the master's texts in `data`, and their
    positions in place of the master's; return the master's text of each path translated.

    What cannot be used (untranslated, to review, out of date) leaves the master's text in
    place, with a warning at the catalog's entry; a translation whose citations differ from
    its original's is an error there.
    """
    where.texts[catalog.shown] = catalog.text
    by_key = {entry.key: entry for entry in catalog.entries}
    originals: dict[NodePath, str] = {}
    hint_update = f"run `brief translate {Path(where.brief_file).name} --to {catalog.language}`"
    for item in translatables(data):
        original = value_at(data, item.path)
        entry = by_key.get(item.key)
        at = entry.at if entry and entry.at else catalog.at or Location(catalog.shown)
        if entry is None:
            problems.append(warning(
                where.value(item.path), f"not in {catalog.shown}: this {item.kind} stands "
                f"in the {catalog.language} edition as it is here", f"{hint_update}, which adds "
                "it to the catalog for translation"))
            continue
        if entry.text != original:
            problems.append(warning(
                at, f"the master's {item.kind} has changed since this was translated; the "
                "master's text stands in", f"{hint_update}, which marks it for review "
                "(fuzzy) with the old text beside it"))
            continue
        if not entry.translation.strip():
            if not item.optional:
                problems.append(warning(at, f"not translated yet: the master's {item.kind} "
                                        "stands in", "translate it in the catalog"))
            continue
        if entry.fuzzy:
            problems.append(warning(
                at, f"this translation is marked for review (fuzzy): the master's "
                f"{item.kind} stands in", "check it against the master's text, then mark it "
                "done (in a PO editor, clear its fuzzy flag; in XLIFF, set its state to "
                "translated)"))
            continue
        if problem := _citations_differ(original, entry.translation, at):
            problems.append(problem)
            continue
        problems += _pages_differ(original, entry.translation, at)
        _replace(data, item.path, entry.translation)
        where.values[item.path] = at
        originals[item.path] = original
    return originals


def _replace(data: Any, path: NodePath, value: str) -> None:
    value_at(data, path[:-1])[path[-1]] = value


def _citations_differ(original: str, translation: str, at: Location) -> Diagnostic | None:
    """An error when the translation cites other sources than its original, or as often."""
    def keys(text: str) -> Counter:
        return Counter(item.key for cluster in find_citations(text) for item in cluster.items)

    cited, translated = keys(original), keys(translation)
    if cited == translated:
        return None
    missing = sorted((cited - translated).elements())
    added = sorted((translated - cited).elements())
    said = "; ".join(part for part in (
        missing and "it leaves out " + ", ".join(f"[@{key}]" for key in missing),
        added and "it adds " + ", ".join(f"[@{key}]" for key in added)) if part)
    return error(at, f"the translation's citations differ from the original's: {said}",
                 "keep every citation of the original as it is written there, with its source "
                 "id and locator; it may move within the sentence as your language's word "
                 "order asks")


def _pages_differ(original: str, translation: str, at: Location) -> list[Diagnostic]:
    """A warning for each source the translation cites at other numbers than the original
    (p. 9 for p. 2): the label may be the language's, the numbers are the source's."""
    def numbers(text: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for cluster in find_citations(text):
            for part in cluster.source.strip("[]").split(";"):
                cited = next((item.key for item in cluster.items
                              if re.search(rf"@{re.escape(item.key)}(?![\w:.#$%&+?<>~/-])",
                                           part)), None)
                if cited is not None:
                    after = part.split("@" + cited, 1)[1]
                    found.setdefault(cited, []).extend(re.findall(r"\d+", after))
        return found

    cited, translated = numbers(original), numbers(translation)
    def shown(pages: list[str]) -> str:
        return ", ".join(pages) or "no page"

    return [warning(at, f"the translation cites [@{key}] at {shown(translated[key])}, the "
                    f"original at {shown(pages)}",
                    "the pages are the source's: keep the original's numbers")
            for key, pages in cited.items() if translated.get(key, pages) != pages]


def merge_versions(data: dict, where: SourceMap, language: str) -> dict[str, set[str]]:
    """Merge each source's version in `language` (or its base language) into the source, its
    positions with it; return, per source id, the fields the version gave."""
    given: dict[str, set[str]] = {}
    sources = data.get("sources")
    if not isinstance(sources, list):
        return given
    for index, source in enumerate(sources):
        versions = source.get("versions") if isinstance(source, dict) else None
        if not isinstance(versions, dict):
            continue
        tag = next((tag for tag in versions if str(tag).lower() == language.lower()), None) \
            or next((tag for tag in versions
                     if str(tag).lower() == language.split("-")[0].lower()), None)
        version = versions.get(tag) if tag is not None else None
        if not isinstance(version, dict):
            continue
        from_path = ("sources", index, "versions", tag)
        for table in (where.values, where.keys):
            for path, at in list(table.items()):
                if path[:4] == from_path and len(path) > 4:
                    table[("sources", index) + path[4:]] = at
        source.update(version)
        if "language" not in version:  # a version is in its own language: marked so
            source["language"] = str(tag)
        given[str(source.get("id"))] = set(version)
    return given


def apply_edition(data: dict, where: SourceMap, path: Path, language: str,
                  problems: list[Diagnostic]) -> tuple[dict[NodePath, str], set[str]]:
    """Make `data` (the master's) the edition in `language`: its catalog's translations, its
    sources' versions; return the originals of what was translated, and the ids of sources
    whose version has its own copy."""
    catalog_file = catalog_path(path, language)
    shown = display_path(catalog_file)
    if not catalog_file.exists():
        raise BriefError([error(
            Location(where.brief_file), f"there is no {language} edition: {shown} is missing",
            f"run `brief translate {path.name} --to {language}` to start one")])
    catalog = read_catalog(catalog_file, shown)
    master_language = str(data.get("language") or "en")
    if catalog.language.lower() == master_language.lower():
        raise BriefError([error(
            catalog.at or Location(shown), f"the catalog is in {catalog.language}, the "
            "master's own language", "a catalog holds a translation into another language")])
    versions = merge_versions(data, where, catalog.language)
    originals = translate_into(data, where, catalog, problems)
    data["language"] = catalog.language
    where.values[("language",)] = catalog.at or Location(shown)
    with_copies = {key for key, fields in versions.items() if "file" in fields}
    return originals, with_copies


@dataclass(frozen=True)
class OtherEdition:
    language: str
    name: str  # the language's name in itself: "français", "한국어"
    url: str | None


def language_name(language: str) -> str:
    """A language's name as its readers write it, capitalised as in a list of languages."""
    from babel.core import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language.replace("-", "_")).get_display_name(
            language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:] if name else language


def other_editions(loaded) -> list[OtherEdition]:
    """The master and every edition beside it, but this one: language, name, web address.

    An edition's address is its catalog's translated `url`; one not translated (or to review)
    is no address of its own, so none is given. A catalog that cannot be read is left out
    here: building that edition reports why.
    """
    master = loaded.edition.master.brief if loaded.edition else loaded.brief
    own = loaded.brief.language.lower()
    found = [] if master.language.lower() == own else [
        OtherEdition(master.language, language_name(master.language), master.url)]
    for language, catalog_file in catalogs_beside(loaded.path).items():
        if language.lower() == own:
            continue
        try:
            catalog = read_catalog(catalog_file, display_path(catalog_file))
        except BriefError:
            continue
        url = next((entry.translation.strip() for entry in catalog.entries
                    if entry.key == "url" and entry.text == master.url
                    and entry.translation.strip() and not entry.fuzzy), None)
        found.append(OtherEdition(catalog.language, language_name(catalog.language), url))
    return found


def catalog_files(loaded) -> list[Path]:
    """The catalogs a build of this brief read: its own, and the others it names."""
    return list(catalogs_beside(loaded.path).values())


def update_catalog(path: Path, language: str, format: str | None) -> tuple[Path, Counts]:
    """Write or update the catalog of the master brief at `path` for `language`, merged as
    msgmerge merges: nothing a translator wrote is lost. Return its path and the counts."""
    from brief.catalog import catalog_bytes, merge
    from brief.load import load_brief
    from brief.output import write_output
    from brief.yaml_positions import read_yaml_file

    master = load_brief(path)  # a master with errors is fixed first: its texts may change
    if language.lower() == master.brief.language.lower():
        raise BriefError([error(
            master.where.value(("language",)), f"the brief is written in {language} already",
            "name the language to translate it into, e.g. --to fr")])
    existing = {found.lower(): file for found, file in catalogs_beside(path).items()}
    target = catalog_path(path, language, format)
    old_file = existing.get(language.lower())
    if old_file is not None and old_file.suffix != target.suffix:
        raise BriefError([error(
            Location(display_path(old_file)), f"the {language} catalog is {old_file.name}; "
            f"a second one ({target.name}) would leave two translations",
            f"leave out --format to update {old_file.name}, or rename it first")])
    old = read_catalog(old_file, display_path(old_file)) if old_file else None
    data, where = read_yaml_file(path)
    merged, counts = merge(master_entries(data, where), old, language)
    merged.source_language = master.brief.language
    kind = "xliff" if target.suffix == ".xlf" else "po"
    write_output(catalog_bytes(merged, kind, path.name), target, display_path(target))
    return target, counts
