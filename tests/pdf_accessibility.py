"""A rule-based reading of a tagged PDF, as PDF/UA-1 (ISO 14289-1) asks: one rule a function.

Each rule takes the open PDF and returns its problems as short sentences naming the page or
the structure element. `problems(path)` runs them all. What a machine cannot judge (whether
alt text describes its picture, whether the reading order makes sense, whether colour alone
carries meaning) is listed in docs/accessibility.md, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf

# Operators that put marks on the page: text, paths, shadings, pictures and forms.
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do",
            "INLINE IMAGE"}


def kids(element: pikepdf.Object) -> list:
    found = element.get("/K")
    return list(found) if isinstance(found, pikepdf.Array) else [found] if found is not None else []


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Object | None]]:
    """Every structure element reachable from the root, depth first, with its page."""
    def walk(element, page):
        for kid in kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                own_page = kid.get("/Pg", page)
                yield kid, own_page
                yield from walk(kid, own_page)

    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        yield from walk(root, None)


_read: dict[tuple[int, tuple[int, int]], list] = {}  # by PDF and page, while problems() runs


def marked_contents(pdf: pikepdf.Pdf, page: pikepdf.Page) -> list[tuple[list, str, list]]:
    """Each operator of the page (and of the forms it paints) with the marked-content
    sequences around it (outermost first), as (stack, operator, operands)."""
    key = (id(pdf), page.obj.objgen)
    if key not in _read:
        _read[key] = list(_marked_contents(pdf, page))
    return _read[key]


def _marked_contents(pdf: pikepdf.Pdf, page: pikepdf.Page) -> Iterator[tuple[list, str, list]]:
    def read(instructions, stack, resources, seen):
        for instruction in instructions:
            operator = str(instruction.operator)
            operands = list(instruction.operands)
            if operator in ("BMC", "BDC"):
                properties = operands[1] if len(operands) > 1 else None
                stack = stack + [(str(operands[0]), properties)]
            elif operator == "EMC":
                stack = stack[:-1]
            yield stack, operator, operands
            if operator == "Do":
                form = resources.get("/XObject", {}).get(str(operands[0]))
                if form is not None and form.get("/Subtype") == "/Form" \
                        and form.objgen not in seen:
                    inner = pikepdf.parse_content_stream(form)
                    yield from read(inner, stack, form.get("/Resources", resources),
                                    seen | {form.objgen})

    yield from read(pikepdf.parse_content_stream(page), [], page.get("/Resources", {}), set())


# --- the rules ------------------------------------------------------------------------------

def everything_painted_is_tagged_or_an_artifact(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.1: no mark on a page outside a marked-content sequence."""
    found = []
    for number, page in enumerate(pdf.pages, 1):
        outside = [operator for stack, operator, _ in marked_contents(pdf, page)
                   if operator in PAINTING and not stack]
        if outside:
            found.append(f"page {number}: {len(outside)} painting operator(s) outside marked "
                         f"content ({', '.join(sorted(set(outside)))})")
    return found


def marked_content_belongs_to_the_tree(pdf: pikepdf.Pdf) -> list[str]:
    """Every MCID a structure element names is on its page, and every MCID on a page is named
    by an element of the tree (content that no element reaches is neither read nor an
    artifact)."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
    named: dict[int, set[int]] = {number: set() for number in pages.values()}
    found = []
    for element, page in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, int):
                mcid, on = kid, page
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcid, on = int(kid.MCID), kid.get("/Pg", page)
            else:
                continue
            if on is None or on.objgen not in pages:
                found.append(f"{element.S} names MCID {mcid} without a page")
            else:
                named[pages[on.objgen]].add(int(mcid))
    for number, page in enumerate(pdf.pages, 1):
        present = {int(stack[-1][1].MCID) for stack, operator, _ in marked_contents(pdf, page)
                   if operator == "BDC" and isinstance(stack[-1][1], pikepdf.Dictionary)
                   and "/MCID" in stack[-1][1]}
        if missing := named[number] - present:
            found.append(f"page {number}: MCIDs {sorted(missing)} named in the tree are not "
                         "on the page")
        if orphans := present - named[number]:
            found.append(f"page {number}: MCIDs {sorted(orphans)} are on the page but no "
                         "element of the tree names them")
    return found


def figures_have_alternative_text(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.3: a Figure says what it shows."""
    return [f"a Figure on page {page_number(pdf, page)} has no /Alt"
            for element, page in elements(pdf)
            if element.S == "/Figure" and not str(element.get("/Alt", "")).strip()
            and not str(element.get("/ActualText", "")).strip()]


def table_headers_have_a_scope(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.5: each TH says whether it heads a column or a row."""
    found = []
    for element, page in elements(pdf):
        if element.S != "/TH":
            continue
        attributes = element.get("/A")
        attributes = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
        scopes = [str(a.get("/Scope")) for a in attributes
                  if isinstance(a, pikepdf.Dictionary) and "/Scope" in a]
        if not any(scope in ("/Column", "/Row", "/Both") for scope in scopes):
            found.append(f"a TH on page {page_number(pdf, page)} has no /Scope")
    return found


def headings_do_not_skip_levels(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.4.2: the first heading is H1, and no heading is more than one level below
    the one before it."""
    found, level = [], 0
    for element, page in elements(pdf):
        name = str(element.S)
        if len(name) == 3 and name.startswith("/H") and name[2].isdigit():
            new = int(name[2])
            if new > level + 1:
                found.append(f"{name[1:]} on page {page_number(pdf, page)} follows "
                             f"{'H' + str(level) if level else 'no heading'}")
            level = new
    return found


def headings_have_text(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.4: a heading marks some content of the page."""
    def marks_content(element) -> bool:
        return any(isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and (
            kid.get("/Type") == "/MCR" or ("/S" in kid and marks_content(kid))))
            for kid in kids(element))

    return [f"an empty {str(element.S)[1:]} on page {page_number(pdf, page)}"
            for element, page in elements(pdf)
            if len(str(element.S)) == 3 and str(element.S).startswith("/H")
            and str(element.S)[2].isdigit() and not marks_content(element)]


def languages_are_named(pdf: pikepdf.Pdf, other_languages: frozenset[str] = frozenset()
                        ) -> list[str]:
    """PDF/UA-1 7.2: the document's language on the catalog, and the language of each part in
    another language (`other_languages`: the tags expected on such elements) on it."""
    found = []
    if not str(pdf.Root.get("/Lang", "")).strip():
        found.append("the catalog has no /Lang")
    named = {str(element.Lang).lower() for element, _ in elements(pdf) if "/Lang" in element}
    for language in other_languages:
        if language.lower() not in named:
            found.append(f"no structure element says it is in {language!r}")
    return found


def the_title_is_shown(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.1: the window shows the document's title, which the metadata has."""
    found = []
    preferences = pdf.Root.get("/ViewerPreferences", {})
    if not bool(preferences.get("/DisplayDocTitle", False)):
        found.append("/DisplayDocTitle is not true")
    with pdf.open_metadata() as metadata:
        if not str(metadata.get("dc:title", "")).strip():
            found.append("the XMP metadata has no dc:title")
    return found


def notes_are_referenced(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.9: each Note has an ID, and is named by the Reference that calls it."""
    notes = {element.objgen: element for element, _ in elements(pdf) if element.S == "/Note"}
    referred = set()
    found = []
    for element, page in elements(pdf):
        if element.S == "/Reference" and "/Ref" in element:
            for target in element.Ref:
                if target.objgen not in notes:
                    found.append(f"a Reference on page {page_number(pdf, page)} names "
                                 "something that is not a Note")
                referred.add(target.objgen)
    for key, note in notes.items():
        if not str(note.get("/ID", "")).strip():
            found.append("a Note has no /ID")
        if key not in referred:
            found.append(f"Note {note.get('/ID', '')} is named by no Reference")
    return found


def links_are_tagged(pdf: pikepdf.Pdf) -> list[str]:
    """PDF/UA-1 7.18.5: every link annotation is the object of a Link element of the tree,
    and says where it goes (/Contents)."""
    linked = {kid.Obj.objgen for element, _ in elements(pdf) if element.S == "/Link"
              for kid in kids(element)
              if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"}
    found = []
    for number, page in enumerate(pdf.pages, 1):
        annotations = [a for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        untagged = [a for a in annotations if a.objgen not in linked]
        if untagged:
            found.append(f"page {number}: {len(untagged)} of {len(annotations)} link "
                         "annotations are in no Link element")
        if undescribed := [a for a in annotations if not str(a.get("/Contents", "")).strip()]:
            found.append(f"page {number}: {len(undescribed)} link annotations without "
                         "/Contents")
    return found


RULES: list[Callable[[pikepdf.Pdf], list[str]]] = [
    everything_painted_is_tagged_or_an_artifact, marked_content_belongs_to_the_tree,
    figures_have_alternative_text, table_headers_have_a_scope, headings_do_not_skip_levels,
    headings_have_text, languages_are_named, the_title_is_shown, notes_are_referenced, links_are_tagged,
]


def page_number(pdf: pikepdf.Pdf, page: pikepdf.Object | None) -> int | str:
    if page is not None:
        for number, candidate in enumerate(pdf.pages, 1):
            if candidate.obj.objgen == page.objgen:
                return number
    return "?"


def problems(path: Path, other_languages: frozenset[str] = frozenset()) -> list[str]:
    """What every rule finds in the PDF at `path`, each problem prefixed by its rule."""
    found = []
    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" not in pdf.Root or not pdf.Root.get("/MarkInfo", {}).get(
                "/Marked", False):
            return ["the PDF is not tagged"]
        try:
            for rule in RULES:
                answer = (rule(pdf, other_languages) if rule is languages_are_named
                          else rule(pdf))
                found += [f"{rule.__name__}: {problem}" for problem in answer]
        finally:
            _read.clear()
    return found
