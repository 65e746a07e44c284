"""Footnotes in the PDF's structure tree: a Note with an ID after the block that calls it, a
Reference that names it, and nothing else of the tree changed."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from brief.build import BuildOptions, build
from tests.conftest import DATA, EXAMPLE

BLOCKS = {"/P", "/H1", "/H2", "/H3", "/BlockQuote", "/Caption"}


def structure(pdf: pikepdf.Pdf) -> list[tuple[pikepdf.Dictionary, pikepdf.Dictionary, int]]:
    """Every structure element with its parent and its place among the parent's kids."""
    found = []

    def walk(element):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids else []
        for index, kid in enumerate(kids):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append((kid, element, index))
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def ancestors(element):
    while "/P" in element and "/S" in element.P:
        element = element.P
        yield element


def kids_of(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids else []


def built(source: Path, folder: Path, *options: str) -> Path:
    out = folder / (source.stem + ".pdf")
    result = build(source, BuildOptions(output=out, pdf_variant=options[0] if options else None))
    assert result.ok, [d.format() for d in result.diagnostics]
    return out


@pytest.mark.parametrize("source, variant", [(EXAMPLE, None),
                                             (DATA / "arabic" / "brief.yaml", None),
                                             (EXAMPLE, "pdf/a-3u")])
def test_each_footnote_is_a_note_read_after_the_block_that_calls_it(tmp_path, source, variant):
    with pikepdf.open(built(source, tmp_path, *([variant] if variant else []))) as pdf:
        elements = structure(pdf)
        notes = [(e, parent, i) for e, parent, i in elements if e.S == "/Note"]
        calls = [e for e, _, _ in elements if e.S == "/Reference"]
        # One Note and one Reference per note, numbered in reading order.
        assert [str(e.ID) for e, _, _ in notes] == [f"note-{n}" for n in range(1, len(notes) + 1)]
        assert [str(e.ID) for e in calls] == [f"note-call-{n}" for n in range(1, len(notes) + 1)]
        assert len(notes) > 5
        parent_of = {e.objgen: (parent, i) for e, parent, i in elements}
        for call, (note, parent, index) in zip(calls, notes):
            assert call.Ref[0].objgen == note.objgen
            assert note.P.objgen == parent.objgen
            assert kids_of(note)[0].S == "/Lbl"  # its number first
            # The note follows the block around its call, or ends the list item holding it.
            block = call
            while block.S not in BLOCKS and parent_of[block.objgen][0].S != "/LBody":
                block = parent_of[block.objgen][0]
            if block.S in BLOCKS:  # after the block, and after notes called before in it
                before = kids_of(parent)[:index]
                while before[-1].S == "/Note":
                    before.pop()
                assert before[-1].objgen == block.objgen
            else:
                assert parent.S == "/LBody" and index == len(kids_of(parent)) - 1
        # IDs are found through the ID tree, as the format asks.
        names = list(pdf.Root.StructTreeRoot.IDTree.Names)
        ids = {str(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
        assert ids == {str(e.ID): e.objgen for e in [n for n, _, _ in notes] + calls}
        assert [str(key) for key in names[::2]] == sorted(ids, key=str.encode)
        # The text of each note is still found from the page: its marked content belongs to
        # the elements inside the Note.
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        owners = dict(zip(*[iter(pdf.Root.StructTreeRoot.ParentTree.Nums)] * 2))
        inside = {e.objgen for e, _, _ in elements if any(
            ancestor.objgen in {n.objgen for n, _, _ in notes} for ancestor in ancestors(e))}
        for element, _, _ in elements:
            if element.objgen in inside:
                for mcid in (kid for kid in kids_of(element) if isinstance(kid, int)):
                    page = pages[element.Pg.objgen]
                    assert owners[page][mcid].objgen == element.objgen
        # Nothing is left of the footnote areas they came from.
        assert not [e for e, _, _ in elements if e.S == "/NonStruct" and not kids_of(e)
                    and e.get("/Pg") is not None and parent_of[e.objgen][0].S == "/Document"]


def test_a_brief_without_notes_keeps_the_tree_as_written(tmp_path):
    out = tmp_path / "handout.pdf"
    result = build(EXAMPLE, BuildOptions(output=out, layout="handout"))
    assert result.ok
    with pikepdf.open(out) as pdf:
        types = {str(e.S) for e, _, _ in structure(pdf)}
        assert "/Note" not in types and "/Reference" not in types
        assert "/IDTree" not in pdf.Root.StructTreeRoot


def test_the_same_brief_gives_the_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = built(EXAMPLE, tmp_path / "a"), built(EXAMPLE, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
