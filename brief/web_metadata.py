"""What the web edition tells reference managers, search engines and link previews.

`citation_*` tags are what Zotero's connector and Google Scholar read (a
`citation_technical_report_institution` makes Zotero save a report); Open Graph and Twitter
card tags make link previews; schema.org JSON-LD describes the brief as a `Report` with the
works it cites. Values are plain text: the template escapes them, and `tojson` escapes the
JSON-LD for a <script> element.
"""

from __future__ import annotations

from typing import Any

from brief.markup import plain_text
from brief.model import Brief

# CSL item types as schema.org types; anything else is a CreativeWork.
SCHEMA_TYPES = {
    "article": "Article", "article-journal": "ScholarlyArticle", "article-magazine": "Article",
    "article-newspaper": "NewsArticle", "book": "Book", "chapter": "Chapter",
    "report": "Report", "thesis": "Thesis", "webpage": "WebPage", "post": "SocialMediaPosting",
    "post-weblog": "BlogPosting", "legislation": "Legislation", "dataset": "Dataset",
    "motion_picture": "Movie", "broadcast": "Episode", "interview": "CreativeWork",
    "speech": "CreativeWork", "paper-conference": "ScholarlyArticle",
}


def web_address(value: str | None) -> str | None:
    """`value` if it is an http(s) address a browser may follow, else None."""
    return value if value and value.lower().startswith(("http://", "https://")) else None


def pdf_address(brief: Brief) -> str | None:
    """The published PDF: the brief's `url` when it names a .pdf file."""
    url = web_address(brief.url)
    return url if url and _is_pdf(url) else None


def page_address(brief: Brief) -> str | None:
    """The published web page: the brief's `url` unless that is the PDF."""
    return None if pdf_address(brief) else web_address(brief.url)


def alternates(brief: Brief, others, master_language: str) -> list[tuple[str, str]]:
    """(hreflang, address) of each language edition's web page, this one's included, and the
    master's again as `x-default`, as search engines ask; none unless this edition and
    another have pages of their own."""
    own = page_address(brief)
    pages = [(other.language, other.url) for other in others
             if web_address(other.url) and not _is_pdf(other.url) and other.url != own]
    if not pages or not own:
        return []
    found = sorted([(brief.language, own), *pages])
    master = dict(found).get(master_language)
    return found + ([("x-default", master)] if master else [])


def _is_pdf(url: str) -> bool:
    return url.lower().split("?")[0].split("#")[0].endswith(".pdf")


def authors(brief: Brief) -> list[str]:
    """The people who wrote the brief, or its organisation when it names none."""
    return [author.name for author in brief.authors] or [brief.organisation.name]


def meta_tags(brief: Brief) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for each <meta>: `name` or `property` (Open Graph)."""
    description = plain_text(brief.subtitle or brief.summary, brief.language)
    language = brief.language
    tags = [("name", "citation_title", brief.title)]
    tags += [("name", "citation_author", name) for name in authors(brief)]
    tags += [
        ("name", "citation_publication_date", brief.date.strftime("%Y/%m/%d")),
        ("name", "citation_publisher", brief.organisation.name),
        ("name", "citation_technical_report_institution", brief.organisation.name),
        ("name", "citation_language", language),
    ]
    if brief.series:
        tags.append(("name", "citation_series_title", brief.series))
    if brief.keywords:
        tags.append(("name", "citation_keywords", "; ".join(brief.keywords)))
    if pdf_address(brief):
        tags.append(("name", "citation_pdf_url", pdf_address(brief) or ""))
    if page_address(brief):
        tags.append(("name", "citation_fulltext_html_url", page_address(brief) or ""))

    tags += [
        ("property", "og:type", "article"),
        ("property", "og:title", brief.title),
        ("property", "og:description", description),
        ("property", "og:site_name", brief.organisation.name),
        ("property", "og:locale", open_graph_locale(language)),
        ("property", "article:published_time", brief.date.isoformat()),
    ]
    tags += [("property", "article:author", name) for name in authors(brief)]
    # The page's own address: a link preview of the web edition opens the page, not the PDF.
    if page_address(brief):
        tags.append(("property", "og:url", page_address(brief) or ""))
    tags += [
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", brief.title),
        ("name", "twitter:description", description),
    ]
    return tags


def json_ld(brief: Brief, cited: list[str]) -> dict[str, Any]:
    """The brief as a schema.org Report citing the sources `cited` (ids, in list order)."""
    sources = {source.id: source.csl_json() for source in brief.sources}
    report: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": brief.title,
        "headline": brief.title,
        "datePublished": brief.date.isoformat(),
        "inLanguage": brief.language,
        "author": [{"@type": "Person", "name": author.name} for author in brief.authors]
        or [{"@type": "Organization", "name": brief.organisation.name}],
        "publisher": {"@type": "Organization", "name": brief.organisation.name},
        "abstract": plain_text(brief.summary, brief.language),
    }
    if web_address(brief.organisation.url):
        report["publisher"]["url"] = brief.organisation.url
    if brief.subtitle:
        report["alternativeHeadline"] = brief.subtitle
    if brief.series:
        report["isPartOf"] = {"@type": "CreativeWorkSeries", "name": brief.series}
    if brief.keywords:
        report["keywords"] = brief.keywords
    if brief.licence:
        report["license"] = brief.licence
    if page_address(brief):
        report["url"] = page_address(brief)
    if pdf_address(brief):
        report["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf",
                              "contentUrl": pdf_address(brief)}
    report["citation"] = [cited_work(sources[key]) for key in cited if key in sources]
    return report


def cited_work(item: dict[str, Any]) -> dict[str, Any]:
    """One CSL item as a schema.org CreativeWork."""
    work: dict[str, Any] = {"@type": SCHEMA_TYPES.get(item["type"], "CreativeWork")}
    if item.get("title"):
        work["name"] = str(item["title"])
    people = [person_or_body(name) for name in item.get("author") or item.get("editor") or []]
    if people:
        work["author"] = people
    year = (item.get("issued") or {}).get("date-parts", [[None]])[0]
    if year and year[0]:
        work["datePublished"] = "-".join(f"{int(part):02d}" if i else str(int(part))
                                         for i, part in enumerate(year))
    if item.get("container-title"):
        work["isPartOf"] = {"@type": "CreativeWork", "name": str(item["container-title"])}
    if item.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": str(item["publisher"])}
    if item.get("DOI"):
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI",
                              "value": str(item["DOI"])}
        doi = str(item["DOI"])
        work["url"] = doi if web_address(doi) else "https://doi.org/" + doi
    elif web_address(item.get("URL")):
        work["url"] = item["URL"]
    return work


def person_or_body(name: dict[str, Any]) -> dict[str, str]:
    if "literal" in name:
        return {"@type": "Organization", "name": str(name["literal"])}
    given, family = str(name.get("given", "")), str(name.get("family", ""))
    # East Asian names are written family name first, without a space.
    full = (family + given if any(is_east_asian(c) for c in family + given)
            else " ".join(part for part in (given, family) if part))
    return {"@type": "Person", "name": full,
            **({"givenName": given} if given else {}), **({"familyName": family} if family else {})}


def is_east_asian(character: str) -> bool:
    """Hangul, kana or Han."""
    code = ord(character)
    return (0x1100 <= code <= 0x11FF or 0x3040 <= code <= 0x30FF or 0x3130 <= code <= 0x318F
            or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF)


def open_graph_locale(language: str) -> str:
    """The `language_TERRITORY` form Open Graph asks for: the brief's region when it names
    one (`fr-CH` → `fr_CH`), else the language's most likely one (`de` → `de_DE`)."""
    from babel.core import Locale, UnknownLocaleError, get_global

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language.replace("-", "_")
    territory = locale.territory or get_global("likely_subtags").get(
        locale.language, "").rsplit("_", 1)[-1]
    return f"{locale.language}_{territory}" if territory.isupper() else locale.language
