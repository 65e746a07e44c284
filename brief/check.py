"""Lint rules over a loaded brief: what the model alone cannot say is wrong."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    did_you_mean,
    error,
    sort_diagnostics,
    warning,
)
from brief.load import LoadedBrief
from brief.markup import (
    FOREIGN_LABELS,
    KEY,
    LABEL_RE,
    LOCATOR_LABELS,
    SHORT_LABELS,
    code_spans,
    find_citations,
    find_images,
    is_known_label,
)
from brief.model import CSL_VARIABLES, Quote
from brief.limits import LIMITS
from brief.numbers import DIGITS, whole_number
from brief.pictures import read_picture
from brief.source_files import resolve_inside
from brief.validation import describe


def check_brief(loaded: LoadedBrief, allow_network: bool = False) -> list[Diagnostic]:
    """Every problem the brief has beyond its shape, errors and warnings alike."""
    return sort_diagnostics(_citations(loaded) + _pages(loaded) + _quotes(loaded)
                            + _sources(loaded)
                            + _ids(loaded) + _logo(loaded, allow_network)
                            + _images(loaded, allow_network) + _key_messages(loaded)
                            + _url(loaded) + _short_notes_alike(loaded) + _title(loaded)
                            + _counts(loaded))


def _counts(loaded: LoadedBrief) -> list[Diagnostic]:
    """Sources and citations within the budget: pandoc formats each in a few milliseconds,
    so tens of thousands would hold a build for many minutes."""
    brief, where = loaded.brief, loaded.where
    problems = []
    if len(brief.sources) > LIMITS.sources:
        problems.append(error(
            where.value(("sources", LIMITS.sources)), f"the brief has {len(brief.sources):,} "
            f"sources; a brief may have at most {LIMITS.sources:,}",
            "split it into several briefs"))
    clusters = brief.citations()
    if len(clusters) > LIMITS.citations:
        path, text, _, cluster = clusters[LIMITS.citations]
        problems.append(error(
            where.citation(path, text, cluster.items[0].offset),
            f"the brief has {len(clusters):,} citations; a brief may have at most "
            f"{LIMITS.citations:,} (this is number {LIMITS.citations + 1:,})",
            "split it into several briefs"))
    return problems


def _title(loaded: LoadedBrief) -> list[Diagnostic]:
    limit = LIMITS.title_characters
    return [error(loaded.where.value((key,)),
                  f"`{key}` is {len(value):,} characters long; it may be at most {limit:,}",
                  "put what does not fit in a title into the summary")
            for key in ("title", "subtitle")
            if len(value := getattr(loaded.brief, key) or "") > limit]


MAX_QR_URL = 2000  # a QR code at the handout's error correction holds about 2,300 bytes


def _url(loaded: LoadedBrief) -> list[Diagnostic]:
    url = loaded.brief.url
    if url and len(url.encode("utf-8")) > MAX_QR_URL:
        return [error(loaded.where.value(("url",)),
                      f"`url` is {len(url)} characters, too long for the handout's QR code",
                      f"use a shorter address (at most {MAX_QR_URL} characters)")]
    return []


def _citations(loaded: LoadedBrief) -> list[Diagnostic]:
    brief, where = loaded.brief, loaded.where
    known = dict.fromkeys(brief.source_ids())  # ordered for hints, a set for lookups
    hints: dict[str, str | None] = {}
    problems = []
    # Citations of an uncitable source by the id it is to get: reported once, at the source.
    meant = _ids_meant(brief)
    for path, text, _, cluster in brief.citations():
        for item in cluster.items:
            at = where.citation(path, text, item.offset)
            if item.key not in known and item.key not in meant:
                escape = "" if path[-1] == "source" else ", or write \\@ for a literal @"
                if item.key not in hints:  # once per key: 10,000 sources are compared
                    hints[item.key] = _unknown_source_hint(loaded, item.key, known)
                problems.append(error(
                    at, f"unknown source `{item.key}`",
                    hints[item.key] or f"add it to `sources`{escape}"))
            if item.locator_label and not is_known_label(item.locator_label):
                if path[-1] == "source":  # a quotation's note: its label is in `locator`
                    at = where.value(path[:-1] + ("locator",))
                english = FOREIGN_LABELS.get(item.locator_label.lower())
                problems.append(error(
                    at, f"`{item.locator_label}` is not a locator label",
                    f"type `{english}`: labels are typed in English, and printed as the "
                    "brief's language prints them" if english else
                    did_you_mean(item.locator_label, LOCATOR_LABELS)
                    or f"use one of {SHORT_LABELS} (or the word in full: page, "
                    "paragraph, chapter, section, article …)"))
    for path, text in brief.markdown_fields():
        is_claim = path[-1] == "claim"
        bare = _bare_keys(text, known)
        for offset, written, key in bare:
            # A claim whose only citations lack their @ has no citation: one error says both.
            report = error if is_claim and not find_citations(text) else warning
            problems.append(report(where.within(path, text, offset),
                                   f"`{written}` looks like a citation without its `@`",
                                   f"write `{written[:1]}@{written[1:]}` to cite `{key}`"))
        if is_claim and not bare and not find_citations(text):
            problems.append(error(
                where.value(path), "claim has no citation",
                "cite its source, e.g. [@song2015, p. 401], or make it a `text` block"))
    return problems


def _unknown_source_hint(loaded: LoadedBrief, key: str, known) -> str | None:
    """Items without a citation key come first: a citation of one of them names a key that
    is nowhere in the brief, and a known id that happens to be spelt alike is not the cause."""
    close = did_you_mean(key, known)
    keyless = _keyless_items(loaded)
    if not keyless:
        return close
    file, items = next(iter(keyless.items()))
    named = ", ".join(items[:3]) + (", …" if len(items) > 3 else "")
    some, have, which = (("an item", "has", "it") if len(items) == 1
                         else (f"{len(items)} items", "have", "one of them"))
    return (f"{some} of {file} ({named}) {have} no citation key, and `{key}` may be {which}: "
            f"export {file} again from Zotero 7 or with Better BibTeX, which write each "
            f"item's key as `citation-key`, or convert it with `brief sources import {file}` "
            "and cite the ids it gives" + (f"; or {close}" if close else ""))


def _keyless_items(loaded: LoadedBrief) -> dict[str, list[str]]:
    """The items of each sources file that have no citation key, by file: their ids are what
    Zotero's CSL JSON gives an item without one, its address (http://zotero.org/users/1/items/
    ABCD1234, shown as items/ABCD1234) or a number."""
    keyless: dict[str, list[str]] = {}
    for index, source in enumerate(loaded.brief.sources):
        file = loaded.where.value(("sources", index, "id")).path
        if file != loaded.where.brief_file and (not CITABLE_RE.fullmatch(source.id) or (
                whole_number(source.id) is not None and file.lower().endswith(".json"))):
            keyless.setdefault(file, []).append("/".join(source.id.rstrip("/").split("/")[-2:]))
    return keyless


def _ids_meant(brief) -> set[str]:
    uncitable = [source for source in brief.sources if not CITABLE_RE.fullmatch(source.id)]
    if not uncitable:
        return set()
    from brief.sources import made_id

    return {made_id(source.csl_json()) for source in uncitable}


BARE_KEY_RE = re.compile(rf"(?<![\\\w@!\]])\[(?P<key>{KEY})(?:,[^\[\]@]*)?\](?![(\[])")


def _bare_keys(text: str, known: list[str]) -> list[tuple[int, str, str]]:
    """`[hrw2018]` and `[hrw2018, p. 4]`, naming a source but without the @ that cites it:
    each one's offset, text and source id."""
    masked = list(text)
    for start, end in code_spans(text):
        masked[start:end] = " " * (end - start)
    masked = "".join(masked)
    return [(match.start(), match.group(0), match.group("key"))
            for match in BARE_KEY_RE.finditer(masked) if match.group("key") in known]


PAGE_LABELS = {"p.", "pp.", "page", "pages"}
# Arabic page numbers and ranges only: `e1234` (an article number) or `xi-xx` say nothing of
# the pages a citation may name.
PAGE_RANGE = rf"({DIGITS})(?:\s*(?:-+|–|—)\s*({DIGITS}))?(?![0-9])"  # 399-415, 399–415, 399--415
PAGE_LIST = rf"{PAGE_RANGE}(?:\s*,\s*{PAGE_RANGE})*"  # 4, 7-9
PAGES_RE = re.compile(rf"\s*{PAGE_LIST}\s*")
PAGE_RANGE_RE = re.compile(PAGE_RANGE)
CITED_PAGES_RE = re.compile(rf"\s*{PAGE_LIST}")
SUFFIX_RE = re.compile(rf"-?@{KEY}(?:\s?\[(?P<narrative>[^\[\]@]*)\]|(?P<bracketed>[^;\]]*))")


def _page_ranges(text: str) -> list[tuple[int, int]]:
    """`399-415`, `399–415`, `4, 7-9`, `450-52` as (first, last) pairs."""
    ranges = []
    for match in PAGE_RANGE_RE.finditer(text):
        first, last = match.group(1), match.group(2) or match.group(1)
        if len(last) < len(first):  # 450-52 means 450 to 452
            last = first[: len(first) - len(last)] + last
        ranges.append((whole_number(first), whole_number(last)))
    return ranges


def _cited_pages(text: str, offset: int) -> list[tuple[int, int]]:
    """The pages a citation's locator names (`p. 450`, `pp. 4-7`, or a bare number, which
    pandoc reads as a page); none when it names something else or no number."""
    match = SUFFIX_RE.match(text, offset)
    if not match:
        return []
    suffix = (match.group("narrative") if match.group("narrative") is not None
              else match.group("bracketed").removeprefix(",")) or ""
    label = LABEL_RE.match(suffix)
    if label:
        if label.group(1).lower() not in PAGE_LABELS:
            return []
        suffix = suffix[label.end():]
    number = CITED_PAGES_RE.match(suffix)
    return _page_ranges(number.group(0)) if number else []


def _pages(loaded: LoadedBrief) -> list[Diagnostic]:
    """A page cited outside the pages the source itself spans (`page: 378-401`, or its
    `number-of-pages`) is most likely a typo."""
    spans = {}
    for source in loaded.brief.sources:
        extra = source.model_extra or {}
        if isinstance(extra.get("page"), (str, int)) and PAGES_RE.fullmatch(str(extra["page"])):
            shown = str(extra["page"]).replace("--", "–").replace("-", "–")
            spans[source.id] = (_page_ranges(str(extra["page"])),
                                f"outside the pages of `{source.id}` ({shown})", "page")
        elif (count := whole_number(extra.get("number-of-pages"))) is not None:
            spans[source.id] = ([(1, count)], f"past the end of `{source.id}` ({count} pages)",
                                "number-of-pages")
    problems = []
    for path, text, _, cluster in loaded.brief.citations():
        for item in cluster.items:
            if item.key not in spans:
                continue
            ranges, outside_what, field = spans[item.key]
            # Read within the citation itself: a field may hold thousands of them.
            cited = _cited_pages(cluster.source, item.offset - cluster.start)
            outside = [page for first, last in cited
                       for page in (first, last)
                       if not any(low <= page <= high for low, high in ranges)]
            if outside:
                at = (loaded.where.value(path[:-1] + ("locator",)) if path[-1] == "source"
                      else loaded.where.citation(path, text, item.offset))
                problems.append(warning(
                    at, f"page {outside[0]} is {outside_what}",
                    f"check the page number, or the `{field}` of `{item.key}`"))
    return problems


def _quotes(loaded: LoadedBrief) -> list[Diagnostic]:
    """A quotation from a source with pages must say where in it the words stand."""
    paged = {source.id for source in loaded.brief.sources
             if (source.model_extra or {}).keys() & {"page", "number-of-pages"}}
    problems = []
    for s, section in enumerate(loaded.brief.sections):
        for b, block in enumerate(section.body):
            if isinstance(block, Quote) and not block.locator and block.source in paged:
                problems.append(error(
                    loaded.where.value(("sections", s, "body", b, "quote")),
                    f"quotation has no locator, and `{block.source}` has pages",
                    "add `locator: p. 10` so that readers can find the passage"))
    return problems


def _sources(loaded: LoadedBrief) -> list[Diagnostic]:
    brief, where = loaded.brief, loaded.where
    problems = []
    seen: dict[str, int] = {}
    for index, source in enumerate(brief.sources):
        here = ("sources", index)
        if source.id in seen:
            first = where.value(("sources", seen[source.id], "id"))
            problems.append(error(
                where.value(here + ("id",)), f"duplicate source id `{source.id}`",
                f"it is already used at {first.path}:{first.line}:{first.column}"))
        seen.setdefault(source.id, index)
        for key, value in (source.model_extra or {}).items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problems.append(error(
                    where.value(here + (key,)), f"`{key}` should be text, not {describe(value)}",
                    "quote the value if YAML reads it as something else"))
            if key not in CSL_VARIABLES:
                problems.append(warning(
                    where.key(here + (key,)), f"`{key}` is not a CSL variable; it is ignored",
                    did_you_mean(key, CSL_VARIABLES)))
    problems += _uncitable_ids(loaded)
    cited = Counter(item.key for *_, cluster in brief.citations() for item in cluster.items)
    for index, source in enumerate(brief.sources):
        if ("sources", index) in loaded.stand_ins:
            continue  # a broken source, already reported
        if source.id not in cited and seen.get(source.id) == index \
                and CITABLE_RE.fullmatch(source.id):
            at = where.value(("sources", index, "id"))
            numbered = whole_number(source.id) is not None and at.path.lower().endswith(".json")
            problems.append(warning(
                at, f"source `{source.id}` is never cited",
                f"its id is an item number, not a citation key: export {at.path} again "
                "from Zotero 7 or with Better BibTeX, which write each item's key as "
                "`citation-key`" if numbered else "cite it, or remove it from `sources`"))
    return problems


CITABLE_RE = re.compile(KEY)


def _uncitable_ids(loaded: LoadedBrief) -> list[Diagnostic]:
    """Ids no `[@…]` can reach, as in Zotero's CSL JSON, whose ids are item addresses."""
    problems = []
    for index, source in enumerate(loaded.brief.sources):
        if CITABLE_RE.fullmatch(source.id):
            continue
        from brief.sources import made_id

        at = loaded.where.value(("sources", index, "id"))
        suggested = made_id(source.csl_json())
        if at.path == loaded.where.brief_file:
            hint = f"give it a short id, such as `{suggested}`"
        else:
            field = (f'"citation-key": "{suggested}"' if at.path.lower().endswith(".json")
                     else f"citation-key: {suggested}")
            hint = (f"convert {at.path} with `brief sources import {at.path}`, which gives "
                    f"this source the id `{suggested}`, or add `{field}` to it")
        problems.append(error(at, f"the id `{source.id}` cannot be cited with [@…]", hint))
    return problems


def _short_notes_alike(loaded: LoadedBrief) -> list[Diagnostic]:
    """Two cited sources whose later, short notes would read the same, even after brief
    lengthened the short titles it derives: the reader could not tell them apart."""
    from brief.cite import with_distinct_short_titles

    brief = loaded.brief
    cited = {item.key for *_, cluster in brief.citations() for item in cluster.items}
    first_of = {}  # a second source with the same id is an error of its own
    for i, source in enumerate(brief.sources):
        first_of.setdefault(source.id, i)
    indices = [i for i, source in enumerate(brief.sources) if source.id in cited
               and first_of[source.id] == i and ("sources", i) not in loaded.stand_ins]
    items, alike = with_distinct_short_titles([brief.sources[i].csl_json() for i in indices])
    problems = []
    for first, second in alike:
        source, other = brief.sources[indices[second]], brief.sources[indices[first]]
        short = items[second].get("title-short") or items[second].get("title")
        problems.append(warning(
            loaded.where.value(("sources", indices[second], "id")),
            f"sources `{other.id}` and `{source.id}` have the same authors and short title "
            f"(“{short}”): their later notes may not tell them apart",
            f"give `{source.id}` a `title-short` of its own"))
    return problems


def _ids(loaded: LoadedBrief) -> list[Diagnostic]:
    brief, where = loaded.brief, loaded.where
    problems = []
    seen: set[str] = set()
    for s, section in enumerate(brief.sections):
        blocks = [(("sections", s), section.id)] + [
            (("sections", s, "body", b), getattr(block, "id", None))
            for b, block in enumerate(section.body)]
        for path, block_id in blocks:
            if block_id is None:
                continue
            if block_id in seen:
                problems.append(error(where.value(path + ("id",)), f"duplicate id `{block_id}`",
                                      "ids name one section or block each"))
            elif LAYOUT_IDS.fullmatch(block_id):
                problems.append(error(where.value(path + ("id",)),
                                      f"the id `{block_id}` is one the layout gives its own parts",
                                      "choose another id; summary, key-messages, "
                                      "recommendations, notes, sources, evidence, key-sources "
                                      "and ids such as note-3, section-2 or ref-song2015 are "
                                      "taken"))
            seen.add(block_id)
    return problems


# Ids of the layouts' own parts (every id="…" in templates/, the Evidence appendix and the
# handout's too): a link to a section or block must not lead to one of them instead. Reserved
# rather than prefixed: a user's id is the anchor readers link to (brief.html#routes), so it
# stays as written.
LAYOUT_IDS = re.compile(r"summary|key-messages|key-sources|recommendations|sources|notes"
                        r"|notes-heading|contents-heading|evidence"
                        r"|(note|note-call|endnote|section)-\d+|ref-.*")


IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


def is_web_address(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def resolve_picture(folder: Path, written: str, at: Location, what: str,
                    allow_network: bool) -> str | Path:
    """The one place a logo or picture is resolved: a web address (when allowed) or the
    resolved path of an SVG, PNG or JPEG file inside the brief's folder. The check calls it, and
    rendering embeds exactly the file it returns; anything else is a located BriefError."""
    if is_web_address(written):
        if allow_network:
            return written
        raise BriefError([error(
            at, f"{what} `{written}` is on the web, and brief does not go online by itself",
            "save the picture beside the brief, or build with --allow-network")])
    path = resolve_inside(folder, written, at, what)
    if not path.is_file():
        raise BriefError([error(at, f"{what} not found: {written}",
                                "paths are relative to the brief's folder")])
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise BriefError([error(at, f"`{written}` is not an SVG, PNG or JPEG image")])
    return path


def _picture(loaded: LoadedBrief, written: str, at: Location, what: str,
             allow_network: bool) -> list[Diagnostic]:
    try:
        resolved = resolve_picture(loaded.folder, written, at, what, allow_network)
        if isinstance(resolved, Path):
            read_picture(resolved, written, at)  # within the budget, or a located error
    except BriefError as failure:
        return failure.diagnostics
    return []


def _logo(loaded: LoadedBrief, allow_network: bool) -> list[Diagnostic]:
    logo = loaded.brief.organisation.logo
    if not logo:
        return []
    return _picture(loaded, logo, loaded.where.value(("organisation", "logo")), "logo",
                    allow_network)


def _images(loaded: LoadedBrief, allow_network: bool) -> list[Diagnostic]:
    """Pictures are for `text` blocks, from the brief's folder, and need alt text."""
    problems = []
    for path, text in loaded.brief.markdown_fields():
        for image in find_images(text):
            at = loaded.where.within(path, text, image.offset)
            if path[-1] != "text":
                problems.append(error(at, "pictures are allowed only in `text` blocks",
                                      "move the picture into a `- text:` block of its own"))
                continue
            if not image.alt:
                problems.append(error(at, "picture has no alt text",
                                      "describe it for readers who cannot see it: "
                                      "![what the picture shows](file.png)"))
            problems += _picture(loaded, image.source, at, "picture", allow_network)
    return problems


def _key_messages(loaded: LoadedBrief) -> list[Diagnostic]:
    count = len(loaded.brief.key_messages)
    if count and not 3 <= count <= 5:
        return [warning(loaded.where.value(("key_messages",)),
                        f"{count} key message{'s' if count > 1 else ''}; a brief reads best "
                        "with 3 to 5",
                        "keep the points a reader must remember")]
    return []
