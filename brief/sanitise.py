"""The one gate for HTML made from user text: every fragment that reaches a template or a web page
(pandoc's citations, notes and bibliography; the inline markdown of each field) passes here.

Markup is re-parsed as a browser would (html5ever, through nh3/ammonia) and rebuilt from an
allow-list: the few inline elements brief itself writes, no attribute that text can choose, and
links and pictures only to places brief allows. Whatever else a brief or a source slips through
an upstream tool (an event handler, a `style`, an SVG, a `javascript:` or `data:` link, a tag
spelled with entities) is dropped, its text kept.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup

# What brief's inline HTML is made of: markdown-it's inline elements, pandoc's for citations
# (emphasis, small caps, super- and subscripts, strike-outs), and the citation template's spans.
TAGS = {"a", "b", "br", "code", "del", "em", "i", "img", "s", "span", "strong", "sub", "sup", "u"}
ATTRIBUTES = {"*": set(), "a": {"href"}, "img": {"src", "alt"}, "span": {"class"}}
# Classes brief's own CSS and templates use; none can be chosen from a brief's text.
CLASSES = {"cite", "note", "cite-anchor", "smallcaps"}

SAFE_LINK = re.compile(r"^(?:https?://|mailto:|#)", re.I)
# Pictures are embedded by brief (data: URLs of checked files) or, with --allow-network, are
# web addresses the check allowed.
SAFE_PICTURE = re.compile(r"^(?:data:image/(?:png|jpeg|svg\+xml);base64,|https?://)", re.I)


def _allowed(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if SAFE_LINK.match(value) else None
    if tag == "img" and attribute == "src":
        return value if SAFE_PICTURE.match(value) else None
    if attribute == "class":
        kept = [name for name in value.split() if name in CLASSES]
        return " ".join(kept) or None
    return value  # alt text: escaped on output like any text


@functools.cache
def _cleaner():
    import nh3  # deferred: `brief check` renders nothing

    return nh3.Cleaner(
        tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_allowed,
        clean_content_tags={"script", "style"}, strip_comments=True, link_rel=None,
        url_schemes={"http", "https", "mailto", "data"})


def safe_html(fragment: str) -> Markup:
    """An HTML fragment rebuilt from brief's allow-list; safe to put in a page as it is."""
    if "<" not in fragment:
        return Markup(fragment)  # no element, so no attribute: already plain escaped text
    # The serialiser writes U+00A0 as an entity; the character itself is the same HTML and
    # keeps the text as pandoc and markdown-it wrote it.
    return Markup(_cleaner().clean(fragment).replace("&nbsp;", "\u00a0"))
