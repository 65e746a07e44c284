"""Pydantic models of the brief format (version 1); no I/O.

Field names follow BRIEF-FORMAT.md exactly. Unknown keys are rejected everywhere except in
sources, where any CSL variable is allowed and `check` warns about names CSL does not know.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from brief.markup import KEY as CITATION_KEY
from brief.markup import Cluster, find_citations

# A path into the brief, as in the YAML: ("sections", 0, "body", 2, "claim").
NodePath = tuple[str | int, ...]

CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)
CSL_DATE_VARIABLES = (
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
)
CSL_NAME_VARIABLES = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "editor-translator",
    "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
)
CSL_TEXT_VARIABLES = (
    "abstract", "annote", "archive", "archive_collection", "archive_location",
    "archive-place", "authority", "call-number", "chapter-number", "citation-key",
    "citation-label", "citation-number", "collection-number", "collection-title",
    "container-title", "container-title-short", "dimensions", "division", "DOI", "edition",
    "event", "event-place", "event-title", "first-reference-note-number", "genre", "ISBN",
    "ISSN", "issue", "jurisdiction", "keyword", "language", "license", "locator", "medium",
    "note", "number", "number-of-pages", "number-of-volumes", "original-publisher",
    "original-publisher-place", "original-title", "page", "page-first", "part-number",
    "part-title", "PMCID", "PMID", "printing-number", "publisher", "publisher-place",
    "references", "reviewed-genre", "reviewed-title", "scale", "section", "source", "status",
    "supplement-number", "title", "title-short", "URL", "version", "volume",
    "volume-title", "year-suffix", "custom", "journalAbbreviation", "shortTitle",
)
CSL_VARIABLES = frozenset(
    ("id", "type") + CSL_DATE_VARIABLES + CSL_NAME_VARIABLES + CSL_TEXT_VARIABLES
)

DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def csl_date(value: Any) -> dict[str, Any]:
    """Normalise `2015`, `2015-03`, `2015-03-05` or CSL-JSON dates to CSL-JSON form."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        match = DATE_PATTERN.match(value.strip())
        if not match:
            raise PydanticCustomError(
                "csl_date",
                "`{value}` is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD",
                {"value": value},
            )
        parts = [int(p) for p in match.groups() if p is not None]
        _check_date_parts(parts, value)
        return {"date-parts": [parts]}
    if isinstance(value, dict):
        if set(value) - {"date-parts", "literal", "raw", "circa", "season"}:
            raise PydanticCustomError(
                "csl_date",
                "a CSL date mapping has `date-parts`, `literal`, `raw`, `circa` or `season`",
            )
        if any(isinstance(value[key], bool) or not isinstance(value[key], (str, int))
               for key in ("literal", "raw", "season") if key in value):
            raise PydanticCustomError("csl_date", "`literal`, `raw` and `season` hold text")
        if not isinstance(value.get("date-parts", []), list):
            raise PydanticCustomError(
                "csl_date", "`date-parts` is a list of [year, month, day] lists")
        date_parts = []
        for parts in value.get("date-parts", []):
            if not isinstance(parts, list) or not parts or len(parts) > 3:
                raise PydanticCustomError(
                    "csl_date", "`date-parts` is a list of [year, month, day] lists"
                )
            numbers = [_whole_number(p) for p in parts]
            if None in numbers:
                raise PydanticCustomError(
                    "csl_date", "`date-parts` holds whole numbers: [[2015, 3, 5]]")
            _check_date_parts(numbers, str(parts))
            date_parts.append(numbers)
        # pandoc reads `literal` and `raw` only as text, and date parts only as whole numbers.
        return {key: str(part) if key in ("literal", "raw") else part
                for key, part in value.items()} | (
            {"date-parts": date_parts} if "date-parts" in value else {})
    raise PydanticCustomError(
        "csl_date", "a date is written YYYY, YYYY-MM, YYYY-MM-DD or as CSL `date-parts`"
    )


def _whole_number(value: Any) -> int | None:
    """A date part as a number: 2015, "2015" or 2015.0, but not 1.5, true or 1e400."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None  # inf and nan are not integers
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,6}", value.strip()):
        return int(value)
    return None


def _check_date_parts(parts: list[int], shown: str) -> None:
    year, month, day = (parts + [1, 1])[:3]
    try:
        dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise PydanticCustomError(
            "csl_date", "`{value}` is not a calendar date", {"value": shown}
        ) from None


def brief_date(value: Any) -> dt.date:
    """The brief's own date: exactly YYYY-MM-DD."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = DATE_PATTERN.match(value.strip())
        if match and match.group(3):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise PydanticCustomError(
                    "brief_date", "`{value}` is not a calendar date", {"value": value}
                ) from None
    raise PydanticCustomError(
        "brief_date", "`date` is written YYYY-MM-DD, e.g. 2018-02-26"
    )


NAME_TEXT_PARTS = ("family", "given", "literal", "suffix", "dropping-particle",
                   "non-dropping-particle")


def csl_names(value: Any) -> list[dict[str, Any]]:
    """Accept CSL name mappings, or the shorthand "Family, Given" / "Institution"."""
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise PydanticCustomError("csl_names", "names are a list of {family, given} mappings")
    names = []
    for name in value:
        if isinstance(name, str):
            family, comma, given = name.partition(",")
            names.append(
                {"family": family.strip(), "given": given.strip()} if comma
                else {"literal": name.strip()}
            )
        elif isinstance(name, dict):
            if not all(isinstance(part, (str, bool, int)) for part in name.values()) or any(
                    isinstance(name.get(key), bool) for key in NAME_TEXT_PARTS):
                raise PydanticCustomError(
                    "csl_names", "each part of a name is text, e.g. {family: Song, given: Jiyoung}")
            # pandoc reads these parts only as text: a number is written as one.
            names.append({key: str(part) if key in NAME_TEXT_PARTS else part
                          for key, part in name.items()})
        else:
            raise PydanticCustomError(
                "csl_names", "a name is a mapping like {family: Song, given: Jiyoung}"
            )
    return names


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Markdown = Annotated[str, Field(min_length=1)]


class Organisation(Strict):
    name: str = Field(min_length=1)
    url: str | None = None
    logo: str | None = None
    contact: str | None = None
    about: Markdown | None = None


class Author(Strict):
    name: str = Field(min_length=1)
    role: str | None = None


class Claim(Strict):
    claim: Markdown
    id: str | None = None
    evidence: dict[str, Markdown] | None = Field(
        None, description="for a cited source id, the words in it that support the claim; "
        "checked against the source's copy like a quotation")

    @field_validator("evidence")
    @classmethod
    def _source_ids(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for key in value or {}:
            if not re.fullmatch(CITATION_KEY, key):
                raise PydanticCustomError("source_id", "`{value}` is not a source id",
                                          {"value": key})
        return value


class Quote(Strict):
    quote: Markdown
    # A source id and a locator only: they are written into a citation, `[@source, locator]`.
    source: str = Field(min_length=1)
    locator: str | None = Field(None, pattern=r"^[^\[\];@]*$")
    speaker: str | None = None
    id: str | None = None

    @field_validator("source")
    @classmethod
    def _one_source_id(cls, value: str) -> str:
        if not re.fullmatch(CITATION_KEY, value):
            raise PydanticCustomError("source_id", "`{value}` is not a source id",
                                      {"value": value})
        return value

    def note_citation(self) -> str:
        locator = f", {self.locator}" if self.locator else ""
        return f"[@{self.source}{locator}]"


class Text(Strict):
    text: Markdown


class ListBlock(Strict):
    list: Annotated[list[Markdown], Field(min_length=1)]


BLOCK_KINDS = ("claim", "quote", "text", "list")


def block_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((kind for kind in BLOCK_KINDS if kind in value), None)
    return None


Block = Annotated[
    Union[
        Annotated[Claim, Tag("claim")],
        Annotated[Quote, Tag("quote")],
        Annotated[Text, Tag("text")],
        Annotated[ListBlock, Tag("list")],
    ],
    Discriminator(
        block_kind,
        custom_error_type="block_kind",
        custom_error_message="a block needs one of the keys claim, quote, text or list",
    ),
]


class Section(Strict):
    heading: str = Field(min_length=1)
    id: str | None = None
    body: Annotated[list[Block], Field(min_length=1)]


class Recommendation(Strict):
    to: str = Field(min_length=1)
    actions: Annotated[list[Markdown], Field(min_length=1)]


LanguageTag = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]


class SourceBase(BaseModel):
    """A CSL item with CSL-JSON field names; other CSL variables pass through."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(min_length=1, description="the key that citations use: [@id]")
    type: Literal[CSL_TYPES] = Field(description="the CSL item type")  # type: ignore[valid-type]

    file: str | None = Field(None, min_length=1, description="a local copy of the source in "
                             "the brief's folder (PDF with a text layer, HTML or text), against "
                             "which quotations are checked")
    first_page: int | None = Field(None, alias="first-page", ge=0, description="the printed "
                                   "number of the copy's first page, when the PDF has no page "
                                   "labels")
    versions: dict[LanguageTag, dict[str, Any]] | None = Field(
        None, description="the source in other languages: for each language (BCP 47 tag), "
        "the fields that differ in it (title, URL, publisher, file …); an edition in that "
        "language cites this version")

    @field_validator("versions")
    @classmethod
    def _version_fields(cls, value: dict[str, dict[str, Any]] | None
                        ) -> dict[str, dict[str, Any]] | None:
        for language, version in (value or {}).items():
            for key in version:
                if key not in VERSION_FIELDS:
                    raise PydanticCustomError(
                        "version_field", "`{key}` cannot differ in a version (in `{language}`): "
                        "a version gives CSL fields such as title, URL and publisher, or `file`",
                        {"key": key, "language": language})
        return value

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in CSL_TYPES:
            raise PydanticCustomError("csl_type", "`{value}` is not a CSL type", {"value": value})
        return value

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def csl_json(self) -> dict[str, Any]:
        """The item as pandoc's citeproc reads it: dates and names normalised, numbers as text."""
        return {
            key: str(value) if isinstance(value, (int, float)) and not isinstance(value, bool)
            else value
            for key, value in self.model_dump(by_alias=True, exclude_none=True,
                                              exclude=BRIEF_SOURCE_FIELDS).items()
        }


# Keys of a source that are brief's own, not CSL: they never reach the citation processor.
BRIEF_SOURCE_FIELDS = {"file", "first_page", "versions"}
# What a source's version in another language may give: its id and type are the source's own.
VERSION_FIELDS = (CSL_VARIABLES - {"id", "type"}) | {"file", "first-page"}


CslDate = Annotated[dict[str, Any], BeforeValidator(
    csl_date, json_schema_input_type=int | str | dict[str, Any])]
CslNames = Annotated[list[dict[str, Any]], BeforeValidator(
    csl_names, json_schema_input_type=str | list[str | dict[str, str]])]

# Dates and names get typed fields so that a bad one is reported at its own line.
Source = create_model(
    "Source",
    __base__=SourceBase,
    **{
        name.replace("-", "_"): (CslDate | None, Field(None, alias=name))
        for name in CSL_DATE_VARIABLES
    },
    **{
        name.replace("-", "_"): (CslNames | None, Field(None, alias=name))
        for name in CSL_NAME_VARIABLES
    },
)


BriefDate = Annotated[dt.date, BeforeValidator(brief_date, json_schema_input_type=dt.date)]


class Brief(Strict):
    """A policy brief: the brief file format, version 1."""

    model_config = ConfigDict(title="brief file format, version 1")

    title: str = Field(min_length=1, description="the brief's title")
    subtitle: str | None = None
    series: str | None = Field(None, description="e.g. Policy Brief No. 3")
    date: BriefDate = Field(description="publication date, YYYY-MM-DD")
    language: LanguageTag = Field("en", description="BCP 47 tag: labels, dates, hyphenation")
    organisation: Organisation
    authors: list[Author] = []
    summary: Markdown = Field(description="the executive summary, shown first")
    key_messages: list[Markdown] = Field([], description="3 to 5 short points")
    sections: Annotated[list[Section], Field(min_length=1)]
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]
    sources: list[Source] = Field(  # type: ignore[valid-type]
        description="CSL items, or paths to .json, .yaml or .bib files beside the brief")
    style: str = Field("chicago-note", description="citation style: a short name, a CSL "
                       "style id or a path to a .csl file")
    layout: Literal["brief", "handout"] = "brief"
    licence: str | None = Field(None, description="e.g. CC BY 4.0")
    url: str | None = Field(None, description="where the full brief is published")
    brand: str | None = Field(None, description="a brand.yml file beside the brief")
    keywords: list[str] = Field([], description="the PDF's keywords (default: the headings)")

    def markdown_fields(self) -> Iterator[tuple[NodePath, str]]:
        """Every markdown text in reading order, the order of its footnotes in the PDF.

        A quotation's own note is yielded after its text, at the path of its `source` key, as
        the citation it stands for (`[@coi2014, p. 10f]`).
        """
        yield ("summary",), self.summary
        for i, message in enumerate(self.key_messages):
            yield ("key_messages", i), message
        for s, section in enumerate(self.sections):
            for b, block in enumerate(section.body):
                here = ("sections", s, "body", b)
                if isinstance(block, Claim):
                    yield here + ("claim",), block.claim
                elif isinstance(block, Quote):
                    yield here + ("quote",), block.quote
                    yield here + ("source",), block.note_citation()
                elif isinstance(block, Text):
                    yield here + ("text",), block.text
                else:
                    for i, item in enumerate(block.list):
                        yield here + ("list", i), item
        for r, recommendation in enumerate(self.recommendations):
            for a, action in enumerate(recommendation.actions):
                yield ("recommendations", r, "actions", a), action
        if self.organisation.about:
            yield ("organisation", "about"), self.organisation.about

    def citations(self) -> list[tuple[NodePath, str, int, Cluster]]:
        """Every citation cluster in reading order: its field, the field's text, its index."""
        return [(path, text, index, cluster)
                for path, text in self.markdown_fields()
                for index, cluster in enumerate(find_citations(text))]

    def source_ids(self) -> list[str]:
        return [source.id for source in self.sources]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a brief file, for editors that validate and complete YAML."""
    schema = Brief.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # In the file, sources may also name files of sources; the loader merges them in.
    source_or_file = {"anyOf": [{"$ref": "#/$defs/Source"},
                                {"type": "string", "description": "a .json, .yaml or .bib file"}]}
    schema["properties"]["sources"] = {
        "description": schema["properties"]["sources"]["description"],
        "anyOf": [{"type": "array", "items": source_or_file}, {"type": "string"}],
    }
    # CSL's text and number variables, which the model lets through unnamed, so that editors
    # complete and check them too.
    source = schema["$defs"]["Source"]["properties"]
    for name in CSL_TEXT_VARIABLES:
        if name not in source:
            source[name] = {"type": ["string", "number"], "title": name,
                            **({"description": CSL_DESCRIPTIONS[name]}
                               if name in CSL_DESCRIPTIONS else {})}
    for name in ("issued", "accessed", "author", "editor"):
        source[name]["description"] = CSL_DESCRIPTIONS[name]
    return schema


CSL_DESCRIPTIONS = {
    "title": "the title of the item",
    "title-short": "a short title, used in later notes",
    "container-title": "the journal, newspaper, book or website the item is part of",
    "collection-title": "the series, e.g. Policy Papers",
    "page": "the item's pages in its container, e.g. 399-415",
    "number-of-pages": "how many pages the item has",
    "volume": "volume number",
    "issue": "issue number",
    "number": "the report's, case's or law's number, e.g. A/HRC/25/63",
    "edition": "edition, e.g. 2",
    "publisher": "publisher",
    "publisher-place": "where it was published, e.g. New York",
    "authority": "the court, legislature or body that issued a case or a law",
    "jurisdiction": "the country or system of law",
    "genre": "the kind of item, e.g. Working paper or PhD thesis",
    "DOI": "Digital Object Identifier, e.g. 10.1002/app5.82 (without https://doi.org/)",
    "URL": "the web address of the item",
    "ISBN": "ISBN of a book",
    "ISSN": "ISSN of a journal",
    "language": "the item's language, a BCP 47 tag such as en or ko",
    "note": "a note printed with the reference, as the style allows",
    "citation-key": "the key to cite the item by; Zotero and Better BibTeX write it",
    "abstract": "summary of the item (not printed)",
    "medium": "the medium, e.g. Video or CD",
    "archive": "the archive that holds the item",
    "event-title": "the event (conference, hearing) the item belongs to",
    "issued": "when it was published: 2015, 2015-03, 2015-03-05 or CSL date-parts",
    "accessed": "when a web page was consulted: YYYY-MM-DD",
    "author": "authors: [{family: Song, given: Jiyoung}], [{literal: Human Rights Watch}] or "
              "[\"Song, Jiyoung\"]",
    "editor": "editors, written as authors are",
}
