"""The PDF's structure tree as PDF/UA-1 asks and a screen reader needs it.

WeasyPrint writes a tagged PDF; brief corrects what it leaves short, in three steps:

1. after the layout (`one_annotation_per_link`), a link gets one annotation per line it
   covers: WeasyPrint gives one to every element inside a link too (each `<wbr>` of an
   address), which no Link element of the tree holds;
2. while WeasyPrint builds the tree (`tagging`): each element made from a footnote is named
   `Note` with the HTML id of its note (`note-3`), its number `Lbl`, and each call `Reference`
   with `note-call-3` as its ID; a table's header cell says whether it heads a column or a
   row (`/Scope`); an element in another language than the document's says which (`/Lang`);
3. then, with pikepdf (`finish_tags`): each Note moves to just after the paragraph that calls
   it, so that the reading order is text, note, text; each Reference points at its Note
   (`/Ref`), and the IDs go into the tree's ID tree; the running footer, which WeasyPrint marks
   as content that no element of the tree holds, becomes an artifact (pagination).

WeasyPrint builds its tree in a private function with no hook for this; if that function is
not there, the PDF keeps WeasyPrint's own tags and tests/test_note_tags.py and
tests/test_pdf_accessibility.py fail.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections.abc import Iterator

# Where a note may stand after the block that calls it; inside a list item or a cell it
# closes the item's body instead, since a list holds only its items.
BLOCKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/BlockQuote", "/Caption"}
CONTAINERS = {"/LBody", "/TD", "/TH", "/Div", "/Sect", "/Part", "/Art", "/Document"}


def one_annotation_per_link(document) -> None:
    """Keep only the link annotations of the links' own boxes (one per line of a link) in a
    laid-out WeasyPrint document: those of the elements inside a link repeat them."""
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[3].link is not None]


@contextlib.contextmanager
def tagging(language: str) -> Iterator[None]:
    """Name the structure elements of footnotes, their numbers and calls, the scope of table
    headers and the language of elements in another language than the document's
    (`language`), while WeasyPrint writes a tagged PDF inside this block."""
    try:
        import pydyf
        from weasyprint.pdf import tags
        original = tags._build_box_tree
    except (ImportError, AttributeError):  # another WeasyPrint: its own tags are kept
        yield
        return

    called: set[object] = set()  # the HTML elements of footnotes whose call was seen

    def build(box, parent, pdf, page_number, nums, annotations, marks):
        for element in original(box, parent, pdf, page_number, nums, annotations, marks):
            if element.get("P") == parent.reference:  # made for this box, not a descendant
                _mark(box, element, called, pydyf, language)
            yield element

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original


def _mark(box, element, called: set[object], pydyf, language: str) -> None:
    html = getattr(box, "element", None)
    if html is None:
        return
    tag = box.element_tag
    footnote = getattr(box, "footnote", None)
    if footnote is not None and tag.endswith("::footnote-call"):
        note_id = footnote.element.get("id") or ""
        if note_id.startswith("note-"):
            called.add(footnote.element)
            element["S"] = "/Reference"
            element["ID"] = pydyf.String("note-call-" + note_id.removeprefix("note-"))
    elif tag.endswith("::footnote-marker"):
        element["S"] = "/Lbl"
    elif html in called and "::" not in tag:  # the footnote itself, at the foot of a page
        element["S"] = "/Note"
        element["ID"] = pydyf.String(html.get("id"))
    if tag == "th" and isinstance(element.get("A"), pydyf.Dictionary):
        # As the cell's `scope` says; a header cell without one heads its column.
        scope = (html.get("scope") or "").lower()
        element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"
    own = html.get("lang")
    if own and "::" not in tag and own.lower() != language.lower():
        element["Lang"] = pydyf.String(own)


def finish_tags(pdf_bytes: bytes) -> bytes:
    """Move each Note after the block that calls it, link calls to notes, list the IDs, and
    make the content that no element of the tree holds an artifact.

    An untagged PDF is returned as it is.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return pdf_bytes
        parents: dict[tuple[int, int], pikepdf.Dictionary] = {}
        elements = list(_walk(root, parents))
        _place_notes(pdf, root, elements, parents)
        _untagged_as_artifacts(pdf, root, elements)
        _declare_universal_accessibility(pdf)
        for page in pdf.pages:  # links print as they show (PDF/UA-1 7.18.1, and PDF/A)
            for annotation in page.obj.get("/Annots", ()):
                if annotation.get("/Subtype") == "/Link":
                    annotation.F = PRINT_FLAG
        out = io.BytesIO()
        # The same input gives the same bytes: the file identifier is made from the content.
        pdf.save(out, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _place_notes(pdf, root, elements: list, parents: dict) -> None:
    import pikepdf

    notes = {str(e.ID): e for e in elements if e.get("/S") == "/Note" and "/ID" in e}
    calls = {str(e.ID): e for e in elements if e.get("/S") == "/Reference" and "/ID" in e}
    if notes:
        areas = {}  # the elements the notes came from: each page's footnote area
        for call_id, call in calls.items():
            note = notes.get("note-" + call_id.removeprefix("note-call-"))
            if note is None:
                continue
            call.Ref = pikepdf.Array([note])
            area = parents[note.objgen]
            areas[area.objgen] = area
            _detach(note, parents)
            _attach_after_block(note, call, parents)
        for area in areas.values():  # left empty by the move
            if len(area.get("/K", ())) == 0 and area.objgen in parents:
                _detach(area, parents)
        ids = sorted({**notes, **calls}.items(), key=lambda item: item[0].encode("utf-8"))
        names = pikepdf.Array()
        for key, element in ids:
            names.append(pikepdf.String(key))
            names.append(element)
        root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))


# PDF/UA-1's identification in the XMP metadata, with the description of its schema that
# PDF/A asks for any property outside its own list (ISO 19005-2, 6.6.2.3).
UNIVERSAL_ACCESSIBILITY = b"""<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>\
<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>PDF/UA Universal Accessibility Schema\
</pdfaSchema:schema><pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/\
</pdfaSchema:namespaceURI><pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix><pdfaSchema:property>\
<rdf:Seq><rdf:li rdf:parseType="Resource"><pdfaProperty:name>part</pdfaProperty:name>\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType><pdfaProperty:category>internal\
</pdfaProperty:category><pdfaProperty:description>Indicates which part of ISO 14289 the file \
conforms to</pdfaProperty:description></rdf:li></rdf:Seq></pdfaSchema:property></rdf:li>\
</rdf:Bag></pdfaExtension:schemas></rdf:Description><rdf:Description rdf:about="" \
xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>"""


def _declare_universal_accessibility(pdf) -> None:
    """Say in the XMP metadata that the file is PDF/UA-1, where WeasyPrint did not (a PDF/A
    variant): brief tags every PDF it writes, and tests/test_pdf_accessibility.py holds them
    to PDF/UA-1."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    data = metadata.read_bytes()
    if b"pdfuaid" in data or b"</rdf:RDF>" not in data:
        return
    metadata.write(data.replace(b"</rdf:RDF>", UNIVERSAL_ACCESSIBILITY + b"</rdf:RDF>", 1))


PRINT_FLAG = 4  # an annotation's flags: printed with the page

# A marked-content sequence as WeasyPrint opens it: `/Span <</MCID 77>> BDC`.
MARKED_RE = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _untagged_as_artifacts(pdf, root, elements: list) -> None:
    """Content marked with an MCID that no element of the tree holds (WeasyPrint's page
    margins: the running footer and the page number) becomes a pagination artifact, and
    leaves the parent tree."""
    import pikepdf

    held = {element.objgen for element in elements}
    parent_tree = root.get("/ParentTree")
    numbers = parent_tree.get("/Nums") if parent_tree is not None else None
    if numbers is None:
        return
    by_key = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers) - 1, 2)}
    for page in pdf.pages:
        mcids = by_key.get(int(page.obj.get("/StructParents", -1)))
        if not isinstance(mcids, pikepdf.Array):
            continue
        loose = {mcid for mcid, element in enumerate(mcids)
                 if isinstance(element, pikepdf.Dictionary) and element.objgen not in held}
        if not loose:
            continue
        streams = page.obj.Contents
        for stream in streams if isinstance(streams, pikepdf.Array) else [streams]:
            data = stream.read_bytes()
            changed = MARKED_RE.sub(lambda m: ARTIFACT if int(m.group(1)) in loose
                                    else m.group(0), data)
            if changed != data:
                stream.write(zlib.compress(changed), filter=pikepdf.Name.FlateDecode)
        for mcid in loose:
            mcids[mcid] = None


def _walk(element, parents: dict) -> Iterator:
    """Every structure element under `element`, depth first, with its parent recorded."""
    import pikepdf

    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            parents[kid.objgen] = element
            yield kid
            yield from _walk(kid, parents)


def _detach(element, parents: dict) -> None:
    import pikepdf

    parent = parents.pop(element.objgen)
    kids = parent.K
    if isinstance(kids, pikepdf.Array):
        for index, kid in enumerate(kids):
            if isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen:
                del kids[index]
                break
    else:
        del parent.K


def _attach_after_block(note, call, parents: dict) -> None:
    """Put `note` right after the block around `call`, or last in the container around it."""
    import pikepdf

    child = call
    while child.objgen in parents:
        parent = parents[child.objgen]
        if child.get("/S") in BLOCKS and parent.get("/S") in CONTAINERS | BLOCKS:
            kids = parent.K
            position = next(i for i, kid in enumerate(kids)
                            if isinstance(kid, pikepdf.Dictionary)
                            and kid.objgen == child.objgen)
            position += 1
            while (position < len(kids) and isinstance(kids[position], pikepdf.Dictionary)
                   and kids[position].get("/S") == "/Note"):
                position += 1  # after the notes this block called before
            kids.insert(position, note)
            break
        if parent.get("/S") in CONTAINERS - {"/Document"}:
            parent.K.append(note)
            break
        child = parent
    else:
        return
    note.P = parent
    parents[note.objgen] = parent
