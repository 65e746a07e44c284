"""Generators of hostile briefs that once exhausted time or memory, each at a chosen scale.

The tests build them small (they must fail the same way at any size, and fast);
benchmarks/hostile.py builds them at the size that was reported and measures time and memory.
Each writes its files into `folder` and returns the command-line arguments that attack.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BRIEF = """\
title: {title}
date: 2024-05-01
organisation: {{name: Org}}
summary: A summary [@a].
sections:
  - heading: One
    body:
      - claim: A claim [@a, p. 1].
{body}recommendations:
  - to: Someone
    actions: [Act.]
sources:
{sources}"""
SOURCE_A = "  - id: a\n    type: report\n    title: A Report\n    issued: 2020\n"


def brief_text(body: str = "", sources: str = SOURCE_A, title: str = "A Title") -> str:
    return BRIEF.format(title=title, body=body, sources=sources)


def write_brief(folder: Path, text: str, name: str = "b.yaml") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


# --- pandoc ----------------------------------------------------------------------------------

def bibtex_string_doubling(levels: int = 40) -> str:
    """A @string macro doubled `levels` times: 2**levels characters from a few lines."""
    lines = ['@string{s0 = "xxxxxxxxxxxxxxxx"}']
    lines += [f"@string{{s{n} = s{n - 1} # s{n - 1}}}" for n in range(1, levels + 1)]
    return "\n".join(lines) + f"\n@book{{a, title = s{levels}, year = 2020}}\n"


def bibtex_crossref_loop() -> str:
    return ("@book{a, crossref = {b}, title = {A}, year = 2020}\n"
            "@book{b, crossref = {a}, title = {B}, year = 2020}\n")


def bibtex_xdata_loop() -> str:
    return ("@xdata{x, xdata = {y}, publisher = {P}}\n@xdata{y, xdata = {x}, location = {L}}\n"
            "@book{a, xdata = {x}, title = {A}, year = 2020}\n")


def bibtex_attack(folder: Path, bibtex: str) -> list[str]:
    (folder / "refs.bib").write_text(bibtex, "utf-8")
    return ["check", str(write_brief(folder, brief_text(sources="  - refs.bib\n")))]


def csl_macro_loop(folder: Path) -> list[str]:
    (folder / "loop.csl").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">\n'
        '  <info><title>Loop</title><id>loop</id><updated>2020-01-01T00:00:00+00:00</updated>'
        '</info>\n'
        '  <macro name="a"><group><text macro="b"/><text macro="b"/></group></macro>\n'
        '  <macro name="b"><group><text macro="a"/><text macro="a"/></group></macro>\n'
        '  <citation><layout><text macro="a"/></layout></citation>\n'
        '  <bibliography><layout><text variable="title"/></layout></bibliography>\n'
        '</style>\n', "utf-8")
    text = brief_text().replace("summary:", "style: loop.csl\nsummary:")
    return ["build", "--format", "html", str(write_brief(folder, text))]


# --- pictures ----------------------------------------------------------------------------------

def svg_use_bomb(levels: int = 9, fan_out: int = 10) -> str:
    """Each level draws the one below `fan_out` times: fan_out**levels shapes from 1.6 KB."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
             ' width="100" height="100"><defs><rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#l{level - 1}"/>' for _ in range(fan_out))
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#l{levels}"/></svg>')
    return "".join(parts)


def png_bomb(side: int = 13_000) -> bytes:
    """A grey PNG of side x side pixels, a few hundred kilobytes for 169 megapixels."""
    row = b"\x00" + b"\x00" * side
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0,
                                                               0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def picture_attack(folder: Path, name: str, content: bytes | str) -> list[str]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    body = f'      - text: "![A map]({name})"\n'
    return ["build", str(write_brief(folder, brief_text(body=body)))]


# --- size and shape ----------------------------------------------------------------------------

def alias_expansion(folder: Path, characters: int = 1_000_000, uses: int = 1000) -> list[str]:
    anchored = "x " * (characters // 2)
    body = f'      - text: &s "{anchored}"\n' + "      - text: *s\n" * uses
    return ["check", str(write_brief(folder, brief_text(body=body)))]


def many_inline_sources(folder: Path, count: int = 10_000) -> list[str]:
    sources = SOURCE_A + "".join(
        f"  - id: s{n}\n    type: report\n    title: Report {n}\n    issued: 2020\n"
        for n in range(count))
    body = "".join(f"      - claim: Claim [@s{n}].\n" for n in range(count))
    return ["check", str(write_brief(folder, brief_text(body=body, sources=sources)))]


def many_citations(folder: Path, count: int = 30_000) -> list[str]:
    text = " ".join(f"Said [@a, p. {n}]." for n in range(count))
    return ["check", str(write_brief(folder, brief_text(body=f'      - text: "{text}"\n')))]


def citation_backtracking(folder: Path, repeats: int = 20_000) -> list[str]:
    text = "[a @b " * repeats
    return ["check", str(write_brief(folder, brief_text(body=f'      - text: "{text}"\n')))]


def unclosed_bracket(folder: Path, repeats: int = 20_000) -> list[str]:
    text = "[" + "a @b " * repeats
    return ["check", str(write_brief(folder, brief_text(body=f'      - text: "{text}"\n')))]


def backticks(folder: Path, repeats: int = 20_000) -> list[str]:
    text = "`" * repeats
    return ["check", str(write_brief(folder, brief_text(body=f'      - text: "{text}"\n')))]


def long_title(folder: Path, characters: int = 100_000) -> list[str]:
    title = " ".join(["Title"] * (characters // 6))
    return ["build", str(write_brief(folder, brief_text(title=title)))]


def sparse_file(path: Path, size: int) -> None:
    """A file that claims `size` bytes and takes no room on the disk."""
    with path.open("wb") as handle:
        handle.truncate(size)


def sparse_sources(folder: Path, size: int = 6 * 1024 ** 3) -> list[str]:
    sparse_file(folder / "refs.json", size)
    return ["check", str(write_brief(folder, brief_text(sources="  - refs.json\n")))]


def sparse_picture(folder: Path, size: int = 6 * 1024 ** 3) -> list[str]:
    sparse_file(folder / "map.png", size)
    body = '      - text: "![A map](map.png)"\n'
    return ["build", str(write_brief(folder, brief_text(body=body)))]


# --- evidence: local copies of sources and the excerpts looked for in them ---------------------

def evidence_attack(folder: Path, copy: str, content: bytes | None, excerpt: str,
                    locator: str = "p. 1", source_extra: str = "") -> list[str]:
    """A brief quoting `excerpt` from source `a`, whose local copy is `copy` (written unless
    `content` is None: the test makes it some other way)."""
    (folder / "sources").mkdir(exist_ok=True)
    if content is not None:
        (folder / "sources" / copy).write_bytes(content)
    body = (f"      - quote: {json_string(excerpt)}\n        source: a\n"
            f"        locator: {json_string(locator)}\n")
    sources = SOURCE_A + f"    file: sources/{copy}\n" + source_extra
    return ["verify", str(write_brief(folder, brief_text(body=body, sources=sources)))]


def json_string(text: str) -> str:
    import json

    return json.dumps(text)


def insertion_backtracking(folder: Path, words: int = 60) -> list[str]:
    """`a [w x] zzz` against a copy of long words: an insertion pattern that could split a
    word every way took exponential time."""
    copy = " ".join("a" + "b" * 40 for _ in range(words // 4)) * 4
    return evidence_attack(folder, "copy.txt", copy[:620 * words // 60].encode(), "a [w x] zzz")


def shared_stream_pdf(pages: int = 1000, characters: int = 200_000) -> bytes:
    """A small PDF whose pages all draw one content stream of `characters` characters: a few
    kilobytes that extract to pages × characters of text."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    line = b"BT /F1 1 Tf 10 10 Td (" + b"word " * (characters // 5) + b") Tj ET"
    stream = pdf.make_stream(line)
    for _ in range(pages):
        page = pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=stream,
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))))
        pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def shared_stream_copy(folder: Path, pages: int = 1000, characters: int = 200_000) -> list[str]:
    return evidence_attack(folder, "copy.pdf", shared_stream_pdf(pages, characters), "word word")


def large_text_copy(folder: Path, size: int = 200 * 1024 ** 2) -> list[str]:
    (folder / "sources").mkdir(exist_ok=True)
    piece = b"plain words of a long copy " * 40000
    with (folder / "sources" / "copy.txt").open("wb") as handle:
        while size > 0:
            handle.write(piece[:size])
            size -= len(piece)
    return evidence_attack(folder, "copy.txt", None, "words not in it")


def long_excerpt(folder: Path, excerpt_characters: int = 20_000,
                 copy_characters: int = 300_000) -> list[str]:
    """A long excerpt that is not in a long copy: the closest passage was aligned at once."""
    import random

    chooser = random.Random(7)
    words = ["".join(chooser.choices("abcdefghij", k=chooser.randint(2, 9)))
             for _ in range(3000)]
    copy = " ".join(chooser.choices(words, k=copy_characters // 6))[:copy_characters]
    excerpt = " ".join(chooser.choices(words, k=excerpt_characters // 6))[:excerpt_characters]
    return evidence_attack(folder, "copy.txt", copy.encode(), excerpt.strip())


def many_ellipses(folder: Path, parts: int = 200, copy_words: int = 60_000) -> list[str]:
    """A quotation of `parts` common words between ellipses, against a copy full of them."""
    copy = " ".join(["the state and the law"] * (copy_words // 5))
    return evidence_attack(folder, "copy.txt", copy.encode(),
                           " … ".join(["the"] * (parts - 1) + ["missing"]))


def html_marked_section(folder: Path) -> list[str]:
    return evidence_attack(folder, "copy.html", b"<p>words</p><![[x", "words")


def html_unclosed_comments(folder: Path, count: int = 100_000) -> list[str]:
    return evidence_attack(folder, "copy.html", b"<p>words</p>" + b"<!--" * count, "words")
