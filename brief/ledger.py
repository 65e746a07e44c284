"""The evidence ledger: every passage of a brief that cites, each source and pinpoint it cites,
and what the check against the source's copy found; as a table, CSV, or a W3C Web Annotation
collection (JSON) that annotation tools can read."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from brief import typography
from brief.diagnostics import Location
from brief.evidence import Check, Evidence, pinpoint
from brief.load import LoadedBrief
from brief.markup import find_citations, plain_text
from brief.model import NodePath, Quote
from brief.render import labels_for

KINDS = {"summary": "summary sentence", "key_messages": "key message", "claim": "claim",
         "quote": "quotation", "text": "text", "list": "list item",
         "recommendations": "recommendation", "about": "about"}
# The kinds and statuses above are the machine values of the CSV and JSON ledgers; people
# read them in the brief's language, as labels (templates/labels.json).
KIND_LABELS = {"summary sentence": "kind_summary", "key message": "kind_key_message",
               "claim": "kind_claim", "quotation": "kind_quotation", "text": "kind_text",
               "list item": "kind_list", "recommendation": "kind_recommendation",
               "about": "kind_about"}
STATUS_LABELS = {"verified": "verified", "other page": "other_page", "not found": "not_found",
                 "no copy": "no_copy", "no excerpt": "no_excerpt"}
# A full stop, question or exclamation mark (and a closing mark), spaces, then what may open a
# sentence (an opening mark, ¿ or ¡) and a capital or a digit: a sentence may end here.
SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'\u201d\u2019\u00bb)]?\s+(?=[\"'\u201c\u2018\u201e\u00ab(¿¡]*\s?(\w))")
# A word before a full stop that does not end a sentence: an abbreviation that names what
# follows (`Art. 3`, `S. 5`, `No. 7`, `e. V.`), or an initial.
ABBREVIATION_RE = re.compile(r"(?:^|[\s(])(?:\w|" + "|".join(
    re.escape(word[:-1]) for word in typography.NUMBERED_WORDS if word.endswith(".")) + r")\.$")


@dataclass(frozen=True)
class Row:
    """One source cited by one passage of the brief, with its evidence."""

    kind: str
    location: Location
    text: str  # the passage, as plain text without its citations
    source: str
    pinpoint: str | None
    status: str  # verified, other page, not found, no copy, no excerpt
    check: Check | None


def evidence_words(row: Row, labels: dict[str, str]) -> str:
    """A row's status in the words of `labels`, with the pages the words were found on."""
    check = row.check
    pages = None
    if check and check.page:
        pages = (labels["evidence_pages"].format(first=check.page, last=check.last_page)
                 if check.last_page else labels["evidence_page"].format(page=check.page))
    if row.status == "verified" and pages:
        return labels["evidence_verified_at"].format(pages=pages)
    if row.status == "other page" and pages:
        return labels["evidence_other_page_at"].format(pages=pages)
    return labels["evidence_" + STATUS_LABELS[row.status]]


def pinpoint_words(pinpoint: str | None, language: str, at: Location) -> str:
    """A pinpoint as typed (`p. 401`, `para. 9`), with its label in the brief's language, as
    the notes print it (`S. 401` in German, `paragr. 9` in French)."""
    from brief.cite import locator_spelling

    if not pinpoint or language.split("-")[0].lower() == "en":
        return pinpoint or ""
    label, space, rest = pinpoint.partition(" ")
    spelling = locator_spelling(language, at)
    return spelling[label.lower()] + space + rest if label.lower() in spelling else pinpoint


def kind_words(kind: str, labels: dict[str, str]) -> str:
    """What a passage is (`claim`, `key message` …) in the words of `labels`."""
    return labels[KIND_LABELS[kind]] if kind in KIND_LABELS else kind


def ledger_rows(loaded: LoadedBrief, evidence: Evidence) -> list[Row]:
    """A row for each source each citing passage cites, in reading order."""
    brief, where, rows = loaded.brief, loaded.where, []
    for path, text in brief.markdown_fields():
        if path[-1] == "source":
            continue  # a quotation's own note: its row is the quotation's
        block = _block(loaded, path)
        if isinstance(block, Quote):
            check = evidence.for_path(path, block.source)
            rows.append(Row("quotation", where.value(path),
                            plain_text(block.quote, brief.language),
                            block.source, block.locator, check.status if check else "no copy",
                            check))
            continue
        kind = KINDS[path[4]] if path[0] == "sections" else KINDS.get(
            str(path[0])) or KINDS.get(str(path[-1]), "text")
        for sentence, offset in _sentences(text) if path == ("summary",) else [(text, 0)]:
            keys = list(dict.fromkeys(item.key for cluster in find_citations(sentence)
                                      for item in cluster.items))
            for key in keys:
                locator, _ = pinpoint(sentence, key)
                check = evidence.for_path(path[:-1] + ("evidence", key), key) \
                    if path[-1] == "claim" else None
                status = check.status if check else (
                    "no copy" if path[-1] == "claim" and _has_excerpt(block, key)
                    else "no excerpt")
                rows.append(Row(kind, where.within(path, text, offset),
                                plain_text(sentence, brief.language), key, locator, status,
                                check))
    return rows


def _block(loaded: LoadedBrief, path: NodePath):
    if path[0] == "sections" and len(path) >= 4:
        return loaded.brief.sections[path[1]].body[path[3]]
    return None


def _has_excerpt(block, key: str) -> bool:
    return bool(getattr(block, "evidence", None)) and key in block.evidence


def _sentences(text: str) -> list[tuple[str, int]]:
    """The sentences of a text with where each starts; full stops inside citations
    (`p. 401`) end none."""
    masked = list(text)
    for cluster in find_citations(text):
        masked[cluster.start:cluster.end] = "x" * (cluster.end - cluster.start)
    found, start = [], 0
    for match in SENTENCE_END.finditer("".join(masked)):
        opening = match.group(1)
        if not (opening.isupper() or opening.isdigit()) \
                or ABBREVIATION_RE.search(text[max(start, match.start() - 12):match.start()]):
            continue
        found.append((text[start:match.start()].strip(), start))
        start = match.end()
    found.append((text[start:].strip(), start))
    return [(sentence, offset) for sentence, offset in found if sentence]


def summary(rows: list[Row], labels: dict[str, str] | None = None) -> str:
    """How many rows have each status: `3 verified, 1 no copy` (in English by default)."""
    labels = labels or labels_for("en")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return ", ".join(
        labels["ledger_count_item"].format(count=counts[status],
                                           status=labels["status_" + STATUS_LABELS[status]])
        for status in STATUS_LABELS if counts.get(status))


# --- formats ---------------------------------------------------------------------------------
# One encoder each: what the brief and its copies say is data in every format, never markup a
# renderer would obey or a formula a spreadsheet would run.

MARKDOWN_MARKUP = re.compile(r"[\\`*_\[\]<>&|~^$]")


def markdown_text(value: str) -> str:
    """Text that markdown (pandoc's, GitHub's) shows as typed, on one line: every character
    that could start HTML, an entity, a link or picture, emphasis, code, maths or a table cell
    is escaped; `(`, `)` and `!` mean nothing once `[` is escaped, and stay readable."""
    return MARKDOWN_MARKUP.sub(r"\\\g<0>", " ".join(value.splitlines()))


def file_of(row: Row) -> str:
    """The file a passage is written in, by its name: the brief, or in an edition the
    catalog that holds its translation."""
    return Path(row.location.path).name


def line_of(row: Row, loaded: LoadedBrief) -> str:
    """The line of a passage; in the catalog's, with its name, when it is translated."""
    return str(row.location.line) if file_of(row) == loaded.path.name \
        else f"{file_of(row)}:{row.location.line}"


def ledger_markdown(loaded: LoadedBrief, rows: list[Row]) -> str:
    """The ledger as a table for people, in the brief's language."""
    labels = labels_for(loaded.brief.language)
    heads = (labels["evidence_line"], labels["ledger_kind"], labels["ledger_text"],
             labels["evidence_source"], labels["ledger_pinpoint"], labels["evidence_status"],
             labels["ledger_passage_in_source"])
    language = loaded.brief.language
    opening, closing = typography.quotation_marks(language)
    title = labels["ledger_title"].format(title=plain_text(loaded.brief.title, language))
    lines = [f"# {markdown_text(title)}", "",
             markdown_text(labels["ledger_count"].format(
                 file=loaded.path.name, count=len(rows),
                 summary=summary(rows, labels) or labels["ledger_none"])), "",
             "| " + " | ".join(markdown_text(head) for head in heads) + " |",
             "|---:|---|---|---|---|---|---|"]
    for row in rows:
        passage = row.check.passage if row.check and row.check.passage else ""
        lines.append("| " + " | ".join(markdown_text(value) for value in (
            line_of(row, loaded), kind_words(row.kind, labels), row.text, row.source,
            pinpoint_words(row.pinpoint, language, row.location),
            evidence_words(row, labels),
            opening + passage + closing if passage else "")) + " |")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ("file", "line", "column", "kind", "text", "source", "pinpoint", "status", "page",
               "copy", "excerpt", "passage")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str | int) -> str | int:
    """A cell that a spreadsheet shows as typed: text that would start a formula
    (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`) gets a leading `'`, as OWASP advises against CSV
    injection; numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def ledger_csv(loaded: LoadedBrief, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        check = row.check
        writer.writerow([csv_cell(value) for value in (
            file_of(row), row.location.line, row.location.column, row.kind, row.text,
            row.source, row.pinpoint or "", row.status, (check.page or "") if check else "",
            (check.copy or "") if check else "", check.excerpt if check else "",
            (check.passage or "") if check else "")])
    return out.getvalue()


def ledger_json(loaded: LoadedBrief, rows: list[Row]) -> str:
    """A W3C Web Annotation collection (https://www.w3.org/TR/annotation-model/): each row an
    annotation of its source, located by a TextQuoteSelector and a page FragmentSelector where
    the words were found."""
    brief = loaded.brief
    collection_id = (brief.url.rstrip("/") + "/evidence-ledger.json" if brief.url
                     else f"urn:brief:{loaded.path.stem}:evidence-ledger")
    sources = {source.id: source for source in brief.sources}
    labels = labels_for(brief.language)
    annotations = []
    for number, row in enumerate(rows, 1):
        check = row.check
        target: dict = {"source": _source_iri(sources.get(row.source), row.source)}
        if check and check.passage and check.status in ("verified", "other page"):
            selectors = [{"type": "TextQuoteSelector", "exact": check.passage,
                          "prefix": check.prefix, "suffix": check.suffix}]
            if check.page_index is not None and check.page is not None:
                selectors.append({"type": "FragmentSelector",
                                  "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                                  "value": f"page={check.page_index}"})
            target["selector"] = selectors
        annotation = {
            "id": f"{collection_id}#{number}",
            "type": "Annotation",
            "motivation": "assessing",
            "body": [
                {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
                 "language": brief.language, "value": row.text},
                # The status in words (`verified p. 401`), in the brief's language; the
                # machine value is `brief.status`.
                {"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
                 "language": brief.language, "value": evidence_words(row, labels)},
            ],
            "target": target,
            # The brief by its name: the ledger travels (attached to the PDF, too), and the
            # path that the command was given would tell where it was built.
            "brief": {"kind": row.kind, "file": file_of(row), "line": row.location.line,
                      "column": row.location.column, "source": row.source,
                      "pinpoint": row.pinpoint, "status": row.status,
                      "page": check.page if check else None,
                      "copy": check.copy if check else None},
        }
        annotations.append(annotation)
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": labels_for(brief.language)["ledger_title"].format(
            title=plain_text(brief.title, brief.language)),
        "total": len(annotations),
        "first": {"id": f"{collection_id}#page1", "type": "AnnotationPage", "startIndex": 0,
                  "items": annotations},
    }
    return json.dumps(collection, ensure_ascii=False, indent=2).translate(JSON_ESCAPED) + "\n"


# JSON escapes C0 controls itself; DEL and C1 (found only inside strings) are escaped too, so
# that the ledger is the same printed on a terminal as written to a file.
JSON_ESCAPED = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def _source_iri(source, key: str) -> str:
    extra = (source.model_extra or {}) if source is not None else {}
    if isinstance(extra.get("URL"), str) and extra["URL"].startswith(("http://", "https://")):
        return extra["URL"]
    if isinstance(extra.get("DOI"), str):
        return "https://doi.org/" + extra["DOI"]
    return f"urn:brief:source:{key}"


FORMATS = {"md": ledger_markdown, "csv": ledger_csv, "json": ledger_json}
