"""Lint rules over a loaded brief: what the model alone cannot say is wrong."""

from __future__ import annotations

from collections import Counter

from brief.diagnostics import (
    BriefError,
    Diagnostic,
    Location,
    did_you_mean,
    error,
    sort_diagnostics,
    warning,
)
from brief.load import LoadedBrief, describe, resolve_inside
from brief.markup import (
    LOCATOR_LABELS,
    SHORT_LABELS,
    find_citations,
    find_images,
    is_known_label,
)
from brief.model import CSL_VARIABLES, Claim, Quote
from brief.limits import LIMITS
from brief.pictures import read_picture


def check_brief(loaded: LoadedBrief, allow_network: bool = False) -> list[Diagnostic]:
    """Every problem the brief has beyond its shape, errors and warnings alike."""
    return sort_diagnostics(_citations(loaded) + _quotes(loaded) + _sources(loaded)
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
    for path, text, _, cluster in brief.citations():
        for item in cluster.items:
            at = where.citation(path, text, item.offset)
            if item.key not in known:
                escape = "" if path[-1] == "source" else ", or write \\@ for a literal @"
                if item.key not in hints:  # once per key: 10,000 sources are compared
                    hints[item.key] = did_you_mean(item.key, known)
                problems.append(error(
                    at, f"unknown source `{item.key}`",
                    hints[item.key] or f"add it to `sources`{escape}"))
            if item.locator_label and not is_known_label(item.locator_label):
                problems.append(error(
                    at, f"`{item.locator_label}` is not a locator label",
                    did_you_mean(item.locator_label, LOCATOR_LABELS)
                    or f"use one of {SHORT_LABELS} (or the word in full: page, "
                    "paragraph, chapter, section, article …)"))
    for s, section in enumerate(brief.sections):
        for b, block in enumerate(section.body):
            if isinstance(block, Claim) and not find_citations(block.claim):
                problems.append(error(
                    where.value(("sections", s, "body", b, "claim")), "claim has no citation",
                    "cite its source, e.g. [@song2015, p. 401], or make it a `text` block"))
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
    cited = Counter(item.key for *_, cluster in brief.citations() for item in cluster.items)
    for index, source in enumerate(brief.sources):
        if ("sources", index) in loaded.stand_ins:
            continue  # a broken source, already reported
        if source.id not in cited and seen.get(source.id) == index:
            problems.append(warning(
                where.value(("sources", index, "id")), f"source `{source.id}` is never cited",
                "cite it, or remove it from `sources`"))
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
            seen.add(block_id)
    return problems


IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


def is_web_address(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _picture(loaded: LoadedBrief, written: str, at: Location, what: str,
             allow_network: bool) -> list[Diagnostic]:
    """A logo or image: a file inside the brief's folder, or a web address when allowed."""
    if is_web_address(written):
        return [] if allow_network else [error(
            at, f"{what} `{written}` is on the web, and brief does not go online by itself",
            "save the picture beside the brief, or build with --allow-network")]
    try:
        path = resolve_inside(loaded.folder, written, at, what)
    except BriefError as failure:
        return failure.diagnostics
    if not path.is_file():
        return [error(at, f"{what} not found: {written}", "paths are relative to the brief's folder")]
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return [error(at, f"`{written}` is not an SVG, PNG or JPEG image")]
    try:
        read_picture(path, written, at)
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
