"""Footnotes in the PDF's structure tree, as a screen reader needs them.

WeasyPrint tags a footnote as a plain Span at the end of its page, apart from the paragraph
that calls it, and its call as an anonymous element. Tagged PDF has words for both: a `Note`
with an ID, and a `Reference` that names it. Two steps make them:

1. while WeasyPrint builds the tree (`marking_notes`), each element made from a footnote is
   named `Note` with the HTML id of its note (`note-3`), its number `Lbl`, and each call
   `Reference` with `note-call-3` as its ID;
2. then (`place_notes`, with pikepdf) each Note moves to just after the paragraph that calls
   it, so that the reading order is text, note, text; each Reference points at its Note
   (`/Ref`), and the IDs go into the tree's ID tree.

WeasyPrint builds its tree in a private function with no hook for this; if that function is
not there, the PDF keeps WeasyPrint's own tags and tests/test_note_tags.py fails.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

# Where a note may stand after the block that calls it; inside a list item or a cell it
# closes the item's body instead, since a list holds only its items.
BLOCKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/BlockQuote", "/Caption"}
CONTAINERS = {"/LBody", "/TD", "/TH", "/Div", "/Sect", "/Part", "/Art", "/Document"}


@contextlib.contextmanager
def marking_notes() -> Iterator[None]:
    """Name the structure elements of footnotes, their numbers and calls while WeasyPrint
    writes a tagged PDF inside this block."""
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
                _mark(box, element, called, pydyf)
            yield element

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original


def _mark(box, element, called: set[object], pydyf) -> None:
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


def place_notes(pdf_bytes: bytes) -> bytes:
    """Move each Note after the block that calls it, link calls to notes, and list the IDs.

    A PDF without marked notes is returned as it is.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return pdf_bytes
        parents: dict[tuple[int, int], pikepdf.Dictionary] = {}
        elements = list(_walk(root, parents))
        notes = {str(e.ID): e for e in elements if e.get("/S") == "/Note" and "/ID" in e}
        calls = {str(e.ID): e for e in elements if e.get("/S") == "/Reference" and "/ID" in e}
        if not notes:
            return pdf_bytes
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
        out = io.BytesIO()
        # The same input gives the same bytes: the file identifier is made from the content.
        pdf.save(out, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


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
